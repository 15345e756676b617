package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"sort"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Options control the end-face picture.
type Options struct {
	// Width is the width of a PNG in pixels (default 1600).
	Width int
	// RangeNM fixes the colour range [low, high] of the levelled height,
	// nm; the zero value picks it from the map (see EndFace).
	RangeNM [2]float64
	// Layout is the ferrule layout, for the fiber diameter and where to
	// draw fibers that were not measured; nil takes the built-in layout
	// the report names, and 125 µm fibers when there is none.
	Layout *ferrule.Layout
	// Title replaces the default title (file, layout, fibers, verdict).
	Title string
	// ResidualNM is the half-range of the FiberTiles colour scale, nm;
	// zero picks it from the tips.
	ResidualNM float64
}

// Nominal size of the end-face figure, points: 1600 px at 96 dpi.
const (
	endFaceWidth  vg.Length = 1200
	colourBarW    vg.Length = 105 // right-hand panel
	captionLine   vg.Length = 14
	defaultWidthP           = 1600
	maxRangeSamp            = 1 << 18 // map pixels sampled for the colour range
)

// ErrNoReport is returned when a picture is asked without a map or report.
var ErrNoReport = errors.New("render: a height map and its report are needed")

// endFace holds what the end-face figure draws.
type endFace struct {
	m      *geometry.HeightMap
	rep    *ferrule.Report
	frame  ferrule.Frame
	layout *ferrule.Layout
	fiberR float64 // µm
	lo, hi float64 // colour range, nm
	// extent of the map in the ferrule frame, µm
	x0, x1, y0, y1 float64
	verdicts       []verdict
	title          string
	caption        []string
}

// EndFace draws the levelled height map of rep's end face (z minus the
// reference plane rep.Plane, so rep must come from ferrule.Analyze: the
// plane is not in the JSON) as a colour map in the ferrule frame, +X to
// the right and +Y up, with a colour bar in nm, a µm scale bar, the
// guide-hole rims and centres, the ferrule X and Y axes, the reference-
// surface region, and every fiber's outline and number, green or red by
// verdict when rep.Grade is set. Invalid pixels are grey.
//
// The colour range, unless opts.RangeNM gives one, runs from the 1st to
// the 99.5th percentile of the valid levelled heights, widened to take in
// 0 and every measured fiber's height and apex height: the ferrule surface
// then sits at the dark end and the fibers spread over the rest.
func EndFace(m *geometry.HeightMap, rep *ferrule.Report, opts Options) (*Figure, error) {
	if m == nil || rep == nil || m.Rect.Empty() {
		return nil, ErrNoReport
	}
	frame, err := frameOf(rep)
	if err != nil {
		return nil, err
	}
	e := &endFace{
		m: m, rep: rep,
		frame:    frame,
		layout:   layoutOf(rep, opts.Layout),
		fiberR:   125.0 / 2,
		verdicts: fiberVerdicts(rep),
		title:    opts.Title,
	}
	if e.layout != nil {
		e.fiberR = e.layout.FiberDiameter / 2
	}
	e.extent()
	if opts.RangeNM[1] > opts.RangeNM[0] {
		e.lo, e.hi = opts.RangeNM[0], opts.RangeNM[1]
	} else {
		e.lo, e.hi = e.colourRange()
	}
	if e.title == "" {
		e.title = defaultTitle(rep)
	}
	e.caption = e.captionLines()
	f := &Figure{Width: endFaceWidth, draw: e.draw}
	// Nominal height: the one that gives equal scales at the nominal width.
	probe := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: endFaceWidth, Y: 1000}}}
	main := e.mainCanvas(probe)
	p := e.plot()
	d := p.DataCanvas(main)
	dw, dh := d.Max.X-d.Min.X, d.Max.Y-d.Min.Y
	f.Height = 1000 - dh + dw*vg.Length((e.y1-e.y0)/(e.x1-e.x0))
	f.Height = vg.Length(math.Ceil(float64(f.Height)))
	return f, nil
}

// frameOf is the ferrule frame of rep.
func frameOf(rep *ferrule.Report) (ferrule.Frame, error) {
	o, rot := rep.Frame.OriginMapUM, float64(rep.Frame.RotationDeg)*math.Pi/180
	if !o[0].Valid() || !o[1].Valid() || math.IsNaN(rot) || math.IsInf(rot, 0) {
		return ferrule.Frame{}, fmt.Errorf("render: the report has no ferrule frame")
	}
	return ferrule.Frame{Origin: r2.Vec{X: float64(o[0]), Y: float64(o[1])}, Rotation: rot}, nil
}

