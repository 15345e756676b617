package gwy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// stream reads the serialized objects of a GWY file, tracking its offset
// so that every length can be checked against the end of its object and,
// when the input can seek, against the end of the file.
type stream struct {
	r    io.Reader
	br   *bufio.Reader
	seek io.Seeker // r as a Seeker; nil if the input cannot seek
	base int64     // position of r at the start of the input (seekable only)
	off  int64     // bytes consumed since the start of the input
	size int64     // length of the input from its start; -1 if unknown
	tmp  [8]byte
}

// newStream wraps r. If r can seek, its length is measured and its
// position restored.
func newStream(r io.Reader) (*stream, error) {
	const bufSize = 1 << 16
	s := &stream{r: r, size: -1}
	if sk, ok := r.(io.Seeker); ok {
		if cur, err := sk.Seek(0, io.SeekCurrent); err == nil { // else a pipe or terminal: read it as a stream
			if end, err := sk.Seek(0, io.SeekEnd); err == nil {
				if _, err := sk.Seek(cur, io.SeekStart); err != nil {
					return nil, fmt.Errorf("gwy: rewinding input: %w", err)
				}
				s.seek, s.base, s.size = sk, cur, end-cur
			}
		}
	}
	n := bufSize
	if s.size >= 0 && s.size < bufSize {
		n = int(s.size) // bufio raises it to its minimum of 16
	}
	s.br = bufio.NewReaderSize(r, n)
	return s, nil
}

// fits checks that n more bytes lie within the file and within the object
// ending at end.
//
// The object is checked first: a length that overruns its object is a
// malformed file whether or not the file goes on, while an object that
// overruns the file (found when its header is read) is a truncated one.
func (s *stream) fits(n, end int64, what string) error {
	if n < 0 || n > end-s.off {
		return formatErr("%s at offset %d needs %d bytes, its object has %d left", what, s.off, n, end-s.off)
	}
	if s.size >= 0 && n > s.size-s.off {
		return fmt.Errorf("gwy: %s at offset %d needs %d bytes, file has %d left: %w",
			what, s.off, n, max(s.size-s.off, 0), io.ErrUnexpectedEOF)
	}
	return nil
}

// read fills p from the input, within the object ending at end.
func (s *stream) read(p []byte, end int64, what string) error {
	if err := s.fits(int64(len(p)), end, what); err != nil {
		return err
	}
	n, err := io.ReadFull(s.br, p)
	s.off += int64(n)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("gwy: reading %s at offset %d: %w", what, s.off, err)
	}
	return nil
}

func (s *stream) u8(end int64, what string) (byte, error) {
	err := s.read(s.tmp[:1], end, what)
	return s.tmp[0], err
}

func (s *stream) u32(end int64, what string) (uint32, error) {
	err := s.read(s.tmp[:4], end, what)
	return binary.LittleEndian.Uint32(s.tmp[:4]), err
}

func (s *stream) i32(end int64, what string) (int32, error) {
	u, err := s.u32(end, what)
	return int32(u), err
}

func (s *stream) f64(end int64, what string) (float64, error) {
	err := s.read(s.tmp[:8], end, what)
	return math.Float64frombits(binary.LittleEndian.Uint64(s.tmp[:8])), err
}

// cstring consumes a NUL-terminated string that must end within the object
// ending at end. It returns the string if it is at most keep bytes long,
// and long = true (with an empty string) otherwise.
func (s *stream) cstring(end int64, keep int, what string) (str string, long bool, err error) {
	var b []byte
	for {
		chunk, err := s.br.ReadSlice(0)
		s.off += int64(len(chunk))
		if s.off > end {
			return "", false, formatErr("%s runs past the end of its object (offset %d)", what, end)
		}
		if !long {
			if len(b)+len(chunk) > keep+1 {
				long, b = true, nil
			} else {
				b = append(b, chunk...)
			}
		}
		switch {
		case err == nil:
			if long {
				return "", true, nil
			}
			return string(b[:len(b)-1]), false, nil
		case err == bufio.ErrBufferFull:
			continue
		case errors.Is(err, io.EOF):
			return "", false, fmt.Errorf("gwy: reading %s at offset %d: %w", what, s.off, io.ErrUnexpectedEOF)
		default:
			return "", false, fmt.Errorf("gwy: reading %s at offset %d: %w", what, s.off, err)
		}
	}
}

