package fit

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Errors returned by the fits. They are wrapped with context; test for them
// with errors.Is.
var (
	// ErrTooFewPoints means fewer valid (NaN-free, unmasked) points than the
	// model has parameters.
	ErrTooFewPoints = errors.New("fit: too few valid points")
	// ErrIllConditioned means the geometry of the points does not determine
	// the model: all x equal, collinear points for a plane, a flat surface
	// for a sphere, ... or a condition number above MaxCond.
	ErrIllConditioned = errors.New("fit: ill-conditioned system")
	// ErrNoConvergence means an iterative fit did not converge.
	ErrNoConvergence = errors.New("fit: no convergence")
)

// MaxCond is the largest condition number (Quality.Cond) of an accepted fit.
// Above it a fit returns ErrIllConditioned: a linear solve then loses more
// than 12 of float64's ~16 significant digits.
const MaxCond = 1e12

// Quality describes how a fit went. It is embedded in every result.
type Quality struct {
	// N is the number of points used (NaN-free and, for the map fits,
	// selected by the mask).
	N int
	// RMS is the root-mean-square residual: along z for surfaces, along y
	// for Line and Quadratic, the geometric distance for Circle.
	RMS float64
	// Cond is the 2-norm condition number of the normal matrix of the
	// centred and scaled problem (for the iterative fits: of JᵀJ at the
	// solution). A fit with Cond > MaxCond returns ErrIllConditioned.
	Cond float64
	// Cov is the covariance of the fitted parameters, σ²·(AᵀA)⁻¹ with σ²
	// the residual variance (see Covariance); nil when the fit failed or
	// had no residual degrees of freedom. It is held by pointer so that
	// the results stay small values (their At methods copy them).
	Cov *Covariance
}

func tooFew(what string, n, need int) error {
	return fmt.Errorf("%w: %s needs %d, got %d", ErrTooFewPoints, what, need, n)
}

func illCond(what string, cond float64) error {
	return fmt.Errorf("%w: %s: condition number %.3g", ErrIllConditioned, what, cond)
}

// maxParams is the largest number of parameters of any model here.
const maxParams = 6

// symMat is a symmetric matrix of order ≤ maxParams stored row-major with
// stride maxParams; only the upper triangle (j ≥ i) need be filled.
type symMat [maxParams * maxParams]float64

func (a *symMat) at(i, j int) float64 {
	if j < i {
		i, j = j, i
	}
	return a[i*maxParams+j]
}

// cond returns the 2-norm condition number of the symmetric positive
// semi-definite matrix a of order p, +Inf if it is singular.
func (a *symMat) cond(p int) float64 {
	s := mat.NewSymDense(p, nil)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			s.SetSym(i, j, a[i*maxParams+j])
		}
	}
	var e mat.EigenSym
	if !e.Factorize(s, false) {
		return math.Inf(1)
	}
	var buf [maxParams]float64
	vals := e.Values(buf[:p])
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	if !(lo > 0) || math.IsNaN(hi) {
		return math.Inf(1)
	}
	return hi / lo
}

// solve solves a·x = b for the symmetric positive definite a of order p by
// Cholesky factorisation, reading the upper triangle of a. It reports false
// if a is not numerically positive definite. It does not allocate.
func (a *symMat) solve(b *[maxParams]float64, p int) (x [maxParams]float64, ok bool) {
	var l [maxParams * maxParams]float64 // lower factor, a = l·lᵀ
	for j := 0; j < p; j++ {
		d := a[j*maxParams+j]
		for k := 0; k < j; k++ {
			d -= l[j*maxParams+k] * l[j*maxParams+k]
		}
		if !(d > 0) {
			return x, false
		}
		d = math.Sqrt(d)
		l[j*maxParams+j] = d
		for i := j + 1; i < p; i++ {
			s := a[j*maxParams+i] // a[i][j] from the upper triangle
			for k := 0; k < j; k++ {
				s -= l[i*maxParams+k] * l[j*maxParams+k]
			}
			l[i*maxParams+j] = s / d
		}
	}
	// l·y = b, then lᵀ·x = y.
	for i := 0; i < p; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i*maxParams+k] * x[k]
		}
		x[i] = s / l[i*maxParams+i]
	}
	for i := p - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < p; k++ {
			s -= l[k*maxParams+i] * x[k]
		}
		x[i] = s / l[i*maxParams+i]
	}
	return x, true
}

