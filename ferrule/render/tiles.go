package render

import (
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
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Layout of the tile figure, points.
const (
	tilesWidth  vg.Length = 1200
	tilesTitleH vg.Length = 40
	tileLabelH  vg.Length = 26
	tilesFootH  vg.Length = 58
	maxTile     vg.Length = 130
	tileMargin  vg.Length = 12 // µm of ferrule shown around the cladding
)

// tiles holds what FiberTiles draws.
type tiles struct {
	m        *geometry.HeightMap
	rep      *ferrule.Report
	frame    ferrule.Frame
	fiberR   float64 // µm
	avgR     float64 // µm, averaging disc
	cols     int
	rows     int
	mirror   bool
	half     float64 // half-range of the colour scale, nm
	verdicts []verdict
	centres  []r2.Vec
	title    string
	size     vg.Length // tile side
}

// FiberTiles draws a close-up of every fiber tip, laid out as the fibers
// are (the highest row on top, fiber 1 at the left): the height minus the
// fitted tip sphere of the report (apex_height_nm, radius_mm, centred at
// x_um, y_um; a flat tip is its apex height) inside the cladding, on a
// diverging scale symmetric about 0 whose half-range is the 99th
// percentile of |residual| over all tips (at least 10 nm) unless
// opts.ResidualNM sets it. The core dip and any chip or dirt show in blue
// (below the sphere) or red; invalid pixels are grey. Each tile is ringed
// green or red by verdict when rep.Grade is set, the averaging disc is
// dotted, and the fiber's number, height and core dip are written under it.
// A fiber without a tip fit shows its levelled height minus its averaged
// height; one without a centre is left empty.
func FiberTiles(m *geometry.HeightMap, rep *ferrule.Report, opts Options) (*Figure, error) {
	if m == nil || rep == nil || m.Rect.Empty() {
		return nil, ErrNoReport
	}
	frame, err := frameOf(rep)
	if err != nil {
		return nil, err
	}
	t := &tiles{
		m: m, rep: rep,
		frame:    frame,
		fiberR:   125.0 / 2,
		avgR:     rep.Regions.AveragingDiameter / 2,
		verdicts: fiberVerdicts(rep),
	}
	l := layoutOf(rep, opts.Layout)
	if l != nil {
		t.fiberR = l.FiberDiameter / 2
		t.cols, t.rows, t.mirror = l.FibersPerRow, l.Rows, l.MirrorNumbering
	}
	for _, f := range rep.Fibers {
		t.cols, t.rows = max(t.cols, f.Col), max(t.rows, f.Row)
	}
	if t.cols == 0 || t.rows == 0 {
		return nil, fmt.Errorf("render: the report has no fibers")
	}
	ef := &endFace{rep: rep, layout: l}
	t.centres = ef.fiberCentres()
	t.half = opts.ResidualNM
	if !(t.half > 0) {
		t.half = t.autoRange()
	}
	t.title = opts.Title
	if t.title == "" {
		t.title = "Fiber tips: height minus the fitted tip sphere (nm)"
		if rep.File != "" {
			t.title = filepath.Base(rep.File) + " · " + t.title
		}
	}
	t.size = min(maxTile, (tilesWidth-20)/vg.Length(t.cols)-6)
	h := tilesTitleH + vg.Length(t.rows)*(t.size+tileLabelH) + tilesFootH
	return &Figure{Width: tilesWidth, Height: h, draw: t.draw}, nil
}

// WriteFiberTiles writes the FiberTiles picture as "png" or "svg".
func WriteFiberTiles(w io.Writer, format string, m *geometry.HeightMap, rep *ferrule.Report, opts Options) error {
	f, err := FiberTiles(m, rep, opts)
	if err != nil {
		return err
	}
	return f.Write(w, format, widthOr(opts.Width))
}

// tip returns the fitted tip height above the plane at distance rho (µm)
// from fiber f's centre, nm, or the averaged height for a fiber without a
// tip fit, or NaN.
func tip(f *ferrule.Fiber, rho float64) float64 {
	if !f.ApexHeightNM.Valid() {
		return float64(f.HeightNM) // NaN when not measured
	}
	if !f.RadiusMM.Valid() { // flat
		return float64(f.ApexHeightNM)
	}
	R := float64(f.RadiusMM) * 1e3 // µm, signed: convex positive
	s := R*R - rho*rho
	if s < 0 {
		return math.NaN()
	}
	sag := R - math.Copysign(math.Sqrt(s), R) // µm
	return float64(f.ApexHeightNM) - sag*1e3
}

// residual returns z − plane − tip at map pixel (c, r) for fiber i, nm,
// with rho the pixel's distance from the fiber centre, µm.
func (t *tiles) residual(i, c, r int) (res, rho float64) {
	p := t.m.PixelToMap(float64(c), float64(r))
	q := t.frame.ToFrame(p)
	rho = math.Hypot(q.X-t.centres[i].X, q.Y-t.centres[i].Y)
	z := t.m.At(c, r)
	if z != z {
		return math.NaN(), rho
	}
	return (z-t.rep.Plane.At(p.X, p.Y))*1e3 - tip(&t.rep.Fibers[i], rho), rho
}

// autoRange is the 99th percentile of |residual| over the cladding of
// every fiber, rounded up to 1, 2, 2.5 or 5 × 10ᵏ nm, at least 10 nm.
func (t *tiles) autoRange() float64 {
	var v []float64
	for i := range t.rep.Fibers {
		if math.IsNaN(t.centres[i].X) {
			continue
		}
		c0, c1, r0, r1 := t.pixelBox(t.centres[i], t.fiberR)
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				if res, rho := t.residual(i, c, r); rho <= t.fiberR && res == res {
					v = append(v, math.Abs(res))
				}
			}
		}
	}
	if len(v) == 0 {
		return 10
	}
	sort.Float64s(v)
	return math.Max(10, niceStep(v[int(0.99*float64(len(v)-1))]))
}

