package render

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ErrNoSummary is returned when the lot page is asked for without the
// lot's summary.
var ErrNoSummary = errors.New("render: no summary")

// LotOptions control the lot page.
type LotOptions struct {
	// Title replaces the page title ("Lot summary").
	Title string
	// Link, if not nil, gives the URL of a file's own page (for example
	// from PageName); "" leaves the file unlinked.
	Link func(file string) string
}

//go:embed lot.tmpl
var lotTmpl string

var lotTemplate = template.Must(template.New("lot").Funcs(template.FuncMap{
	"num": func(n ferrule.Num, prec int) string { // fixed decimals, "—" when null
		if !n.Valid() {
			return "—"
		}
		return strconv.FormatFloat(float64(n), 'f', prec, 64)
	},
}).Parse(lotTmpl))

// lotParams are the parameters the lot page always charts; every other
// parameter a grade checks is charted after them.
var lotParams = []struct{ section, key string }{
	{"fibers", "height_nm"},
	{"ferrule", "x_angle_deg"},
	{"ferrule", "y_angle_deg"},
	{"summary", "height_differential_nm"},
	{"summary", "adjacent_differential_nm"},
	{"summary", "minus_coplanarity_nm"},
	{"fibers", "core_dip_nm"},
	{"fibers", "radius_mm"},
	{"summary", "max_position_error_um"},
}

type lotParam struct {
	Name, Section string
	Hist, Run     template.URL
	Err           string
	Stats         []kv
}

type failCount struct {
	Name            string
	Ferrules, Check int     // batch.CheckFailures Files and Checks
	Pct             float64 // of the files
}

type lotFile struct {
	N                   int
	File, Link          string
	Verdict, Class      string
	Failed, Error       string
	XAngle, YAngle      string
	HeightDiff, MinusCo string
	Measured            string
}

type lotData struct {
	CSS                     template.CSS
	Title                   string
	Files, Analysed, Errors int
	Graded, Passed, Failed  int
	Marginal                int
	Ungraded                int
	Yield                   string
	Profiles                string
	LimitsProfile           string
	Failures                []failCount
	Params                  []lotParam
	List                    []lotFile
	// Pairs is the summary of the predicted connectors (--mate-pairs).
	Pairs *batch.PairSummary
}

// WriteLotPage writes a self-contained HTML summary of a lot from its
// summary s (batch.Summarize or batch.WriteTables: the summary.json of the
// lot) and the reports of the files analysed, in the summary's file order.
// The counts, the yield (files passing / all files, an unanalysable file
// counting as a failure), the failures by check, the files that could not
// be analysed and each parameter's n, mean, σ, min, max, limits and Cpk
// are the summary's; the reports give the list of files and, for each
// parameter (fiber height, the ferrule angles, the differentials, minus
// coplanarity, core dip, tip radius, position error, and every other
// parameter a grade checks), the values of a histogram and a run chart in
// file order, with the summary's limits drawn and the values whose check
// failed in red.
//
// It returns ErrNoSummary if s is nil, and an error if the reports are not
// as many as the files s counts as analysed.
func WriteLotPage(w io.Writer, s *batch.Summary, reps []*ferrule.Report) error {
	return WriteLotPageOptions(w, s, reps, LotOptions{})
}

