package x3p

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// BenchmarkDecode4MP decodes a 2048×2048 float64 map (32 MiB of point
// data) with measurement-like noise in every mantissa, written by Encode:
// like `mtgeo synth --cols 2048 --rows 2048 --random`, it deflates by
// only a few per cent, so the time goes to inflating, MD5 and conversion.
func BenchmarkDecode4MP(b *testing.B) {
	const cols, rows = 2048, 2048
	m := geometry.New(cols, rows, r2.Vec{X: 3, Y: 3})
	rnd := rand.New(rand.NewPCG(5, 5))
	for i := range m.Z {
		c, r := float64(i%cols), float64(i/cols)
		m.Z[i] = 0.001*c - 0.002*r + math.Sin(c/50)*math.Cos(r/30) + 0.01*rnd.NormFloat64() // µm
	}
	var buf bytes.Buffer
	if err := Encode(&buf, m, nil); err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	b.SetBytes(int64(len(m.Z) * 8))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(in), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(m.Z))*float64(b.N)/b.Elapsed().Seconds(), "px/s")
}
