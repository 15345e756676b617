package ferrule

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

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
		var inFlight atomic.Int32
		require.PanicsWithValue(t, "boom", func() {
			parallel(3, 100, func(_, i int) {
				inFlight.Add(1)
				defer inFlight.Add(-1)
				if i == at {
					panic("boom")
				}
				if i > at {
					time.Sleep(time.Millisecond) // still busy when the panic comes
				}
			})
		})
		require.Zero(t, inFlight.Load(), "panic at %d raised before all stopped", at)
	}
}

// TestShare: an analysis takes the processors the others running leave,
// at least one, at most one per `per` items, and one when Serial.
func TestShare(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	a := &Analyzer{}
	require.Equal(t, 1, a.share(1, 8))
	require.Equal(t, 1, a.share(8, 8), "8 items, at least 8 each: one goroutine")
	// No test of this package runs in parallel: no analysis is running.
	require.Zero(t, running.Load())
	require.Equal(t, 4, a.share(64, 8), "alone: all 4 processors")
	// running counts this analysis too, once it has begun.
	running.Add(2) // it and one more: half each
	s := a.share(64, 8)
	running.Add(2) // it and three more: one each
	s4 := a.share(64, 8)
	running.Add(-4)
	require.Equal(t, 2, s)
	require.Equal(t, 1, s4)
	a.Serial = true
	require.Equal(t, 1, a.share(1000, 1))
}
