package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// The bundled lot (testdata/README.md): mt16 passes iec-style-pc-16; the
// low-fiber part fails it on its adjacent differential and minus
// coplanarity (fiber 9 recessed by 450 nm).
const (
	sample16  = "../../testdata/mt16.x3p"
	failing16 = "../../testdata/mt16-fail-low-fiber.x3p"
)

func TestInfo(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.x3p")
	require.NoError(t, os.WriteFile(bad, []byte("PK\x03\x04 truncated"), 0o644))
	code, out, _ := runCmd("info", sample16, bad)
	require.Equal(t, exitError, code, "a bad file makes the command fail")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2, "the bad file does not stop the others")
	var info map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &info))
	for _, k := range []string{"file", "format", "size_px", "pixel_um", "offset_um", "valid", "invalid", "min_um", "max_um", "mean_um", "rms_um"} {
		require.Contains(t, info, k)
	}
	require.Equal(t, "x3p", info["format"])
	require.Equal(t, []any{2233.0, 600.0}, info["size_px"])
	require.Equal(t, 2233.0*600, info["valid"].(float64)+info["invalid"].(float64))
	var e map[string]string
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &e))
	require.Equal(t, bad, e["file"])
	require.Contains(t, e["error"], bad, "the error names the file")
}

// TestAnalyzeJSONContract checks the keys of SPEC §8.
func TestAnalyzeJSONContract(t *testing.T) {
	code, out, errOut := runCmd("analyze", sample16, "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	keys := func(m any, want ...string) {
		t.Helper()
		for _, k := range want {
			require.Contains(t, m, k)
		}
	}
	keys(rep["software"], "name", "version", "revision")
	require.Equal(t, "mtgeo", rep["software"].(map[string]any)["name"])
	keys(rep, "file", "software", "warnings", "layout", "pixel_um", "size_px", "valid_fraction", "regions", "frame", "guide_holes", "ferrule", "fibers", "rows", "summary")
	require.NotContains(t, rep, "grade", "no grade without --spec")
	keys(rep["frame"], "origin_map_um", "rotation_deg", "hole_spacing_um")
	keys(rep["guide_holes"].([]any)[0], "map_x_um", "map_y_um", "x_um", "y_um", "diameter_um", "fit_rms_um")
	keys(rep["ferrule"], "x_angle_deg", "y_angle_deg", "x_radius_mm", "y_radius_mm", "fit_rms_nm")
	fibers := rep["fibers"].([]any)
	require.Len(t, fibers, 16)
	keys(fibers[0], "index", "row", "col", "x_um", "y_um", "dx_um", "dy_um", "centre_method", "apex_offset_um", "height_nm",
		"apex_height_nm", "radius_mm", "core_dip_nm", "core_pixels", "fit_rms_nm", "valid_fraction", "flags")
	require.Equal(t, "edge", fibers[0].(map[string]any)["centre_method"])
	require.Equal(t, 1.0, fibers[0].(map[string]any)["index"])
	keys(rep["rows"].([]any)[0], "row", "height_differential_nm", "adjacent_differential_nm", "minus_coplanarity_nm", "line_slope_nm_per_mm", "line_radius_mm")
	keys(rep["summary"], "height_differential_nm", "adjacent_differential_nm", "minus_coplanarity_nm", "fiber_plane_x_angle_deg",
		"min_height_nm", "max_height_nm", "max_position_error_um")
	require.Equal(t, "MT-16", rep["layout"])
	require.Nil(t, rep["ferrule"].(map[string]any)["y_radius_mm"], "a flat ferrule's radius is null") // mt16 is flat in Y
	require.InEpsilon(t, 12000, rep["ferrule"].(map[string]any)["x_radius_mm"], 0.05)                 // and domed in X: testdata/mklot.go
}

