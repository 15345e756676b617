package synth

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
)

// clean returns p without noise and dropouts, so pixels follow the model
// exactly.
func clean(p Params) Params {
	p.NoiseUm, p.DropoutFraction = 0, 0
	return p
}

// modelAt evaluates the model of the package documentation at map point
// (x, y), written out again from the formulas (not through the package's
// helpers): ferrule frame by the inverse of P ↦ origin + Rot(θ)·P, surface,
// cap of fiber f if the point is in its cladding (standing on the tilt plane
// lifted by the curvature at the fiber centre, symmetric about its apex),
// core dip, edge ring and hole NaN. Fiber heights and peak dips come from
// p (2 µm by default), centres, apexes and radii from the truth.
func modelAt(t Truth, p Params, x, y float64) float64 {
	th := p.RotationDeg * math.Pi / 180
	dx, dy := x-t.OriginMapUm[0], y-t.OriginMapUm[1]
	X := math.Cos(th)*dx + math.Sin(th)*dy
	Y := -math.Sin(th)*dx + math.Cos(th)*dy
	plane := math.Tan(p.XAngleDeg*math.Pi/180)*X + math.Tan(p.YAngleDeg*math.Pi/180)*Y
	curv := func(X, Y float64) float64 {
		var c float64
		if p.RxMM != 0 {
			c -= X * X / (2 * p.RxMM * 1000) // dome: z falls away from the centre
		}
		if p.RyMM != 0 {
			c -= Y * Y / (2 * p.RyMM * 1000)
		}
		return c
	}
	z := plane + curv(X, Y)
	for _, h := range t.GuideHoles {
		if math.Hypot(x-h.MapXUm, y-h.MapYUm) <= h.DiameterUm/2 {
			return math.NaN()
		}
	}
	for i, f := range t.Fibers {
		rho := math.Hypot(X-f.XUm, Y-f.YUm)
		if r := t.EdgeRingUm; r[1] > 0 && rho >= r[0] && rho <= r[1] && !f.Missing {
			return math.NaN()
		}
		if rho > 62.5 { // cladding radius
			continue
		}
		h, dip := 2.0, p.CoreDipUm // µm; 2 µm is Params' default height
		if p.Heights != nil {
			h = p.Heights[i]
		}
		if p.CoreDipsUm != nil {
			dip = p.CoreDipsUm[i]
		}
		R := f.RadiusMM * 1000
		rhoApex := math.Hypot(X-f.ApexXUm, Y-f.ApexYUm)
		z = plane + curv(f.XUm, f.YUm) + h - (R - math.Sqrt(R*R-rhoApex*rhoApex))
		if rc := t.CoreDiameterUm / 2; rho <= rc {
			if t.CoreDipProfile == DipParabolic {
				z -= dip * (1 - rho*rho/(rc*rc))
			} else {
				z -= dip
			}
		}
	}
	return z
}

// tiltedDome is a noise-free part with every transform and curvature on.
func tiltedDome() Params {
	p := Random("MT-32", 7)
	p = clean(p)
	p.RxMM, p.RyMM = 2000, -3000
	p.XAngleDeg, p.YAngleDeg = 0.25, -0.2
	return p
}

// productionDome is tiltedDome with what a polishing line adds: offset
// apexes on some fibers, multimode cores with parabolic dips and an edge
// ring of NaN across the cladding edge.
func productionDome() Params {
	p := tiltedDome()
	p.Multimode, p.CoreDipProfile = true, DipParabolic
	p.CoreDipsUm = make([]float64, 32)
	p.ApexOffsets = make([][2]float64, 32)
	for i := range 32 {
		p.CoreDipsUm[i] = 0.01 * float64(i) // 0…310 nm
	}
	p.ApexOffsets[0], p.ApexOffsets[7], p.ApexOffsets[16] = [2]float64{4, -3}, [2]float64{-2, 0.5}, [2]float64{0, 5}
	p.EdgeRingUm = [2]float64{61, 65}
	return p
}

func TestPixelValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Params
	}{{"tilted dome", tiltedDome()}, {"production", productionDome()}} {
		t.Run(tc.name, func(t *testing.T) { testPixelValues(t, tc.p) })
	}
}

