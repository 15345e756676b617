package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is a picture of a fixed nominal size that can be drawn on any
// gonum/plot vg canvas (raster, SVG, PDF, a UI's own canvas), rasterised
// with Image, or written as PNG or SVG.
type Figure struct {
	// Width and Height are the nominal size, points (1/72 inch). Drawn on
	// a canvas of another size the figure adapts its layout; the end-face
	// picture keeps equal µm scales in X and Y by widening its data range.
	Width, Height vg.Length
	draw          func(c draw.Canvas)
}

// Draw draws the figure on c.
func (f *Figure) Draw(c draw.Canvas) { f.draw(c) }

// defaultDPI is the resolution at which a figure is rasterised when the
// canvas does not say (SVG), and the nominal one of the PNGs: a figure of
// nominal width 1200 pt is 1600 pixels wide at 96 dpi.
const defaultDPI = 96

// Image rasterises the figure widthPx pixels wide (nominal width at 96 dpi
// when widthPx ≤ 0), with the height in proportion, on white.
func (f *Figure) Image(widthPx int) *image.RGBA {
	if widthPx <= 0 {
		widthPx = int(math.Round(f.Width.Dots(defaultDPI)))
	}
	// The vg raster canvas takes an integer dpi: pick the nearest, then size
	// the canvas in points so that it is exactly widthPx wide.
	dpi := max(1, int(math.Round(defaultDPI*float64(widthPx)/f.Width.Dots(defaultDPI))))
	heightPx := max(1, int(math.Round(float64(widthPx)*float64(f.Height/f.Width))))
	w := vg.Length(float64(widthPx) / float64(dpi) * vg.Inch.Points())
	h := vg.Length(float64(heightPx) / float64(dpi) * vg.Inch.Points())
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	f.draw(draw.New(c))
	img := c.Image()
	if rgba, ok := img.(*image.RGBA); ok {
		return rgba
	}
	out := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

// ErrFormat is returned for an output format other than png and svg.
var ErrFormat = errors.New("render: format must be png or svg")

// Write writes the figure as "png" (widthPx pixels wide, see Image) or
// "svg" (nominal size; rasters inside it at 96 dpi).
func (f *Figure) Write(w io.Writer, format string, widthPx int) error {
	switch format {
	case "png":
		if err := png.Encode(w, f.Image(widthPx)); err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return nil
	case "svg":
		c := vgsvg.New(f.Width, f.Height)
		f.draw(draw.New(c))
		if _, err := c.WriteTo(w); err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return nil
	}
	return fmt.Errorf("%w, not %q", ErrFormat, format)
}

// canvasDPI is the resolution of c's device, or defaultDPI for a canvas
// without pixels.
func canvasDPI(c draw.Canvas) float64 {
	if d, ok := c.Canvas.(interface{ DPI() float64 }); ok && d.DPI() > 0 {
		return d.DPI()
	}
	return defaultDPI
}

// sans returns a Liberation Sans text style of the given size, points.
func sans(size vg.Length, clr color.Color) text.Style {
	return text.Style{
		Color:   clr,
		Font:    font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, size),
		XAlign:  draw.XCenter,
		YAlign:  draw.YCenter,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with sans-serif text of the sizes used here.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle = sans(13, color.Black)
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = 6
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		lbl := sans(11, color.Black)
		lbl.YAlign = draw.YBottom
		a.Label.TextStyle = lbl
		tick := a.Tick.Label
		tick.Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 10)
		a.Tick.Label = tick
	}
	return p
}

// haloText draws txt at pt in style sty over a dark halo, so that it reads
// on any colour of the map.
func haloText(c draw.Canvas, sty text.Style, pt vg.Point, txt string) {
	h := sty
	h.Color = color.NRGBA{A: 0xd0}
	d := sty.Font.Size / 12
	for _, o := range [8][2]float64{{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}} {
		c.FillText(h, vg.Point{X: pt.X + vg.Length(o[0])*d, Y: pt.Y + vg.Length(o[1])*d}, txt)
	}
	c.FillText(sty, pt, txt)
}

