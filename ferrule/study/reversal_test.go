package study

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// addTilt adds the instrument's tilt to m: a plane rising by tan(xDeg) per
// µm along the map's x and tan(yDeg) along its y (SPEC §1 coordinates).
func addTilt(m *geometry.HeightMap, xDeg, yDeg float64) {
	tx, ty := math.Tan(xDeg*math.Pi/180), math.Tan(yDeg*math.Pi/180)
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		row := m.Row(r)
		y := m.Offset.Y + float64(r-m.Rect.Min.Y)*m.Pitch.Y
		for c := range row {
			x := m.Offset.X + float64(c)*m.Pitch.X
			row[c] += tx*x + ty*y
		}
	}
}

// TestReverse measures one synthetic MT-16 part (its own angles, fiber
// heights and offsets) on an instrument tilted by a known plane, then the
// same part turned by 180° in the fixture (synth's frame rotation 180°,
// re-seated 40 µm off and 0.3° turned, new noise), and recovers the part's
// angles and the instrument's tilt within a millidegree: the analysis's
// angles are good to 1e-5° (README), and split solves the slopes exactly,
// frame rotations included.
func TestReverse(t *testing.T) {
	const (
		partX, partY = 0.07, -0.05 // the part's angles, degrees
		instX, instY = 0.03, 0.02  // the instrument's tilt in the map, degrees
	)
	p := synth.Default("MT-16")
	p.XAngleDeg, p.YAngleDeg = partX, partY
	p.Heights = make([]float64, 16)
	p.Offsets = make([][2]float64, 16)
	for i := range p.Heights {
		p.Heights[i] = 1.6 + 0.05*float64(i) // µm: fiber 1 lowest, 16 highest
		p.Offsets[i] = [2]float64{0.4 * math.Sin(float64(i)), -0.3 * math.Cos(float64(i))}
	}
	p.Seed = 1
	ma, truth, err := synth.Generate(p)
	require.NoError(t, err)
	p.Seed, p.RotationDeg, p.ShiftUm = 2, 180.3, [2]float64{40, -25}
	mb, _, err := synth.Generate(p)
	require.NoError(t, err)
	addTilt(ma, instX, instY)
	addTilt(mb, instX, instY)
	var an ferrule.Analyzer
	a, err := an.Analyze(ma, ferrule.Options{})
	require.NoError(t, err)
	b, err := an.Analyze(mb, ferrule.Options{})
	require.NoError(t, err)
	require.InDelta(t, 0.3, float64(b.Frame.RotationDeg), 0.01, "B's frame runs from the hole at the smaller map x, like A's")

	rev, err := Reverse(a, b, ReversalOptions{})
	require.NoError(t, err)
	require.Empty(t, rev.Warnings)
	const mdeg = 1e-3
	require.InDelta(t, partX, float64(rev.Part.XAngleDeg), mdeg)
	require.InDelta(t, partY, float64(rev.Part.YAngleDeg), mdeg)
	require.InDelta(t, instX, float64(rev.Instrument.XAngleDeg), mdeg)
	require.InDelta(t, instY, float64(rev.Instrument.YAngleDeg), mdeg)
	// Without the split the part's angle is off by the instrument's tilt.
	require.Greater(t, math.Abs(float64(a.Ferrule.XAngleDeg)-partX), 0.02)

	require.Equal(t, 16, rev.FibersPaired)
	for _, pr := range rev.Pairs {
		require.Equal(t, 17-pr.AFiber, pr.BFiber)
		tr := truth.Fibers[pr.AFiber-1]
		// Heights: the part's is the truth within the analysis's error
		// (0.55 nm worst on the accuracy sweep); a tilt leaves the
		// instrument's share 0 within the same.
		require.InDelta(t, tr.HeightNm, float64(pr.PartHeightNM), 1, "fiber %d", pr.AFiber)
		require.InDelta(t, 0, float64(pr.InstrumentHeightNM), 1, "fiber %d", pr.AFiber)
		// Positions: the part's offsets within the centre's error (0.31 µm
		// worst on the accuracy sweep), the instrument's share near 0.
		require.InDelta(t, tr.DXUm, float64(pr.PartDXUM), 0.3, "fiber %d", pr.AFiber)
		require.InDelta(t, tr.DYUm, float64(pr.PartDYUM), 0.3, "fiber %d", pr.AFiber)
		require.InDelta(t, 0, float64(pr.InstrumentDXUM), 0.3, "fiber %d", pr.AFiber)
		require.InDelta(t, 0, float64(pr.InstrumentDYUM), 0.3, "fiber %d", pr.AFiber)
	}

	// B not turned (measured the same way round again): the heights say so.
	p.RotationDeg, p.Seed = 0.2, 3
	mc, _, err := synth.Generate(p)
	require.NoError(t, err)
	c, err := an.Analyze(mc, ferrule.Options{})
	require.NoError(t, err)
	rev, err = Reverse(a, c, ReversalOptions{})
	require.NoError(t, err)
	require.Len(t, rev.Warnings, 1)
	require.Contains(t, rev.Warnings[0], "really turned")

	// Another ferrule: its holes 5 µm further apart.
	p.HoleSpacingUm, p.Seed, p.RotationDeg = 5305, 4, 180
	md, _, err := synth.Generate(p)
	require.NoError(t, err)
	l, err := ferrule.LayoutByName("MT-16")
	require.NoError(t, err)
	d, err := an.Analyze(md, ferrule.Options{Layout: &l})
	require.NoError(t, err)
	_, err = Reverse(a, d, ReversalOptions{})
	require.ErrorIs(t, err, ErrNotTurned)
	require.ErrorContains(t, err, "hole spacings differ by 5.")
	// Another layout.
	e := *d
	e.Layout, e.Fibers = "MT-12", e.Fibers[:12]
	e.Frame.HoleSpacingUM = a.Frame.HoleSpacingUM
	_, err = Reverse(a, &e, ReversalOptions{})
	require.ErrorContains(t, err, "is MT-12")
	e.Layout = a.Layout
	_, err = Reverse(a, &e, ReversalOptions{})
	require.ErrorContains(t, err, "has 16 fibers")
	// A frame given by option does not turn with the part.
	f := *a
	f.Frame.FromHoles = false
	_, err = Reverse(&f, b, ReversalOptions{})
	require.ErrorContains(t, err, "not from its guide holes")
}

// TestSplit checks split against its closed forms: equal rotations give
// the half difference and half sum; with rotations θa, θb the inputs
// built from a known part vector and map vector come back exactly.
func TestSplit(t *testing.T) {
	part, inst := split(r2v(3, 1), r2v(-1, 5), 0.1, 0.1)
	require.InDelta(t, 2, part.X, 1e-12)
	require.InDelta(t, -2, part.Y, 1e-12)
	require.InDelta(t, 1, inst.X, 1e-12)
	require.InDelta(t, 3, inst.Y, 1e-12)
	s, m := r2v(0.4, -0.2), r2v(0.7, 0.9)
	thA, thB := 0.02, -0.05
	a := r2.Add(s, rotate(m, -thA))
	b := r2.Add(r2.Scale(-1, s), rotate(m, -thB))
	part, inst = split(a, b, thA, thB)
	require.InDelta(t, s.X, part.X, 1e-12)
	require.InDelta(t, s.Y, part.Y, 1e-12)
	wantInst := rotate(m, -thA)
	require.InDelta(t, wantInst.X, inst.X, 1e-12)
	require.InDelta(t, wantInst.Y, inst.Y, 1e-12)
}

func r2v(x, y float64) r2.Vec { return r2.Vec{X: x, Y: y} }