func testPixelValues(t *testing.T, p Params) {
	hm, tr, err := Generate(p)
	require.NoError(t, err)
	pitch := hm.Pitch.X
	type pt struct {
		name string
		x, y float64 // map µm, snapped to a pixel below
	}
	var pts []pt
	for _, i := range []int{0, 7, 16, 31} {
		f := tr.Fibers[i]
		pts = append(pts,
			pt{fmt.Sprintf("fiber %d apex", f.Index), f.MapXUm, f.MapYUm},                        // in the core
			pt{fmt.Sprintf("fiber %d core", f.Index), f.MapXUm + 3, f.MapYUm + 12},               // ρ ≈ 12 µm
			pt{fmt.Sprintf("fiber %d cladding", f.Index), f.MapXUm + 30, f.MapYUm - 20},          // ρ ≈ 36 µm
			pt{fmt.Sprintf("fiber %d ring", f.Index), f.MapXUm - 63, f.MapYUm},                   // ρ ≈ 63 µm
			pt{fmt.Sprintf("fiber %d cladding edge", f.Index), f.MapXUm, f.MapYUm + 61},          // ρ ≈ 61 µm
			pt{fmt.Sprintf("fiber %d outside", f.Index), f.MapXUm + 66, f.MapYUm},                // ρ ≈ 66 µm
			pt{fmt.Sprintf("fiber %d between", f.Index), f.MapXUm + 125*math.Cos(0.1), f.MapYUm}) // half pitch
	}
	h := tr.GuideHoles[1]
	pts = append(pts, pt{"hole centre", h.MapXUm, h.MapYUm}, pt{"beside hole", h.MapXUm, h.MapYUm + 300},
		pt{"corner", 0, 0}, pt{"far corner", float64(hm.Cols()-1) * pitch, float64(hm.Rows()-1) * pitch})
	for _, q := range pts {
		c, r := math.Round(q.x/pitch), math.Round(q.y/pitch)
		want := modelAt(tr, p, c*pitch, r*pitch)
		got := hm.At(int(c), int(r))
		if math.IsNaN(want) {
			require.True(t, math.IsNaN(got), q.name)
			continue
		}
		require.InDelta(t, want, got, 1e-9, q.name) // µm; both are float64 evaluations of one formula
	}
}

// TestPixelByHand checks pixels whose values follow from the numbers alone.
func TestPixelByHand(t *testing.T) {
	// MT-12, no rotation, shifted so that fiber 6's nominal centre (X = −125 µm)
	// lands on the map centre, a pixel centre at 3 µm pitch on a 101×101 map.
	p := Params{Layout: "MT-12", Cols: 101, Rows: 101, ShiftUm: [2]float64{125, 0},
		Heights: make([]float64, 12), CoreDipUm: 0.05, XAngleDeg: 0.1}
	p.Heights[5] = 1.5
	hm, _, err := Generate(p)
	require.NoError(t, err)
	tan01 := math.Tan(0.1 * math.Pi / 180) // 1.745331e-3
	// Apex pixel: surface tan(0.1°)·(−125) + 1.5 − 0.05 dip.
	require.InDelta(t, -125*tan01+1.45, hm.At(50, 50), 1e-12)
	// 10 pixels (30 µm) right: outside the core, sag 30²/(R+√(R²−30²)), R = 10 mm default.
	sag := 900 / (1e4 + math.Sqrt(1e8-900))
	require.InDelta(t, -95*tan01+1.5-sag, hm.At(60, 50), 1e-12)
	// 21 pixels (63 µm) up: outside the cladding, bare ferrule surface (flat in Y).
	require.InDelta(t, -125*tan01, hm.At(50, 71), 1e-12)
}

