package fit

import (
	"fmt"
	"math"
)

// MaxLag is the longest lag, in pixels, that GridCorrelation estimates.
const MaxLag = 12

// Correlation is the autocorrelation of a fit's residuals on the pixel
// grid, taken as separable: ρ(dc, dr) = X[|dc|]·Y[|dr|] for lags up to KX
// along rows (x) and KY along columns (y), 0 beyond, X[0] = Y[0] = 1.
// Separability is exact for the Gaussian correlation of filtered white
// noise and the usual approximation otherwise; it lets two 1-D estimates
// from a few hundred residuals stand for the whole 2-D function.
//
// Its Factor n/n_eff is how much correlated residuals inflate the variance
// of a fitted parameter over independent ones, and QuadForm the variance
// of any weighted sum of pixels; the zero value, like White, means
// independent residuals.
type Correlation struct {
	X, Y   [MaxLag + 1]float64
	KX, KY int
	// N is the number of residuals the estimate used.
	N int
}

// White returns the correlation of independent residuals.
func White() Correlation { return Correlation{X: [MaxLag + 1]float64{1}, Y: [MaxLag + 1]float64{1}} }

// At returns ρ(dc, dr), 0 beyond the lags kept.
func (c *Correlation) At(dc, dr int) float64 {
	if dc < 0 {
		dc = -dc
	}
	if dr < 0 {
		dr = -dr
	}
	if dc > c.KX || dr > c.KY {
		return 0
	}
	if dc == 0 && dr == 0 {
		return 1
	}
	return c.X[dc] * c.Y[dr]
}

// Factor returns n/n_eff, the variance inflation of correlated residuals
// for a quantity that weights the pixels smoothly over the correlation
// length (the parameters of a fit over a region much wider than it): the
// sum of ρ over all lags, (1 + 2·Σ X[k])·(1 + 2·Σ Y[k]), each factor at
// least 1. It is 1 for independent residuals.
func (c *Correlation) Factor() float64 {
	f := func(r *[MaxLag + 1]float64, k int) float64 {
		s := 1.0
		for i := 1; i <= k; i++ {
			s += 2 * r[i]
		}
		return max(s, 1)
	}
	return f(&c.X, c.KX) * f(&c.Y, c.KY)
}

// EffectiveN returns the effective number of independent samples among n
// correlated residuals, n/Factor.
func (c *Correlation) EffectiveN(n int) float64 { return float64(n) / c.Factor() }

