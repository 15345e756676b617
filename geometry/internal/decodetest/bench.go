package decodetest

import (
	"bytes"
	"testing"
)

// Benchmark decodes data with decode (nil options) in a b.Loop and
// reports bytes/s, allocations and the pixel rate px/s for a map of
// pixels pixels.
func Benchmark(b *testing.B, data []byte, decode DecodeFunc, pixels int) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(bytes.NewReader(data), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(pixels)*float64(b.N)/b.Elapsed().Seconds(), "px/s")
}
