package plu

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
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
	for _, f := range realFiles {
		t.Run(f.name, func(t *testing.T) {
			b := decodetest.RealSample(t, f.name, "MTGEO_SENSOFAR_DATA")
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

// TestX3ptoolsPlux reads x3ptools' tests/testthat/test.plux (MIT, see
// testdata/README.md): a real Sensofar S neox .plux (SensoSCAN, 2018)
// from which the height layer was removed, leaving index.xml (3577×1023,
// FOV_X = FOV_Y = 0.6449999809265137), recipe.txt, metrics.txt and an
// Analysis folder, some stored as "./recipe.txt". Like Gwyddion 2.62
// ("File LAYER_0.raw is missing in the zip file"), the decoder refuses
// it; given the layer back (built here), it reads its real index.xml as
// Gwyddion does.
func TestX3ptoolsPlux(t *testing.T) {
	in, err := os.ReadFile("testdata/x3ptools-test.plux")
	require.NoError(t, err)
	require.True(t, matchPLUX(in[:min(len(in), 4096)]))
	_, err = Decode(bytes.NewReader(in), nil)
	decodetest.RequireError(t, err, "plu", nil, nil)
	decodetest.IsFormat(t, err)
	require.ErrorContains(t, err, "LAYER_0.raw")
	_, err = DecodeConfig(bytes.NewReader(in), nil)
	decodetest.IsFormat(t, err)

	// The same members, deflated, and a LAYER_0.raw of 3577×1023 float32
	// heights (µm) with a NaN at (5, 7).
	const cols, rows = 3577, 1023
	zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	require.NoError(t, err)
	var ms []member
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, errors.Join(err, rc.Close()))
		ms = append(ms, member{f.Name, b, zip.Deflate})
	}
	layer := make([]byte, 0, 4*cols*rows)
	z := func(c, r int) float32 { return float32(c%97)*0.25 - float32(r%31)*0.5 }
	for r := range rows {
		for c := range cols {
			v := z(c, r)
			if c == 5 && r == 7 {
				v = float32(math.NaN())
			}
			layer = binary.LittleEndian.AppendUint32(layer, math.Float32bits(v))
		}
	}
	full := zipFile(t, append([]member{{"LAYER_0.raw", layer, zip.Deflate}}, ms...)...)
	m, err := Decode(bytes.NewReader(full), nil)
	require.NoError(t, err)
	require.Equal(t, cols, m.Cols())
	require.Equal(t, rows, m.Rows())
	require.InDelta(t, 0.6449999809265137, m.Pitch.X, 1e-15)
	require.InDelta(t, 0.6449999809265137, m.Pitch.Y, 1e-15)
	require.Equal(t, cols*rows-1, m.ValidCount())
	require.True(t, math.IsNaN(m.At(5, 7)))
	require.Equal(t, float64(z(96, 30)), m.At(96, 30))
	data, mask := gwyref.Load(t, "x3ptools-test-with-layer.plux", full)
	gwyref.Compare(t, gwyref.GoldenFrom(data, mask), m, 1e-6, gwyref.Options{})
}
