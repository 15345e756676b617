package gsf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/geometry"
)

// Magic is the first line of every GSF file of the version this package
// reads, with its line feed.
const Magic = "Gwyddion Simple Field 1.0\n"

// magicPrefix is what every GSF version starts with; a file with this
// prefix and another version is an UnsupportedError rather than unknown.
const magicPrefix = "Gwyddion Simple Field "

// MaxHeader is the longest text header, in bytes up to the first NUL, that
// Decode accepts. Gwyddion writes about 150 bytes.
const MaxHeader = 1 << 20

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         "gsf",
		Extensions:   []string{".gsf"},
		Match:        geometry.MagicMatcher(magicPrefix),
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("gsf: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("gsf: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// header is what the text header says, converted to µm.
type header struct {
	cols, rows int
	pitch      r2.Vec  // µm
	offset     r2.Vec  // µm
	zScale     float64 // µm per file height unit
	dataStart  int64   // offset D of the first data byte
	warnings   []string
}

func (h *header) warn(format string, a ...any) {
	h.warnings = append(h.warnings, fmt.Sprintf(format, a...))
}

// DecodeConfig reads the header of a GSF file from r. It does not read the
// pixel data, so it cannot tell whether the file is long enough.
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	h, err := readHeader(bufio.NewReader(r), opts)
	if err != nil {
		return geometry.Config{}, err
	}
	return geometry.Config{Format: "gsf", Cols: h.cols, Rows: h.rows, Pitch: h.pitch, Offset: h.offset}, nil
}

// Decode reads a GSF file from r. Heights are in µm; non-finite values are
// NaN. A nil opts means the defaults. Errors wrap geometry.FormatError for
// malformed files, geometry.UnsupportedError for valid files this package
// does not read (another GSF version, a unit that is not a length),
// geometry.ErrTooLarge for maps over geometry.MaxPixels and
// io.ErrUnexpectedEOF for truncated files.
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	left, err := remaining(r)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(r)
	h, err := readHeader(br, opts)
	if err != nil {
		return nil, err
	}
	n := h.cols * h.rows // ≤ geometry.MaxPixels: checked by readHeader
	need := 4 * int64(n)
	capHint := min(n, 1<<16) // unknown length: grow with the data actually read
	if left >= 0 {
		if have := left - h.dataStart; have < need {
			return nil, fmt.Errorf("gsf: pixel data: header says %d×%d float32 (%d bytes), file holds %d: %w",
				h.cols, h.rows, need, max(have, 0), io.ErrUnexpectedEOF)
		}
		capHint = n
	}
	z := make([]float64, 0, capHint)
	const chunk = 1 << 14 // values per read
	buf := make([]byte, 4*min(n, chunk))
	for len(z) < n {
		k := min(chunk, n-len(z))
		if _, err := io.ReadFull(br, buf[:4*k]); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("gsf: reading pixel data at row %d of %d: %w", len(z)/h.cols, h.rows, err)
		}
		for i := 0; i < k; i++ {
			v := float64(math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:])))
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = math.NaN()
			} else {
				v *= h.zScale
			}
			z = append(z, v)
		}
	}
	if _, err := br.Peek(1); err == nil {
		h.warn("bytes after the pixel data: ignored (Gwyddion 2.62 refuses the file)")
	}
	return &geometry.HeightMap{
		Z:        z,
		Stride:   h.cols,
		Rect:     image.Rect(0, 0, h.cols, h.rows),
		Pitch:    h.pitch,
		Offset:   h.offset,
		Warnings: h.warnings,
	}, nil
}

