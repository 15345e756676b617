package geometry

import "io"

// readChunk is how much ReadFull reads at a time.
const readChunk = 1 << 20

// ReadFull reads exactly n bytes from r for a decoder. Its buffer grows with
// the bytes actually read, a MiB at a time, so that a header announcing
// more data than the input holds costs no more memory than the input
// itself. An input ending early gives io.ErrUnexpectedEOF, with the bytes
// that were there. n must already be checked against a limit (CheckSize).
func ReadFull(r io.Reader, n int) ([]byte, error) {
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
