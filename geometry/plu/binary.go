package plu

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// Layout of a .plu file; see the package documentation.
const (
	headerSize = 500
	dateSize   = 128
	// lostPixel is the height a .plu file stores for a point not measured.
	lostPixel = 1000001

	offCalRows = 388 // u32, rows of the calibration block
	offCalCols = 392 // u32
	offMPPX    = 404 // f32, µm per pixel along x
	offMPPY    = 408 // f32
	offType    = 428 // u32, measurement type
	offArea    = 444 // u32, area type (not read)
	offLayers  = 489 // u8
	offVersion = 490 // u8
	offImages  = 492 // u8, colour images after each layer

	layerHead = 8 // u32 rows, u32 cols
	layerTail = 8 // f32 min, f32 max
)

// Measurement types (offset 428).
const (
	typeImage      = 0
	typeProfile    = 1
	typeMulti      = 2
	typeTopography = 3
	typeThickness  = 5
)

var typeNames = [...]string{
	"confocal image", "profile", "multiple profile", "topography",
	"coordinates multiple profile", "single point thickness", "custom application",
	"coordinates topography map", "coordinates thickness map",
}

var (
	dayNames   = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	monthNames = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// isDate reports whether b, the start of a .plu file, holds a date as C's
// ctime writes it, "Www Mmm dd hh:mm:ss yyyy", with byte 24 a NUL or white
// space (Gwyddion's test).
func isDate(b []byte) bool {
	if len(b) < 25 || b[24] != 0 && !isSpace(b[24]) {
		return false
	}
	s := b[:24]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	f := strings.Fields(string(s))
	if len(f) != 5 || !among(f[0], dayNames) || !among(f[1], monthNames) ||
		!number(f[2], 1, 2, 1, 31) || !number(f[4], 4, 4, 1900, 9999) {
		return false
	}
	t := strings.Split(f[3], ":")
	return len(t) == 3 && number(t[0], 1, 2, 0, 23) && number(t[1], 2, 2, 0, 59) && number(t[2], 2, 2, 0, 60)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func among(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// number reports whether s is a decimal of minLen to maxLen digits with a
// value in [lo, hi].
func number(s string, minLen, maxLen, lo, hi int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	v, err := strconv.Atoi(s)
	return err == nil && v >= lo && v <= hi
}

// versionOK reports whether v, the format version byte, is one Sensofar
// wrote: 0 (PLu 2000) or 0xf0 and above (0xff 2006 down to 0xfa 2013).
func versionOK(v byte) bool { return v == 0 || v >= 0xf0 }

// matchPLU accepts what Gwyddion's sensofar module detects: a full header
// starting with a ctime date and a plausible format version byte.
func matchPLU(head []byte) bool {
	return len(head) >= headerSize && isDate(head) && versionOK(head[offVersion])
}

// header is what the decoder uses of the 500-byte header.
type header struct {
	calCols, calRows int
	mpp              r2.Vec // µm
	typ              uint32
	layers, images   int
}

func readHeader(r io.Reader) (*header, error) {
	var b [headerSize]byte
	n, err := io.ReadFull(r, b[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("plu: reading header: %w", err)
	}
	if !isDate(b[:n]) {
		return nil, formatErr("no ctime date at the start of the file: not a Sensofar PLU file")
	}
	if n < headerSize {
		return nil, fmt.Errorf("plu: header truncated at %d of %d bytes: %w", n, headerSize, io.ErrUnexpectedEOF)
	}
	if !versionOK(b[offVersion]) {
		return nil, formatErr("format version byte 0x%02x (0 or at least 0xf0 expected)", b[offVersion])
	}
	le := binary.LittleEndian
	f32 := func(off int) float64 { return float64(math.Float32frombits(le.Uint32(b[off:]))) }
	return &header{
		calRows: sizeInt(le.Uint32(b[offCalRows:])),
		calCols: sizeInt(le.Uint32(b[offCalCols:])),
		mpp:     r2.Vec{X: f32(offMPPX), Y: f32(offMPPY)},
		typ:     le.Uint32(b[offType:]),
		layers:  int(b[offLayers]),
		images:  int(b[offImages]),
	}, nil
}

// check refuses measurements that are not height maps.
func (h *header) check() error {
	name := "unknown"
	if h.typ < uint32(len(typeNames)) {
		name = typeNames[h.typ]
	}
	switch h.typ {
	case typeTopography:
	case typeImage:
		return unsupportedErr("measurement type 0 (%s): intensities, not heights", name)
	case typeProfile, typeMulti, typeThickness:
		return unsupportedErr("measurement type %d (%s): profiles, not a height map", h.typ, name)
	default:
		return unsupportedErr("measurement type %d (%s)", h.typ, name)
	}
	if h.layers == 0 {
		return formatErr("topography with no layers")
	}
	return nil
}

// layer reads through the layers before layer ch and returns the size of
// layer ch, leaving r at its first height.
func (h *header) layer(r io.Reader, ch int) (cols, rows int, err error) {
	if ch >= h.layers {
		return 0, 0, fmt.Errorf("plu: channel %d requested, the file has %d layers", ch, h.layers)
	}
	le := binary.LittleEndian
	for i := 0; ; i++ {
		var d [layerHead]byte
		if _, err := io.ReadFull(r, d[:]); err != nil {
			return 0, 0, fmt.Errorf("plu: reading the size of layer %d: %w", i, geometry.UnexpectedEOF(err))
		}
		rows, cols = sizeInt(le.Uint32(d[0:])), sizeInt(le.Uint32(d[4:]))
		if err := geometry.CheckSize(cols, rows); err != nil {
			return 0, 0, fmt.Errorf("plu: layer %d: %w", i, err)
		}
		if i == ch {
			return cols, rows, nil
		}
		n := int64(cols) * int64(rows)
		skip := 4*n + layerTail + 3*n*int64(h.images)
		if _, err := io.CopyN(io.Discard, r, skip); err != nil {
			return 0, 0, fmt.Errorf("plu: reading through layer %d: %w", i, geometry.UnexpectedEOF(err))
		}
	}
}

// openPLU reads the header and the layers before the one opts selects.
func openPLU(r io.Reader, opts *geometry.Options) (h *header, ch, cols, rows int, err error) {
	if ch, err = channel(opts); err != nil {
		return nil, 0, 0, 0, err
	}
	if h, err = readHeader(r); err != nil {
		return nil, 0, 0, 0, err
	}
	if err = h.check(); err != nil {
		return nil, 0, 0, 0, err
	}
	cols, rows, err = h.layer(r, ch)
	return h, ch, cols, rows, err
}

func configPLU(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	h, _, cols, rows, err := openPLU(r, opts)
	if err != nil {
		return geometry.Config{}, err
	}
	p, _, err := pitch(h.mpp, opts, "pixel size")
	if err != nil {
		return geometry.Config{}, err
	}
	return geometry.Config{Format: NamePLU, Cols: cols, Rows: rows, Pitch: p}, nil
}

func decodePLU(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	h, ch, cols, rows, err := openPLU(r, opts)
	if err != nil {
		return nil, err
	}
	p, warn, err := pitch(h.mpp, opts, "pixel size")
	if err != nil {
		return nil, err
	}
	n := cols * rows
	what := func(err error) error {
		return fmt.Errorf("plu: reading the %d×%d heights and min/max of layer %d: %w", cols, rows, ch, err)
	}
	var m *geometry.HeightMap
	switch avail := remaining(r); {
	case avail >= 0 && avail < int64(4*n+layerTail):
		return nil, what(io.ErrUnexpectedEOF)
	case avail >= 0: // all there: convert straight into the map
		m = geometry.New(cols, rows, p)
		if err := readFloat32s(m.Z, r, lostPixel); err != nil {
			return nil, what(err)
		}
		if _, err := io.CopyN(io.Discard, r, layerTail); err != nil {
			return nil, what(geometry.UnexpectedEOF(err))
		}
	default: // a stream: read what is there before allocating the map
		data, err := geometry.ReadFull(r, 4*n+layerTail)
		if err != nil {
			return nil, what(err)
		}
		m = geometry.New(cols, rows, p)
		float32s(m.Z, data[:4*n], lostPixel)
	}
	m.Warnings = warn
	if cols != h.calCols || rows != h.calRows {
		m.Warn("layer %d is %d×%d pixels, the calibration block says %d×%d", ch, cols, rows, h.calCols, h.calRows)
	}
	return m, nil
}

// sizeInt returns a size from a header as an int; where int is 32 bits
// and v does not fit, MaxPixels+1, so that geometry.CheckSize refuses it as
// too large rather than as negative.
func sizeInt(v uint32) int {
	if uint64(v) > math.MaxInt {
		return geometry.MaxPixels + 1
	}
	return int(v)
}