// WriteLotPageOptions is WriteLotPage with options.
func WriteLotPageOptions(w io.Writer, s *batch.Summary, reps []*ferrule.Report, opts LotOptions) error {
	if s == nil {
		return ErrNoSummary
	}
	var rs []*ferrule.Report
	for _, r := range reps {
		if r != nil {
			rs = append(rs, r)
		}
	}
	if len(rs) != s.Analysed {
		return fmt.Errorf("render: lot page: %d reports for a summary of %d analysed files", len(rs), s.Analysed)
	}
	d := lotData{CSS: template.CSS(styleCSS), Title: opts.Title, Files: s.Count, Analysed: s.Analysed, Errors: s.Errors,
		Graded: s.Graded, Passed: s.Passed, Failed: s.Failed, Marginal: s.Marginal, Ungraded: s.Analysed - s.Graded,
		Profiles: strings.Join(s.Profiles, ", "), Pairs: s.Pairs}
	if d.Title == "" {
		d.Title = "Lot summary"
	}
	if s.Yield.Valid() {
		d.Yield = fmt.Sprintf("%.1f %%", 100*float64(s.Yield))
	}
	for _, f := range s.Failures {
		d.Failures = append(d.Failures, failCount{Name: f.Check, Ferrules: f.Files, Check: f.Checks,
			Pct: 100 * float64(f.Files) / float64(max(1, s.Count))})
	}
	for _, p := range paramList(rs) {
		d.Params = append(d.Params, lotChart(rs, statsOf(s, p.section, p.key), p.section, p.key))
	}
	d.LimitsProfile = s.LimitsProfile
	d.List = lotFiles(rs, s.ErrorFiles, opts.Link)
	var buf bytes.Buffer
	if err := lotTemplate.Execute(&buf, d); err != nil {
		return fmt.Errorf("render: lot page: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// statsOf returns the statistics of s for the parameter key of section
// sec, named by its key or qualified with its section; nil if s has none.
func statsOf(s *batch.Summary, sec, key string) *batch.Stats {
	for i := range s.Parameters {
		st := &s.Parameters[i]
		if st.Section == sec && (st.Name == key || st.Name == sec+"."+key) {
			return st
		}
	}
	return nil
}

// PageName is the file name of the page of the input file path:
// its base name with the extension replaced by .html.
func PageName(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b)) + ".html"
}

// paramList is lotParams and then every other parameter a grade checks.
func paramList(rs []*ferrule.Report) []struct{ section, key string } {
	out := append([]struct{ section, key string }(nil), lotParams...)
	have := map[string]bool{}
	for _, p := range out {
		have[p.key] = true
	}
	for _, r := range rs {
		if r.Grade == nil {
			continue
		}
		for i := range r.Grade.Checks {
			c := &r.Grade.Checks[i]
			n := baseName(c.Name)
			if have[n] || n == "measured_fibers" {
				continue
			}
			have[n] = true
			sec := section(c)
			if sec == "" {
				sec = "summary"
				if _, ok := ferrule.SectionField("ferrule", n); ok {
					sec = "ferrule"
				}
			}
			out = append(out, struct{ section, key string }{sec, n})
		}
	}
	return out
}

// lotValues are the values of one parameter over a lot, for its charts.
type lotValues struct {
	file []int     // 1-based file number of each value
	v    []float64 // the values (valid only)
	fail []bool    // whether the value's check failed
	lo   float64   // the summary's limits, NaN when open or unknown
	hi   float64
	nan  int // values not measured (or flat radii)
}

// collect gathers the values of key of section sec from the reports, as
// batch.Summarizer takes them: per fiber of the measured fibers only (an
// unmeasured fiber counts as not measured), skipping NaN values.
func collect(rs []*ferrule.Report, st *batch.Stats, sec, key string) lotValues {
	lv := lotValues{lo: math.NaN(), hi: math.NaN()}
	if st != nil {
		lv.lo, lv.hi = float64(st.LSL), float64(st.USL)
	}
	fl, ok := ferrule.SectionField(sec, key)
	if !ok {
		return lv
	}
	for k, r := range rs {
		ci := newCheckIndex(r.Grade)
		add := func(v float64, c *ferrule.Check) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				lv.nan++
				return
			}
			lv.file, lv.v = append(lv.file, k+1), append(lv.v, v)
			lv.fail = append(lv.fail, c != nil && !c.Pass && !c.Marginal)
		}
		if sec != "fibers" {
			add(fl.Value(r, -1), ci.section(sec, key))
			continue
		}
		for i := range r.Fibers {
			add(fl.Value(r, i), ci.fiber(key, r.Fibers[i].Index))
		}
	}
	return lv
}

