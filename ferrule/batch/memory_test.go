package batch_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// probeMagic starts the files of the probe format, a test format that
// watches how many maps a batch holds. After the magic, a line says what
// the file is: "x3p" and an X3P file (decoded by x3p.Decode: a real map,
// analysed in full), "tiny" (a 4×4 map without data: an analysis error at
// once) or "block" (tiny, decoded only once probe.release is closed).
const probeMagic = "MTGEO-BATCH-PROBE\n"

var probe struct {
	mu      sync.Mutex
	maps    []weak.Pointer[float64] // the heights of every map decoded
	maxLive int                     // most maps reachable at a decode
	started atomic.Int32            // decodes begun
	release chan struct{}
}

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:  "batch-probe",
		Match: geometry.MagicMatcher(probeMagic),
		Decode: func(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
			probe.started.Add(1)
			b, err := io.ReadAll(r)
			if err != nil {
				return nil, err
			}
			kind, rest, _ := bytes.Cut(b[len(probeMagic):], []byte("\n"))
			var m *geometry.HeightMap
			switch string(kind) {
			case "x3p":
				if m, err = x3p.Decode(bytes.NewReader(rest), opts); err != nil {
					return nil, err
				}
			case "block":
				select {
				case <-probe.release:
				case <-time.After(time.Minute): // a broken test ends
				}
				fallthrough
			case "tiny":
				return geometry.New(4, 4, r2.Vec{X: 3, Y: 3}), nil
			default:
				return nil, fmt.Errorf("probe: unknown kind %q", kind)
			}
			// Count the maps still reachable from anywhere, this one
			// included: the garbage collector clears the weak pointers of
			// those that are not.
			probe.mu.Lock()
			defer probe.mu.Unlock()
			runtime.GC()
			live := 1
			for _, w := range probe.maps {
				if w.Value() != nil {
					live++
				}
			}
			probe.maxLive = max(probe.maxLive, live)
			probe.maps = append(probe.maps, weak.Make(&m.Z[0]))
			return m, nil
		},
		DecodeConfig: func(io.Reader, *geometry.Options) (geometry.Config, error) {
			return geometry.Config{}, fmt.Errorf("probe: no config")
		},
	})
}

// writeProbes writes n probe files of the kind to dir and returns their
// paths.
func writeProbes(t *testing.T, dir, kind string, data []byte, n int) []string {
	var files []string
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("%s-%03d.map", kind, i))
		require.NoError(t, os.WriteFile(p, append([]byte(probeMagic+kind+"\n"), data...), 0o666))
		files = append(files, p)
	}
	return files
}

// TestRunMapsInMemory checks that at most Workers maps are held at once:
// at each decode, every map decoded before is unreachable but those the
// other workers are analysing.
func TestRunMapsInMemory(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(testFolder(t), "a-pass.x3p"))
	require.NoError(t, err)
	files := writeProbes(t, t.TempDir(), "x3p", good, 5)
	for _, tc := range []struct{ workers, files int }{{1, 2}, {2, 5}} {
		t.Run(fmt.Sprintf("j=%d", tc.workers), func(t *testing.T) {
			probe.mu.Lock()
			probe.maps, probe.maxLive = nil, 0
			probe.mu.Unlock()
			results := runAll(t, files[:tc.files], batch.Config{Workers: tc.workers})
			for _, r := range results {
				require.NoError(t, r.Err) // analysed in full
				require.Equal(t, "MT-16", r.Report.Layout)
			}
			probe.mu.Lock()
			defer probe.mu.Unlock()
			require.Len(t, probe.maps, tc.files)
			require.LessOrEqual(t, probe.maxLive, tc.workers, "maps held at once")
			require.GreaterOrEqual(t, probe.maxLive, 1)
		})
	}
}

// TestRunWindow checks that a slow file holds back at most 16 files per
// worker: the results that wait for it to be delivered in order.
func TestRunWindow(t *testing.T) {
	const workers, window = 2, 16 // window: Run's files started per worker
	dir := t.TempDir()
	files := append(writeProbes(t, dir, "block", nil, 1), writeProbes(t, dir, "tiny", nil, 100)...)
	probe.release = make(chan struct{})
	probe.started.Store(0)

	var got []int
	done := make(chan error)
	go func() {
		done <- batch.Run(context.Background(), files, batch.Config{Workers: workers}, func(i int, r batch.Result) {
			got = append(got, i)
		})
	}()
	require.Eventually(t, func() bool { return probe.started.Load() == workers*window }, 10*time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	require.EqualValues(t, workers*window, probe.started.Load(), "no file started beyond the window")
	close(probe.release)
	require.NoError(t, <-done)
	require.Len(t, got, len(files))
	for i, g := range got {
		require.Equal(t, i, g)
	}
}

// TestMemoryPerPixel: reading and analysing one map allocates at most
// 1.5 × 8 bytes a pixel + 64 MB in all (so its peak is no more), for a
// realistic 4-megapixel 64-fiber X3P and for a 25-megapixel X3P of zeros
// whose header announces far more than its 0.2 MB could plausibly hold
// (issue #11 §5: the heights are allocated for data actually inflated).
func TestMemoryPerPixel(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 240 MB of heights")
	}
	dir := t.TempDir()
	p := synth.Random("MT-64", 5)
	p.Cols, p.Rows = 2048, 2048
	m, _, err := synth.Generate(p)
	require.NoError(t, err)
	real := filepath.Join(dir, "mt64.x3p")
	writeX3P(t, real, m)
	zeros := geometry.New(5000, 5000, r2.Vec{X: 1, Y: 1})
	clear(zeros.Z)
	flat := filepath.Join(dir, "zeros.x3p")
	writeX3P(t, flat, zeros)
	for _, tc := range []struct {
		path string
		px   int
	}{{real, 2048 * 2048}, {flat, 5000 * 5000}} {
		var an ferrule.Analyzer
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res := batch.AnalyzeFile(&an, tc.path, &batch.Config{})
		runtime.ReadMemStats(&after)
		if tc.path == real {
			require.NoError(t, res.Err)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		budget := 1.5*8*float64(tc.px) + 64<<20
		t.Logf("%s: %.1f MB allocated for %d pixels (%.2f bytes a pixel); budget %.0f MB", filepath.Base(tc.path), float64(alloc)/(1<<20), tc.px, float64(alloc)/float64(tc.px), budget/(1<<20))
		require.Less(t, float64(alloc), budget)
	}
}

func writeX3P(t *testing.T, path string, m *geometry.HeightMap) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, x3p.Encode(f, m, nil))
	require.NoError(t, f.Close())
}
