package metropro

import (
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
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
	for _, tc := range []decodetest.RealCase{
		{File: "metropro-1.dat", Cols: 640, Rows: 480,
			PitchX: 0.0007028812979115173e6 / 640, PitchY: 0.0007028812979115173e6 / 640, PitchRTol: 1e-6,
			Valid: 640 * 480, Min: 50.10827568, Max: 51.47133201, Mean: 50.74040590, RMS: 7.528822204734589e-02,
			TolMean: 1e-8, TolExtrema: 1e-8, RTolRMS: 1e-6},
		{File: "valid_zygo_dat_file.dat", Cols: 425, Rows: 432,
			PitchX: 117.92420264, PitchY: 117.92420264, PitchRTol: 1e-6,
			Valid: 425*432 - 47241, Min: -0.3307 + 0.08018144, Max: 0.08018144, Mean: 0, RMS: 0.044591,
			TolMean: 1e-5, TolExtrema: 5e-5, RTolRMS: 1e-4},
	} {
		t.Run(tc.File, func(t *testing.T) { decodetest.RequireReal(t, Decode, tc) })
	}
}