// lotChart lists the statistics st of one parameter and draws its
// histogram and run chart from the reports.
func lotChart(rs []*ferrule.Report, st *batch.Stats, sec, key string) lotParam {
	lp := lotParam{Name: key, Section: sec}
	if st == nil {
		lp.Err = "not in the summary"
		return lp
	}
	lv := collect(rs, st, sec, key)
	per := "per ferrule"
	if sec == "fibers" {
		per = "per fiber"
	}
	lp.Stats = []kv{{"values", fmt.Sprintf("%d %s", st.N, per)}}
	if lv.nan > 0 {
		what := "not measured"
		if strings.HasSuffix(key, "radius_mm") {
			what = "flat or not measured"
		}
		lp.Stats = append(lp.Stats, kv{what, fmt.Sprint(lv.nan)})
	}
	if st.N == 0 || len(lv.v) == 0 {
		lp.Err = "no values"
		return lp
	}
	lp.Stats = append(lp.Stats,
		kv{"mean", num(st.Mean, key)}, kv{"std dev", num(st.Std, key)},
		kv{"min", num(st.Min, key)}, kv{"max", num(st.Max, key)})
	nf := 0
	for _, f := range lv.fail {
		if f {
			nf++
		}
	}
	if st.LSL.Valid() || st.USL.Valid() {
		lp.Stats = append(lp.Stats, kv{"limits", limitText(lv.lo, lv.hi)})
	}
	if st.LSL.Valid() || st.USL.Valid() || nf > 0 {
		lp.Stats = append(lp.Stats, kv{"out of limits", fmt.Sprintf("%d (%.1f %%)", nf, 100*float64(nf)/float64(st.N))})
	}
	if st.Cpk.Valid() {
		lp.Stats = append(lp.Stats, kv{"Cpk", fmt.Sprintf("%.2f", float64(st.Cpk))})
	}
	h := histFigure(key, per, lv, float64(st.Min), float64(st.Max))
	if u, err := pngURI(h, 0); err == nil {
		lp.Hist = u
	} else {
		lp.Err = err.Error()
	}
	rc := runFigure(key, sec == "fibers", len(rs), lv)
	if u, err := pngURI(rc, 0); err == nil {
		lp.Run = u
	} else {
		lp.Err = err.Error()
	}
	return lp
}

// Nominal size of a lot chart, points (747 px at 96 dpi).
const lotChartW, lotChartH vg.Length = 560, 250

// histFigure is the histogram of lv, whose values span lo…hi (the
// summary's min and max), with its limits.
func histFigure(key, per string, lv lotValues, lo, hi float64) *Figure {
	n := int(math.Min(40, math.Max(5, math.Ceil(math.Sqrt(float64(len(lv.v)))))))
	span := hi - lo
	if span == 0 {
		span = math.Max(math.Abs(lo)*0.1, 1e-3)
		lo -= span / 2
	}
	w := niceStep(span / float64(n))
	start := math.Floor(lo/w) * w
	nb := max(1, int(math.Floor((hi-start)/w))+1)
	bins := make([]plotter.HistogramBin, nb)
	for i := range bins {
		bins[i].Min, bins[i].Max = start+float64(i)*w, start+float64(i+1)*w
	}
	for _, v := range lv.v {
		i := min(nb-1, max(0, int(math.Floor((v-start)/w))))
		bins[i].Weight++
	}
	p := newPlot(fmt.Sprintf("%s, %s", key, per))
	p.X.Label.Text = key
	p.Y.Label.Text = "count"
	p.Y.Min = 0
	top := 0.0
	for _, b := range bins {
		top = math.Max(top, b.Weight)
	}
	p.Y.Max = math.Ceil(top * 1.15)
	p.X.Tick.Marker = niceTicks{n: 6}
	p.Y.Tick.Marker = intTicks{n: 6}
	h := &plotter.Histogram{Bins: bins, Width: w, FillColor: color.NRGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xa0},
		LineStyle: draw.LineStyle{Color: color.NRGBA{R: 0x10, G: 0x30, B: 0x70, A: 0xff}, Width: 0.5}}
	p.Add(h)
	addLimitLines(p, lv.lo, lv.hi, true)
	// Room on both sides, so that a limit is not drawn on the frame.
	x0, x1 := bins[0].Min, bins[nb-1].Max
	for _, l := range []float64{lv.lo, lv.hi} {
		if !math.IsNaN(l) {
			x0, x1 = math.Min(x0, l), math.Max(x1, l)
		}
	}
	p.X.Min, p.X.Max = x0-0.03*(x1-x0), x1+0.03*(x1-x0)
	return &Figure{Width: lotChartW, Height: lotChartH, draw: func(c draw.Canvas) { p.Draw(c) }}
}