func TestHolesNaN(t *testing.T) {
	for _, layout := range LayoutNames() {
		t.Run(layout, func(t *testing.T) {
			p := clean(Random(layout, 3))
			hm, tr, err := Generate(p)
			require.NoError(t, err)
			for _, h := range tr.GuideHoles {
				var in, inNaN, ring, ringValid int
				ext := h.DiameterUm/2 + 60 // box around hole and ring, µm
				c0, c1 := int((h.MapXUm-ext)/hm.Pitch.X), int((h.MapXUm+ext)/hm.Pitch.X)
				r0, r1 := int((h.MapYUm-ext)/hm.Pitch.Y), int((h.MapYUm+ext)/hm.Pitch.Y)
				for r := r0; r <= r1; r++ {
					for c := c0; c <= c1; c++ {
						d := math.Hypot(float64(c)*hm.Pitch.X-h.MapXUm, float64(r)*hm.Pitch.Y-h.MapYUm)
						z := hm.At(c, r)
						switch {
						case d <= h.DiameterUm/2:
							in++
							if math.IsNaN(z) {
								inNaN++
							}
						case d <= h.DiameterUm/2+50: // 50 µm ring around the rim, ferrule surface
							ring++
							if !math.IsNaN(z) {
								ringValid++
							}
						}
					}
				}
				require.Equal(t, in, inNaN, "every pixel inside the hole is NaN")
				require.Equal(t, ring, ringValid, "every pixel around the hole is valid")
				// Pixel count ≈ disc area / pixel area; the lattice count differs by
				// O(perimeter/pitch) ≈ 1 % here.
				area := math.Pi * h.DiameterUm * h.DiameterUm / 4 / (hm.Pitch.X * hm.Pitch.Y)
				require.InEpsilon(t, area, float64(in), 0.01)
			}
		})
	}
}

// TestInField checks that the default field holds both holes and every
// fiber with margin at the extremes of Random's rotation and shift.
func TestInField(t *testing.T) {
	for _, layout := range LayoutNames() {
		for _, rot := range []float64{-maxRotationDeg, maxRotationDeg} {
			for _, sx := range []float64{-maxShiftUm, maxShiftUm} {
				for _, sy := range []float64{-maxShiftUm, maxShiftUm} {
					p := Default(layout)
					p.RotationDeg, p.ShiftUm = rot, [2]float64{sx, sy}
					m, err := resolve(p)
					require.NoError(t, err)
					tr := m.truth() // the map itself is not needed
					w, h := float64(m.cols-1)*m.pitch, float64(m.rows-1)*m.pitch
					const margin = 100 // µm of ferrule surface beyond every feature
					for _, hl := range tr.GuideHoles {
						rad := hl.DiameterUm/2 + margin
						require.True(t, hl.MapXUm-rad > 0 && hl.MapXUm+rad < w && hl.MapYUm-rad > 0 && hl.MapYUm+rad < h,
							"%s rot %g shift %g,%g: hole at %.0f,%.0f in %.0f×%.0f", layout, rot, sx, sy, hl.MapXUm, hl.MapYUm, w, h)
					}
					// The fitting region's rectangle (SPEC §4) lies in the map, so
					// a curved ferrule's reference plane is fitted on the map.
					hx, hy := m.regionHalf()
					for _, c := range [4][2]float64{{-hx, -hy}, {hx, -hy}, {-hx, hy}, {hx, hy}} {
						mx, my := m.toMap(c[0], c[1])
						require.True(t, mx > 0 && mx < w && my > 0 && my < h, "%s rot %g shift %g,%g: region corner", layout, rot, sx, sy)
					}
					for _, f := range tr.Fibers {
						rad := 62.5 + margin
						require.True(t, f.MapXUm-rad > 0 && f.MapXUm+rad < w && f.MapYUm-rad > 0 && f.MapYUm+rad < h,
							"%s rot %g shift %g,%g: fiber %d", layout, rot, sx, sy, f.Index)
					}
				}
			}
		}
	}
}

func TestDefaultSize(t *testing.T) {
	for _, tc := range []struct {
		layout     string
		cols, rows int
	}{
		{"MT-16", 2233, 600}, // the outside samples' size
		{"MT-32", 2233, 600}, // idem
		{"MT-12", 2050, 600}, // (4600+700+850)/3, 1800/3
		{"MT-64", 2233, 933}, // rows: (3·500+1300)/3 = 933.3
		{"MT-72", 2050, 1267},
	} {
		_, tr, err := Generate(Params{Layout: tc.layout})
		require.NoError(t, err)
		require.Equal(t, [2]int{tc.cols, tc.rows}, tr.SizePx, tc.layout)
		require.Equal(t, [2]float64{3, 3}, tr.PixelUm)
	}
}

