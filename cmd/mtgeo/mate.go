package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/mtgeo/mtgeo/ferrule/render"
)

const mateUsage = `usage: mtgeo mate A B [--polarity B|A] [--force-n N] [--stiffness-n-per-um K] [--format text|json|csv] [-o DIR] [analysis flags]
       mtgeo mate --against-ideal A [flags]

Predicts the mated connector of the end faces A and B (docs/mating.md), each
analysed as 'mtgeo analyze' would with the same flags: for every fiber pair
the lateral offset and insertion loss, whether the fibers touch under the
spring force, the air gap and return loss of those that do not, and the
core-dip risk of those that do; per connector the pairs in contact, the
largest gap and the worst and mean loss, with every model parameter. It is
a prediction from the geometry, not a measurement. Polarity B is key-up to
key-up (B's column c meets A's N+1−c), A is key-up to key-down (rows
reversed). --against-ideal mates A with an ideal part of its layout.

With -o DIR it also writes DIR/<A>-<B>-mate.png (A's fibers coloured by
their pair's loss, open pairs ringed) and DIR/<A>-<B>-mate.html.

Exit status: 0 predicted; 2 a file could not be read or analysed, the
parts cannot be mated, or the command line was wrong.

flags:
`

// mateFlags are the model's flags beyond the analysis's (which carry the
// MFD, wavelength and multimode factor): shared by mate and batch.
type mateFlags struct {
	polarity                        string
	force, stiffness, cdRisk, glass float64
}

func (m *mateFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.polarity, "polarity", mate.PolarityB, "B: key-up to key-up (column c meets N+1−c); A: key-up to key-down (rows reversed)")
	fs.Float64Var(&m.force, "force-n", mate.DefaultForceN, "connector spring force, N")
	fs.Float64Var(&m.stiffness, "stiffness-n-per-um", mate.DefaultStiffnessNPerUM, "stiffness of one fiber pair in contact, N/µm")
	fs.Float64Var(&m.cdRisk, "core-dip-risk-nm", mate.DefaultCoreDipRiskNM, "core_dip_risk when a contact pair's core dips add up to more than this, nm")
	fs.Float64Var(&m.glass, "glass-index", ferrule.DefaultGlassIndex, "refractive index of the fiber glass (return loss of air gaps)")
}

// params returns the model's parameters, validated, with the loss model
// of the analysis flags and the layout they give (nil: built-in by name).
func (m *mateFlags) params(af *analyzeFlags, cfg *batch.Config) (mate.Params, error) {
	// In mate.Params zero means the default; on the command line the
	// defaults are shown, and 0 is a mistake.
	for _, f := range []struct {
		name string
		v    float64
	}{{"force-n", m.force}, {"stiffness-n-per-um", m.stiffness}, {"core-dip-risk-nm", m.cdRisk}, {"glass-index", m.glass}} {
		if !(f.v > 0) {
			return mate.Params{}, fmt.Errorf("--%s must be positive, not %g", f.name, f.v)
		}
	}
	p := mate.Params{Polarity: strings.ToUpper(m.polarity), ForceN: m.force, StiffnessNPerUM: m.stiffness, CoreDipRiskNM: m.cdRisk, GlassIndex: m.glass,
		MFDUM: af.mfd, WavelengthNM: af.wavelength, MMLossDBPerUM: af.mmLoss, LayoutA: cfg.Analysis.Layout, LayoutB: cfg.Analysis.Layout}
	return p, p.Validate()
}