// circlePath is a circle of radius r around ctr.
func circlePath(ctr vg.Point, r vg.Length) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: ctr.X + r, Y: ctr.Y})
	p.Arc(ctr, r, 0, 2*math.Pi)
	p.Close()
	return p
}

// strokeHalo strokes path p in clr with width w over a black line 2w wide.
func strokeHalo(c draw.Canvas, p vg.Path, clr color.Color, w vg.Length, dashes []vg.Length) {
	c.SetLineStyle(draw.LineStyle{Color: haloColour, Width: 2.2 * w, Dashes: dashes})
	c.Stroke(p)
	c.SetLineStyle(draw.LineStyle{Color: clr, Width: w, Dashes: dashes})
	c.Stroke(p)
}

// vline is a plotter drawing a vertical line across the data area at X.
type vline struct {
	X     float64
	Style draw.LineStyle
	Label string
}

func (l vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(l.X)
	c.StrokeLine2(l.Style, x, c.Min.Y, x, c.Max.Y)
	if l.Label != "" {
		sty := sans(9, l.Style.Color)
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
		at := x + 2
		if x+sty.Width(l.Label)+4 > c.Max.X { // no room on the right
			sty.XAlign, at = draw.XRight, x-2
		}
		c.FillText(sty, vg.Point{X: at, Y: c.Max.Y - 2}, l.Label)
	}
}

func (l vline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return l.X, l.X, math.Inf(1), math.Inf(-1)
}

// hline is a plotter drawing a horizontal line across the data area at Y.
type hline struct {
	Y     float64
	Style draw.LineStyle
	Label string
}

func (l hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(l.Y)
	c.StrokeLine2(l.Style, c.Min.X, y, c.Max.X, y)
	if l.Label != "" {
		sty := sans(9, l.Style.Color)
		sty.XAlign, sty.YAlign = draw.XRight, draw.YBottom
		c.FillText(sty, vg.Point{X: c.Max.X - 2, Y: y + 1}, l.Label)
	}
}

func (l hline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), l.Y, l.Y
}

// hband is a plotter shading the data area between Y values lo and hi
// (either may be ±Inf: to the edge).
type hband struct {
	Lo, Hi float64
	Color  color.Color
}

func (b hband) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y0, y1 := c.Min.Y, c.Max.Y
	if !math.IsInf(b.Lo, 0) {
		y0 = max(y0, trY(b.Lo))
	}
	if !math.IsInf(b.Hi, 0) {
		y1 = min(y1, trY(b.Hi))
	}
	if y1 <= y0 {
		return
	}
	c.FillPolygon(b.Color, []vg.Point{{X: c.Min.X, Y: y0}, {X: c.Max.X, Y: y0}, {X: c.Max.X, Y: y1}, {X: c.Min.X, Y: y1}})
}

func (b hband) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	if !math.IsInf(b.Lo, 0) {
		ymin, ymax = b.Lo, b.Lo
	}
	if !math.IsInf(b.Hi, 0) {
		ymin, ymax = math.Min(ymin, b.Hi), math.Max(ymax, b.Hi)
	}
	return math.Inf(1), math.Inf(-1), ymin, ymax
}

// niceTicks is a plot.Ticker with about n labelled ticks at steps of 1, 2,
// 2.5 or 5 × 10ᵏ.
type niceTicks struct{ n int }

func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	raw := (hi - lo) / float64(max(t.n, 2))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, f := range []float64{1, 2, 2.5, 5} {
		if f*mag >= raw {
			step = f * mag
			break
		}
	}
	var ticks []plot.Tick
	for k := math.Ceil(lo / step); k*step <= hi+1e-9*step; k++ {
		v := k * step
		if math.Abs(v) < 1e-9*step {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals(step), 64)})
	}
	return ticks
}

// decimals is the number of decimals that writes multiples of step
// exactly (step from niceStep).
func decimals(step float64) int {
	d := 0
	for s := step; d < 12 && math.Abs(s-math.Round(s)) > 1e-9*math.Max(1, math.Abs(s)); s *= 10 {
		d++
	}
	return d
}
