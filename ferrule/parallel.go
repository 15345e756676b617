package ferrule

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// running counts the analyses in progress in the process.
var running atomic.Int32

// share returns how many goroutines a step of n independent items, at
// least per items each, runs on: the processors this analysis may take
// from those running beside it (a batch's workers), one when Serial.
func (a *Analyzer) share(n, per int) int {
	if a.Serial {
		return 1
	}
	cores := runtime.GOMAXPROCS(0) / max(1, int(running.Load()))
	return max(1, min(cores, (n+per-1)/per))
}

// parallel calls fn(w, i) for every item i < n on workers goroutines, the
// calling one among them; w < workers names the goroutine, so that each
// can use buffers of its own. Items are handed out in order, one at a
// time. A panic in any goroutine is raised again on the calling one once
// all have stopped.
func parallel(workers, n int, fn func(w, i int)) {
	if workers <= 1 || n <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		panicMu sync.Mutex
		panicV  any
	)
	work := func(w int) {
		defer func() {
			if r := recover(); r != nil {
				panicMu.Lock()
				panicV = r
				panicMu.Unlock()
			}
		}()
		for {
			i := int(next.Add(1)) - 1
			if i >= n {
				return
			}
			fn(w, i)
		}
	}
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(w)
		}()
	}
	work(0)
	wg.Wait()
	if panicV != nil {
		panic(panicV)
	}
}

// each calls fn(wa, i) for every item i < n, spread as share(n, per)
// says, with wa the analysis, or a copy of it with buffers of its own for
// the goroutines beside the calling one.
func (an *analysis) each(n, per int, fn func(wa *analysis, i int)) {
	workers := an.share(n, per)
	for len(an.helpers) < workers-1 {
		an.helpers = append(an.helpers, &Analyzer{})
	}
	was := make([]*analysis, workers)
	for w := range was {
		was[w] = an
		if w > 0 {
			c := *an
			c.Analyzer = an.helpers[w-1]
			was[w] = &c
		}
	}
	parallel(workers, n, func(w, i int) { fn(was[w], i) })
}