// GridCorrelation estimates the autocorrelation of residuals r on a grid
// of cols × rows pixels, r[j*stride+i] the residual of pixel (i, j), NaN
// where there is none (an invalid pixel, a point not fitted).
//
// With ĉ(k) = Σ r(p)·r(p+k) / n_k the autocovariance at lag k along rows
// (X) or columns (Y), over the n_k pairs of residuals k pixels apart, r
// about its mean:
//
//	ρ(k) = (ĉ(k) − b) / (ĉ(0) − b),
//
// where the baseline b is the mean of ĉ over the four longest lags
// (MaxLag−3 … MaxLag) of both directions when that is negative, else 0. A
// fit absorbs the smooth part of correlated noise, which lowers the
// residuals' autocovariance at every lag by about as much (a fit of p
// parameters to n_eff effective samples by about p/n_eff of the variance:
// a quarter for a fiber tip with noise correlated over 3 pixels); beyond
// the correlation ĉ should be 0, so its value there measures that loss
// (the variogram ĉ(0) − ĉ(k) reaching its sill). The baseline is meant
// for correlations that fade within a third of MaxLag (4 pixels).
//
// Each direction keeps the lags 1, 2, … while ρ(k) exceeds 2/√n_k, the
// two-sigma level of an estimate from independent residuals, and stops at
// the first that does not (or where fewer than 16 pairs remain): a white
// residual keeps no lag, a correlated one the lags before its correlation
// fades into the estimate's noise. Residuals whose lag 1 is not
// significant in either direction before the baseline (ĉ(1)/ĉ(0) below
// 2/√n₁) are taken as white without computing the other lags. It returns White for fewer than 16
// residuals or residuals all equal. It panics if r is shorter than the
// grid.
func GridCorrelation(r []float64, cols, rows, stride int) Correlation {
	if cols < 0 || rows < 0 || (rows > 0 && (stride < cols || len(r) < (rows-1)*stride+cols)) {
		panic(fmt.Sprintf("fit: GridCorrelation: %d values for %d×%d pixels with stride %d", len(r), cols, rows, stride))
	}
	// One pass for the count, mean and variance and the raw sums of the
	// lag-1 pairs along rows and columns: residuals are centred near 0, so
	// the centred sums follow from the raw ones without loss.
	var n, n1x, n1y int
	var s, ss float64
	var p1x, a1x, b1x, p1y, a1y, b1y float64
	for j := 0; j < rows; j++ {
		row := r[j*stride : j*stride+cols]
		var next []float64
		if j+1 < rows {
			next = r[(j+1)*stride : (j+1)*stride+cols]
		}
		for i, v := range row {
			if isNaN(v) {
				continue
			}
			n++
			s += v
			ss += v * v
			if i+1 < cols {
				if w := row[i+1]; !isNaN(w) {
					n1x++
					p1x += v * w
					a1x += v
					b1x += w
				}
			}
			if next != nil {
				if w := next[i]; !isNaN(w) {
					n1y++
					p1y += v * w
					a1y += v
					b1y += w
				}
			}
		}
	}
	c := White()
	c.N = n
	if n < 16 {
		return c
	}
	mean := s / float64(n)
	c0 := max(ss/float64(n)-mean*mean, 0)
	if !(c0 > 0) {
		return c
	}
	// Σ(a − m)(b − m) = Σab − m·(Σa + Σb) + n·m².
	sx, mx := p1x-mean*(a1x+b1x)+float64(n1x)*mean*mean, n1x
	sy, my := p1y-mean*(a1y+b1y)+float64(n1y)*mean*mean, n1y
	// lag returns the autocovariance sum and pair count at lag k along
	// rows or along columns.
	lag := func(k int, alongRows bool) (float64, int) {
		var sum float64
		var m int
		if alongRows {
			for j := 0; j < rows; j++ {
				row := r[j*stride : j*stride+cols]
				for i := 0; i+k < cols; i++ {
					a, b := row[i], row[i+k]
					if isNaN(a) || isNaN(b) {
						continue
					}
					sum += (a - mean) * (b - mean)
					m++
				}
			}
			return sum, m
		}
		for j := 0; j+k < rows; j++ {
			row, next := r[j*stride:j*stride+cols], r[(j+k)*stride:(j+k)*stride+cols]
			for i, a := range row {
				b := next[i]
				if isNaN(a) || isNaN(b) {
					continue
				}
				sum += (a - mean) * (b - mean)
				m++
			}
		}
		return sum, m
	}
	significant := func(sum float64, m int, base float64) (float64, bool) {
		if m < 16 {
			return 0, false
		}
		rho := (sum/float64(m) - base) / (c0 - base)
		return rho, rho > 2/math.Sqrt(float64(m))
	}
	// Residuals whose neighbours are not significantly correlated (at lag
	// 1, before any baseline) are white: the common case costs one pass.
	_, okx := significant(sx, mx, 0)
	_, oky := significant(sy, my, 0)
	if !okx && !oky {
		return c
	}
	var base float64
	var nb int
	for k := MaxLag - 3; k <= MaxLag; k++ {
		for _, rowsDir := range [2]bool{true, false} {
			if sum, m := lag(k, rowsDir); m >= 16 {
				base += sum / float64(m)
				nb++
			}
		}
	}
	if nb > 0 {
		base = min(base/float64(nb), 0)
	}
	for _, dir := range [2]bool{true, false} {
		dst := &c.X
		if !dir {
			dst = &c.Y
		}
		k := 1
		for ; k <= MaxLag; k++ {
			sum, m := sx, mx
			if !dir {
				sum, m = sy, my
			}
			if k > 1 {
				sum, m = lag(k, dir)
			}
			rho, ok := significant(sum, m, base)
			if !ok {
				break
			}
			dst[k] = rho
		}
		if dir {
			c.KX = k - 1
		} else {
			c.KY = k - 1
		}
	}
	return c
}

