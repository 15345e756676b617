//go:build unix

package service

import (
	"syscall"
	"time"
)

// cpuTime is the user and system CPU time of this process so far, so that
// the benchmarks can report what an analysis costs independently of how
// busy the machine is (wall time on a loaded machine measures the load).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
