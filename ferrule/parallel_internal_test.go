package ferrule

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParallel: every item is handed out exactly once, on the workers
// asked for, and a panic on any goroutine is raised again on the caller
// once all have stopped.
func TestParallel(t *testing.T) {
	for _, workers := range []int{1, 2, 5} {
		const n = 100
		var seen [n]atomic.Int32
		var maxW atomic.Int32
		parallel(workers, n, func(w, i int) {
			seen[i].Add(1)
			for {
				m := maxW.Load()
				if int32(w) <= m || maxW.CompareAndSwap(m, int32(w)) {
					break
				}
			}
		})
		for i := range seen {
			require.EqualValues(t, 1, seen[i].Load(), "item %d with %d workers", i, workers)
		}
		require.Less(t, int(maxW.Load()), workers)
	}
	for _, at := range []int{0, 37, 99} {
		var done atomic.Int32
		require.PanicsWithValue(t, "boom", func() {
			parallel(3, 100, func(_, i int) {
				if i == at {
					panic("boom")
				}
				done.Add(1)
			})
		})
		require.LessOrEqual(t, done.Load(), int32(99))
	}
}

// TestShare: an analysis takes the processors the others running leave,
// at least one, at most one per `per` items, and one when Serial.
func TestShare(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	a := &Analyzer{}
	require.Equal(t, 1, a.share(1, 8))
	require.Equal(t, 1, a.share(8, 8), "8 items, at least 8 each: one goroutine")
	// Other tests' analyses may be running: 4 processors at most, shared.
	if s := a.share(64, 8); s < 1 || s > 4 {
		t.Fatalf("share(64, 8) = %d with 4 processors", s)
	}
	running.Add(3) // three more analyses beside this one: a quarter each
	s := a.share(64, 8)
	running.Add(-3)
	require.Equal(t, 1, s)
	a.Serial = true
	require.Equal(t, 1, a.share(1000, 1))
}
