package render

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ChartOptions control the fiber-height chart.
type ChartOptions struct {
	// Width is the width of a PNG in pixels (default 1600).
	Width int
	// Layout is used to place fibers that were not measured; nil takes the
	// built-in layout the report names.
	Layout *ferrule.Layout
	// Title replaces the default title.
	Title string
}

// Nominal size of the height chart, points.
const (
	chartWidth  vg.Length = 1200
	panelHeight vg.Length = 250
	chartTitleH vg.Length = 24
)

// rowFit is one row of the height chart: the fibers from rep.Fibers and
// the line, minus coplanarity and height differential from rep.Rows.
type rowFit struct {
	row     int
	x, h    []float64 // measured fibers: X µm, height nm
	idx     []int     // their fiber indices
	verdict []verdict
	missing []int     // fiber indices not measured
	missX   []float64 // and their nominal X, µm
	// The reported row line H = a + b·X, X in mm, H in nm.
	a, b   float64
	lineOK bool
	worst  int     // position in x of the reported lowest fiber, -1 if none
	minus  float64 // the reported minus coplanarity, nm
	diff   float64 // the reported height differential, nm; NaN if none
}

// at is the row line's height at x µm, nm.
func (r *rowFit) at(x float64) float64 { return r.a + r.b*x/1e3 }

// HeightChart draws the fiber heights of rep against their X position, one
// panel per fiber row (the top panel is the top row of the end-face
// picture, the highest row number), with each row's least-squares line
// H = p + qX (SPEC §6), the fiber farthest below it marked with its minus
// coplanarity (all three as rep.Rows reports them: nothing is fitted here), and the height_nm limits of rep.Grade shaded as a band.
// Fibers are green or red by verdict when rep.Grade is set, blue
// otherwise; fibers not measured are crosses at the bottom.
func HeightChart(rep *ferrule.Report, opts ChartOptions) (*Figure, error) {
	if rep == nil {
		return nil, ErrNoReport
	}
	rows := rowFits(rep, layoutOf(rep, opts.Layout))
	if len(rows) == 0 {
		return nil, fmt.Errorf("render: the report has no fibers")
	}
	title := opts.Title
	if title == "" {
		title = "Fiber height (averaged, nm) against fiber X"
		if rep.File != "" {
			title = filepath.Base(rep.File) + " · " + title
		}
	}
	lo, hi, hasLimits := limits(rep.Grade, "height_nm", true)
	// One y range for all panels, so that rows compare at a glance.
	ymin, ymax := math.Inf(1), math.Inf(-1)
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		for i := range r.h {
			ymin, ymax = math.Min(ymin, r.h[i]), math.Max(ymax, r.h[i])
			xmin, xmax = math.Min(xmin, r.x[i]), math.Max(xmax, r.x[i])
		}
		for _, x := range r.missX {
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
		}
	}
	if hasLimits {
		for _, v := range []float64{lo, hi} {
			if !math.IsNaN(v) {
				ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
			}
		}
	}
	if math.IsInf(ymin, 0) {
		ymin, ymax = 0, 1
	}
	if math.IsInf(xmin, 0) {
		xmin, xmax = -1, 1
	}
	pad := math.Max(0.08*(ymax-ymin), 20)
	ymin, ymax = ymin-pad, ymax+pad
	xpad := math.Max(0.04*(xmax-xmin), 60)
	xmin, xmax = xmin-xpad, xmax+xpad

	caption := "Blue line: least-squares line H = p + qX through the measured fibers of the row. Ring: the fiber farthest below it (minus coplanarity)."
	if hasLimits {
		caption += fmt.Sprintf(" Green band: height_nm limits %s.", limitText(lo, hi))
	}
	drawFn := func(c draw.Canvas) {
		sty := sans(13, color.Black)
		sty.YAlign = draw.YTop
		c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - 4}, title)
		csty := sans(10, color.Black)
		csty.XAlign, csty.YAlign = draw.XLeft, draw.YBottom
		c.FillText(csty, vg.Point{X: c.Min.X + 8, Y: c.Min.Y + 4}, caption)
		body := draw.Crop(c, 0, 0, captionLine+6, -chartTitleH)
		n := vg.Length(len(rows))
		h := (body.Max.Y - body.Min.Y) / n
		for k, r := range rows {
			// Highest row number on top, as in the end-face picture.
			pc := body
			pc.Max.Y = body.Max.Y - vg.Length(k)*h
			pc.Min.Y = pc.Max.Y - h
			p := rowPlot(r, len(rows) > 1, xmin, xmax, ymin, ymax, lo, hi, hasLimits)
			p.Draw(pc)
		}
	}
	return &Figure{Width: chartWidth, Height: chartTitleH + captionLine + 6 + panelHeight*vg.Length(len(rows)), draw: drawFn}, nil
}

