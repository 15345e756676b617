package fit_test

import (
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/stretchr/testify/require"
)

// grid returns the points of an nx×ny grid of pitch p whose first point is
// (x0, y0).
func grid(nx, ny int, x0, y0, p float64) (x, y []float64) {
	for r := 0; r < ny; r++ {
		for c := 0; c < nx; c++ {
			x = append(x, x0+float64(c)*p)
			y = append(y, y0+float64(r)*p)
		}
	}
	return x, y
}

func TestPlanePointsExact(t *testing.T) {
	for _, tc := range []struct {
		name   string
		x0, y0 float64 // grid origin, µm
		p      float64 // grid pitch, µm
		want   fit.Plane
	}{
		{"level", 0, 0, 1, fit.Plane{A: 2.5}},
		{"tilted", -20, -10, 3, fit.Plane{A: 1.5, B: 0.01, C: -0.02}},
		// 0.5° and −0.2° (SPEC §1's largest tilts) on a ferrule-sized frame
		// 3 mm off the origin with a 1 mm piston.
		{"offset frame", 3000, -750, 30, fit.Plane{A: 1000, B: math.Tan(0.5 * math.Pi / 180), C: -math.Tan(0.2 * math.Pi / 180)}},
		{"sub-µm extent", 5, 5, 1e-3, fit.Plane{A: -3, B: 2, C: 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := grid(9, 7, tc.x0, tc.y0, tc.p)
			z := make([]float64, len(x))
			for i := range z {
				z[i] = tc.want.At(x[i], y[i])
			}
			got, err := fit.PlanePoints(x, y, z)
			require.NoError(t, err)
			require.Equal(t, len(x), got.N)
			// Exact data: recovered to rounding, ≤ 1e-9 relative (brief);
			// the slopes relative to the height change they cause over the
			// grid, the surface relative to the largest height.
			zscale := math.Abs(tc.want.A) + 1
			span := 8 * tc.p
			require.InDelta(t, tc.want.B, got.B, 1e-9*zscale/span)
			require.InDelta(t, tc.want.C, got.C, 1e-9*zscale/span)
			for i := range x {
				require.InDelta(t, z[i], got.At(x[i], y[i]), 1e-9*zscale)
			}
			require.Less(t, got.RMS, 1e-12*zscale)
			require.Less(t, got.Cond, 10.0) // centred, scaled grid: ≈ 1/var(u) ≈ 3
		})
	}
}

func TestQuadricPointsExact(t *testing.T) {
	for _, tc := range []struct {
		name   string
		x0, y0 float64
		p      float64
		want   fit.Quadric
	}{
		{"bowl", -10, -10, 2, fit.Quadric{A: 1, D: 0.01, E: 0.02}},
		{"saddle tilted", 0, 0, 1, fit.Quadric{A: -1, B: 0.1, C: 0.2, D: 1e-3, E: -2e-3, F: 5e-4}},
		// A 2 m radius dome (D = E = −1/(2R)) with tilt and piston, on a
		// ferrule-sized frame off the origin.
		{"ferrule dome", 2000, -700, 25, fit.Quadric{A: 1000, B: 0.008, C: -0.003, D: -1 / 4e6, E: -1 / 4e6, F: 1e-8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := grid(11, 9, tc.x0, tc.y0, tc.p)
			z := make([]float64, len(x))
			zscale := 0.0
			for i := range z {
				z[i] = tc.want.At(x[i], y[i])
				zscale = math.Max(zscale, math.Abs(z[i]))
			}
			got, err := fit.QuadricPoints(x, y, z)
			require.NoError(t, err)
			require.Equal(t, len(x), got.N)
			for i := range x {
				require.InDelta(t, z[i], got.At(x[i], y[i]), 1e-9*zscale)
			}
			// Compare the coefficients about the grid centre, where they
			// are well determined (about the origin, A, B, C carry the
			// cancellation of the caller's offset).
			xc, yc := tc.x0+5*tc.p, tc.y0+4*tc.p
			w, g := tc.want.Transform(xc, yc, 0), got.Transform(xc, yc, 0)
			h := 5 * tc.p // half-extent
			zs := zscale + 1
			require.InDelta(t, w.A, g.A, 1e-9*zs)
			require.InDelta(t, w.B, g.B, 1e-9*zs/h)
			require.InDelta(t, w.C, g.C, 1e-9*zs/h)
			require.InDelta(t, w.D, g.D, 1e-9*zs/(h*h))
			require.InDelta(t, w.E, g.E, 1e-9*zs/(h*h))
			require.InDelta(t, w.F, g.F, 1e-9*zs/(h*h))
			require.Less(t, got.Cond, 1e3)
		})
	}
}

