package fit_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/stretchr/testify/require"
)

// gaussKernel is the 1-D Gaussian kernel of σ pixels to ±4σ, scaled to
// unit energy (Σg² = 1): white noise filtered along rows and columns with
// it keeps unit variance and has the correlation kernelRho.
func gaussKernel(sigma float64) []float64 {
	r := int(math.Ceil(4 * sigma))
	g := make([]float64, 2*r+1)
	var e float64
	for k := -r; k <= r; k++ {
		g[k+r] = math.Exp(-float64(k*k) / (2 * sigma * sigma))
		e += g[k+r] * g[k+r]
	}
	for k := range g {
		g[k] /= math.Sqrt(e)
	}
	return g
}

// kernelRho is the correlation at lag k of noise filtered with g: the
// kernel's autocorrelation Σ g(i)·g(i+k) (exact for the discrete filter).
func kernelRho(g []float64, k int) float64 {
	var s float64
	for i := 0; i+k < len(g); i++ {
		s += g[i] * g[i+k]
	}
	return s
}

// filtered returns cols × rows of white noise filtered with g along rows
// and columns (from a field padded by the kernel's reach).
func filtered(rng *rand.Rand, cols, rows int, g []float64) []float64 {
	r := len(g) / 2
	pc, pr := cols+2*r, rows+2*r
	w := make([]float64, pc*pr)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	h := make([]float64, pr*cols)
	for j := range pr {
		for i := range cols {
			var v float64
			for k, gk := range g {
				v += gk * w[j*pc+i+k]
			}
			h[j*cols+i] = v
		}
	}
	out := make([]float64, rows*cols)
	for j := range rows {
		for i := range cols {
			var v float64
			for k, gk := range g {
				v += gk * h[(j+k)*cols+i]
			}
			out[j*cols+i] = v
		}
	}
	return out
}

func TestGridCorrelationWhite(t *testing.T) {
	rng := newRand(6)
	const cols, rows = 300, 200
	r := make([]float64, cols*rows)
	for i := range r {
		r[i] = 0.003 * rng.NormFloat64()
		if rng.Float64() < 0.05 {
			r[i] = math.NaN() // dropouts
		}
	}
	c := fit.GridCorrelation(r, cols, rows, cols)
	// A lag kept by chance (2σ, ~2 % per direction) adds at most
	// 2·4/√57 000 ≈ 0.03 to its factor.
	require.InDelta(t, 1, c.Factor(), 0.07)
	require.LessOrEqual(t, c.KX, 1)
	require.LessOrEqual(t, c.KY, 1)
	require.InDelta(t, float64(c.N), c.EffectiveN(c.N), 0.07*float64(c.N))
	w := fit.White()
	require.Equal(t, 1.0, w.Factor())
	require.Equal(t, 1.0, w.At(0, 0))
	require.Equal(t, 0.0, w.At(1, 0))
}

// TestGridCorrelationFiltered: the lags and the factor of Gaussian-
// filtered noise against the filter's own autocorrelation.
func TestGridCorrelationFiltered(t *testing.T) {
	rng := newRand(7)
	const cols, rows = 600, 500
	g := gaussKernel(2) // correlation ≈ exp(−k²/16)
	r := filtered(rng, cols, rows, g)
	for i := range r {
		r[i] *= 0.002
	}
	// A stride beyond the row, and a NaN hole, are skipped.
	const stride = cols + 3
	rs := make([]float64, rows*stride)
	for i := range rs {
		rs[i] = math.NaN()
	}
	for j := range rows {
		copy(rs[j*stride:], r[j*cols:(j+1)*cols])
	}
	for j := 100; j < 140; j++ {
		for i := 200; i < 260; i++ {
			rs[j*stride+i] = math.NaN()
		}
	}
	c := fit.GridCorrelation(rs, cols, rows, stride)
	want := 1.0
	for k := 1; k <= fit.MaxLag; k++ {
		want += 2 * kernelRho(g, k)
	}
	want *= want
	for k := 1; k <= 4; k++ {
		// A lag's standard error ≈ √(factor/n) = √(50/300 000) ≈ 0.013.
		require.InDelta(t, kernelRho(g, k), c.X[k], 0.05, "x lag %d", k)
		require.InDelta(t, kernelRho(g, k), c.Y[k], 0.05, "y lag %d", k)
	}
	// The lags the estimate cuts (ρ below 2/√n ≈ 0.004, beyond lag 9)
	// carry under 1 % of the sum; the estimate's noise a few %.
	require.InEpsilon(t, want, c.Factor(), 0.1)
	require.Greater(t, c.KX, 6)
}

