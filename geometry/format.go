package geometry

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gonum.org/v1/gonum/spatial/r2"
)

// MaxPixels is the largest map, in pixels, that a decoder accepts. Decoders
// compare a header's size with it before allocating anything from it.
// 100 megapixels is 800 MB of float64, far beyond any end-face interferogram.
const MaxPixels = 100_000_000

// FormatError reports that the input is not a valid file of the format.
type FormatError string

func (e FormatError) Error() string { return "invalid format: " + string(e) }

// UnsupportedError reports that the input is a valid file using a feature
// this project does not read.
type UnsupportedError string

func (e UnsupportedError) Error() string { return "unsupported feature: " + string(e) }

// ErrFormat is returned by Decode and DecodeConfig when no registered format
// recognises the input.
var ErrFormat = errors.New("geometry: unknown height-map format")

// ErrEmpty is returned by Decode and DecodeConfig for an empty input.
var ErrEmpty = errors.New("geometry: empty file")

// ErrTooLarge is wrapped by decoders whose header announces more than
// MaxPixels pixels.
var ErrTooLarge = errors.New("geometry: map larger than MaxPixels")

// CheckSize returns an error wrapping ErrTooLarge, or a FormatError for a
// non-positive size, unless 0 < cols, rows and cols·rows ≤ MaxPixels.
// Decoders call it before allocating from a header.
func CheckSize(cols, rows int) error {
	if cols <= 0 || rows <= 0 {
		return FormatError(fmt.Sprintf("map size %d×%d", cols, rows))
	}
	if cols > MaxPixels || rows > MaxPixels || int64(cols)*int64(rows) > MaxPixels { // no overflow where int is 32 bits
		return fmt.Errorf("%w: %d×%d", ErrTooLarge, cols, rows)
	}
	return nil
}

// OneChannel returns an error unless opts (which may be nil) asks for
// channel 0, for a decoder of format whose files hold one map, which what
// names ("an X3P surface has one layer"): "format: channel N requested,
// what (channel 0)".
func OneChannel(opts *Options, format, what string) error {
	if opts != nil && opts.Channel != 0 {
		return fmt.Errorf("%s: channel %d requested, %s (channel 0)", format, opts.Channel, what)
	}
	return nil
}

// MaxPitch is the largest pixel pitch, µm, that a decoder accepts: 1 m,
// far beyond any surface map, and small enough that every coordinate of a
// MaxPixels map stays finite.
const MaxPitch = 1e6

// CheckPitch returns a FormatError unless both components of p (µm) are
// positive, finite and at most MaxPitch.
func CheckPitch(p r2.Vec) error {
	for _, v := range [2]float64{p.X, p.Y} {
		if !(v > 0 && v <= MaxPitch) {
			return FormatError(fmt.Sprintf("pixel pitch %g×%g µm is not in (0, %g]", p.X, p.Y, float64(MaxPitch)))
		}
	}
	return nil
}

// Config is what a file's header says about its map.
type Config struct {
	Format     string
	Cols, Rows int
	Pitch      r2.Vec // µm
	Offset     r2.Vec // µm, map position of pixel (0, 0)
}

// Options carries what some formats need and cannot read from the file.
// The zero value (and a nil *Options) means the defaults.
type Options struct {
	// Channel selects a data channel of a multi-channel file, 0-based,
	// in the file's own channel order (see each format). A channel whose
	// values are not heights (no length unit) is an UnsupportedError.
	Channel int
	// Pitch is the pixel size, µm, for files that do not carry one
	// (plain text matrices). Zero means 1 µm.
	Pitch r2.Vec
	// ZUnit is the length of one height unit of the file in µm, for files
	// that do not say (plain text). Zero means 1 (heights in µm).
	ZUnit float64
	// XYUnit is the length of one x or y unit in µm, for point lists whose
	// coordinates carry no unit (plain-text XYZ). Zero means 1 (µm); 1e6
	// reads coordinates in metres.
	XYUnit float64
	// Strict makes every warning a decoder raises (HeightMap.Warnings) an
	// error: a file that is suspect is refused instead of read.
	Strict bool
	// MaxPixels, when positive, refuses maps of more pixels (wrapping
	// ErrTooLarge) below the decoders' own limit, MaxPixels (100 Mpx). For
	// a seekable input (a file) the header is checked before any height is
	// decoded; otherwise the map is refused once decoded.
	MaxPixels int
	// Serial decodes on the calling goroutine only. Decoders that would
	// otherwise share the work with a second one (X3P inflates beside the
	// MD5 and the conversion) do it in turn: for a batch's workers, each of
	// which is one processor's share of the work.
	Serial bool
}

