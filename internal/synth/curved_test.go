package synth

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// meanCapNumeric integrates h − sag − dip over the disc of radius a by
// brute force, like meanHeightNumeric, for a cap whose apex is at (e, 0)
// and a dip of the given profile centred on the disc.
func meanCapNumeric(h, r, e, dip, rc, a float64, profile string, n int) float64 {
	step := 2 * a / float64(n)
	var sum float64
	var k int
	for i := range n {
		x := -a + (float64(i)+0.5)*step
		for j := range n {
			y := -a + (float64(j)+0.5)*step
			rho2 := x*x + y*y
			if rho2 > a*a {
				continue
			}
			q := (x-e)*(x-e) + y*y
			z := h - (r - math.Sqrt(r*r-q))
			if math.IsInf(r, 1) {
				z = h // a flat tip
			}
			if rho2 <= rc*rc {
				if profile == DipParabolic {
					z -= dip * (1 - rho2/(rc*rc))
				} else {
					z -= dip
				}
			}
			sum += z
			k++
		}
	}
	return sum / float64(k)
}

func TestMeanCapHeight(t *testing.T) {
	const a = 25.0 // µm, SPEC §5's Ø 50 µm averaging disc
	t.Run("centred step is MeanHeight", func(t *testing.T) {
		for _, r := range []float64{62.5, 1000, 20000, math.Inf(1)} {
			require.Equal(t, MeanHeight(2, r, 0.05, 4.5, a), MeanCapHeight(2, r, 0, 0.05, 4.5, a, ""))
			require.Equal(t, MeanHeight(2, r, 0.05, 4.5, a), MeanCapHeight(2, r, 0, 0.05, 4.5, a, DipStep))
		}
	})
	t.Run("quadrature at e = 0", func(t *testing.T) {
		// The quadrature against the closed form: float64 rounding for
		// r ≥ a + 10 µm, within 1e-9 µm down to r = a + 1 µm (meanSag's doc).
		for _, tc := range []struct{ r, tol float64 }{{26, 1e-9}, {35, 1e-14}, {62.5, 1e-14}, {1000, 1e-15}, {20000, 1e-15}} {
			require.InDelta(t, meanSagCentred(tc.r, a), meanSagQuad(tc.r, 0, a), tc.tol, "r %g µm", tc.r)
		}
	})
	t.Run("series", func(t *testing.T) {
		// sag(s) = s/(2R) + s²/(8R³) + s³/(16R⁵) + …, s = ρ² = r² + e² − 2re·cos θ
		// about the apex. Over the disc the means are E[s] = a²/2 + e² and
		// E[s²] = a⁴/3 + 2a²e² + e⁴ (the θ-mean of s² is r⁴ + 4r²e² + e⁴;
		// the disc means of r², r⁴ are a²/2, a⁴/3).
		for _, tc := range []struct{ r, e float64 }{{1000, 5}, {1000, 1.3}, {5000, 4}, {20000, 2.5}} {
			s1 := a*a/2 + tc.e*tc.e
			s2 := a*a*a*a/3 + 2*a*a*tc.e*tc.e + tc.e*tc.e*tc.e*tc.e
			smax := (a + tc.e) * (a + tc.e) // largest s on the disc
			got := MeanCapHeight(2, tc.r, tc.e, 0, 4.5, a, DipStep)
			// The paraboloid approximation h − (e² + a²/2)/(2R): off by the
			// s² term, at most smax²/(8R³) (0.11 nm at R = 1 mm, e = 5 µm).
			require.InDelta(t, 2-s1/(2*tc.r), got, smax*smax/(8*tc.r*tc.r*tc.r), "paraboloid, R %g e %g", tc.r, tc.e)
			// Two terms: off by the s³ term, at most smax³/(16R⁵) (5e-8 µm).
			require.InDelta(t, 2-s1/(2*tc.r)-s2/(8*tc.r*tc.r*tc.r), got, smax*smax*smax/(16*math.Pow(tc.r, 5)), "series, R %g e %g", tc.r, tc.e)
		}
	})
	t.Run("brute force", func(t *testing.T) {
		for _, tc := range []struct {
			name             string
			r, e, dip, rc    float64 // µm
			profile          string
			wantMinusDipOnly float64 // µm, closed-form dip mean over the disc
		}{
			{"SM step, e 5", 1000, 5, 0.08, 4.5, "", 0.08 * 4.5 * 4.5 / 625},
			{"MM parabolic, e 3", 2000, 3, 0.3, 25, DipParabolic, 0.3 / 2},
			{"SM parabolic, e 0", 10000, 0, 0.06, 4.5, DipParabolic, 0.06 * 4.5 * 4.5 / 625 / 2},
			{"tight cap, e 4", 70, 4, 0.02, 25, DipParabolic, 0.01},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := MeanCapHeight(1.5, tc.r, tc.e, tc.dip, tc.rc, a, tc.profile)
				// 2000×2000 cells of 0.025 µm; the rim-cell count is off by
				// O(perimeter/cell) cells out of 3.1e6, each off the mean by at
				// most the sag's spread over the disc (≤ 0.7 µm for R = 1 mm,
				// 9 µm for the 70 µm cap) or a step dip (80 nm): below 0.03 nm
				// for the 1 mm+ caps (observed ≤ 0.004 nm), 0.3 nm for the
				// 70 µm one (observed 0.06 nm).
				want := meanCapNumeric(1.5, tc.r, tc.e, tc.dip, tc.rc, a, tc.profile, 2000)
				tol := 3e-5 // µm
				if tc.r < 100 {
					tol = 3e-4 // the 70 µm cap's 9 µm sag spread over the rim
				}
				require.InDelta(t, want, got, tol)
				// The dip's share alone, in closed form.
				withoutDip := MeanCapHeight(1.5, tc.r, tc.e, 0, tc.rc, a, tc.profile)
				require.InDelta(t, tc.wantMinusDipOnly, withoutDip-got, 1e-15)
			})
		}
	})
	t.Run("parabolic dip mean", func(t *testing.T) {
		// Flat tip: the height is h less the dip's disc mean d·rc²/(2a²);
		// d/2 for the 50 µm multimode core that fills the disc.
		require.InDelta(t, 1-0.2/2, MeanCapHeight(1, math.Inf(1), 0, 0.2, 25, a, DipParabolic), 1e-15)
		require.InDelta(t, 1-0.2*4.5*4.5/(2*625), MeanCapHeight(1, math.Inf(1), 0, 0.2, 4.5, a, DipParabolic), 1e-15)
	})
	require.Panics(t, func() { MeanCapHeight(1, 29, 5, 0, 4.5, a, "") }) // a + e > r
	require.Panics(t, func() { MeanCapHeight(1, 1000, -1, 0, 4.5, a, "") })
	require.Panics(t, func() { MeanCapHeight(1, 1000, 0, 0, 4.5, a, "graded") })
}

