package fit_test

import (
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// Fiber tips as the analysis sees them (SPEC §5): ~700 points in the
// single-mode fit annulus 10 µm ≤ ρ ≤ 50 µm around the nominal fiber
// centre, heights above the reference plane of a few µm.
const (
	tipPoints = 700
	tipRIn    = 10.0 // µm
	tipROut   = 50.0 // µm
)

// tip returns tipPoints points of s, with noise sigma, on the fit annulus
// around (cx, cy).
func tip(seed uint64, s fit.Sphere, cx, cy, sigma float64) (x, y, z []float64) {
	rng := newRand(seed)
	x, y = annulus(rng, tipPoints, cx, cy, tipRIn, tipROut)
	z = make([]float64, len(x))
	for i := range x {
		z[i] = s.At(x[i], y[i]) + sigma*rng.NormFloat64()
	}
	return x, y, z
}

func TestSphereAt(t *testing.T) {
	s := fit.Sphere{X0: 1, Y0: 2, Z0: 3, R: 5}
	require.Equal(t, 3.0, s.At(1, 2))
	require.InDelta(t, 3-(5-4), s.At(4, 2), 1e-15)  // ρ = 3: sag R − sqrt(R²−ρ²) = 5 − 4
	require.InDelta(t, 3-5, s.At(1, 7), 1e-15)      // ρ = R: the equator
	require.True(t, math.IsNaN(s.At(1, 7.000001)))  // beyond the equator
	s.R = -5                                        // concave
	require.InDelta(t, 3+(5-4), s.At(1, -1), 1e-15) // ρ = 3
}

func TestSpherePointsExact(t *testing.T) {
	const cx, cy = 1250.0, -300.0 // a fiber of an MT-12 row, µm
	for _, tc := range []struct {
		name string
		s    fit.Sphere
	}{
		{"R 1 mm", fit.Sphere{X0: cx, Y0: cy, Z0: 2, R: 1000}},
		{"R 2 mm offset apex", fit.Sphere{X0: cx + 3, Y0: cy - 2, Z0: 1.5, R: 2000}},
		{"R 5 mm", fit.Sphere{X0: cx - 1, Y0: cy + 0.5, Z0: 2.5, R: 5000}},
		{"R 20 mm", fit.Sphere{X0: cx + 0.7, Y0: cy - 0.3, Z0: 3, R: 20000}},
		{"R 50 mm", fit.Sphere{X0: cx - 2, Y0: cy + 4, Z0: 0.8, R: 50000}},
		{"concave 10 mm", fit.Sphere{X0: cx + 1, Y0: cy + 1, Z0: -0.2, R: -10000}},
		{"concave 1 mm", fit.Sphere{X0: cx, Y0: cy, Z0: 0, R: -1000}},
		// Tilted fiber end: apex 80 µm from the annulus centre, outside
		// the data (as a raw, untilted map would give, SPEC §9).
		{"apex outside data", fit.Sphere{X0: cx + 80, Y0: cy - 20, Z0: 2, R: 10000}},
		{"large piston", fit.Sphere{X0: cx, Y0: cy, Z0: 1000, R: 3000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y, z := tip(4, tc.s, cx, cy, 0)
			got, err := fit.SpherePoints(x, y, z)
			require.NoError(t, err)
			require.Equal(t, tipPoints, got.N)
			// The brief asks for 0.1 % on R and 0.05 µm on the apex from
			// noise-free data; rounding allows far tighter.
			require.InEpsilon(t, tc.s.R, got.R, 1e-7)
			require.InDelta(t, tc.s.X0, got.X0, 1e-5)
			require.InDelta(t, tc.s.Y0, got.Y0, 1e-5)
			require.InDelta(t, tc.s.Z0, got.Z0, 1e-9)
			require.Less(t, got.RMS, 1e-10)
			require.Less(t, got.Cond, fit.MaxCond)
			for i := range x {
				require.InDelta(t, z[i], got.At(x[i], y[i]), 1e-9)
			}
		})
	}
}

// TestSpherePointsNoise checks the fit with 2 nm noise against the standard
// errors of the linearised problem at the truth, computed independently
// with gonum (stdErrors). For a centred annulus those reduce to a closed
// form: the model's ∂z/∂(1/R) ≈ −ρ²/2 and ∂z/∂X0 ≈ (x−X0)/R give
//
//	σ_R/R ≈ 2Rσ/(√n·sd(ρ²)),  σ_X0 ≈ σR/sqrt(Σ(x−X0)²),
//
// and for 700 points uniform on 10–50 µm, sd(ρ²) = 693 µm² (E[ρ²] = 1300,
// E[ρ⁴] = 2.17e6 µm⁴) and Σ(x−X0)² ≈ 700·650 µm², so σ_R/R ≈ 0.022 % at
// R = 1 mm, 0.44 % at 20 mm and 1.1 % at 50 mm, and σ_X0 ≈ 0.003, 0.06 and
// 0.15 µm. "R within 1 %" thus holds at 2.3σ for a 20 mm tip and cannot be
// promised at 50 mm.
func TestSpherePointsNoise(t *testing.T) {
	const (
		sigma  = 0.002 // µm
		cx, cy = -625.0, 0.0
		k      = 4 // standard errors allowed
	)
	for i, tc := range []struct {
		name     string
		s        fit.Sphere
		relR     float64 // closed-form σ_R/R from the doc comment
		closedX0 float64 // closed-form σ_X0, µm
	}{
		{"R 1 mm", fit.Sphere{X0: cx + 1, Y0: cy - 1, Z0: 2, R: 1000}, 2.2e-4, 0.003},
		{"R 5 mm", fit.Sphere{X0: cx - 2, Y0: cy, Z0: 1, R: 5000}, 1.1e-3, 0.015},
		{"R 20 mm", fit.Sphere{X0: cx, Y0: cy + 2, Z0: 3, R: 20000}, 4.4e-3, 0.059},
		{"R 50 mm", fit.Sphere{X0: cx + 0.5, Y0: cy + 0.5, Z0: 1, R: 50000}, 1.1e-2, 0.15},
		{"concave 10 mm", fit.Sphere{X0: cx, Y0: cy, Z0: -0.5, R: -10000}, 2.2e-3, 0.030},
		// Nearly flat, yet the curvature is 23σ from 0: not flat.
		{"R 200 mm", fit.Sphere{X0: cx, Y0: cy, Z0: 1, R: 200000}, 4.4e-2, 0.59},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y, z := tip(uint64(10+i), tc.s, cx, cy, sigma)
			got, err := fit.SpherePoints(x, y, z)
			require.NoError(t, err)

			// Jacobian of z = Z0 − κρ²/(1+sqrt(1−κ²ρ²)), κ = 1/R, in
			// (X0, Y0, Z0, κ), at the truth.
			kap := 1 / tc.s.R
			j := mat.NewDense(len(x), 4, nil)
			for i := range x {
				dx, dy := x[i]-tc.s.X0, y[i]-tc.s.Y0
				r2 := dx*dx + dy*dy
				s := math.Sqrt(1 - kap*kap*r2)
				j.SetRow(i, []float64{kap * dx / s, kap * dy / s, 1, -r2 / (s * (1 + s))})
			}
			se := stdErrors(j, sigma)
			seR := se[3] * tc.s.R * tc.s.R // σ_R = σ_κ·R²
			// The closed forms agree with the numerical ones to sampling
			// (sd(ρ²) of a 700-point sample) and rounding of the figures.
			require.InEpsilon(t, tc.relR, seR/math.Abs(tc.s.R), 0.1)
			require.InEpsilon(t, tc.closedX0, se[0], 0.15)

			t.Logf("z-scores X0 %.2f Y0 %.2f Z0 %.2f R %.2f; σ_R/R %.3g %%",
				(got.X0-tc.s.X0)/se[0], (got.Y0-tc.s.Y0)/se[1], (got.Z0-tc.s.Z0)/se[2], (got.R-tc.s.R)/seR, 100*seR/math.Abs(tc.s.R))
			require.InDelta(t, tc.s.X0, got.X0, k*se[0])
			require.InDelta(t, tc.s.Y0, got.Y0, k*se[1])
			require.InDelta(t, tc.s.Z0, got.Z0, k*se[2])
			require.InDelta(t, tc.s.R, got.R, k*seR)
			want, sd := rmsBand(sigma, got.N, 4)
			require.InDelta(t, want, got.RMS, k*sd)
		})
	}
}

