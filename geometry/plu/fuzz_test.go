package plu

import (
	"archive/zip"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
)

// FuzzDecode checks the invariants of decodetest.Fuzz (no panic, known
// error kinds, DecodeConfig agreeing with Decode, len(Z) == Stride·Rows,
// no ±Inf) on both variants. Inputs whose header announces more than
// decodetest.FuzzMaxPixels pixels are skipped after DecodeConfig.
func FuzzDecode(f *testing.F) {
	for _, s := range samples(f) {
		b := s.b
		decodetest.AddTruncations(f, b, 0, 24, 30, headerSize-1, headerSize, headerSize+layerHead, len(b)/2, len(b)-22, len(b)-1)
	}
	g := surface(3, 2, 1, [3]float32{1, 1, lostPixel})
	f.Add(pluFile{mppx: 1, mppy: 2, images: 1, layers: []grid{g, g.reshape(2, 3)}}.bytes())
	f.Add(pluxFile{fovX: "1", fovY: "1", method: zip.Store, layers: []grid{g}}.bytes(f))
	for _, b := range decodetest.ReadFiles(f, filepath.Join("testdata", "*.plu"), filepath.Join("testdata", "*.plux")) {
		f.Add(b)
	}
	decodetest.Fuzz(f, Decode, DecodeConfig, decodetest.FuzzOptions{Offset: true, Finite: true})
}
