package gwy_test

import (
	"testing"

	"github.com/mtgeo/mtgeo/geometry/gwy"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
)

// BenchmarkDecode2048x1024 decodes a 2-megapixel channel with a mask, the
// middle of the range of end-face interferograms (SPEC §1).
func BenchmarkDecode2048x1024(b *testing.B) {
	const cols, rows = 2048, 1024
	data := make([]float64, cols*rows)
	mask := make([]float64, cols*rows)
	for i := range data {
		data[i] = float64(i%977) * 1e-9
		if i%101 == 0 {
			mask[i] = 1
		}
	}
	d := df{xres: cols, yres: rows, xreal: 6.144e-3, yreal: 3.072e-3, unitXY: "m", unitZ: "m", data: data}
	md := d
	md.unitZ, md.data = "", mask
	raw := file(comp{"/0/data", 'o', dataField(d)}, comp{"/0/mask", 'o', dataField(md)})
	decodetest.Benchmark(b, raw, gwy.Decode, cols*rows)
}
