package ferrule_test

import (
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// TestCurvedFerrule: Rx, Ry within 5 % for domes of 2–50 m (accuracy issue).
func TestCurvedFerrule(t *testing.T) {
	for _, tc := range []struct {
		layout string
		rx, ry float64 // mm
		seed   uint64
	}{
		{"MT-16", 2000, 0, 1},
		{"MT-32", 50000, 10000, 2},
		{"MT-64", 5000, 3000, 3},
		{"MT-12", -20000, 0, 4}, // concave
	} {
		t.Run(tc.layout, func(t *testing.T) {
			p := synth.Random(tc.layout, tc.seed)
			p.RxMM, p.RyMM = tc.rx, tc.ry
			m, truth, err := synth.Generate(p)
			require.NoError(t, err)
			rep, err := ferrule.Analyze(m, ferrule.Options{})
			require.NoError(t, err)
			require.InEpsilon(t, tc.rx, float64(rep.Ferrule.XRadiusMM), tolFerruleRel)
			if tc.ry == 0 {
				// Flat in Y: reported null, or at least far beyond the dome.
				require.False(t, rep.Ferrule.YRadiusMM.Valid() && math.Abs(float64(rep.Ferrule.YRadiusMM)) < 1e5, "Ry %v", rep.Ferrule.YRadiusMM)
			} else {
				require.InEpsilon(t, tc.ry, float64(rep.Ferrule.YRadiusMM), tolFerruleRel)
			}
			require.InDelta(t, truth.XAngleDeg, float64(rep.Ferrule.XAngleDeg), tolAngleDeg)
			require.InDelta(t, truth.YAngleDeg, float64(rep.Ferrule.YAngleDeg), tolAngleDeg)
			for i, ft := range truth.Fibers {
				f := rep.Fibers[i]
				// Tip shape is fitted above the quadric, so the curvature of
				// the ferrule does not bend it.
				require.InEpsilon(t, ft.RadiusMM, float64(f.RadiusMM), tolRadiusRel, "fiber %d", ft.Index)
				require.Less(t, math.Hypot(float64(f.XUM)-ft.XUm, float64(f.YUM)-ft.YUm), tolCentreUM, "fiber %d", ft.Index)
				require.InDelta(t, ft.CoreDipNm, float64(f.CoreDipNM), tolHeightNM, "fiber %d", ft.Index)
			}
		})
	}
}

// TestExtremePlacement: holes found with the map rotated by ±5° and shifted
// by ±300 µm (the range for hole finding).
func TestExtremePlacement(t *testing.T) {
	for i, tc := range []struct{ rot, sx, sy float64 }{{5, 300, 300}, {-5, -300, -300}, {4.5, -300, 250}} {
		p := synth.Random("MT-16", uint64(20+i))
		p.RotationDeg, p.ShiftUm = tc.rot, [2]float64{tc.sx, tc.sy}
		p.Rows = 800 // room for the rotated holes
		m, truth, err := synth.Generate(p)
		require.NoError(t, err)
		rep, err := ferrule.Analyze(m, ferrule.Options{})
		require.NoError(t, err)
		require.InDelta(t, tc.rot, float64(rep.Frame.RotationDeg), 0.01)
		for k, h := range truth.GuideHoles {
			require.Less(t, math.Hypot(float64(rep.GuideHoles[k].MapXUM)-h.MapXUm, float64(rep.GuideHoles[k].MapYUM)-h.MapYUm), tolCentreUM)
		}
	}
}

func TestMissingAndBrokenFibers(t *testing.T) {
	p := synth.Random("MT-32", 9)
	p.Missing = []int{3, 20}
	p.Broken = []int{7}
	p.Dust = 6
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	rep, err := ferrule.Analyze(m, ferrule.Options{})
	require.NoError(t, err)
	require.Equal(t, "MT-32", rep.Layout)
	bad := map[int]bool{3: true, 20: true, 7: true}
	for i, ft := range truth.Fibers {
		f := rep.Fibers[i]
		if bad[ft.Index] {
			require.False(t, f.Measured(), "fiber %d", ft.Index)
			require.NotEmpty(t, f.Error)
			require.NotEmpty(t, f.Flags)
			require.False(t, f.HeightNM.Valid(), "no made-up number")
			continue
		}
		require.True(t, f.Measured(), "fiber %d: %s", ft.Index, f.Error)
		require.InDelta(t, ft.HeightNm, float64(f.HeightNM), tolHeightNM, "fiber %d", ft.Index)
	}
	require.Equal(t, 29, rep.Summary.MeasuredFibers)
	require.InDelta(t, truth.Summary.HeightDifferentialNm, float64(rep.Summary.HeightDifferentialNM), 2*tolHeightNM)
	require.InDelta(t, truth.Summary.MinusCoplanarityNm, float64(rep.Summary.MinusCoplanarityNM), 2*tolHeightNM)
}

func TestHolesCutOffAndGivenFrame(t *testing.T) {
	p := synth.Random("MT-16", 11)
	p.RotationDeg, p.ShiftUm = 0, [2]float64{0, 0}
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	// Cut the map through the right-hand hole.
	hx := int(truth.GuideHoles[1].MapXUm / m.Pitch.X)
	cut := m.SubMap(image.Rect(0, 0, hx, m.Rect.Dy()))
	_, err = ferrule.Analyze(cut, ferrule.Options{})
	require.ErrorIs(t, err, ferrule.ErrHoles)
	require.ErrorContains(t, err, "cut off")
	// No holes at all: a map cropped between them is too small to hold them.
	l16, _ := ferrule.LayoutByName("MT-16")
	mid := m.SubMap(image.Rect(hx/2-500, 0, hx/2+500, m.Rect.Dy()))
	_, err = ferrule.Analyze(mid, ferrule.Options{Layout: &l16})
	require.ErrorIs(t, err, ferrule.ErrImplausible)
	require.ErrorContains(t, err, "too small to hold both guide holes")
	// With the frame given, the cut map is analysed.
	frame := ferrule.Frame{Origin: r2vec(truth.OriginMapUm), Rotation: 0}
	rep, err := ferrule.Analyze(cut, ferrule.Options{Layout: &l16, Frame: &frame})
	require.NoError(t, err)
	require.False(t, rep.Frame.FromHoles)
	for i, ft := range truth.Fibers {
		require.InDelta(t, ft.HeightNm, float64(rep.Fibers[i].HeightNM), tolHeightNM, "fiber %d", ft.Index)
	}
	// Without a layout, a given frame is not enough.
	_, err = ferrule.Analyze(cut, ferrule.Options{Frame: &frame})
	require.ErrorContains(t, err, "give the layout")
}

func TestFixtureAngleAndNoData(t *testing.T) {
	p := synth.Random("MT-12", 12)
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	rep, err := ferrule.Analyze(m, ferrule.Options{FixtureAngleDeg: 8})
	require.NoError(t, err)
	require.InDelta(t, truth.YAngleDeg+8, float64(rep.Ferrule.YAngleDeg), tolAngleDeg)
	for i := range m.Z {
		m.Z[i] = math.NaN()
	}
	_, err = ferrule.Analyze(m, ferrule.Options{})
	require.ErrorIs(t, err, ferrule.ErrNoData)
	_, err = ferrule.Analyze(nil, ferrule.Options{})
	require.ErrorIs(t, err, ferrule.ErrNoData)
}

func r2vec(v [2]float64) r2.Vec { return r2.Vec{X: v[0], Y: v[1]} }

// TestMultimode: 50 µm cores with their dip, analysed with the multimode
// regions (core Ø 50 µm, core exclusion 30 µm).
func TestMultimode(t *testing.T) {
	p := synth.Random("MT-12", 13)
	p.Multimode = true
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	rep, err := ferrule.Analyze(m, ferrule.Options{Multimode: true})
	require.NoError(t, err)
	require.Equal(t, 50.0, rep.Regions.CoreDiameter)
	require.Equal(t, 30.0, rep.Regions.CoreExclusionRadius)
	for i, ft := range truth.Fibers {
		f := rep.Fibers[i]
		require.InDelta(t, ft.CoreDipNm, float64(f.CoreDipNM), tolHeightNM, "fiber %d", ft.Index)
		require.InDelta(t, ft.HeightNm, float64(f.HeightNM), tolHeightNM, "fiber %d", ft.Index)
		require.InDelta(t, ft.ApexHeightNm, float64(f.ApexHeightNM), tolHeightNM, "fiber %d", ft.Index)
		require.InEpsilon(t, ft.RadiusMM, float64(f.RadiusMM), 0.05, "fiber %d: the 30–50 µm annulus holds fewer points", ft.Index)
	}
}

// TestDeepHoles: an instrument that measures the hole bottoms 150 µm down
// instead of leaving them invalid (SPEC §3: "invalid or deep pixels").
func TestDeepHoles(t *testing.T) {
	p := synth.Random("MT-16", 14)
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	tilt := math.Tan(truth.XAngleDeg * math.Pi / 180) // bottoms follow the tilt roughly
	for _, h := range truth.GuideHoles {
		rad := h.DiameterUm/2 + 2*m.Pitch.X
		for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
			for c := m.Rect.Min.X; c < m.Rect.Max.X; c++ {
				q := m.PixelToMap(float64(c), float64(r))
				if math.Hypot(q.X-h.MapXUm, q.Y-h.MapYUm) < rad && math.IsNaN(m.At(c, r)) {
					m.Set(c, r, -150+tilt*(q.X-h.MapXUm)+0.1*math.Sin(q.X)) // rough bottom
				}
			}
		}
	}
	rep, err := ferrule.Analyze(m, ferrule.Options{})
	require.NoError(t, err)
	for k, h := range truth.GuideHoles {
		g := rep.GuideHoles[k]
		require.Less(t, math.Hypot(float64(g.MapXUM)-h.MapXUm, float64(g.MapYUM)-h.MapYUm), tolCentreUM, "hole %d", k+1)
		require.InDelta(t, h.DiameterUm, float64(g.DiameterUM), tolHoleDiamUM, "hole %d", k+1)
	}
	require.InDelta(t, truth.XAngleDeg, float64(rep.Ferrule.XAngleDeg), tolAngleDeg)
}

