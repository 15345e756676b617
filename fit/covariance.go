package fit

import (
	"fmt"
	"math"
)

// Covariance is the covariance matrix of a fit's parameters, in the
// caller's units and in the order the result lists them: Plane A, B, C;
// Quadric A, B, C, D, E, F; Sphere X0, Y0, Z0, R; Circle X0, Y0, R; Line
// A, B; Quadratic A, B, C. It is σ²·(AᵀA)⁻¹ for the linear fits and
// σ²·(JᵀJ)⁻¹ at the solution for the iterative ones (mapped through the
// derivative of the parameters, e.g. dR/d(1/R) for the sphere), with σ²
// the residual variance RSS/(N − p) (Sigma2).
//
// It assumes independent residuals: for residuals correlated over several
// pixels scale it by the variance inflation of a Correlation (Scale) or
// use Correlated. A result holds it by pointer (Quality.Cov), nil when the
// fit failed or N ≤ p, where the residuals say nothing about the noise;
// the methods take a nil Covariance as one with no parameters.
type Covariance struct {
	// P is the number of parameters.
	P int
	// Sigma2 is the residual variance RSS/(N − p) the matrix was scaled
	// by, in the square of the residuals' unit.
	Sigma2 float64
	m      [maxParams * maxParams]float64 // full symmetric, stride maxParams
}

// At returns the covariance of parameters i and j. It panics if i or j is
// not below P (always for a nil Covariance).
func (c *Covariance) At(i, j int) float64 {
	if c == nil || i < 0 || j < 0 || i >= c.P || j >= c.P {
		panic("fit: covariance index out of range")
	}
	return c.m[i*maxParams+j]
}

// Std returns the standard deviation of parameter i, NaN if there is no
// covariance.
func (c *Covariance) Std(i int) float64 {
	if c == nil {
		return math.NaN()
	}
	return math.Sqrt(c.At(i, i))
}

// Var returns gᵀ·C·g, the variance of the linear combination Σ g[i]·θᵢ of
// the parameters (the first-order propagation to a function whose
// gradient is g), NaN if there is no covariance. It panics if len(g)
// differs from P.
func (c *Covariance) Var(g ...float64) float64 {
	if c == nil {
		return math.NaN()
	}
	if len(g) != c.P {
		panic("fit: covariance gradient length differs from the parameter count")
	}
	var s float64
	for i, gi := range g {
		for j, gj := range g {
			s += gi * c.m[i*maxParams+j] * gj
		}
	}
	return max(s, 0)
}

// Scale returns a new covariance, c multiplied by f, Sigma2 included: f is
// the variance inflation of correlated residuals (Correlation.Factor) or a
// ratio of noise variances. It returns nil for a nil c.
func (c *Covariance) Scale(f float64) *Covariance {
	if c == nil {
		return nil
	}
	out := *c
	out.Sigma2 *= f
	for i := range out.m {
		out.m[i] *= f
	}
	return &out
}

// Correlated returns the covariance of the same fit for residuals
// correlated with correlation matrix R, the sandwich
//
//	σ²·M⁻¹·(JᵀRJ)·M⁻¹,  σ² = RSS / (n − tr(M⁻¹·JᵀRJ)),
//
// with M = JᵀJ the fit's normal matrix (c/Sigma2), J the derivative of the
// model at the n fitted points with respect to the parameters (the order
// of c), jrj = JᵀRJ (row-major, P×P) and RSS = Sigma2·(n − P). The
// denominator is the expected residual sum of squares of correlated noise
// of unit variance, n − tr(H·R) with H the hat matrix: a fit absorbs more
// of correlated noise than p degrees of freedom' worth, so RSS/(n − p)
// underestimates its variance. For R = I it returns a copy of c. It
// returns nil if c is nil, Sigma2 is 0 or n − tr(M⁻¹·JᵀRJ) is not
// positive. It panics if len(jrj) is not P².
func (c *Covariance) Correlated(jrj []float64, n int) *Covariance {
	if c == nil {
		return nil
	}
	p := c.P
	if len(jrj) != p*p {
		panic(fmt.Sprintf("fit: Correlated: %d entries for %d parameters", len(jrj), p))
	}
	if !(c.Sigma2 > 0) {
		return nil
	}
	// mi = M⁻¹ = c/σ²; t = M⁻¹·JᵀRJ.
	var t [maxParams * maxParams]float64
	var tr float64
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			var s float64
			for k := 0; k < p; k++ {
				s += c.m[i*maxParams+k] / c.Sigma2 * jrj[k*p+j]
			}
			t[i*maxParams+j] = s
		}
		tr += t[i*maxParams+i]
	}
	dof := float64(n) - tr
	if !(dof > 0) {
		return nil
	}
	s2 := c.Sigma2 * float64(n-p) / dof
	out := &Covariance{P: p, Sigma2: s2}
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			var s float64
			for k := 0; k < p; k++ {
				s += t[i*maxParams+k] * c.m[k*maxParams+j] / c.Sigma2
			}
			s *= s2
			out.m[i*maxParams+j], out.m[j*maxParams+i] = s, s
		}
	}
	return out
}

