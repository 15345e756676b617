package service

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/store"
)

// metaParams are the query parameters that describe the measurement
// rather than the analysis.
var metaParams = []string{"lot", "station", "operator", "serial", "filename"}

// maxParamLen bounds a parameter value, bytes: far above any name or
// number, far below anything that could stand for a file.
const maxParamLen = 1024

// defaultUploadName names an upload that came without a file name.
const defaultUploadName = "upload"

// request is a request's parsed parameters.
type request struct {
	flags map[string]string // by flag name (fit-radius)
	meta  store.Meta
	name  string // the filename parameter, or ""
}

// paramName maps a flag name to the query parameter name.
func paramName(flag string) string { return strings.ReplaceAll(flag, "-", "_") }

// parseQuery splits a request's query into analysis flags and measurement
// fields. It refuses unknown and repeated parameters, values that are not
// UTF-8 text or are longer than maxParamLen, and layout or spec values
// that are not built-in names: a request never names a server file.
func (s *Server) parseQuery(q url.Values) (request, error) {
	req := request{flags: map[string]string{}, meta: s.cfg.Meta}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names) // the same error for the same request
	for _, k := range names {
		vs := q[k]
		if len(vs) != 1 {
			return req, fmt.Errorf("query parameter %q given %d times", k, len(vs))
		}
		v := vs[0]
		if !utf8.ValidString(k) {
			return req, fmt.Errorf("query parameter name %q is not UTF-8", k)
		}
		if len(v) > maxParamLen {
			return req, fmt.Errorf("query parameter %q: value of %d bytes, more than %d", k, len(v), maxParamLen)
		}
		if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
			return req, fmt.Errorf("query parameter %q: value %q is not plain text", k, v)
		}
		switch k {
		case "lot":
			req.meta.Lot = v
			continue
		case "station":
			req.meta.Station = v
			continue
		case "operator":
			req.meta.Operator = v
			continue
		case "serial":
			req.meta.Serial = v
			continue
		case "filename":
			if v == "" {
				return req, fmt.Errorf("query parameter \"filename\" is empty")
			}
			req.name = v
			continue
		}
		f, ok := s.byParam[k]
		if !ok {
			return req, fmt.Errorf("unknown query parameter %q (see /openapi.json)", k)
		}
		if err := requestValue(f, v); err != nil {
			return req, err
		}
		if isBool(f) && v == "" {
			v = "true" // ?multimode
		}
		req.flags[f.Name] = v
	}
	return req, nil
}

// requestValue refuses a layout or spec that is not a built-in name: in a
// request they would name files on the server.
func requestValue(f *flag.Flag, v string) error {
	switch f.Name {
	case "layout":
		if v == "" || strings.EqualFold(v, "auto") {
			return nil
		}
		if _, err := ferrule.LayoutByName(v); err != nil {
			return fmt.Errorf("layout %q: a request takes a built-in layout name or auto (layout files are given to mtgeo serve --layout): %w", v, err)
		}
	case "spec":
		if v == "" || strings.EqualFold(v, "auto") {
			return nil
		}
		for _, p := range ferrule.Profiles() {
			if strings.EqualFold(p.Name, v) {
				return nil
			}
		}
		return fmt.Errorf("spec %q: a request takes a built-in profile name or auto, not a file (profile files are given to mtgeo serve --spec); built-in: %s", v, profileNames())
	}
	return nil
}

func profileNames() string {
	var names []string
	for _, p := range ferrule.Profiles() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// paramFlags registers fl on a flag set of its own and returns the flags
// that are analysis parameters (not measurement ones, metaParams), sorted
// by name. Only their names, usage and types are read; their values are
// never set.
func paramFlags(fl Flags) []*flag.Flag {
	fs := flag.NewFlagSet("request", flag.ContinueOnError)
	fl(fs)
	var out []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { // in name order
		if !slices.Contains(metaParams, paramName(f.Name)) { // those describe the measurement
			out = append(out, f)
		}
	})
	return out
}

// config returns the analysis configuration of a request's flags, with
// the canonical JSON of its options: the defaults', built once by New,
// when it sets none.
func (s *Server) config(flags map[string]string) (batch.Config, string, error) {
	if len(flags) == 0 {
		return s.defaults, s.defaultsCanon, nil
	}
	return s.buildConfig(flags)
}

// buildConfig sets the defaults and then flags on a fresh flag set and
// builds the analysis configuration, with the canonical JSON of its
// options (store.OptionsJSON).
func (s *Server) buildConfig(flags map[string]string) (batch.Config, string, error) {
	fs := flag.NewFlagSet("request", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	build := s.cfg.Flags(fs)
	for _, set := range []map[string]string{s.cfg.Defaults, flags} {
		names := make([]string, 0, len(set))
		for k := range set {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if fs.Lookup(k) == nil {
				return batch.Config{}, "", fmt.Errorf("unknown analysis option %q", k)
			}
			if err := fs.Set(k, set[k]); err != nil {
				// The flag package's own words, as the command line prints them.
				return batch.Config{}, "", fmt.Errorf("invalid value %q for flag -%s: %v", set[k], k, err)
			}
		}
	}
	cfg, err := build()
	if err != nil {
		return cfg, "", err
	}
	// The SHA-256 of the bytes analysed: a stored measurement's identity,
	// needed only when there is a store.
	cfg.Hash = s.cfg.Store != nil
	// The store's identity of the options, as the command line's --db
	// computes it: the same file and options are the same measurement
	// whether analysed by mtgeo analyze, batch or serve.
	canon, err := store.OptionsJSON(cfg.Read, cfg.Analysis)
	return cfg, canon, err
}
