package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/render"
)

const reportUsage = `usage: mtgeo report -o DIR [--spec NAME|FILE|auto] [--width PX] [analysis flags] FILE...

Analyses each FILE and writes one self-contained HTML page per ferrule,
DIR/<name>.html (<name> is the file's base name without its extension;
-2, -3 … are added when names repeat): the end-face picture and the
fiber-height chart embedded in the page, the parameters with their limits
and verdicts (with --spec), the fiber checks, rows and fibers, the regions
used and the quality flags. With more than one FILE it also writes
DIR/index.html, the lot page: yield, failures by check, the statistics of
each parameter (as mtgeo batch's summary.json has them, Cpk against the
--spec profile's limits) and its histogram and run chart, linking to the
ferrules' pages. The pages load
nothing from elsewhere (no script, style, font or image) and open offline.

The paths written are printed on stdout; files that cannot be read or
analysed are reported on stderr (and on the lot page), and the others are
still written.

Exit status: 0 all pages written (and passed, with --spec), 1 a ferrule
failed grading, 2 a file could not be read or analysed, or DIR could not be
written.

flags:
`

func runReport(args []string, stdout, stderr io.Writer) int {
	fs := newUsageFlagSet("report", reportUsage, stderr)
	var af analyzeFlags
	af.register(fs)
	dir := fs.String("o", "", "output directory (created if needed); required")
	width := fs.Int("width", 1600, "width of the pictures in pixels")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(files) == 0 || *dir == "" {
		fs.Usage()
		return exitError
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "mtgeo report:", err)
		return exitError
	}
	if *width < 16 || *width > 20000 {
		return fail(fmt.Errorf("--width must be 16 to 20000 pixels, not %d", *width))
	}
	cfg, err := af.config()
	if err != nil {
		return fail(err)
	}
	opts := cfg.Analysis
	if err := os.MkdirAll(*dir, 0o777); err != nil {
		return fail(err)
	}
	names := pageNames(files)
	lot := len(files) > 1
	index := ""
	if lot {
		index = "index.html"
	}
	var an ferrule.Analyzer
	var reps []*ferrule.Report
	var results []batch.Result // for the lot's summary, as batch writes summary.json
	link := map[string]string{}
	status := exitOK
	for i, path := range files {
		m, res := batch.AnalyzeMap(&an, path, &cfg)
		rep, err := res.Report, res.Err
		results = append(results, res)
		if err != nil {
			fmt.Fprintln(stderr, "mtgeo report:", err)
			status = exitError
			continue
		}
		out := filepath.Join(*dir, names[i])
		err = writeFile(out, func(w io.Writer) error {
			return render.WritePage(w, m, rep, render.PageOptions{Width: *width, Layout: opts.Layout, Index: index})
		})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, out)
		reps = append(reps, rep)
		if _, ok := link[path]; !ok {
			link[path] = names[i]
		}
		if rep.Grade != nil && !rep.Grade.Pass {
			status = max(status, exitFail)
		}
	}
	if lot {
		out := filepath.Join(*dir, index)
		err := writeFile(out, func(w io.Writer) error {
			sum := batch.Summarize(results, cfg.Profile)
			return render.WriteLotPageOptions(w, sum, reps, render.LotOptions{Link: func(f string) string { return link[f] }})
		})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, out)
	}
	return status
}

// pageNames gives each file its page name, render.PageName made unique
// (and never the lot page's index.html) by adding -2, -3 ….
func pageNames(files []string) []string {
	used := map[string]bool{"index.html": true}
	out := make([]string, len(files))
	for i, f := range files {
		base := strings.TrimSuffix(render.PageName(f), ".html")
		name := base + ".html"
		for k := 2; used[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s-%d.html", base, k)
		}
		used[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}
