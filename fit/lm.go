package fit

import "math"

// evalFunc evaluates a non-linear least-squares problem at p. It fills the
// upper triangle of jtj = JᵀJ and g = −Jᵀe, where e are the residuals and
// J = ∂e/∂p, and returns the cost Σe². It reports false if p is outside
// the model's domain.
type evalFunc func(p *[maxParams]float64, jtj *symMat, g *[maxParams]float64) (cost float64, ok bool)

const (
	lmMaxIter = 100
	// A step is negligible, and the fit has converged, when it would lower
	// the cost by less than lmRelTol of itself plus lmAbsTol per point
	// (squared residual in the scaled frame: a model change of 1e-14 of
	// the data's extent, far below any measurement).
	lmRelTol = 1e-12
	lmAbsTol = 1e-28
)

// levmar minimises the cost of eval over the first np parameters from p by
// Levenberg–Marquardt with Marquardt's diagonal scaling. It starts nearly
// as Gauss–Newton (the callers give it a good algebraic start). It returns
// the solution, JᵀJ and the cost there, and ErrNoConvergence if the start
// is infeasible or it runs out of iterations.
func levmar(np, n int, p [maxParams]float64, eval evalFunc) ([maxParams]float64, symMat, float64, error) {
	var a, at symMat
	var g, gt [maxParams]float64
	cost, ok := eval(&p, &a, &g)
	if !ok || math.IsNaN(cost) {
		return p, a, cost, ErrNoConvergence
	}
	lambda := 1e-9
	floor := lmAbsTol * float64(n)
	for it := 0; it < lmMaxIter; it++ {
		m := a
		for i := 0; i < np; i++ {
			m[i*maxParams+i] *= 1 + lambda
		}
		d, ok := m.solve(&g, np)
		if !ok {
			if lambda *= 10; lambda > 1e12 {
				break
			}
			continue
		}
		var pred float64 // predicted decrease of the cost (Gauss–Newton)
		for i := 0; i < np; i++ {
			pred += d[i] * g[i]
		}
		if pred <= lmRelTol*cost+floor {
			return p, a, cost, nil
		}
		pt := p
		for i := 0; i < np; i++ {
			pt[i] += d[i]
		}
		ct, ok := eval(&pt, &at, &gt)
		if ok && ct <= cost {
			p, a, g, cost = pt, at, gt, ct
			lambda = max(lambda/10, 1e-12)
		} else if lambda *= 10; lambda > 1e12 {
			break
		}
	}
	return p, a, cost, ErrNoConvergence
}
