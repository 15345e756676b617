package main

import (
	"fmt"
	"io"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/study"
)

const reversalUsage = `usage: mtgeo reversal [--format text|json] [--spacing-tolerance UM] [analysis flags] A B

Orientation reversal (SPEC §12): A and B are the same ferrule, B turned by
180° in the fixture. Both are analysed as 'mtgeo analyze' would with the
same flags. In the hole frame the part's angle shows as +S in A and −S in
B, the instrument's bias as +b in both: b = (S_A + S_B)/2, S = (S_A − S_B)/2
for the X and Y angles, in A's frame. Fiber i of A is fiber N+1−i of B;
per fiber the height and the position error split the same way into the
part's and the instrument's share. An error if B cannot be A turned
(another layout or fiber count, hole spacings further apart than the
tolerance).

Exit status: 0 done, 2 a usage or file error, or B is not A turned.

flags:
`

func runReversal(args []string, stdout, stderr io.Writer) int {
	fs := newUsageFlagSet("reversal", reversalUsage, stderr)
	var af analyzeFlags
	af.register(fs)
	format := fs.String("format", "text", "output format: text or json")
	tol := fs.Float64("spacing-tolerance", study.DefaultSpacingToleranceUM, "largest difference of A's and B's hole spacings, µm, for B to be A turned")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "mtgeo reversal:", err)
		return exitError
	}
	if len(files) != 2 {
		fs.Usage()
		return exitError
	}
	if *format != "text" && *format != "json" {
		return fail(fmt.Errorf("--format must be text or json, not %q", *format))
	}
	if !(*tol > 0) {
		return fail(fmt.Errorf("--spacing-tolerance must be positive, not %g", *tol))
	}
	cfg, err := af.config()
	if err != nil {
		return fail(err)
	}
	var an ferrule.Analyzer
	var reps [2]*ferrule.Report
	for i, f := range files {
		res := batch.AnalyzeFile(&an, f, &cfg)
		if res.Err != nil {
			return fail(res.Err)
		}
		reps[i] = res.Report
	}
	rev, err := study.Reverse(reps[0], reps[1], study.ReversalOptions{SpacingToleranceUM: *tol})
	if err != nil {
		return fail(err)
	}
	if *format == "json" {
		if err := writeJSON(stdout, rev); err != nil {
			return fail(err)
		}
		return exitOK
	}
	if err := rev.WriteText(stdout); err != nil {
		return fail(err)
	}
	return exitOK
}
