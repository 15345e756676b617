package gsf_test

import (
	"testing"

	"github.com/mtgeo/mtgeo/geometry/gsf"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
)

// BenchmarkDecode2048x1024 decodes a 2-megapixel map, the middle of the
// range of end-face interferograms (SPEC §1).
func BenchmarkDecode2048x1024(b *testing.B) {
	const cols, rows = 2048, 1024
	vals := make([]float32, cols*rows)
	for i := range vals {
		vals[i] = float32(i%977) * 1e-9
	}
	raw := buildGSF([]string{"XRes = 2048", "YRes = 1024", "XReal = 0.006144", "YReal = 0.003072", "XYUnits = m", "ZUnits = m"}, vals)
	decodetest.Benchmark(b, raw, gsf.Decode, cols*rows)
}
