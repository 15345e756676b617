package gsf_test

import (
	"bytes"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/gsf"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
)

// encode writes m as a GSF file in µm.
func encode(m *geometry.HeightMap) []byte {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	lines := []string{
		"XRes = " + strconv.Itoa(m.Cols()), "YRes = " + strconv.Itoa(m.Rows()),
		"XReal = " + g(float64(m.Cols())*m.Pitch.X), "YReal = " + g(float64(m.Rows())*m.Pitch.Y),
		"XOffset = " + g(m.Offset.X), "YOffset = " + g(m.Offset.Y), "XYUnits = um", "ZUnits = um",
	}
	vals := make([]float32, 0, m.Cols()*m.Rows())
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		for _, z := range m.Row(r) {
			vals = append(vals, float32(z))
		}
	}
	return buildGSF(lines, vals)
}

// FuzzDecode checks that no input panics, that the seekable and stream
// paths and DecodeConfig agree, and that a decoded map survives an
// encode-decode round trip.
func FuzzDecode(f *testing.F) {
	if raw, err := os.ReadFile("testdata/gwyddion-64x48.gsf"); err == nil {
		decodetest.AddTruncations(f, raw, len(raw)-1, 160)
	}
	f.Add(buildGSF([]string{"XRes = 2", "YRes = 2", "XReal = 2e-6", "YReal = 4e-6", "XOffset = 1e-6", "XYUnits = m", "ZUnits = nm"},
		[]float32{1, float32(math.NaN()), 3, float32(math.Inf(-1))}))
	f.Add(buildGSF([]string{"XRes = 1", "YRes = 3", "ZUnits = \u00c5", "Title = t"}, []float32{1, 2, 3}))
	f.Add(buildGSF([]string{"XRes = 1", "YRes = 1", "ZUnits = V"}, []float32{1}))
	f.Add(buildGSF([]string{"XRes = 10000", "YRes = 10000"}, nil))
	f.Add([]byte(gsf.Magic))

	f.Fuzz(func(t *testing.T, raw []byte) {
		cfg, cfgErr := gsf.DecodeConfig(bytes.NewReader(raw), nil)
		if cfgErr == nil && cfg.Cols*cfg.Rows > decodetest.FuzzMaxPixels {
			return // valid header of a huge map: decoding it only costs time
		}
		m, err := decodetest.DecodeBoth(t, raw, gsf.Decode, nil)
		if err != nil {
			require.Nil(t, m)
			return
		}
		require.NoError(t, cfgErr)
		require.Equal(t, geometry.Config{Format: "gsf", Cols: m.Cols(), Rows: m.Rows(), Pitch: m.Pitch, Offset: m.Offset}, cfg)
		require.Len(t, m.Z, m.Stride*m.Rows())
		require.LessOrEqual(t, len(m.Z), geometry.MaxPixels)

		back, err := gsf.Decode(bytes.NewReader(encode(m)), nil)
		require.NoError(t, err)
		require.Equal(t, m.Rect, back.Rect)
		near := func(want, got float64) bool { // float32 storage, or a decimal round trip
			return want == got || math.Abs(got-want) <= 0x1p-23*math.Abs(want)
		}
		require.True(t, near(m.Pitch.X, back.Pitch.X) && near(m.Pitch.Y, back.Pitch.Y), "pitch %v, back %v", m.Pitch, back.Pitch)
		require.True(t, near(m.Offset.X, back.Offset.X) && near(m.Offset.Y, back.Offset.Y), "offset %v, back %v", m.Offset, back.Offset)
		for i, z := range m.Z {
			if math.IsNaN(z) || math.IsInf(float64(float32(z)), 0) {
				require.True(t, math.IsNaN(back.Z[i]), "Z[%d] = %g, back %g", i, z, back.Z[i])
				continue
			}
			require.True(t, near(z, back.Z[i]) || math.Abs(z) < 0x1p-126, "Z[%d] = %g, back %g", i, z, back.Z[i])
		}
	})
}
