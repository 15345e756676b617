package opd

import (
	"testing"

	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
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
	const tol = 1e-12 // µm
	for _, tc := range []decodetest.RealCase{
		{File: "opd-1.opd", Cols: 640, Rows: 480, PitchX: 0.125909140e3 / 640, PitchY: 0.094431855e3 / 480, Valid: 307084,
			Min: -0.3525569773640418, Max: -0.22340281517711266, Mean: -0.2722895251054503, RMS: 0.008356451162720779},
		{File: "test_1.opd", Cols: 736, Rows: 480, PitchX: 1.6342411981895566, PitchY: 1.9066146662822387, Valid: 352471,
			Min: -8.041694915254238, Max: 10.80271186440678, Mean: 4.520145902150242e-7, RMS: 1.926526072189122},
		{File: "test_2.opd", Cols: 736, Rows: 480, PitchX: 1.6342411981895566, PitchY: 1.9066146662822387, Valid: 353049,
			Min: -5.21336048879837, Max: 4.440081466395112, Mean: 0.000007480484569057534, RMS: 1.1646875508855496},
	} {
		tc.PitchRTol, tc.TolExtrema, tc.TolMean, tc.TolRMS = 1e-7, tol, tol, tol
		t.Run(tc.File, func(t *testing.T) { decodetest.RequireReal(t, Decode, tc) })
	}
}