// readHeader reads the magic line, the text header and the NUL padding,
// leaving br at the first data byte.
func readHeader(br *bufio.Reader, opts *geometry.Options) (header, error) {
	if opts == nil {
		opts = &geometry.Options{}
	}
	var text []byte
	for {
		chunk, err := br.ReadSlice(0)
		if len(text)+len(chunk) > MaxHeader+1 {
			return header{}, formatErr("no NUL in the first %d bytes: header too long or not a GSF file", MaxHeader)
		}
		text = append(text, chunk...)
		if err == nil {
			break
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if errors.Is(err, io.EOF) {
			if len(text) == 0 {
				return header{}, formatErr("empty input")
			}
			return header{}, fmt.Errorf("gsf: reading text header (no NUL terminator): %w", io.ErrUnexpectedEOF)
		}
		return header{}, fmt.Errorf("gsf: reading text header: %w", err)
	}
	text = text[:len(text)-1] // the first NUL
	l := int64(len(text))
	h := header{dataStart: 4 * (l/4 + 1)}
	// The padding holds 1 to 4 NULs; the first one was read above.
	var pad [3]byte
	p := pad[:h.dataStart-l-1]
	if _, err := io.ReadFull(br, p); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return header{}, fmt.Errorf("gsf: reading header padding: %w", err)
	}
	for _, b := range p {
		if b != 0 {
			// Gwyddion 2.62 reads the data from the same offset whatever
			// the padding holds; a writer that left out the padding is
			// caught by the size check instead.
			h.warn("header padding after offset %d holds bytes other than NUL: ignored, the data read from offset %d", l, h.dataStart)
			break
		}
	}

	s := string(text)
	first, rest, _ := strings.Cut(s, "\n")
	if !strings.HasPrefix(first, magicPrefix) {
		return header{}, formatErr("missing magic line %q", strings.TrimSuffix(Magic, "\n"))
	}
	if first+"\n" != Magic {
		return header{}, unsupportedErr("version %q (this package reads 1.0)", strings.TrimPrefix(first, magicPrefix))
	}
	fields := make(map[string]string)
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return header{}, formatErr("header line %q is not name = value", clip(line))
		}
		fields[strings.TrimSpace(name)] = strings.TrimSpace(value) // the last of duplicates wins, as in Gwyddion
	}

	cols, err := resolution(fields, "XRes")
	if err != nil {
		return header{}, err
	}
	rows, err := resolution(fields, "YRes")
	if err != nil {
		return header{}, err
	}
	if err := geometry.CheckSize(cols, rows); err != nil {
		return header{}, fmt.Errorf("gsf: %w", err)
	}
	h.cols, h.rows = cols, rows

	// No XYUnits: lateral numbers are in Options.XYUnit µm, else µm.
	xy, xyAssumed := 1.0, false // µm per lateral unit
	if u := fields["XYUnits"]; u != "" {
		var ok bool
		if xy, ok = geometry.LengthUnit(u); !ok {
			return header{}, unsupportedErr("XYUnits %q is not a length", clip(u))
		}
	} else if opts.XYUnit != 0 {
		if !(opts.XYUnit > 0) || math.IsInf(opts.XYUnit, 0) {
			return header{}, fmt.Errorf("gsf: Options.XYUnit %g µm is not positive and finite", opts.XYUnit)
		}
		xy = opts.XYUnit
	} else {
		xyAssumed = true // warned below if a lateral number is read
	}
	h.zScale = opts.ZUnit
	if u := fields["ZUnits"]; u != "" {
		var ok bool
		if h.zScale, ok = geometry.LengthUnit(u); !ok {
			return header{}, unsupportedErr("ZUnits %q is not a length: not a height map", clip(u))
		}
	}
	zAssumed := h.zScale == 0 // warned last
	if zAssumed {
		h.zScale = 1
	}

	h.pitch = opts.Pitch
	lateral := false // a lateral number of the file is read
	for _, f := range []struct {
		name  string
		res   int
		pitch *float64
	}{{"XReal", cols, &h.pitch.X}, {"YReal", rows, &h.pitch.Y}} {
		v, ok, err := number(fields, f.name)
		if err != nil {
			return header{}, err
		}
		if !ok {
			if *f.pitch == 0 {
				*f.pitch = 1
				h.warn("no %s in the header: a pixel pitch of 1 µm assumed along %s (set --pitch)", f.name, strings.ToLower(f.name[:1]))
			}
			continue
		}
		lateral = true
		p := v / float64(f.res) * xy
		if !(v > 0) || !(p > 0) || math.IsInf(p, 0) {
			return header{}, formatErr("%s = %g gives pixel size %g µm", f.name, v, p)
		}
		*f.pitch = p
	}
	if !(h.pitch.X > 0 && h.pitch.Y > 0) || math.IsInf(h.pitch.X, 0) || math.IsInf(h.pitch.Y, 0) {
		return header{}, fmt.Errorf("gsf: Options.Pitch %v is not positive and finite", opts.Pitch)
	}
	for _, f := range []struct {
		name string
		off  *float64
	}{{"XOffset", &h.offset.X}, {"YOffset", &h.offset.Y}} {
		v, _, err := number(fields, f.name)
		if err != nil {
			return header{}, err
		}
		*f.off = v * xy
		if math.IsInf(*f.off, 0) {
			return header{}, formatErr("%s = %g overflows in µm", f.name, v)
		}
		lateral = lateral || v != 0
	}
	if xyAssumed && lateral {
		h.warn("no XYUnits in the header: XReal, YReal and the offsets read as µm (set --xy-unit)")
	}
	if zAssumed {
		h.warn("no ZUnits in the header: heights read as µm (set --z-unit)")
	}
	return h, nil
}

// resolution returns the mandatory positive integer field name.
func resolution(fields map[string]string, name string) (int, error) {
	s, ok := fields[name]
	if !ok {
		return 0, formatErr("mandatory field %s missing", name)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, formatErr("%s = %q is not a positive integer", name, clip(s))
	}
	return n, nil
}

// number returns the optional finite real field name, 0 if absent.
func number(fields map[string]string, name string) (v float64, ok bool, err error) {
	s, ok := fields[name]
	if !ok {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, formatErr("%s = %q is not a finite number", name, clip(s))
	}
	return v, true, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// remaining returns how many bytes are left in r, or -1 if r cannot tell
// (it is not an io.Seeker). The position of r is unchanged.
func remaining(r io.Reader) (int64, error) {
	s, ok := r.(io.Seeker)
	if !ok {
		return -1, nil
	}
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1, nil // a pipe or terminal: read it as a stream
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return -1, nil
	}
	if _, err := s.Seek(cur, io.SeekStart); err != nil {
		return 0, fmt.Errorf("gsf: rewinding input: %w", err)
	}
	return end - cur, nil
}