// WriteEndFace writes the EndFace picture as "png" or "svg".
func WriteEndFace(w io.Writer, format string, m *geometry.HeightMap, rep *ferrule.Report, opts Options) error {
	f, err := EndFace(m, rep, opts)
	if err != nil {
		return err
	}
	return f.Write(w, format, widthOr(opts.Width))
}

func widthOr(w int) int {
	if w <= 0 {
		return defaultWidthP
	}
	return w
}

// defaultTitle is "file · layout · n/m fibers measured · profile: verdict".
func defaultTitle(rep *ferrule.Report) string {
	t := rep.Layout
	if rep.File != "" {
		t = filepath.Base(rep.File) + " · " + t
	}
	t += fmt.Sprintf(" · %d/%d fibers measured", rep.Summary.MeasuredFibers, len(rep.Fibers))
	if g := rep.Grade; g != nil {
		switch {
		case g.Pass:
			t += fmt.Sprintf(" · %s: PASS", g.Profile)
		case g.Marginal:
			t += fmt.Sprintf(" · %s: MARGINAL (%d of %d checks within the guard band)", g.Profile, marginalChecks(g), len(g.Checks))
		default:
			t += fmt.Sprintf(" · %s: FAIL (%d of %d checks)", g.Profile, failedChecks(g), len(g.Checks))
		}
	}
	return t
}

// extent sets the bounding box of the map's pixel area in the frame.
func (e *endFace) extent() {
	m := e.m
	e.x0, e.y0 = math.Inf(1), math.Inf(1)
	e.x1, e.y1 = math.Inf(-1), math.Inf(-1)
	for _, cr := range [4][2]float64{
		{float64(m.Rect.Min.X) - 0.5, float64(m.Rect.Min.Y) - 0.5},
		{float64(m.Rect.Max.X) - 0.5, float64(m.Rect.Min.Y) - 0.5},
		{float64(m.Rect.Min.X) - 0.5, float64(m.Rect.Max.Y) - 0.5},
		{float64(m.Rect.Max.X) - 0.5, float64(m.Rect.Max.Y) - 0.5},
	} {
		p := e.frame.ToFrame(m.PixelToMap(cr[0], cr[1]))
		e.x0, e.x1 = math.Min(e.x0, p.X), math.Max(e.x1, p.X)
		e.y0, e.y1 = math.Min(e.y0, p.Y), math.Max(e.y1, p.Y)
	}
}

// colourRange picks the colour range in nm (see EndFace).
func (e *endFace) colourRange() (lo, hi float64) {
	m, pl := e.m, e.rep.Plane
	n := m.Rect.Dx() * m.Rect.Dy()
	step := max(1, int(math.Ceil(math.Sqrt(float64(n)/maxRangeSamp))))
	var v []float64
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r += step {
		row := m.Row(r)
		y := m.Offset.Y + float64(r)*m.Pitch.Y
		for i := 0; i < len(row); i += step {
			if z := row[i]; z == z {
				x := m.Offset.X + float64(m.Rect.Min.X+i)*m.Pitch.X
				v = append(v, (z-pl.At(x, y))*1e3)
			}
		}
	}
	lo, hi = 0, 0
	if len(v) > 0 {
		sort.Float64s(v)
		lo = math.Min(lo, v[int(0.01*float64(len(v)-1))])
		hi = math.Max(hi, v[int(0.995*float64(len(v)-1))])
	}
	for _, f := range e.rep.Fibers {
		for _, h := range []ferrule.Num{f.HeightNM, f.ApexHeightNM} {
			if h.Valid() {
				lo, hi = math.Min(lo, float64(h)), math.Max(hi, float64(h))
			}
		}
	}
	if hi-lo < 10 { // a flat map: show ±5 nm rather than noise
		c := (hi + lo) / 2
		lo, hi = c-5, c+5
	}
	return lo, hi
}

