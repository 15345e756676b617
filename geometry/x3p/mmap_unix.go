//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package x3p

import (
	"io"
	"math"
	"os"
	"syscall"
)

// mapFile maps size bytes of ra from offset off read-only into memory when
// ra is an *os.File, so that the archive is read where the page cache
// holds it: no copy, and the inflater works on a byte slice, its fastest
// input. ok is false for anything else, or when the system refuses, and
// the archive is then read through ReadAt.
func mapFile(ra io.ReaderAt, off, size int64) (data []byte, unmap func(), ok bool) {
	f, isFile := ra.(*os.File)
	if !isFile || size <= 0 || off < 0 || uint64(size) > math.MaxInt {
		return nil, nil, false
	}
	conn, err := f.SyscallConn()
	if err != nil {
		return nil, nil, false
	}
	start := off &^ int64(os.Getpagesize()-1) // mmap's offset is whole pages
	var b []byte
	var merr error
	if err := conn.Control(func(fd uintptr) {
		b, merr = syscall.Mmap(int(fd), start, int(off-start+size), syscall.PROT_READ, syscall.MAP_SHARED)
	}); err != nil || merr != nil {
		return nil, nil, false
	}
	return b[off-start:], func() { _ = syscall.Munmap(b) }, true
}
