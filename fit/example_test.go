package fit_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

func ExamplePlanePoints() {
	// Four corners and the centre of a 100 µm square on z = 1 + 0.002·x − 0.001·y.
	x := []float64{0, 100, 0, 100, 50}
	y := []float64{0, 0, 100, 100, 50}
	z := []float64{1, 1.2, 0.9, 1.1, 1.05}
	p, err := fit.PlanePoints(x, y, z)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("z = %.3f + %.5f·x + %.5f·y from %d points\n", p.A, p.B, p.C, p.N)
	fmt.Printf("x angle %.4f°\n", math.Atan(p.B)*180/math.Pi)
	// Output:
	// z = 1.000 + 0.00200·x + -0.00100·y from 5 points
	// x angle 0.1146°
}

func ExampleSurfaceMap() {
	// A 600 µm × 300 µm end face at 3 µm pixels, centred on the origin:
	// radii 2 m along x and 4 m along y, 0.1° of tilt along x, and a fiber
	// standing 2 µm proud at the centre that the mask leaves out.
	m := geometry.New(201, 101, r2.Vec{X: 3, Y: 3})
	m.Offset = r2.Vec{X: -300, Y: -150}
	mask := make([]bool, 201*101)
	for r := 0; r < 101; r++ {
		for c := 0; c < 201; c++ {
			p := m.PixelToMap(float64(c), float64(r))
			z := 0.5 + math.Tan(0.1*math.Pi/180)*p.X - p.X*p.X/(2*2e6) - p.Y*p.Y/(2*4e6)
			fiber := math.Hypot(p.X, p.Y) < 62.5
			if fiber {
				z += 2
			}
			m.Set(c, r, z)
			mask[r*201+c] = math.Hypot(p.X, p.Y) > 1.5*62.5 // SPEC §4: exclude 1.5 × the fiber Ø
		}
	}
	m.Set(10, 10, math.NaN()) // dropouts are skipped
	plane, quad, err := fit.SurfaceMap(m, mask)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d pixels\n", plane.N)
	fmt.Printf("plane x angle %.4f°\n", math.Atan(plane.B)*180/math.Pi)
	fmt.Printf("Rx %.3f mm, Ry %.3f mm\n", -1/(2*quad.D)/1e3, -1/(2*quad.E)/1e3)
	// Output:
	// 17231 pixels
	// plane x angle 0.1000°
	// Rx 2000.000 mm, Ry 4000.000 mm
}

func ExampleQuadric_Transform() {
	// A cylinder curved along x only (radius 0.5 m), seen in a frame
	// turned by 30°: the curvature is shared between X, Y and the twist.
	q := fit.Quadric{A: 1, D: -1e-6}
	t := q.Transform(0, 0, 30*math.Pi/180)
	fmt.Printf("D %.4f E %.4f F %.4f (×1e-6 /µm)\n", t.D*1e6, t.E*1e6, t.F*1e6)
	// The new frame's origin at (10, 0): the height there becomes A.
	fmt.Printf("A %.4f = %.4f\n", q.Transform(10, 0, 0).A, q.At(10, 0))
	// Output:
	// D -0.7500 E -0.2500 F 0.8660 (×1e-6 /µm)
	// A 0.9999 = 0.9999
}

func ExampleSpherePoints() {
	// A fiber tip of 5 mm radius with its apex at (2, −1) µm, 1.8 µm above
	// the reference, sampled on rings of the 10–50 µm fit annulus.
	tip := fit.Sphere{X0: 2, Y0: -1, Z0: 1.8, R: 5000}
	var x, y, z []float64
	for rho := 10.0; rho <= 50; rho += 5 {
		for a := 0.0; a < 2*math.Pi; a += math.Pi / 16 {
			px, py := rho*math.Cos(a), rho*math.Sin(a)
			x, y, z = append(x, px), append(y, py), append(z, tip.At(px, py))
		}
	}
	s, err := fit.SpherePoints(x, y, z)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("R %.4f mm, apex (%.4f, %.4f) µm at %.4f µm, %d points\n", s.R/1e3, s.X0, s.Y0, s.Z0, s.N)

	// A flat tip has no radius or apex.
	for i := range z {
		z[i] = 1.8
	}
	_, err = fit.SpherePoints(x, y, z)
	fmt.Println(errors.Is(err, fit.ErrIllConditioned))
	// Output:
	// R 5.0000 mm, apex (2.0000, -1.0000) µm at 1.8000 µm, 288 points
	// true
}