// WriteHeightChart writes the HeightChart as "png" or "svg".
func WriteHeightChart(w io.Writer, format string, rep *ferrule.Report, opts ChartOptions) error {
	f, err := HeightChart(rep, opts)
	if err != nil {
		return err
	}
	return f.Write(w, format, widthOr(opts.Width))
}

func limitText(lo, hi float64) string {
	switch {
	case math.IsNaN(lo):
		return fmt.Sprintf("≤ %g", hi)
	case math.IsNaN(hi):
		return fmt.Sprintf("≥ %g", lo)
	}
	return fmt.Sprintf("%g … %g", lo, hi)
}

// rowFits groups rep's fibers by row, highest row first, with each row's
// line, lowest fiber, minus coplanarity and height differential taken from
// rep.Rows (a row missing there, or with an invalid line, has no line).
func rowFits(rep *ferrule.Report, l *ferrule.Layout) []rowFit {
	verdicts := fiberVerdicts(rep)
	byRow := map[int]*rowFit{}
	var order []int
	for i := range rep.Fibers {
		f := &rep.Fibers[i]
		r, ok := byRow[f.Row]
		if !ok {
			r = &rowFit{row: f.Row, worst: -1, diff: math.NaN()}
			byRow[f.Row] = r
			order = append(order, f.Row)
		}
		x := float64(f.XUM)
		if !f.XUM.Valid() && l != nil && f.Index >= 1 && f.Index <= l.Fibers() {
			nom, _, _ := l.Nominal(f.Index)
			x = nom.X
		}
		if !f.Measured() {
			if !math.IsNaN(x) {
				r.missing, r.missX = append(r.missing, f.Index), append(r.missX, x)
			}
			continue
		}
		r.x, r.h, r.idx = append(r.x, x), append(r.h, float64(f.HeightNM)), append(r.idx, f.Index)
		r.verdict = append(r.verdict, verdicts[i])
	}
	sort.Sort(sort.Reverse(sort.IntSlice(order)))
	out := make([]rowFit, 0, len(order))
	for _, row := range order {
		r := byRow[row]
		for k := range rep.Rows {
			rr := &rep.Rows[k]
			if rr.Row != row {
				continue
			}
			r.diff = float64(rr.HeightDifferentialNM)
			if rr.LineSlopeNMPerMM.Valid() && rr.LineInterceptNM.Valid() {
				r.a, r.b, r.lineOK = float64(rr.LineInterceptNM), float64(rr.LineSlopeNMPerMM), true
				r.minus = float64(rr.MinusCoplanarityNM)
				for i, idx := range r.idx {
					if rr.LowestFiber > 0 && idx == rr.LowestFiber {
						r.worst = i
					}
				}
			}
		}
		out = append(out, *r)
	}
	return out
}

