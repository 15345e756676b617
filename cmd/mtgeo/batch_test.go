package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// batchTestFolder makes a folder of three synthetic MT-16 end faces
// (default size 2233×600) with verdicts against iec-style-pc-16 known by
// construction, and four files that are not maps:
//
//	a-pass.x3p      nominal part: passes
//	b-tilt.x3p      X angle 0.3°, beyond the profile's ±0.15°: fails
//	c-corrupt.x3p   a zip header and garbage: error
//	d-image.x3p     a PNG renamed .x3p: error
//	e-trunc.x3p     the first 60 % of a-pass.x3p: error
//	sub/f-pass.x3p  nominal part, rotated and shifted: passes
//	z-notes.txt     text, not a map (taken when named, or with --all)
func batchTestFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	{
		write := func(name string, p synth.Params) []byte {
			m, _, err := synth.Generate(p)
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, x3p.Encode(&buf, m, &x3p.EncodeOptions{Float32: true}))
			require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o777))
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o666))
			return buf.Bytes()
		}
		p := synth.Default("MT-16")
		p.Seed = 11
		good := write("a-pass.x3p", p)
		p.Seed, p.XAngleDeg = 12, 0.3
		write("b-tilt.x3p", p)
		p.Seed, p.XAngleDeg, p.RotationDeg, p.ShiftUm = 13, 0, -1.5, [2]float64{-40, 25}
		write("sub/f-pass.x3p", p)
		for name, b := range map[string][]byte{
			"c-corrupt.x3p": append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0x55, 0xaa}, 1000)...),
			"d-image.x3p":   append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 100)...),
			"e-trunc.x3p":   good[:len(good)*6/10],
			"z-notes.txt":   []byte("lot 42, line 3\nno heights here\n"),
		} {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o666))
		}
	}
	return dir
}

// TestBatch runs the batch command over one folder of synthetic files
// (made once: each takes a second to write and to analyse).
func TestBatch(t *testing.T) {
	dir := batchTestFolder(t)
	t.Run("folder", func(t *testing.T) { testBatchFolder(t, dir) })
	t.Run("exit codes", func(t *testing.T) { testBatchExitCodes(t, dir) })
	t.Run("lot page", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "lot")
		code, stdout, stderr := runBatchTest("--spec", "iec-style-pc-16", "--report", "--out", out, dir)
		require.Equal(t, exitError, code, stderr)
		require.Contains(t, stdout, lotPage)
		b, err := os.ReadFile(filepath.Join(out, lotPage))
		require.NoError(t, err)
		page := string(b)
		require.Contains(t, page, "e-trunc.x3p", "files that could not be analysed are listed")
		require.Contains(t, page, "x_angle_deg", "failures by check")
		require.NotContains(t, page, "<script", "self-contained, no scripts")
	})
}

// batchOutputs reads the output files of a batch.
func batchOutputs(t *testing.T, out string) map[string]string {
	files := map[string]string{}
	for _, name := range []string{batch.ResultsFile, batch.FerrulesFile, batch.FibersFile, batch.SummaryJSON, batch.SummaryText} {
		b, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err, name)
		files[name] = string(b)
	}
	return files
}

func runBatchTest(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = runBatch(args, &o, &e)
	return code, o.String(), e.String()
}