// jacobian holds the derivative of q caller parameters with respect to the
// p parameters of the scaled problem: t[i*maxParams+k] = ∂θᵢ/∂βₖ.
type jacobian [maxParams * maxParams]float64

// newCovariance returns σ²·T·a⁻¹·Tᵀ for the normal matrix a of order p
// (upper triangle) of the scaled problem, σ² = rss/(n − p) in the scaled
// residuals' unit, sigUnit the factor (squared) to the caller's residual
// unit, and T the jacobian to the q caller parameters. It returns nil if
// n ≤ p or a is not positive definite.
func newCovariance(a *symMat, p, n int, rss, sigUnit float64, q int, t *jacobian) *Covariance {
	if n <= p {
		return nil
	}
	var inv [maxParams * maxParams]float64 // a⁻¹, column k = a⁻¹eₖ
	for k := 0; k < p; k++ {
		var e [maxParams]float64
		e[k] = 1
		x, ok := a.solve(&e, p)
		if !ok {
			return nil
		}
		for i := 0; i < p; i++ {
			inv[i*maxParams+k] = x[i]
		}
	}
	s2 := rss / float64(n-p)
	c := &Covariance{P: q, Sigma2: s2 * sigUnit}
	// T·inv·Tᵀ, symmetrised.
	var ti [maxParams * maxParams]float64 // T·inv
	for i := 0; i < q; i++ {
		for k := 0; k < p; k++ {
			var s float64
			for l := 0; l < p; l++ {
				s += t[i*maxParams+l] * inv[l*maxParams+k]
			}
			ti[i*maxParams+k] = s
		}
	}
	for i := 0; i < q; i++ {
		for j := i; j < q; j++ {
			var s float64
			for k := 0; k < p; k++ {
				s += ti[i*maxParams+k] * t[j*maxParams+k]
			}
			s *= s2
			c.m[i*maxParams+j], c.m[j*maxParams+i] = s, s
		}
	}
	return c
}

// transform returns the covariance of θ' = T·θ for a linear map of the
// parameters onto as many new ones (frame transforms), nil for nil.
func (c *Covariance) transform(t *jacobian) *Covariance {
	if c == nil {
		return nil
	}
	out := &Covariance{P: c.P, Sigma2: c.Sigma2}
	p := c.P
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			var s float64
			for k := 0; k < p; k++ {
				tik := t[i*maxParams+k]
				if tik == 0 {
					continue
				}
				for l := 0; l < p; l++ {
					s += tik * c.m[k*maxParams+l] * t[j*maxParams+l]
				}
			}
			out.m[i*maxParams+j], out.m[j*maxParams+i] = s, s
		}
	}
	return out
}

// quadricCoeffs and quadricFrom convert between a Quadric's coefficients
// and a vector, for the jacobians of its transforms.
func quadricCoeffs(q Quadric) [maxParams]float64 {
	return [maxParams]float64{q.A, q.B, q.C, q.D, q.E, q.F}
}

func quadricFrom(v *[maxParams]float64) Quadric {
	return Quadric{A: v[0], B: v[1], C: v[2], D: v[3], E: v[4], F: v[5]}
}