// TestFlatTip: a fiber polished flat has no apex; its centre comes from the
// cladding edge, it is flagged, and its height is still measured.
func TestFlatTip(t *testing.T) {
	p := synth.Random("MT-12", 15)
	p.RadiiMM[4] = math.Inf(1)
	p.Offsets[4] = [2]float64{0, 0}
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	rep, err := ferrule.Analyze(m, ferrule.Options{})
	require.NoError(t, err)
	f := rep.Fibers[4]
	require.True(t, f.Measured())
	require.Contains(t, f.Flags, "flat_tip")
	require.Equal(t, ferrule.CentreEdge, f.CentreMethod)
	require.Less(t, math.Hypot(float64(f.XUM)-truth.Fibers[4].XUm, float64(f.YUM)-truth.Fibers[4].YUm), tolCentreUM)
	require.False(t, f.RadiusMM.Valid(), "a flat tip's radius is null")
	require.False(t, f.ApexOffsetUM.Valid(), "a flat tip has no apex")
	require.InDelta(t, truth.Fibers[4].HeightNm, float64(f.HeightNM), tolHeightNM)
	require.InDelta(t, truth.Fibers[4].ApexHeightNm, float64(f.ApexHeightNM), tolHeightNM)
	require.InDelta(t, truth.Fibers[4].CoreDipNm, float64(f.CoreDipNM), tolHeightNM)
	require.Equal(t, 12, rep.Summary.MeasuredFibers)
}