// TestCorrelationFactorHonest: a plane fitted to correlated noise scatters
// over realizations by its covariance times Factor (n/n_eff). 300
// realizations: the sample standard deviation's own error is ±4.1 % at
// one sigma; the band ±15 % allows 2.5 sigma on top of the ~5 % the
// factor overstates the edges of a 150-pixel field (its pixels near the
// border have fewer correlated neighbours).
func TestCorrelationFactorHonest(t *testing.T) {
	rng := newRand(8)
	const cols, rows, n = 150, 150, 300
	g := gaussKernel(1.5)
	x, y := make([]float64, cols*rows), make([]float64, cols*rows)
	for j := range rows {
		for i := range cols {
			x[j*cols+i], y[j*cols+i] = 3*float64(i), 3*float64(j)
		}
	}
	var b, a [n]float64
	var vb, va float64
	for k := range n {
		z := filtered(rng, cols, rows, g)
		for i := range z {
			z[i] = 0.002*z[i] + 1e-4*x[i]
		}
		p, err := fit.PlanePoints(x, y, z)
		require.NoError(t, err)
		res := make([]float64, len(z))
		for i := range z {
			res[i] = z[i] - p.At(x[i], y[i])
		}
		c := fit.GridCorrelation(res, cols, rows, cols)
		cov := p.Cov.Scale(c.Factor())
		b[k], a[k] = p.B, p.At(225, 225)
		vb += cov.At(1, 1) / n
		va += cov.Var(1, 225, 225) / n
	}
	sd := func(v []float64) float64 {
		var m, ss float64
		for _, x := range v {
			m += x / float64(len(v))
		}
		for _, x := range v {
			ss += (x - m) * (x - m)
		}
		return math.Sqrt(ss / float64(len(v)-1))
	}
	t.Logf("scatter/uncertainty: slope %.3f, centre value %.3f", sd(b[:])/math.Sqrt(vb), sd(a[:])/math.Sqrt(va))
	require.InDelta(t, 1, sd(b[:])/math.Sqrt(vb), 0.15, "slope")
	require.InDelta(t, 1, sd(a[:])/math.Sqrt(va), 0.15, "value at the centre")
}

// TestQuadForm: the separable convolution against the double sum.
func TestQuadForm(t *testing.T) {
	rng := newRand(9)
	c := fit.Correlation{KX: 2, KY: 3}
	c.X[0], c.X[1], c.X[2] = 1, 0.7, 0.3
	c.Y[0], c.Y[1], c.Y[2], c.Y[3] = 1, 0.8, 0.5, 0.1
	const cols, rows = 7, 6
	a := make([]float64, cols*rows)
	for i := range a {
		if rng.Float64() < 0.8 {
			a[i] = rng.NormFloat64()
		}
	}
	var want float64
	for i := range a {
		for j := range a {
			want += a[i] * a[j] * c.At(i%cols-j%cols, i/cols-j/cols)
		}
	}
	got, _ := c.QuadForm(a, cols, rows, nil)
	require.InEpsilon(t, want, got, 1e-12)
	w := fit.White()
	var ss float64
	for _, v := range a {
		ss += v * v
	}
	got, _ = w.QuadForm(a, cols, rows, nil)
	require.Equal(t, ss, got)
	require.Panics(t, func() { c.QuadForm(a[:5], cols, rows, nil) })
	require.Panics(t, func() { fit.GridCorrelation(a[:5], cols, rows, cols) })
}
