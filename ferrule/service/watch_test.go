package service

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/stretchr/testify/require"
)

// poll is the watch interval of the tests: short, so that the tests run
// quickly; the rule (two equal polls) does not depend on it.
const poll = 20 * time.Millisecond

// countingServer is a server whose analyses are counted by file.
func countingServer(t *testing.T, cfg Config) (*Server, func() map[string]int) {
	t.Helper()
	if cfg.Flags == nil {
		cfg.Flags = testFlags
	}
	s, err := New(cfg)
	require.NoError(t, err)
	var mu sync.Mutex
	counts := map[string]int{}
	s.analyze = func(an *ferrule.Analyzer, name string, data []byte, c *batch.Config) batch.Result {
		mu.Lock()
		counts[filepath.Base(name)]++
		mu.Unlock()
		return batch.AnalyzeBytes(an, name, data, c)
	}
	return s, func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		out := map[string]int{}
		for k, v := range counts {
			out[k] = v
		}
		return out
	}
}

// startWatch runs s.Watch(dir) until the returned stop is called.
func startWatch(t *testing.T, s *Server, dir string) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx, dir, poll) }()
	return func() error {
		cancel()
		return <-done
	}
}

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// cliReport is the CLI's report for data as a file at path (written to a
// folder of its own, so the watch folder sees nothing of it).
func cliReport(t *testing.T, s *Server, path string, data []byte) string {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), filepath.Base(path))
	writeFile(t, tmp, data)
	body, errText := expected(t, s, tmp, nil)
	require.Empty(t, errText)
	// The report names the file by the path it was analysed at.
	old, _ := json.Marshal(tmp)
	now, _ := json.Marshal(path)
	return strings.ReplaceAll(body, string(old), string(now))
}

// TestWatchFolder: a file there at start, a good and a bad one dropped,
// one renamed into place from a .part name, and hidden and temporary files
// that must be left alone. Each is analysed once, with the CLI's report or
// error, and moved; nothing is lost. (A file written slowly is
// TestWatchSlowWrite's.)
func TestWatchFolder(t *testing.T) {
	dir := t.TempDir()
	s, counts := countingServer(t, Config{})
	mt16 := readFile(t, "../../testdata/mt16.x3p")
	mt12 := readFile(t, "../../testdata/mt12.x3p")
	writeFile(t, filepath.Join(dir, "before.x3p"), mt16)
	writeFile(t, filepath.Join(dir, ".hidden.x3p"), mt16)
	writeFile(t, filepath.Join(dir, "copying.x3p.tmp"), mt16)
	stop := startWatch(t, s, dir)

	writeFile(t, filepath.Join(dir, "bad.x3p"), []byte("not a height map"))
	writeFile(t, filepath.Join(dir, "good.x3p"), mt12)
	// Renamed into place.
	writeFile(t, filepath.Join(dir, "renamed.x3p.part"), mt12)
	require.NoError(t, os.Rename(filepath.Join(dir, "renamed.x3p.part"), filepath.Join(dir, "renamed.x3p")))

	waitForOr(t, func() bool {
		return len(listDir(t, filepath.Join(dir, DoneDir))) == 6 && len(listDir(t, filepath.Join(dir, FailedDir))) == 2
	}, func() string {
		return fmt.Sprintf("done %q, failed %q", listDir(t, filepath.Join(dir, DoneDir)), listDir(t, filepath.Join(dir, FailedDir)))
	})
	require.NoError(t, stop())
	require.Equal(t, []string{".hidden.x3p", "copying.x3p.tmp", DoneDir, FailedDir}, listDir(t, dir))
	require.Equal(t, []string{"before.x3p", "before.x3p.json", "good.x3p", "good.x3p.json", "renamed.x3p", "renamed.x3p.json"}, listDir(t, filepath.Join(dir, DoneDir)))
	require.Equal(t, []string{"bad.x3p", "bad.x3p.error.txt"}, listDir(t, filepath.Join(dir, FailedDir)))
	require.Equal(t, map[string]int{"before.x3p": 1, "bad.x3p": 1, "good.x3p": 1, "renamed.x3p": 1}, counts())

	for name, data := range map[string][]byte{"before.x3p": mt16, "good.x3p": mt12, "renamed.x3p": mt12} {
		got := string(readFile(t, filepath.Join(dir, DoneDir, name+ReportExt)))
		require.Equal(t, cliReport(t, s, filepath.Join(dir, name), data), got, name)
		require.Equal(t, data, readFile(t, filepath.Join(dir, DoneDir, name)), name) // moved intact
	}
	// The CLI's error text for that file.
	var an ferrule.Analyzer
	cfg, _, err := s.buildConfig(nil)
	require.NoError(t, err)
	want := batch.AnalyzeBytes(&an, filepath.Join(dir, "bad.x3p"), []byte("not a height map"), &cfg).Err.Error()
	require.Equal(t, want+"\n", string(readFile(t, filepath.Join(dir, FailedDir, "bad.x3p"+ErrorExt))))

	// The same name again: a new file, kept beside the first.
	stop = startWatch(t, s, dir)
	writeFile(t, filepath.Join(dir, "good.x3p"), mt16)
	waitFor(t, func() bool { return exists(filepath.Join(dir, DoneDir, "good-2.x3p")) })
	require.NoError(t, stop())
	require.Equal(t, 2, counts()["good.x3p"])
	require.Equal(t, mt12, readFile(t, filepath.Join(dir, DoneDir, "good.x3p")))
	require.Equal(t, mt16, readFile(t, filepath.Join(dir, DoneDir, "good-2.x3p")))
	require.FileExists(t, filepath.Join(dir, DoneDir, "good-2.x3p.json"))
}

