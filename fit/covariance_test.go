package fit_test

import (
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/r2"
)

// covRef returns σ²·(JᵀJ)⁻¹ for the Jacobian j (one row per point),
// computed with gonum after scaling the columns to unit norm: the
// reference every fit's covariance is checked against.
func covRef(j *mat.Dense, sigma2 float64) *mat.SymDense {
	n, p := j.Dims()
	js := mat.DenseCopyOf(j)
	norms := make([]float64, p)
	for k := range p {
		norms[k] = mat.Norm(js.ColView(k), 2)
		for i := range n {
			js.Set(i, k, js.At(i, k)/norms[k])
		}
	}
	var jtj mat.SymDense
	jtj.SymOuterK(1, js.T())
	var ch mat.Cholesky
	if !ch.Factorize(&jtj) {
		panic("covRef: singular Jacobian")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		panic(err)
	}
	out := mat.NewSymDense(p, nil)
	for a := range p {
		for b := a; b < p; b++ {
			out.SetSym(a, b, sigma2*inv.At(a, b)/(norms[a]*norms[b]))
		}
	}
	return out
}

// requireCov checks c against the reference: each entry to 1e-7 of the
// product of the standard deviations (a correlation of 1e-7), well above
// the rounding of either solve at condition numbers up to 1e6.
func requireCov(t *testing.T, want *mat.SymDense, c *fit.Covariance, sigma2 float64) {
	t.Helper()
	p, _ := want.Dims()
	require.Equal(t, p, c.P)
	require.InEpsilon(t, sigma2, c.Sigma2, 1e-9)
	for a := range p {
		for b := range p {
			scale := math.Sqrt(want.At(a, a) * want.At(b, b))
			require.InDelta(t, want.At(a, b), c.At(a, b), 1e-7*scale, "entry %d,%d", a, b)
		}
	}
}

// sigma2Of is the residual variance RSS/(N − p) from a fit's RMS.
func sigma2Of(q fit.Quality, p int) float64 {
	return q.RMS * q.RMS * float64(q.N) / float64(q.N-p)
}

// TestCovarianceLine: the closed form of a straight line's covariance,
// var(B) = σ²/Sxx, var(A) = σ²(1/n + x̄²/Sxx), cov(A, B) = −σ²·x̄/Sxx.
func TestCovarianceLine(t *testing.T) {
	rng := newRand(1)
	var x, y []float64
	for i := range 40 {
		xi := 100 + 2.5*float64(i)
		x = append(x, xi)
		y = append(y, 3+0.01*xi+0.05*rng.NormFloat64())
	}
	l, err := fit.LinePoints(x, y)
	require.NoError(t, err)
	var xm, sxx float64
	for _, v := range x {
		xm += v / 40
	}
	for _, v := range x {
		sxx += (v - xm) * (v - xm)
	}
	s2 := sigma2Of(l.Quality, 2)
	require.InEpsilon(t, s2/sxx, l.Cov.At(1, 1), 1e-9)
	require.InEpsilon(t, s2*(1.0/40+xm*xm/sxx), l.Cov.At(0, 0), 1e-9)
	require.InEpsilon(t, -s2*xm/sxx, l.Cov.At(0, 1), 1e-9)
	require.InEpsilon(t, math.Sqrt(s2/sxx), l.Cov.Std(1), 1e-9)
	// Var is the propagation gᵀCg: the line's value at x = 150.
	require.InEpsilon(t, s2*(1.0/40+(150-xm)*(150-xm)/sxx), l.Cov.Var(1, 150), 1e-9)
}

