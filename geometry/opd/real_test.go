package opd

import (
	"bytes"
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/stretchr/testify/require"
)

// TestRealSamples reads real Vision OPD files that are too large to commit
// (over 1 MB compressed) from the folder $MTGEO_REAL_SAMPLES, and is
// skipped without it; a file that is absent is skipped. The figures are
// Gwyddion 2.62's reading of each file (gwyddion --convert-to-gwy, then
// the statistics of /0/data outside /0/mask), which the decoder matches
// to 1e-12 µm:
//
//   - opd-1.opd: SurfaceTopography test/file_format_examples (MIT), whose
//     test_opd.py expects 640×480 points over 0.125909140 × 0.094431855
//     mm.
//   - test_1.opd, test_2.opd: surfalize tests/test_files (GPL-3).
func TestRealSamples(t *testing.T) {
	for _, tc := range []struct {
		file                string
		cols, rows          int
		pitchX, pitchY      float64 // µm
		valid               int
		min, max, mean, rms float64 // µm
	}{
		{"opd-1.opd", 640, 480, 0.125909140e3 / 640, 0.094431855e3 / 480, 307084,
			-0.3525569773640418, -0.22340281517711266, -0.2722895251054503, 0.008356451162720779},
		{"test_1.opd", 736, 480, 1.6342411981895566, 1.9066146662822387, 352471,
			-8.041694915254238, 10.80271186440678, 4.520145902150242e-7, 1.926526072189122},
		{"test_2.opd", 736, 480, 1.6342411981895566, 1.9066146662822387, 353049,
			-5.21336048879837, 4.440081466395112, 0.000007480484569057534, 1.1646875508855496},
	} {
		t.Run(tc.file, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(decodetest.RealSample(t, tc.file)), nil)
			require.NoError(t, err)
			require.Empty(t, m.Warnings)
			require.Equal(t, tc.cols, m.Cols())
			require.Equal(t, tc.rows, m.Rows())
			require.InEpsilon(t, tc.pitchX, m.Pitch.X, 1e-7)
			require.InEpsilon(t, tc.pitchY, m.Pitch.Y, 1e-7)
			s := m.Stats()
			require.Equal(t, tc.valid, s.Valid)
			for _, v := range [][2]float64{{tc.min, s.Min}, {tc.max, s.Max}, {tc.mean, s.Mean}, {tc.rms, s.RMS}} {
				require.InDelta(t, v[0], v[1], 1e-12)
			}
		})
	}
}