// regionPixelsNaive calls visit for every pixel (c, r) of the map whose
// centre, at ferrule-frame (x, y), lies in SPEC §4's default fitting
// region, in row-major order; written out again: every nominal fiber and
// hole tested, no shortcuts.
func regionPixelsNaive(t *testing.T, p Params, tr Truth, visit func(c, r int, x, y float64)) {
	l, ok := lookupLayout(p.Layout)
	require.True(t, ok)
	th := p.RotationDeg * math.Pi / 180
	hx := tr.HoleSpacingUm / 2
	hy := float64(l.rows-1)/2*l.rowPitch + 250
	for r := range tr.SizePx[1] {
	pixel:
		for c := range tr.SizePx[0] {
			dx, dy := float64(c)*tr.PixelUm[0]-tr.OriginMapUm[0], float64(r)*tr.PixelUm[1]-tr.OriginMapUm[1]
			x, y := math.Cos(th)*dx+math.Sin(th)*dy, -math.Sin(th)*dx+math.Cos(th)*dy
			if math.Abs(x) > hx || math.Abs(y) > hy {
				continue
			}
			for i := range l.n() {
				nx, ny := l.nominal(i/l.perRow+1, i%l.perRow+1)
				if math.Hypot(x-nx, y-ny) <= 1.5*125/2 {
					continue pixel
				}
			}
			for _, h := range tr.GuideHoles {
				if math.Hypot(x-h.XUm, y-h.YUm) <= h.DiameterUm/2+100 {
					continue pixel
				}
			}
			visit(c, r, x, y)
		}
	}
}