func TestDropoutFraction(t *testing.T) {
	base := clean(Default("MT-16"))
	ref, _, err := Generate(base)
	require.NoError(t, err)
	valid := ref.ValidCount()
	for _, f := range []float64{0, 0.01, 0.3, 1} {
		t.Run(fmt.Sprint(f), func(t *testing.T) {
			p := base
			p.DropoutFraction = f
			hm, tr, err := Generate(p)
			require.NoError(t, err)
			require.Equal(t, f, tr.DropoutFraction)
			var dropped, changed int
			for i, z := range hm.Z {
				if math.IsNaN(z) && !math.IsNaN(ref.Z[i]) {
					dropped++
				} else if !math.IsNaN(z) && z != ref.Z[i] {
					changed++
				}
			}
			require.Zero(t, changed, "survivors are untouched")
			// Binomial: standard deviation √(f(1−f)/n); allow 5 of them.
			sd := math.Sqrt(f * (1 - f) / float64(valid))
			require.InDelta(t, f, float64(dropped)/float64(valid), 5*sd+1e-12)
		})
	}
}

func TestNoise(t *testing.T) {
	base := clean(Default("MT-16"))
	ref, _, err := Generate(base)
	require.NoError(t, err)
	p := base
	p.NoiseUm = 0.002
	hm, _, err := Generate(p)
	require.NoError(t, err)
	var n int
	var s, s2 float64
	for i, z := range hm.Z {
		if math.IsNaN(ref.Z[i]) != math.IsNaN(z) {
			require.Failf(t, "noise changed validity", "pixel %d", i)
		}
		if !math.IsNaN(z) {
			d := z - ref.Z[i]
			n++
			s += d
			s2 += d * d
		}
	}
	// n ≈ 1.28e6: the mean's standard error is σ/√n ≈ 1.8e-6 µm, the RMS's σ/√(2n) ≈ 1.3e-6 µm.
	require.InDelta(t, 0, s/float64(n), 1e-5)
	require.InDelta(t, 0.002, math.Sqrt(s2/float64(n)), 1e-5)
}

func TestDeterminism(t *testing.T) {
	p := Random("MT-24", 42)
	p.Dust, p.Missing, p.Broken = 5, []int{3}, []int{20}
	a, ta, err := Generate(p)
	require.NoError(t, err)
	b, tb, err := Generate(p)
	require.NoError(t, err)
	require.True(t, sameBits(a.Z, b.Z))
	ja, err := json.Marshal(ta)
	require.NoError(t, err)
	jb, err := json.Marshal(tb)
	require.NoError(t, err)
	require.Equal(t, ja, jb)
	require.Equal(t, p, Random("MT-24", 42).withDefects(5, []int{3}, []int{20}))

	p.Seed++
	c, _, err := Generate(p)
	require.NoError(t, err)
	require.False(t, sameBits(a.Z, c.Z))
	require.NotEqual(t, Random("MT-24", 42).Heights, Random("MT-24", 43).Heights)
}