func ExampleCirclePoints() {
	// Three quarters of the rim of a 700 µm guide hole centred at
	// (−2300, 150) µm.
	var x, y []float64
	for a := 0.0; a < 1.5*math.Pi; a += math.Pi / 90 {
		x = append(x, -2300+350*math.Cos(a))
		y = append(y, 150+350*math.Sin(a))
	}
	c, err := fit.CirclePoints(x, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("centre (%.3f, %.3f) µm, diameter %.3f µm\n", c.X0, c.Y0, 2*c.R)
	// Output:
	// centre (-2300.000, 150.000) µm, diameter 700.000 µm
}

func ExampleLinePoints() {
	// Fiber heights (µm) along a row (X in µm): the fiber line of SPEC §6.
	x := []float64{-375, -125, 125, 375}
	h := []float64{1.80, 1.85, 1.90, 1.95}
	l, err := fit.LinePoints(x, h)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("H = %.3f µm + %.1f nm/mm · X\n", l.A, l.B*1e6)
	// Output:
	// H = 1.875 µm + 200.0 nm/mm · X
}

func ExampleQuadraticPoints() {
	// Fiber heights on a row curved with C = 1/(2R), R = 2 m.
	x := []float64{-375, -125, 125, 375}
	var h []float64
	for _, v := range x {
		h = append(h, 1.8+v*v/(2*2e6))
	}
	q, err := fit.QuadraticPoints(x, h)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("line radius %.3f m\n", 1/(2*q.C)/1e6)
	// Output:
	// line radius 2.000 m
}

func ExampleCovariance() {
	// A line through 11 points 10 µm apart with residuals of ±1 nm: σ² is
	// RSS/(n − 2) ≈ 11/9 nm², the slope's standard error σ/√Σ(x − x̄)²
	// with Σ(x − x̄)² = 11 000 µm², the value's at the centroid σ/√11.
	x := []float64{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
	y := make([]float64, len(x))
	for i := range x {
		y[i] = 2 + 0.001*x[i] + 0.001*float64(1-2*(i%2)) // µm
	}
	l, err := fit.LinePoints(x, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("slope %.5f ± %.2e, σ %.2f nm\n", l.B, l.Cov.Std(1), math.Sqrt(l.Cov.Sigma2)*1000)
	// The value at x = 50 (the centroid): σ/√n.
	fmt.Printf("y(50) = %.4f ± %.5f µm\n", l.At(50), math.Sqrt(l.Cov.Var(1, 50)))
	// Output:
	// slope 0.00100 ± 1.05e-05, σ 1.10 nm
	// y(50) = 2.0501 ± 0.00033 µm
}

func ExampleGridCorrelation() {
	// Residuals on a 60×40 grid that repeat in pairs along each row: a
	// correlation of ~0.5 at lag 1 along x and none along y.
	rng := rand.New(rand.NewPCG(1, 1))
	const cols, rows = 60, 40
	r := make([]float64, cols*rows)
	for j := 0; j < rows; j++ {
		prev := rng.NormFloat64()
		for i := 0; i < cols; i++ {
			cur := rng.NormFloat64()
			r[j*cols+i] = (prev + cur) / math.Sqrt2 // a moving sum of two
			prev = cur
		}
	}
	c := fit.GridCorrelation(r, cols, rows, cols)
	fmt.Printf("lags kept: %d along x, %d along y\n", c.KX, c.KY)
	fmt.Printf("ρx(1) = %.1f, n/n_eff = %.0f\n", c.X[1], c.Factor())
	// Output:
	// lags kept: 1 along x, 0 along y
	// ρx(1) = 0.5, n/n_eff = 2
}