// pixelBox is the map pixel box around frame point p ± half µm.
func (t *tiles) pixelBox(p r2.Vec, half float64) (c0, c1, r0, r1 int) {
	m := t.m
	minC, minR := math.Inf(1), math.Inf(1)
	maxC, maxR := math.Inf(-1), math.Inf(-1)
	for _, s := range [4][2]float64{{-1, -1}, {-1, 1}, {1, -1}, {1, 1}} {
		c, r := m.MapToPixel(t.frame.ToMap(r2.Vec{X: p.X + s[0]*half, Y: p.Y + s[1]*half}))
		minC, maxC = math.Min(minC, c), math.Max(maxC, c)
		minR, maxR = math.Min(minR, r), math.Max(maxR, r)
	}
	c0 = max(m.Rect.Min.X, int(math.Floor(minC)))
	c1 = min(m.Rect.Max.X-1, int(math.Ceil(maxC)))
	r0 = max(m.Rect.Min.Y, int(math.Floor(minR)))
	r1 = min(m.Rect.Max.Y-1, int(math.Ceil(maxR)))
	return c0, c1, r0, r1
}

// raster draws fiber i's tile, n×n pixels over ±half µm around its
// centre, +Y up, sampling the nearest map pixel.
func (t *tiles) raster(i, n int, half float64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	ctr := t.centres[i]
	m := t.m
	d := 2 * half / float64(n)
	for j := range n {
		Y := ctr.Y + half - (float64(j)+0.5)*d
		for k := range n {
			X := ctr.X - half + (float64(k)+0.5)*d
			rho := math.Hypot(X-ctr.X, Y-ctr.Y)
			if rho > t.fiberR {
				continue // outside the cladding: transparent
			}
			cf, rf := m.MapToPixel(t.frame.ToMap(r2.Vec{X: X, Y: Y}))
			c, r := int(math.Floor(cf+0.5)), int(math.Floor(rf+0.5))
			if c < m.Rect.Min.X || c >= m.Rect.Max.X || r < m.Rect.Min.Y || r >= m.Rect.Max.Y {
				continue
			}
			res, _ := t.residual(i, c, r)
			col := invalidColour
			if res == res {
				col = redBlue.at(0.5 + res/(2*t.half))
			}
			img.SetNRGBA(k, j, col)
		}
	}
	return img
}

