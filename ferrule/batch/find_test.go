package batch_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule/batch"
)

// A zip header and garbage: recognised as X3P by its first bytes (and an
// error row once read); a PNG start that no format recognises; a height
// matrix in plain text; prose.
var (
	zipBytes   = "PK\x03\x04" + strings.Repeat("\xde\xad\xbe\xef", 100)
	pngBytes   = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x00", 100)
	textMatrix = "1 2 3\n4 5 6\n"
	prose      = "measured on line 3, operator J.\n"
)

// lotTree makes, in a new folder, one entry of every kind List meets and
// returns the folder and, per entry (relative, slash-separated), what List
// must make of it: "file" or the skip reason. Entries inside folders that
// are not entered are not listed.
func lotTree(t *testing.T) (string, string, map[string]string) {
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o777))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o666))
	}
	link := func(name, target string) {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	want := map[string]string{}
	write("a.x3p", zipBytes)
	want["a.x3p"] = "file"
	write("b.TXT", textMatrix) // the extension in any case
	want["b.TXT"] = "file"
	write("empty.x3p", "")
	want["empty.x3p"] = batch.ReasonEmpty
	write("photo.x3p", pngBytes)
	want["photo.x3p"] = batch.ReasonNotMap
	write("notes.txt", prose)
	want["notes.txt"] = batch.ReasonNotMap
	write("readme.md", prose)
	want["readme.md"] = batch.ReasonExtension
	write("matrix.bin", textMatrix)
	want["matrix.bin"] = batch.ReasonExtension
	write(".DS_Store", "x")
	want[".DS_Store"] = batch.ReasonHidden
	write(".git/c.x3p", zipBytes) // not entered
	want[".git"] = batch.ReasonHidden
	write("unpacked.x3p/main.xml", "<ISO5436_2/>") // a folder named like a map: not entered
	want["unpacked.x3p"] = batch.ReasonDirectory
	write("sub/d.x3p", zipBytes)
	want["sub/d.x3p"] = "file"
	// A previous run's outputs, interrupted (results.jsonl only) or whole.
	write("run1/results.jsonl", "")
	write("run1/ferrules.csv", "file\n")
	write("run1/e.x3p", zipBytes)
	want["run1"] = batch.ReasonOutput
	write("run2/summary.json", "{}")
	write("run2/summary.txt", "files 0\n")
	write("run2/lot.html", "<html></html>")
	want["run2"] = batch.ReasonOutput
	// A lone summary.json (some other tool's) does not make an output folder.
	write("session/summary.json", "{}")
	want["session/summary.json"] = batch.ReasonExtension
	write("session/f.x3p", zipBytes)
	want["session/f.x3p"] = "file"
	// This run's --out (FindOptions.Skip), not yet holding anything.
	write("out/g.x3p", zipBytes)
	want["out"] = batch.ReasonOutput

	link("link.x3p", "a.x3p")
	want["link.x3p"] = "file"
	link("dangling.x3p", "missing.x3p")
	want["dangling.x3p"] = batch.ReasonDangling
	link("deep-dangling.x3p", "dangling.x3p") // a link to a dangling link
	want["deep-dangling.x3p"] = batch.ReasonDangling
	link("not-dir.x3p", "a.x3p/inside.x3p")
	want["not-dir.x3p"] = batch.ReasonDangling
	link("self.x3p", "self.x3p")
	want["self.x3p"] = batch.ReasonLoop
	link("ping.x3p", "pong.x3p")
	link("pong.x3p", "ping.x3p")
	want["ping.x3p"], want["pong.x3p"] = batch.ReasonLoop, batch.ReasonLoop
	link("linked-sub", "sub") // folders behind links are not followed
	want["linked-sub"] = batch.ReasonDirectory
	link("up.x3p", "..")
	want["up.x3p"] = batch.ReasonDirectory

	if l, err := net.Listen("unix", filepath.Join(dir, "sock.x3p")); err == nil {
		t.Cleanup(func() { l.Close() })
		want["sock.x3p"] = batch.ReasonSpecial
	}
	return dir, filepath.Join(dir, "out"), want
}

// TestListAccounts checks that List makes every entry it meets a file or a
// named skip, and which.
func TestListAccounts(t *testing.T) {
	dir, out, want := lotTree(t)
	l, err := batch.List([]string{dir}, batch.FindOptions{Skip: []string{out}})
	require.NoError(t, err)
	got := map[string]string{}
	for _, f := range rel(t, dir, l.Files) {
		require.NotContains(t, got, f, "listed once")
		got[f] = "file"
	}
	for _, s := range l.Skipped {
		r := rel(t, dir, []string{s.Path})[0]
		require.NotContains(t, got, r, "listed once")
		got[r] = s.Reason
	}
	require.Equal(t, want, got)

	// Every entry of the folders entered is accounted for.
	for _, folder := range []string{".", "sub", "session"} {
		entries, err := os.ReadDir(filepath.Join(dir, folder))
		require.NoError(t, err)
		for _, e := range entries {
			name := filepath.ToSlash(filepath.Join(folder, e.Name()))
			if e.IsDir() && got[name] == "" {
				require.Contains(t, []string{"sub", "session"}, name, "a folder entered")
				continue
			}
			require.Contains(t, got, name)
		}
	}

	// Files in walk order, each folder's entries sorted by name.
	require.Equal(t, []string{"a.x3p", "b.TXT", "link.x3p", "session/f.x3p", "sub/d.x3p"}, rel(t, dir, l.Files))
}

