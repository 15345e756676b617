package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"

	"github.com/mtgeo/mtgeo/ferrule/render"
	"github.com/mtgeo/mtgeo/ferrule/study"
)

const grrUsage = `usage: mtgeo grr --manifest STUDY.csv [--spec NAME|FILE|auto] [--format text|json|csv] [-o DIR] [analysis flags]

Gauge R&R (SPEC §12, the AIAG MSA crossed ANOVA): the manifest is CSV with
a header naming the columns part, operator, trial and file (any order;
relative paths are relative to the manifest's folder). Every part must be
measured by every operator the same number (≥ 2) of times. Each file is
analysed as 'mtgeo analyze' would with the same flags; then, for every
report number a profile can limit (one study per fiber for fiber fields,
named like height_nm[3]), the ANOVA gives EV, AV, the interaction (kept
when p < 0.05, else pooled), GRR, PV and TV as standard deviations in the
parameter's unit, %GRR of TV, %GRR of the tolerance (with --spec, for
parameters limited on both sides), ndc and the verdict (< 10 % acceptable,
10–30 % conditional, > 30 % unacceptable). The text lists the worst
parameters first. With -o DIR also writes DIR/grr.html (the components as
bars), DIR/grr.json and DIR/grr.csv.

Exit status: 0 the study ran, 2 a usage, manifest or file error.

flags:
`

func runGRR(args []string, stdout, stderr io.Writer) int {
	fs := newUsageFlagSet("grr", grrUsage, stderr)
	var af analyzeFlags
	af.register(fs)
	manifest := fs.String("manifest", "", "the study's manifest: CSV with columns part, operator, trial, file")
	format := fs.String("format", "text", "output format: text, json or csv")
	out := fs.String("o", "", "also write grr.html, grr.json and grr.csv into this folder (created if needed)")
	workers := fs.Int("j", runtime.NumCPU(), "number of files analysed at once")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "mtgeo grr:", err)
		return exitError
	}
	if len(rest) > 0 || *manifest == "" {
		fs.Usage()
		return exitError
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return fail(fmt.Errorf("--format must be text, json or csv, not %q", *format))
	}
	if *workers < 1 {
		return fail(fmt.Errorf("-j must be at least 1, not %d", *workers))
	}
	cfg, err := af.config()
	if err != nil {
		return fail(err)
	}
	cfg.Workers = *workers
	es, err := study.ReadManifestFile(*manifest)
	if err != nil {
		return fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ms, err := study.AnalyzeEntries(ctx, es, cfg)
	if err != nil {
		return fail(err)
	}
	prof := cfg.Profile
	if cfg.ProfileFor != nil {
		if prof, err = cfg.ProfileFor(ms[0].Report); err != nil {
			return fail(err)
		}
	}
	g, err := study.GaugeRR(ms, study.GRROptions{Profile: prof})
	if err != nil {
		return fail(err)
	}
	if err := writeGRR(stdout, g, *format); err != nil {
		return fail(err)
	}
	if *out != "" {
		if err := writeGRRFiles(*out, g); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stderr, "mtgeo grr: wrote %s, %s, %s\n", filepath.Join(*out, "grr.html"), filepath.Join(*out, "grr.json"), filepath.Join(*out, "grr.csv"))
	}
	return exitOK
}

func writeGRR(w io.Writer, g *study.GRR, format string) error {
	switch format {
	case "json":
		return writeJSON(w, g)
	case "csv":
		return g.WriteCSV(w)
	}
	return g.WriteText(w)
}

// writeGRRFiles writes the study's page, JSON and CSV into dir.
func writeGRRFiles(dir string, g *study.GRR) error {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"grr.html", func(w io.Writer) error { return render.WriteGRRPage(w, g) }},
		{"grr.json", func(w io.Writer) error { return writeGRR(w, g, "json") }},
		{"grr.csv", func(w io.Writer) error { return writeGRR(w, g, "csv") }},
	} {
		if err := writeFile(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}