// TestNoFiberWhereTheLayoutSaysOne: an MT-16 analysed as MT-32 has no fiber
// at any MT-32 position (rows at ±250 µm): none may come out measured.
func TestNoFiberWhereTheLayoutSaysOne(t *testing.T) {
	m, truth, err := synth.Generate(synth.Random("MT-16", 16))
	require.NoError(t, err)
	l, _ := ferrule.LayoutByName("MT-32")
	// With the holes found, the declared layout is checked against the map.
	_, err = ferrule.Analyze(m, ferrule.Options{Layout: &l})
	require.ErrorIs(t, err, ferrule.ErrLayoutMismatch)
	require.ErrorContains(t, err, "MT-16?")
	// With the frame given nothing is checked, and still no fiber is made up
	// on the bare ferrule where MT-32's rows would be.
	frame := ferrule.Frame{Origin: r2vec(truth.OriginMapUm), Rotation: truth.RotationDeg * math.Pi / 180}
	rep, err := ferrule.Analyze(m, ferrule.Options{Layout: &l, Frame: &frame})
	require.NoError(t, err)
	require.Zero(t, rep.Summary.MeasuredFibers)
	for _, f := range rep.Fibers {
		require.NotEmpty(t, f.Error, "fiber %d", f.Index)
		require.False(t, f.HeightNM.Valid())
	}
}