func TestSpherePointsSkipsNaN(t *testing.T) {
	s := fit.Sphere{X0: 1, Y0: 2, Z0: 2, R: 3000}
	x, y, z := tip(5, s, 0, 0, 0)
	x[0], y[1], z[2] = math.NaN(), math.NaN(), math.NaN()
	got, err := fit.SpherePoints(x, y, z)
	require.NoError(t, err)
	require.Equal(t, tipPoints-3, got.N)
	require.InEpsilon(t, s.R, got.R, 1e-7)
}

func TestSpherePointsErrors(t *testing.T) {
	rng := newRand(6)
	ax, ay := annulus(rng, tipPoints, 0, 0, tipRIn, tipROut)
	heights := func(f func(x, y float64) float64) []float64 {
		z := make([]float64, len(ax))
		for i := range z {
			z[i] = f(ax[i], ay[i])
		}
		return z
	}
	noise := func(sigma float64, f func(x, y float64) float64) func(x, y float64) float64 {
		return func(x, y float64) float64 { return f(x, y) + sigma*rng.NormFloat64() }
	}
	line := []float64{0, 1, 2, 3, 4, 5}
	for _, tc := range []struct {
		name    string
		x, y, z []float64
		want    error
	}{
		{"three points", line[:3], line[:3], line[:3], fit.ErrTooFewPoints},
		{"NaN", []float64{0, 1, 2, math.NaN()}, line[:4], line[:4], fit.ErrTooFewPoints},
		{"collinear", line, line, []float64{0, 1, 4, 9, 16, 25}, fit.ErrIllConditioned},
		{"flat level", ax, ay, heights(func(x, y float64) float64 { return 2 }), fit.ErrIllConditioned},
		{"flat tilted", ax, ay, heights(tilt.At), fit.ErrIllConditioned},
		// 2 nm noise on a plane: the curvature is noise.
		{"flat noisy", ax, ay, heights(noise(0.002, tilt.At)), fit.ErrIllConditioned},
		// A 1 km radius: sag 1.2 pm over the annulus, ≪ the 2 nm noise.
		{"R 1 km noisy", ax, ay, heights(noise(0.002, fit.Sphere{R: 1e9}.At)), fit.ErrIllConditioned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fit.SpherePoints(tc.x, tc.y, tc.z)
			t.Log(err)
			require.ErrorIs(t, err, tc.want)
		})
	}
}
