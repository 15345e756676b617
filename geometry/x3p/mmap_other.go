//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package x3p

import "io"

// mapFile maps nothing on this system: the archive is read through ReadAt.
func mapFile(ra io.ReaderAt, off, size int64) (data []byte, unmap func(), ok bool) {
	return nil, nil, false
}