// TestLayoutMismatch: a declared layout that is not the map's is an error
// naming the layout the map suggests (issue #11 §2).
func TestLayoutMismatch(t *testing.T) {
	for _, tc := range []struct{ mapLayout, declared, suggested string }{
		{"MT-64", "MT-16", "MT-64?"}, // fibers looked for on bare ferrule between the rows
		{"MT-16", "MT-64", "MT-16?"}, // rows the map does not have
		{"MT-72", "MT-24", "MT-72?"},
		{"MT-16", "MT-12", "MT-16 or MT-32 or MT-64?"}, // the other hole spacing
	} {
		t.Run(tc.mapLayout+" as "+tc.declared, func(t *testing.T) {
			m, _, err := synth.Generate(synth.Random(tc.mapLayout, 8))
			require.NoError(t, err)
			l, _ := ferrule.LayoutByName(tc.declared)
			_, err = ferrule.Analyze(m, ferrule.Options{Layout: &l})
			require.ErrorIs(t, err, ferrule.ErrLayoutMismatch)
			require.ErrorContains(t, err, tc.suggested)
		})
	}
	// The right layout declared passes the check.
	m, _, err := synth.Generate(synth.Random("MT-48", 8))
	require.NoError(t, err)
	l, _ := ferrule.LayoutByName("MT-48")
	rep, err := ferrule.Analyze(m, ferrule.Options{Layout: &l})
	require.NoError(t, err)
	require.Equal(t, 48, rep.Summary.MeasuredFibers)
}

// TestFiberCutByTheMapEdge: pixels beyond the map's edge are unmeasured, so
// a fiber whose fit disc the edge cuts says so, and one cut through the
// middle is missing.
func TestFiberCutByTheMapEdge(t *testing.T) {
	p := synth.Random("MT-12", 17)
	p.RotationDeg, p.ShiftUm = 0, [2]float64{0, 0}
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	l, _ := ferrule.LayoutByName("MT-12")
	frame := ferrule.Frame{Origin: r2vec(truth.OriginMapUm)}
	// Cut 30 µm right of fiber 1's centre, which leaves it off the map with
	// part of its fit disc (50 µm) on it, and through fiber 12's centre.
	c0 := int((truth.Fibers[0].MapXUm + 30) / m.Pitch.X)
	c1 := int(truth.Fibers[11].MapXUm/m.Pitch.X) + 3 // just past the centre
	cut := m.SubMap(image.Rect(c0, 0, c1, m.Rect.Dy()))
	rep, err := ferrule.Analyze(cut, ferrule.Options{Layout: &l, Frame: &frame})
	require.NoError(t, err)
	require.Contains(t, rep.Fibers[0].Flags, "off_map")
	require.False(t, rep.Fibers[0].Measured())
	require.Contains(t, rep.Fibers[11].Flags, "partly_off_map")
	require.Less(t, float64(rep.Fibers[11].ValidFraction), 0.6, "half of fiber 12's annulus is off the map")
	require.True(t, rep.Fibers[5].Measured())
	require.NotContains(t, rep.Fibers[5].Flags, "partly_off_map")
}

// TestImplausibleMaps: maps that cannot hold an MT end face are refused
// with the reason, never analysed into a made-up ferrule (issue #10 §6).
func TestImplausibleMaps(t *testing.T) {
	coarse := geometry.New(259, 33, r2.Vec{X: 1000, Y: 1000}) // the 33 × 259 px at 1 mm
	for i := range coarse.Z {
		coarse.Z[i] = 0
	}
	p := synth.Random("MT-16", 3)
	p.PixelUm = 12 // a 125 µm fiber spans ~10 px: under minFiberPixels
	twelve, _, err := synth.Generate(p)
	require.NoError(t, err)
	p = synth.Random("MT-16", 3)
	p.Cols = 1500 // 4.5 mm at 3 µm: narrower than the 4.6 mm of MT-12's holes
	narrow, _, err := synth.Generate(p)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		m    *geometry.HeightMap
		want string
	}{
		{"1 mm pixels", coarse, "too coarse"},
		{"12 µm pixels", twelve, "too coarse"},
		{"narrow field", narrow, "too small to hold both guide holes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := ferrule.Analyze(tc.m, ferrule.Options{})
			require.ErrorIs(t, err, ferrule.ErrImplausible)
			require.ErrorContains(t, err, tc.want)
			require.Nil(t, rep)
		})
	}
	t.Run("one hole measured over", func(t *testing.T) {
		m, truth, err := synth.Generate(synth.Random("MT-16", 4))
		require.NoError(t, err)
		h := truth.GuideHoles[1]
		for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
			for c := m.Rect.Min.X; c < m.Rect.Max.X; c++ {
				q := m.PixelToMap(float64(c), float64(r))
				if math.Hypot(q.X-h.MapXUm, q.Y-h.MapYUm) <= h.DiameterUm/2+3 {
					m.Set(c, r, 0)
				}
			}
		}
		_, err = ferrule.Analyze(m, ferrule.Options{})
		require.ErrorIs(t, err, ferrule.ErrHoles)
	})
}

