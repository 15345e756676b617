package gwy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/geometry"
)

// Magic starts the GWY files written by Gwyddion 2 and later.
const Magic = "GWYP"

// Magic1 starts the GWY files written by Gwyddion 1, whose top-level
// container tags each item with a GLib type id (see the package
// documentation).
const Magic1 = "GWYO"

func init() {
	isGWYP, isGWYO := geometry.MagicMatcher(Magic), geometry.MagicMatcher(Magic1)
	geometry.RegisterFormat(geometry.Format{
		Name:         "gwy",
		Extensions:   []string{".gwy"},
		Match:        func(head []byte) bool { return isGWYP(head) || isGWYO(head) },
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("gwy: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("gwy: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// field is what the scan learnt about one GwyDataField.
type field struct {
	key                      string
	xres, yres               int32
	xreal, yreal, xoff, yoff float64
	unitXY, unitZ            string
	dataOff                  int64 // offset of the first value of data
	dataLen                  int64 // number of values in data
	has                      uint  // bits of the components seen
}

// Bits of field.has.
const (
	hasXres = 1 << iota
	hasYres
	hasXreal
	hasYreal
	hasData
)

// channel is an image channel: its data and, if any, its mask.
type channel struct {
	data, mask *field
}

// maxKey is longer than any container key Gwyddion writes for a channel;
// longer keys are skipped unread.
const maxKey = 64

// maxUnit is the longest unit string accepted.
const maxUnit = 256

// DecodeConfig reads the size, pitch and offset of the channel that Decode
// would return. It scans the whole container (channels come in any order)
// but reads no pixel data: an input that can seek is skipped over, any
// other is read and discarded.
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	s, err := newStream(r)
	if err != nil {
		return geometry.Config{}, err
	}
	ch, err := s.pick(opts)
	if err != nil {
		return geometry.Config{}, err
	}
	g, err := ch.geometry(opts)
	if err != nil {
		return geometry.Config{}, err
	}
	return geometry.Config{Format: "gwy", Cols: int(ch.data.xres), Rows: int(ch.data.yres), Pitch: g.pitch, Offset: g.offset}, nil
}

// Decode reads an image channel of a GWY file (Gwyddion 2 or 1) from r:
// the lowest-numbered one, or the one Options.Channel selects (see the
// package documentation). Heights are in µm; masked and non-finite pixels
// are NaN. A nil opts means the defaults.
//
// A unit assumed, or read otherwise than it is spelt (no unit, taken as
// metres; a prefixed unit, whose numbers are metres all the same), is a
// warning in HeightMap.Warnings, which Options.Strict turns into an error
// in geometry.Decode and geometry.ReadFile. Errors wrap
// geometry.FormatError for malformed files, geometry.UnsupportedError for
// valid files this package does not read (no image channel, values that are
// not heights), geometry.ErrTooLarge for maps over geometry.MaxPixels and
// io.ErrUnexpectedEOF for truncated files.
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	s, err := newStream(r)
	if err != nil {
		return nil, err
	}
	if s.seek == nil {
		// The chosen channel is known only after the scan: keep the input
		// to read it again. Memory grows with the bytes actually read.
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("gwy: reading input: %w", err)
		}
		if s, err = newStream(bytes.NewReader(b)); err != nil {
			return nil, err
		}
	}
	ch, err := s.pick(opts)
	if err != nil {
		return nil, err
	}
	g, err := ch.geometry(opts)
	if err != nil {
		return nil, err
	}
	d := ch.data
	m := geometry.New(int(d.xres), int(d.yres), g.pitch) // size checked by ch.geometry
	m.Offset = g.offset
	m.Warnings = append(m.Warnings, g.warnings...)
	err = s.values(d, func(i int, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			m.Z[i] = v * g.zScale
		}
	})
	if err != nil {
		return nil, err
	}
	if ch.mask != nil {
		nan := math.NaN()
		err = s.values(ch.mask, func(i int, v float64) {
			if v != 0 {
				m.Z[i] = nan
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return m, nil
}

// pick scans the container and returns the channel that opts selects,
// with its data field (and mask) checked for consistency.
func (s *stream) pick(opts *geometry.Options) (*channel, error) {
	chans, err := s.scan()
	if err != nil {
		return nil, err
	}
	var ns []int
	for n, c := range chans {
		if c.data != nil {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return nil, unsupportedErr("no image channel (/N/data GwyDataField)")
	}
	slices.Sort(ns)
	k := 0
	if opts != nil {
		k = opts.Channel
	}
	if k < 0 || k >= len(ns) {
		keys := make([]string, len(ns))
		for i, n := range ns {
			keys[i] = chans[n].data.key
		}
		return nil, fmt.Errorf("gwy: channel %d requested, file has %d: %s", k, len(ns), strings.Join(keys, ", "))
	}
	c := chans[ns[k]]
	if err := c.data.check(); err != nil {
		return nil, err
	}
	if c.mask != nil {
		if err := c.mask.check(); err != nil {
			return nil, err
		}
		if c.mask.xres != c.data.xres || c.mask.yres != c.data.yres {
			return nil, formatErr("%s is %d×%d, %s is %d×%d", c.mask.key, c.mask.xres, c.mask.yres, c.data.key, c.data.xres, c.data.yres)
		}
	}
	return c, nil
}

// check reports whether f has a consistent size and its data.
func (f *field) check() error {
	for _, c := range []struct {
		bit  uint
		name string
	}{{hasXres, "xres"}, {hasYres, "yres"}, {hasXreal, "xreal"}, {hasYreal, "yreal"}, {hasData, "data"}} {
		if f.has&c.bit == 0 {
			return formatErr("%s: GwyDataField has no %s", f.key, c.name)
		}
	}
	if err := geometry.CheckSize(int(f.xres), int(f.yres)); err != nil {
		return fmt.Errorf("gwy: %s: %w", f.key, err)
	}
	if n := int64(f.xres) * int64(f.yres); f.dataLen != n {
		return formatErr("%s: %d values for %d×%d pixels", f.key, f.dataLen, f.xres, f.yres)
	}
	return nil
}

// geom is a channel's geometry in µm, with the warnings raised on the way.
type geom struct {
	pitch, offset r2.Vec
	zScale        float64 // µm per value unit
	warnings      []string
}

func (g *geom) warn(format string, a ...any) {
	g.warnings = append(g.warnings, fmt.Sprintf(format, a...))
}

// metre is the length of the unit of every GWY length value, in µm.
const metre = 1e6

// geometry converts the checked channel's sizes to µm.
//
// Stored numbers are in base units whatever the unit string says:
// Gwyddion parses a GwySIUnit's string to a base unit and drops its power
// of ten (see the package documentation). So a length unit, prefixed or
// not, means metres, and only its absence or a non-length unit matters.
func (c *channel) geometry(opts *geometry.Options) (geom, error) {
	if opts == nil {
		opts = &geometry.Options{}
	}
	d := c.data
	var g geom
	switch {
	case d.unitXY == "":
		g.warn("%s has no lateral unit (si_unit_xy absent or empty): xreal, yreal, xoff and yoff read as metres", d.key)
	case !isMetre(d.unitXY):
		return geom{}, unsupportedErr("%s: lateral unit %q is not a length", d.key, d.unitXY)
	case d.unitXY != "m":
		g.warn("%s: lateral unit %q is not the base unit m: read as metres, as Gwyddion does (it drops the power of ten)", d.key, d.unitXY)
	}
	g.zScale = metre
	switch {
	case d.unitZ == "" && opts.ZUnit != 0:
		if !(opts.ZUnit > 0 && opts.ZUnit <= math.MaxFloat64) {
			return geom{}, fmt.Errorf("gwy: Options.ZUnit %g µm is not positive and finite", opts.ZUnit)
		}
		g.zScale = opts.ZUnit // the caller says: nothing assumed
	case d.unitZ == "":
		g.warn("%s has no value unit (si_unit_z absent or empty): heights read as metres", d.key)
	case !isMetre(d.unitZ):
		return geom{}, unsupportedErr("%s: value unit %q is not a length: not a height channel", d.key, d.unitZ)
	case d.unitZ != "m":
		g.warn("%s: value unit %q is not the base unit m: heights read as metres, as Gwyddion does (it drops the power of ten)", d.key, d.unitZ)
	}
	g.pitch = r2.Vec{X: d.xreal / float64(d.xres) * metre, Y: d.yreal / float64(d.yres) * metre}
	g.offset = r2.Vec{X: d.xoff * metre, Y: d.yoff * metre}
	if !(d.xreal > 0 && d.yreal > 0 && g.pitch.X > 0 && g.pitch.Y > 0) || math.IsInf(g.pitch.X, 0) || math.IsInf(g.pitch.Y, 0) {
		return geom{}, formatErr("%s: xreal, yreal = %g, %g give pixel size %g×%g µm", d.key, d.xreal, d.yreal, g.pitch.X, g.pitch.Y)
	}
	if math.IsNaN(g.offset.X) || math.IsNaN(g.offset.Y) || math.IsInf(g.offset.X, 0) || math.IsInf(g.offset.Y, 0) {
		return geom{}, formatErr("%s: xoff, yoff = %g, %g give offset %g, %g µm", d.key, d.xoff, d.yoff, g.offset.X, g.offset.Y)
	}
	return g, nil
}

// scan reads the magic and the top-level container, recording every
// channel's data field and mask and skipping everything else.
//
// The two magics differ only in the container's items: GWYP writes a key
// then a type letter, GWYO a GLib type id then a key.
func (s *stream) scan() (map[int]*channel, error) {
	var magic [4]byte
	if err := s.read(magic[:], math.MaxInt64, "magic"); err != nil {
		if s.size == 0 || (s.size < 0 && s.off == 0) {
			return nil, formatErr("empty input")
		}
		return nil, err
	}
	var old bool // Gwyddion 1
	switch string(magic[:]) {
	case Magic:
	case Magic1:
		old = true
	default:
		return nil, formatErr("magic %q, want %q or %q", magic[:], Magic, Magic1)
	}
	typ, end, err := s.objectHeader(math.MaxInt64, "top-level object")
	if err != nil {
		return nil, err
	}
	if typ != "GwyContainer" {
		return nil, formatErr("top-level object is %q, want GwyContainer", typ)
	}
	chans := make(map[int]*channel)
	for s.off < end {
		var t byte
		if old {
			if t, err = s.gtype(end); err != nil {
				return nil, err
			}
		}
		key, long, err := s.cstring(end, maxKey, "container key")
		if err != nil {
			return nil, err
		}
		if !old {
			if t, err = s.u8(end, "container item type"); err != nil {
				return nil, err
			}
		}
		n, isMask, ok := channelKey(key)
		if long || !ok || t != 'o' {
			if err := s.skipValue(t, end, "container item "+strconv.Quote(key)); err != nil {
				return nil, err
			}
			continue
		}
		f, err := s.dataField(end, key)
		if err != nil {
			return nil, err
		}
		if f == nil {
			continue // not a GwyDataField: not an image channel
		}
		c := chans[n]
		if c == nil {
			c = &channel{}
			chans[n] = c
		}
		slot := &c.data
		if isMask {
			slot = &c.mask
		}
		if *slot != nil {
			return nil, formatErr("duplicate container key %q", key)
		}
		*slot = f
	}
	return chans, nil
}

// GLib's fundamental type ids, G_TYPE_MAKE_FUNDAMENTAL(n) = n<<2 in
// gobject/gtype.h (fixed since GLib 2.0): those of the values a Gwyddion 1
// container holds.
const (
	gtypeUchar   = 4 << 2  // G_TYPE_UCHAR, 16
	gtypeBoolean = 5 << 2  // G_TYPE_BOOLEAN, 20
	gtypeInt     = 6 << 2  // G_TYPE_INT, 24
	gtypeInt64   = 10 << 2 // G_TYPE_INT64, 40
	gtypeDouble  = 15 << 2 // G_TYPE_DOUBLE, 60
	gtypeString  = 16 << 2 // G_TYPE_STRING, 64
	gtypeObject  = 20 << 2 // G_TYPE_OBJECT, 80
)

// gtype reads the GLib type id that starts an item of a Gwyddion 1
// container and returns the GWYP type letter of the value that follows.
// Any other id is a FormatError: the length of its value is unknown
// (Gwyddion itself warns and reads on out of step).
func (s *stream) gtype(end int64) (byte, error) {
	at := s.off
	id, err := s.u32(end, "container item GLib type")
	if err != nil {
		return 0, err
	}
	switch id {
	case gtypeUchar:
		return 'c', nil
	case gtypeBoolean:
		return 'b', nil
	case gtypeInt:
		return 'i', nil
	case gtypeInt64:
		return 'q', nil
	case gtypeDouble:
		return 'd', nil
	case gtypeString:
		return 's', nil
	case gtypeObject:
		return 'o', nil
	}
	return 0, formatErr("container item at offset %d has GLib type id %d, not one Gwyddion 1 writes", at, id)
}

// channelKey parses a container key "/N/data" or "/N/mask", N a decimal
// number without leading zeros.
func channelKey(key string) (n int, mask, ok bool) {
	rest, ok := strings.CutPrefix(key, "/")
	if !ok {
		return 0, false, false
	}
	num, kind, ok := strings.Cut(rest, "/")
	if !ok || (kind != "data" && kind != "mask") || num == "" || len(num) > 9 || (num[0] == '0' && num != "0") {
		return 0, false, false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, false, false
		}
	}
	n, _ = strconv.Atoi(num) // at most 9 digits: fits
	return n, kind == "mask", true
}

// dataField reads a GwyDataField object within the object ending at end,
// recording where its data lie without reading them. It returns nil if the
// object is of another type (it is then skipped).
func (s *stream) dataField(end int64, key string) (*field, error) {
	typ, oend, err := s.objectHeader(end, key)
	if err != nil {
		return nil, err
	}
	if typ != "GwyDataField" {
		return nil, s.skip(oend-s.off, end, key)
	}
	f := &field{key: key}
	for s.off < oend {
		name, long, err := s.cstring(oend, 16, key+" component name")
		if err != nil {
			return nil, err
		}
		t, err := s.u8(oend, key+" component type")
		if err != nil {
			return nil, err
		}
		what := key + " " + name
		want := byte(0) // the type a known component must have
		switch {
		case long:
			what = key + " component"
		case name == "xres" || name == "yres":
			want = 'i'
		case name == "xreal" || name == "yreal" || name == "xoff" || name == "yoff":
			want = 'd'
		case name == "si_unit_xy" || name == "si_unit_z":
			want = 'o'
		case name == "data":
			want = 'D'
		}
		if want == 0 {
			if err := s.skipValue(t, oend, what); err != nil {
				return nil, err
			}
			continue
		}
		if t != want {
			return nil, formatErr("%s has type %q, want %q", what, t, want)
		}
		switch name {
		case "xres", "yres":
			v, err := s.i32(oend, what)
			if err != nil {
				return nil, err
			}
			if name == "xres" {
				f.xres, f.has = v, f.has|hasXres
			} else {
				f.yres, f.has = v, f.has|hasYres
			}
		case "xreal", "yreal", "xoff", "yoff":
			v, err := s.f64(oend, what)
			if err != nil {
				return nil, err
			}
			switch name {
			case "xreal":
				f.xreal, f.has = v, f.has|hasXreal
			case "yreal":
				f.yreal, f.has = v, f.has|hasYreal
			case "xoff":
				f.xoff = v
			default:
				f.yoff = v
			}
		case "si_unit_xy", "si_unit_z":
			u, err := s.unit(oend, what)
			if err != nil {
				return nil, err
			}
			if name == "si_unit_xy" {
				f.unitXY = u
			} else {
				f.unitZ = u
			}
		case "data":
			n, err := s.u32(oend, what+" length")
			if err != nil {
				return nil, err
			}
			f.dataOff, f.dataLen, f.has = s.off, int64(n), f.has|hasData
			if err := s.skip(8*int64(n), oend, what); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// unit reads a GwySIUnit object and returns its unit string ("" for none).
func (s *stream) unit(end int64, what string) (string, error) {
	typ, oend, err := s.objectHeader(end, what)
	if err != nil {
		return "", err
	}
	if typ != "GwySIUnit" {
		return "", formatErr("%s is a %q, want GwySIUnit", what, typ)
	}
	var u string
	for s.off < oend {
		name, long, err := s.cstring(oend, 16, what+" component name")
		if err != nil {
			return "", err
		}
		t, err := s.u8(oend, what+" component type")
		if err != nil {
			return "", err
		}
		if long || name != "unitstr" {
			if err := s.skipValue(t, oend, what+" component"); err != nil {
				return "", err
			}
			continue
		}
		if t != 's' {
			return "", formatErr("%s unitstr has type %q, want 's'", what, t)
		}
		str, long, err := s.cstring(oend, maxUnit, what+" unitstr")
		if err != nil {
			return "", err
		}
		if long {
			return "", formatErr("%s unitstr longer than %d bytes", what, maxUnit)
		}
		u = strings.TrimSpace(str)
	}
	return u, nil
}

// values reads the data array of a field found by scan and calls fn with
// each value's index in row-major order.
func (s *stream) values(f *field, fn func(i int, v float64)) error {
	if err := s.seekTo(f.dataOff); err != nil {
		return err
	}
	const chunk = 1 << 13 // values per read
	buf := make([]byte, 8*min(f.dataLen, chunk))
	for i := int64(0); i < f.dataLen; {
		k := min(chunk, f.dataLen-i)
		if err := s.read(buf[:8*k], math.MaxInt64, f.key+" data"); err != nil {
			return err
		}
		for j := int64(0); j < k; j++ {
			fn(int(i+j), math.Float64frombits(binary.LittleEndian.Uint64(buf[8*j:])))
		}
		i += k
	}
	return nil
}
