package plu

import (
	"archive/zip"
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
)

// The S neox and DCM8 cameras are 1360×1024 (Gwyddion's sensofar module,
// hardware configurations 10 and 11); a topography carries one RGB image.
const benchCols, benchRows = 1360, 1024

func BenchmarkDecodePLU(b *testing.B) {
	g := surface(benchCols, benchRows, 0.01, [3]float32{5, 5, lostPixel})
	data := pluFile{mppx: 0.645, mppy: 0.645, images: 1, layers: []grid{g}}.bytes()
	decodetest.Benchmark(b, data, Decode, benchCols*benchRows)
}

func benchmarkPLUX(b *testing.B, method uint16) {
	g := surface(benchCols, benchRows, 0.01, [3]float32{5, 5, nan32})
	data := pluxFile{fovX: "0.645", fovY: "0.645", method: method, layers: []grid{g}}.bytes(b)
	decodetest.Benchmark(b, data, Decode, benchCols*benchRows)
}

func BenchmarkDecodePLUXStored(b *testing.B)   { benchmarkPLUX(b, zip.Store) }
func BenchmarkDecodePLUXDeflated(b *testing.B) { benchmarkPLUX(b, zip.Deflate) }
