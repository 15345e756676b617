package fit_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// testCorrelation is a correlation with lags along both axes, none of
// them 0 or 1, so that every term of the convolution counts.
func testCorrelation() fit.Correlation {
	c := fit.White()
	c.X[1], c.X[2], c.Y[1] = 0.55, 0.2, 0.35
	c.KX, c.KY = 2, 1
	return c
}

// denseR is the correlation matrix of a cols × rows grid, from At.
func denseR(c *fit.Correlation, cols, rows int) *mat.Dense {
	n := cols * rows
	r := mat.NewDense(n, n, nil)
	for p := 0; p < n; p++ {
		for q := 0; q < n; q++ {
			r.Set(p, q, c.At(p%cols-q%cols, p/cols-q/cols))
		}
	}
	return r
}

// TestConvolveDense: Convolve's separable R·a is the dense product of the
// correlation matrix with a, to rounding (1e-12 on weights of order 1).
func TestConvolveDense(t *testing.T) {
	const cols, rows = 7, 5
	c := testCorrelation()
	rng := rand.New(rand.NewPCG(2, 2))
	a := make([]float64, cols*rows)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	got, _ := c.Convolve(nil, a, cols, rows, nil)
	var want mat.VecDense
	want.MulVec(denseR(&c, cols, rows), mat.NewVecDense(len(a), a))
	for i := range a {
		require.InDelta(t, want.AtVec(i), got[i], 1e-12, "pixel %d", i)
	}
	q, _ := c.QuadForm(a, cols, rows, nil)
	require.InDelta(t, mat.Dot(mat.NewVecDense(len(a), a), &want), q, 1e-10)
}

// TestCorrelatedDense: for a line fitted along a row of correlated
// residuals, Correlated is the sandwich σ²·M⁻¹(JᵀRJ)M⁻¹ with σ² = RSS/(n −
// tr(M⁻¹JᵀRJ)), computed here densely with gonum from the fit's points.
func TestCorrelatedDense(t *testing.T) {
	const n = 40
	c := testCorrelation()
	rng := rand.New(rand.NewPCG(3, 3))
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = float64(i)
		y[i] = 0.5 + 0.02*x[i] + 0.01*rng.NormFloat64()
	}
	l, err := fit.LinePoints(x, y)
	require.NoError(t, err)
	// J: the derivative of the line at each point, columns (1, x).
	j := mat.NewDense(n, 2, nil)
	for i := range x {
		j.Set(i, 0, 1)
		j.Set(i, 1, x[i])
	}
	var m, jr, jrj, mi mat.Dense
	m.Mul(j.T(), j)
	jr.Mul(j.T(), denseR(&c, n, 1))
	jrj.Mul(&jr, j)
	require.NoError(t, mi.Inverse(&m))
	var t1, sand mat.Dense
	t1.Mul(&mi, &jrj)
	tr := t1.At(0, 0) + t1.At(1, 1)
	var rss float64
	for i := range x {
		r := y[i] - (l.A + l.B*x[i])
		rss += r * r
	}
	s2 := rss / (n - tr)
	sand.Mul(&t1, &mi)
	sand.Scale(s2, &sand)

	got := l.Cov.Correlated([]float64{jrj.At(0, 0), jrj.At(0, 1), jrj.At(1, 0), jrj.At(1, 1)}, n)
	require.NotNil(t, got)
	require.InEpsilon(t, s2, got.Sigma2, 1e-9)
	for a := 0; a < 2; a++ {
		for b := 0; b < 2; b++ {
			require.InEpsilon(t, sand.At(a, b), got.At(a, b), 1e-9, "(%d, %d)", a, b)
		}
	}
	// Correlation inflates the slope's variance over the white estimate.
	require.Greater(t, got.At(1, 1), l.Cov.At(1, 1))
	require.False(t, math.IsNaN(got.Std(1)))
}
