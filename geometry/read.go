package geometry

import "io"

// readChunk is how much ReadFull allocates at a time.
const readChunk = 1 << 20

// ReadFull reads exactly n bytes from r for a decoder. Its buffer grows one
// MiB at a time, so that a header announcing more data than the input
// holds costs no more memory than the input itself. An input ending early
// gives io.ErrUnexpectedEOF. n must already be checked against a limit
// (CheckSize).
func ReadFull(r io.Reader, n int) ([]byte, error) {
	var b []byte
	for len(b) < n {
		k := min(readChunk, n-len(b))
		b = append(b, make([]byte, k)...)
		if _, err := io.ReadFull(r, b[len(b)-k:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}