// rowPlot is the panel of one row.
func rowPlot(r rowFit, multi bool, xmin, xmax, ymin, ymax, lo, hi float64, hasLimits bool) *plot.Plot {
	var t []string
	if multi {
		t = append(t, fmt.Sprintf("Row %d", r.row))
	}
	if r.lineOK {
		t = append(t, fmt.Sprintf("line slope %.1f nm/mm", r.b))
		if r.worst >= 0 {
			t = append(t, fmt.Sprintf("minus coplanarity %.0f nm (fiber %d)", r.minus, r.idx[r.worst]))
		} else {
			t = append(t, fmt.Sprintf("minus coplanarity %.0f nm", r.minus))
		}
	}
	if !math.IsNaN(r.diff) {
		t = append(t, fmt.Sprintf("height differential %.0f nm", r.diff))
	}
	if len(r.missing) > 0 {
		s := make([]string, len(r.missing))
		for i, m := range r.missing {
			s[i] = fmt.Sprint(m)
		}
		t = append(t, "not measured: "+strings.Join(s, ", "))
	}
	p := newPlot(strings.Join(t, " · "))
	p.Title.TextStyle.Font.Size = 11
	p.X.Label.Text = "fiber X (µm, ferrule frame)"
	p.Y.Label.Text = "height (nm)"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	p.X.Tick.Marker = niceTicks{n: 10}
	p.Y.Tick.Marker = niceTicks{n: 5}
	p.Add(plotter.NewGrid())
	if hasLimits {
		b := hband{Lo: lo, Hi: hi, Color: chartBand}
		if math.IsNaN(lo) {
			b.Lo = math.Inf(-1)
		}
		if math.IsNaN(hi) {
			b.Hi = math.Inf(1)
		}
		p.Add(b)
		for _, v := range []struct {
			y   float64
			lbl string
		}{{lo, "min"}, {hi, "max"}} {
			if !math.IsNaN(v.y) {
				p.Add(hline{Y: v.y, Style: draw.LineStyle{Color: chartPass, Width: 1, Dashes: []vg.Length{5, 3}}, Label: fmt.Sprintf("%s %g nm", v.lbl, v.y)})
			}
		}
	}
	if r.lineOK {
		line := plotter.XYs{{X: xmin, Y: r.at(xmin)}, {X: xmax, Y: r.at(xmax)}}
		l, _ := plotter.NewLine(line)
		l.LineStyle = draw.LineStyle{Color: chartLine, Width: 1.5}
		p.Add(l)
	}
	p.Add(&fiberMarks{r: r})
	return p
}

// fiberMarks draws a row's fibers: dots by verdict with their numbers, the
// minus-coplanarity fiber ringed with its distance below the line drawn,
// and crosses at the bottom for fibers not measured.
type fiberMarks struct{ r rowFit }

const markR vg.Length = 4.5

func (fm *fiberMarks) Plot(c draw.Canvas, p *plot.Plot) {
	r := fm.r
	trX, trY := p.Transforms(&c)
	if r.worst >= 0 && r.minus > 0 {
		x, y := trX(r.x[r.worst]), trY(r.h[r.worst])
		yl := trY(r.at(r.x[r.worst]))
		c.StrokeLine2(draw.LineStyle{Color: chartFail, Width: 1.2, Dashes: []vg.Length{2, 2}}, x, y, x, yl)
		c.SetLineStyle(draw.LineStyle{Color: chartFail, Width: 1.5})
		c.Stroke(circlePath(vg.Point{X: x, Y: y}, 3*markR))
		sty := sans(9, chartFail)
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
		c.FillText(sty, vg.Point{X: x + 3*markR + 2, Y: y - 2}, fmt.Sprintf("−%.0f nm", r.minus))
	}
	for i := range r.x {
		clr := color.Color(chartLine)
		switch r.verdict[i] {
		case passed:
			clr = chartPass
		case marginal:
			clr = marginalColour
		case failed:
			clr = chartFail
		}
		pt := vg.Point{X: trX(r.x[i]), Y: trY(r.h[i])}
		c.SetColor(clr)
		c.Fill(circlePath(pt, markR))
		sty := sans(10, color.Black)
		sty.YAlign = draw.YBottom
		c.FillText(sty, vg.Point{X: pt.X, Y: pt.Y + markR + 2}, fmt.Sprint(r.idx[i]))
	}
	for i, x := range r.missX {
		pt := vg.Point{X: trX(x), Y: c.Min.Y + 2*markR}
		ls := draw.LineStyle{Color: chartGrey, Width: 1.5}
		c.StrokeLine2(ls, pt.X-markR, pt.Y-markR, pt.X+markR, pt.Y+markR)
		c.StrokeLine2(ls, pt.X-markR, pt.Y+markR, pt.X+markR, pt.Y-markR)
		sty := sans(9, chartGrey)
		sty.YAlign = draw.YBottom
		c.FillText(sty, vg.Point{X: pt.X, Y: pt.Y + markR + 2}, fmt.Sprintf("%d n.m.", r.missing[i]))
	}
}

func (fm *fiberMarks) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
}
