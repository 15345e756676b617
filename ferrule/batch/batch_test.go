package batch_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

// rel returns the paths relative to dir, with forward slashes.
func rel(t *testing.T, dir string, paths []string) []string {
	var out []string
	for _, p := range paths {
		r, err := filepath.Rel(dir, p)
		require.NoError(t, err)
		out = append(out, filepath.ToSlash(r))
	}
	return out
}

// hasExt reports whether a registered format claims ext.
func hasExt(ext string) bool {
	for _, f := range geometry.Formats() {
		for _, e := range f.Extensions {
			if e == ext {
				return true
			}
		}
	}
	return false
}

// skips returns the skipped paths relative to dir as "path: reason".
func skips(t *testing.T, dir string, skipped []batch.Skip) []string {
	var out []string
	for _, s := range skipped {
		out = append(out, rel(t, dir, []string{s.Path})[0]+": "+s.Reason)
	}
	return out
}

func TestFind(t *testing.T) {
	dir := testFolder(t)
	maps := []string{"a-pass.x3p", "b-low.x3p", "c-corrupt.x3p", "e-truncated.x3p"}
	sub := []string{"sub/f-tilt.x3p", "sub/g-pass.x3p"}
	notes := "notes.txt: not a height-map extension"
	if hasExt(".txt") { // the plain-text reader registers .txt: the content decides
		notes = "notes.txt: not a height map"
	}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		paths   []string
		opt     batch.FindOptions
		want    []string
		skipped []string
	}{
		{"folder", []string{dir}, batch.FindOptions{}, cat(maps, sub),
			[]string{".hidden.x3p: hidden", "d-image.x3p: not a height map", notes, "readme.md: not a height-map extension"}},
		{"all", []string{dir}, batch.FindOptions{All: true}, cat(maps, sub),
			[]string{".hidden.x3p: hidden", "d-image.x3p: not a height map", "notes.txt: not a height map", "readme.md: not a height map"}},
		{"skip", []string{dir}, batch.FindOptions{Skip: []string{filepath.Join(dir, "sub")}}, maps,
			[]string{".hidden.x3p: hidden", "d-image.x3p: not a height map", notes, "readme.md: not a height-map extension", "sub: output folder"}},
		// Files named explicitly are taken whatever their name or content;
		// a path given twice is listed once; a missing one is listed for
		// its error row; one skipped in a folder but also named is taken.
		{"files", []string{filepath.Join(dir, "readme.md"), filepath.Join(dir, ".hidden.x3p"), filepath.Join(dir, "sub"),
			filepath.Join(dir, "sub", "f-tilt.x3p"), filepath.Join(dir, "missing.x3p"), dir, filepath.Join(dir, "d-image.x3p")},
			batch.FindOptions{}, cat([]string{"readme.md", ".hidden.x3p"}, sub, []string{"missing.x3p"}, maps, []string{"d-image.x3p"}),
			[]string{notes}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := batch.List(tc.paths, tc.opt)
			require.NoError(t, err)
			require.Equal(t, tc.want, rel(t, dir, l.Files))
			require.Equal(t, tc.skipped, skips(t, dir, l.Skipped))
			files, err := batch.Find(tc.paths, tc.opt)
			require.NoError(t, err)
			require.Equal(t, l.Files, files)
		})
	}
}

// folderFiles lists the test folder's files with known verdicts, plus the
// foreign notes.txt named explicitly.
func folderFiles(t *testing.T) []string {
	dir := testFolder(t)
	files, err := batch.Find([]string{dir, filepath.Join(dir, "notes.txt")}, batch.FindOptions{})
	require.NoError(t, err)
	return files
}

var (
	resultsOnce  sync.Once
	resultsFiles []string
	resultsCache []batch.Result
)

// folderResults returns the test folder's files and their results against
// iec-style-pc-16 with one worker, computed once.
func folderResults(t *testing.T) ([]string, []batch.Result) {
	files := folderFiles(t)
	resultsOnce.Do(func() {
		resultsFiles = files
		resultsCache = runAll(t, files, batch.Config{Workers: 1, Profile: pc16(t)})
	})
	require.Len(t, resultsCache, len(files))
	return resultsFiles, resultsCache
}