// TestSurfacePointsNoise checks the fits on a centred grid with Gaussian
// noise against the closed-form standard errors of a symmetric product
// grid, where the basis functions x, y, xy are orthogonal to all others and
// x², y² only to each other after removing their means:
//
//	σ_B = σ/sqrt(Σx²), σ_F = σ/sqrt(Σx²y²), σ_D = σ/sqrt(Σ(x² − mean x²)²)
//
// (sums over the points, x and y from the grid centre).
func TestSurfacePointsNoise(t *testing.T) {
	const (
		sigma = 0.002 // µm: 2 nm, the brief's noise
		nx    = 41
		ny    = 31
		p     = 3.0 // µm pixel pitch
	)
	xc, yc := 1000.0, -500.0
	x, y := grid(nx, ny, xc-20*p, yc-15*p, p)
	var sxx, syy, sxxyy, sx4, sy4, sx2, sy2 float64
	for i := range x {
		dx, dy := x[i]-xc, y[i]-yc
		sxx += dx * dx
		syy += dy * dy
		sxxyy += dx * dx * dy * dy
		sx4 += dx * dx * dx * dx
		sy4 += dy * dy * dy * dy
	}
	n := float64(len(x))
	sx2, sy2 = sxx/n, syy/n
	seB, seC := sigma/math.Sqrt(sxx), sigma/math.Sqrt(syy)
	seF := sigma / math.Sqrt(sxxyy)
	seD := sigma / math.Sqrt(sx4-n*sx2*sx2)
	seE := sigma / math.Sqrt(sy4-n*sy2*sy2)

	truth := fit.Quadric{A: 2, B: 3e-3, C: -1e-3, D: -2e-5, E: 1e-5, F: 3e-6}.Transform(-xc, -yc, 0)
	rng := newRand(1)
	z := make([]float64, len(x))
	for i := range z {
		z[i] = truth.At(x[i], y[i]) + sigma*rng.NormFloat64()
	}
	const k = 4 // standard errors: a 4σ miss has probability 6e-5 per coefficient

	q, err := fit.QuadricPoints(x, y, z)
	require.NoError(t, err)
	w, g := truth.Transform(xc, yc, 0), q.Transform(xc, yc, 0)
	t.Logf("z-scores B %.2f C %.2f D %.2f E %.2f F %.2f", (g.B-w.B)/seB, (g.C-w.C)/seC, (g.D-w.D)/seD, (g.E-w.E)/seE, (g.F-w.F)/seF)
	require.InDelta(t, w.B, g.B, k*seB)
	require.InDelta(t, w.C, g.C, k*seC)
	require.InDelta(t, w.D, g.D, k*seD)
	require.InDelta(t, w.E, g.E, k*seE)
	require.InDelta(t, w.F, g.F, k*seF)
	want, sd := rmsBand(sigma, len(x), 6)
	require.InDelta(t, want, q.RMS, k*sd)

	// The plane through the same data: B and C are unaffected by the
	// quadratic terms on a symmetric grid, and the residual now holds them.
	pl, err := fit.PlanePoints(x, y, z)
	require.NoError(t, err)
	wp := truth.Transform(xc, yc, 0)
	require.InDelta(t, wp.B, pl.Transform(xc, yc, 0).B, k*seB)
	require.InDelta(t, wp.C, pl.Transform(xc, yc, 0).C, k*seC)
	require.Greater(t, pl.RMS, q.RMS)
}

func TestSurfacePointsSkipsNaN(t *testing.T) {
	want := fit.Quadric{A: 1, B: 0.1, C: -0.2, D: 0.01, E: 0.02, F: -0.01}
	x, y := grid(6, 5, -3, -2, 1)
	z := make([]float64, len(x))
	for i := range z {
		z[i] = want.At(x[i], y[i])
	}
	nan := math.NaN()
	// One NaN in each coordinate, and garbage in the other two.
	x = append(x, nan, 1e9, 7)
	y = append(y, 3, nan, -1e9)
	z = append(z, 1e9, 5, nan)
	q, err := fit.QuadricPoints(x, y, z)
	require.NoError(t, err)
	require.Equal(t, 30, q.N)
	require.InDelta(t, want.D, q.D, 1e-12)
	p, err := fit.PlanePoints(x, y, z)
	require.NoError(t, err)
	require.Equal(t, 30, p.N)
}

