package plu

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/gwyref"
	"github.com/stretchr/testify/require"
)

// realFiles are SensoSCAN topographies from other readers' test suites,
// too large to commit (3.2 MB each; see testdata/README.md). Set
// MTGEO_SENSOFAR_DATA to a directory holding them to run TestRealFiles.
var realFiles = []struct {
	name       string
	cols, rows int
	mpp        uint32 // float32 bits of mppx = mppy at offset 404, µm
	valid      int
	min, max   float64 // µm
	mean, rms  float64 // µm
	z00        float64 // µm, first height stored
}{
	// SurfaceTopography test/file_format_examples/plu-1.plu (MIT). Its
	// test_plu.py asserts 768×576 points, physical sizes 1274.880066 ×
	// 956.160049 µm and rms_height_from_area 2.834391 µm (rtol 1e-6).
	{"plu-1.plu", 768, 576, 0x3fd47ae2, 768 * 576, -111.23046875, -101.21484375, -106.23766881448252, 2.834390987635168, -111.2265625},
	// surfalize tests/test_files/test_1.plu (GPL-3); its tests only load it.
	{"test_1.plu", 768, 576, 0x3ea9fbe8, 768 * 576, -12.091985702514648, 12.323053359985352, 0.001095886835914657, 5.2007541478770944, 5.6291370391845703},
}

func TestRealFiles(t *testing.T) {
	dir := os.Getenv("MTGEO_SENSOFAR_DATA")
	if dir == "" {
		t.Skip("set MTGEO_SENSOFAR_DATA to a directory holding plu-1.plu (SurfaceTopography) and test_1.plu (surfalize)")
	}
	for _, f := range realFiles {
		t.Run(f.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, f.name))
			if os.IsNotExist(err) {
				t.Skipf("%s not in %s", f.name, dir)
			}
			require.NoError(t, err)
			require.True(t, matchPLU(b[:4096]))
			require.False(t, matchPLUX(b[:4096]))
			m, err := Decode(bytes.NewReader(b), nil)
			require.NoError(t, err)
			require.Empty(t, m.Warnings)
			require.Equal(t, f.cols, m.Cols())
			require.Equal(t, f.rows, m.Rows())
			le := binary.LittleEndian
			require.Equal(t, f.mpp, le.Uint32(b[offMPPX:]))
			require.Equal(t, m.Pitch.X, m.Pitch.Y)
			// The layer size sits at 500, before the heights at 508 (which
			// is where Gwyddion and SurfaceTopography read them).
			require.Equal(t, uint32(f.rows), le.Uint32(b[headerSize:]))
			require.Equal(t, uint32(f.cols), le.Uint32(b[headerSize+4:]))
			s := m.Stats()
			require.Equal(t, f.valid, s.Valid)
			require.Equal(t, f.min, s.Min)
			require.Equal(t, f.max, s.Max)
			require.InDelta(t, f.mean, s.Mean, 1e-9)
			require.InDelta(t, f.rms, s.RMS, 1e-9)
			require.Equal(t, f.z00, m.At(0, 0))
			if f.name == "plu-1.plu" {
				require.InEpsilon(t, 1274.880066, float64(f.cols)*m.Pitch.X, 1e-6)
				require.InEpsilon(t, 956.160049, float64(f.rows)*m.Pitch.Y, 1e-6)
				require.InEpsilon(t, 2.834391, s.RMS, 1e-6)
			}
			// Gwyddion 2.62 (module sensofar) reads the same heights.
			data, mask := gwyref.Load(t, f.name, b)
			gwyref.Compare(t, gwyref.GoldenFrom(data, mask), m, 1e-6, gwyref.Options{})
		})
	}
}
