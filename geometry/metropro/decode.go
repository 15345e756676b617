package metropro

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// Magic numbers of the three header formats.
const (
	Magic1 = 0x881B036F
	Magic2 = 0x881B0370
	Magic3 = 0x881B0371
)

const (
	// minHeaderSize is the size of the format-1 and -2 headers; every
	// field read lies inside it.
	minHeaderSize = 834
	// maxHeaderSize bounds header_size; format 3 uses 4096.
	maxHeaderSize = 1 << 16
	// invalidPhase and larger phase values mark pixels without data.
	invalidPhase = 2147483640
)

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         "metropro",
		Extensions:   []string{".dat"},
		Match:        match,
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

// match reports whether head starts with one of the three magic numbers.
func match(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	switch binary.BigEndian.Uint32(head) {
	case Magic1, Magic2, Magic3:
		return true
	}
	return false
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("metropro: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("metropro: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// header holds the fields the decoder uses.
type header struct {
	format, size                 int
	acWidth, acHeight, acBuckets int
	orgX, orgY                   int
	cols, rows                   int
	scale, wavelength, obliq     float64
	lateralRes                   float64
	phaseRes                     int
	inverted                     bool

	pitch  r2.Vec  // µm
	zScale float64 // µm per phase count, sign included
}

// readHeader reads and checks the header, leaving r at the start of the
// intensity data.
func readHeader(r io.Reader, opts *geometry.Options) (*header, error) {
	var b [minHeaderSize]byte
	if _, err := io.ReadFull(r, b[:10]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, formatErr("file too short for a MetroPro header")
		}
		return nil, fmt.Errorf("metropro: reading header: %w", err)
	}
	be := binary.BigEndian
	if !match(b[:4]) {
		return nil, formatErr("bad magic number %#08x", be.Uint32(b[:4]))
	}
	h := &header{
		format: int(be.Uint16(b[4:])),
		size:   int(be.Uint32(b[6:])),
	}
	if h.format < 1 || h.format > 3 {
		return nil, unsupportedErr("header format %d", h.format)
	}
	if h.size < minHeaderSize || h.size > maxHeaderSize {
		return nil, formatErr("header size %d outside [%d, %d]", h.size, minHeaderSize, maxHeaderSize)
	}
	if _, err := io.ReadFull(r, b[10:]); err != nil {
		return nil, fmt.Errorf("metropro: reading header: %w", geometry.UnexpectedEOF(err))
	}
	if _, err := io.CopyN(io.Discard, r, int64(h.size-minHeaderSize)); err != nil {
		return nil, fmt.Errorf("metropro: reading header: %w", geometry.UnexpectedEOF(err))
	}
	f32 := func(off int) float64 { return float64(math.Float32frombits(be.Uint32(b[off:]))) }
	i16 := func(off int) int { return int(int16(be.Uint16(b[off:]))) }
	u16 := func(off int) int { return int(be.Uint16(b[off:])) }
	h.acWidth, h.acHeight, h.acBuckets = u16(52), u16(54), u16(56)
	h.orgX, h.orgY = i16(64), i16(66)
	h.cols, h.rows = u16(68), u16(70)
	h.scale, h.wavelength, h.obliq = f32(164), f32(168), f32(176)
	h.lateralRes = f32(184)
	h.phaseRes = i16(218)
	h.inverted = i16(232) != 0

	if h.cols == 0 || h.rows == 0 {
		return nil, unsupportedErr("no phase data (%d×%d)", h.cols, h.rows)
	}
	if err := geometry.CheckSize(h.cols, h.rows); err != nil {
		return nil, fmt.Errorf("metropro: %w", err)
	}
	var res float64
	switch h.phaseRes {
	case 0:
		res = 4096
	case 1:
		res = 32768
	case 2:
		res = 131072
	default:
		return nil, unsupportedErr("phase_res %d", h.phaseRes)
	}
	if !(h.wavelength > 0) || math.IsInf(h.wavelength, 0) {
		return nil, formatErr("wavelength_in %g m", h.wavelength)
	}
	if h.scale == 0 || math.IsNaN(h.scale) || math.IsInf(h.scale, 0) {
		return nil, formatErr("intf_scale_factor %g", h.scale)
	}
	if !(h.obliq > 0) || math.IsInf(h.obliq, 0) {
		return nil, formatErr("obliquity_factor %g", h.obliq)
	}
	h.zScale = h.scale * h.wavelength * h.obliq / res * 1e6
	if h.inverted {
		h.zScale = -h.zScale
	}
	switch {
	case h.lateralRes > 0 && !math.IsInf(h.lateralRes, 0):
		p := h.lateralRes * 1e6
		h.pitch = r2.Vec{X: p, Y: p}
	case opts != nil && opts.Pitch.X > 0 && opts.Pitch.Y > 0 &&
		!math.IsInf(opts.Pitch.X, 0) && !math.IsInf(opts.Pitch.Y, 0):
		h.pitch = opts.Pitch
	default:
		return nil, formatErr("lateral_res %g m: no pixel size in the file (set Options.Pitch)", h.lateralRes)
	}
	return h, nil
}

func (h *header) config() geometry.Config {
	return geometry.Config{
		Format: "metropro",
		Cols:   h.cols,
		Rows:   h.rows,
		Pitch:  h.pitch,
		Offset: r2.Vec{X: float64(h.orgX) * h.pitch.X, Y: float64(h.orgY) * h.pitch.Y},
	}
}

func checkChannel(opts *geometry.Options) error {
	return geometry.OneChannel(opts, "metropro", "a MetroPro file has one phase map")
}

// DecodeConfig reads the size, pitch and offset of the phase map from a
// MetroPro header. opts may be nil; opts.Pitch is used when the file has
// no lateral resolution.
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

// Decode reads a MetroPro data file and returns its phase map converted to
// heights in µm, invalid pixels NaN. opts may be nil; opts.Channel must be
// 0, and opts.Pitch is used when the file has no lateral resolution.
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	if err := checkChannel(opts); err != nil {
		return nil, err
	}
	h, err := readHeader(r, opts)
	if err != nil {
		return nil, err
	}
	intensity := 2 * int64(h.acBuckets) * int64(h.acWidth) * int64(h.acHeight)
	if _, err := io.CopyN(io.Discard, r, intensity); err != nil {
		return nil, fmt.Errorf("metropro: skipping %d bytes of intensity data: %w", intensity, geometry.UnexpectedEOF(err))
	}
	n := h.cols * h.rows
	raw, err := geometry.ReadFull(r, 4*n)
	if err != nil {
		return nil, fmt.Errorf("metropro: reading %d×%d phase map: %w", h.cols, h.rows, err)
	}
	c := h.config()
	m := geometry.New(h.cols, h.rows, c.Pitch)
	m.Offset = c.Offset
	for i := range m.Z {
		p := int32(binary.BigEndian.Uint32(raw[4*i:]))
		if p < invalidPhase {
			m.Z[i] = float64(p) * h.zScale
		}
	}
	return m, nil
}