func (e *endFace) captionLines() []string {
	rot := float64(e.rep.Frame.RotationDeg)
	lines := []string{
		fmt.Sprintf("Colour: height above the ferrule reference plane, nm (%.0f … %.0f nm; beyond: end colours). Grey: invalid pixels. White: outside the map.", e.lo, e.hi),
		fmt.Sprintf("Drawn in the ferrule frame, +X right, +Y up (row 1 at the bottom, fiber 1 at the left): the map seen with its +y up, turned by %+.2f°.", -rot),
		fmt.Sprintf("Circles: fibers, Ø %.0f µm, numbered; white rings: guide-hole rims with centres (+); dashed box: reference-surface region.", 2*e.fiberR),
	}
	for _, f := range e.rep.Fibers {
		if f.ILIdealDB.Valid() {
			lines = append(lines, "Square below each fiber: predicted loss against an ideal mate (il_ideal_db): green ≤ 0.15 dB, yellow ≤ 0.25, orange ≤ 0.5, red above (the max. of IEC 61755-1 grades A, B, C).")
			break
		}
	}
	return lines
}

// mainCanvas is the part of c left of the colour bar and above the caption.
func (e *endFace) mainCanvas(c draw.Canvas) draw.Canvas {
	capH := captionLine*vg.Length(len(e.caption)+1) + 4
	return draw.Crop(c, 0, -colourBarW, capH, 0)
}

// plot returns the map plot with the extent's ranges and labels.
func (e *endFace) plot() *plot.Plot {
	p := newPlot(e.title)
	p.X.Label.Text = "X (µm), ferrule frame: origin midway between the guide-hole centres"
	p.Y.Label.Text = "Y (µm), +Y up"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = e.x0, e.x1, e.y0, e.y1
	p.X.Tick.Marker = niceTicks{n: 12}
	p.Y.Tick.Marker = niceTicks{n: 6}
	return p
}

func (e *endFace) draw(c draw.Canvas) {
	main := e.mainCanvas(c)
	p := e.plot()
	// Equal scales: widen one range until µm per point is the same in X
	// and Y; the tick labels may change width, so settle in a few rounds.
	var d draw.Canvas
	for range 3 {
		d = p.DataCanvas(main)
		w, h := float64(d.Max.X-d.Min.X), float64(d.Max.Y-d.Min.Y)
		if w <= 0 || h <= 0 {
			return
		}
		s := math.Min(w/(e.x1-e.x0), h/(e.y1-e.y0)) // points per µm
		cx, cy := (e.x0+e.x1)/2, (e.y0+e.y1)/2
		p.X.Min, p.X.Max = cx-w/s/2, cx+w/s/2
		p.Y.Min, p.Y.Max = cy-h/s/2, cy+h/s/2
	}
	p.Add(mapPlotter{e})
	p.Draw(main)
	e.drawColourBar(c, d)
	e.drawCaption(c)
}

// drawColourBar draws the colour bar right of the map, as tall as the
// map's data area d.
func (e *endFace) drawColourBar(c draw.Canvas, d draw.Canvas) {
	cp := newPlot("")
	cp.HideX()
	cp.Y.Label.Text = "height above reference plane (nm)"
	cp.Y.Min, cp.Y.Max = e.lo, e.hi
	cp.Add(&plotter.ColorBar{ColorMap: &scaleMap{g: viridisStops[:], lo: e.lo, hi: e.hi}, Vertical: true})
	const barW = 18
	r := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Max.X - colourBarW + 6, Y: d.Min.Y},
		Max: vg.Point{X: c.Max.X - 10, Y: d.Max.Y},
	}}
	dd := cp.DataCanvas(r)
	// Shift the panel so that its data area spans d's height and is barW wide.
	r.Min.Y -= dd.Min.Y - d.Min.Y
	r.Max.Y += d.Max.Y - dd.Max.Y
	r.Min.X += (dd.Max.X - dd.Min.X) - barW
	cp.BackgroundColor = nil
	cp.Draw(r)
}

