package render

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
)

// PageOptions control a ferrule's HTML page.
type PageOptions struct {
	// Width is the width of the pictures in pixels (default 1600).
	Width int
	// Layout is passed to EndFace and HeightChart.
	Layout *ferrule.Layout
	// Title replaces the page title (default: the file name).
	Title string
	// Index, when set, is the URL of the lot page the page links back to.
	Index string
}

//go:embed page.tmpl
var pageTmpl string

//go:embed style.css
var styleCSS string

var pageTemplate = template.Must(template.New("page").Parse(pageTmpl))

type kv struct{ K, V string }

// cell is a table cell; Class is "pass", "fail" or "".
type cell struct {
	Text, Class, Title string
}

type pageData struct {
	CSS            template.CSS
	Heading        string
	Index          string
	Verdict        string // PASS, FAIL or "not graded"
	VerdictClass   string
	Profile        string
	Facts          []kv
	EndFace, Chart template.URL
	Tiles          template.URL
	EndFaceErr     string
	ChartErr       string
	ParamHead      []string
	Params         [][]cell
	FiberLimits    [][]cell
	Failed         [][]cell
	RowHead        []string
	Rows           [][]cell
	FiberHead      []string
	Fibers         [][]cell
	Regions        []kv
	Quality        []string
}

// WritePage writes a self-contained HTML page for one analysed end face:
// the end-face picture, the height chart and the fiber-tip close-ups as
// data: URIs, the report's
// facts, every ferrule and summary value with its limits and verdict (from
// rep.Grade when set), the fiber checks, the rows, every fiber, the
// regions used and the quality flags. It uses no script and fetches
// nothing. m may be nil: the page then has no end-face picture and no
// close-ups.
func WritePage(w io.Writer, m *geometry.HeightMap, rep *ferrule.Report, opts PageOptions) error {
	if rep == nil {
		return ErrNoReport
	}
	d := pageData{CSS: template.CSS(styleCSS), Index: opts.Index}
	name := filepath.Base(rep.File)
	if rep.File == "" {
		name = "end face"
	}
	d.Heading = name
	if opts.Title != "" {
		d.Heading = opts.Title
	}
	d.Verdict, d.VerdictClass = "not graded", "none"
	if g := rep.Grade; g != nil {
		d.Profile = g.Profile
		d.Verdict, d.VerdictClass = "PASS", "pass"
		switch {
		case g.Marginal:
			d.Verdict, d.VerdictClass = "MARGINAL", "marginal"
		case !g.Pass:
			d.Verdict, d.VerdictClass = "FAIL", "fail"
		}
	}
	width := widthOr(opts.Width)
	if m != nil {
		if f, err := EndFace(m, rep, Options{Layout: opts.Layout}); err != nil {
			d.EndFaceErr = err.Error()
		} else if u, err := pngURI(f, width); err != nil {
			d.EndFaceErr = err.Error()
		} else {
			d.EndFace = u
		}
		if f, err := FiberTiles(m, rep, Options{Layout: opts.Layout}); err == nil {
			if u, err := pngURI(f, width); err == nil {
				d.Tiles = u
			}
		}
	} else {
		d.EndFaceErr = "no height map given"
	}
	if f, err := HeightChart(rep, ChartOptions{Layout: opts.Layout}); err != nil {
		d.ChartErr = err.Error()
	} else if u, err := pngURI(f, width); err != nil {
		d.ChartErr = err.Error()
	} else {
		d.Chart = u
	}
	d.Facts = facts(rep)
	ci := newCheckIndex(rep.Grade)
	d.ParamHead = []string{"section", "parameter", "value", "min", "max", "margin", "verdict"}
	d.Params = paramRows(rep, ci)
	d.FiberLimits = fiberLimitRows(rep, ci)
	d.Failed = failedRows(rep.Grade)
	d.RowHead, d.Rows = rowTable(rep)
	d.FiberHead, d.Fibers = fiberTable(rep, ci)
	for _, f := range fieldsOf(rep.Regions) {
		d.Regions = append(d.Regions, kv{f.Key, format(f.Key, f.Value, f.Int)})
	}
	d.Quality = quality(rep)
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, d); err != nil {
		return fmt.Errorf("render: page: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// pngURI renders f as a PNG data: URI.
func pngURI(f *Figure, width int) (template.URL, error) {
	var b bytes.Buffer
	if err := f.Write(&b, "png", width); err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())), nil
}

func num(n ferrule.Num, key string) string { return format(key, float64(n), false) }

