package fit

import (
	"fmt"
	"math"
)

// Circle is the circle of centre (X0, Y0) and radius R. RMS is of the
// geometric (orthogonal) distances of the points from it.
type Circle struct {
	X0, Y0, R float64
	Quality
}

// CirclePoints fits a circle to the points (x[i], y[i]), skipping points
// with a NaN coordinate, by least squares on the geometric distances
// |(x, y) − (X0, Y0)| − R. It works in coordinates centred on the points
// and scaled by their RMS distance from the centroid. It starts from
// Taubin's algebraic fit (nearly unbiased on short arcs) and refines by
// Levenberg–Marquardt on the distances.
//
// It returns ErrTooFewPoints for fewer than 3 valid points,
// ErrIllConditioned if they are (nearly) collinear or Cond exceeds MaxCond,
// and ErrNoConvergence if the refinement fails. It panics if the slice
// lengths differ.
func CirclePoints(x, y []float64) (Circle, error) {
	checkLen2("CirclePoints", x, y)
	var n int
	var sx, sy float64
	for i := range x {
		if isNaN(x[i]) || isNaN(y[i]) {
			continue
		}
		n++
		sx += x[i]
		sy += y[i]
	}
	if n < 3 {
		return Circle{Quality: Quality{N: n}}, tooFew("circle", n, 3)
	}
	fn := float64(n)
	xc, yc := sx/fn, sy/fn
	var ss float64
	for i := range x {
		if isNaN(x[i]) || isNaN(y[i]) {
			continue
		}
		dx, dy := x[i]-xc, y[i]-yc
		ss += dx*dx + dy*dy
	}
	l := math.Sqrt(ss / fn)
	if !(l > 0) {
		return Circle{Quality: Quality{N: n, Cond: math.Inf(1)}}, illCond("circle: all points equal", math.Inf(1))
	}
	bp := getScratch(2 * n)
	defer scratch.Put(bp)
	buf := *bp
	u, v := buf[:n:n], buf[n:]
	k := 0
	for i := range x {
		if isNaN(x[i]) || isNaN(y[i]) {
			continue
		}
		u[k], v[k] = (x[i]-xc)/l, (y[i]-yc)/l
		k++
	}

	a, b, r, ok := taubin(u, v)
	// A radius beyond 1e6 times the spread: collinear within rounding.
	if !ok || !(r < 1e6) {
		return Circle{Quality: Quality{N: n, Cond: math.Inf(1)}},
			fmt.Errorf("%w: circle: points are collinear", ErrIllConditioned)
	}

	eval := func(p *[maxParams]float64, m *symMat, g *[maxParams]float64) (float64, bool) {
		a, b, r := p[0], p[1], p[2]
		var a00, a01, a02, a11, a12, g0, g1, g2, cost float64
		for i := range u {
			du, dv := u[i]-a, v[i]-b
			d := math.Sqrt(du*du + dv*dv)
			e := d - r
			// ∂e/∂(a, b, r) = −(du/d, dv/d, 1); a point at the centre
			// has no direction.
			var cx, cy float64
			if d > 0 {
				cx, cy = du/d, dv/d
			}
			a00 += cx * cx
			a01 += cx * cy
			a02 += cx
			a11 += cy * cy
			a12 += cy
			g0 += cx * e
			g1 += cy * e
			g2 += e
			cost += e * e
		}
		*m = symMat{}
		m[0], m[1], m[2] = a00, a01, a02
		m[maxParams+1], m[maxParams+2] = a11, a12
		m[2*maxParams+2] = float64(len(u))
		*g = [maxParams]float64{g0, g1, g2}
		return cost, true
	}
	p, m, cost, err := levmar(3, n, [maxParams]float64{a, b, r}, eval)
	q := Quality{N: n, RMS: l * math.Sqrt(cost/fn), Cond: m.cond(3)}
	if !(q.Cond <= MaxCond) {
		return Circle{Quality: q}, illCond("circle", q.Cond)
	}
	if err != nil {
		return Circle{Quality: q}, fmt.Errorf("%w: circle", err)
	}
	t := jacobian{0: l, maxParams + 1: l, 2*maxParams + 2: math.Copysign(l, p[2])}
	q.Cov = newCovariance(&m, 3, n, cost, l*l, 3, &t)
	return Circle{X0: xc + l*p[0], Y0: yc + l*p[1], R: l * math.Abs(p[2]), Quality: q}, nil
}

// taubin returns Taubin's algebraic circle fit (G. Taubin, IEEE PAMI 13,
// 1991) to points centred on their centroid, found as the smallest root of
// its characteristic cubic by Newton's method from 0 (as in N. Chernov,
// "Circular and linear regression", 2010). ok is false if the points are
// collinear.
func taubin(u, v []float64) (a, b, r float64, ok bool) {
	var mxx, myy, mxy, mxz, myz, mzz float64
	for i := range u {
		x, y := u[i], v[i]
		z := x*x + y*y
		mxx += x * x
		myy += y * y
		mxy += x * y
		mxz += x * z
		myz += y * z
		mzz += z * z
	}
	fn := float64(len(u))
	mxx, myy, mxy, mxz, myz, mzz = mxx/fn, myy/fn, mxy/fn, mxz/fn, myz/fn, mzz/fn
	mz := mxx + myy
	covXY := mxx*myy - mxy*mxy
	varZ := mzz - mz*mz
	a3 := 4 * mz
	a2 := -3*mz*mz - mzz
	a1 := varZ*mz + 4*covXY*mz - mxz*mxz - myz*myz
	a0 := mxz*(mxz*myy-myz*mxy) + myz*(myz*mxx-mxz*mxy) - varZ*covXY
	// Newton on a0 + a1·η + a2·η² + a3·η³ from η = 0, stopping when the
	// polynomial's magnitude no longer decreases.
	eta, f := 0.0, a0
	for range 100 {
		df := a1 + eta*(2*a2+3*a3*eta)
		next := eta - f/df
		if next == eta || math.IsNaN(next) || math.IsInf(next, 0) {
			break
		}
		fn := a0 + next*(a1+next*(a2+next*a3))
		if math.Abs(fn) >= math.Abs(f) {
			break
		}
		eta, f = next, fn
	}
	det := eta*eta - eta*mz + covXY
	if det == 0 {
		return 0, 0, 0, false
	}
	a = (mxz*(myy-eta) - myz*mxy) / det / 2
	b = (myz*(mxx-eta) - mxz*mxy) / det / 2
	r = math.Sqrt(a*a + b*b + mz)
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return 0, 0, 0, false
	}
	return a, b, r, true
}