// TestEdgeRingAndInvisibleEdge: SPEC §5's centre methods. A fiber whose
// height equals its sag at the cladding radius shows no step: its centre
// is the apex (flagged centre_from_apex). With a ring of invalid pixels at
// the edge (chamfer, epoxy gap) the edge shows again, and the centre is
// the cladding's even where the apex is offset.
func TestEdgeRingAndInvisibleEdge(t *testing.T) {
	base := synth.Random("MT-16", 31)
	invisible := []int{2, 7, 12} // 0-based fibers whose edge has no step
	for _, i := range invisible {
		r := base.RadiiMM[i] * 1e3 // µm
		base.Heights[i] = r - math.Sqrt(r*r-62.5*62.5)
	}
	for _, tc := range []struct {
		name string
		ring [2]float64
		want string
	}{
		{"no ring", [2]float64{}, ferrule.CentreApex},
		{"ring 61–65 µm", [2]float64{61, 65}, ferrule.CentreEdge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			p.EdgeRingUm = tc.ring
			p.ApexOffsets = make([][2]float64, len(p.Heights))
			if tc.ring != [2]float64{} {
				p.ApexOffsets[7] = [2]float64{3, -2} // the ring, not the apex, gives the centre
			}
			m, truth, err := synth.Generate(p)
			require.NoError(t, err)
			rep, err := ferrule.Analyze(m, ferrule.Options{})
			require.NoError(t, err)
			for _, i := range invisible {
				f, ft := rep.Fibers[i], truth.Fibers[i]
				require.True(t, f.Measured(), "fiber %d: %s", i+1, f.Error)
				require.Equal(t, tc.want, f.CentreMethod, "fiber %d", i+1)
				if tc.want == ferrule.CentreApex {
					require.Contains(t, f.Flags, "centre_from_apex")
				}
				require.Less(t, math.Hypot(float64(f.XUM)-ft.XUm, float64(f.YUM)-ft.YUm), tolCentreUM, "fiber %d centre", i+1)
				require.InDelta(t, ft.HeightNm, float64(f.HeightNM), tolHeightNM, "fiber %d height", i+1)
				require.InDelta(t, ft.ApexHeightNm, float64(f.ApexHeightNM), tolHeightNM, "fiber %d apex height", i+1)
			}
			if tc.ring != [2]float64{} {
				require.InDelta(t, math.Hypot(3, -2), float64(rep.Fibers[7].ApexOffsetUM), tolCentreUM)
			}
			for i, f := range rep.Fibers {
				require.True(t, f.Measured(), "fiber %d: %s", i+1, f.Error)
			}
		})
	}
}

// TestMultimodeHint: a multimode part (graded 200 nm dips over 50 µm
// cores) analysed without saying so is recognised and measured as
// multimode, with a warning, exactly as with the option given; with the
// core diameter given as an option it is only warned about; a single-mode
// part is left alone.
func TestMultimodeHint(t *testing.T) {
	mmp := synth.Random("MT-12", 5)
	mmp.Multimode, mmp.CoreDipProfile = true, synth.DipParabolic
	for i := range mmp.CoreDipsUm {
		mmp.CoreDipsUm[i] = 0.2
	}
	mm, _, err := synth.Generate(mmp)
	require.NoError(t, err)
	sm, _, err := synth.Generate(synth.Random("MT-12", 5))
	require.NoError(t, err)

	given, err := ferrule.Analyze(mm, ferrule.Options{Multimode: true})
	require.NoError(t, err)
	require.Empty(t, given.Warnings)
	auto, err := ferrule.Analyze(mm, ferrule.Options{})
	require.NoError(t, err)
	require.Len(t, auto.Warnings, 1)
	require.Contains(t, auto.Warnings[0], "measured as multimode")
	// As JSON, where an unmeasured (NaN) value is null and equal to itself.
	requireSameJSON(t, given.Fibers, auto.Fibers)
	require.Equal(t, given.Regions, auto.Regions)

	insist, err := ferrule.Analyze(mm, ferrule.Options{Regions: ferrule.Regions{CoreDiameter: 9}})
	require.NoError(t, err)
	require.Len(t, insist.Warnings, 1)
	require.Contains(t, insist.Warnings[0], "multimode part?")

	rep, err := ferrule.Analyze(sm, ferrule.Options{})
	require.NoError(t, err)
	require.Empty(t, rep.Warnings)
	require.Equal(t, 9.0, rep.Regions.CoreDiameter)
}