func (e *endFace) drawCaption(c draw.Canvas) {
	sty := sans(10, color.Black)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	y := c.Min.Y + captionLine*vg.Length(len(e.caption)+1)
	x := c.Min.X + 8
	for _, l := range e.caption {
		c.FillText(sty, vg.Point{X: x, Y: y}, l)
		y -= captionLine
	}
	// Verdict key.
	items := []struct {
		clr color.Color
		txt string
	}{{neutralColour, "not graded"}}
	if g := e.rep.Grade; g != nil {
		items = []struct {
			clr color.Color
			txt string
		}{{passColour, "fiber passes every check"}, {failColour, "a check of the fiber fails, or it was not measured"}}
	}
	items = append(items, struct {
		clr color.Color
		txt string
	}{neutralColour, "dashed outline: fiber not measured, drawn at its nominal place"})
	bg := color.NRGBA{R: 0x44, G: 0x01, B: 0x54, A: 0xff}
	for _, it := range items {
		c.FillPolygon(bg, []vg.Point{{X: x, Y: y - 12}, {X: x + 20, Y: y - 12}, {X: x + 20, Y: y}, {X: x, Y: y}})
		var dashes []vg.Length
		if it.txt[0] == 'd' {
			dashes = []vg.Length{3, 2}
		}
		c.StrokeLine2(draw.LineStyle{Color: it.clr, Width: 2, Dashes: dashes}, x+3, y-6, x+17, y-6)
		c.FillText(sty, vg.Point{X: x + 24, Y: y - 1}, it.txt)
		x += 24 + sty.Width(it.txt) + 18
	}
}

// mapPlotter draws the height raster and the overlays in data
// coordinates (ferrule frame, µm).
type mapPlotter struct{ e *endFace }

func (mp mapPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	e := mp.e
	trX, trY := p.Transforms(&c)
	dpi := canvasDPI(c)
	nx := max(1, int(math.Round(float64(c.Max.X-c.Min.X)/72*dpi)))
	ny := max(1, int(math.Round(float64(c.Max.Y-c.Min.Y)/72*dpi)))
	img := e.raster(nx, ny, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	c.DrawImage(c.Rectangle, img)

	pt := func(x, y float64) vg.Point { return vg.Point{X: trX(x), Y: trY(y)} }
	scale := float64(trX(1) - trX(0)) // points per µm

	// Reference-surface region.
	if box, ok := e.regionBox(); ok {
		var path vg.Path
		path.Move(pt(box[0], box[2]))
		path.Line(pt(box[1], box[2]))
		path.Line(pt(box[1], box[3]))
		path.Line(pt(box[0], box[3]))
		path.Close()
		c.SetLineStyle(draw.LineStyle{Color: color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xb0}, Width: 0.8, Dashes: []vg.Length{5, 4}})
		c.Stroke(path)
	}

	// Ferrule axes.
	// Ferrule axes, broken where they would cross a fiber.
	axis := draw.LineStyle{Color: color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xc0}, Width: 0.8, Dashes: []vg.Length{8, 3, 2, 3}}
	centres := e.fiberCentres()
	gap := e.fiberR + 12
	for _, s := range axisPieces(p.X.Min, p.X.Max, centres, gap, false) {
		c.StrokeLine2(axis, trX(s[0]), trY(0), trX(s[1]), trY(0))
	}
	for _, s := range axisPieces(p.Y.Min, p.Y.Max, centres, gap, true) {
		c.StrokeLine2(axis, trX(0), trY(s[0]), trX(0), trY(s[1]))
	}
	lbl := sans(11, color.White)
	lbl.XAlign, lbl.YAlign = draw.XRight, draw.YBottom
	haloText(c, lbl, vg.Point{X: c.Max.X - 4, Y: trY(0) + 3}, "+X")
	lbl.XAlign, lbl.YAlign = draw.XLeft, draw.YTop
	haloText(c, lbl, vg.Point{X: trX(0) + 4, Y: c.Max.Y - 3}, "+Y")

	// Guide holes: measured rims and centres, or nominal ones dashed.
	holes := e.rep.GuideHoles
	for _, h := range holes {
		if !h.XUM.Valid() || !h.DiameterUM.Valid() {
			continue
		}
		ctr := pt(float64(h.XUM), float64(h.YUM))
		strokeHalo(c, circlePath(ctr, vg.Length(float64(h.DiameterUM)/2*scale)), color.White, 1.5, nil)
		strokeCross(c, ctr, 7, color.White)
	}
	if len(holes) == 0 && e.layout != nil {
		for _, s := range []float64{-1, 1} {
			ctr := pt(s*e.layout.HoleSpacing/2, 0)
			strokeHalo(c, circlePath(ctr, vg.Length(e.layout.HoleDiameter/2*scale)), color.White, 1.2, []vg.Length{4, 3})
		}
	}

	// Fibers.
	r := vg.Length(e.fiberR * scale)
	size := vg.Length(math.Max(7, math.Min(12, 0.45*e.pitch()*scale)))
	for i := range e.rep.Fibers {
		f := &e.rep.Fibers[i]
		x, y := centres[i].X, centres[i].Y
		if math.IsNaN(x) {
			continue
		}
		clr := neutralColour
		switch e.verdicts[i] {
		case passed:
			clr = passColour
		case marginal:
			clr = marginalColour
		case failed:
			clr = failColour
		}
		var dashes []vg.Length
		if !f.Measured() {
			dashes = []vg.Length{3, 2}
		}
		ctr := pt(x, y)
		strokeHalo(c, circlePath(ctr, r), clr, 1.4, dashes)
		sty := sans(size, clr)
		sty.YAlign = draw.YBottom
		haloText(c, sty, vg.Point{X: ctr.X, Y: ctr.Y + r + 2}, fmt.Sprint(f.Index))
		if f.ILIdealDB.Valid() {
			// A chip below the fiber, coloured by its loss against an ideal mate.
			h := size * 0.8
			x0, y0 := ctr.X-h/2, ctr.Y-r-3-h
			chip := []vg.Point{{X: x0, Y: y0}, {X: x0 + h, Y: y0}, {X: x0 + h, Y: y0 + h}, {X: x0, Y: y0 + h}}
			c.FillPolygon(haloColour, []vg.Point{{X: x0 - 1, Y: y0 - 1}, {X: x0 + h + 1, Y: y0 - 1}, {X: x0 + h + 1, Y: y0 + h + 1}, {X: x0 - 1, Y: y0 + h + 1}})
			c.FillPolygon(ilGradeColour(float64(f.ILIdealDB)), chip)
		}
	}

	e.drawScaleBar(c, scale)
}