func TestReferencePlane(t *testing.T) {
	t.Run("symmetric field", func(t *testing.T) {
		// MT-32, no rotation or shift: the pixel lattice is symmetric about the
		// ferrule origin (2233×600 px), so the plane has no slope and its
		// constant is the mean of the curvature over the region.
		p := Params{Layout: "MT-32", RxMM: 3000, RyMM: -5000}
		_, tr, err := Generate(p)
		require.NoError(t, err)
		pl := tr.ReferencePlane
		require.Equal(t, "map", pl.Sampling)
		require.InDelta(t, 0, pl.XSlope, 1e-15) // rounding of sums of ≈ 4e5 points
		require.InDelta(t, 0, pl.YSlope, 1e-15)
		curv := func(x, y float64) float64 { return -x*x/(2*3000e3) - y*y/(2*-5000e3) } // µm
		var sum float64
		var n int
		regionPixelsNaive(t, p, tr, func(_, _ int, x, y float64) { sum += curv(x, y); n++ })
		require.Equal(t, n, pl.Points)
		require.InDelta(t, sum/float64(n)*1000, pl.Z0Nm, 1e-9) // nm
		// The continuous mean in closed form: rectangle 2L × 2W (L = 2650,
		// W = 500 µm) less 32 fiber discs (ρf = 93.75 µm) and two hole
		// half-discs (ρh = 275 + 100 µm, centred on the short sides), with
		// ∫X² over a disc πρ²(x0² + ρ²/4) and over the inner half-disc at
		// X = ±L: πρ²L²/2 − 4Lρ³/3 + πρ⁴/8 (∫Y²: πρ⁴/8). The 3 µm lattice
		// differs from it by the rims' pixel count: observed 0.1 nm.
		L, W, rf, rh := 2650.0, 500.0, 93.75, 375.0
		area := 4*L*W - 32*math.Pi*rf*rf - math.Pi*rh*rh
		ix := 4*L*L*L*W/3 - 2*(math.Pi*rh*rh*L*L/2-4*L*rh*rh*rh/3+math.Pi*rh*rh*rh*rh/8)
		iy := 4*L*W*W*W/3 - 2*math.Pi*rh*rh*rh*rh/8
		for _, f := range tr.Fibers {
			x, y := f.XUm, f.YUm // nominal: no offsets
			ix -= math.Pi * rf * rf * (x*x + rf*rf/4)
			iy -= math.Pi * rf * rf * (y*y + rf*rf/4)
		}
		cont := (-ix/(2*3000e3) + iy/(2*5000e3)) / area
		require.InDelta(t, cont*1000, pl.Z0Nm, 0.3) // nm
		// Every fiber is measured above that plane: its seat −x²/(2Rx) −
		// y²/(2Ry) less the plane's constant.
		for _, f := range tr.Fibers {
			lift := curv(f.XUm, f.YUm) - pl.Z0Nm/1000
			require.InDelta(t, (2+lift)*1000, f.ApexHeightNm, 1e-9, "fiber %d", f.Index) // default 2 µm tips
			require.InDelta(t, (MeanHeight(2, 10000, 0, 4.5, 25)+lift)*1000, f.HeightNm, 1e-9, "fiber %d", f.Index)
		}
	})
	t.Run("flat", func(t *testing.T) {
		p := Random("MT-16", 4)
		_, tr, err := Generate(p)
		require.NoError(t, err)
		pl := tr.ReferencePlane
		require.Equal(t, PlaneTruth{XSlope: math.Tan(p.XAngleDeg * math.Pi / 180), YSlope: math.Tan(p.YAngleDeg * math.Pi / 180),
			XAngleDeg: p.XAngleDeg, YAngleDeg: p.YAngleDeg, Sampling: "none"}, pl)
		for i, f := range tr.Fibers {
			require.Equal(t, p.Heights[i]*1000, f.ApexHeightNm) // the input height, bit for bit
		}
	})
	t.Run("fit to the map", func(t *testing.T) {
		// A rotated, shifted, tilted, curved part without noise: a plane
		// fitted to the map's own pixels in the region by gonum's QR least
		// squares is the truth's. 6 µm pixels keep the dense system small.
		p := clean(Random("MT-24", 8))
		p.PixelUm, p.RxMM, p.RyMM = 6, -2500, 4000
		hm, tr, err := Generate(p)
		require.NoError(t, err)
		var rows [][3]float64
		var zs []float64
		regionPixelsNaive(t, p, tr, func(c, r int, x, y float64) {
			z := hm.At(c, r)
			require.False(t, math.IsNaN(z))
			rows = append(rows, [3]float64{1, x / 1000, y / 1000}) // mm for conditioning
			zs = append(zs, z)
		})
		require.Len(t, zs, len(rows))
		a := mat.NewDense(len(rows), 3, nil)
		for i, v := range rows {
			a.SetRow(i, v[:])
		}
		var x mat.VecDense
		require.NoError(t, x.SolveVec(a, mat.NewVecDense(len(zs), zs)))
		pl := tr.ReferencePlane
		require.Equal(t, "map", pl.Sampling)
		require.InDelta(t, x.AtVec(0)*1000, pl.Z0Nm, 1e-6)    // nm
		require.InDelta(t, x.AtVec(1)/1000, pl.XSlope, 1e-12) // 1e-12 over 2.3 mm: 2e-9 µm
		require.InDelta(t, x.AtVec(2)/1000, pl.YSlope, 1e-12) //
		require.InDelta(t, math.Atan(x.AtVec(1)/1000)*180/math.Pi, pl.XAngleDeg, 1e-10)
		// The fiber-plane angle is taken against this plane's X angle.
		require.NotEqual(t, p.XAngleDeg, pl.XAngleDeg)
	})
	t.Run("crop", func(t *testing.T) {
		// A 0.2 µm crop around one fiber holds none of the region: the plane
		// comes from a 2 µm lattice over it and agrees with the full map's
		// to ≈ 0.1 nm (lattice rims).
		full := Params{Layout: "MT-12", RxMM: 2000}
		_, want, err := Generate(full)
		require.NoError(t, err)
		crop := full
		crop.PixelUm, crop.Cols, crop.Rows = 0.2, 301, 301
		crop.ShiftUm = [2]float64{125, 0}
		_, got, err := Generate(crop)
		require.NoError(t, err)
		require.Equal(t, "region", got.ReferencePlane.Sampling)
		require.InDelta(t, want.ReferencePlane.Z0Nm, got.ReferencePlane.Z0Nm, 0.3)
		require.InDelta(t, 0, got.ReferencePlane.XSlope, 1e-15) // the lattice is symmetric
	})
}

