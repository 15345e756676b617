package synth

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// meanHeightNumeric integrates the cap minus the core dip over the disc of
// radius a by brute force: the midpoint rule on a square grid of n×n cells
// over the disc's bounding box, keeping the cells whose centre lies in the
// disc, dividing by their count.
func meanHeightNumeric(h, r, dip, rc, a float64, n int) float64 {
	return meanCapNumeric(h, r, 0, dip, rc, a, DipStep, n)
}

func TestMeanHeight(t *testing.T) {
	for _, tc := range []struct {
		name          string
		h, r, dip, rc float64 // µm
	}{
		{"1mm SM", 2, 1000, 0.08, 4.5},
		{"5mm SM", -0.3, 5000, 0.03, 4.5},
		{"20mm SM", 3.5, 20000, 0, 4.5},
		{"1mm MM", 1, 1000, 0.05, 25},
		{"flat tip", 1.2, math.Inf(1), 0.04, 4.5},
		{"tight cap", 0, 62.5, 0.01, 4.5}, // hemisphere-like: no small-u approximation holds
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MeanHeight(tc.h, tc.r, tc.dip, tc.rc, 25)
			// 4000×4000 cells of 0.0125 µm. The cell count on the disc and core
			// rims is off by a few cells per cell-width of perimeter at most,
			// i.e. well under 0.1 % of the dip share (≤ 2.6 nm) and of the sag's
			// spread across the rim (≤ 0.3 µm; 8 µm for the 62.5 µm cap): below
			// 0.02 nm (observed ≤ 0.006 nm).
			want := meanHeightNumeric(tc.h, tc.r, tc.dip, tc.rc, 25, 4000)
			require.InDelta(t, want, got, 2e-5) // µm
		})
	}
	// Large-radius limit: the mean sag's series is a²/(4r) + a⁴/(24r³) + a⁶/(64r⁵) + …,
	// the paraboloid's a²/(4r) first; at r = 1e5 µm the third term is 2e-20 µm.
	require.InDelta(t, 2-625.0/(4*1e5)-625.0*625/(24*1e15), MeanHeight(2, 1e5, 0, 4.5, 25), 1e-15)
	// r = a: the cap is a hemisphere over the disc, mean sag a/3 (closed form).
	require.InDelta(t, 1-25.0/3, MeanHeight(1, 25, 0, 4.5, 25), 1e-14)
	require.Panics(t, func() { MeanHeight(1, 20, 0, 4.5, 25) })
}

// TestMeanHeightFromMap averages a generated noise-free map at 0.2 µm pitch
// over the averaging disc and compares with the truth: it checks that the
// map and the truth describe the same cap.
func TestMeanHeightFromMap(t *testing.T) {
	for _, tc := range []struct {
		name      string
		multimode bool
		r         float64 // mm
		profile   string
		apex      [2]float64 // µm
	}{
		{"SM 1mm", false, 1, "", [2]float64{}},
		{"SM 15mm", false, 15, "", [2]float64{}},
		{"MM 2mm", true, 2, "", [2]float64{}},
		{"MM 2mm parabolic", true, 2, DipParabolic, [2]float64{}},
		{"SM 1mm apex offset", false, 1, "", [2]float64{3, -4}},
		{"MM 1mm parabolic apex offset", true, 1, DipParabolic, [2]float64{-2.2, 1.1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Params{Layout: "MT-12", PixelUm: 0.2, Cols: 301, Rows: 301, Multimode: tc.multimode,
				Heights: make([]float64, 12), RadiiMM: make([]float64, 12), Offsets: make([][2]float64, 12), CoreDipUm: 0.07,
				XAngleDeg: 0.2, YAngleDeg: -0.1, RotationDeg: 1.3, CoreDipProfile: tc.profile, ApexOffsets: make([][2]float64, 12)}
			for i := range 12 {
				p.Heights[i], p.RadiiMM[i] = 1.7, tc.r
			}
			p.ApexOffsets[5] = tc.apex
			// Put fiber 6 (nominal X = −125 µm) near the map centre, off the pixel grid.
			p.Offsets[5] = [2]float64{0.37, -0.61}
			p.ShiftUm = [2]float64{125, 0.05}
			hm, tr, err := Generate(p)
			require.NoError(t, err)
			f := tr.Fibers[5]
			var sum float64
			var n int
			for r := range hm.Rows() {
				for c := range hm.Cols() {
					x, y := float64(c)*0.2, float64(r)*0.2
					if math.Hypot(x-f.MapXUm, y-f.MapYUm) > 25 {
						continue
					}
					// Subtract the bare ferrule surface: modelAt with no fibers.
					bare := tr
					bare.Fibers = nil
					sum += hm.At(c, r) - modelAt(bare, p, x, y)
					n++
				}
			}
			// ≈ 49 000 pixels; the lattice count on the disc and core rims misses
			// or adds a few rim pixels (of ≈ 800 on the disc rim, 140 on the core
			// rim), each off the mean by at most the sag's spread (≤ 0.31 µm) or
			// the dip (70 nm): below 0.2 nm (observed ≤ 0.03 nm).
			require.InDelta(t, f.HeightNm, sum/float64(n)*1000, 0.2, "nm")
		})
	}
}