func pc16(t *testing.T) *ferrule.Profile {
	prof, err := ferrule.LoadProfile("iec-style-pc-16")
	require.NoError(t, err)
	return prof
}

// runAll runs the batch and returns its results in delivery order,
// checking that delivery follows the input order.
func runAll(t *testing.T, files []string, cfg batch.Config) []batch.Result {
	var results []batch.Result
	err := batch.Run(context.Background(), files, cfg, func(i int, r batch.Result) {
		require.Equal(t, len(results), i, "delivered out of order")
		require.Equal(t, files[i], r.File)
		results = append(results, r)
	})
	require.NoError(t, err)
	require.Len(t, results, len(files))
	return results
}

// jsonLines marshals results as results.jsonl would hold them.
func jsonLines(t *testing.T, results []batch.Result) []string {
	var out []string
	for _, r := range results {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	return out
}

func TestRunVerdicts(t *testing.T) {
	dir := testFolder(t)
	files, results := folderResults(t)
	for _, r := range results {
		name := rel(t, dir, []string{r.File})[0]
		want, ok := folderVerdicts[name]
		if name == "notes.txt" {
			want, ok = "error", true // foreign file named explicitly
		}
		require.True(t, ok, name)
		t.Run(name, func(t *testing.T) {
			switch want {
			case "error":
				require.Error(t, r.Err)
				require.Nil(t, r.Report)
				require.Contains(t, r.Err.Error(), r.File, "the error names the file")
			case "pass":
				require.NoError(t, r.Err)
				require.True(t, r.Passed(), "%+v", r.Report.Grade)
				require.Equal(t, "MT-16", r.Report.Layout)
				require.Equal(t, "x3p", r.Format)
			default:
				require.NoError(t, r.Err)
				require.True(t, r.Graded())
				require.False(t, r.Passed())
				var failed []string
				for _, c := range r.Report.Grade.Checks {
					if !c.Pass {
						failed = append(failed, c.Name)
					}
				}
				require.Contains(t, failed, want)
			}
		})
	}

	// The same results, byte for byte, with more workers than cores.
	results4 := runAll(t, files, batch.Config{Workers: 4, Profile: pc16(t)})
	require.Equal(t, jsonLines(t, results), jsonLines(t, results4))
}

func TestRunErrors(t *testing.T) {
	dir := testFolder(t)
	good := filepath.Join(dir, "a-pass.x3p")
	t.Run("layout not in profile", func(t *testing.T) {
		prof, err := ferrule.LoadProfile("iec-style-pc-12")
		require.NoError(t, err)
		r := runAll(t, []string{good}, batch.Config{Profile: prof})[0]
		require.ErrorIs(t, r.Err, ferrule.ErrLayout)
	})
	t.Run("panic is an error row", func(t *testing.T) {
		cfg := batch.Config{ProfileFor: func(*ferrule.Report) (*ferrule.Profile, error) { panic("boom") }}
		r := runAll(t, []string{good}, cfg)[0]
		require.ErrorContains(t, r.Err, "boom")
		require.Nil(t, r.Report)
	})
	t.Run("auto profile", func(t *testing.T) {
		r := runAll(t, []string{good}, batch.Config{ProfileFor: batch.AutoProfile("pc")})[0]
		require.NoError(t, r.Err)
		require.Equal(t, "iec-style-pc-16", r.Report.Grade.Profile)
		_, err := batch.AutoProfile("PC")(&ferrule.Report{Layout: "MT-99"})
		require.ErrorIs(t, err, batch.ErrNoProfile)
	})
	t.Run("missing file", func(t *testing.T) {
		r := runAll(t, []string{filepath.Join(dir, "missing.x3p")}, batch.Config{})[0]
		require.ErrorIs(t, r.Err, os.ErrNotExist)
	})
}

func TestRunCancel(t *testing.T) {
	dir := testFolder(t)
	// The files do not exist, so each takes no time.
	var files []string
	for i := range 50 {
		files = append(files, filepath.Join(dir, "nothing", strings.Repeat("x", i+1)))
	}
	// Cancelled before the start: nothing is analysed.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	err := batch.Run(ctx, files, batch.Config{Workers: 2}, func(int, batch.Result) { n++ })
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, n)

	// Cancelled after the second result: what was started is still
	// delivered, in order, as a contiguous prefix; the error says the batch
	// stopped unless every file happened to be done already (a worker may
	// run ahead of the one holding file 0).
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	var got []int
	err = batch.Run(ctx, files, batch.Config{Workers: 2}, func(i int, r batch.Result) {
		got = append(got, i)
		if i == 1 {
			cancel()
		}
	})
	for i, g := range got {
		require.Equal(t, i, g)
	}
	if len(got) < len(files) {
		require.ErrorIs(t, err, context.Canceled)
	} else {
		require.NoError(t, err)
	}
}

