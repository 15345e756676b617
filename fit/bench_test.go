package fit_test

import (
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// benchMap returns an n×n map of the dome with 2 nm noise and 1 % of the
// pixels invalid, 3 µm pixels.
func benchMap(n int) *geometry.HeightMap {
	rng := newRand(100)
	h := float64(n) * 3 / 2
	return surfaceMap(n, n, r2.Vec{X: 3, Y: 3}, r2.Vec{X: -h, Y: -h}, func(x, y float64) float64 {
		if rng.Float64() < 0.01 {
			return math.NaN()
		}
		return dome.At(x, y) + 0.002*rng.NormFloat64()
	})
}

func benchmarkMap(b *testing.B, n int, masked bool, f func(*geometry.HeightMap, []bool) error) {
	m := benchMap(n)
	var mask []bool
	if masked {
		// The ferrule fitting region without discs around 12 fibers: ~90 %.
		mask = make([]bool, n*n)
		for i := range mask {
			c, r := i%n, i/n
			mask[i] = math.Mod(float64(c), float64(n)/12) > float64(n)/120 || r%10 != 0
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := f(m, mask); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*n)*float64(b.N)/b.Elapsed().Seconds(), "px/s")
}

func planeMap(m *geometry.HeightMap, mask []bool) error {
	_, err := fit.PlaneMap(m, mask)
	return err
}

func surfMap(m *geometry.HeightMap, mask []bool) error {
	_, _, err := fit.SurfaceMap(m, mask)
	return err
}

func BenchmarkPlaneMap1024(b *testing.B)       { benchmarkMap(b, 1024, false, planeMap) }
func BenchmarkPlaneMap2048(b *testing.B)       { benchmarkMap(b, 2048, false, planeMap) }
func BenchmarkPlaneMap2048Mask(b *testing.B)   { benchmarkMap(b, 2048, true, planeMap) }
func BenchmarkSurfaceMap1024(b *testing.B)     { benchmarkMap(b, 1024, false, surfMap) }
func BenchmarkSurfaceMap2048(b *testing.B)     { benchmarkMap(b, 2048, false, surfMap) }
func BenchmarkSurfaceMap2048Mask(b *testing.B) { benchmarkMap(b, 2048, true, surfMap) }

func BenchmarkSpherePoints700(b *testing.B) {
	s := fit.Sphere{X0: 1, Y0: -0.5, Z0: 2, R: 10000}
	x, y, z := tip(200, s, 0, 0, 0.002)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fit.SpherePoints(x, y, z); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds(), "pt/s")
}

func BenchmarkCirclePoints600(b *testing.B) {
	x, y := arc(201, hole, 600, 0, 2*math.Pi*599/600, 0.9)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fit.CirclePoints(x, y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds(), "pt/s")
}

// BenchmarkGridCorrelation is the per-fiber cost of the tip residuals'
// correlation: the ~37×37 window of a fit annulus (10–50 µm at 3 µm),
// white (two lag passes) and correlated over 3 pixels (all lags).
func BenchmarkGridCorrelation(b *testing.B) {
	const n = 37
	for _, tc := range []struct {
		name  string
		sigma float64
	}{{"white", 0}, {"corr3px", 3 / math.Sqrt2}} {
		b.Run(tc.name, func(b *testing.B) {
			rng := newRand(11)
			r := make([]float64, n*n)
			if tc.sigma == 0 {
				for i := range r {
					r[i] = rng.NormFloat64()
				}
			} else {
				r = filtered(rng, n, n, gaussKernel(tc.sigma))
			}
			for j := 0; j < n; j++ {
				for i := 0; i < n; i++ {
					if d := math.Hypot(float64(i-n/2), float64(j-n/2)); d < 10.0/3 || d > 50.0/3 {
						r[j*n+i] = math.NaN() // outside the annulus
					}
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				fit.GridCorrelation(r, n, n, n)
			}
		})
	}
}