func TestAnalyzeGradingExitCodes(t *testing.T) {
	code, out, _ := runCmd("analyze", "--spec", "iec-style-pc-16", "--format", "json", failing16)
	require.Equal(t, exitFail, code)
	var rep struct {
		Grade struct {
			Profile string
			Pass    bool
			Checks  []map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Equal(t, "iec-style-pc-16", rep.Grade.Profile)
	require.False(t, rep.Grade.Pass)
	var failed []string
	for _, c := range rep.Grade.Checks {
		if c["pass"] == false {
			failed = append(failed, c["name"].(string))
		}
	}
	require.Equal(t, []string{"adjacent_differential_nm", "minus_coplanarity_nm"}, failed)
	for _, k := range []string{"name", "fiber", "value", "min", "max", "margin", "pass"} {
		require.Contains(t, rep.Grade.Checks[0], k)
	}
	// --spec auto picks the built-in profile of the layout.
	code, out, _ = runCmd("analyze", "--spec", "auto", "--format", "json", sample16)
	require.Equal(t, exitOK, code, "the bundled mt16 passes")
	require.Contains(t, out, `"profile":"iec-style-pc-16"`)
	// A profile that passes everything.
	easy := filepath.Join(t.TempDir(), "easy.json")
	require.NoError(t, os.WriteFile(easy, []byte(`{"name":"easy","limits":{"height_nm":{"min":-1e6,"max":1e6}}}`), 0o644))
	code, _, _ = runCmd("analyze", "--spec", easy, sample16)
	require.Equal(t, exitOK, code)
	// A missing file: exit 2, the other file still reported.
	code, out, _ = runCmd("analyze", "--spec", easy, "--format", "json", "nope.x3p", sample16)
	require.Equal(t, exitError, code)
	require.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 2)
	// The layout profile mismatch is an error naming the file.
	code, out, _ = runCmd("analyze", "--spec", "iec-style-pc-12", "--format", "json", sample16)
	require.Equal(t, exitError, code)
	require.Contains(t, out, "MT-16")
}

func TestSynthConvertAnalyzeText(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s.x3p")
	code, _, errOut := runCmd("synth", "--layout", "MT-24", "--seed", "3", "--x-angle", "0.1", "-o", out)
	require.Equal(t, exitOK, code, errOut)
	require.FileExists(t, filepath.Join(dir, "s.truth.json"))
	conv := filepath.Join(dir, "c.x3p")
	code, _, errOut = runCmd("convert", out, conv)
	require.Equal(t, exitOK, code, errOut)
	code, text, errOut := runCmd("analyze", conv, "--layout", "MT-24")
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, text, "MT-24")
	require.Contains(t, text, "X angle +0.1000°") // the synth --x-angle
	code, _, _ = runCmd("analyze", "--format", "xml", conv)
	require.Equal(t, exitError, code)
}

func TestSpecsAndUsage(t *testing.T) {
	code, out, _ := runCmd("specs")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "iec-style-pc-12")
	code, out, _ = runCmd("specs", "show", "iec-style-apc-16")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, `"y_angle_deg"`)
	code, _, _ = runCmd("specs", "show", "nothing")
	require.Equal(t, exitError, code)
	code, _, errOut := runCmd("frobnicate")
	require.Equal(t, exitError, code)
	require.Contains(t, errOut, "unknown command")
	code, _, _ = runCmd()
	require.Equal(t, exitError, code)
}

// TestOptionRanges: every analysis option outside its physical range is a
// usage error (exit 2) naming the option, before any file is read (the
// file here does not exist: its error would say so) (issue #11 §3).
func TestOptionRanges(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--averaging-diameter", "1e9"}, "--averaging-diameter"},
		{[]string{"--fit-radius", "1e5"}, "--fit-radius"},
		{[]string{"--core-diameter", "200"}, "--core-diameter"},
		{[]string{"--fiber-exclusion", "1000"}, "--fiber-exclusion"},
		{[]string{"--fiber-exclusion", "100"}, "--fiber-exclusion"}, // smaller than the fiber
		{[]string{"--hole-margin", "-5"}, "--hole-margin"},
		{[]string{"--array-margin", "5000"}, "--array-margin"},
		{[]string{"--core-exclusion", "60"}, "--core-exclusion"},
		{[]string{"--fixture-angle", "1e9"}, "--fixture-angle"},
		{[]string{"--fixture-angle", "NaN"}, "--fixture-angle"},
		{[]string{"--flat-radius", "-1"}, "--flat-radius"},
		{[]string{"--pitch", "-3"}, "--pitch"},
		{[]string{"--z-unit", "Inf"}, "--z-unit"},
		{[]string{"--channel", "-1"}, "--channel"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			for _, cmd := range []string{"analyze", "batch", "render", "report"} {
				args := append([]string{cmd}, tc.args...)
				if cmd == "report" {
					args = append(args, "-o", t.TempDir())
				}
				code, out, errOut := runCmd(append(args, "nope.x3p")...)
				require.Equal(t, exitError, code, cmd)
				require.Contains(t, errOut, tc.want, cmd)
				require.NotContains(t, errOut+out, "nope.x3p", "%s: refused before any file is read", cmd)
			}
		})
	}
	// At the limits, the options are taken.
	code, _, errOut := runCmd("analyze", "--fixture-angle", "8", "--averaging-diameter", "125", "--fit-radius", "62.5", sample16)
	require.Equal(t, exitOK, code, errOut)
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd("version")
	require.Equal(t, exitOK, code)
	require.Regexp(t, `^mtgeo \S+ \(.+, go1\.`, out)
	code, _, _ = runCmd("version", "extra")
	require.Equal(t, exitError, code)
}
