package opd

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// Magic is how an OPD file starts: the u16 signature 1 and the name of the
// directory block.
const Magic = "\x01\x00Directory"

const (
	entrySize = 24
	nameSize  = 16
	// maxEntries bounds the directory; real files have a few dozen blocks.
	maxEntries = 1 << 14
	// badFloat: float values at least this large in magnitude are invalid.
	badFloat = 1e32
	// badInt16: int16 values at least this large are invalid.
	badInt16 = 32766
)

// Block types.
const (
	typeDirectory = 1
	typeArray     = 3
	typeText      = 5
	typeShort     = 6
	typeFloat     = 7
	typeDouble    = 8
	typeLong      = 12
)

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         "opd",
		Extensions:   []string{".opd"},
		Match:        geometry.MagicMatcher(Magic),
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("opd: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("opd: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// isHeight reports whether a block name is one of the height arrays.
func isHeight(name string) bool {
	switch name {
	case "RAW_DATA", "RAW DATA", "OPD", "SAMPLE_DATA", "Raw":
		return true
	}
	return false
}

type entry struct {
	name  string
	typ   int
	size  int64
	flags int
}

func parseEntry(b []byte) entry {
	le := binary.LittleEndian
	name := b[:nameSize]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return entry{
		name:  string(bytes.TrimSpace(name)),
		typ:   int(le.Uint16(b[16:])),
		size:  int64(le.Uint32(b[18:])),
		flags: int(le.Uint16(b[22:])),
	}
}

// file is what the decoder gathers from the blocks.
type file struct {
	wavelength, mult, pixelSize, aspect float64 // NaN when absent
	cols, rows, elem                    int
	data                                []byte // selected array values, nil for DecodeConfig
	found                               bool
	heightArrays                        int
}

// numeric reads a number block of any numeric type.
func numeric(e entry, b []byte) (float64, bool) {
	le := binary.LittleEndian
	switch {
	case e.typ == typeShort && len(b) == 2:
		return float64(int16(le.Uint16(b))), true
	case e.typ == typeLong && len(b) == 4:
		return float64(int32(le.Uint32(b))), true
	case e.typ == typeFloat && len(b) == 4:
		return float64(math.Float32frombits(le.Uint32(b))), true
	case e.typ == typeDouble && len(b) == 8:
		return math.Float64frombits(le.Uint64(b)), true
	}
	return 0, false
}

// read walks the directory and the blocks. With withData it keeps the
// values of the selected height array.
func read(r io.Reader, opts *geometry.Options, withData bool) (*file, error) {
	channel := 0
	if opts != nil {
		channel = opts.Channel
	}
	if channel < 0 {
		return nil, fmt.Errorf("opd: channel %d requested", channel)
	}
	var head [2 + entrySize]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, formatErr("file too short for an OPD directory")
		}
		return nil, fmt.Errorf("opd: reading directory: %w", err)
	}
	if !bytes.HasPrefix(head[:], []byte(Magic)) {
		return nil, formatErr("no OPD directory signature")
	}
	dir := parseEntry(head[2:])
	if dir.name != "Directory" || dir.typ != typeDirectory {
		return nil, formatErr("first block is %q of type %d, not the directory", dir.name, dir.typ)
	}
	if dir.size < entrySize || dir.size%entrySize != 0 {
		return nil, formatErr("directory size %d is not a positive multiple of %d", dir.size, entrySize)
	}
	n := dir.size / entrySize
	if n > maxEntries {
		return nil, formatErr("directory of %d blocks (limit %d)", n, maxEntries)
	}
	entries := make([]entry, 0, n-1)
	var eb [entrySize]byte
	for i := int64(1); i < n; i++ {
		if _, err := io.ReadFull(r, eb[:]); err != nil {
			return nil, fmt.Errorf("opd: reading directory entry %d of %d: %w", i, n, geometry.UnexpectedEOF(err))
		}
		e := parseEntry(eb[:])
		if e.typ == typeDirectory && e.size > 0 {
			return nil, formatErr("nested directory %q", e.name)
		}
		entries = append(entries, e)
	}

	nan := math.NaN()
	f := &file{wavelength: nan, mult: nan, pixelSize: nan, aspect: nan}
	for _, e := range entries {
		if e.size == 0 {
			continue
		}
		if err := f.block(r, e, channel, withData); err != nil {
			return nil, err
		}
	}
	return f, f.check(channel)
}