func (p Params) withDefects(dust int, missing, broken []int) Params {
	p.Dust, p.Missing, p.Broken = dust, missing, broken
	return p
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestRandomRanges(t *testing.T) {
	for seed := range uint64(20) {
		p := Random("MT-72", seed)
		require.Equal(t, seed, p.Seed)
		require.Equal(t, 3.0, p.PixelUm)
		require.Equal(t, 0.002, p.NoiseUm)
		require.Equal(t, 0.01, p.DropoutFraction)
		require.LessOrEqual(t, math.Abs(p.RotationDeg), 3.0)
		require.LessOrEqual(t, math.Abs(p.ShiftUm[0]), 200.0)
		require.LessOrEqual(t, math.Abs(p.ShiftUm[1]), 200.0)
		require.LessOrEqual(t, math.Abs(p.XAngleDeg), 0.3)
		require.LessOrEqual(t, math.Abs(p.YAngleDeg), 0.3)
		require.Zero(t, p.RxMM)
		require.Zero(t, p.RyMM)
		require.Len(t, p.Heights, 72)
		for i := range 72 {
			require.True(t, p.Heights[i] >= -0.5 && p.Heights[i] <= 3.5)
			require.True(t, p.RadiiMM[i] >= 1 && p.RadiiMM[i] <= 20)
			require.True(t, p.CoreDipsUm[i] >= 0 && p.CoreDipsUm[i] <= 0.08)
			require.LessOrEqual(t, math.Abs(p.Offsets[i][0]), 1.0)
			require.LessOrEqual(t, math.Abs(p.Offsets[i][1]), 1.0)
		}
	}
	_, _, err := Generate(Random("MT-99", 1))
	require.ErrorContains(t, err, "unknown layout")
}

func TestMissingBroken(t *testing.T) {
	p := clean(Random("MT-16", 5))
	p.Missing, p.Broken = []int{2, 9}, []int{16}
	hm, tr, err := Generate(p)
	require.NoError(t, err)
	for _, f := range tr.Fibers {
		want := f.Index == 2 || f.Index == 9 || f.Index == 16
		require.Equal(t, want, f.Missing, "fiber %d", f.Index)
		require.Equal(t, f.Index == 16, f.Broken, "fiber %d", f.Index)
		require.Equal(t, want, math.IsNaN(f.HeightNm))
		require.Equal(t, want, math.IsNaN(f.ApexHeightNm))
	}
	disc := func(f FiberTruth, fn func(z, surface float64)) {
		for r := range hm.Rows() {
			for c := range hm.Cols() {
				x, y := float64(c)*hm.Pitch.X, float64(r)*hm.Pitch.Y
				if math.Hypot(x-f.MapXUm, y-f.MapYUm) <= 62.5 {
					// modelAt without the fiber gives the bare surface.
					bare := tr
					bare.Fibers = nil
					fn(hm.At(c, r), modelAt(bare, p, x, y))
				}
			}
		}
	}
	for _, i := range []int{2, 9} {
		disc(tr.Fibers[i-1], func(z, _ float64) { require.True(t, math.IsNaN(z)) })
	}
	var n int
	var s, s2 float64
	disc(tr.Fibers[15], func(z, surface float64) {
		d := z - (surface - 5) // default pit depth 5 µm
		n++
		s += d
		s2 += d * d
	})
	// ≈ 1360 pixels of 0.2 µm RMS roughness: mean within 5σ/√n ≈ 0.03 µm.
	require.InDelta(t, 0, s/float64(n), 0.03)
	require.InDelta(t, 0.2, math.Sqrt(s2/float64(n)), 0.02)
	// The array results skip them.
	var lo = math.Inf(1)
	for _, f := range tr.Fibers {
		if !f.Missing {
			lo = math.Min(lo, f.HeightNm)
		}
	}
	require.Equal(t, lo, tr.Summary.MinHeightNm)

	_, _, err = Generate(Params{Layout: "MT-16", Missing: []int{3}, Broken: []int{3}})
	require.ErrorContains(t, err, "both missing and broken")
}

func TestDust(t *testing.T) {
	p := clean(Default("MT-16"))
	p.Dust, p.Seed = 300, 11 // enough that some would land on fibers if allowed
	hm, tr, err := Generate(p)
	require.NoError(t, err)
	require.Len(t, tr.Dust, 300)
	p.Dust = 0
	ref, _, err := Generate(p)
	require.NoError(t, err)
	var raised, nan int
	for _, d := range tr.Dust {
		for _, f := range tr.Fibers {
			require.Greater(t, math.Hypot(d.MapXUm-f.MapXUm, d.MapYUm-f.MapYUm), 62.5+d.RadiusUm, "dust clear of fibers")
		}
		require.True(t, d.RadiusUm >= 3 && d.RadiusUm <= 15 && d.HeightNm >= 500 && d.HeightNm <= 3000)
		c, r := int(math.Round(d.MapXUm/hm.Pitch.X)), int(math.Round(d.MapYUm/hm.Pitch.Y))
		if z0 := ref.At(c, r); !math.IsNaN(z0) {
			require.Greater(t, hm.At(c, r), z0)
			raised++
		}
	}
	for i := range hm.Z {
		if math.IsNaN(hm.Z[i]) && !math.IsNaN(ref.Z[i]) {
			nan++
		}
	}
	require.Positive(t, raised)
	require.Positive(t, nan, "dust rims are NaN")
}

func TestErrors(t *testing.T) {
	ok := Params{Layout: "mt-16"} // case is ignored
	_, _, err := Generate(ok)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		edit func(*Params)
		msg  string
	}{
		{"layout", func(p *Params) { p.Layout = "MT-13" }, "unknown layout"},
		{"pitch", func(p *Params) { p.PixelUm = -1 }, "pixel pitch"},
		{"size", func(p *Params) { p.Cols = -5 }, "negative map size"},
		{"too large", func(p *Params) { p.Cols, p.Rows = 100_000, 100_000 }, "map size"},
		{"heights", func(p *Params) { p.Heights = []float64{1} }, "1 heights for 16 fibers"},
		{"radii", func(p *Params) { p.RadiiMM = make([]float64, 3) }, "3 radii"},
		{"offsets", func(p *Params) { p.Offsets = make([][2]float64, 17) }, "17 offsets"},
		{"dips", func(p *Params) { p.CoreDipsUm = make([]float64, 15) }, "15 core dips"},
		{"small radius", func(p *Params) { p.RadiiMM = make([]float64, 16) }, "tip radius 0 mm"},
		{"nan height", func(p *Params) { p.Heights = make([]float64, 16); p.Heights[4] = math.NaN() }, "fiber 5"},
		{"index", func(p *Params) { p.Missing = []int{0} }, "missing fiber 0 out of range"},
		{"broken index", func(p *Params) { p.Broken = []int{17} }, "broken fiber 17"},
		{"nan angle", func(p *Params) { p.XAngleDeg = math.NaN() }, "x angle"},
		{"dropout", func(p *Params) { p.DropoutFraction = 1.5 }, "dropout"},
		{"ferrule radius", func(p *Params) { p.RyMM = math.NaN() }, "y radius"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ok
			tc.edit(&p)
			_, _, err := Generate(p)
			require.ErrorContains(t, err, tc.msg)
			require.ErrorContains(t, err, "synth: ")
		})
	}
	_, _, err = Generate(Params{Layout: "MT-12", Cols: 100_000, Rows: 100_000})
	require.ErrorIs(t, err, geometry.ErrTooLarge)
}