// TestCurvedTruth recomputes the truth of a curved part with offset apexes
// and parabolic dips from Params and the reported reference plane.
func TestCurvedTruth(t *testing.T) {
	p := clean(Random("MT-32", 12))
	p.RxMM, p.RyMM = 1500, -8000
	p.Multimode, p.CoreDipProfile = true, DipParabolic
	p.ApexOffsets = make([][2]float64, 32)
	p.ApexOffsets[3], p.ApexOffsets[20] = [2]float64{2.5, -4}, [2]float64{-1, 0.5}
	_, tr, err := Generate(p)
	require.NoError(t, err)
	pl := tr.ReferencePlane
	tx, ty := math.Tan(p.XAngleDeg*math.Pi/180), math.Tan(p.YAngleDeg*math.Pi/180)
	for i, f := range tr.Fibers {
		x, y := f.XUm, f.YUm
		// lift = tilt(x, y) + curvature(x, y) − plane(x, y), µm.
		lift := tx*x + ty*y - x*x/(2*1500e3) + y*y/(2*8000e3) - (pl.Z0Nm/1000 + pl.XSlope*x + pl.YSlope*y)
		r := p.RadiiMM[i] * 1000
		e := math.Hypot(p.ApexOffsets[i][0], p.ApexOffsets[i][1])
		h, d := p.Heights[i], p.CoreDipsUm[i]
		require.InDelta(t, x+p.ApexOffsets[i][0], f.ApexXUm, 1e-12, "fiber %d", f.Index)
		require.InDelta(t, y+p.ApexOffsets[i][1], f.ApexYUm, 1e-12, "fiber %d", f.Index)
		require.InDelta(t, e, f.ApexOffsetUm, 1e-12, "fiber %d", f.Index)
		// Apex height: the cap at the fiber centre, r − √(r² − e²) below its apex.
		require.InDelta(t, (h-(r-math.Sqrt(r*r-e*e))+lift)*1000, f.ApexHeightNm, 1e-6, "fiber %d", f.Index)
		require.InDelta(t, (MeanCapHeight(h, r, e, d, 25, 25, DipParabolic)+lift)*1000, f.HeightNm, 1e-6, "fiber %d", f.Index)
		require.InDelta(t, d/2*1000, f.CoreDipNm, 1e-9, "fiber %d", f.Index) // parabolic: half the peak
	}
	require.Equal(t, DipParabolic, tr.CoreDipProfile)
	require.InDelta(t, pl.XAngleDeg, tr.Summary.FiberPlaneXAngleDeg-math.Atan(fiberPlaneSlope(t, tr)/1000)*180/math.Pi, 1e-12)
}

