package render_test

import (
	"bytes"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/mtgeo/mtgeo/ferrule/render"
	"github.com/stretchr/testify/require"
)

// mateResult is a hand-made 12-fiber prediction: pair 5 open by 800 nm,
// pair 7 unmeasured, the rest in contact with losses rising to 0.9 dB.
func mateResult(open bool) *mate.Result {
	nan := ferrule.Num(math.NaN())
	r := &mate.Result{
		A: mate.Side{File: "a.x3p", Layout: "MT-12", Interface: "PC", Key: "top"}, B: mate.Side{File: "b.x3p", Layout: "MT-12", Interface: "PC", Key: "top"},
		Prediction: "prediction from the end-face geometry, not a measurement",
		Parameters: mate.Parameters{Polarity: "B", ForceN: 10, StiffnessNPerUM: 2, MFDUM: 9.2, WavelengthNM: 1310, GlassIndex: 1.447, CoreDipRiskNM: 50, MMLossDBPerUM: nan, ContactModel: true},
		Warnings:   []string{"a warning"},
	}
	for i := range 12 {
		p := mate.Pair{AFiber: i + 1, BFiber: 12 - i, OffsetUM: ferrule.Num(0.1 * float64(i)), ILDB: ferrule.Num(0.075 * float64(i)), InContact: true, GapNM: 0, ContactForceN: 0.8, RLDB: nan, Flags: []string{}}
		if open && i == 4 {
			p.InContact, p.GapNM, p.ContactForceN, p.RLDB = false, 800, 0, 12.5
		}
		if i == 6 {
			p.InContact, p.OffsetUM, p.ILDB, p.GapNM, p.ContactForceN = false, nan, nan, nan, nan
			p.Flags = []string{"a_unmeasured"}
		}
		r.Pairs = append(r.Pairs, p)
	}
	r.Summary = mate.Summary{Pairs: 12, FibersInContact: 10, LargestGapNM: 800, WorstILDB: 0.825, MeanILDB: 0.4, ApproachNM: 300}
	return r
}

// countColour counts the pixels of img within 40 levels of c.
func countColour(t *testing.T, b []byte, c color.NRGBA) int {
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	n := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if absDiff(r>>8, uint32(c.R)) < 40 && absDiff(g>>8, uint32(c.G)) < 40 && absDiff(bb>>8, uint32(c.B)) < 40 {
				n++
			}
		}
	}
	return n
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestMateFigure(t *testing.T) {
	l, err := ferrule.LayoutByName("MT-12")
	require.NoError(t, err)
	red := color.NRGBA{R: 0xe0, G: 0x20, B: 0x20, A: 0xff} // the open pairs' ring
	var withOpen, closed bytes.Buffer
	require.NoError(t, render.WriteMateFigure(&withOpen, "png", mateResult(true), l, 1000))
	require.NoError(t, render.WriteMateFigure(&closed, "png", mateResult(false), l, 1000))
	require.Positive(t, countColour(t, withOpen.Bytes(), red), "an open pair is ringed in red")
	require.Zero(t, countColour(t, closed.Bytes(), red), "no ring without an open pair")
	// viridis' top colour (#fde725) fills the worst pair when the scale
	// ends at it (0.825 dB rounds up to 1 dB: not quite the top), and its
	// bottom (#440154) the loss-free fiber 1.
	require.Positive(t, countColour(t, closed.Bytes(), color.NRGBA{R: 0x44, G: 0x01, B: 0x54}))

	var svg bytes.Buffer
	require.NoError(t, render.WriteMateFigure(&svg, "svg", mateResult(true), l, 0))
	require.Contains(t, svg.String(), "<svg")

	other, _ := ferrule.LayoutByName("MT-16")
	_, err = render.MateFigure(mateResult(true), other)
	require.Error(t, err)
}

func TestMatePage(t *testing.T) {
	l, _ := ferrule.LayoutByName("MT-12")
	var b bytes.Buffer
	require.NoError(t, render.WriteMatePage(&b, mateResult(true), l))
	page := b.String()
	for _, s := range []string{`id="matepicture"`, "data:image/png;base64,", "not a measurement", "a warning", "stiffness_n_per_um", "a_unmeasured", "<td>800.000</td>", "<td>12.500</td>"} {
		require.Contains(t, page, s)
	}
	require.Equal(t, 12, strings.Count(page, "<tr><td>")-2-6-9) // pair rows: all rows less sides, summary, parameters
	require.NotContains(t, page, "http")
}
