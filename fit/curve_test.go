package fit_test

import (
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/stretchr/testify/require"
)

func TestLinePoints(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		want fit.Line
	}{
		{"two points", []float64{1, 3}, fit.Line{A: 1, B: 2}},
		{"fiber row", []float64{-1375, -1125, -875, -625, -375, -125, 125, 375, 625, 875, 1125, 1375}, fit.Line{A: 1.8, B: 1e-4}},
		{"far from origin", []float64{1e4, 1e4 + 1, 1e4 + 2, 1e4 + 3}, fit.Line{A: -5, B: 0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := make([]float64, len(tc.x))
			for i, x := range tc.x {
				y[i] = tc.want.At(x)
			}
			got, err := fit.LinePoints(tc.x, y)
			require.NoError(t, err)
			require.Equal(t, len(tc.x), got.N)
			require.InEpsilon(t, tc.want.B, got.B, 1e-9)
			for i, x := range tc.x {
				require.InDelta(t, y[i], got.At(x), 1e-9*(1+math.Abs(y[i])))
			}
			require.Less(t, got.RMS, 1e-9)
		})
	}
}

// TestLinePointsNoise checks the slope against its closed-form standard
// error σ/sqrt(Σ(x−x̄)²) and the intercept at x̄ against σ/√n.
func TestLinePointsNoise(t *testing.T) {
	const sigma, n = 0.01, 200
	rng := newRand(30)
	want := fit.Line{A: 2, B: -0.003}
	x, y := make([]float64, n), make([]float64, n)
	var sx, sxx float64
	for i := range x {
		x[i] = 1000 + 10*float64(i)
		y[i] = want.At(x[i]) + sigma*rng.NormFloat64()
		sx += x[i]
	}
	xm := sx / n
	for _, v := range x {
		sxx += (v - xm) * (v - xm)
	}
	got, err := fit.LinePoints(x, y)
	require.NoError(t, err)
	require.InDelta(t, want.B, got.B, 4*sigma/math.Sqrt(sxx))
	require.InDelta(t, want.At(xm), got.At(xm), 4*sigma/math.Sqrt(n))
	w, sd := rmsBand(sigma, n, 2)
	require.InDelta(t, w, got.RMS, 4*sd)
}

func TestQuadraticPoints(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		want fit.Quadratic
	}{
		{"three points", []float64{-1, 0, 2}, fit.Quadratic{A: 1, B: 2, C: 3}},
		// A fiber row's heights on a 2 m curvature: C = 1/(2R), µm.
		{"fiber row", []float64{-1375, -1125, -875, -625, -375, -125, 125, 375, 625, 875, 1125, 1375}, fit.Quadratic{A: 1.8, B: 1e-4, C: 2.5e-7}},
		{"far from origin", []float64{500, 510, 520, 530, 540}, fit.Quadratic{A: 3, B: -0.1, C: 1e-4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := make([]float64, len(tc.x))
			for i, x := range tc.x {
				y[i] = tc.want.At(x)
			}
			got, err := fit.QuadraticPoints(tc.x, y)
			require.NoError(t, err)
			require.InEpsilon(t, tc.want.C, got.C, 1e-9)
			for i, x := range tc.x {
				require.InDelta(t, y[i], got.At(x), 1e-9*(1+math.Abs(y[i])))
			}
			require.Less(t, got.RMS, 1e-9)
		})
	}
}

func TestCurveErrors(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name            string
		x, y            []float64
		line, quadratic error
	}{
		{"empty", nil, nil, fit.ErrTooFewPoints, fit.ErrTooFewPoints},
		{"one point", []float64{1}, []float64{2}, fit.ErrTooFewPoints, fit.ErrTooFewPoints},
		{"NaN", []float64{1, nan, 3}, []float64{2, 3, nan}, fit.ErrTooFewPoints, fit.ErrTooFewPoints},
		{"two points", []float64{1, 2}, []float64{2, 3}, nil, fit.ErrTooFewPoints},
		{"all x equal", []float64{2, 2, 2, 2}, []float64{1, 2, 3, 4}, fit.ErrIllConditioned, fit.ErrIllConditioned},
		{"two x values", []float64{1, 1, 2, 2}, []float64{1, 2, 3, 4}, nil, fit.ErrIllConditioned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fit.LinePoints(tc.x, tc.y)
			if tc.line == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.line)
			}
			_, err = fit.QuadraticPoints(tc.x, tc.y)
			require.ErrorIs(t, err, tc.quadratic)
		})
	}
}
