package al3d

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// Magic is how an AL3D file starts.
const Magic = "AliconaImaging\x00\r\n"

const (
	keySize     = 20
	valueSize   = 30
	tagSize     = keySize + valueSize + 2
	commentSize = 256
	// headSize is the fixed part before the N tags: magic, Version, TagCount.
	headSize = len(Magic) + 2*tagSize
	// maxTags bounds TagCount; real files have about 20.
	maxTags = 4096
	// invalidRelTol is the relative tolerance of InvalidPixelValue.
	invalidRelTol = 1.5e-7
)

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         "al3d",
		Extensions:   []string{".al3d"},
		Match:        geometry.MagicMatcher(Magic),
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("al3d: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("al3d: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// header is what Decode needs from the tags.
type header struct {
	cols, rows  int
	pitch       r2.Vec  // µm
	depthOffset int64   // bytes from the start of the file
	invalid     float64 // NaN when the file has no InvalidPixelValue
	size        int64   // bytes of magic, tags and comment
}

// stride is the byte length of one stored row of the depth image.
func (h *header) stride() int { return (4*h.cols + 7) / 8 * 8 }

// field returns a record field up to its first NUL, without surrounding
// spaces.
func field(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(bytes.TrimSpace(b))
}

// parseTag splits a 52-byte record into key and value.
func parseTag(b []byte, i int) (key, value string, err error) {
	if b[tagSize-2] != '\r' || b[tagSize-1] != '\n' {
		return "", "", formatErr("tag %d lacks its CRLF terminator", i)
	}
	return field(b[:keySize]), field(b[keySize : keySize+valueSize]), nil
}

func readHeader(r io.Reader) (*header, error) {
	var head [headSize]byte
	if n, err := io.ReadFull(r, head[:]); err != nil {
		got := head[:min(n, len(Magic))]
		if !bytes.HasPrefix([]byte(Magic), got) {
			return nil, formatErr("no AL3D signature")
		}
		return nil, fmt.Errorf("al3d: reading header: %w", geometry.UnexpectedEOF(err))
	}
	if !bytes.Equal(head[:len(Magic)], []byte(Magic)) {
		return nil, formatErr("no AL3D signature")
	}
	key, _, err := parseTag(head[len(Magic):], 0)
	if err != nil {
		return nil, err
	}
	if key != "Version" {
		return nil, formatErr("first tag is %q, not Version", key)
	}
	key, value, err := parseTag(head[len(Magic)+tagSize:], 1)
	if err != nil {
		return nil, err
	}
	if key != "TagCount" {
		return nil, formatErr("second tag is %q, not TagCount", key)
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 0 || n > maxTags {
		return nil, formatErr("TagCount %q is not in [0, %d]", value, maxTags)
	}
	b, err := geometry.ReadFull(r, n*tagSize+commentSize)
	if err != nil {
		return nil, fmt.Errorf("al3d: reading %d tags and comment: %w", n, err)
	}
	tags := make(map[string]string, n)
	for i := 0; i < n; i++ {
		k, v, err := parseTag(b[i*tagSize:], i+2)
		if err != nil {
			return nil, err
		}
		if _, dup := tags[k]; !dup {
			tags[k] = v
		}
	}
	h := &header{size: int64(headSize + n*tagSize + commentSize), invalid: math.NaN()}
	integer := func(k string) (int64, error) {
		v, ok := tags[k]
		if !ok {
			return 0, formatErr("no %s tag", k)
		}
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, formatErr("%s %q is not an integer", k, v)
		}
		return x, nil
	}
	float := func(k string) (float64, error) {
		v, ok := tags[k]
		if !ok {
			return 0, formatErr("no %s tag", k)
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil && !isRange(err) {
			return 0, formatErr("%s %q is not a number", k, v)
		}
		return x, nil
	}
	cols, err := integer("Cols")
	if err != nil {
		return nil, err
	}
	rows, err := integer("Rows")
	if err != nil {
		return nil, err
	}
	if cols > geometry.MaxPixels || rows > geometry.MaxPixels {
		return nil, fmt.Errorf("al3d: %w: %d×%d", geometry.ErrTooLarge, cols, rows)
	}
	if err := geometry.CheckSize(int(cols), int(rows)); err != nil {
		return nil, fmt.Errorf("al3d: %w", err)
	}
	h.cols, h.rows = int(cols), int(rows)
	dx, err := float("PixelSizeXMeter")
	if err != nil {
		return nil, err
	}
	dy, err := float("PixelSizeYMeter")
	if err != nil {
		return nil, err
	}
	h.pitch = r2.Vec{X: math.Abs(dx) * 1e6, Y: math.Abs(dy) * 1e6}
	if err := geometry.CheckPitch(h.pitch); err != nil {
		return nil, fmt.Errorf("al3d: %w", err)
	}
	if v, ok := tags["InvalidPixelValue"]; ok {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil && !isRange(err) {
			return nil, formatErr("InvalidPixelValue %q is not a number", v)
		}
		h.invalid = x
	}
	if _, ok := tags["DepthImageOffset"]; !ok {
		return nil, unsupportedErr("no depth image (DepthImageOffset tag)")
	}
	off, err := integer("DepthImageOffset")
	if err != nil {
		return nil, err
	}
	if off == 0 {
		return nil, unsupportedErr("no depth image (DepthImageOffset 0)")
	}
	if off < h.size {
		return nil, formatErr("DepthImageOffset %d points into the %d-byte header", off, h.size)
	}
	h.depthOffset = off
	return h, nil
}

// isRange reports a ParseFloat overflow, whose ±Inf or 0 result is kept
// for the range checks that follow.
func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// DecodeConfig reads the header: size and pixel size of the depth image.
// opts may be nil.
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	if err := checkChannel(opts); err != nil {
		return geometry.Config{}, err
	}
	h, err := readHeader(r)
	if err != nil {
		return geometry.Config{}, err
	}
	return geometry.Config{Format: "al3d", Cols: h.cols, Rows: h.rows, Pitch: h.pitch}, nil
}

func checkChannel(opts *geometry.Options) error {
	return geometry.OneChannel(opts, "al3d", "the file has one depth image")
}

// Decode reads an AL3D file and returns its depth image in µm, invalid
// pixels NaN. opts may be nil; only channel 0 exists. It reads the input
// sequentially up to the end of the depth image.
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	if err := checkChannel(opts); err != nil {
		return nil, err
	}
	h, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.MaxPixels > 0 && h.cols*h.rows > opts.MaxPixels {
		return nil, fmt.Errorf("al3d: %w: %d×%d over Options.MaxPixels %d", geometry.ErrTooLarge, h.cols, h.rows, opts.MaxPixels)
	}
	if gap := h.depthOffset - h.size; gap > 0 {
		if _, err := io.CopyN(io.Discard, r, gap); err != nil {
			return nil, fmt.Errorf("al3d: seeking depth image at %d: %w", h.depthOffset, geometry.UnexpectedEOF(err))
		}
	}
	stride := h.stride()
	data, err := geometry.ReadFull(r, h.rows*stride)
	if err != nil {
		return nil, fmt.Errorf("al3d: reading %d×%d depth image at %d: %w", h.cols, h.rows, h.depthOffset, err)
	}
	m := geometry.New(h.cols, h.rows, h.pitch)
	tol := invalidRelTol * math.Abs(h.invalid)
	le := binary.LittleEndian
	for row := 0; row < h.rows; row++ {
		src := data[row*stride:]
		dst := m.Z[row*m.Stride : row*m.Stride+h.cols]
		for c := range dst {
			v := float64(math.Float32frombits(le.Uint32(src[4*c:])))
			if math.IsNaN(v) || math.IsInf(v, 0) || v == h.invalid || math.Abs(v-h.invalid) < tol {
				dst[c] = math.NaN()
				continue
			}
			dst[c] = v * 1e6
		}
	}
	return m, nil
}