func TestListArguments(t *testing.T) {
	dir, out, _ := lotTree(t)
	p := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	for _, tc := range []struct {
		name    string
		paths   []string
		opt     batch.FindOptions
		files   []string
		skipped []string
	}{
		// Named explicitly, a path is taken whatever it is: what cannot be
		// read becomes an error row.
		{"named", []string{p("dangling.x3p"), p("self.x3p"), p("photo.x3p"), p("empty.x3p"), p("readme.md"), p(".DS_Store")},
			batch.FindOptions{}, []string{"dangling.x3p", "self.x3p", "photo.x3p", "empty.x3p", "readme.md", ".DS_Store"}, nil},
		// An output folder is never an input, even when named.
		{"output named", []string{p("run1"), p("out")}, batch.FindOptions{Skip: []string{out}}, nil,
			[]string{"run1: output folder", "out: output folder"}},
		// A link to a folder, named, is walked.
		{"linked folder named", []string{p("linked-sub")}, batch.FindOptions{}, []string{"linked-sub/d.x3p"}, nil},
		// With All, the content decides for every extension.
		{"all", []string{p("session"), p("matrix.bin"), p("readme.md")}, batch.FindOptions{All: true},
			[]string{"session/f.x3p", "matrix.bin", "readme.md"}, []string{"session/summary.json: not a height map"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := batch.List(tc.paths, tc.opt)
			require.NoError(t, err)
			require.Equal(t, tc.files, rel(t, dir, l.Files))
			require.Equal(t, tc.skipped, skips(t, dir, l.Skipped))
		})
	}

	t.Run("all folder", func(t *testing.T) {
		l, err := batch.List([]string{dir}, batch.FindOptions{All: true, Skip: []string{out}})
		require.NoError(t, err)
		got := skips(t, dir, l.Skipped)
		require.Contains(t, got, "readme.md: not a height map")
		require.Contains(t, l.Files, p("matrix.bin"), "a height map whatever its extension")
	})
}

func TestSkipSummary(t *testing.T) {
	for _, tc := range []struct {
		name    string
		skipped []batch.Skip
		want    string
	}{
		{"none", nil, "0 skipped"},
		{"one", []batch.Skip{{"a", batch.ReasonLoop}}, "1 skipped: 1 symlink loop"},
		// Most frequent first, then by name.
		{"several", []batch.Skip{{"a", batch.ReasonNotMap}, {"b", batch.ReasonDangling}, {"c", batch.ReasonNotMap}, {"d", batch.ReasonDirectory}},
			"4 skipped: 2 not a height map, 1 dangling symlink, 1 directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, batch.SkipSummary(tc.skipped))
		})
	}
}

// TestSkippedTables checks skipped.csv and the summary's count of it.
func TestSkippedTables(t *testing.T) {
	dir, out, _ := lotTree(t)
	l, err := batch.List([]string{dir}, batch.FindOptions{Skip: []string{out}})
	require.NoError(t, err)
	res := t.TempDir()
	j, err := batch.OpenJournal(filepath.Join(res, batch.ResultsFile), false)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	require.NoError(t, batch.WriteSkipped(res, l.Skipped))

	header, rows := readCSV(t, filepath.Join(res, batch.SkippedFile))
	require.Equal(t, []string{"path", "reason"}, header)
	require.Equal(t, batch.SkippedColumns(), header)
	require.Len(t, rows, len(l.Skipped))
	by := map[string]int{}
	for i, s := range l.Skipped {
		require.Equal(t, map[string]string{"path": s.Path, "reason": s.Reason}, rows[i])
		by[s.Reason]++
	}

	sum, err := batch.WriteTables(res, nil, nil)
	require.NoError(t, err)
	require.Equal(t, len(l.Skipped), sum.Skipped)
	require.Zero(t, sum.Count, "skipped paths are no rows")
	got := map[string]int{}
	for _, rc := range sum.SkippedReasons {
		got[rc.Reason] = rc.Count
	}
	require.Equal(t, by, got)
	txt, err := os.ReadFile(filepath.Join(res, batch.SummaryText))
	require.NoError(t, err)
	require.Contains(t, string(txt), "\n"+batch.SkipSummary(l.Skipped)+"\n")
	js, err := os.ReadFile(filepath.Join(res, batch.SummaryJSON))
	require.NoError(t, err)
	require.Contains(t, string(js), `"skipped_reasons": [`)

	// A damaged skipped.csv is an error, not a silent zero.
	require.NoError(t, os.WriteFile(filepath.Join(res, batch.SkippedFile), []byte("file,why\na,b\n"), 0o666))
	_, err = batch.WriteTables(res, nil, nil)
	require.ErrorContains(t, err, batch.SkippedFile)
}
