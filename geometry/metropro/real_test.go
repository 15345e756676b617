package metropro

import (
	"bytes"
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/stretchr/testify/require"
)

// TestRealSamples reads real MetroPro files that are too large to commit
// (over 300 KB even compressed) from the folder $MTGEO_REAL_SAMPLES, and
// is skipped without it. Each file is compared with what other readers
// say; a file that is absent is skipped.
//
//   - metropro-1.dat: SurfaceTopography test/file_format_examples (MIT;
//     the same file is surfalize's tests/test_files/test_1.dat).
//     SurfaceTopography's test_metropro.py: 640×480, 0.0007028812979115173
//     m × 0.000527160973433638 m, rms height 7.528822204734589e-08 m
//     (rtol 1e-6). Gwyddion 2.62: min 50.10827568 µm, max 51.47133201 µm,
//     mean 50.74040590 µm.
//   - valid_zygo_dat_file.dat: prysm's sample_files (MIT, 1.35 MB).
//     prysm's test_interferogram.py: 25.73 % dropout, PV 330.7 nm and
//     rms 44.591 nm (after a 40 mm circular mask, crop and piston/tilt
//     removal, which leave this file's valid pixels unchanged); Gwyddion
//     2.62: 425×432, 117.92420264 µm pixels, 47241 masked pixels.
func TestRealSamples(t *testing.T) {
	for _, tc := range []struct {
		file                  string
		cols, rows            int
		pitch                 float64 // µm
		valid                 int
		min, max, mean, rms   float64 // µm
		tolStat, tolExtremaUm float64
		rtolRMS               float64
	}{
		{"metropro-1.dat", 640, 480, 0.0007028812979115173e6 / 640, 640 * 480,
			50.10827568, 51.47133201, 50.74040590, 7.528822204734589e-02, 1e-8, 1e-8, 1e-6},
		{"valid_zygo_dat_file.dat", 425, 432, 117.92420264, 425*432 - 47241,
			-0.3307 + 0.08018144, 0.08018144, 0, 0.044591, 1e-5, 5e-5, 1e-4},
	} {
		t.Run(tc.file, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(decodetest.RealSample(t, tc.file)), nil)
			require.NoError(t, err)
			require.Empty(t, m.Warnings)
			require.Equal(t, tc.cols, m.Cols())
			require.Equal(t, tc.rows, m.Rows())
			require.InEpsilon(t, tc.pitch, m.Pitch.X, 1e-6)
			require.InEpsilon(t, tc.pitch, m.Pitch.Y, 1e-6)
			s := m.Stats()
			require.Equal(t, tc.valid, s.Valid)
			require.InEpsilon(t, tc.rms, s.RMS, tc.rtolRMS)
			require.InDelta(t, tc.max, s.Max, tc.tolExtremaUm)
			require.InDelta(t, tc.min, s.Min, tc.tolExtremaUm)
			require.InDelta(t, tc.mean, s.Mean, tc.tolStat)
		})
	}
}
