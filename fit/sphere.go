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
	k := 1 / s.R // curvature; the form below has no cancellation near the apex
	t := 1 - k*k*rho2
	if t < 0 {
		return math.NaN()
	}
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
// a line, or if the surface is flat within the data, meaning that the
// paraboloid's k is within 5 standard errors of 0 (its standard error from
// the paraboloid's residuals; the apex and the sign of R are then
// undetermined), or that the sag k·ρ² varies over the data by less than
// 1e-6 of the range of z (noise-free flat data), or that Cond exceeds
// MaxCond. It returns ErrNoConvergence if the refinement fails. It panics
// if the slice lengths differ.
func SpherePoints(x, y, z []float64) (Sphere, error) {
	checkLen3("SpherePoints", x, y, z)
	var n int
	var sx, sy, sz float64
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi, zlo, zhi := xlo, xhi, xlo, xhi
	for i := range x {
		xi, yi, zi := x[i], y[i], z[i]
		if isNaN(xi) || isNaN(yi) || isNaN(zi) {
			continue
		}
		n++
		sx += xi
		sy += yi
		sz += zi
		xlo, xhi = math.Min(xlo, xi), math.Max(xhi, xi)
		ylo, yhi = math.Min(ylo, yi), math.Max(yhi, yi)
		zlo, zhi = math.Min(zlo, zi), math.Max(zhi, zi)
	}
	if n < 4 {
		return Sphere{Quality: Quality{N: n}}, tooFew("sphere", n, 4)
	}
	fn := float64(n)
	xc, yc, zc := sx/fn, sy/fn, sz/fn
	// One scale for x, y and z keeps the sphere a sphere.
	l := math.Max(halfRange(xc, xlo, xhi), halfRange(yc, ylo, yhi))

	// The valid points in the scaled frame, one allocation.
	buf := make([]float64, 3*n)
	u, v, w := buf[:n:n], buf[n:2*n:2*n], buf[2*n:]
	k := 0
	for i := range x {
		xi, yi, zi := x[i], y[i], z[i]
		if isNaN(xi) || isNaN(yi) || isNaN(zi) {
			continue
		}
		u[k], v[k], w[k] = (xi-xc)/l, (yi-yc)/l, (zi-zc)/l
		k++
	}

	// The paraboloid w = β₀ + β₁u + β₂v + β₃ρ².
	ne := normalEq{p: 4}
	var phi [maxParams]float64
	r2lo, r2hi := math.Inf(1), math.Inf(-1)
	for i := range u {
		r2 := u[i]*u[i] + v[i]*v[i]
		r2lo, r2hi = math.Min(r2lo, r2), math.Max(r2hi, r2)
		phi[0], phi[1], phi[2], phi[3] = 1, u[i], v[i], r2
		ne.add(&phi, w[i])
	}
	beta, cond, err := ne.solve("sphere start")
	if err != nil {
		return Sphere{Quality: Quality{N: n, Cond: cond}}, err
	}
	var rss float64
	for i := range u {
		r := w[i] - beta[0] - beta[1]*u[i] - beta[2]*v[i] - beta[3]*(u[i]*u[i]+v[i]*v[i])
		rss += r * r
	}
	var sigK float64 // standard error of β₃
	if n > 4 {
		e3 := [maxParams]float64{3: 1}
		inv, _ := ne.a.solve(&e3, 4) // (AᵀA)⁻¹ e₃; a is positive definite here
		sigK = math.Sqrt(rss / (fn - 4) * inv[3])
	}
	kp := beta[3]
	sag := math.Abs(kp) * (r2hi - r2lo)
	if math.Abs(kp) <= flatSigmas*sigK || sag <= flatRel*(zhi-zlo)/l+flatAbs {
		return Sphere{Quality: Quality{N: n, RMS: l * math.Sqrt(rss/fn), Cond: math.Inf(1)}},
			fmt.Errorf("%w: sphere: flat within the data (curvature %.3g ± %.3g per unit length)",
				ErrIllConditioned, 2*kp/l, 2*sigK/l)
	}

	// Start at the paraboloid's vertex and curvature.
	var p [maxParams]float64
	p[0], p[1] = -beta[1]/(2*kp), -beta[2]/(2*kp)
	p[2] = beta[0] - (beta[1]*beta[1]+beta[2]*beta[2])/(4*kp)
	p[3] = -2 * kp
	var r2max float64
	for i := range u {
		du, dv := u[i]-p[0], v[i]-p[1]
		r2max = math.Max(r2max, du*du+dv*dv)
	}
	if p[3]*p[3]*r2max >= 1 { // a cap smaller than the data: shrink to fit
		p[3] = math.Copysign(0.9/math.Sqrt(r2max), p[3])
	}

	eval := func(p *[maxParams]float64, a *symMat, g *[maxParams]float64) (float64, bool) {
		u0, v0, w0, kk := p[0], p[1], p[2], p[3]
		var a00, a01, a02, a03, a11, a12, a13, a22, a23, a33 float64
		var g0, g1, g2, g3, cost float64
		for i := range u {
			du, dv := u[i]-u0, v[i]-v0
			r2 := du*du + dv*dv
			t := 1 - kk*kk*r2
			if !(t > 0) {
				return 0, false
			}
			s := math.Sqrt(t)
			e := w[i] - w0 + kk*r2/(1+s) // residual w − model
			// Jacobian of the model w0 − kk·ρ²/(1+s).
			js := kk / s
			j0, j1, j3 := js*du, js*dv, -r2/(s*(1+s))
			a00 += j0 * j0
			a01 += j0 * j1
			a02 += j0
			a03 += j0 * j3
			a11 += j1 * j1
			a12 += j1
			a13 += j1 * j3
			a22++
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
		a[2*maxParams+2], a[2*maxParams+3] = a22, a23
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
	return Sphere{
		X0:      xc + l*p[0],
		Y0:      yc + l*p[1],
		Z0:      zc + l*p[2],
		R:       l / p[3],
		Quality: q,
	}, nil
}