// TestCovarianceLinear: every linear fit's covariance against gonum's
// inverse of its design matrix in the caller's coordinates.
func TestCovarianceLinear(t *testing.T) {
	rng := newRand(2)
	var x, y, z []float64
	for range 500 {
		xi, yi := 1000+400*rng.Float64(), -300+200*rng.Float64()
		x, y = append(x, xi), append(y, yi)
		z = append(z, dome.At(xi, yi)+0.002*rng.NormFloat64())
	}
	design := func(p int) *mat.Dense {
		j := mat.NewDense(len(x), p, nil)
		for i := range x {
			row := []float64{1, x[i], y[i], x[i] * x[i], y[i] * y[i], x[i] * y[i]}
			j.SetRow(i, row[:p])
		}
		return j
	}
	pl, err := fit.PlanePoints(x, y, z)
	require.NoError(t, err)
	requireCov(t, covRef(design(3), sigma2Of(pl.Quality, 3)), pl.Cov, sigma2Of(pl.Quality, 3))
	q, err := fit.QuadricPoints(x, y, z)
	require.NoError(t, err)
	requireCov(t, covRef(design(6), sigma2Of(q.Quality, 6)), q.Cov, sigma2Of(q.Quality, 6))

	qd, err := fit.QuadraticPoints(x, z)
	require.NoError(t, err)
	j := mat.NewDense(len(x), 3, nil)
	for i := range x {
		j.SetRow(i, []float64{1, x[i], x[i] * x[i]})
	}
	requireCov(t, covRef(j, sigma2Of(qd.Quality, 3)), qd.Cov, sigma2Of(qd.Quality, 3))

	// The map fits: the same as the point fits over the same pixels.
	m := surfaceMap(120, 80, r2.Vec{X: 3, Y: 3}, r2.Vec{X: 500, Y: -100}, func(x, y float64) float64 {
		return dome.At(x, y) + 0.002*rng.NormFloat64()
	})
	mx, my, mz := mapPoints(m, nil)
	pm, qm, err := fit.SurfaceMap(m, nil)
	require.NoError(t, err)
	pp, err := fit.PlanePoints(mx, my, mz)
	require.NoError(t, err)
	qp, err := fit.QuadricPoints(mx, my, mz)
	require.NoError(t, err)
	for a := range 3 {
		for b := range 3 {
			require.InDelta(t, pp.Cov.At(a, b), pm.Cov.At(a, b), 1e-6*math.Sqrt(pp.Cov.At(a, a)*pp.Cov.At(b, b)))
		}
	}
	for a := range 6 {
		for b := range 6 {
			require.InDelta(t, qp.Cov.At(a, b), qm.Cov.At(a, b), 1e-6*math.Sqrt(qp.Cov.At(a, a)*qp.Cov.At(b, b)))
		}
	}
}

// TestCovarianceTransform: a surface fitted in one frame and transformed
// has the covariance of the fit made in the other frame.
func TestCovarianceTransform(t *testing.T) {
	rng := newRand(3)
	const x0, y0, th = 1200.0, -150.0, 0.3
	s, c := math.Sincos(th)
	var x, y, z, X, Y []float64
	for range 400 {
		xi, yi := 1000+400*rng.Float64(), -300+200*rng.Float64()
		x, y = append(x, xi), append(y, yi)
		z = append(z, dome.At(xi, yi)+0.002*rng.NormFloat64())
		dx, dy := xi-x0, yi-y0
		X, Y = append(X, c*dx+s*dy), append(Y, -s*dx+c*dy)
	}
	pl, err := fit.PlanePoints(x, y, z)
	require.NoError(t, err)
	pf, err := fit.PlanePoints(X, Y, z)
	require.NoError(t, err)
	pt := pl.Transform(x0, y0, th)
	q, err := fit.QuadricPoints(x, y, z)
	require.NoError(t, err)
	qf, err := fit.QuadricPoints(X, Y, z)
	require.NoError(t, err)
	qt := q.Transform(x0, y0, th)
	for a := range 3 {
		for b := range 3 {
			require.InDelta(t, pf.Cov.At(a, b), pt.Cov.At(a, b), 1e-6*math.Sqrt(pf.Cov.At(a, a)*pf.Cov.At(b, b)))
		}
	}
	for a := range 6 {
		for b := range 6 {
			require.InDelta(t, qf.Cov.At(a, b), qt.Cov.At(a, b), 1e-6*math.Sqrt(qf.Cov.At(a, a)*qf.Cov.At(b, b)))
		}
	}
}

// TestCovarianceSphereCircle: the iterative fits' covariance is σ²(JᵀJ)⁻¹
// with J the derivative of the residuals with respect to the caller's
// parameters at the solution, here by central differences.
func TestCovarianceSphereCircle(t *testing.T) {
	truth := fit.Sphere{X0: 2, Y0: -1.5, Z0: 1.8, R: 8000}
	x, y, z := tip(4, truth, 0, 0, 0.004)
	s, err := fit.SpherePoints(x, y, z)
	require.NoError(t, err)
	j := mat.NewDense(len(x), 4, nil)
	for i := range x {
		for k := range 4 {
			p := [4]float64{s.X0, s.Y0, s.Z0, s.R}
			h := 1e-4 * math.Max(1, math.Abs(p[k]))
			at := func(d float64) float64 {
				q := p
				q[k] += d
				return fit.Sphere{X0: q[0], Y0: q[1], Z0: q[2], R: q[3]}.At(x[i], y[i])
			}
			j.Set(i, k, (at(h)-at(-h))/(2*h))
		}
	}
	requireCovLoose(t, covRef(j, sigma2Of(s.Quality, 4)), s.Cov)

	rng := newRand(5)
	var cx, cy []float64
	for i := range 200 {
		a := 2 * math.Pi * float64(i) / 200
		r := 62.5 + 0.3*rng.NormFloat64()
		cx, cy = append(cx, 10+r*math.Cos(a)), append(cy, -4+r*math.Sin(a))
	}
	circ, err := fit.CirclePoints(cx, cy)
	require.NoError(t, err)
	jc := mat.NewDense(len(cx), 3, nil)
	for i := range cx {
		dx, dy := cx[i]-circ.X0, cy[i]-circ.Y0
		d := math.Hypot(dx, dy)
		jc.SetRow(i, []float64{-dx / d, -dy / d, -1})
	}
	requireCovLoose(t, covRef(jc, sigma2Of(circ.Quality, 3)), circ.Cov)
	// A full circle of n points: var(X0) = var(Y0) = 2σ²/n.
	require.InEpsilon(t, 2*sigma2Of(circ.Quality, 3)/200, circ.Cov.At(0, 0), 0.01)
}