// TestWatchRestart: the watcher stopped (a simulated kill) before each step
// of a file, then started again: the file ends in done/ or failed/ with
// its report or error, once, and is analysed again only when the first
// run stopped before writing anything.
func TestWatchRestart(t *testing.T) {
	mt16 := readFile(t, "../../testdata/mt16.x3p")
	for _, tc := range []struct {
		step      string
		analyses  int // over both runs
		recovered bool
	}{
		{"analyse", 1, false}, // stopped before: analysed by the second run only
		{"write", 2, false},   // analysed, nothing written: analysed again
		{"store", 1, true},    // report written: moved without a new analysis
		{"move", 1, true},
	} {
		for _, good := range []bool{true, false} {
			name := "part.x3p"
			data := mt16
			if !good {
				data = []byte("garbage")
			}
			t.Run(tc.step+map[bool]string{true: "/good", false: "/bad"}[good], func(t *testing.T) {
				dir := t.TempDir()
				writeFile(t, filepath.Join(dir, name), data)
				s, counts := countingServer(t, Config{})
				s.crashAt = tc.step
				ctx := context.Background()
				require.ErrorIs(t, s.Watch(ctx, dir, poll), errCrash)
				require.FileExists(t, filepath.Join(dir, name)) // not moved yet

				s2, counts2 := countingServer(t, Config{})
				stop := startWatch(t, s2, dir)
				sub, ext := DoneDir, ReportExt
				if !good {
					sub, ext = FailedDir, ErrorExt
				}
				waitFor(t, func() bool { return exists(filepath.Join(dir, sub, name)) })
				require.NoError(t, stop())
				require.Equal(t, []string{name, name + ext}, listDir(t, filepath.Join(dir, sub)))
				require.Equal(t, []string{DoneDir, FailedDir}, listDir(t, dir))
				require.Equal(t, tc.analyses, counts()[name]+counts2()[name])
				if good {
					require.Equal(t, cliReport(t, s, filepath.Join(dir, name), data), string(readFile(t, filepath.Join(dir, sub, name+ext))))
				}
				m := parseMetrics(t, metricsText(s2))
				want := map[bool]string{true: "done", false: "failed"}[good]
				if tc.recovered {
					want = "recovered"
				}
				require.Equal(t, 1.0, m[`mtgeo_watch_files_total{outcome="`+want+`"}`])
			})
		}
	}
}

// TestWatchSlowWrite: a file written in pieces, with a poll between each
// two, is never taken half-written, and is taken, whole, once two polls
// find it the same. The polls are the test's, not a timer's, so that no
// pause of the writer on a loaded machine can look like the end of the
// file (at 20 ms polls, a writer held up 40 ms had its file taken).
func TestWatchSlowWrite(t *testing.T) {
	dir := t.TempDir()
	s, counts := countingServer(t, Config{})
	w, err := s.newWatcher(dir)
	require.NoError(t, err)
	ctx := context.Background()
	mt16 := readFile(t, "../../testdata/mt16.x3p")
	path := filepath.Join(dir, "slow.x3p")
	f, err := os.Create(path)
	require.NoError(t, err)
	for off := 0; off < len(mt16); off += len(mt16) / 20 {
		_, err := f.Write(mt16[off:min(off+len(mt16)/20, len(mt16))])
		require.NoError(t, err)
		require.NoError(t, w.poll(ctx))
		require.FileExists(t, path, "taken at %d of %d bytes", off, len(mt16))
	}
	require.NoError(t, f.Close())
	require.NoError(t, w.poll(ctx)) // the same size and time twice: complete
	require.NoFileExists(t, path)
	require.Equal(t, map[string]int{"slow.x3p": 1}, counts())
	require.Equal(t, mt16, readFile(t, filepath.Join(dir, DoneDir, "slow.x3p")))
	require.Equal(t, cliReport(t, s, path, mt16), string(readFile(t, filepath.Join(dir, DoneDir, "slow.x3p"+ReportExt))))
}

func metricsText(s *Server) string {
	var b strings.Builder
	s.metrics.write(&b)
	return b.String()
}

func TestWatchErrors(t *testing.T) {
	s, _ := countingServer(t, Config{})
	dir := t.TempDir()
	require.ErrorContains(t, s.Watch(context.Background(), filepath.Join(dir, "missing"), poll), "service: watch folder: stat ")
	file := filepath.Join(dir, "f")
	writeFile(t, file, nil)
	require.EqualError(t, s.Watch(context.Background(), file, poll), "service: watch folder "+file+" is not a folder")
}
