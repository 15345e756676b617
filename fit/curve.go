package fit

import "math"

// Line is the line y = A + B·x.
type Line struct {
	A, B float64
	Quality
}

// At returns the line's y at x.
func (l Line) At(x float64) float64 { return l.A + l.B*x }

// Quadratic is the parabola y = A + B·x + C·x².
type Quadratic struct {
	A, B, C float64
	Quality
}

// At returns the parabola's y at x.
func (q Quadratic) At(x float64) float64 { return q.A + x*(q.B+q.C*x) }

// LinePoints fits the line y = A + B·x to the points (x[i], y[i]) by least
// squares on y, skipping points with a NaN coordinate. It returns
// ErrTooFewPoints for fewer than 2 valid points and ErrIllConditioned if
// all x are equal. It panics if the slice lengths differ.
func LinePoints(x, y []float64) (Line, error) {
	checkLen2("LinePoints", x, y)
	beta, xc, yc, h, ne, rss, q, err := polyPoints("line", 2, x, y)
	if err != nil {
		return Line{Quality: q}, err
	}
	// y = yc + β₀ + β₁·(x−xc)/h.
	b := beta[1] / h
	t := jacobian{0: 1, 1: -xc / h, maxParams + 1: 1 / h}
	q.Cov = newCovariance(&ne.a, 2, q.N, rss, 1, 2, &t)
	return Line{A: yc + beta[0] - b*xc, B: b, Quality: q}, nil
}

// QuadraticPoints fits the parabola y = A + B·x + C·x² to the points (x[i],
// y[i]) by least squares on y, skipping points with a NaN coordinate. It
// returns ErrTooFewPoints for fewer than 3 valid points and
// ErrIllConditioned if there are fewer than 3 distinct x. It panics if the
// slice lengths differ.
func QuadraticPoints(x, y []float64) (Quadratic, error) {
	checkLen2("QuadraticPoints", x, y)
	beta, xc, yc, h, ne, rss, q, err := polyPoints("quadratic", 3, x, y)
	if err != nil {
		return Quadratic{Quality: q}, err
	}
	// y = yc + β₀ + β₁·t + β₂·t², t = (x−xc)/h; expand about x = 0.
	b, c := beta[1]/h, beta[2]/(h*h)
	t := jacobian{
		0: 1, 1: -xc / h, 2: xc * xc / (h * h),
		maxParams + 1: 1 / h, maxParams + 2: -2 * xc / (h * h),
		2*maxParams + 2: 1 / (h * h),
	}
	q.Cov = newCovariance(&ne.a, 3, q.N, rss, 1, 3, &t)
	return Quadratic{A: yc + beta[0] - b*xc + c*xc*xc, B: b - 2*c*xc, C: c, Quality: q}, nil
}

// polyPoints fits y − yc = Σ βₖ·tᵏ, k < p, t = (x−xc)/h, with xc, yc the
// centroid and h the half-range of x, and returns its normal equations and
// residual sum of squares too.
func polyPoints(what string, p int, x, y []float64) (beta [maxParams]float64, xc, yc, h float64, ne normalEq, rss float64, q Quality, err error) {
	var n int
	var sx, sy float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range x {
		if isNaN(x[i]) || isNaN(y[i]) {
			continue
		}
		n++
		sx += x[i]
		sy += y[i]
		lo, hi = bound(lo, hi, x[i])
	}
	q.N = n
	if n < p {
		return beta, 0, 0, 0, ne, 0, q, tooFew(what, n, p)
	}
	fn := float64(n)
	xc, yc = sx/fn, sy/fn
	h = halfRange(xc, lo, hi)
	ne = normalEq{p: p}
	var phi [maxParams]float64
	pows := func(t float64) {
		phi[0], phi[1], phi[2] = 1, t, t*t
	}
	for i := range x {
		if isNaN(x[i]) || isNaN(y[i]) {
			continue
		}
		pows((x[i] - xc) / h)
		ne.add(&phi, y[i]-yc)
	}
	beta, q.Cond, err = ne.solve(what)
	if err != nil {
		return beta, 0, 0, 0, ne, 0, q, err
	}
	for i := range x {
		if isNaN(x[i]) || isNaN(y[i]) {
			continue
		}
		pows((x[i] - xc) / h)
		r := y[i] - yc
		for k := 0; k < p; k++ {
			r -= beta[k] * phi[k]
		}
		rss += r * r
	}
	q.RMS = math.Sqrt(rss / fn)
	return beta, xc, yc, h, ne, rss, q, nil
}
