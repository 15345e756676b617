package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule/study"
	"github.com/mtgeo/mtgeo/geometry"
)

const sweepUsage = `usage: mtgeo sweep --vary NAME=LO:HI:STEP [--vary NAME=V1,V2,...] [--spec NAME|FILE|auto] [--format text|json|csv] [analysis flags] FILE

Region sensitivity (SPEC §12): the map is read once and analysed at every
setting of the varied region options (several --vary span a grid, the
first varying slowest; at most 1000 settings), each as 'mtgeo analyze'
would with the other flags; NAME is an analysis flag's name:
averaging-diameter, fit-radius, core-exclusion, core-diameter,
fiber-exclusion, hole-margin, array-margin (µm). Per setting: the ferrule
angles and radii, every summary result and, with --spec, the verdict and
the failed checks; then the checks that change state within the range.

Exit status: 0 done, 2 a usage or file error.

flags:
`

// varyFlags collects repeated --vary flags.
type varyFlags []study.Vary

func (v *varyFlags) String() string {
	var s []string
	for _, x := range *v {
		s = append(s, x.Option)
	}
	return strings.Join(s, ",")
}

func (v *varyFlags) Set(s string) error {
	x, err := study.ParseVary(s)
	if err != nil {
		return err
	}
	*v = append(*v, x)
	return nil
}

func runSweep(args []string, stdout, stderr io.Writer) int {
	fs := newUsageFlagSet("sweep", sweepUsage, stderr)
	var af analyzeFlags
	af.register(fs)
	var vary varyFlags
	fs.Var(&vary, "vary", "a region option and its values: NAME=LO:HI:STEP or NAME=V1,V2,... (repeat for a grid)")
	format := fs.String("format", "text", "output format: text, json or csv")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "mtgeo sweep:", err)
		return exitError
	}
	if len(files) != 1 || len(vary) == 0 {
		fs.Usage()
		return exitError
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return fail(fmt.Errorf("--format must be text, json or csv, not %q", *format))
	}
	cfg, err := af.config()
	if err != nil {
		return fail(err)
	}
	m, name, err := geometry.ReadFile(files[0], cfg.Read)
	if err != nil {
		return fail(err)
	}
	res, err := study.Sweep(m, &cfg, vary, study.SweepOptions{File: files[0], Format: name})
	if err != nil {
		return fail(fmt.Errorf("%s: %w", files[0], err))
	}
	switch *format {
	case "json":
		err = writeJSON(stdout, res)
	case "csv":
		err = res.WriteCSV(stdout)
	default:
		err = res.WriteText(stdout)
	}
	if err != nil {
		return fail(err)
	}
	return exitOK
}
