package sdf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

const (
	versionLen     = 8
	headerLenV1    = 81 // 8+10+12+12+2+2+4·8+3
	headerLenV2    = 85 // counts are uint32 in bISO-2.0
	umPerM         = 1e6
	maxHeaderLine  = 4096
	maxHeaderLines = 200
)

// Data types, numbered as in ISO 25178-71 and the BCR proposal.
const (
	typeUint8 = iota
	typeUint16
	typeUint32
	typeFloat32
	typeInt8
	typeInt16
	typeInt32
	typeFloat64
	numTypes
)

var typeSizes = [numTypes]int{1, 2, 4, 4, 1, 2, 4, 8}

// bcrTypeNames are the symbolic DataType values of the BCR proposal.
var bcrTypeNames = map[string]int{
	"UCHAR": typeUint8, "UINTEGER": typeUint16, "ULONGINT": typeUint32, "FLOAT": typeFloat32,
	"CHAR": typeInt8, "INTEGER": typeInt16, "LONGINT": typeInt32, "DOUBLE": typeFloat64,
}

// header is what the decoder uses of an SDF header.
type header struct {
	binary  bool
	bcr     bool   // BCR dialect: largest integer value is invalid too
	version string // e.g. "ISO-1.0"
	cols    int    // NumPoints
	rows    int    // NumProfiles
	xscale  float64
	yscale  float64
	zscale  float64
	dtype   int
	compr   int
	check   int
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("sdf: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("sdf: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// match reports whether head starts like an SDF file: a binary version
// string bISO-d.d or bBCR-d.d, or an ASCII one (a, three capital letters,
// '-') whose first key line is ManufacID, CreateDate or NumPoints.
func match(head []byte) bool {
	if len(head) < versionLen || head[4] != '-' {
		return false
	}
	for _, c := range head[1:4] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	switch head[0] {
	case 'b':
		d := string(head[1:4])
		return (d == "ISO" || d == "BCR") && isDigit(head[5]) && head[6] == '.' && isDigit(head[7])
	case 'a':
		// The first key line must name a header field; comment and blank
		// lines may come before it.
		s := string(head)
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return false
		}
		for _, line := range strings.FieldsFunc(s[i:], func(r rune) bool { return r == '\r' || r == '\n' }) {
			line = strings.TrimSpace(stripComment(line))
			if line == "" {
				continue
			}
			key := strings.ToLower(line[:min(len(line), len("manufacid"))])
			return strings.HasPrefix(key, "manufacid") || strings.HasPrefix(key, "numpoints") ||
				strings.HasPrefix(key, "createdate")
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func stripComment(s string) string {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return s[:i]
	}
	return s
}

// readHeader reads the header of a binary or ASCII file from br, leaving br
// at the first data byte (binary) or just after the '*' line (ASCII).
func readHeader(br *bufio.Reader) (*header, error) {
	v, err := br.Peek(versionLen)
	if err != nil {
		if len(v) == 0 && err == io.EOF {
			return nil, formatErr("empty file")
		}
		return nil, fmt.Errorf("sdf: reading version: %w", geometry.UnexpectedEOF(err))
	}
	switch {
	case v[0] == 'b' && match(v):
		return readBinaryHeader(br)
	case v[0] == 'a':
		return readASCIIHeader(br)
	}
	return nil, formatErr("not an SDF file: version %q", v)
}

func readBinaryHeader(br *bufio.Reader) (*header, error) {
	var b [headerLenV2]byte
	if _, err := io.ReadFull(br, b[:headerLenV1]); err != nil {
		return nil, fmt.Errorf("sdf: reading binary header: %w", geometry.UnexpectedEOF(err))
	}
	h := &header{binary: true, version: string(b[1:versionLen])}
	h.bcr = string(b[1:4]) == "BCR"
	le := binary.LittleEndian
	p := b[42:]
	if h.version == "ISO-2.0" {
		if _, err := io.ReadFull(br, b[headerLenV1:headerLenV2]); err != nil {
			return nil, fmt.Errorf("sdf: reading binary header: %w", geometry.UnexpectedEOF(err))
		}
		h.cols, h.rows = int(le.Uint32(p)), int(le.Uint32(p[4:]))
		p = p[8:]
	} else {
		h.cols, h.rows = int(le.Uint16(p)), int(le.Uint16(p[2:]))
		p = p[4:]
	}
	h.xscale = math.Float64frombits(le.Uint64(p))
	h.yscale = math.Float64frombits(le.Uint64(p[8:]))
	h.zscale = math.Float64frombits(le.Uint64(p[16:]))
	// p[24:32] is Zresolution.
	h.compr, h.dtype, h.check = int(p[32]), int(p[33]), int(p[34])
	return h, h.check1()
}

// readLine reads one header line, ending in CR, LF or CR LF, of at most
// maxHeaderLine bytes.
func readLine(br *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		c, err := br.ReadByte()
		if err != nil {
			if err == io.EOF && sb.Len() > 0 {
				return sb.String(), nil
			}
			return "", err
		}
		switch c {
		case '\n':
			return sb.String(), nil
		case '\r':
			if n, err := br.Peek(1); err == nil && n[0] == '\n' {
				br.ReadByte() //nolint:errcheck // peeked
			}
			return sb.String(), nil
		}
		if sb.Len() >= maxHeaderLine {
			return "", formatErr("header line longer than %d bytes", maxHeaderLine)
		}
		sb.WriteByte(c)
	}
}

func readASCIIHeader(br *bufio.Reader) (*header, error) {
	first, err := readLine(br)
	if err != nil {
		return nil, fmt.Errorf("sdf: reading version line: %w", geometry.UnexpectedEOF(err))
	}
	ver := strings.TrimSpace(stripComment(first))
	if len(ver) < 5 || ver[0] != 'a' || ver[4] != '-' {
		return nil, formatErr("not an ASCII SDF file: version %q", trunc(ver))
	}
	h := &header{version: ver[1:], bcr: ver[1:4] == "BCR"}
	fields := map[string]string{}
	for n := 0; ; n++ {
		if n >= maxHeaderLines {
			return nil, formatErr("no end of header ('*') in %d lines", maxHeaderLines)
		}
		line, err := readLine(br)
		if err != nil {
			return nil, fmt.Errorf("sdf: reading header (no '*' line): %w", geometry.UnexpectedEOF(err))
		}
		line = strings.TrimSpace(stripComment(line))
		if line == "" {
			continue
		}
		if line[0] == '*' {
			break
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			// Gwyddion's reader accepts "Key Value" too.
			if i := strings.IndexAny(line, " \t"); i >= 0 {
				key, val = line[:i], line[i:]
			}
		}
		fields[strings.ToLower(strings.TrimSpace(key))] = strings.TrimSpace(val)
	}
	intField := func(key string, required bool, names map[string]int) (int, error) {
		s, ok := fields[strings.ToLower(key)]
		if !ok {
			if required {
				return 0, formatErr("header has no %s", key)
			}
			return 0, nil
		}
		if v, ok := names[strings.ToUpper(s)]; ok {
			return v, nil
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			return 0, formatErr("%s = %q is not an integer", key, trunc(s))
		}
		return v, nil
	}
	floatField := func(key string, required bool) (float64, error) {
		s, ok := fields[strings.ToLower(key)]
		if !ok {
			if required {
				return 0, formatErr("header has no %s", key)
			}
			return 0, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, formatErr("%s = %q is not a number", key, trunc(s))
		}
		return v, nil
	}
	// Any other name (the BCR proposal's RLL, UIntTrace) means a feature
	// this package does not read.
	none := map[string]int{"NULL": 0, "NONE": 0}
	optional := func(key string) (int, error) {
		s, ok := fields[strings.ToLower(key)]
		if !ok {
			return 0, nil
		}
		if v, ok := none[strings.ToUpper(s)]; ok {
			return v, nil
		}
		if v, err := strconv.Atoi(s); err == nil {
			return v, nil
		}
		return 0, unsupportedErr("%s = %q", key, trunc(s))
	}
	var errs []error
	var e error
	h.cols, e = intField("NumPoints", true, nil)
	errs = append(errs, e)
	h.rows, e = intField("NumProfiles", true, nil)
	errs = append(errs, e)
	h.xscale, e = floatField("Xscale", true)
	errs = append(errs, e)
	h.yscale, e = floatField("Yscale", h.rows != 1)
	errs = append(errs, e)
	h.zscale, e = floatField("Zscale", true)
	errs = append(errs, e)
	h.dtype, e = intField("DataType", true, bcrTypeNames)
	errs = append(errs, e)
	h.compr, e = optional("Compression")
	errs = append(errs, e)
	h.check, e = optional("CheckType")
	errs = append(errs, e)
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return h, h.check1()
}

// check1 validates the header fields that do not depend on the data.
func (h *header) check1() error {
	if h.compr != 0 {
		return unsupportedErr("compressed data (Compression = %d)", h.compr)
	}
	if h.check != 0 {
		return unsupportedErr("check sums (CheckType = %d)", h.check)
	}
	if h.dtype < 0 || h.dtype >= numTypes {
		return formatErr("unknown DataType %d", h.dtype)
	}
	if err := geometry.CheckSize(h.cols, h.rows); err != nil {
		if errors.Is(err, geometry.ErrTooLarge) {
			return fmt.Errorf("sdf: %w", err)
		}
		return formatErr("NumPoints×NumProfiles = %d×%d", h.cols, h.rows)
	}
	// The scales must stay positive and finite in µm.
	if !positive(h.xscale * umPerM) {
		return formatErr("Xscale = %g m", h.xscale)
	}
	if h.rows > 1 && !positive(h.yscale*umPerM) {
		return formatErr("Yscale = %g m", h.yscale)
	}
	if !positive(h.zscale * umPerM) {
		return formatErr("Zscale = %g m", h.zscale)
	}
	return nil
}

// pitch returns the pixel pitch in µm. A profile without a valid Yscale
// gets Pitch.Y = Pitch.X.
func (h *header) pitch() r2.Vec {
	p := r2.Vec{X: h.xscale * umPerM, Y: h.yscale * umPerM}
	if !positive(p.Y) {
		p.Y = p.X
	}
	return p
}

// positive reports whether v is positive and finite.
func positive(v float64) bool { return v > 0 && !math.IsInf(v, 1) }

func (h *header) config() geometry.Config {
	return geometry.Config{Format: "sdf", Cols: h.cols, Rows: h.rows, Pitch: h.pitch()}
}

// trunc shortens s for an error message.
func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