// normalEq accumulates the normal equations Σφφᵀ·β = Σφ·w of a linear
// least-squares problem with p ≤ maxParams basis functions.
type normalEq struct {
	p int
	a symMat
	b [maxParams]float64
}

func (ne *normalEq) add(phi *[maxParams]float64, w float64) {
	for i := 0; i < ne.p; i++ {
		fi := phi[i]
		ne.b[i] += fi * w
		for j := i; j < ne.p; j++ {
			ne.a[i*maxParams+j] += fi * phi[j]
		}
	}
}

// solve returns the solution and the condition number of the normal
// matrix, or ErrIllConditioned (with the condition number) if that exceeds
// MaxCond or the matrix is not positive definite.
func (ne *normalEq) solve(what string) ([maxParams]float64, float64, error) {
	cond := ne.a.cond(ne.p)
	if !(cond <= MaxCond) {
		return [maxParams]float64{}, cond, illCond(what, cond)
	}
	x, ok := ne.a.solve(&ne.b, ne.p)
	if !ok {
		return x, math.Inf(1), illCond(what, math.Inf(1))
	}
	return x, cond, nil
}

// rss returns Σw² − 2βᵀb + βᵀAβ, the residual sum of squares computed from
// the accumulated sums, given ww = Σw². The form is stationary at the
// least-squares β, so a small error in β changes it only to second order.
func (ne *normalEq) rss(beta *[maxParams]float64, ww float64) float64 {
	s := ww
	for i := 0; i < ne.p; i++ {
		s -= 2 * beta[i] * ne.b[i]
		for j := 0; j < ne.p; j++ {
			s += beta[i] * ne.a.at(i, j) * beta[j]
		}
	}
	return max(s, 0)
}

func checkLen2(what string, x, y []float64) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("fit: %s: slice lengths differ (%d, %d)", what, len(x), len(y)))
	}
}

func checkLen3(what string, x, y, z []float64) {
	if len(x) != len(y) || len(x) != len(z) {
		panic(fmt.Sprintf("fit: %s: slice lengths differ (%d, %d, %d)", what, len(x), len(y), len(z)))
	}
}

// isNaN reports whether v is unusable: NaN, or ±Inf, which no fit can take
// and no measurement means.
func isNaN(v float64) bool { return v-v != 0 }

// bound extends [lo, hi] to v; plain comparisons, as v is never NaN here.
// cloud is what one pass over the usable points of a 3-D point set gives:
// their number, centroid and extent.
type cloud struct {
	n                  int
	xc, yc, zc         float64
	xlo, xhi, ylo, yhi float64
	zlo, zhi           float64
}

// scan makes the first pass over the points, skipping unusable ones.
func scan(x, y, z []float64) cloud {
	var c cloud
	var sx, sy, sz float64
	c.xlo, c.xhi = math.Inf(1), math.Inf(-1)
	c.ylo, c.yhi, c.zlo, c.zhi = c.xlo, c.xhi, c.xlo, c.xhi
	for i := range x {
		xi, yi, zi := x[i], y[i], z[i]
		if isNaN(xi) || isNaN(yi) || isNaN(zi) {
			continue
		}
		c.n++
		sx += xi
		sy += yi
		sz += zi
		c.xlo, c.xhi = bound(c.xlo, c.xhi, xi)
		c.ylo, c.yhi = bound(c.ylo, c.yhi, yi)
		c.zlo, c.zhi = bound(c.zlo, c.zhi, zi)
	}
	if c.n > 0 {
		fn := float64(c.n)
		c.xc, c.yc, c.zc = sx/fn, sy/fn, sz/fn
	}
	return c
}

func bound(lo, hi, v float64) (float64, float64) {
	if v < lo {
		lo = v
	}
	if v > hi {
		hi = v
	}
	return lo, hi
}

// halfRange returns the larger distance from c to lo or hi, or 1 if that
// is 0 (all values equal: the fit will then report ErrIllConditioned).
func halfRange(c, lo, hi float64) float64 {
	h := max(hi-c, c-lo)
	if !(h > 0) {
		return 1
	}
	return h
}

// scratch holds the buffers of the iterative fits, which copy the valid
// points to their scaled frame: repeated fits (one per fiber) reuse them.
var scratch = sync.Pool{New: func() any { return new([]float64) }}

// getScratch returns a buffer of length n from scratch; give it back with
// scratch.Put.
func getScratch(n int) *[]float64 {
	b := scratch.Get().(*[]float64)
	if cap(*b) < n {
		*b = make([]float64, n)
	}
	*b = (*b)[:n]
	return b
}