func (mapPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
}

// fiberCentres are the fibers' centres in the frame, in the order of
// rep.Fibers: measured, or nominal for a fiber without a centre, or NaN
// when there is no layout to say.
func (e *endFace) fiberCentres() []r2.Vec {
	out := make([]r2.Vec, len(e.rep.Fibers))
	for i := range e.rep.Fibers {
		f := &e.rep.Fibers[i]
		out[i] = r2.Vec{X: float64(f.XUM), Y: float64(f.YUM)}
		if f.XUM.Valid() && f.YUM.Valid() {
			continue
		}
		out[i] = r2.Vec{X: math.NaN(), Y: math.NaN()}
		if e.layout != nil && f.Index >= 1 && f.Index <= e.layout.Fibers() {
			out[i], _, _ = e.layout.Nominal(f.Index)
		}
	}
	return out
}

// axisPieces splits the axis from lo to hi (along X at Y = 0, or along Y
// at X = 0 when vertical) into the pieces outside the discs of radius r
// around the centres.
func axisPieces(lo, hi float64, centres []r2.Vec, r float64, vertical bool) [][2]float64 {
	type span struct{ a, b float64 }
	var cut []span
	for _, c := range centres {
		along, across := c.X, c.Y
		if vertical {
			along, across = c.Y, c.X
		}
		if math.IsNaN(along) || math.Abs(across) >= r {
			continue
		}
		w := math.Sqrt(r*r - across*across)
		cut = append(cut, span{along - w, along + w})
	}
	sort.Slice(cut, func(i, j int) bool { return cut[i].a < cut[j].a })
	var out [][2]float64
	at := lo
	for _, s := range cut {
		if s.a > at {
			out = append(out, [2]float64{at, math.Min(s.a, hi)})
		}
		at = math.Max(at, s.b)
	}
	if at < hi {
		out = append(out, [2]float64{at, hi})
	}
	return out
}

// pitch is the fiber pitch in µm, for the size of the fiber numbers.
func (e *endFace) pitch() float64 {
	if e.layout != nil {
		return e.layout.Pitch
	}
	return 250
}

// regionBox is the reference-surface region of SPEC §4 as x0, x1, y0, y1
// in the frame: between the hole centres in X and the fiber rows ± the
// array margin in Y.
func (e *endFace) regionBox() ([4]float64, bool) {
	if e.layout == nil {
		return [4]float64{}, false
	}
	hx := e.layout.HoleSpacing / 2
	if s := e.rep.Frame.HoleSpacingUM; s.Valid() {
		hx = float64(s) / 2
	}
	hy := float64(e.layout.Rows-1)/2*e.layout.RowPitch + e.rep.Regions.ArrayMarginY
	return [4]float64{-hx, hx, -hy, hy}, true
}

