package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

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
//	d-image.x3p     a PNG renamed .x3p: skipped, not a height map
//	e-trunc.x3p     the first 60 % of a-pass.x3p: error
//	sub/f-pass.x3p  nominal part, rotated and shifted: passes
//	z-notes.txt     text, not a map (skipped in the folder, an error when named)
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
	t.Run("every entry", func(t *testing.T) { testBatchAccounts(t, dir) })
	t.Run("exact paths", func(t *testing.T) { testBatchExactPaths(t, dir) })
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
		// The page's yield and Cpk are those of summary.json.
		var sum batch.Summary
		require.NoError(t, json.Unmarshal([]byte(batchOutputs(t, out)[batch.SummaryJSON]), &sum))
		require.Contains(t, page, fmt.Sprintf("<b>%.1f %%</b>", 100*float64(sum.Yield)))
		for _, p := range sum.Parameters {
			if p.Name == "height_nm" {
				require.True(t, p.Cpk.Valid())
				require.Contains(t, page, fmt.Sprintf("<td>Cpk</td><td>%.2f</td>", float64(p.Cpk)))
			}
		}
	})
}

// batchOutputs reads the output files of a batch.
func batchOutputs(t *testing.T, out string) map[string]string {
	files := map[string]string{}
	for _, name := range []string{batch.ResultsFile, batch.FerrulesFile, batch.FibersFile, batch.SummaryJSON, batch.SummaryText, batch.SkippedFile} {
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
	require.Contains(t, stdout, "yield     33.3 % of files, 66.7 % of analysed") // 2 pass of 6 files, of 3 maps
	require.Contains(t, stdout, "\n1 skipped: 1 not a height map\n")             // d-image.x3p
	// Plain progress lines (stderr is not a terminal), not one per file
	// beyond one per 10 %.
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	require.LessOrEqual(t, len(lines), 12)
	require.Contains(t, stderr, "6/6 files (100 %), 3 errors, 1 failed")
	require.Equal(t, "path,reason\n"+filepath.Join(dir, "d-image.x3p")+",not a height map\n", batchOutputs(t, out1)[batch.SkippedFile])

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
	require.Contains(t, stderr, "3 files to analyse")
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

// copyFile copies the file src to dst, making dst's folder.
func copyFile(t *testing.T, src, dst string) {
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o777))
	require.NoError(t, os.WriteFile(dst, b, 0o666))
}

// readSkipped returns skipped.csv of out as path (relative to dir) →
// reason.
func readSkipped(t *testing.T, out, dir string) map[string]string {
	f, err := os.Open(filepath.Join(out, batch.SkippedFile))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"path", "reason"}, recs[0])
	got := map[string]string{}
	for _, rec := range recs[1:] {
		r, err := filepath.Rel(dir, rec[0])
		require.NoError(t, err)
		got[filepath.ToSlash(r)] = rec[1]
	}
	return got
}

