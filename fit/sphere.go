package fit

import (
	"fmt"
	"math"
)

// Sphere is a spherical cap with its axis along z: apex at (X0, Y0) with
// height Z0, and radius R; R > 0 is convex (domed, the apex is a maximum),
// R < 0 concave:
//
//	z(x, y) = Z0 − sign(R)·(|R| − sqrt(R² − ρ²)),  ρ² = (x−X0)² + (y−Y0)².
//
// RMS is of the vertical residuals z − At(x, y).
type Sphere struct {
	X0, Y0, Z0, R float64
	Quality
}

// At returns the height of the cap at (x, y), or NaN where ρ > |R|.
func (s Sphere) At(x, y float64) float64 {
	dx, dy := x-s.X0, y-s.Y0
	rho2 := dx*dx + dy*dy
	if rho2 > s.R*s.R {
		return math.NaN()
	}
	k := 1 / s.R // curvature; the form below has no cancellation near the apex
	t := max(1-k*k*rho2, 0)
	return s.Z0 - k*rho2/(1+math.Sqrt(t))
}

// Flatness test of SpherePoints: see its doc comment.
const (
	flatSigmas = 5    // curvature significance, standard errors
	flatRel    = 1e-6 // sag relative to the height range
	flatAbs    = 1e-12
)