func TestSurfacePointsErrors(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name    string
		x, y, z []float64
		plane   error // PlanePoints
		quadric error // QuadricPoints
	}{
		{"empty", nil, nil, nil, fit.ErrTooFewPoints, fit.ErrTooFewPoints},
		{"two points", []float64{0, 1}, []float64{0, 1}, []float64{0, 1}, fit.ErrTooFewPoints, fit.ErrTooFewPoints},
		{"all NaN", []float64{nan, 1, 2, 3}, []float64{0, nan, 2, 3}, []float64{0, 1, nan, nan}, fit.ErrTooFewPoints, fit.ErrTooFewPoints},
		{"collinear", []float64{0, 1, 2, 3, 4, 5, 6}, []float64{0, 2, 4, 6, 8, 10, 12}, []float64{1, 2, 3, 4, 5, 6, 7}, fit.ErrIllConditioned, fit.ErrIllConditioned},
		{"one point repeated", []float64{1, 1, 1, 1, 1, 1}, []float64{2, 2, 2, 2, 2, 2}, []float64{0, 1, 2, 3, 4, 5}, fit.ErrIllConditioned, fit.ErrIllConditioned},
		// Two columns of points: a plane, but x² is a combination of 1 and x.
		{"two x values", []float64{0, 0, 0, 0, 1, 1, 1, 1}, []float64{0, 1, 2, 3, 0, 1, 2, 3}, []float64{0, 1, 4, 9, 1, 2, 5, 10}, nil, fit.ErrIllConditioned},
		{"five points", []float64{0, 1, 0, 1, 2}, []float64{0, 0, 1, 1, 2}, []float64{0, 1, 2, 3, 4}, nil, fit.ErrTooFewPoints},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := fit.PlanePoints(tc.x, tc.y, tc.z)
			if tc.plane == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.plane)
				if tc.plane == fit.ErrIllConditioned {
					require.Greater(t, p.Cond, fit.MaxCond)
				}
			}
			_, err = fit.QuadricPoints(tc.x, tc.y, tc.z)
			require.ErrorIs(t, err, tc.quadric)
		})
	}
}

func TestPointsPanicOnLengthMismatch(t *testing.T) {
	a, b := []float64{1, 2, 3}, []float64{1, 2}
	for name, f := range map[string]func(){
		"PlanePoints":     func() { fit.PlanePoints(a, a, b) },
		"QuadricPoints":   func() { fit.QuadricPoints(a, b, a) },
		"SpherePoints":    func() { fit.SpherePoints(b, a, a) },
		"CirclePoints":    func() { fit.CirclePoints(a, b) },
		"LinePoints":      func() { fit.LinePoints(b, a) },
		"QuadraticPoints": func() { fit.QuadraticPoints(a, b) },
	} {
		require.PanicsWithValue(t, panicMessage(f), f, name)
		require.Contains(t, panicMessage(f), "fit: "+name, name)
	}
}

func panicMessage(f func()) (msg string) {
	defer func() { msg, _ = recover().(string) }()
	f()
	return ""
}

// TestTransform checks Transform against point evaluation: the surface in
// the new frame at (X, Y) equals the original at the mapped (x, y).
func TestTransform(t *testing.T) {
	q := fit.Quadric{A: 0.7, B: -0.03, C: 0.05, D: 2e-4, E: -1e-4, F: 3e-4}
	pl := fit.Plane{A: 0.7, B: -0.03, C: 0.05}
	rng := newRand(2)
	for _, tc := range []struct {
		name          string
		x0, y0, theta float64
	}{
		{"identity", 0, 0, 0},
		{"shift", 120, -35, 0},
		{"rotate 90°", 0, 0, math.Pi / 2},
		{"frame", 2300, -150, 0.3 * math.Pi / 180},
		{"big turn", -40, 75, 2.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qt := q.Transform(tc.x0, tc.y0, tc.theta)
			pt := pl.Transform(tc.x0, tc.y0, tc.theta)
			s, c := math.Sincos(tc.theta)
			for range 20 {
				X, Y := 200*rng.Float64()-100, 200*rng.Float64()-100
				x, y := tc.x0+X*c-Y*s, tc.y0+X*s+Y*c
				scale := 1 + math.Abs(q.At(x, y))
				require.InDelta(t, q.At(x, y), qt.At(X, Y), 1e-12*scale)
				require.InDelta(t, pl.At(x, y), pt.At(X, Y), 1e-12*(1+math.Abs(pl.At(x, y))))
			}
			// Rotation invariants of the quadratic part: trace D+E and
			// determinant 4DE − F² (the Hessian's).
			require.InDelta(t, q.D+q.E, qt.D+qt.E, 1e-18)
			require.InDelta(t, 4*q.D*q.E-q.F*q.F, 4*qt.D*qt.E-qt.F*qt.F, 1e-20)
		})
	}
	// Quality is carried over.
	q.Quality = fit.Quality{N: 7, RMS: 0.1, Cond: 3}
	require.Equal(t, q.Quality, q.Transform(1, 2, 3).Quality)
}

// TestInfiniteSkipped: ±Inf is no measurement; fits skip it like NaN.
func TestInfiniteSkipped(t *testing.T) {
	x := []float64{0, 1, 0, 1, 2}
	y := []float64{0, 0, 1, 1, 2}
	z := []float64{1, 3, 4, 6, math.Inf(1)} // z = 1 + 2x + 3y on the first four
	p, err := fit.PlanePoints(x, y, z)
	require.NoError(t, err)
	require.Equal(t, 4, p.N)
	require.InDelta(t, 2, p.B, 1e-12)
	l, err := fit.LinePoints([]float64{0, 1, 2, math.Inf(-1)}, []float64{1, 3, 5, 7})
	require.NoError(t, err)
	require.Equal(t, 3, l.N)
	require.InDelta(t, 2, l.B, 1e-12)
}
