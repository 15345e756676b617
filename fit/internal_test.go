package fit

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestSymMat checks the allocation-free Cholesky solve and the condition
// number against gonum on a Hilbert matrix, whose order-4 condition number
// is 15513.74 (the classical value, e.g. Higham, "Accuracy and Stability of
// Numerical Algorithms", 2002).
func TestSymMat(t *testing.T) {
	const p = 4
	var a symMat
	h := mat.NewSymDense(p, nil)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			a[i*maxParams+j] = 1 / float64(i+j+1)
			h.SetSym(i, j, 1/float64(i+j+1))
		}
	}
	require.InEpsilon(t, 15513.74, a.cond(p), 1e-6)
	b := [maxParams]float64{1, 2, 3, 4}
	x, ok := a.solve(&b, p)
	require.True(t, ok)
	var want mat.VecDense
	require.NoError(t, want.SolveVec(h, mat.NewVecDense(p, b[:p])))
	for i := 0; i < p; i++ {
		require.InEpsilon(t, want.AtVec(i), x[i], 1e-10)
	}
	// Not positive definite.
	a[0] = -1
	_, ok = a.solve(&b, p)
	require.False(t, ok)
	require.True(t, math.IsInf(a.cond(p), 1))
}

// TestLevmar checks the minimiser on Rosenbrock's function as residuals
// (10(p₁ − p₀²), 1 − p₀), minimum (1, 1) from the classical start
// (−1.2, 1) (Moré, Garbow and Hillstrom, ACM TOMS 7, 1981, problem 1), and
// its failures.
func TestLevmar(t *testing.T) {
	rosen := func(p *[maxParams]float64, a *symMat, g *[maxParams]float64) (float64, bool) {
		e0, e1 := 10*(p[1]-p[0]*p[0]), 1-p[0]
		// J = ∂e/∂p = [[−20p₀, 10], [−1, 0]].
		j00, j01, j10 := -20*p[0], 10.0, -1.0
		*a = symMat{}
		a[0] = j00*j00 + j10*j10
		a[1] = j00 * j01
		a[maxParams+1] = j01 * j01
		*g = [maxParams]float64{-(j00*e0 + j10*e1), -j01 * e0}
		return e0*e0 + e1*e1, true
	}
	p, _, cost, err := levmar(2, 2, [maxParams]float64{-1.2, 1}, rosen)
	require.NoError(t, err)
	require.InDelta(t, 1, p[0], 1e-10)
	require.InDelta(t, 1, p[1], 1e-10)
	require.Less(t, cost, 1e-20)

	_, _, _, err = levmar(2, 2, [maxParams]float64{-1.2, 1}, func(p *[maxParams]float64, a *symMat, g *[maxParams]float64) (float64, bool) {
		return 0, false
	})
	require.ErrorIs(t, err, ErrNoConvergence, "infeasible start")

	start := [maxParams]float64{-1.2, 1}
	_, _, _, err = levmar(2, 2, start, func(p *[maxParams]float64, a *symMat, g *[maxParams]float64) (float64, bool) {
		c, _ := rosen(p, a, g)
		return c, *p == start // every step leaves the domain
	})
	require.ErrorIs(t, err, ErrNoConvergence, "no feasible step")
}
