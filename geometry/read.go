package geometry

import (
	"bytes"
	"fmt"
	"io"
)

// UnexpectedEOF returns io.ErrUnexpectedEOF for io.EOF and err otherwise:
// for decoders, an end of input met before the expected end of a file is
// a truncated file.
func UnexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readChunk is how much ReadFull reads at a time.
const readChunk = 1 << 20

// ReadFull reads exactly n bytes from r for a decoder. Its buffer grows with
// the bytes actually read, a MiB at a time, so that a header announcing
// more data than the input holds costs no more memory than the input
// itself. An input ending early gives io.ErrUnexpectedEOF, with the bytes
// that were there. n must already be checked against a limit (CheckSize).
func ReadFull(r io.Reader, n int) ([]byte, error) {
	if n < 0 { // a length from a header that overflowed int
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, n)
	}
	b := make([]byte, 0, min(n, readChunk))
	for len(b) < n {
		k := min(n-len(b), readChunk)
		if cap(b)-len(b) < k {
			nb := make([]byte, len(b), min(n, max(2*cap(b), len(b)+k)))
			copy(nb, b)
			b = nb
		}
		m, err := io.ReadFull(r, b[len(b):len(b)+k])
		b = b[:len(b)+m]
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return b, err
		}
	}
	return b, nil
}

// BytesReader is an input held in memory, a bytes.Reader that also hands
// out the bytes it reads: decoders that want the whole input at once
// (a zip archive's members) then use them in place rather than through
// ReadAt. ReaderAt gives one for an input it reads into memory.
type BytesReader struct {
	*bytes.Reader
	b []byte
}

// NewBytesReader returns a BytesReader reading b, which must not change
// while it is in use.
func NewBytesReader(b []byte) *BytesReader { return &BytesReader{bytes.NewReader(b), b} }

// Bytes returns all the bytes r reads, from the first, wherever it is.
func (r *BytesReader) Bytes() []byte { return r.b }

// ReaderAt gives a decoder random access to r (zip, HDF5): directly, from
// r's current position to its end, when r is an io.ReaderAt and io.Seeker
// (an *os.File, a *bytes.Reader) or has a Size; otherwise by reading it
// into memory, at most limit bytes (more is an error wrapping ErrTooLarge).
func ReaderAt(r io.Reader, limit int64) (io.ReaderAt, int64, error) {
	if ra, ok := r.(io.ReaderAt); ok {
		if s, ok := r.(io.Seeker); ok {
			cur, err1 := s.Seek(0, io.SeekCurrent)
			end, err2 := s.Seek(0, io.SeekEnd)
			_, err3 := s.Seek(cur, io.SeekStart)
			if err1 == nil && err2 == nil && err3 == nil && end >= cur {
				return io.NewSectionReader(ra, cur, end-cur), end - cur, nil
			}
		}
		if sz, ok := r.(interface{ Size() int64 }); ok {
			return ra, sz.Size(), nil
		}
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, 0, err
	}
	if int64(len(b)) > limit {
		return nil, 0, fmt.Errorf("%w: input over %d bytes", ErrTooLarge, limit)
	}
	return NewBytesReader(b), int64(len(b)), nil
}
