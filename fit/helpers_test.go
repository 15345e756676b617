package fit_test

import (
	"math"
	"math/rand/v2"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/r2"
)

// newRand returns the seeded generator of a test: every noisy test is
// deterministic.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// surfaceMap returns a cols×rows map with the given pitch and offset whose
// heights are f at each pixel's map coordinates.
func surfaceMap(cols, rows int, pitch, offset r2.Vec, f func(x, y float64) float64) *geometry.HeightMap {
	m := geometry.New(cols, rows, pitch)
	m.Offset = offset
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			p := m.PixelToMap(float64(c), float64(r))
			m.Set(c, r, f(p.X, p.Y))
		}
	}
	return m
}

// mapPoints returns the map coordinates and heights of the pixels of m
// selected by mask (nil: all), NaN pixels included.
func mapPoints(m *geometry.HeightMap, mask []bool) (x, y, z []float64) {
	dx := m.Rect.Dx()
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		for c := m.Rect.Min.X; c < m.Rect.Max.X; c++ {
			if mask != nil && !mask[(r-m.Rect.Min.Y)*dx+(c-m.Rect.Min.X)] {
				continue
			}
			p := m.PixelToMap(float64(c), float64(r))
			x = append(x, p.X)
			y = append(y, p.Y)
			z = append(z, m.At(c, r))
		}
	}
	return x, y, z
}

// annulus returns n points spread uniformly (by area) over the annulus
// rIn ≤ ρ ≤ rOut around (cx, cy), by rejection from the bounding square.
func annulus(rng *rand.Rand, n int, cx, cy, rIn, rOut float64) (x, y []float64) {
	for len(x) < n {
		px, py := (2*rng.Float64()-1)*rOut, (2*rng.Float64()-1)*rOut
		if r := math.Hypot(px, py); r < rIn || r > rOut {
			continue
		}
		x = append(x, cx+px)
		y = append(y, cy+py)
	}
	return x, y
}

// stdErrors returns the standard errors σ·sqrt(diag((JᵀJ)⁻¹)) of a
// least-squares fit with Jacobian j (one row per point) and residual
// standard deviation sigma, computed with gonum after scaling the columns
// to unit norm: the reference the non-linear fits are checked against.
func stdErrors(j *mat.Dense, sigma float64) []float64 {
	_, p := j.Dims()
	js := mat.DenseCopyOf(j)
	norms := make([]float64, p)
	for k := range p {
		norms[k] = mat.Norm(js.ColView(k), 2)
		col := mat.NewVecDense(js.RawMatrix().Rows, nil)
		col.ScaleVec(1/norms[k], js.ColView(k))
		js.SetCol(k, col.RawVector().Data)
	}
	var jtj mat.SymDense
	jtj.SymOuterK(1, js.T())
	var ch mat.Cholesky
	if !ch.Factorize(&jtj) {
		panic("stdErrors: singular Jacobian")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		panic(err)
	}
	se := make([]float64, p)
	for k := range p {
		se[k] = sigma * math.Sqrt(inv.At(k, k)) / norms[k]
	}
	return se
}

// rmsBand returns the expected RMS residual σ·sqrt((N−p)/N) of a linear
// fit of p parameters to N points with Gaussian noise σ, and its standard
// deviation: RSS/σ² is χ² with N−p degrees of freedom, whose relative
// standard deviation sqrt(2/(N−p)) halves under the square root.
func rmsBand(sigma float64, n, p int) (want, sd float64) {
	want = sigma * math.Sqrt(float64(n-p)/float64(n))
	return want, want / math.Sqrt(2*float64(n-p))
}