// runFigure is the run chart of lv in file order: every value at its file
// number, red when its check failed; for a per-fiber parameter the mean of
// each file is joined by a line.
func runFigure(key string, perFiber bool, files int, lv lotValues) *Figure {
	p := newPlot(key + " in file order")
	p.X.Label.Text = "file number"
	p.Y.Label.Text = key
	p.X.Min, p.X.Max = 0.5, float64(files)+0.5
	p.X.Tick.Marker = intTicks{n: 10}
	p.Y.Tick.Marker = niceTicks{n: 5}
	p.Add(plotter.NewGrid())
	addLimitLines(p, lv.lo, lv.hi, false)
	// Per-file mean (or the value itself) joined by a line.
	sum := make([]float64, files+1)
	cnt := make([]int, files+1)
	for i, v := range lv.v {
		sum[lv.file[i]] += v
		cnt[lv.file[i]]++
	}
	var line plotter.XYs
	for f := 1; f <= files; f++ {
		if cnt[f] > 0 {
			line = append(line, plotter.XY{X: float64(f), Y: sum[f] / float64(cnt[f])})
		}
	}
	if len(line) > 1 {
		l, _ := plotter.NewLine(line)
		l.LineStyle = draw.LineStyle{Color: chartLine, Width: 1}
		p.Add(l)
	}
	pts := make(plotter.XYs, len(lv.v))
	for i := range lv.v {
		pts[i] = plotter.XY{X: float64(lv.file[i]), Y: lv.v[i]}
	}
	s, _ := plotter.NewScatter(pts)
	r := vg.Length(3)
	if perFiber {
		r = 2
	}
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		clr := color.Color(chartLine)
		if lv.fail[i] {
			clr = chartFail
		}
		return draw.GlyphStyle{Color: clr, Radius: r, Shape: draw.CircleGlyph{}}
	}
	p.Add(s)
	return &Figure{Width: lotChartW, Height: lotChartH, draw: func(c draw.Canvas) { p.Draw(c) }}
}

// addLimitLines draws the limits (NaN: open) as dashed red lines,
// vertical on a histogram.
func addLimitLines(p *plot.Plot, lo, hi float64, vertical bool) {
	sty := draw.LineStyle{Color: chartFail, Width: 1.2, Dashes: []vg.Length{5, 3}}
	for _, l := range []struct {
		v   float64
		lbl string
	}{{lo, "min"}, {hi, "max"}} {
		if math.IsNaN(l.v) {
			continue
		}
		lbl := fmt.Sprintf("%s %g", l.lbl, l.v)
		if vertical {
			p.Add(vline{X: l.v, Style: sty, Label: lbl})
		} else {
			p.Add(hline{Y: l.v, Style: sty, Label: lbl})
		}
	}
}

// niceStep rounds x up to 1, 2, 2.5 or 5 × 10ᵏ.
func niceStep(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(x)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if f*mag >= x*(1-1e-12) {
			return f * mag
		}
	}
	return 10 * mag
}

// intTicks labels whole numbers, about n of them.
type intTicks struct{ n int }

func (t intTicks) Ticks(lo, hi float64) []plot.Tick {
	step := math.Max(1, math.Ceil(niceStep((hi-lo)/float64(max(1, t.n)))))
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprint(v)})
	}
	return ticks
}

func lotFiles(rs []*ferrule.Report, errs []batch.FailedFile, link func(string) string) []lotFile {
	var out []lotFile
	for k, r := range rs {
		lf := lotFile{N: k + 1, File: r.File, Verdict: "not graded", Class: "",
			XAngle: num(r.Ferrule.XAngleDeg, "_deg"), YAngle: num(r.Ferrule.YAngleDeg, "_deg"),
			HeightDiff: num(r.Summary.HeightDifferentialNM, "_nm"), MinusCo: num(r.Summary.MinusCoplanarityNM, "_nm"),
			Measured: fmt.Sprintf("%d/%d", r.Summary.MeasuredFibers, len(r.Fibers))}
		if link != nil {
			lf.Link = link(r.File)
		}
		if g := r.Grade; g != nil {
			lf.Verdict, lf.Class = "pass", "pass"
			if !g.Pass {
				lf.Verdict, lf.Class = "FAIL", "fail"
				if g.Marginal {
					lf.Verdict, lf.Class = "marginal", "marginal"
				}
				var names []string
				seen := map[string]bool{}
				for _, c := range g.Checks {
					if !c.Pass && !seen[c.Name] {
						seen[c.Name] = true
						names = append(names, c.Name)
					}
				}
				lf.Failed = strings.Join(names, ", ")
			}
		}
		out = append(out, lf)
	}
	for i, e := range errs {
		out = append(out, lotFile{N: len(rs) + i + 1, File: e.File, Verdict: "error", Class: "fail", Error: e.Error})
	}
	return out
}