// fiberPlaneSlope fits H = p + q·X + r·Y through the truth's fibers with
// gonum and returns q (nm per µm).
func fiberPlaneSlope(t *testing.T, tr Truth) float64 {
	a := mat.NewDense(len(tr.Fibers), 3, nil)
	h := mat.NewVecDense(len(tr.Fibers), nil)
	for i, f := range tr.Fibers {
		a.SetRow(i, []float64{1, f.XUm, f.YUm})
		h.SetVec(i, f.HeightNm)
	}
	var x mat.VecDense
	require.NoError(t, x.SolveVec(a, h))
	return x.AtVec(1)
}

// fiberWindow is a noise-free MT-12 map of 0.25 µm pixels around the
// 1-based fiber k, its nominal centre on the map's centre pixel (280, 280)
// when unrotated; fiber tips 1.5 µm high, 2 mm radius.
func fiberWindow(k int, edit func(*Params)) Params {
	nx := (float64(k) - 6.5) * 250 // SPEC §2: MT-12 columns centred on X = 0, 250 µm pitch
	p := Params{Layout: "MT-12", PixelUm: 0.25, Cols: 561, Rows: 561, ShiftUm: [2]float64{-nx, 0}}
	p.Heights, p.RadiiMM = make([]float64, 12), make([]float64, 12)
	for i := range 12 {
		p.Heights[i], p.RadiiMM[i] = 1.5, 2
	}
	edit(&p)
	return p
}

func TestApexOffset(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Params)
	}{
		{"flat", func(*Params) {}},
		// A dome of 1.5 m with fiber 1 at X = −1375 µm: the surface's slope
		// there, 1375/1.5e6, would move the top of a cap drawn on the
		// surface by R·slope = 1.8 µm (R = 2 mm); the cap symmetric about
		// the plane keeps it at the apex. Tilt and rotation change nothing.
		{"domed, tilted, rotated", func(p *Params) {
			p.RxMM, p.RyMM, p.XAngleDeg, p.YAngleDeg, p.RotationDeg = 1500, 3000, 0.2, -0.15, 2
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := fiberWindow(1, tc.edit)
			p.ApexOffsets = make([][2]float64, 12)
			p.ApexOffsets[0] = [2]float64{3.1, -4.2}
			hm, tr, err := Generate(p)
			require.NoError(t, err)
			f := tr.Fibers[0]
			th := p.RotationDeg * math.Pi / 180
			tx, ty := math.Tan(p.XAngleDeg*math.Pi/180), math.Tan(p.YAngleDeg*math.Pi/180)
			// The highest pixel of z − tilt (the ferrule plane) is the apex.
			best, bc, br := math.Inf(-1), 0, 0
			for r := range hm.Rows() {
				for c := range hm.Cols() {
					dx, dy := float64(c)*0.25-tr.OriginMapUm[0], float64(r)*0.25-tr.OriginMapUm[1]
					x, y := math.Cos(th)*dx+math.Sin(th)*dy, -math.Sin(th)*dx+math.Cos(th)*dy
					if math.Hypot(x-f.XUm, y-f.YUm) > 62.5 {
						continue
					}
					if z := hm.At(c, r) - tx*x - ty*y; z > best {
						best, bc, br = z, c, r
					}
				}
			}
			ax, ay := f.XUm+3.1, f.YUm-4.2
			require.InDelta(t, ax, f.ApexXUm, 1e-12)
			require.InDelta(t, ay, f.ApexYUm, 1e-12)
			require.InDelta(t, math.Hypot(3.1, 4.2), f.ApexOffsetUm, 1e-12)
			amx := tr.OriginMapUm[0] + math.Cos(th)*ax - math.Sin(th)*ay
			amy := tr.OriginMapUm[1] + math.Sin(th)*ax + math.Cos(th)*ay
			// The nearest pixel centre is within half a diagonal of the apex.
			require.LessOrEqual(t, math.Hypot(float64(bc)*0.25-amx, float64(br)*0.25-amy), 0.25/math.Sqrt2+1e-9)
			// The fiber centre sits on the map's centre pixel (280, 280) when
			// unrotated; there the cap is h − sag(e) above its seat.
			if p.RotationDeg == 0 && p.RxMM == 0 {
				e2 := 3.1*3.1 + 4.2*4.2
				require.InDelta(t, 1.5-e2/(2000+math.Sqrt(2000*2000-e2)), hm.At(280, 280), 1e-12)
				require.InDelta(t, hm.At(280, 280)*1000, f.ApexHeightNm, 1e-9)
			}
		})
	}
}

