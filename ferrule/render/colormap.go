package render

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
)

// viridisStops are matplotlib's viridis colour map (CC0, van der Walt and
// Smith) sampled at ten evenly spaced points, t = i/9; the colours between
// are interpolated linearly in sRGB, which stays within a few levels of
// the 256-entry table.
var viridisStops = [10][3]uint8{
	{0x44, 0x01, 0x54}, {0x48, 0x28, 0x78}, {0x3e, 0x4a, 0x89}, {0x31, 0x68, 0x8e}, {0x26, 0x82, 0x8e},
	{0x1f, 0x9e, 0x89}, {0x35, 0xb7, 0x79}, {0x6d, 0xcd, 0x59}, {0xb4, 0xde, 0x2c}, {0xfd, 0xe7, 0x25},
}

// gradient is a colour map: colours at evenly spaced t in [0, 1],
// interpolated linearly in sRGB.
type gradient [][3]uint8

// at returns the colour at t in [0, 1] (clamped; NaN is 0).
func (g gradient) at(t float64) color.NRGBA {
	switch {
	case !(t > 0):
		t = 0
	case t > 1:
		t = 1
	}
	u := t * float64(len(g)-1)
	i := min(int(u), len(g)-2)
	f := u - float64(i)
	a, b := g[i], g[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.NRGBA{R: mix(a[0], b[0]), G: mix(a[1], b[1]), B: mix(a[2], b[2]), A: 0xff}
}

// viridis returns the viridis colour at t in [0, 1] (clamped).
func viridis(t float64) color.NRGBA { return gradient(viridisStops[:]).at(t) }

// redBlue is ColorBrewer's diverging RdBu with 7 classes (Cynthia Brewer,
// Apache-2.0 licensed colours), blue at 0 and red at 1: blue for below,
// near-white for 0, red for above.
var redBlue = gradient{
	{0x21, 0x66, 0xac}, {0x67, 0xa9, 0xcf}, {0xd1, 0xe5, 0xf0}, {0xf7, 0xf7, 0xf7},
	{0xfd, 0xdb, 0xc7}, {0xef, 0x8a, 0x62}, {0xb2, 0x18, 0x2b},
}

// Colours of the pictures. Invalid pixels are a neutral grey that viridis
// never produces; the verdict colours are absent from viridis too.
var (
	invalidColour = color.NRGBA{R: 0xa6, G: 0xa6, B: 0xa6, A: 0xff}
	passColour    = color.NRGBA{R: 0x00, G: 0xe6, B: 0x76, A: 0xff} // bright green
	failColour    = color.NRGBA{R: 0xff, G: 0x30, B: 0x30, A: 0xff} // red
	// marginalColour marks a guard-banded check that neither passed nor
	// failed (SPEC §11), on pictures and charts alike.
	marginalColour = color.NRGBA{R: 0xf0, G: 0x90, B: 0x00, A: 0xff} // amber
	neutralColour  = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff} // not graded
	haloColour     = color.NRGBA{A: 0xff}                            // black outline under marks
	// chart colours (white background)
	chartPass = color.NRGBA{R: 0x1a, G: 0x80, B: 0x3a, A: 0xff}
	chartFail = color.NRGBA{R: 0xd0, G: 0x10, B: 0x10, A: 0xff}
	chartLine = color.NRGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}
	chartBand = color.NRGBA{R: 0x2e, G: 0xa0, B: 0x4a, A: 0x30}
	chartGrey = color.NRGBA{R: 0x60, G: 0x60, B: 0x60, A: 0xff}
)

// scaleMap is a gradient over [lo, hi] as a palette.ColorMap, for colour
// bars.
type scaleMap struct {
	g      gradient
	lo, hi float64
}

var _ palette.ColorMap = (*scaleMap)(nil)

func (v *scaleMap) At(x float64) (color.Color, error) {
	if x < v.lo || x > v.hi {
		return nil, fmt.Errorf("render: %g outside the colour range [%g, %g]", x, v.lo, v.hi)
	}
	return v.g.at((x - v.lo) / (v.hi - v.lo)), nil
}
func (v *scaleMap) Max() float64       { return v.hi }
func (v *scaleMap) SetMax(x float64)   { v.hi = x }
func (v *scaleMap) Min() float64       { return v.lo }
func (v *scaleMap) SetMin(x float64)   { v.lo = x }
func (v *scaleMap) Alpha() float64     { return 1 }
func (v *scaleMap) SetAlpha(a float64) {}
func (v *scaleMap) Palette(n int) palette.Palette {
	p := make(plainPalette, n)
	for i := range p {
		p[i] = v.g.at(float64(i) / math.Max(1, float64(n-1)))
	}
	return p
}

type plainPalette []color.Color

func (p plainPalette) Colors() []color.Color { return p }

// ilGradeColour is the colour of a predicted insertion loss (dB) on the
// end-face picture, by the maximum losses commonly quoted for the random-
// mate attenuation grades of IEC 61755-1: A 0.15 dB, B 0.25 dB, C 0.5 dB.
func ilGradeColour(db float64) color.Color {
	switch {
	case db <= 0.15:
		return color.NRGBA{R: 0x00, G: 0xc8, B: 0x50, A: 0xff} // green
	case db <= 0.25:
		return color.NRGBA{R: 0xf0, G: 0xe0, B: 0x00, A: 0xff} // yellow
	case db <= 0.5:
		return color.NRGBA{R: 0xff, G: 0x90, B: 0x00, A: 0xff} // orange
	}
	return color.NRGBA{R: 0xe0, G: 0x10, B: 0x10, A: 0xff} // red
}