func facts(rep *ferrule.Report) []kv {
	fr := rep.Frame
	out := []kv{
		{"file", rep.File},
		{"layout", rep.Layout},
	}
	if rep.Format != "" {
		out = append(out, kv{"format", rep.Format})
	}
	out = append(out, []kv{
		{"size", fmt.Sprintf("%d × %d px", rep.SizePx[0], rep.SizePx[1])},
		{"pixel", fmt.Sprintf("%s × %s µm", num(rep.PixelUM[0], "_um"), num(rep.PixelUM[1], "_um"))},
		{"valid pixels", fmt.Sprintf("%.1f %%", 100*float64(rep.ValidFraction))},
		{"fixture angle", num(rep.FixtureAngleDeg, "_deg") + "°"},
		{"frame origin (map)", fmt.Sprintf("%s, %s µm", num(fr.OriginMapUM[0], "_um"), num(fr.OriginMapUM[1], "_um"))},
		{"frame rotation", num(fr.RotationDeg, "_deg") + "°"},
	}...)
	if fr.FromHoles {
		out = append(out, kv{"hole spacing", fmt.Sprintf("%s µm (%s µm from the layout's)", num(fr.HoleSpacingUM, "_um"), signed(fr.HoleSpacingErrorUM, "_um"))})
	} else {
		out = append(out, kv{"frame", "given by option, not from the guide holes"})
	}
	for i, h := range rep.GuideHoles {
		out = append(out, kv{fmt.Sprintf("guide hole %d", i+1), fmt.Sprintf("Ø %s µm at X %s, Y %s µm (map %s, %s µm); rim fit RMS %s µm, %d points",
			num(h.DiameterUM, "_um"), num(h.XUM, "_um"), num(h.YUM, "_um"), num(h.MapXUM, "_um"), num(h.MapYUM, "_um"), num(h.FitRMSUM, "_um"), h.RimPoints)})
	}
	return out
}

func signed(n ferrule.Num, key string) string {
	s := num(n, key)
	if n.Valid() && n >= 0 {
		s = "+" + s
	}
	return s
}

func verdictCell(c *ferrule.Check) cell {
	if c == nil {
		return cell{}
	}
	if c.Pass {
		return cell{Text: "pass", Class: "pass"}
	}
	if c.Marginal {
		return cell{Text: "marginal", Class: "marginal", Title: c.Reason}
	}
	return cell{Text: "FAIL", Class: "fail", Title: c.Reason}
}

// paramRows lists every ferrule and summary value (the report's fields,
// ferrule.Fields) with its check.
func paramRows(rep *ferrule.Report, ci *checkIndex) [][]cell {
	var out [][]cell
	for _, f := range ferrule.Fields() {
		if f.Section == "fibers" {
			continue
		}
		row := []cell{{Text: f.Section}, {Text: f.Key}, {Text: f.Format(f.Value(rep, -1))}, {}, {}, {}, {}}
		if c := ci.section(f.Section, f.Key); c != nil {
			lo, hi := limitString(c)
			row[3].Text, row[4].Text = lo, hi
			row[5].Text = f.Format(float64(c.Margin))
			row[6] = verdictCell(c)
			row[2].Class = row[6].Class
		}
		out = append(out, row)
	}
	return out
}

// fiberLimitRows summarises each per-fiber limit: limits, fibers checked,
// failed, the worst margin.
func fiberLimitRows(rep *ferrule.Report, ci *checkIndex) [][]cell {
	var names []string
	for n := range ci.byFiber {
		names = append(names, n)
	}
	sort.Strings(names)
	var out [][]cell
	for _, n := range names {
		var fails []string
		worst, worstAt := math.Inf(1), 0
		var lo, hi string
		for _, f := range rep.Fibers {
			c := ci.fiber(n, f.Index)
			if c == nil {
				continue
			}
			lo, hi = limitString(c)
			if !c.Pass {
				fails = append(fails, fmt.Sprint(f.Index))
			}
			if c.Margin.Valid() && float64(c.Margin) < worst {
				worst, worstAt = float64(c.Margin), f.Index
			}
		}
		v := cell{Text: "pass", Class: "pass"}
		if len(fails) > 0 {
			v = cell{Text: "FAIL", Class: "fail"}
		}
		w := "—"
		if !math.IsInf(worst, 1) {
			w = fmt.Sprintf("%s (fiber %d)", format(n, worst, false), worstAt)
		}
		out = append(out, []cell{{Text: n}, {Text: lo}, {Text: hi}, {Text: fmt.Sprint(len(ci.byFiber[n]))},
			{Text: strings.Join(fails, ", "), Class: v.Class}, {Text: w}, v})
	}
	return out
}