// TestOrientation: +X is the hole-to-hole direction nearest to the map's
// declared orientation (SPEC §3 with the map's +x as the default), so maps
// turned by 89.9° and 90.1° number their fibers alike when the orientation
// says 90°, and are flagged orientation_ambiguous when it says 0° (issue
// #11 §4).
func TestOrientation(t *testing.T) {
	for _, rot := range []float64{89.9, 90.1} {
		p := synth.Random("MT-12", 9)
		p.RotationDeg, p.ShiftUm = rot, [2]float64{}
		p.Cols, p.Rows = 700, 2200 // 2.1 mm × 6.6 mm at 3 µm: the part stands upright
		m, truth, err := synth.Generate(p)
		require.NoError(t, err)

		rep, err := ferrule.Analyze(m, ferrule.Options{OrientationDeg: 90})
		require.NoError(t, err)
		require.InDelta(t, rot, float64(rep.Frame.RotationDeg), 0.01)
		require.Empty(t, rep.Frame.Flags)
		for i, ft := range truth.Fibers {
			require.InDelta(t, ft.HeightNm, float64(rep.Fibers[i].HeightNM), tolHeightNM, "rotation %g, fiber %d", rot, ft.Index)
		}
		require.InDelta(t, truth.XAngleDeg, float64(rep.Ferrule.XAngleDeg), tolAngleDeg)

		rep, err = ferrule.Analyze(m, ferrule.Options{})
		require.NoError(t, err)
		require.Equal(t, []string{"orientation_ambiguous"}, rep.Frame.Flags, "rotation %g", rot)
		require.Contains(t, rep.Warnings[0], "orientation_ambiguous")
	}
	// Far from the ambiguity, nothing is flagged.
	rep, err := ferrule.Analyze(mustGenerate(t, synth.Random("MT-12", 9)), ferrule.Options{})
	require.NoError(t, err)
	require.Empty(t, rep.Frame.Flags)
}

func mustGenerate(t *testing.T, p synth.Params) *geometry.HeightMap {
	t.Helper()
	m, _, err := synth.Generate(p)
	require.NoError(t, err)
	return m
}

// TestAnalyzerShared: one Analyzer used from several goroutines at once
// gives every map the result a fresh Analyzer gives it (issue #11 §7; run
// with -race to check the buffers too).
func TestAnalyzerShared(t *testing.T) {
	var maps []*geometry.HeightMap
	var want []*ferrule.Report
	for i, name := range []string{"MT-12", "MT-16", "MT-32", "MT-24"} {
		m := mustGenerate(t, synth.Random(name, uint64(40+i)))
		rep, err := ferrule.Analyze(m, ferrule.Options{})
		require.NoError(t, err)
		maps, want = append(maps, m), append(want, rep)
	}
	var shared ferrule.Analyzer
	errs := make(chan error, 16)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for k := 0; k < 4; k++ {
				i := (g + k) % len(maps)
				rep, err := shared.Analyze(maps[i], ferrule.Options{})
				if err == nil {
					for j := range rep.Fibers {
						if rep.Fibers[j].HeightNM != want[i].Fibers[j].HeightNM || rep.Fibers[j].XUM != want[i].Fibers[j].XUM {
							err = fmt.Errorf("map %d fiber %d: %v µm, %v nm, alone %v µm, %v nm", i, j+1,
								rep.Fibers[j].XUM, rep.Fibers[j].HeightNM, want[i].Fibers[j].XUM, want[i].Fibers[j].HeightNM)
							break
						}
					}
				}
				errs <- err
			}
		}(g)
	}
	for n := 0; n < 16; n++ {
		require.NoError(t, <-errs)
	}
}
