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

// viridis returns the colour at t in [0, 1] (clamped).
func viridis(t float64) color.NRGBA {
	switch {
	case !(t > 0): // also NaN
		t = 0
	case t > 1:
		t = 1
	}
	u := t * float64(len(viridisStops)-1)
	i := min(int(u), len(viridisStops)-2)
	f := u - float64(i)
	a, b := viridisStops[i], viridisStops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.NRGBA{R: mix(a[0], b[0]), G: mix(a[1], b[1]), B: mix(a[2], b[2]), A: 0xff}
}

// Colours of the pictures. Invalid pixels are a neutral grey that viridis
// never produces; the verdict colours are absent from viridis too.
var (
	invalidColour = color.NRGBA{R: 0xa6, G: 0xa6, B: 0xa6, A: 0xff}
	passColour    = color.NRGBA{R: 0x00, G: 0xe6, B: 0x76, A: 0xff} // bright green
	failColour    = color.NRGBA{R: 0xff, G: 0x30, B: 0x30, A: 0xff} // red
	neutralColour = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff} // not graded
	haloColour    = color.NRGBA{A: 0xff}                            // black outline under marks
	// chart colours (white background)
	chartPass = color.NRGBA{R: 0x1a, G: 0x80, B: 0x3a, A: 0xff}
	chartFail = color.NRGBA{R: 0xd0, G: 0x10, B: 0x10, A: 0xff}
	chartLine = color.NRGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}
	chartBand = color.NRGBA{R: 0x2e, G: 0xa0, B: 0x4a, A: 0x30}
	chartGrey = color.NRGBA{R: 0x60, G: 0x60, B: 0x60, A: 0xff}
)

// viridisMap is viridis as a palette.ColorMap, for the colour bar.
type viridisMap struct{ lo, hi float64 }

var _ palette.ColorMap = (*viridisMap)(nil)

func (v *viridisMap) At(x float64) (color.Color, error) {
	if x < v.lo || x > v.hi {
		return nil, fmt.Errorf("render: %g outside the colour range [%g, %g]", x, v.lo, v.hi)
	}
	return viridis((x - v.lo) / (v.hi - v.lo)), nil
}
func (v *viridisMap) Max() float64       { return v.hi }
func (v *viridisMap) SetMax(x float64)   { v.hi = x }
func (v *viridisMap) Min() float64       { return v.lo }
func (v *viridisMap) SetMin(x float64)   { v.lo = x }
func (v *viridisMap) Alpha() float64     { return 1 }
func (v *viridisMap) SetAlpha(a float64) {}
func (v *viridisMap) Palette(n int) palette.Palette {
	p := make(plainPalette, n)
	for i := range p {
		p[i] = viridis(float64(i) / math.Max(1, float64(n-1)))
	}
	return p
}

type plainPalette []color.Color

func (p plainPalette) Colors() []color.Color { return p }
