package fit

import "math"

// Plane is the surface z = A + B·x + C·y.
type Plane struct {
	A, B, C float64
	Quality
}

// At returns the height of the plane at (x, y).
func (p Plane) At(x, y float64) float64 { return p.A + p.B*x + p.C*y }

// Transform returns the same plane expressed in a frame (X, Y) whose origin
// is (x0, y0) and whose X axis is turned by theta radians counter-clockwise
// from x:
//
//	x = x0 + X·cosθ − Y·sinθ,  y = y0 + X·sinθ + Y·cosθ,
//
// so that p.Transform(x0, y0, theta).At(X, Y) == p.At(x, y). The algebra is
// exact.
//
// The covariance (Quality.Cov) is carried to the new frame, the rest of
// Quality copied.
func (p Plane) Transform(x0, y0, theta float64) Plane {
	s, c := math.Sincos(theta)
	out := Plane{
		A:       p.A + p.B*x0 + p.C*y0,
		B:       p.B*c + p.C*s,
		C:       -p.B*s + p.C*c,
		Quality: p.Quality,
	}
	t := jacobian{
		0: 1, 1: x0, 2: y0,
		maxParams + 1: c, maxParams + 2: s,
		2*maxParams + 1: -s, 2*maxParams + 2: c,
	}
	out.Cov = p.Cov.transform(&t)
	return out
}

// Quadric is the surface z = A + B·x + C·y + D·x² + E·y² + F·x·y.
type Quadric struct {
	A, B, C, D, E, F float64
	Quality
}

// At returns the height of the quadric at (x, y).
func (q Quadric) At(x, y float64) float64 {
	return q.A + x*(q.B+q.D*x+q.F*y) + y*(q.C+q.E*y)
}

// Transform returns the same surface expressed in a frame (X, Y) whose
// origin is (x0, y0) and whose X axis is turned by theta radians
// counter-clockwise from x:
//
//	x = x0 + X·cosθ − Y·sinθ,  y = y0 + X·sinθ + Y·cosθ,
//
// so that q.Transform(x0, y0, theta).At(X, Y) == q.At(x, y). The algebra is
// exact; the covariance (Quality.Cov) is carried to the new frame, the rest
// of Quality copied. In the new frame the curvature along X is 2·D' and
// along Y is 2·E'.
func (q Quadric) Transform(x0, y0, theta float64) Quadric {
	out := q.transformCoeffs(x0, y0, theta)
	out.Quality = q.Quality
	if q.Cov != nil {
		// The map is linear in the coefficients: its columns are the
		// transforms of the unit quadrics.
		var t jacobian
		for k := 0; k < maxParams; k++ {
			var e [maxParams]float64
			e[k] = 1
			col := quadricCoeffs(quadricFrom(&e).transformCoeffs(x0, y0, theta))
			for i := range col {
				t[i*maxParams+k] = col[i]
			}
		}
		out.Cov = q.Cov.transform(&t)
	}
	return out
}

// transformCoeffs is Transform without Quality.
func (q Quadric) transformCoeffs(x0, y0, theta float64) Quadric {
	// Shift the origin: x = x0 + p, y = y0 + q.
	a := q.A + q.B*x0 + q.C*y0 + q.D*x0*x0 + q.E*y0*y0 + q.F*x0*y0
	b := q.B + 2*q.D*x0 + q.F*y0
	cc := q.C + 2*q.E*y0 + q.F*x0
	// Rotate: p = X·c − Y·s, q = X·s + Y·c.
	s, c := math.Sincos(theta)
	return Quadric{
		A: a,
		B: b*c + cc*s,
		C: -b*s + cc*c,
		D: q.D*c*c + q.E*s*s + q.F*c*s,
		E: q.D*s*s + q.E*c*c - q.F*c*s,
		F: 2*(q.E-q.D)*c*s + q.F*(c*c-s*s),
	}
}

// fromScaled returns the quadric in caller coordinates given the
// coefficients beta of w = β₀ + β₁u + β₂v + β₃u² + β₄v² + β₅uv in the
// centred, scaled frame u = (x−xc)/sx, v = (y−yc)/sy, w = z − zc. For a
// plane, beta[3:] are 0.
func fromScaled(beta *[maxParams]float64, xc, yc, zc, sx, sy float64) Quadric {
	q := Quadric{
		A: zc + beta[0],
		B: beta[1] / sx,
		C: beta[2] / sy,
		D: beta[3] / (sx * sx),
		E: beta[4] / (sy * sy),
		F: beta[5] / (sx * sy),
	}
	// q is in p = x − xc, q = y − yc; x = p + xc, i.e. the frame x whose
	// origin sits at p = −xc.
	return q.transformCoeffs(-xc, -yc, 0)
}

