package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/render"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

const renderUsage = `usage: mtgeo render [-o OUT.png|OUT.svg] [--chart CHART.png|.svg] [--tiles TILES.png|.svg] [--width PX] [--spec NAME|FILE|auto] [analysis flags] FILE

Analyses FILE and draws its end face: the height above the ferrule
reference plane as a colour map with a colour bar in nm, in the ferrule
frame (+X right, +Y up: row 1 at the bottom, fiber 1 at the left), with
the guide holes, the ferrule axes, a scale bar and every fiber's outline
and number, green or red by verdict with --spec. The output format follows
the extension of -o (default: FILE with .png). --chart also writes the
fiber-height chart (one panel per row, with each row's line fit), --tiles
the fiber-tip close-ups (height minus the fitted tip sphere: core dip,
chips, dirt).

The paths written are printed on stdout.

Exit status: 0 written (and passed, with --spec), 1 the ferrule failed
grading, 2 the file could not be read, analysed or drawn.

flags:
`

// pictureFormat is "png" or "svg" from a file name's extension.
func pictureFormat(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return "png", nil
	case ".svg":
		return "svg", nil
	}
	return "", fmt.Errorf("%s: the picture must be a .png or .svg file", path)
}

// writeFile writes the bytes of fn to path, leaving no partial file.
func writeFile(path string, fn func(w io.Writer) error) error {
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o666)
}

func runRender(args []string, stdout, stderr io.Writer) int {
	fs := newUsageFlagSet("render", renderUsage, stderr)
	var af analyzeFlags
	af.register(fs)
	out := fs.String("o", "", "output picture, .png or .svg (default: FILE with .png)")
	chart := fs.String("chart", "", "also write the fiber-height chart to this .png or .svg file")
	tiles := fs.String("tiles", "", "also write the fiber-tip close-ups (height minus the fitted tip sphere) to this .png or .svg file")
	width := fs.Int("width", 1600, "width of a PNG in pixels")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(files) != 1 {
		fs.Usage()
		return exitError
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "mtgeo render:", err)
		return exitError
	}
	if *width < 16 || *width > 20000 {
		return fail(fmt.Errorf("--width must be 16 to 20000 pixels, not %d", *width))
	}
	path := files[0]
	if *out == "" {
		*out = strings.TrimSuffix(path, filepath.Ext(path)) + ".png"
	}
	format, err := pictureFormat(*out)
	if err != nil {
		return fail(err)
	}
	var chartFormat, tilesFormat string
	if *chart != "" {
		if chartFormat, err = pictureFormat(*chart); err != nil {
			return fail(err)
		}
	}
	if *tiles != "" {
		if tilesFormat, err = pictureFormat(*tiles); err != nil {
			return fail(err)
		}
	}
	cfg, err := af.config()
	if err != nil {
		return fail(err)
	}
	opts := cfg.Analysis
	var an ferrule.Analyzer
	m, res := batch.AnalyzeMap(&an, path, &cfg)
	if res.Err != nil {
		return fail(res.Err)
	}
	rep := res.Report
	err = writeFile(*out, func(w io.Writer) error {
		return render.WriteEndFace(w, format, m, rep, render.Options{Width: *width, Layout: opts.Layout})
	})
	if err != nil {
		return fail(err)
	}
	fmt.Fprintln(stdout, *out)
	if *chart != "" {
		err = writeFile(*chart, func(w io.Writer) error {
			return render.WriteHeightChart(w, chartFormat, rep, render.ChartOptions{Width: *width, Layout: opts.Layout})
		})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, *chart)
	}
	if *tiles != "" {
		err = writeFile(*tiles, func(w io.Writer) error {
			return render.WriteFiberTiles(w, tilesFormat, m, rep, render.Options{Width: *width, Layout: opts.Layout})
		})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, *tiles)
	}
	if rep.Grade != nil && !rep.Grade.Pass {
		return exitFail
	}
	return exitOK
}