func TestCoreDipProfile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		multimode bool
		profile   string
		rc        float64 // µm, SPEC §2 core radius
	}{
		{"SM step", false, "", 4.5},
		{"SM parabolic", false, DipParabolic, 4.5},
		{"MM step", true, DipStep, 25},
		{"MM parabolic", true, DipParabolic, 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const d = 0.2 // µm peak
			p := fiberWindow(6, func(p *Params) {
				p.Multimode, p.CoreDipProfile, p.CoreDipUm = tc.multimode, tc.profile, d
				p.RadiiMM[5] = math.Inf(1) // flat tip: pixels show the dip alone
			})
			hm, tr, err := Generate(p)
			require.NoError(t, err)
			// Fiber 6's centre is pixel (280, 280); walk along +x.
			for _, k := range []int{0, 4, 10, 12, 17, 18, 60, 99, 100, 101} { // pixels of 0.25 µm
				rho := float64(k) * 0.25
				want := 1.5
				if rho <= tc.rc {
					if tc.profile == DipParabolic {
						want -= d * (1 - rho*rho/(tc.rc*tc.rc))
					} else {
						want -= d
					}
				}
				require.InDelta(t, want, hm.At(280+k, 280), 1e-12, "ρ = %g µm", rho)
			}
			f := tr.Fibers[5]
			wantDip := d * 1000
			if tc.profile == DipParabolic {
				wantDip /= 2 // mean of d·(1 − ρ²/rc²) over the core disc
			}
			require.InDelta(t, wantDip, f.CoreDipNm, 1e-12)
			// The Ø 50 µm disc mean: h less the dip's share, d·(rc/a)² for a
			// step, d·rc²/(2a²) for a parabola.
			share := d * tc.rc * tc.rc / 625
			if tc.profile == DipParabolic {
				share /= 2
			}
			require.InDelta(t, (1.5-share)*1000, f.HeightNm, 1e-9)
			wantProfile := tc.profile
			if wantProfile == "" {
				wantProfile = DipStep
			}
			require.Equal(t, wantProfile, tr.CoreDipProfile)
		})
	}
}

func TestEdgeRing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fibers []int // EdgeRingFibers
		ringed func(i int) bool
	}{
		{"all present", nil, func(i int) bool { return i != 2 && i != 3 }}, // fiber 2 missing, 3 broken
		{"listed", []int{5, 16}, func(i int) bool { return i == 5 || i == 16 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := clean(Random("MT-16", 6))
			p.RxMM = 4000
			p.Missing, p.Broken = []int{2}, []int{3}
			p.EdgeRingUm, p.EdgeRingFibers = [2]float64{61, 65}, tc.fibers // a chamfer across the cladding edge
			hm, tr, err := Generate(p)
			require.NoError(t, err)
			require.Equal(t, [2]float64{61, 65}, tr.EdgeRingUm)
			var inRing, nanInRing int
			for _, f := range tr.Fibers {
				c0, r0 := int((f.MapXUm-70)/3), int((f.MapYUm-70)/3)
				for r := r0; r <= r0+47; r++ {
					for c := c0; c <= c0+47; c++ {
						rho := math.Hypot(float64(c)*3-f.MapXUm, float64(r)*3-f.MapYUm)
						z := hm.At(c, r)
						switch {
						case rho >= 61 && rho <= 65 && tc.ringed(f.Index):
							inRing++
							if math.IsNaN(z) {
								nanInRing++
							}
						case rho <= 62.5 && f.Index == 2: // missing: the cladding disc is NaN
							require.True(t, math.IsNaN(z))
						case rho <= 70:
							require.False(t, math.IsNaN(z), "fiber %d ρ %.2f µm", f.Index, rho)
						}
					}
				}
			}
			require.Positive(t, inRing)
			require.Equal(t, inRing, nanInRing, "every ring pixel is NaN")
		})
	}
}

