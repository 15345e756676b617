package fit_test

import (
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// arc returns n points evenly spaced over the arc [a0, a1] (radians) of c,
// with Gaussian noise sigma added to the radius.
func arc(seed uint64, c fit.Circle, n int, a0, a1, sigma float64) (x, y []float64) {
	rng := newRand(seed)
	for i := range n {
		a := a0 + (a1-a0)*float64(i)/float64(n-1)
		r := c.R + sigma*rng.NormFloat64()
		x = append(x, c.X0+r*math.Cos(a))
		y = append(y, c.Y0+r*math.Sin(a))
	}
	return x, y
}

// Guide holes of an MT-12 ferrule: Ø 700 µm, 4600 µm apart (SPEC §2).
var hole = fit.Circle{X0: -2300, Y0: 150, R: 350}

func TestCirclePointsExact(t *testing.T) {
	deg := math.Pi / 180
	for _, tc := range []struct {
		name   string
		c      fit.Circle
		n      int
		a0, a1 float64
	}{
		{"full", hole, 600, 0, 2 * math.Pi * 599 / 600},
		{"half", hole, 300, 0, math.Pi},
		{"quarter", hole, 150, 10 * deg, 100 * deg},
		{"30°", fit.Circle{X0: 2650, Y0: -20, R: 275}, 60, -15 * deg, 15 * deg},
		{"three points", fit.Circle{X0: 1, Y0: 2, R: 3}, 3, 0, 2},
		{"unit at origin", fit.Circle{R: 1}, 8, 0, 7 * math.Pi / 4},
		{"tiny", fit.Circle{X0: 1e-3, Y0: 2e-3, R: 1e-4}, 20, 0, math.Pi},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := arc(0, tc.c, tc.n, tc.a0, tc.a1, 0)
			got, err := fit.CirclePoints(x, y)
			require.NoError(t, err)
			require.Equal(t, tc.n, got.N)
			// Rounding only: ≤ 1e-9 of the radius (brief).
			tol := 1e-9 * tc.c.R
			require.InDelta(t, tc.c.X0, got.X0, tol)
			require.InDelta(t, tc.c.Y0, got.Y0, tol)
			require.InDelta(t, tc.c.R, got.R, tol)
			require.Less(t, got.RMS, tol)
		})
	}
}

// TestCirclePointsNoise checks the fit with radial Gaussian noise against
// the standard errors of the linearised geometric problem at the truth,
// computed with gonum (stdErrors). For the full circle they have the closed
// form σ_X0 = σ_Y0 = σ·sqrt(2/n), σ_R = σ/sqrt(n) (JᵀJ = diag(n/2, n/2, n)).
func TestCirclePointsNoise(t *testing.T) {
	const (
		sigma = 0.9 // µm: a 3 µm pixel's quantisation, 3/sqrt(12)
		k     = 4   // standard errors allowed
	)
	deg := math.Pi / 180
	for i, tc := range []struct {
		name   string
		n      int
		a0, a1 float64
	}{
		{"full", 600, 0, 2 * math.Pi * 599 / 600},
		{"half", 300, 0, math.Pi},
		{"quarter", 200, 0, 90 * deg},
		{"45°", 200, 20 * deg, 65 * deg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := arc(uint64(20+i), hole, tc.n, tc.a0, tc.a1, sigma)
			got, err := fit.CirclePoints(x, y)
			require.NoError(t, err)

			// Jacobian of the distance |p − c| − R in (X0, Y0, R).
			j := mat.NewDense(tc.n, 3, nil)
			for i := range x {
				a := tc.a0 + (tc.a1-tc.a0)*float64(i)/float64(tc.n-1)
				j.SetRow(i, []float64{-math.Cos(a), -math.Sin(a), -1})
			}
			se := stdErrors(j, sigma)
			if tc.name == "full" {
				require.InEpsilon(t, sigma*math.Sqrt(2.0/600), se[0], 1e-6)
				require.InEpsilon(t, sigma/math.Sqrt(600), se[2], 1e-6)
			}
			t.Logf("z-scores X0 %.2f Y0 %.2f R %.2f; σ_R %.3g µm", (got.X0-hole.X0)/se[0], (got.Y0-hole.Y0)/se[1], (got.R-hole.R)/se[2], se[2])
			require.InDelta(t, hole.X0, got.X0, k*se[0])
			require.InDelta(t, hole.Y0, got.Y0, k*se[1])
			require.InDelta(t, hole.R, got.R, k*se[2])
			want, sd := rmsBand(sigma, tc.n, 3)
			require.InDelta(t, want, got.RMS, k*sd)
		})
	}
}

func TestCirclePointsErrors(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		x, y []float64
		want error
	}{
		{"empty", nil, nil, fit.ErrTooFewPoints},
		{"two points", []float64{0, 1}, []float64{1, 0}, fit.ErrTooFewPoints},
		{"NaN", []float64{0, 1, nan}, []float64{1, 0, 0}, fit.ErrTooFewPoints},
		{"one point repeated", []float64{2, 2, 2, 2}, []float64{1, 1, 1, 1}, fit.ErrIllConditioned},
		{"collinear", []float64{0, 1, 2, 3, 4}, []float64{1, 3, 5, 7, 9}, fit.ErrIllConditioned},
		{"three collinear", []float64{0, 1, 2}, []float64{0, 0, 0}, fit.ErrIllConditioned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fit.CirclePoints(tc.x, tc.y)
			require.ErrorIs(t, err, tc.want)
		})
	}
	// NaN points are skipped.
	x, y := arc(0, hole, 50, 0, math.Pi, 0)
	x, y = append(x, nan, 1e6), append(y, 1e6, nan)
	got, err := fit.CirclePoints(x, y)
	require.NoError(t, err)
	require.Equal(t, 50, got.N)
	require.InDelta(t, hole.R, got.R, 1e-9)
}