// block reads or skips the content of one block.
func (f *file) block(r io.Reader, e entry, channel int, withData bool) error {
	skip := func(n int64) error {
		if _, err := io.CopyN(io.Discard, r, n); err != nil {
			return fmt.Errorf("opd: reading block %q: %w", e.name, geometry.UnexpectedEOF(err))
		}
		return nil
	}
	switch e.name {
	case "Wavelength", "Mult", "Pixel_size", "Aspect":
		if e.size > 8 {
			return formatErr("block %q of %d bytes is not a number", e.name, e.size)
		}
		var b [8]byte
		if _, err := io.ReadFull(r, b[:e.size]); err != nil {
			return fmt.Errorf("opd: reading block %q: %w", e.name, geometry.UnexpectedEOF(err))
		}
		v, ok := numeric(e, b[:e.size])
		if !ok {
			return formatErr("block %q: type %d with %d bytes is not a number", e.name, e.typ, e.size)
		}
		switch e.name {
		case "Wavelength":
			f.wavelength = v
		case "Mult":
			f.mult = v
		case "Pixel_size":
			f.pixelSize = v
		case "Aspect":
			f.aspect = v
		}
		return nil
	}
	if !isHeight(e.name) || e.typ != typeArray {
		return skip(e.size)
	}
	index := f.heightArrays
	f.heightArrays++
	if index != channel || f.found {
		return skip(e.size)
	}
	if e.size < 6 {
		return formatErr("array %q of %d bytes has no dimensions", e.name, e.size)
	}
	var b [6]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return fmt.Errorf("opd: reading array %q: %w", e.name, geometry.UnexpectedEOF(err))
	}
	le := binary.LittleEndian
	f.cols, f.rows, f.elem = int(le.Uint16(b[0:])), int(le.Uint16(b[2:])), int(le.Uint16(b[4:]))
	f.found = true
	if err := geometry.CheckSize(f.cols, f.rows); err != nil {
		return fmt.Errorf("opd: array %q: %w", e.name, err)
	}
	switch f.elem {
	case 2, 4:
	case 1:
		return unsupportedErr("array %q of bytes", e.name)
	default:
		return formatErr("array %q: element size %d", e.name, f.elem)
	}
	need := int64(f.cols) * int64(f.rows) * int64(f.elem)
	if e.size-6 < need {
		return formatErr("array %q: block of %d bytes cannot hold %d×%d×%d", e.name, e.size, f.cols, f.rows, f.elem)
	}
	if !withData {
		return skip(e.size - 6)
	}
	data, err := geometry.ReadFull(r, int(need))
	if err != nil {
		return fmt.Errorf("opd: reading %d×%d array %q: %w", f.cols, f.rows, e.name, err)
	}
	f.data = data
	return skip(e.size - 6 - need)
}

// check validates what was gathered, after all blocks are read.
func (f *file) check(channel int) error {
	if !f.found {
		if f.heightArrays == 0 {
			return formatErr("no height array (RAW_DATA, OPD, ...)")
		}
		return fmt.Errorf("opd: channel %d requested, the file has %d height arrays", channel, f.heightArrays)
	}
	if math.IsNaN(f.wavelength) {
		return formatErr("no Wavelength block")
	}
	if !(f.wavelength > 0) || math.IsInf(f.wavelength, 0) {
		return formatErr("wavelength %g nm", f.wavelength)
	}
	if math.IsNaN(f.mult) {
		f.mult = 1
	}
	if !(f.mult > 0) || math.IsInf(f.mult, 0) {
		return formatErr("Mult %g", f.mult)
	}
	if math.IsNaN(f.aspect) {
		f.aspect = 1
	}
	if !(f.aspect > 0) || math.IsInf(f.aspect, 0) {
		return formatErr("Aspect %g", f.aspect)
	}
	return nil
}

func (f *file) pitch(opts *geometry.Options) (r2.Vec, error) {
	if math.IsNaN(f.pixelSize) {
		if opts != nil && opts.Pitch.X > 0 && opts.Pitch.Y > 0 &&
			!math.IsInf(opts.Pitch.X, 0) && !math.IsInf(opts.Pitch.Y, 0) {
			return opts.Pitch, nil
		}
		return r2.Vec{}, formatErr("no Pixel_size block (set Options.Pitch)")
	}
	p := r2.Vec{X: f.pixelSize * 1e3, Y: f.pixelSize * 1e3 * f.aspect}
	if !(p.X > 0 && p.Y > 0) || math.IsInf(p.X, 0) || math.IsInf(p.Y, 0) {
		return r2.Vec{}, formatErr("pixel size %g mm, aspect %g", f.pixelSize, f.aspect)
	}
	return p, nil
}

// DecodeConfig reads the size and pitch of the selected height array
// (opts.Channel, 0 = the first). It reads through the blocks before and
// including the array, as the file has no index to seek with.
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	f, err := read(r, opts, false)
	if err != nil {
		return geometry.Config{}, err
	}
	p, err := f.pitch(opts)
	if err != nil {
		return geometry.Config{}, err
	}
	return geometry.Config{Format: "opd", Cols: f.cols, Rows: f.rows, Pitch: p}, nil
}

// Decode reads an OPD file and returns the selected height array
// (opts.Channel, 0 = the first) in µm, invalid pixels NaN. opts may be
// nil; opts.Pitch is used when the file has no Pixel_size block.
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	f, err := read(r, opts, true)
	if err != nil {
		return nil, err
	}
	p, err := f.pitch(opts)
	if err != nil {
		return nil, err
	}
	m := geometry.New(f.cols, f.rows, p)
	k := f.wavelength * 1e-3 / f.mult // µm per array unit
	le := binary.LittleEndian
	i := 0
	for c := 0; c < f.cols; c++ {
		for r := 0; r < f.rows; r++ {
			var v float64
			switch f.elem {
			case 4:
				v = float64(math.Float32frombits(le.Uint32(f.data[4*i:])))
				if !(math.Abs(v) < badFloat) { // NaN fails too
					v = math.NaN()
				}
			case 2:
				v = float64(int16(le.Uint16(f.data[2*i:])))
				if v >= badInt16 {
					v = math.NaN()
				}
			}
			m.Z[r*m.Stride+c] = v * k
			i++
		}
	}
	return m, nil
}