func (t *tiles) draw(c draw.Canvas) {
	sty := sans(13, color.Black)
	sty.YAlign = draw.YTop
	c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - 4}, t.title)
	dpi := canvasDPI(c)
	// Scale the grid to the canvas, keeping tiles square.
	avail := c.Max.Y - c.Min.Y - tilesTitleH - tilesFootH
	size := min(t.size, avail/vg.Length(t.rows)-tileLabelH, (c.Max.X-c.Min.X-20)/vg.Length(t.cols)-6)
	if size <= 4 {
		return
	}
	pitch := size + 6
	x0 := (c.Min.X+c.Max.X)/2 - pitch*vg.Length(t.cols)/2
	half := t.fiberR + float64(tileMargin)
	scale := float64(size) / (2 * half) // points per µm
	n := max(8, int(math.Round(float64(size)/72*dpi)))
	for i := range t.rep.Fibers {
		f := &t.rep.Fibers[i]
		if f.Row < 1 || f.Col < 1 {
			continue
		}
		col := f.Col - 1
		if t.mirror {
			col = t.cols - f.Col
		}
		top := c.Max.Y - tilesTitleH - vg.Length(t.rows-f.Row)*(size+tileLabelH)
		rect := vg.Rectangle{Min: vg.Point{X: x0 + vg.Length(col)*pitch + 3, Y: top - size}, Max: vg.Point{X: x0 + vg.Length(col)*pitch + 3 + size, Y: top}}
		ctr := vg.Point{X: (rect.Min.X + rect.Max.X) / 2, Y: (rect.Min.Y + rect.Max.Y) / 2}
		clr := color.Color(color.Black)
		switch t.verdicts[i] {
		case passed:
			clr = chartPass
		case marginal:
			clr = marginalColour
		case failed:
			clr = chartFail
		}
		if !math.IsNaN(t.centres[i].X) {
			c.DrawImage(rect, t.raster(i, n, half))
			if t.avgR > 0 {
				c.SetLineStyle(draw.LineStyle{Color: color.NRGBA{A: 0xb0}, Width: 0.6, Dashes: []vg.Length{1, 2}})
				c.Stroke(circlePath(ctr, vg.Length(t.avgR*scale)))
			}
			var dashes []vg.Length
			if !f.Measured() {
				dashes = []vg.Length{3, 2}
			}
			c.SetLineStyle(draw.LineStyle{Color: clr, Width: 1.5, Dashes: dashes})
			c.Stroke(circlePath(ctr, vg.Length(t.fiberR*scale)))
		}
		lbl := sans(10, clr)
		lbl.YAlign = draw.YTop
		c.FillText(lbl, vg.Point{X: ctr.X, Y: rect.Min.Y - 1}, fmt.Sprint(f.Index))
		small := sans(8, color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff})
		small.YAlign = draw.YTop
		info := "not measured"
		if f.Measured() {
			info = fmt.Sprintf("H %.0f · CD %s", float64(f.HeightNM), coreDip(f.CoreDipNM))
		}
		c.FillText(small, vg.Point{X: ctr.X, Y: rect.Min.Y - 12}, info)
	}
	t.drawKey(c)
}

func coreDip(n ferrule.Num) string {
	if !n.Valid() {
		return "—"
	}
	return fmt.Sprintf("%.0f", math.Round(float64(n))+0) // +0: no "-0"
}

// drawKey draws the colour bar and the caption at the bottom.
func (t *tiles) drawKey(c draw.Canvas) {
	cp := newPlot("")
	cp.HideY()
	cp.X.Label.Text = "height − fitted tip sphere (nm): blue below (core dip), red above; grey: invalid"
	cp.X.Min, cp.X.Max = -t.half, t.half
	cp.X.Tick.Marker = niceTicks{n: 8}
	cp.Add(&plotter.ColorBar{ColorMap: &scaleMap{g: redBlue, lo: -t.half, hi: t.half}})
	cp.BackgroundColor = nil
	mid := (c.Min.X + c.Max.X) / 2
	cp.Draw(draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: mid - 260, Y: c.Min.Y + 2}, Max: vg.Point{X: mid + 260, Y: c.Min.Y + tilesFootH - 8},
	}})
	sty := sans(10, color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff})
	sty.YAlign = draw.YTop
	c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - 22},
		fmt.Sprintf("Ring: cladding Ø %.0f µm (green pass, red fail); dotted: averaging disc; under each tip: number, height H and core dip CD in nm.", 2*t.fiberR))
}
