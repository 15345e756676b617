package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/store"
)

// storeFlags are the flags that save results in a database (SPEC §13),
// shared by analyze and batch.
type storeFlags struct {
	db, lot, station, operator, serial, meta string
	re                                       *regexp.Regexp
	options                                  string // canonical options JSON, part of each measurement's identity
	// ids are the measurement ids of the analysed results save stored,
	// by cleaned path, so that a connector (--mate-pairs) can name them.
	ids map[string]int64
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.db, "db", "", "save every result in a database: a SQLite file (PATH or sqlite:PATH) or postgres://user:pass@host/db")
	fs.StringVar(&f.lot, "lot", "", "lot of the measured parts (with --db)")
	fs.StringVar(&f.station, "station", "", "measuring station (with --db; default the file's instrument, where it names one)")
	fs.StringVar(&f.operator, "operator", "", "operator (with --db; default the file's creator, where it names one)")
	fs.StringVar(&f.serial, "serial", "", "part serial number (with --db)")
	fs.StringVar(&f.meta, "meta", "", "regular expression matched against each file's path whose named groups lot, serial, station, operator give those values (with --db), e.g. '(?P<lot>L[0-9]+)/(?P<serial>[^/]+)\\.x3p$'; explicit flags win over it")
}

// metaGroups are the names a --meta expression may use.
var metaGroups = map[string]bool{"lot": true, "serial": true, "station": true, "operator": true}

// open checks the flags and opens the database (nil without --db), so
// that a wrong URL, an unreachable server or a bad password stops the
// command before any file is analysed. cfg gives the options that are
// part of each measurement's identity.
func (f *storeFlags) open(ctx context.Context, cfg batch.Config) (*store.Store, error) {
	if f.db == "" {
		for _, o := range []struct{ name, v string }{{"lot", f.lot}, {"station", f.station}, {"operator", f.operator}, {"serial", f.serial}, {"meta", f.meta}} {
			if o.v != "" {
				return nil, fmt.Errorf("--%s is for the database: give --db too", o.name)
			}
		}
		return nil, nil
	}
	if f.meta != "" {
		re, err := compileMeta(f.meta)
		if err != nil {
			return nil, err
		}
		f.re = re
	}
	var err error
	if f.options, err = store.OptionsJSON(cfg.Read, cfg.Analysis); err != nil {
		return nil, err
	}
	return store.Open(ctx, f.db)
}

// compileMeta compiles a --meta expression: it must name at least one
// of the groups lot, serial, station, operator and no other.
func compileMeta(expr string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("--meta: %w", err)
	}
	named := 0
	for _, n := range re.SubexpNames()[1:] {
		switch {
		case n == "":
		case metaGroups[n]:
			named++
		default:
			return nil, fmt.Errorf("--meta: group %q: the groups are lot, serial, station and operator", n)
		}
	}
	if named == 0 {
		return nil, fmt.Errorf("--meta %q has no named group (?P<lot>...), (?P<serial>...), (?P<station>...) or (?P<operator>...)", expr)
	}
	return re, nil
}

// metaFor returns the Meta of res: explicit flags win over the --meta
// groups, which win over what the file says (its instrument as station,
// its creator as operator).
func (f *storeFlags) metaFor(res batch.Result) store.Meta {
	m := store.MetaFromResult(res, f.options) // station and operator from the file
	if f.re != nil {
		if sub := f.re.FindStringSubmatch(filepath.ToSlash(res.File)); sub != nil {
			for i, name := range f.re.SubexpNames() {
				if i == 0 || sub[i] == "" {
					continue
				}
				switch name {
				case "lot":
					m.Lot = sub[i]
				case "serial":
					m.Serial = sub[i]
				case "station":
					m.Station = sub[i]
				case "operator":
					m.Operator = sub[i]
				}
			}
		}
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{{&m.Lot, f.lot}, {&m.Serial, f.serial}, {&m.Station, f.station}, {&m.Operator, f.operator}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	return m
}

// save stores res in st: its report, or the error that kept it from
// being analysed or graded. The id of an analysed result is kept in
// f.ids. It is not safe for concurrent use (results arrive one at a time).
func (f *storeFlags) save(ctx context.Context, st *store.Store, res batch.Result) error {
	if st == nil {
		return nil
	}
	m := f.metaFor(res)
	if !res.OK() {
		_, _, err := st.SaveFailure(ctx, m, res.Err)
		return err
	}
	id, _, err := st.Save(ctx, res.Report, m)
	if err != nil {
		return err
	}
	if f.ids == nil {
		f.ids = map[string]int64{}
	}
	f.ids[filepath.Clean(res.File)] = id
	return nil
}

// measurementID returns the id of the stored measurement of res, an
// analysed result: the one save kept or, for a file analysed by an
// earlier run (batch --resume, res read back from results.jsonl), the one
// Save finds for the file's contents. Were it not stored (that run had no
// --db), it is stored now, dated by this analysis time unless the file
// says otherwise.
func (f *storeFlags) measurementID(ctx context.Context, st *store.Store, res batch.Result) (int64, error) {
	if id, ok := f.ids[filepath.Clean(res.File)]; ok {
		return id, nil
	}
	if res.SHA256 == "" {
		sum, err := batch.HashFile(res.File)
		if err != nil {
			return 0, fmt.Errorf("%s is not in the database and cannot be read to find it: %w", res.File, err)
		}
		res.SHA256 = sum
	}
	if err := f.save(ctx, st, res); err != nil {
		return 0, err
	}
	return f.ids[filepath.Clean(res.File)], nil
}

// saveConnectors stores the predicted connectors of results (those with a
// prediction) in st, after their measurements, and returns how many were
// stored and how many of those are new (a re-run stores each once).
// lookup gives the results of the connectors' files.
func (f *storeFlags) saveConnectors(ctx context.Context, st *store.Store, results []batch.PairResult, lookup func(path string) (batch.Result, bool)) (stored, created int, err error) {
	for _, pr := range results {
		if pr.Err != nil || pr.Result == nil {
			continue
		}
		var ids [2]int64
		for k, file := range []string{pr.A, pr.B} {
			res, ok := lookup(file)
			if !ok || !res.OK() {
				return stored, created, fmt.Errorf("connector %s × %s (line %d): %s has no analysis", pr.A, pr.B, pr.Line, file)
			}
			if ids[k], err = f.measurementID(ctx, st, res); err != nil {
				return stored, created, fmt.Errorf("connector %s × %s (line %d): %w", pr.A, pr.B, pr.Line, err)
			}
		}
		_, isNew, err := st.SaveConnector(ctx, ids[0], ids[1], pr.Result)
		if err != nil {
			return stored, created, err
		}
		stored++
		if isNew {
			created++
		}
	}
	return stored, created, nil
}