func strokeCross(c draw.Canvas, p vg.Point, r vg.Length, clr color.Color) {
	for _, w := range []struct {
		clr color.Color
		w   vg.Length
	}{{haloColour, 3}, {clr, 1.2}} {
		sty := draw.LineStyle{Color: w.clr, Width: w.w}
		c.StrokeLine2(sty, p.X-r, p.Y, p.X+r, p.Y)
		c.StrokeLine2(sty, p.X, p.Y-r, p.X, p.Y+r)
	}
}

// drawScaleBar draws a bar of a round length near the bottom left.
func (e *endFace) drawScaleBar(c draw.Canvas, scale float64) {
	width := float64(c.Max.X-c.Min.X) / scale // µm across
	var L float64
	for _, l := range []float64{10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000} {
		if l <= width/7 {
			L = l
		}
	}
	if L == 0 {
		return
	}
	x0, y0 := c.Min.X+14, c.Min.Y+14
	x1 := x0 + vg.Length(L*scale)
	c.FillPolygon(haloColour, []vg.Point{{X: x0 - 1.5, Y: y0 - 1.5}, {X: x1 + 1.5, Y: y0 - 1.5}, {X: x1 + 1.5, Y: y0 + 5.5}, {X: x0 - 1.5, Y: y0 + 5.5}})
	c.FillPolygon(color.White, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y0 + 4}, {X: x0, Y: y0 + 4}})
	sty := sans(11, color.White)
	sty.YAlign = draw.YBottom
	haloText(c, sty, vg.Point{X: (x0 + x1) / 2, Y: y0 + 8}, fmt.Sprintf("%g µm", L))
}

// raster samples the levelled map on an nx×ny grid over the frame
// rectangle [x0, x1]×[y0, y1], row 0 at y1 (top). Each output pixel is the
// mean of the valid map pixels in a box of its size around its centre;
// it is invalid (grey) when fewer than half of them are valid, and
// transparent outside the map.
func (e *endFace) raster(nx, ny int, x0, x1, y0, y1 float64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, nx, ny))
	m, pl := e.m, e.rep.Plane
	dx, dy := (x1-x0)/float64(nx), (y1-y0)/float64(ny)
	hx := dx / (2 * m.Pitch.X) // half box, map pixels
	hy := dy / (2 * m.Pitch.Y)
	s, co := math.Sincos(e.frame.Rotation)
	ox, oy := e.frame.Origin.X, e.frame.Origin.Y
	inv := 1 / (e.hi - e.lo)
	rect := m.Rect
	for j := range ny {
		Y := y1 - (float64(j)+0.5)*dy
		pix := img.Pix[j*img.Stride : j*img.Stride+4*nx]
		for i := range nx {
			X := x0 + (float64(i)+0.5)*dx
			x := ox + co*X - s*Y
			y := oy + s*X + co*Y
			cc := (x - m.Offset.X) / m.Pitch.X
			rr := (y - m.Offset.Y) / m.Pitch.Y
			if !(cc >= float64(rect.Min.X)-0.5 && cc < float64(rect.Max.X)-0.5 && rr >= float64(rect.Min.Y)-0.5 && rr < float64(rect.Max.Y)-0.5) {
				continue // outside the map: transparent
			}
			c0 := max(rect.Min.X, int(math.Floor(cc-hx+0.5)))
			c1 := min(rect.Max.X-1, int(math.Floor(cc+hx+0.5)))
			r0 := max(rect.Min.Y, int(math.Floor(rr-hy+0.5)))
			r1 := min(rect.Max.Y-1, int(math.Floor(rr+hy+0.5)))
			if c1 < c0 || r1 < r0 {
				continue // outside the map: transparent
			}
			var sum float64
			n, valid := 0, 0
			for r := r0; r <= r1; r++ {
				row := m.Z[(r-rect.Min.Y)*m.Stride+c0-rect.Min.X : (r-rect.Min.Y)*m.Stride+c1-rect.Min.X+1]
				for _, z := range row {
					n++
					if z == z {
						valid++
						sum += z
					}
				}
			}
			var col color.NRGBA
			if 2*valid < n || valid == 0 {
				col = invalidColour
			} else {
				h := (sum/float64(valid) - pl.At(x, y)) * 1e3
				col = viridis((h - e.lo) * inv)
			}
			p := pix[4*i : 4*i+4 : 4*i+4]
			p[0], p[1], p[2], p[3] = col.R, col.G, col.B, col.A
		}
	}
	return img
}