// skip consumes n bytes within the object ending at end, seeking over them
// when the input can seek.
func (s *stream) skip(n, end int64, what string) error {
	if err := s.fits(n, end, what); err != nil {
		return err
	}
	if buf := int64(s.br.Buffered()); n > buf && s.seek != nil {
		return s.seekTo(s.off + n)
	}
	for n > 0 {
		k := int(min(n, 1<<30))
		d, err := s.br.Discard(k)
		s.off += int64(d)
		n -= int64(d)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("gwy: skipping %s at offset %d: %w", what, s.off, err)
		}
	}
	return nil
}

// seekTo moves to offset off of a seekable input.
func (s *stream) seekTo(off int64) error {
	if _, err := s.seek.Seek(s.base+off, io.SeekStart); err != nil {
		return fmt.Errorf("gwy: seeking to offset %d: %w", off, err)
	}
	s.br.Reset(s.r)
	s.off = off
	return nil
}

// objectHeader reads the type name and size of a serialized object within
// the object ending at end, and returns the type name (empty if longer than
// any Gwyddion type name) and the end offset of the new object.
func (s *stream) objectHeader(end int64, what string) (typ string, oend int64, err error) {
	typ, _, err = s.cstring(end, maxTypeName, what+" type name")
	if err != nil {
		return "", 0, err
	}
	n, err := s.u32(end, what+" size")
	if err != nil {
		return "", 0, err
	}
	if err := s.fits(int64(n), end, what); err != nil {
		return "", 0, err
	}
	return typ, s.off + int64(n), nil
}

// maxTypeName is longer than any GObject type name Gwyddion serializes.
const maxTypeName = 256

// minObject is the smallest serialized object: an empty type name and a
// size.
const minObject = 5

// skipValue skips the value of a component of type typ.
func (s *stream) skipValue(typ byte, end int64, what string) error {
	switch typ {
	case 'b', 'c':
		return s.skip(1, end, what)
	case 'i':
		return s.skip(4, end, what)
	case 'q', 'd':
		return s.skip(8, end, what)
	case 's':
		_, _, err := s.cstring(end, 0, what)
		return err
	case 'o':
		return s.skipObject(end, what)
	case 'C', 'I', 'Q', 'D', 'S', 'O':
	default:
		return formatErr("%s at offset %d has unknown type %q", what, s.off-1, typ)
	}
	count, err := s.u32(end, what+" array length")
	if err != nil {
		return err
	}
	n := int64(count)
	switch typ {
	case 'C':
		return s.skip(n, end, what)
	case 'I':
		return s.skip(4*n, end, what)
	case 'Q', 'D':
		return s.skip(8*n, end, what)
	case 'S':
		// Each string takes at least its NUL: the loop is bounded by the bytes left.
		if err := s.fits(n, end, what); err != nil {
			return err
		}
		for ; n > 0; n-- {
			if _, _, err := s.cstring(end, 0, what); err != nil {
				return err
			}
		}
		return nil
	default: // 'O'
		if err := s.fits(n*minObject, end, what); err != nil {
			return err
		}
		for ; n > 0; n-- {
			if err := s.skipObject(end, what); err != nil {
				return err
			}
		}
		return nil
	}
}

// skipObject skips a serialized object by its size, without parsing it.
func (s *stream) skipObject(end int64, what string) error {
	_, oend, err := s.objectHeader(end, what)
	if err != nil {
		return err
	}
	return s.skip(oend-s.off, end, what)
}
