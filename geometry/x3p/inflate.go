package x3p

import (
	"bufio"
	"compress/flate"
	"errors"
	"io"
	"sync"

	kflate "github.com/klauspost/compress/flate"

	"github.com/mtgeo/mtgeo/geometry/internal/inflate"
)

// inflateBufSize is the read-ahead of compressed bytes for each deflated
// member read through an io.ReaderAt: larger than the 4 KiB
// compress/flate uses, so an *os.File is read in fewer calls.
const inflateBufSize = 64 << 10

// inflaters holds idle inflateState values, as archive/zip pools its
// flate readers.
var inflaters sync.Pool

// inflateState is a klauspost flate reader and the buffered reader it
// draws compressed bytes from when they are not in memory.
type inflateState struct {
	br *bufio.Reader
	fr io.ReadCloser // also a kflate.Resetter
}

// inflater is one opened deflated member. Its Close puts the state back
// in the pool once.
type inflater struct {
	s *inflateState
}

// newInflater is the zip decompressor for the Deflate method:
// github.com/klauspost/compress/flate, which inflates about twice as fast
// as compress/flate, through a buffered reader (members in memory are
// inflated by newMemInflater). Its errors are those of compress/flate (a
// flate.CorruptInputError for corrupt data), so that what Decode wraps
// does not depend on the inflater.
func newInflater(r io.Reader) io.ReadCloser {
	s, ok := inflaters.Get().(*inflateState)
	if !ok {
		s = &inflateState{br: bufio.NewReaderSize(nil, inflateBufSize)}
	}
	s.br.Reset(r)
	if s.fr == nil {
		s.fr = kflate.NewReader(s.br)
	} else if err := s.fr.(kflate.Resetter).Reset(s.br, nil); err != nil {
		s.fr = kflate.NewReader(s.br)
	}
	return &inflater{s: s}
}

var errInflaterClosed = errors.New("x3p: read from a closed zip member")

func (z *inflater) Read(p []byte) (int, error) {
	if z.s == nil {
		return 0, errInflaterClosed
	}
	n, err := z.s.fr.Read(p)
	return n, stdFlateErr(err)
}

// Close puts the state back in the pool; closing again does nothing.
func (z *inflater) Close() error {
	if z.s == nil {
		return nil
	}
	err := stdFlateErr(z.s.fr.Close())
	z.s.br.Reset(nil) // the flate reader holds only br: the member is dropped
	inflaters.Put(z.s)
	z.s = nil
	return err
}

// stdFlateErr returns err with a klauspost flate.CorruptInputError made
// the compress/flate one (the same offset and message).
func stdFlateErr(err error) error {
	if ce, ok := err.(kflate.CorruptInputError); ok {
		return flate.CorruptInputError(ce)
	}
	return err
}

// memInflaters holds idle *inflate.Reader values.
var memInflaters sync.Pool

// memInflater is one opened deflated member whose bytes are in memory:
// geometry/internal/inflate decodes those 1.6–1.9 times as fast as
// klauspost's reader (and hands over to it for a stream it finds
// corrupt, so the errors are the same). Its Close puts the reader back in
// the pool once.
type memInflater struct {
	r *inflate.Reader
}

func newMemInflater(src []byte) io.ReadCloser {
	r, ok := memInflaters.Get().(*inflate.Reader)
	if !ok {
		return &memInflater{r: inflate.NewReader(src)}
	}
	r.Reset(src)
	return &memInflater{r: r}
}

func (z *memInflater) Read(p []byte) (int, error) {
	if z.r == nil {
		return 0, errInflaterClosed
	}
	n, err := z.r.Read(p)
	return n, stdFlateErr(err)
}

// Close puts the reader back in the pool; closing again does nothing.
func (z *memInflater) Close() error {
	if z.r != nil {
		z.r.Reset(nil)
		memInflaters.Put(z.r)
		z.r = nil
	}
	return nil
}