func TestResultJSON(t *testing.T) {
	_, results := folderResults(t)
	for _, r := range results {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		var back batch.Result
		require.NoError(t, json.Unmarshal(b, &back))
		b2, err := json.Marshal(back)
		require.NoError(t, err)
		require.JSONEq(t, string(b), string(b2))
		require.Equal(t, string(b), string(b2), "round trip is exact")
		require.Equal(t, r.OK(), back.OK())
		require.Equal(t, r.Passed(), back.Passed())
	}
	// The error object of SPEC-style tools: {"file", "error"}.
	for _, r := range results {
		if r.OK() {
			continue
		}
		var obj map[string]any
		b, _ := json.Marshal(r)
		require.NoError(t, json.Unmarshal(b, &obj))
		require.Equal(t, r.File, obj["file"])
		require.NotEmpty(t, obj["error"])
	}
}

func TestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), batch.ResultsFile)
	j, err := batch.OpenJournal(path, false)
	require.NoError(t, err)
	require.NoError(t, j.Append(batch.Result{File: "a.x3p", Err: errors.New("a.x3p: bad")}))
	require.NoError(t, j.Append(batch.Result{File: "b.x3p", Report: &ferrule.Report{File: "b.x3p", Layout: "MT-16"}}))
	require.NoError(t, j.Close())
	whole, err := os.ReadFile(path)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		data string
		done []string
		err  string
	}{
		{"whole", string(whole), []string{"a.x3p", "b.x3p"}, ""},
		// An interrupted write leaves a partial last line: it is dropped.
		{"cut", string(whole) + `{"file":"c.x3p","lay`, []string{"a.x3p", "b.x3p"}, ""},
		// A complete last object without its newline is kept.
		{"no newline", string(whole) + `{"file":"c.x3p","error":"x"}`, []string{"a.x3p", "b.x3p", "c.x3p"}, ""},
		{"damaged", `{"file":"a.x3p","error":"x"}` + "\nnot json\n" + string(whole), nil, "line 2"},
		{"empty", "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, []byte(tc.data), 0o666))
			j, err := batch.OpenJournal(path, true)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			for _, f := range tc.done {
				require.True(t, j.Done(f), f)
			}
			require.False(t, j.Done("d.x3p"))
			require.NoError(t, j.Append(batch.Result{File: "d.x3p", Err: errors.New("d.x3p: bad")}))
			require.NoError(t, j.Close())
			// Every line reads back, the new one last.
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			var names []string
			require.NoError(t, batch.ReadResults(f, func(r batch.Result) error {
				names = append(names, r.File)
				return nil
			}))
			require.Equal(t, append(tc.done, "d.x3p"), names)
		})
	}
}