// fibersFor builds truth fibers of a layout with given heights (nm) at their
// nominal positions.
func fibersFor(t *testing.T, layout string, h func(x, y float64) float64) ([]FiberTruth, int) {
	l, ok := lookupLayout(layout)
	require.True(t, ok)
	var fs []FiberTruth
	for i := range l.n() {
		row, col := i/l.perRow+1, i%l.perRow+1
		x, y := l.nominal(row, col)
		fs = append(fs, FiberTruth{Index: i + 1, Row: row, Col: col, XUm: x, YUm: y, HeightNm: h(x, y)})
	}
	return fs, l.rows
}

func TestArrayResults(t *testing.T) {
	t.Run("line", func(t *testing.T) {
		// 12 fibers on H = 1000 + 0.2·X (nm, X µm), fiber 4 lowered by 60 nm.
		fs, nrows := fibersFor(t, "MT-12", func(x, _ float64) float64 { return 1000 + 0.2*x })
		fs[3].HeightNm -= 60
		rows, s := arrayResults(fs, nrows, 0.1)
		// A point pulled δ below a line is left δ·(1 − leverage) below the refit,
		// leverage = 1/n + (x−x̄)²/Σ(x−x̄)²; X = −625 µm, Σ = 250²·143 (12 points).
		lev := 1.0/12 + 625.0*625/(250*250*143)
		require.InDelta(t, 60*(1-lev), s.MinusCoplanarityNm, 1e-9)
		require.InDelta(t, s.MinusCoplanarityNm, rows[0].MinusCoplanarityNm, 1e-12)
		// Adjacent: a step of 0.2·250 = 50 nm, plus 60 next to fiber 4.
		require.InDelta(t, 110, s.AdjacentDifferentialNm, 1e-9)
		// Overall: end fibers at ±1375 µm differ by 0.2·2750 = 550 nm.
		require.InDelta(t, 550, s.HeightDifferentialNm, 1e-9)
		require.InDelta(t, 1000-0.2*1375, s.MinHeightNm, 1e-9)
		// Slope of the refit: the lowered point tilts it by −δ·(x−x̄)/Σ.
		q := 0.2 + (-60)*(-625)/(250*250*143.0)
		require.InDelta(t, q*1000, rows[0].LineSlopeNmPerMM, 1e-9)
		require.InDelta(t, math.Atan(q/1000)*180/math.Pi+0.1, s.FiberPlaneXAngleDeg, 1e-12)
	})
	t.Run("parabola", func(t *testing.T) {
		// H = 1e-4·X² (nm, X µm): radius X²/(2H) = 1/(2·1e-4) = 5000 mm of X over H in mm,
		// negative: the row's middle stands lower (concave, SPEC §6).
		fs, nrows := fibersFor(t, "MT-16", func(x, _ float64) float64 { return 1e-4 * x * x })
		rows, s := arrayResults(fs, nrows, 0)
		require.InEpsilon(t, -5000, rows[0].LineRadiusMM, 1e-9)
		require.InDelta(t, 0, rows[0].LineSlopeNmPerMM, 1e-9)
		// Centre fibers (X = ±125) sit below the LS line by the most.
		require.Positive(t, s.MinusCoplanarityNm)
	})
	t.Run("plane", func(t *testing.T) {
		// 64 fibers on H = 500 + 0.1·X − 0.3·Y: coplanar, plane slope 0.1 nm/µm.
		fs, nrows := fibersFor(t, "MT-64", func(x, y float64) float64 { return 500 + 0.1*x - 0.3*y })
		rows, s := arrayResults(fs, nrows, -0.05)
		require.Len(t, rows, 4)
		require.InDelta(t, 0, s.MinusCoplanarityNm, 1e-9)
		require.InDelta(t, math.Atan(0.1/1000)*180/math.Pi-0.05, s.FiberPlaneXAngleDeg, 1e-12)
		// Rows 1 and 4 at Y = ∓750: H differ by 0.3·1500 = 450 nm, X adds 0.1·3750.
		require.InDelta(t, 450+375, s.HeightDifferentialNm, 1e-9)
		require.InDelta(t, 375, rows[2].HeightDifferentialNm, 1e-9)
		require.InDelta(t, 25, rows[2].AdjacentDifferentialNm, 1e-9)
		require.True(t, math.IsNaN(rows[2].LineRadiusMM), "straight row: flat")
	})
	t.Run("missing", func(t *testing.T) {
		fs, nrows := fibersFor(t, "MT-12", func(x, _ float64) float64 { return x })
		for i := range fs {
			if i != 4 {
				fs[i].Missing, fs[i].HeightNm = true, math.NaN()
			}
		}
		rows, s := arrayResults(fs, nrows, 0)
		require.Equal(t, 0.0, rows[0].HeightDifferentialNm)
		require.True(t, math.IsNaN(s.AdjacentDifferentialNm))
		require.True(t, math.IsNaN(s.MinusCoplanarityNm))
		b, err := json.Marshal(s)
		require.NoError(t, err)
		require.Contains(t, string(b), `"minus_coplanarity_nm":null`)
	})
}