// testBatchAccounts runs a batch over a lot holding entries that are no
// maps and the outputs of earlier runs: each is a row or a named skip, and
// no output is ever an input.
func testBatchAccounts(t *testing.T, src string) {
	lot := t.TempDir()
	copyFile(t, filepath.Join(src, "a-pass.x3p"), filepath.Join(lot, "a-pass.x3p"))
	copyFile(t, filepath.Join(src, "c-corrupt.x3p"), filepath.Join(lot, "c-corrupt.x3p"))
	copyFile(t, filepath.Join(src, "c-corrupt.x3p"), filepath.Join(lot, "unpacked.x3p", "main.xml"))
	for name, target := range map[string]string{"dangling.x3p": "gone.x3p", "loop.x3p": "loop.x3p", "link.x3p": "a-pass.x3p"} {
		if err := os.Symlink(target, filepath.Join(lot, name)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	rows := func(out string) []string {
		f, err := os.Open(filepath.Join(out, batch.FerrulesFile))
		require.NoError(t, err)
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		require.NoError(t, err)
		var files []string
		for _, rec := range recs[1:] {
			r, err := filepath.Rel(lot, rec[0])
			require.NoError(t, err)
			files = append(files, filepath.ToSlash(r)+" "+rec[3])
		}
		return files
	}
	wantRows := []string{"a-pass.x3p ok", "c-corrupt.x3p error", "link.x3p ok"}
	entries := map[string]string{
		"dangling.x3p": "dangling symlink",
		"loop.x3p":     "symlink loop",
		"unpacked.x3p": "directory",
	}

	// The first run writes its outputs inside the lot.
	out1 := filepath.Join(lot, "run1")
	code, stdout, stderr := runBatchTest("--spec", "iec-style-pc-16", "--out", out1, lot)
	require.Equal(t, exitError, code, stderr)
	require.Equal(t, wantRows, rows(out1))
	require.Equal(t, entries, readSkipped(t, out1, lot))
	require.Contains(t, stdout, "\n3 skipped: 1 dangling symlink, 1 directory, 1 symlink loop\n")
	require.Contains(t, stdout, batch.SkippedFile)

	// Later runs leave it out, and their own --out.
	entries["run1"] = "output folder"
	out2 := filepath.Join(lot, "run2")
	for range 2 {
		code, _, stderr = runBatchTest("--spec", "iec-style-pc-16", "--out", out2, lot)
		require.Equal(t, exitError, code, stderr)
		require.Equal(t, wantRows, rows(out2))
		require.Equal(t, entries, readSkipped(t, out2, lot))
		entries["run2"] = "output folder"
	}
	sum, err := os.ReadFile(filepath.Join(out2, batch.SummaryJSON))
	require.NoError(t, err)
	var s struct {
		Count, Skipped int
		SkippedReasons []struct {
			Reason string
			Count  int
		} `json:"skipped_reasons"`
	}
	require.NoError(t, json.Unmarshal(sum, &s))
	require.Equal(t, 3, s.Count)
	require.Equal(t, 5, s.Skipped)
	require.Equal(t, "output folder", s.SkippedReasons[0].Reason)
	require.Equal(t, 2, s.SkippedReasons[0].Count)
	txt, err := os.ReadFile(filepath.Join(out2, batch.SummaryText))
	require.NoError(t, err)
	require.Contains(t, string(txt), "\n5 skipped: 2 output folder, 1 dangling symlink, 1 directory, 1 symlink loop\n")

	// Named explicitly, a dangling link is an error row.
	out3 := t.TempDir()
	code, _, stderr = runBatchTest("--out", out3, filepath.Join(lot, "dangling.x3p"))
	require.Equal(t, exitError, code, stderr)
	require.Equal(t, []string{"dangling.x3p error"}, rows(out3))

	// A folder with nothing to analyse says what it skipped.
	empty := t.TempDir()
	require.NoError(t, os.Symlink("gone.x3p", filepath.Join(empty, "dangling.x3p")))
	code, _, stderr = runBatchTest("--out", t.TempDir(), empty)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "no height-map files in "+empty+" (1 skipped: 1 dangling symlink;")
}

// testBatchExactPaths resumes, twice, a batch over files whose names are
// not valid UTF-8: each is done once, and the outputs do not change.
func testBatchExactPaths(t *testing.T, src string) {
	lot := t.TempDir()
	names := []string{"caf\xe9-pass.x3p", "\xff\xfe-corrupt.x3p"}
	if err := os.WriteFile(filepath.Join(lot, names[0]), nil, 0o666); err != nil {
		t.Skipf("file names must be UTF-8 here: %v", err)
	}
	copyFile(t, filepath.Join(src, "a-pass.x3p"), filepath.Join(lot, names[0]))
	copyFile(t, filepath.Join(src, "c-corrupt.x3p"), filepath.Join(lot, names[1]))
	out := t.TempDir()
	code, _, stderr := runBatchTest("--spec", "iec-style-pc-16", "--out", out, lot)
	require.Equal(t, exitError, code, stderr)
	require.Contains(t, stderr, "2 files to analyse")
	first := batchOutputs(t, out)
	lines := strings.Split(strings.TrimSpace(first[batch.ResultsFile]), "\n")
	require.Len(t, lines, 2)
	got := map[string]bool{}
	for _, l := range lines {
		var r struct {
			File    string `json:"file"`
			FileB64 []byte `json:"file_b64"` // encoding/json reads base64 into []byte
		}
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		require.True(t, utf8.ValidString(r.File))
		require.Contains(t, r.File, "\uFFFD")
		got[string(r.FileB64)] = true
	}
	require.Equal(t, map[string]bool{filepath.Join(lot, names[0]): true, filepath.Join(lot, names[1]): true}, got)
	for name, b := range first {
		if strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".txt") {
			require.True(t, utf8.ValidString(b), name)
		}
	}

	for range 2 {
		code, _, stderr = runBatchTest("--resume", "--spec", "iec-style-pc-16", "--out", out, lot)
		require.Equal(t, exitError, code, stderr)
		require.Contains(t, stderr, "0 files to analyse")
		require.Contains(t, stderr, "2 already in results")
		require.Equal(t, first, batchOutputs(t, out), "no duplicates")
	}
}