func runMate(args []string, stdout, stderr io.Writer) int {
	fs := newUsageFlagSet("mate", mateUsage, stderr)
	var af analyzeFlags
	af.register(fs)
	var mf mateFlags
	mf.register(fs)
	ideal := fs.Bool("against-ideal", false, "mate the one file given with an ideal part of its layout")
	format := fs.String("format", "text", "output format: text, json (SPEC §10) or csv (one row per fiber pair)")
	dir := fs.String("o", "", "also write the pair's picture and HTML page to this directory")
	width := fs.Int("width", 1600, "width of the picture in pixels")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if want := 2 - btoi(*ideal); len(files) != want {
		fs.Usage()
		return exitError
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "mtgeo mate:", err)
		return exitError
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return fail(fmt.Errorf("--format must be text, json or csv, not %q", *format))
	}
	if *width < 16 || *width > 20000 {
		return fail(fmt.Errorf("--width must be 16 to 20000 pixels, not %d", *width))
	}
	cfg, err := af.config()
	if err != nil {
		return fail(err)
	}
	params, err := mf.params(&af, &cfg)
	if err != nil {
		return fail(err)
	}
	var an ferrule.Analyzer
	reps := make([]*ferrule.Report, len(files))
	for i, path := range files {
		r := batch.AnalyzeFile(&an, path, &cfg)
		if r.Err != nil {
			return fail(r.Err)
		}
		reps[i] = r.Report
	}
	var res *mate.Result
	if *ideal {
		res, err = mate.AgainstIdeal(reps[0], params)
	} else {
		res, err = mate.Mate(reps[0], reps[1], params)
	}
	if err != nil {
		return fail(err)
	}
	switch *format {
	case "json":
		err = json.NewEncoder(stdout).Encode(res)
	case "csv":
		err = mate.WriteCSV(stdout, res)
	default:
		err = mate.WriteText(stdout, res)
	}
	if err != nil {
		return fail(err)
	}
	if *dir != "" {
		l := params.LayoutA
		if l == nil {
			lo, err := ferrule.LayoutByName(reps[0].Layout)
			if err != nil {
				return fail(err)
			}
			l = &lo
		}
		if err := writeMateFiles(*dir, res, *l, *width, stderr); err != nil {
			return fail(err)
		}
	}
	return exitOK
}

// writeMateFiles writes the picture and the page of res into dir, and
// names them on stderr (stdout carries the prediction).
func writeMateFiles(dir string, res *mate.Result, l ferrule.Layout, width int, stderr io.Writer) error {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	stem := filepath.Join(dir, mateStem(res.A.File)+"-"+mateStem(res.B.File)+"-mate")
	write := func(path string, fn func(io.Writer) error) error {
		if err := writeFile(path, fn); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "wrote", path)
		return nil
	}
	if err := write(stem+".png", func(w io.Writer) error { return render.WriteMateFigure(w, "png", res, l, width) }); err != nil {
		return err
	}
	return write(stem+".html", func(w io.Writer) error { return render.WriteMatePage(w, res, l) })
}

// mateStem is a file's base name without its extension.
func mateStem(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readMatePairs reads the --mate-pairs CSV and the model's parameters;
// nil pairs without one.
func readMatePairs(path string, mf *mateFlags, af *analyzeFlags, cfg *batch.Config) ([]batch.FilePair, mate.Params, error) {
	if path == "" {
		return nil, mate.Params{}, nil
	}
	params, err := mf.params(af, cfg)
	if err != nil {
		return nil, params, err
	}
	pairs, err := batch.ReadPairs(path)
	return pairs, params, err
}

// pairResults collects, from the whole results.jsonl of a batch, the
// results of the files of pairs, so that a resumed batch mates (and
// stores) the connectors of all its files.
type pairResults struct {
	need    map[string]bool
	results map[string]batch.Result
}

func newPairResults(pairs []batch.FilePair) *pairResults {
	c := &pairResults{need: map[string]bool{}, results: map[string]batch.Result{}}
	for _, p := range batch.PairFiles(pairs) {
		c.need[filepath.Clean(p)] = true
	}
	return c
}

// add keeps r if it is the result of one of the pairs' files.
func (c *pairResults) add(r batch.Result) {
	if k := filepath.Clean(r.File); c.need[k] {
		c.results[k] = r
	}
}

// lookup returns the result of the file at path, if it was kept.
func (c *pairResults) lookup(path string) (batch.Result, bool) {
	r, ok := c.results[filepath.Clean(path)]
	return r, ok
}