// StrictError is returned by Decode under Options.Strict for a file that
// was read with warnings. It lists them.
type StrictError []string

func (e StrictError) Error() string {
	return "refused under strict reading: " + strings.Join(e, "; ")
}

// Format describes one registered file format.
type Format struct {
	// Name is the short name reported by DecodeConfig ("x3p", "gsf", ...).
	Name string
	// Extensions lists the usual file-name suffixes, lower case with the
	// dot (".x3p"); used to break ties between text formats and to pick a
	// writer, never instead of the content.
	Extensions []string
	// Match reports whether head, the first bytes of the input (up to
	// SniffLen), look like this format.
	Match        func(head []byte) bool
	Decode       func(r io.Reader, opts *Options) (*HeightMap, error)
	DecodeConfig func(r io.Reader, opts *Options) (Config, error)
	// Weak formats (plain text, which has no signature) are tried only
	// when no other format matches.
	Weak bool
}

// SniffLen is how many leading bytes Match sees.
const SniffLen = 4096

var (
	formatsMu sync.RWMutex
	formats   []Format
)

// RegisterFormat registers a format for use by Decode and DecodeConfig.
// Formats are tried in registration order, weak ones last; it is usually called from the
// format package's init function. It panics if f lacks Name, Match, Decode
// or DecodeConfig.
func RegisterFormat(f Format) {
	if f.Name == "" || f.Match == nil || f.Decode == nil || f.DecodeConfig == nil {
		panic("geometry: incomplete format registration")
	}
	formatsMu.Lock()
	defer formatsMu.Unlock()
	formats = append(formats, f)
}

// Formats returns the registered formats in registration order.
func Formats() []Format {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	return append([]Format(nil), formats...)
}

// MagicMatcher returns a Match function that accepts input starting with
// magic, where '?' in magic matches any byte (as in image.RegisterFormat).
func MagicMatcher(magic string) func([]byte) bool {
	return func(head []byte) bool {
		if len(head) < len(magic) {
			return false
		}
		for i := 0; i < len(magic); i++ {
			if magic[i] != head[i] && magic[i] != '?' {
				return false
			}
		}
		return true
	}
}

// sniff returns the format whose Match accepts head. Formats with a
// signature come first; only when none matches are the weak ones tried.
// Within a tier, ext (if not empty) picks the format owning the extension
// among those that match; otherwise registration order decides.
func sniff(head []byte, ext string) (Format, bool) {
	fs := Formats()
	for _, weak := range []bool{false, true} {
		var first *Format
		for i := range fs {
			f := &fs[i]
			if f.Weak != weak || !f.Match(head) {
				continue
			}
			if ext != "" && hasExt(*f, ext) {
				return *f, true
			}
			if first == nil {
				first = f
			}
		}
		if first != nil {
			return *first, true
		}
	}
	return Format{}, false
}

// peek returns the first SniffLen bytes of r and a reader that still yields
// the whole input. A seekable r (an *os.File) is rewound and returned
// itself, so decoders that need random access (zip, HDF5) can use it.
func peek(r io.Reader) ([]byte, io.Reader, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		start, err := rs.Seek(0, io.SeekCurrent)
		if err == nil {
			head := make([]byte, SniffLen)
			n, err := io.ReadFull(rs, head)
			if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
				return nil, nil, err
			}
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return nil, nil, err // the head is consumed: no going on
			}
			return head[:n], rs, nil
		}
	}
	br := bufio.NewReaderSize(r, SniffLen)
	head, err := br.Peek(SniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, nil, err
	}
	return head, br, nil
}

