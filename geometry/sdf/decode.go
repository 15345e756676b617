package sdf

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"math"
	"strconv"

	"github.com/mtgeo/mtgeo/geometry"
)

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         "sdf",
		Extensions:   []string{".sdf"},
		Match:        match,
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

// maxToken is the longest value token of an ASCII data section, bytes.
const maxToken = 64

// olympusExtra are the 8 bytes some Olympus software inserts between a
// bISO-1.0 header and its data (two little-endian uint32, 5 and 1).
var olympusExtra = []byte{5, 0, 0, 0, 1, 0, 0, 0}

// DecodeConfig reads the header of an SDF file. opts may be nil; as for
// Decode, opts.Channel must be 0. For a header announcing more than
// geometry.MaxPixels pixels it returns the Config together with an error
// wrapping geometry.ErrTooLarge.
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	if err := checkChannel(opts); err != nil {
		return geometry.Config{}, err
	}
	h, err := readHeader(bufio.NewReader(r))
	if h == nil {
		return geometry.Config{}, err
	}
	return h.config(), err
}

// Decode reads an SDF file. opts may be nil; only opts.Channel is used, and
// it must be 0 (an SDF file holds one map).
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	if err := checkChannel(opts); err != nil {
		return nil, err
	}
	br := bufio.NewReader(r)
	h, err := readHeader(br)
	if err != nil {
		return nil, err
	}
	if h.binary {
		return decodeBinary(br, h)
	}
	return decodeASCII(br, h)
}

func decodeBinary(br *bufio.Reader, h *header) (*geometry.HeightMap, error) {
	n := h.cols * h.rows
	size := typeSizes[h.dtype]
	data, err := geometry.ReadFull(br, n*size)
	if err != nil {
		return nil, fmt.Errorf("sdf: reading %d×%d values of %d bytes (%d of %d bytes present): %w",
			h.cols, h.rows, size, len(data), n*size, err)
	}
	if h.version == "ISO-1.0" && bytes.HasPrefix(data, olympusExtra) {
		// Exactly 8 more bytes and nothing after: the data starts 8 bytes
		// later than the standard says.
		if rest, err := br.Peek(len(olympusExtra) + 1); len(rest) == len(olympusExtra) && err == io.EOF {
			data = append(data[len(olympusExtra):], rest...)
		}
	}
	m := geometry.New(h.cols, h.rows, h.pitch())
	scale := h.zscale * umPerM
	le := binary.LittleEndian
	for i := range n {
		var v float64
		ok := true
		switch h.dtype {
		case typeUint8:
			u := data[i]
			v, ok = float64(u), u != math.MaxUint8
		case typeUint16:
			u := le.Uint16(data[2*i:])
			v, ok = float64(u), u != math.MaxUint16
		case typeUint32:
			u := le.Uint32(data[4*i:])
			v, ok = float64(u), u != math.MaxUint32
		case typeInt8:
			s := int8(data[i])
			v, ok = float64(s), s != math.MinInt8 && !(h.bcr && s == math.MaxInt8)
		case typeInt16:
			s := int16(le.Uint16(data[2*i:]))
			v, ok = float64(s), s != math.MinInt16 && !(h.bcr && s == math.MaxInt16)
		case typeInt32:
			s := int32(le.Uint32(data[4*i:]))
			v, ok = float64(s), s != math.MinInt32 && !(h.bcr && s == math.MaxInt32)
		case typeFloat32:
			f := math.Float32frombits(le.Uint32(data[4*i:]))
			v, ok = float64(f), f != -math.MaxFloat32 && !(h.bcr && f == math.MaxFloat32)
		case typeFloat64:
			v = math.Float64frombits(le.Uint64(data[8*i:]))
			ok = v != -math.MaxFloat64 && !(h.bcr && v == math.MaxFloat64)
		}
		if z := v * scale; ok && !math.IsNaN(z) && !math.IsInf(z, 0) {
			m.Z[i] = z
		}
	}
	return m, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// tokenizer splits an ASCII data section into value tokens.
type tokenizer struct {
	br  *bufio.Reader
	buf []byte
}

// next returns the next token; end reports the '*' end-of-data marker.
// It returns io.EOF at the end of the input.
func (t *tokenizer) next() (tok []byte, end bool, err error) {
	var c byte
	for {
		if c, err = t.br.ReadByte(); err != nil {
			return nil, false, err
		}
		if c == ';' {
			// Comment to the end of the line.
			for c != '\n' && c != '\r' {
				if c, err = t.br.ReadByte(); err != nil {
					return nil, false, err
				}
			}
		}
		if c == '*' {
			return nil, true, nil
		}
		if !isSpace(c) {
			break
		}
	}
	t.buf = append(t.buf[:0], c)
	for {
		c, err := t.br.ReadByte()
		if err == io.EOF {
			return t.buf, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if isSpace(c) || c == ';' {
			t.br.UnreadByte() //nolint:errcheck // just read
			return t.buf, false, nil
		}
		if len(t.buf) >= maxToken {
			return nil, false, formatErr("data value %q… longer than %d bytes", t.buf[:16], maxToken)
		}
		t.buf = append(t.buf, c)
	}
}

func decodeASCII(br *bufio.Reader, h *header) (*geometry.HeightMap, error) {
	n := h.cols * h.rows
	scale := h.zscale * umPerM
	// Grow with the data, not with the header's claim.
	z := make([]float64, 0, min(n, 1<<16))
	t := tokenizer{br: br}
	for len(z) < n {
		tok, end, err := t.next()
		if err != nil {
			return nil, fmt.Errorf("sdf: reading data value %d of %d: %w", len(z)+1, n, geometry.UnexpectedEOF(err))
		}
		if end {
			return nil, formatErr("data ends ('*') after %d of %d×%d values", len(z), h.cols, h.rows)
		}
		if bytes.EqualFold(tok, []byte("BAD")) {
			z = append(z, math.NaN())
			continue
		}
		v, err := strconv.ParseFloat(string(tok), 64)
		if err != nil && !isRangeErr(err) {
			return nil, formatErr("data value %d: %q is not a number", len(z)+1, tok)
		}
		v *= scale
		if math.IsInf(v, 0) {
			v = math.NaN()
		}
		z = append(z, v)
	}
	// Nothing but the end marker (or the end of the file) may follow.
	if tok, end, err := t.next(); err == nil && !end {
		return nil, formatErr("more than NumPoints×NumProfiles = %d×%d values: %q follows", h.cols, h.rows, tok)
	} else if err != nil && err != io.EOF {
		return nil, fmt.Errorf("sdf: reading end of data: %w", err)
	}
	return &geometry.HeightMap{
		Z:      z[:n:n],
		Stride: h.cols,
		Rect:   image.Rect(0, 0, h.cols, h.rows),
		Pitch:  h.pitch(),
	}, nil
}

// isRangeErr reports a value too large or small for float64; ParseFloat
// then returns ±Inf or 0, which are handled like any value.
func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func checkChannel(opts *geometry.Options) error {
	return geometry.OneChannel(opts, "sdf", "an SDF file holds one map")
}