// requireCovLoose is requireCov to 1e-5: the reference Jacobian is a
// central difference.
func requireCovLoose(t *testing.T, want *mat.SymDense, c *fit.Covariance) {
	t.Helper()
	p, _ := want.Dims()
	require.Equal(t, p, c.P)
	for a := range p {
		for b := range p {
			scale := math.Sqrt(want.At(a, a) * want.At(b, b))
			require.InDelta(t, want.At(a, b), c.At(a, b), 1e-5*scale, "entry %d,%d", a, b)
		}
	}
}

// TestCovarianceHonest: over repeated noise the fitted parameters scatter
// as their covariance says. 400 realizations: a sample standard deviation
// is then within ±3.5 % of the truth (1/√(2·399)) at one sigma; the band
// 0.88…1.12 is 3.4 sigma.
func TestCovarianceHonest(t *testing.T) {
	truth := fit.Sphere{X0: 2, Y0: -1.5, Z0: 1.8, R: 8000}
	const n = 400
	var vals [n][4]float64
	var meanVar [4]float64
	for k := range n {
		x, y, z := tip(uint64(100+k), truth, 0, 0, 0.004)
		s, err := fit.SpherePoints(x, y, z)
		require.NoError(t, err)
		vals[k] = [4]float64{s.X0, s.Y0, s.Z0, s.R}
		for i := range 4 {
			meanVar[i] += s.Cov.At(i, i) / n
		}
	}
	for i := range 4 {
		var m, ss float64
		for k := range n {
			m += vals[k][i] / n
		}
		for k := range n {
			ss += (vals[k][i] - m) * (vals[k][i] - m)
		}
		ratio := math.Sqrt(ss/(n-1)) / math.Sqrt(meanVar[i])
		require.InDelta(t, 1, ratio, 0.12, "parameter %d: scatter/uncertainty %.3f", i, ratio)
	}
}

func TestCovarianceFailed(t *testing.T) {
	// Exactly p points: no residual degrees of freedom, no covariance.
	p, err := fit.PlanePoints([]float64{0, 1, 0}, []float64{0, 0, 1}, []float64{1, 2, 3})
	require.NoError(t, err)
	require.Nil(t, p.Cov)
	require.True(t, math.IsNaN(p.Cov.Std(0)))
	require.Nil(t, p.Cov.Scale(2))
	require.Nil(t, p.Cov.Correlated(nil, 3))
	require.True(t, math.IsNaN(p.Cov.Var(1, 0, 0)))
	require.Panics(t, func() { p.Cov.At(0, 0) })
	l, err := fit.LinePoints([]float64{0, 1, 2}, []float64{0, 1, 3})
	require.NoError(t, err)
	require.Panics(t, func() { l.Cov.Var(1) })
	require.Equal(t, 2*l.Cov.At(1, 1), l.Cov.Scale(2).At(1, 1))
	// Correlated with R = I (JᵀRJ = JᵀJ = M = C/σ²) gives C back.
	jrj := []float64{l.Cov.At(0, 0) / l.Cov.Sigma2, l.Cov.At(0, 1) / l.Cov.Sigma2, l.Cov.At(1, 0) / l.Cov.Sigma2, l.Cov.At(1, 1) / l.Cov.Sigma2}
	jrj[0], jrj[1], jrj[2], jrj[3] = invert2(jrj)
	c := l.Cov.Correlated(jrj, 3)
	require.InEpsilon(t, l.Cov.At(1, 1), c.At(1, 1), 1e-9)
	require.InEpsilon(t, l.Cov.Sigma2, c.Sigma2, 1e-9)
	require.Panics(t, func() { l.Cov.Correlated(jrj[:3], 3) })
}

// invert2 inverts the 2×2 matrix [a b; c d].
func invert2(m []float64) (a, b, c, d float64) {
	det := m[0]*m[3] - m[1]*m[2]
	return m[3] / det, -m[1] / det, -m[2] / det, m[0] / det
}