func hasExt(f Format, ext string) bool {
	for _, e := range f.Extensions {
		if e == ext {
			return true
		}
	}
	return false
}

// Decode decodes a height map in any registered format. The format name is
// returned too.
func Decode(r io.Reader, opts *Options) (*HeightMap, string, error) {
	return decode(r, "", opts)
}

func decode(r io.Reader, ext string, opts *Options) (*HeightMap, string, error) {
	head, r, err := peek(r)
	if err != nil {
		return nil, "", err
	}
	if len(head) == 0 {
		return nil, "", ErrEmpty
	}
	f, ok := sniff(head, ext)
	if !ok {
		return nil, "", ErrFormat
	}
	limit := 0
	if opts != nil && opts.MaxPixels > 0 && opts.MaxPixels < MaxPixels {
		limit = opts.MaxPixels
	}
	if rs, ok := r.(io.ReadSeeker); ok && limit > 0 {
		start, err := rs.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, f.Name, err
		}
		c, err := f.DecodeConfig(rs, opts)
		if err != nil {
			return nil, f.Name, err
		}
		if err := checkLimit(c.Cols, c.Rows, limit); err != nil {
			return nil, f.Name, err
		}
		if _, err := rs.Seek(start, io.SeekStart); err != nil {
			return nil, f.Name, err
		}
	}
	m, err := f.Decode(r, opts)
	if err == nil && limit > 0 {
		err = checkLimit(m.Rect.Dx(), m.Rect.Dy(), limit)
	}
	if err != nil {
		return nil, f.Name, err
	}
	if opts != nil && opts.Strict && len(m.Warnings) > 0 {
		return nil, f.Name, StrictError(m.Warnings)
	}
	return m, f.Name, nil
}

// checkLimit returns an error wrapping ErrTooLarge for a map of more than
// limit pixels (Options.MaxPixels).
func checkLimit(cols, rows, limit int) error {
	if cols*rows > limit {
		return fmt.Errorf("%w: %d×%d = %d pixels, more than the %d allowed (--max-pixels)", ErrTooLarge, cols, rows, cols*rows, limit)
	}
	return nil
}

// DecodeConfig decodes the header of a height map in any registered format.
func DecodeConfig(r io.Reader, opts *Options) (Config, error) {
	return decodeConfig(r, "", opts)
}

func decodeConfig(r io.Reader, ext string, opts *Options) (Config, error) {
	head, r, err := peek(r)
	if err != nil {
		return Config{}, err
	}
	if len(head) == 0 {
		return Config{}, ErrEmpty
	}
	f, ok := sniff(head, ext)
	if !ok {
		return Config{}, ErrFormat
	}
	c, err := f.DecodeConfig(r, opts)
	c.Format = f.Name
	return c, err
}

// FileError is an error about a named file.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// ReadFile decodes the height map in the named file. Errors are *FileError
// naming the file. The file's extension only breaks ties between formats
// that both match the content.
func ReadFile(path string, opts *Options) (*HeightMap, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err // *fs.PathError already names the file
	}
	defer f.Close()
	m, name, err := decode(f, strings.ToLower(filepath.Ext(path)), opts)
	if err != nil {
		return nil, name, &FileError{Path: path, Err: err}
	}
	return m, name, nil
}

// ReadFileConfig decodes the header of the named file.
func ReadFileConfig(path string, opts *Options) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, err
	}
	defer f.Close()
	c, err := decodeConfig(f, strings.ToLower(filepath.Ext(path)), opts)
	if err != nil {
		return c, &FileError{Path: path, Err: err}
	}
	return c, nil
}