// Convolve stores in dst (grown if shorter than the grid, and returned)
// the product R·a of the correlation matrix with the pixel weights a on a
// grid of cols × rows, a[j*cols+i] the weight of pixel (i, j):
// dst(p) = Σ_q ρ(p − q)·a(q), by separable convolution, along rows into
// tmp (grown likewise, returned second) and then along columns. a·(R·b)
// is then the bilinear form Σ a(p)·b(q)·ρ(p − q), e.g. JᵀRJ for the
// columns of a fit's Jacobian. It panics if a is shorter than the grid.
func (c *Correlation) Convolve(dst, a []float64, cols, rows int, tmp []float64) ([]float64, []float64) {
	n := cols * rows
	if cols < 0 || rows < 0 || len(a) < n {
		panic(fmt.Sprintf("fit: Convolve: %d weights for %d×%d pixels", len(a), cols, rows))
	}
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	if cap(tmp) < n {
		tmp = make([]float64, n)
	}
	dst, tmp = dst[:n], tmp[:n]
	c.convolveRows(tmp, a, cols, rows)
	for j := 0; j < rows; j++ {
		for i := 0; i < cols; i++ {
			dst[j*cols+i] = c.colAt(tmp, cols, rows, i, j)
		}
	}
	return dst, tmp
}

// QuadForm returns Σᵢ Σⱼ a(i)·a(j)·ρ(i − j) over the pixels of a grid of
// cols × rows, a[j*cols+i] the weight of pixel (i, j) (0 where the sum has
// no pixel): the variance of the weighted sum Σ a(i)·ε(i) of noise of unit
// variance with this correlation (Σ a² for independent noise). It uses tmp
// (grown if shorter than the grid) for the separable convolution and
// returns it. It panics if a is shorter than the grid.
func (c *Correlation) QuadForm(a []float64, cols, rows int, tmp []float64) (float64, []float64) {
	n := cols * rows
	if cols < 0 || rows < 0 || len(a) < n {
		panic(fmt.Sprintf("fit: QuadForm: %d weights for %d×%d pixels", len(a), cols, rows))
	}
	if c.KX == 0 && c.KY == 0 {
		var s float64
		for _, v := range a[:n] {
			s += v * v
		}
		return s, tmp
	}
	if cap(tmp) < n {
		tmp = make([]float64, n)
	}
	tmp = tmp[:n]
	// tmp = a convolved along rows with X.
	c.convolveRows(tmp, a, cols, rows)
	// Σ a·(tmp convolved along columns with Y).
	var s float64
	for j := 0; j < rows; j++ {
		row := a[j*cols : (j+1)*cols]
		for i, ai := range row {
			if ai == 0 {
				continue
			}
			s += ai * c.colAt(tmp, cols, rows, i, j)
		}
	}
	return s, tmp
}

// convolveRows stores in out the grid a of cols × rows (a[j*cols+i] the
// value at pixel (i, j)) convolved along its rows with X, the first step
// of Convolve and QuadForm. out and a must hold the grid.
func (c *Correlation) convolveRows(out, a []float64, cols, rows int) {
	for j := 0; j < rows; j++ {
		row, o := a[j*cols:(j+1)*cols], out[j*cols:(j+1)*cols]
		for i := range row {
			v := row[i]
			for k := 1; k <= c.KX; k++ {
				if i-k >= 0 {
					v += c.X[k] * row[i-k]
				}
				if i+k < cols {
					v += c.X[k] * row[i+k]
				}
			}
			o[i] = v
		}
	}
}

// colAt returns the grid t of cols × rows convolved along its columns with
// Y at pixel (i, j), the second step of Convolve and QuadForm.
func (c *Correlation) colAt(t []float64, cols, rows, i, j int) float64 {
	v := t[j*cols+i]
	for k := 1; k <= c.KY; k++ {
		if j-k >= 0 {
			v += c.Y[k] * t[(j-k)*cols+i]
		}
		if j+k < rows {
			v += c.Y[k] * t[(j+k)*cols+i]
		}
	}
	return v
}