// TestJournalExactPath checks that a path that is not valid UTF-8 (any
// bytes but '/' and NUL make a Linux file name) round-trips through
// results.jsonl byte for byte, so that a resumed batch finds it done.
func TestJournalExactPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		b64  string // want "file_b64"; empty: no such key
	}{
		{"utf-8", "lot/café-1.x3p", ""},
		{"latin-1", "lot/caf\xe9-1.x3p", "bG90L2NhZuktMS54M3A="},
		{"bytes", "lot/\xff\xfe\x80.x3p", "bG90L//+gC54M3A="},
		// Two names that JSON alone would both write as "lot/\uFFFD.x3p".
		{"other byte", "lot/\xfe.x3p", "bG90L/4ueDNw"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []batch.Result{
				{File: tc.file, Format: "x3p", Err: errors.New(tc.file + ": bad")},
				{File: tc.file, Format: "x3p", Report: &ferrule.Report{File: tc.file, Format: "x3p", Layout: "MT-16"}},
			} {
				b, err := json.Marshal(r)
				require.NoError(t, err)
				var obj map[string]any
				require.NoError(t, json.Unmarshal(b, &obj))
				require.Equal(t, strings.ToValidUTF8(tc.file, "\uFFFD"), obj["file"], "the readable name")
				if tc.b64 == "" {
					require.NotContains(t, obj, "file_b64")
				} else {
					require.Equal(t, tc.b64, obj["file_b64"])
					require.Contains(t, string(b), `,"file_b64":"`+tc.b64+`",`, "right after file")
					if r.OK() {
						require.True(t, strings.HasPrefix(string(b), `{"file":`), string(b))
					}
				}
				var back batch.Result
				require.NoError(t, json.Unmarshal(b, &back))
				require.Equal(t, tc.file, back.File)
				if back.OK() {
					require.Equal(t, tc.file, back.Report.File)
				}
				again, err := json.Marshal(back)
				require.NoError(t, err)
				require.Equal(t, string(b), string(again), "round trip is exact")
			}

			path := filepath.Join(t.TempDir(), batch.ResultsFile)
			j, err := batch.OpenJournal(path, false)
			require.NoError(t, err)
			require.NoError(t, j.Append(batch.Result{File: tc.file, Err: errors.New("bad")}))
			require.NoError(t, j.Close())
			for range 2 { // resumed twice: still one line
				j, err := batch.OpenJournal(path, true)
				require.NoError(t, err)
				require.True(t, j.Done(tc.file))
				if tc.b64 != "" {
					require.False(t, j.Done(strings.ToValidUTF8(tc.file, "\uFFFD")))
				}
				require.NoError(t, j.Close())
			}
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			var names []string
			require.NoError(t, batch.ReadResults(f, func(r batch.Result) error {
				names = append(names, r.File)
				return nil
			}))
			require.Equal(t, []string{tc.file}, names)
		})
	}

	t.Run("damaged file_b64", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), batch.ResultsFile)
		require.NoError(t, os.WriteFile(path, []byte(`{"file":"a","file_b64":"%%%","error":"x"}`+"\n"), 0o666))
		_, err := batch.OpenJournal(path, true)
		require.ErrorContains(t, err, "line 1: file_b64")
	})
}

// TestTablesUTF8 checks that the tables stay UTF-8 for a file name that
// is not.
func TestTablesUTF8(t *testing.T) {
	out := t.TempDir()
	j, err := batch.OpenJournal(filepath.Join(out, batch.ResultsFile), false)
	require.NoError(t, err)
	bad := "lot/caf\xe9.x3p"
	require.NoError(t, j.Append(batch.Result{File: bad, Err: errors.New(bad + ": broken")}))
	require.NoError(t, j.Append(batch.Result{File: bad + "2", Report: &ferrule.Report{File: bad + "2", Layout: "MT-12",
		Fibers: []ferrule.Fiber{{Index: 1, Flags: []string{}}}}}))
	require.NoError(t, j.Close())
	require.NoError(t, batch.WriteSkipped(out, []batch.Skip{{Path: bad + "3", Reason: batch.ReasonNotMap}}))
	_, err = batch.WriteTables(out, nil, nil)
	require.NoError(t, err)
	for _, name := range []string{batch.FerrulesFile, batch.FibersFile, batch.SkippedFile, batch.SummaryText, batch.SummaryJSON} {
		b, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		require.True(t, utf8.Valid(b), name)
		require.Contains(t, string(b), "lot/caf\uFFFD", name)
	}
}