// surfaceCov returns the covariance of the caller's coefficients of a
// surface fitted in the scaled frame of fromScaled, from its normal matrix
// a (order p) and residual sum of squares.
//
// fromScaled is affine in β: with qₖ = βₖ·sₖ, s = (1, 1/sx, 1/sy, 1/sx²,
// 1/sy², 1/(sx·sy)), and the origin moved back by (xc, yc),
//
//	A = q₀ − xc·q₁ − yc·q₂ + xc²·q₃ + yc²·q₄ + xc·yc·q₅ (+ zc)
//	B = q₁ − 2xc·q₃ − yc·q₅,  C = q₂ − 2yc·q₄ − xc·q₅,  D, E, F = q₃, q₄, q₅,
//
// whose coefficients are the jacobian's (the tests check it against the
// transform itself).
func surfaceCov(a *symMat, p, n int, rss, xc, yc, zc, sx, sy float64) *Covariance {
	sc := [maxParams]float64{1, 1 / sx, 1 / sy, 1 / (sx * sx), 1 / (sy * sy), 1 / (sx * sy)}
	shift := [maxParams][maxParams]float64{
		{1, -xc, -yc, xc * xc, yc * yc, xc * yc},
		{0, 1, 0, -2 * xc, 0, -yc},
		{0, 0, 1, 0, -2 * yc, -xc},
		{0, 0, 0, 1, 0, 0},
		{0, 0, 0, 0, 1, 0},
		{0, 0, 0, 0, 0, 1},
	}
	var t jacobian
	for i := 0; i < maxParams; i++ {
		for k := 0; k < maxParams; k++ {
			t[i*maxParams+k] = shift[i][k] * sc[k]
		}
	}
	return newCovariance(a, p, n, rss, 1, p, &t)
}

// PlanePoints fits the plane z = A + B·x + C·y to the points (x[i], y[i],
// z[i]) by least squares on z, skipping points with a NaN coordinate.
// It returns ErrTooFewPoints for fewer than 3 valid points and
// ErrIllConditioned if they are collinear. It panics if the slice lengths
// differ.
func PlanePoints(x, y, z []float64) (Plane, error) {
	checkLen3("PlanePoints", x, y, z)
	q, err := surfacePoints("plane", 3, x, y, z)
	return Plane{A: q.A, B: q.B, C: q.C, Quality: q.Quality}, err
}

// QuadricPoints fits the quadric z = A + B·x + C·y + D·x² + E·y² + F·x·y to
// the points (x[i], y[i], z[i]) by least squares on z, skipping points with
// a NaN coordinate. It returns ErrTooFewPoints for fewer than 6 valid points
// and ErrIllConditioned if they do not determine a quadric (for example all
// on one line or conic). It panics if the slice lengths differ.
func QuadricPoints(x, y, z []float64) (Quadric, error) {
	checkLen3("QuadricPoints", x, y, z)
	return surfacePoints("quadric", 6, x, y, z)
}

// basis fills phi with 1, u, v, u², v², uv (the first p of them).
func basis(phi *[maxParams]float64, u, v float64) {
	phi[0], phi[1], phi[2] = 1, u, v
	phi[3], phi[4], phi[5] = u*u, v*v, u*v
}

// surfacePoints fits the first p functions of basis: 3 for a plane, 6 for
// a quadric.
func surfacePoints(what string, p int, x, y, z []float64) (Quadric, error) {
	// Pass 1: count, centroid and extent.
	c := scan(x, y, z)
	n, xc, yc, zc := c.n, c.xc, c.yc, c.zc
	if n < p {
		return Quadric{Quality: Quality{N: n}}, tooFew(what, n, p)
	}
	fn := float64(n)
	hx, hy := halfRange(xc, c.xlo, c.xhi), halfRange(yc, c.ylo, c.yhi)

	// Pass 2: normal equations in u = (x−xc)/hx, v = (y−yc)/hy, w = z−zc.
	ne := normalEq{p: p}
	var phi [maxParams]float64
	for i := range x {
		xi, yi, zi := x[i], y[i], z[i]
		if isNaN(xi) || isNaN(yi) || isNaN(zi) {
			continue
		}
		basis(&phi, (xi-xc)/hx, (yi-yc)/hy)
		ne.add(&phi, zi-zc)
	}
	beta, cond, err := ne.solve(what)
	if err != nil {
		return Quadric{Quality: Quality{N: n, Cond: cond}}, err
	}

	// Pass 3: residuals in the scaled frame.
	var rss float64
	for i := range x {
		xi, yi, zi := x[i], y[i], z[i]
		if isNaN(xi) || isNaN(yi) || isNaN(zi) {
			continue
		}
		basis(&phi, (xi-xc)/hx, (yi-yc)/hy)
		r := zi - zc
		for k := 0; k < p; k++ {
			r -= beta[k] * phi[k]
		}
		rss += r * r
	}
	q := fromScaled(&beta, xc, yc, zc, hx, hy)
	q.Quality = Quality{N: n, RMS: math.Sqrt(rss / fn), Cond: cond, Cov: surfaceCov(&ne.a, p, n, rss, xc, yc, zc, hx, hy)}
	return q, nil
}