func testBatchFolder(t *testing.T, dir string) {
	notes := filepath.Join(dir, "z-notes.txt")
	out1 := filepath.Join(t.TempDir(), "j1")
	code, stdout, stderr := runBatchTest("--spec", "iec-style-pc-16", "-j", "1", "--out", out1, dir, notes)
	require.Equal(t, exitError, code, stderr)                                    // corrupt files: exit 2 even though some fail
	require.Contains(t, stdout, "yield     28.6 % of files, 66.7 % of analysed") // 2 pass of 7 files, of 3 maps
	// Plain progress lines (stderr is not a terminal), not one per file
	// beyond one per 10 %.
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	require.LessOrEqual(t, len(lines), 12)
	require.Contains(t, stderr, "7/7 files (100 %), 4 errors, 1 failed")

	// The CSV reads back: one row per file in path order, verdicts as
	// built.
	f, err := os.Open(filepath.Join(out1, batch.FerrulesFile))
	require.NoError(t, err)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	want := []struct{ file, status, pass, failed string }{
		{"a-pass.x3p", "ok", "true", ""},
		{"b-tilt.x3p", "ok", "false", "x_angle_deg"},
		{"c-corrupt.x3p", "error", "", ""},
		{"d-image.x3p", "error", "", ""},
		{"e-trunc.x3p", "error", "", ""},
		{"sub/f-pass.x3p", "ok", "true", ""},
		{"z-notes.txt", "error", "", ""},
	}
	require.Len(t, recs, 1+len(want))
	for i, w := range want {
		rec := recs[i+1]
		require.Equal(t, filepath.Join(dir, w.file), rec[col["file"]])
		require.Equal(t, w.status, rec[col["status"]], w.file)
		require.Equal(t, w.pass, rec[col["pass"]], w.file)
		require.Equal(t, w.failed, rec[col["failed_checks"]], w.file)
		if w.status == "error" {
			require.NotEmpty(t, rec[col["error"]])
		}
	}

	// Identical outputs with 4 workers.
	out4 := filepath.Join(t.TempDir(), "j4")
	code, _, stderr = runBatchTest("--spec", "iec-style-pc-16", "-j", "4", "--out", out4, dir, notes)
	require.Equal(t, exitError, code, stderr)
	want1 := batchOutputs(t, out1)
	require.Equal(t, want1, batchOutputs(t, out4))

	// Resume after an interruption that left three results and half of
	// the fourth line: the outputs are those of the uninterrupted batch.
	outR := filepath.Join(t.TempDir(), "resumed")
	require.NoError(t, os.MkdirAll(outR, 0o777))
	jl := strings.SplitAfter(want1[batch.ResultsFile], "\n")
	partial := strings.Join(jl[:3], "") + jl[3][:len(jl[3])/2]
	require.NoError(t, os.WriteFile(filepath.Join(outR, batch.ResultsFile), []byte(partial), 0o666))
	code, _, stderr = runBatchTest("--resume", "--spec", "iec-style-pc-16", "--out", outR, dir, notes)
	require.Equal(t, exitError, code, stderr)
	require.Contains(t, stderr, "4 files to analyse")
	require.Contains(t, stderr, "3 already in results, skipped")
	require.Equal(t, want1, batchOutputs(t, outR))

	// Resume with nothing left to do rewrites the same tables.
	code, _, stderr = runBatchTest("--resume", "--spec", "iec-style-pc-16", "--out", outR, dir, notes)
	require.Equal(t, exitError, code, stderr)
	require.Contains(t, stderr, "0 files to analyse")
	require.Equal(t, want1, batchOutputs(t, outR))
}

func testBatchExitCodes(t *testing.T, dir string) {
	pass, tilt := filepath.Join(dir, "a-pass.x3p"), filepath.Join(dir, "b-tilt.x3p")
	t.Run("pass", func(t *testing.T) {
		out := t.TempDir()
		// Analysis flags reach the analysis: the averaging disc.
		code, stdout, stderr := runBatchTest("--spec", "auto", "--averaging-diameter", "30", "--out", out, pass)
		require.Equal(t, exitOK, code, stderr)
		require.Contains(t, stdout, "passed    1")
		res := batchOutputs(t, out)[batch.ResultsFile]
		var rep struct {
			Regions struct {
				AveragingDiameterUM float64 `json:"averaging_diameter_um"`
			} `json:"regions"`
			Grade struct{ Profile string } `json:"grade"`
		}
		require.NoError(t, json.Unmarshal([]byte(res), &rep))
		require.Equal(t, 30.0, rep.Regions.AveragingDiameterUM)
		require.Equal(t, "iec-style-pc-16", rep.Grade.Profile) // auto: PC profile of the layout
	})
	t.Run("fail", func(t *testing.T) {
		code, _, stderr := runBatchTest("--spec", "iec-style-pc-16", "--out", t.TempDir(), pass, tilt)
		require.Equal(t, exitFail, code, stderr)
	})
	t.Run("error", func(t *testing.T) {
		code, _, stderr := runBatchTest("--out", t.TempDir(), filepath.Join(dir, "c-corrupt.x3p"))
		require.Equal(t, exitError, code, stderr)
	})
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no args", nil, "results.jsonl"},
		{"bad -j", []string{"-j", "0", dir}, "-j must be at least 1"},
		{"bad spec", []string{"--spec", "no-such-profile", dir}, "no-such-profile"},
		{"bad flag", []string{"--no-such-flag", dir}, "no-such-flag"},
		{"empty folder", []string{t.TempDir()}, "no height-map files"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--out", t.TempDir()}, tc.args...)
			if tc.args == nil {
				args = nil
			}
			code, _, stderr := runBatchTest(args...)
			require.Equal(t, exitError, code)
			require.Contains(t, stderr, tc.msg)
		})
	}
}