func TestRandomProduction(t *testing.T) {
	const n = 300 // draws
	var flatAxes, axes, multimode, offsetFibers, fibers int
	signs := map[bool]int{}
	for seed := range uint64(n) {
		base, p := Random("MT-24", seed), RandomProduction("MT-24", seed)
		// Random's part, unchanged.
		require.Equal(t, base.Heights, p.Heights)
		require.Equal(t, base.RadiiMM, p.RadiiMM)
		require.Equal(t, base.Offsets, p.Offsets)
		require.Equal(t, [5]float64{base.XAngleDeg, base.YAngleDeg, base.RotationDeg, base.ShiftUm[0], base.ShiftUm[1]},
			[5]float64{p.XAngleDeg, p.YAngleDeg, p.RotationDeg, p.ShiftUm[0], p.ShiftUm[1]})
		for _, r := range []float64{p.RxMM, p.RyMM} {
			axes++
			if r == 0 {
				flatAxes++
				continue
			}
			require.True(t, math.Abs(r) >= 1000 && math.Abs(r) <= 20000, "R %g mm", r)
			signs[r > 0]++
		}
		require.Len(t, p.ApexOffsets, 24)
		for _, e := range p.ApexOffsets {
			fibers++
			if l := math.Hypot(e[0], e[1]); l > 0 {
				offsetFibers++
				require.LessOrEqual(t, l, 5.0)
			}
		}
		if p.Multimode {
			multimode++
			require.Equal(t, DipParabolic, p.CoreDipProfile)
			for _, d := range p.CoreDipsUm {
				require.True(t, d >= 0 && d <= 0.3)
			}
		} else {
			require.Equal(t, "", p.CoreDipProfile)
			require.Equal(t, base.CoreDipsUm, p.CoreDipsUm) // Random's 0…80 nm step dips
		}
	}
	// Binomial counts within 4 standard deviations of their expectation.
	binom := func(k, n int, q float64) {
		t.Helper()
		sd := math.Sqrt(float64(n) * q * (1 - q))
		require.InDelta(t, q*float64(n), float64(k), 4*sd, "%d of %d, expected fraction %g", k, n, q)
	}
	binom(flatAxes, axes, 1.0/3)
	binom(signs[true], axes-flatAxes, 0.5)
	binom(multimode, n, 0.5)
	binom(offsetFibers, fibers, 0.2)

	// Every layout generates; the default field holds the whole region.
	for i, layout := range LayoutNames() {
		p := RandomProduction(layout, uint64(100+i))
		p.RxMM = 1000 // the strongest curvature
		m, err := resolve(p)
		require.NoError(t, err, layout)
		require.Equal(t, samplingMap, m.plane.sampling, layout)
	}
	_, _, err := Generate(RandomProduction("MT-99", 1))
	require.ErrorContains(t, err, "unknown layout")
}

func TestNewParamErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Params)
		msg  string
	}{
		{"profile", func(p *Params) { p.CoreDipProfile = "graded" }, `unknown core dip profile "graded"`},
		{"apex offsets", func(p *Params) { p.ApexOffsets = make([][2]float64, 3) }, "3 apex offsets for 16 fibers"},
		{"apex NaN", func(p *Params) { p.ApexOffsets = make([][2]float64, 16); p.ApexOffsets[2][1] = math.NaN() }, "fiber 3"},
		{"apex beyond tip", func(p *Params) {
			p.RadiiMM = fill(16, 0.065)
			p.ApexOffsets = make([][2]float64, 16)
			p.ApexOffsets[0] = [2]float64{3, 0} // 62.5 + 3 µm > 65 µm
		}, "plus the apex offset"},
		{"ring order", func(p *Params) { p.EdgeRingUm = [2]float64{65, 61} }, "edge ring"},
		{"ring negative", func(p *Params) { p.EdgeRingUm = [2]float64{-1, 61} }, "edge ring"},
		{"ring NaN", func(p *Params) { p.EdgeRingUm = [2]float64{61, math.NaN()} }, "edge ring"},
		{"ring fiber", func(p *Params) { p.EdgeRingUm, p.EdgeRingFibers = [2]float64{61, 65}, []int{17} }, "edge-ring fiber 17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Params{Layout: "MT-16"}
			tc.edit(&p)
			_, _, err := Generate(p)
			require.ErrorContains(t, err, tc.msg)
			require.ErrorContains(t, err, "synth: ")
		})
	}
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}