// failedRows lists the failed checks with their reasons.
func failedRows(g *ferrule.Grade) [][]cell {
	if g == nil {
		return nil
	}
	var out [][]cell
	for i := range g.Checks {
		c := &g.Checks[i]
		if c.Pass {
			continue
		}
		fiber := ""
		if c.Fiber != nil {
			fiber = fmt.Sprint(*c.Fiber)
		}
		lo, hi := limitString(c)
		out = append(out, []cell{{Text: c.Name}, {Text: fiber}, {Text: format(baseName(c.Name), float64(c.Value), false), Class: "fail"},
			{Text: lo}, {Text: hi}, {Text: format(baseName(c.Name), float64(c.Margin), false)}, {Text: c.Reason}})
	}
	return out
}

func rowTable(rep *ferrule.Report) ([]string, [][]cell) {
	if len(rep.Rows) == 0 {
		return nil, nil
	}
	var head []string
	for _, f := range fieldsOf(rep.Rows[0]) {
		head = append(head, f.Key)
	}
	var out [][]cell
	for _, r := range rep.Rows {
		var row []cell
		for _, f := range fieldsOf(r) {
			row = append(row, cell{Text: format(f.Key, f.Value, f.Int)})
		}
		out = append(out, row)
	}
	return head, out
}

// fiberTable lists every fiber, a failing value marked with its limits.
func fiberTable(rep *ferrule.Report, ci *checkIndex) ([]string, [][]cell) {
	if len(rep.Fibers) == 0 {
		return nil, nil
	}
	head := []string{"index", "row", "col"}
	var fields []ferrule.Field
	for _, f := range ferrule.Fields() {
		if f.Section == "fibers" {
			fields = append(fields, f)
			head = append(head, f.Key)
		}
	}
	graded := rep.Grade != nil
	head = append(head, "flags")
	if graded {
		head = append(head, "verdict")
	}
	verdicts := fiberVerdicts(rep)
	var out [][]cell
	for i := range rep.Fibers {
		f := &rep.Fibers[i]
		row := []cell{{Text: fmt.Sprint(f.Index)}, {Text: fmt.Sprint(f.Row)}, {Text: fmt.Sprint(f.Col)}}
		for _, fl := range fields {
			c := cell{Text: fl.Format(fl.Value(rep, i))}
			if chk := ci.fiber(fl.Key, f.Index); chk != nil {
				c.Title = checkTitle(chk)
				c.Class = verdictCell(chk).Class
				if chk.Pass {
					c.Class = ""
				}
			}
			row = append(row, c)
		}
		flags := strings.Join(f.Flags, ", ")
		if f.Error != "" {
			flags = strings.TrimPrefix(flags+"; error: "+f.Error, "; ")
		}
		row = append(row, cell{Text: flags})
		if graded {
			v := cell{Text: "pass", Class: "pass"}
			switch verdicts[i] {
			case marginal:
				v = cell{Text: "marginal", Class: "marginal"}
			case failed:
				v = cell{Text: "FAIL", Class: "fail"}
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return head, out
}

// quality lists what a reader should know about how far to trust the
// numbers.
func quality(rep *ferrule.Report) []string {
	var q []string
	if !rep.Frame.FromHoles {
		q = append(q, "The ferrule frame was given by option, not measured from the guide holes.")
	}
	for i, h := range rep.GuideHoles {
		q = append(q, fmt.Sprintf("Guide hole %d: circle fit RMS %s µm over %d rim points.", i+1, num(h.FitRMSUM, "_um"), h.RimPoints))
	}
	q = append(q, fmt.Sprintf("Reference plane: RMS residual %s nm over %d points (quadric %s nm).",
		num(rep.Ferrule.FitRMSNM, "_nm"), rep.Ferrule.FitPoints, num(rep.Ferrule.QuadricFitRMSNM, "_nm")))
	q = append(q, fmt.Sprintf("%d of %d fibers measured; %.1f %% of the map's pixels valid.", rep.Summary.MeasuredFibers, len(rep.Fibers), 100*float64(rep.ValidFraction)))
	byFlag := map[string][]string{}
	var flags []string
	for _, f := range rep.Fibers {
		for _, fl := range f.Flags {
			if byFlag[fl] == nil {
				flags = append(flags, fl)
			}
			byFlag[fl] = append(byFlag[fl], fmt.Sprint(f.Index))
		}
		if f.Error != "" {
			q = append(q, fmt.Sprintf("Fiber %d not measured: %s.", f.Index, f.Error))
		}
	}
	sort.Strings(flags)
	for _, fl := range flags {
		q = append(q, fmt.Sprintf("Flag %s: fibers %s.", fl, strings.Join(byFlag[fl], ", ")))
	}
	if len(flags) == 0 {
		q = append(q, "No fiber carries a quality flag.")
	}
	return q
}
