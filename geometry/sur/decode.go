package sur

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// Signatures of plain and compressed files.
const (
	Magic           = "DIGITAL SURF"
	MagicCompressed = "DSCOMPRESSED"
)

const (
	headerSize = 512
	// maxStreams bounds the directory of a compressed file; writers use
	// one to eight streams.
	maxStreams = 1 << 16

	objectProfile = 1
	objectSurface = 2
	// An RGB surface (13, "deprecated" in the MountainsMap SDK) and an
	// RGB intensity surface (16) are a surface object followed by colour
	// layers (intensity images, type 10); the surface comes first and is
	// what is read.
	objectRGBSurface          = 13
	objectRGBIntensitySurface = 16
	formatMac                 = 257
)

func init() {
	plain, compressed := geometry.MagicMatcher(Magic), geometry.MagicMatcher(MagicCompressed)
	geometry.RegisterFormat(geometry.Format{
		Name:         "sur",
		Extensions:   []string{".sur"},
		Match:        func(head []byte) bool { return plain(head) || compressed(head) },
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("sur: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("sur: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// objectNames names the object types that are refused, for the message.
var objectNames = map[int]string{
	1: "profile", 3: "binary image", 4: "series of profiles", 5: "series of surfaces",
	6: "meridian disc", 7: "multi-layer profile", 8: "multi-layer surface", 9: "parallel disc",
	10: "intensity image", 11: "intensity surface", 12: "RGB image", 13: "RGB surface",
	14: "force curve", 15: "series of force curves", 16: "RGB intensity surface",
	17: "contour profile", 18: "series of RGB images", 20: "spectrum", 21: "hyperspectral map",
}

// header holds the fields the decoder uses.
type header struct {
	compressed   bool
	special      bool
	bits         int
	zmin         int32
	cols, rows   int
	commentSize  int
	privateSize  int
	pitch        r2.Vec  // µm
	zScale, zOff float64 // µm per count, µm
}

// unitLength returns the length of a unit name in µm, or 0 if the name is
// not a length unit. Names are space- or NUL-padded, Latin-1 or UTF-8.
func unitLength(b []byte) float64 {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	s := strings.TrimSpace(string(b))
	switch s { // spellings of Digital Surf's Latin-1 headers
	case "\xb5m", "micron", "microns":
		return 1
	case "A", "\xc5":
		return 1e-4
	}
	u, _ := geometry.LengthUnit(s)
	return u
}

func finitePositive(v float64) bool { return v > 0 && !math.IsInf(v, 0) }

// readHeader reads and checks the 512-byte header.
func readHeader(r io.Reader, opts *geometry.Options) (*header, error) {
	var b [headerSize]byte
	if n, err := io.ReadFull(r, b[:]); err != nil {
		if err != io.EOF && err != io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("sur: reading header: %w", err)
		}
		if sig := string(b[:min(n, 12)]); sig == Magic || sig == MagicCompressed {
			return nil, fmt.Errorf("sur: reading header: %w", io.ErrUnexpectedEOF)
		}
		return nil, formatErr("file too short for a Digital Surf header")
	}
	h := &header{}
	switch string(b[:12]) {
	case Magic:
	case MagicCompressed:
		h.compressed = true
	default:
		return nil, formatErr("bad signature %q", b[:12])
	}
	le := binary.LittleEndian
	u16 := func(off int) int { return int(le.Uint16(b[off:])) }
	i16 := func(off int) int { return int(int16(le.Uint16(b[off:]))) }
	i32 := func(off int) int32 { return int32(le.Uint32(b[off:])) }
	f32 := func(off int) float64 { return float64(math.Float32frombits(le.Uint32(b[off:]))) }

	if f := u16(12); f == formatMac {
		return nil, unsupportedErr("Macintosh byte order (format %d)", f)
	}
	if n := u16(14); n > 1 {
		return nil, unsupportedErr("%d objects in one file", n)
	}
	objType := u16(18)
	switch objType {
	case objectSurface, objectProfile, objectRGBSurface, objectRGBIntensitySurface:
	default:
		name := objectNames[objType]
		if name == "" {
			name = "unknown object"
		}
		return nil, unsupportedErr("object type %d (%s), only surfaces (2, or 13 and 16 with colour layers) are read", objType, name)
	}
	h.special = i16(86) != 0
	h.bits = i16(98)
	if h.bits != 16 && h.bits != 32 {
		return nil, unsupportedErr("%d bits per point", h.bits)
	}
	h.zmin = i32(100)
	cols, rows, total := i32(108), i32(112), i32(116)
	if cols <= 0 || rows <= 0 {
		return nil, formatErr("surface of %d×%d points", cols, rows)
	}
	if objType == objectProfile && rows == 1 {
		return nil, unsupportedErr("profile of %d points, only surfaces are read", cols)
	}
	// Gwyddion's exporter labels every surface it writes a profile (type 1),
	// so a "profile" of several lines is read as the surface it is.
	h.cols, h.rows = int(cols), int(rows)
	if err := geometry.CheckSize(h.cols, h.rows); err != nil {
		return nil, fmt.Errorf("sur: %w", err)
	}
	if int64(total) != int64(cols)*int64(rows) {
		return nil, formatErr("total of %d points for %d×%d", total, cols, rows)
	}
	if inv := i16(290); inv != 0 {
		return nil, unsupportedErr("inversion flag %d", inv)
	}
	h.commentSize, h.privateSize = u16(334), u16(336)

	// Pixel size.
	dx, dy := math.Abs(f32(120)), math.Abs(f32(124))
	ux, uy := unitLength(b[180:196]), unitLength(b[196:212])
	h.pitch = r2.Vec{X: dx * ux, Y: dy * uy}
	if !finitePositive(h.pitch.X) || !finitePositive(h.pitch.Y) {
		if opts != nil && finitePositive(opts.Pitch.X) && finitePositive(opts.Pitch.Y) {
			h.pitch = opts.Pitch
		} else {
			return nil, formatErr("pixel size %g %q × %g %q is not a length (set Options.Pitch)",
				dx, unitName(b[180:196]), dy, unitName(b[196:212]))
		}
	}

	// Heights.
	dz, zoff := f32(128), f32(474)
	uz := unitLength(b[212:228])
	if uz == 0 {
		if opts == nil || !finitePositive(opts.ZUnit) {
			return nil, unsupportedErr("Z unit %q is not a length (set Options.ZUnit)", unitName(b[212:228]))
		}
		uz = opts.ZUnit
	}
	h.zScale, h.zOff = dz*uz, zoff*uz
	if h.zScale == 0 || math.IsNaN(h.zScale) || math.IsInf(h.zScale, 0) {
		return nil, formatErr("Z spacing %g", dz)
	}
	if math.IsNaN(h.zOff) || math.IsInf(h.zOff, 0) {
		return nil, formatErr("Z offset %g", zoff)
	}
	return h, nil
}

func unitName(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return strings.TrimSpace(string(b))
}

func (h *header) config() geometry.Config {
	return geometry.Config{Format: "sur", Cols: h.cols, Rows: h.rows, Pitch: h.pitch}
}

func checkChannel(opts *geometry.Options) error {
	return geometry.OneChannel(opts, "sur", "a Digital Surf surface has one layer")
}

// DecodeConfig reads the size and pitch of a Digital Surf surface from its
// header. opts may be nil; opts.Pitch and opts.ZUnit stand in for pixel
// sizes and Z units that are not lengths.
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	if err := checkChannel(opts); err != nil {
		return geometry.Config{}, err
	}
	h, err := readHeader(r, opts)
	if err != nil {
		return geometry.Config{}, err
	}
	return h.config(), nil
}

// Decode reads a Digital Surf surface, plain or compressed, and returns its
// heights in µm, non-measured points NaN. opts may be nil; opts.Channel
// must be 0; opts.Pitch and opts.ZUnit stand in for pixel sizes and Z
// units that are not lengths.
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	if err := checkChannel(opts); err != nil {
		return nil, err
	}
	h, err := readHeader(r, opts)
	if err != nil {
		return nil, err
	}
	if _, err := io.CopyN(io.Discard, r, int64(h.commentSize+h.privateSize)); err != nil {
		return nil, fmt.Errorf("sur: reading comment and private zone: %w", geometry.UnexpectedEOF(err))
	}
	size := h.cols * h.rows * h.bits / 8
	var raw []byte
	if h.compressed {
		raw, err = readCompressed(r, size)
	} else {
		raw, err = geometry.ReadFull(r, size)
		if err != nil {
			err = fmt.Errorf("sur: reading %d×%d points: %w", h.cols, h.rows, err)
		}
	}
	if err != nil {
		return nil, err
	}
	m := geometry.New(h.cols, h.rows, h.pitch)
	le := binary.LittleEndian
	for i := range m.Z {
		var p int32
		if h.bits == 16 {
			p = int32(int16(le.Uint16(raw[2*i:])))
		} else {
			p = int32(le.Uint32(raw[4*i:]))
		}
		if h.special && p < h.zmin {
			continue // non-measured: stays NaN
		}
		m.Z[i] = float64(p)*h.zScale + h.zOff
	}
	return m, nil
}

// readCompressed reads the stream directory and the zlib streams of a
// DSCOMPRESSED file, which must decompress to exactly size bytes.
func readCompressed(r io.Reader, size int) ([]byte, error) {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:4]); err != nil {
		return nil, fmt.Errorf("sur: reading stream count: %w", geometry.UnexpectedEOF(err))
	}
	le := binary.LittleEndian
	n := le.Uint32(b[:4])
	if n == 0 || n > maxStreams {
		return nil, formatErr("%d compressed streams", n)
	}
	type stream struct{ raw, zipped int64 }
	streams := make([]stream, n)
	var total int64
	for i := range streams {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("sur: reading stream directory: %w", geometry.UnexpectedEOF(err))
		}
		streams[i] = stream{int64(le.Uint32(b[:4])), int64(le.Uint32(b[4:]))}
		total += streams[i].raw
	}
	if total != int64(size) {
		return nil, formatErr("streams decompress to %d bytes, the points take %d", total, size)
	}
	var out []byte
	for i, s := range streams {
		lr := &io.LimitedReader{R: r, N: s.zipped}
		zr, err := zlib.NewReader(lr)
		if err != nil {
			return nil, zlibErr(i, err)
		}
		part, err := geometry.ReadFull(zr, int(s.raw))
		if err != nil {
			return nil, zlibErr(i, err)
		}
		// The stream must end here; reading on verifies its checksum.
		if k, err := zr.Read(b[:1]); k != 0 || err != io.EOF {
			if err == nil || err == io.EOF {
				return nil, formatErr("stream %d is longer than %d bytes", i, s.raw)
			}
			return nil, zlibErr(i, err)
		}
		if lr.N > 0 {
			if _, err := io.CopyN(io.Discard, lr, lr.N); err != nil {
				return nil, fmt.Errorf("sur: reading stream %d: %w", i, geometry.UnexpectedEOF(err))
			}
		}
		if len(streams) == 1 {
			return part, nil
		}
		out = append(out, part...)
	}
	return out, nil
}

// zlibErr reports a decompression failure: a truncated input as
// io.ErrUnexpectedEOF, anything else as a FormatError.
func zlibErr(i int, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("sur: decompressing stream %d: %w", i, io.ErrUnexpectedEOF)
	}
	return formatErr("decompressing stream %d: %v", i, err)
}
