package x3p

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/stretchr/testify/require"
)

// realFiles are X3P files written by other software, committed in testdata
// (see testdata/README.md for where they come from and their licence).
// Every figure comes from another reader, as noted.
var realFiles = []struct {
	file       string
	cols, rows int     // x3ptools print(): "size (width x height)"; Gwyddion 2.62 xres, yres
	pitchX     float64 // µm: CX/Increment of main.xml; x3ptools "resolution"; Gwyddion xreal/xres
	pitchY     float64
	z00        float64 // µm, pixel (0, 0): Gwyddion 2.62's reading, m × 1e6
	zLast      float64 // µm, the last pixel, likewise
	warnings   []string
}{
	{
		// x3ptools' logo: x3ptools documents 741 x 419 px at 6.4500e-07 m
		// (docs/reference/print.x3p.html) and head(logo) shows 4e-07 in its
		// first 6×6 values. Those are the raw stored metres: x3ptools does
		// not apply CZ/Increment, which this file gives as 1e-06. ISO 5436-2
		// (z = offset + increment·raw), the openGPS library and Gwyddion
		// 2.62 do, so every height is 1e-6 of x3ptools': 4e-07 µm.
		// md5checksum.hex (51f0b43f...) predates the last edit of main.xml
		// (MD5 478a53a5...): a stale checksum, read with a warning.
		file: "x3ptools-csafe-logo.x3p", cols: 741, rows: 419, pitchX: 0.645000000000095, pitchY: 0.645,
		z00: 3.9999999999999986e-07, zLast: 3.9999999999999986e-07,
		warnings: []string{"main.xml MD5 mismatch (stale or wrong checksum): md5checksum.hex says 51f0b43f25b587b72aa51b954c2134eb, main.xml has 478a53a5eba1607c2c1f5e4acce01cfb"},
	},
	{
		// x3ptools' TMD conversion test file: 30×20 at 0.0274999996026357 m.
		file: "x3ptools-testing.x3p", cols: 30, rows: 20, pitchX: 27499.9996026357, pitchY: 27499.9996026357,
		z00: 8962.3397216200829, zLast: -32.500898669240996,
	},
}

func TestRealFiles(t *testing.T) {
	for _, f := range realFiles {
		t.Run(f.file, func(t *testing.T) {
			path := "testdata/" + f.file
			in, err := os.ReadFile(path)
			require.NoError(t, err)
			m, err := Decode(bytes.NewReader(in), nil)
			require.NoError(t, err)
			require.Equal(t, f.cols, m.Cols())
			require.Equal(t, f.rows, m.Rows())
			require.InEpsilon(t, f.pitchX, m.Pitch.X, relTol)
			require.InEpsilon(t, f.pitchY, m.Pitch.Y, relTol)
			require.Equal(t, f.cols*f.rows, m.ValidCount()) // Gwyddion: no mask
			require.InEpsilon(t, f.z00, m.At(0, 0), 1e-12)
			require.InEpsilon(t, f.zLast, m.At(f.cols-1, f.rows-1), 1e-12)
			require.Equal(t, f.warnings, m.Warnings)

			// Under Strict the file is refused, as a *FileError naming it.
			_, name, err := geometry.ReadFile(path, &geometry.Options{Strict: true})
			require.Equal(t, "x3p", name)
			if len(f.warnings) == 0 {
				require.NoError(t, err)
				return
			}
			var fe *geometry.FileError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, path, fe.Path)
			var se geometry.StrictError
			require.ErrorAs(t, err, &se)
			require.Equal(t, geometry.StrictError(f.warnings), se)
		})
	}
}

