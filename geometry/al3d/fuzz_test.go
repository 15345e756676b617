package al3d

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
)

// FuzzDecode checks the invariants of decodetest.Fuzz (no panic, known
// error kinds, DecodeConfig agreeing with Decode, len(Z) == Stride·Rows,
// no ±Inf).
func FuzzDecode(f *testing.F) {
	b := samples[1].file.bytes()
	h := headSize + 10*tagSize
	decodetest.AddTruncations(f, b, 0, 10, len(Magic), headSize-1, headSize, h, h+commentSize, len(b)/2, len(b)-1)
	f.Add(al3dFile{cols: 1, rows: 1, pitchX: "1e-6", pitchY: "1e-6", z: []float32{float32(math.Inf(1))}}.bytes())
	for _, b := range decodetest.ReadFiles(f, filepath.Join("testdata", "*.al3d")) {
		f.Add(b)
	}
	decodetest.Fuzz(f, Decode, DecodeConfig, decodetest.FuzzOptions{Offset: true, Finite: true})
}