// TestTruthJSON checks the keys, nulls and a round trip.
func TestTruthJSON(t *testing.T) {
	p := Random("MT-32", 9)
	p.Missing, p.Dust = []int{4}, 2
	_, tr, err := Generate(p)
	require.NoError(t, err)
	b, err := json.MarshalIndent(tr, "", " ")
	require.NoError(t, err)
	s := string(b)
	for _, key := range []string{"layout", "pixel_um", "size_px", "x_angle_deg", "y_angle_deg", "rotation_deg",
		"shift_um", "origin_map_um", "guide_holes", "map_x_um", "diameter_um", "fibers", "dx_um", "apex_height_nm",
		"height_nm", "radius_mm", "core_dip_nm", "missing", "rows", "height_differential_nm",
		"adjacent_differential_nm", "minus_coplanarity_nm", "summary", "min_height_nm", "max_height_nm", "dust",
		"apex_x_um", "apex_y_um", "apex_offset_um", "core_dip_profile", "reference_plane", "z0_nm", "x_slope",
		"y_slope", "sampling", "points"} {
		require.Contains(t, s, fmt.Sprintf("%q:", key))
	}
	require.Contains(t, s, `"x_radius_mm": null`)
	require.Equal(t, 1, strings.Count(s, `"height_nm": null`)) // fiber 4 only (dust heights are set)
	require.Equal(t, 1, strings.Count(s, `"apex_offset_um": null`))
	require.NotContains(t, s, `"edge_ring_um"`) // omitted when there is none
	var back Truth
	require.NoError(t, json.Unmarshal(b, &back))
	require.True(t, math.IsNaN(back.XRadiusMM))
	require.True(t, math.IsNaN(back.Fibers[3].HeightNm))
	require.Equal(t, tr.Fibers[5], back.Fibers[5])
	b2, err := json.MarshalIndent(back, "", " ")
	require.NoError(t, err)
	require.Equal(t, s, string(b2))

	p.RxMM, p.EdgeRingUm = 1500, [2]float64{61, 65}
	_, tr, err = Generate(p)
	require.NoError(t, err)
	b, err = json.Marshal(tr)
	require.NoError(t, err)
	require.Contains(t, string(b), `"x_radius_mm":1500`)
	require.Contains(t, string(b), `"edge_ring_um":[61,65]`)
	require.Contains(t, string(b), `"sampling":"map"`)
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, tr.ReferencePlane, back.ReferencePlane)
}