func TestFlatTip(t *testing.T) {
	p := Params{Layout: "MT-12", RadiiMM: make([]float64, 12)}
	for i := range p.RadiiMM {
		p.RadiiMM[i] = math.Inf(1)
	}
	hm, tr, err := Generate(p)
	require.NoError(t, err)
	f := tr.Fibers[3]
	require.Equal(t, math.Inf(1), f.RadiusMM)
	require.InDelta(t, 2000, f.HeightNm, 1e-9) // flat 2 µm tip, no dip
	c, r := int(math.Round(f.MapXUm/3+10)), int(math.Round(f.MapYUm/3))
	require.InDelta(t, 2, hm.At(c, r), 1e-12)
	b, err := json.Marshal(f)
	require.NoError(t, err)
	require.Contains(t, string(b), `"radius_mm":null`)
}

func benchmarkGenerate(b *testing.B, p Params) {
	hm, _, err := Generate(p)
	require.NoError(b, err)
	px := float64(len(hm.Z))
	b.ReportAllocs()
	for b.Loop() {
		_, _, _ = Generate(p)
	}
	b.ReportMetric(px*float64(b.N)/b.Elapsed().Seconds(), "px/s")
}

// BenchmarkGenerateMT16 is the outside samples' size, 2233×600 px.
func BenchmarkGenerateMT16(b *testing.B) { benchmarkGenerate(b, Random("MT-16", 1)) }

// BenchmarkGenerateMT64 is a 2048×2048 map of a 64-fiber part.
func BenchmarkGenerateMT64(b *testing.B) {
	p := Random("MT-64", 1)
	p.Cols, p.Rows = 2048, 2048
	benchmarkGenerate(b, p)
}
