package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/x3p"
)

// writeTestMap writes a cols×rows map with heights z (µm, row-major; NaN
// invalid) and 3 µm pixels as float64 X3P.
func writeTestMap(t *testing.T, path string, cols int, z ...float64) {
	m := geometry.New(cols, len(z)/cols, r2.Vec{X: 3, Y: 3})
	copy(m.Z, z)
	var buf bytes.Buffer
	require.NoError(t, x3p.Encode(&buf, m, nil))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o666))
}

// TestInfoOverflow checks that statistics beyond float64 are null, with a
// warning, and that the line is still printed with exit status 0.
func TestInfoOverflow(t *testing.T) {
	const big = 1e308 // µm; ±1.8e308 is the largest float64
	nan := math.NaN()
	for _, tc := range []struct {
		name     string
		z        []float64
		min, max any // want, as JSON decodes it
		mean     any
		rms      any
		warning  string // in the warning; empty: none
	}{
		// Closed forms: mean 2.5, RMS √1.25 about the mean.
		{"plain", []float64{1, 2, 3, 4}, 1.0, 4.0, 2.5, math.Sqrt(1.25), ""},
		// Σz = 4e308 overflows: the mean and so the RMS.
		{"mean overflows", []float64{big, big, big, big}, big, big, nil, nil, "mean_um, rms_um overflow"},
		// Σz = 0, but (z − µ)² = 1e616 overflows.
		{"rms overflows", []float64{big, -big, big, -big}, -big, big, 0.0, nil, "rms_um overflow"},
		{"no valid pixel", []float64{nan, nan, nan, nan}, nil, nil, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.x3p")
			writeTestMap(t, path, 2, tc.z...)
			code, out, stderr := runCmd("info", path)
			require.Equal(t, exitOK, code, stderr)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			require.Len(t, lines, 1, "one line per file: %q", out)
			var info map[string]any
			require.NoError(t, json.Unmarshal([]byte(lines[0]), &info))
			require.Equal(t, path, info["file"])
			require.Equal(t, []any{3.0, 3.0}, info["pixel_um"])
			for _, c := range []struct {
				key  string
				want any
			}{{"min_um", tc.min}, {"max_um", tc.max}, {"mean_um", tc.mean}, {"rms_um", tc.rms}} {
				require.Contains(t, info, c.key)
				if c.want == nil {
					require.Nil(t, info[c.key], c.key)
					continue
				}
				// x3p stores metres: the heights come back within an ulp or two.
				require.InDelta(t, c.want.(float64), info[c.key].(float64), math.Abs(c.want.(float64))*1e-15, c.key)
			}
			if tc.warning == "" {
				require.NotContains(t, info, "warnings")
				return
			}
			require.Len(t, info["warnings"], 1)
			require.Contains(t, info["warnings"].([]any)[0], tc.warning)
		})
	}

	// Beside a bad file the line is printed too; the status is that of
	// the bad file.
	dir := t.TempDir()
	over, bad := filepath.Join(dir, "over.x3p"), filepath.Join(dir, "bad.x3p")
	writeTestMap(t, over, 2, big, big, big, big)
	require.NoError(t, os.WriteFile(bad, []byte("PK\x03\x04 truncated"), 0o644))
	code, out, _ := runCmd("info", over, bad)
	require.Equal(t, exitError, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], `"mean_um":null`)
	require.Contains(t, lines[1], `"error":`)
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

// TestInfoWriteError checks that an output that cannot be written is an
// error, not a silent success.
func TestInfoWriteError(t *testing.T) {
	var stderr bytes.Buffer
	code := runInfo([]string{sample16}, failWriter{}, &stderr)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr.String(), "mtgeo info:")
}

// TestInfoWarnings: the decoder's warnings are in the info line, and
// --strict refuses the file instead (x3ptools' csafe-logo.x3p carries a
// stale main.xml checksum: geometry/x3p/testdata/README.md).
func TestInfoWarnings(t *testing.T) {
	const stale = "../../geometry/x3p/testdata/x3ptools-csafe-logo.x3p"
	code, out, _ := runCmd("info", stale)
	require.Equal(t, exitOK, code)
	var line struct{ Warnings []string }
	require.NoError(t, json.Unmarshal([]byte(out), &line))
	require.Len(t, line.Warnings, 1)
	require.Contains(t, line.Warnings[0], "main.xml MD5 mismatch")
	code, out, _ = runCmd("info", "--strict", stale)
	require.Equal(t, exitError, code)
	require.Contains(t, out, "refused under strict reading")
}