// SpherePoints fits a Sphere to the points (x[i], y[i], z[i]), skipping
// points with a NaN coordinate, by least squares on the vertical residuals
// z − s.At(x, y). It works in coordinates centred on the points and scaled
// by their extent. It starts from the linear least-squares paraboloid
// z = a + b·x + c·y + k·(x² + y²) (apex at its vertex, R = −1/(2k)) and
// refines by Levenberg–Marquardt on the sphere, parametrised by its
// curvature 1/R.
//
// It returns ErrTooFewPoints for fewer than 4 valid points, and
// ErrIllConditioned if the points do not determine a sphere: if they lie on
// a line; if the surface is flat within the data, meaning that the
// paraboloid's k is within 5 standard errors of 0 (the standard error from
// the paraboloid's residuals; the apex and the sign of R are then
// undetermined — for 700 points with 2 nm noise on a 10–50 µm annulus that
// is |R| above about 0.9 m) or that the sag k·ρ² varies over the data by
// less than 1e-6 of the range of z (noise-free flat data); or if Cond
// exceeds MaxCond, as when the apex lies far outside the data (fit to
// heights above the reference plane, not raw heights: SPEC §9). It returns
// ErrNoConvergence if the refinement fails. It panics if the slice lengths
// differ.
func SpherePoints(x, y, z []float64) (Sphere, error) {
	checkLen3("SpherePoints", x, y, z)
	c := scan(x, y, z)
	n, xc, yc, zc := c.n, c.xc, c.yc, c.zc
	if n < 4 {
		return Sphere{Quality: Quality{N: n}}, tooFew("sphere", n, 4)
	}
	fn := float64(n)
	// One scale for x, y and z keeps the sphere a sphere.
	l := max(halfRange(xc, c.xlo, c.xhi), halfRange(yc, c.ylo, c.yhi))
	il := 1 / l

	// Copy the valid points to the scaled frame while accumulating the
	// normal equations of the paraboloid w = β₀ + β₁u + β₂v + β₃ρ².
	bp := getScratch(3 * n)
	defer scratch.Put(bp)
	buf := *bp
	u, v, w := buf[:n:n], buf[n:2*n:2*n], buf[2*n:]
	var su, sv, sr, suu, suv, sur, svv, svr, srr, sw, swu, swv, swr float64
	r2lo, r2hi := math.Inf(1), math.Inf(-1)
	k := 0
	for i := range x {
		xi, yi, zi := x[i], y[i], z[i]
		if isNaN(xi) || isNaN(yi) || isNaN(zi) {
			continue
		}
		ui, vi, wi := (xi-xc)*il, (yi-yc)*il, (zi-zc)*il
		u[k], v[k], w[k] = ui, vi, wi
		k++
		r2 := ui*ui + vi*vi
		r2lo, r2hi = bound(r2lo, r2hi, r2)
		su += ui
		sv += vi
		sr += r2
		suu += ui * ui
		suv += ui * vi
		sur += ui * r2
		svv += vi * vi
		svr += vi * r2
		srr += r2 * r2
		sw += wi
		swu += wi * ui
		swv += wi * vi
		swr += wi * r2
	}
	ne := normalEq{p: 4}
	copy(ne.a[0:4], []float64{fn, su, sv, sr})
	copy(ne.a[maxParams+1:maxParams+4], []float64{suu, suv, sur})
	copy(ne.a[2*maxParams+2:2*maxParams+4], []float64{svv, svr})
	ne.a[3*maxParams+3] = srr
	ne.b = [maxParams]float64{sw, swu, swv, swr}
	beta, cond, err := ne.solve("sphere start")
	if err != nil {
		return Sphere{Quality: Quality{N: n, Cond: cond}}, err
	}

	// The start: the paraboloid's vertex and curvature.
	kp := beta[3]
	var p [maxParams]float64
	p[0], p[1] = -beta[1]/(2*kp), -beta[2]/(2*kp)
	p[2] = beta[0] - (beta[1]*beta[1]+beta[2]*beta[2])/(4*kp)
	p[3] = -2 * kp

	// The paraboloid's residuals, and the points' largest distance from
	// its vertex.
	var rss, r2max float64
	for i := range u {
		ui, vi := u[i], v[i]
		r := w[i] - beta[0] - beta[1]*ui - beta[2]*vi - kp*(ui*ui+vi*vi)
		rss += r * r
		du, dv := ui-p[0], vi-p[1]
		r2max = max(r2max, du*du+dv*dv)
	}
	var sigK float64 // standard error of β₃
	if n > 4 {
		e3 := [maxParams]float64{3: 1}
		inv, _ := ne.a.solve(&e3, 4) // (AᵀA)⁻¹ e₃; a is positive definite here
		sigK = math.Sqrt(rss / (fn - 4) * inv[3])
	}
	sag := math.Abs(kp) * (r2hi - r2lo)
	if !(math.Abs(kp) > flatSigmas*sigK && sag > flatRel*(c.zhi-c.zlo)*il+flatAbs) {
		return Sphere{Quality: Quality{N: n, RMS: l * math.Sqrt(rss/fn), Cond: math.Inf(1)}},
			fmt.Errorf("%w: sphere: flat within the data (1/R = %.3g ± %.3g)",
				ErrIllConditioned, -2*kp*il, 2*sigK*il)
	}
	if p[3]*p[3]*r2max >= 1 { // a cap smaller than the data: shrink to fit
		p[3] = math.Copysign(0.9/math.Sqrt(r2max), p[3])
	}

	eval := func(p *[maxParams]float64, a *symMat, g *[maxParams]float64) (float64, bool) {
		u0, v0, w0, kk := p[0], p[1], p[2], p[3]
		k2 := kk * kk
		var a00, a01, a02, a03, a11, a12, a13, a23, a33 float64
		var g0, g1, g2, g3, cost float64
		for i := range u {
			du, dv := u[i]-u0, v[i]-v0
			r2 := du*du + dv*dv
			t := 1 - k2*r2
			if !(t > 0) {
				return 0, false
			}
			s := math.Sqrt(t)
			d := 1 / (s * (1 + s)) // one division for both 1/s and 1/(1+s)
			is, q := (1+s)*d, s*d
			// The model is w0 − kk·ρ²/(1+s); e = w − model.
			e := w[i] - w0 + kk*r2*q
			js := kk * is
			j0, j1, j3 := js*du, js*dv, -r2*d
			a00 += j0 * j0
			a01 += j0 * j1
			a02 += j0
			a03 += j0 * j3
			a11 += j1 * j1
			a12 += j1
			a13 += j1 * j3
			a23 += j3
			a33 += j3 * j3
			g0 += j0 * e
			g1 += j1 * e
			g2 += e
			g3 += j3 * e
			cost += e * e
		}
		*a = symMat{}
		a[0], a[1], a[2], a[3] = a00, a01, a02, a03
		a[maxParams+1], a[maxParams+2], a[maxParams+3] = a11, a12, a13
		a[2*maxParams+2], a[2*maxParams+3] = fn, a23
		a[3*maxParams+3] = a33
		*g = [maxParams]float64{g0, g1, g2, g3}
		return cost, true
	}
	p, a, cost, err := levmar(4, n, p, eval)
	q := Quality{N: n, RMS: l * math.Sqrt(cost/fn), Cond: a.cond(4)}
	if !(q.Cond <= MaxCond) {
		return Sphere{Quality: q}, illCond("sphere", q.Cond)
	}
	if err != nil {
		return Sphere{Quality: q}, fmt.Errorf("%w: sphere", err)
	}
	// The parameters are X0, Y0, Z0 = centre + l·p and R = l/p₃.
	t := jacobian{0: l, maxParams + 1: l, 2*maxParams + 2: l, 3*maxParams + 3: -l / (p[3] * p[3])}
	q.Cov = newCovariance(&a, 4, n, cost, l*l, 4, &t)
	return Sphere{
		X0:      xc + l*p[0],
		Y0:      yc + l*p[1],
		Z0:      zc + l*p[2],
		R:       l / p[3],
		Quality: q,
	}, nil
}