// TestGwyddionReadsRealFiles compares Decode with Gwyddion on the committed
// files. Gwyddion 2.62 finds nothing in an archive whose members sit in a
// top folder (csafe-logo.x3p: "File contains no (importable) data"), so
// such an archive is given to it with the folder removed; it ignores the
// main.xml checksum.
func TestGwyddionReadsRealFiles(t *testing.T) {
	for _, f := range realFiles {
		t.Run(f.file, func(t *testing.T) {
			in, err := os.ReadFile("testdata/" + f.file)
			require.NoError(t, err)
			m, err := Decode(bytes.NewReader(in), nil)
			require.NoError(t, err)
			requireSameAsGwyddion(t, withoutTopFolder(t, in), m)
		})
	}
}

// withoutTopFolder rewrites a zip archive whose members all lie in one top
// folder with that folder removed, leaving out folder entries and
// anything under __MACOSX/.
func withoutTopFolder(t *testing.T, in []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	require.NoError(t, err)
	top := ""
	for _, f := range zr.File {
		if i := strings.IndexByte(f.Name, '/'); i >= 0 && !strings.HasPrefix(f.Name, "__MACOSX/") {
			if top == "" {
				top = f.Name[:i+1]
			}
			if !strings.HasPrefix(f.Name, top) {
				return in // not all in one folder
			}
		} else if !strings.HasPrefix(f.Name, "__MACOSX/") {
			return in // a member at the root
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, top)
		if strings.HasPrefix(f.Name, "__MACOSX/") || name == "" || strings.HasSuffix(name, "/") {
			continue
		}
		rc, err := f.Open()
		require.NoError(t, err)
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.Copy(w, rc)
		require.NoError(t, errors.Join(err, rc.Close()))
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// externalFiles are X3P files written by instruments and software other
// than x3ptools, from other readers' test suites, too large to commit
// (see testdata/README.md). Set MTGEO_X3P_DATA to a directory holding
// them to run TestExternalFiles. Every figure is another reader's.
var externalFiles = []struct {
	file         string
	cols, rows   int
	sizeX, sizeY float64 // µm, cols·pitch and rows·pitch
	valid        int
	rms          float64 // µm, about the mean of the valid heights
}{
	// SurfaceTopography test/file_format_examples/x3p-2.x3p (MIT),
	// written by Digital Surf's MountainsMap 6.2 (Record2): its
	// test_x3p.py asserts 650×650 points, physical sizes
	// 8.29767313942749e-05 × 0.0002044783737930349 m, no undefined data and
	// rms_height_from_area 7.728033273597876e-08 m (rtol 1e-6).
	{"x3p-2.x3p", 650, 650, 82.9767313942749, 204.4783737930349, 650 * 650, 0.07728033273597876},
	// openGPS samplefiles (LGPL-3.0), Alicona InfiniteFocus "OpenGPS
	// Export V1.0", float32 heights with a valid-point bitmap: Gwyddion
	// 2.62 reads 860×634 (xreal 1.960786425e-3 m), 5296 masked, and
	// 1197×940, 4272 masked; rms of its valid heights.
	{"KautschukInfiniteFocus.x3p", 860, 634, 1960.786425, 1445.389725, 860*634 - 5296, 3.398871810863275},
	{"SkiInfiniteFocus.x3p", 1197, 940, 4403.6288474, 3459.4541731, 1197*940 - 4272, 18.15496570404695},
}

func TestExternalFiles(t *testing.T) {
	for _, f := range externalFiles {
		t.Run(f.file, func(t *testing.T) {
			in := decodetest.RealSample(t, f.file, "MTGEO_X3P_DATA")
			m, err := Decode(bytes.NewReader(in), nil)
			require.NoError(t, err)
			require.Empty(t, m.Warnings)
			require.Equal(t, f.cols, m.Cols())
			require.Equal(t, f.rows, m.Rows())
			require.InEpsilon(t, f.sizeX, float64(f.cols)*m.Pitch.X, 1e-6)
			require.InEpsilon(t, f.sizeY, float64(f.rows)*m.Pitch.Y, 1e-6)
			s := m.Stats()
			require.Equal(t, f.valid, s.Valid)
			require.InEpsilon(t, f.rms, s.RMS, 1e-6)
			requireSameAsGwyddion(t, in, m)
		})
	}
}
