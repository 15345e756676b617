package x3p

import (
	"archive/zip"
	"compress/flate"
	"crypto/md5"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mtgeo/mtgeo/geometry"
)

// Member names written by Encode.
const (
	mainName     = "main.xml"
	dataName     = "bin/data.bin"
	validName    = "bin/valid.bin"
	checksumName = "md5checksum.hex"
	namespace    = "http://www.opengps.eu/2008/ISO5436_2"
)

// EncodeOptions sets what Encode writes besides the map. The zero value
// (and a nil *EncodeOptions) means the defaults.
type EncodeOptions struct {
	// Creator is Record2/Creator; empty means "mtgeo".
	Creator string
	// Comment is Record2/Comment; empty means none.
	Comment string
	// Date is Record2/Date and the members' time stamp; zero means the
	// time of encoding.
	Date time.Time
	// Instrument is Record2/Instrument; empty fields are written "unknown".
	Instrument Instrument
	// ProbingSystem is Record2/ProbingSystem/Type: "Contacting",
	// "NonContacting" or "Software"; empty means "NonContacting".
	ProbingSystem string
	// ProbingID is Record2/ProbingSystem/Identification; empty means
	// "unknown".
	ProbingID string
	// Float32 writes heights as float32 (DataType F) instead of float64
	// (DataType D). Heights then round to about 7 significant digits.
	Float32 bool
	// ZIncrementUM, when positive, writes heights as int32 multiples of it
	// (DataType L, Record1/Axes/CZ/Increment in metres), with the
	// valid-point bitmap for the invalid pixels: a quantised map (e.g.
	// 0.5 nm, far below interferometer noise) compresses three to four
	// times better than float32. Float32 is then ignored. Encode returns
	// an error if a height is beyond ±2³¹ increments.
	ZIncrementUM float64
	// ValidBitmap also writes bin/valid.bin (Record3/DataLink/
	// ValidPointsLink) when the map has invalid pixels. Invalid pixels are
	// NaN in the float data in any case, which is how the openGPS
	// reference library marks them for float data and what Gwyddion reads;
	// the bitmap is redundant for float data and off by default.
	ValidBitmap bool
}

// Instrument is Record2/Instrument.
type Instrument struct {
	Manufacturer, Model, Serial, Version string
}

// Encode writes m as an X3P file (ISO 25178-72): a zip archive of
// main.xml, bin/data.bin (heights in metres, little-endian float64, NaN
// for invalid pixels, X fastest), optionally bin/valid.bin, and
// md5checksum.hex. opts may be nil. Infinite heights are written as
// invalid (NaN). It returns an error if m has no pixel or a pitch that is
// not positive and finite.
func Encode(w io.Writer, m *geometry.HeightMap, opts *EncodeOptions) error {
	o := EncodeOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Date.IsZero() {
		o.Date = time.Now().UTC().Truncate(time.Second)
	}
	opts = &o
	if m == nil || m.Rect.Empty() {
		return fmt.Errorf("x3p: encoding an empty map")
	}
	for _, v := range []float64{m.Pitch.X, m.Pitch.Y} {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("x3p: encoding a map with pixel pitch %g×%g µm", m.Pitch.X, m.Pitch.Y)
		}
	}
	for _, v := range []float64{m.Offset.X, m.Offset.Y} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("x3p: encoding a map with offset %g, %g µm", m.Offset.X, m.Offset.Y)
		}
	}
	if inc := opts.ZIncrementUM; inc != 0 && !(inc > 0 && !math.IsInf(inc, 0)) {
		return fmt.Errorf("x3p: Z increment %g µm is not positive and finite", inc)
	}
	e := &encoder{m: m, float32: opts.Float32, inc: opts.ZIncrementUM, buf: make([]byte, chunkSize)}

	// First pass: checksums of the members that main.xml names.
	dataSum := md5.New()
	invalid := e.writePoints(dataSum)
	if e.err != nil {
		return e.err
	}
	var validSum []byte
	withValid := (opts.ValidBitmap || e.inc > 0) && invalid > 0
	if withValid {
		h := md5.New()
		e.writeValid(h)
		validSum = h.Sum(nil)
	}
	mainXML := mainDocument(m, opts, dataSum.Sum(nil), validSum)

	zw := zip.NewWriter(w)
	// Float heights compress little (noise in every mantissa): the fastest
	// level gives nearly the same size several times faster. Quantised
	// ones compress well, and the best level takes a third off again.
	level := flate.BestSpeed
	if e.inc > 0 {
		level = flate.BestCompression
	}
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, level)
	})
	put := func(name string, write func(io.Writer) error) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: opts.Date})
		if err != nil {
			return fmt.Errorf("x3p: writing %s: %w", name, err)
		}
		if err := write(fw); err != nil {
			return fmt.Errorf("x3p: writing %s: %w", name, err)
		}
		return nil
	}
	if err := put(mainName, func(w io.Writer) error { _, err := w.Write(mainXML); return err }); err != nil {
		return err
	}
	if err := put(dataName, func(w io.Writer) error { e.writePoints(w); return e.err }); err != nil {
		return err
	}
	if withValid {
		if err := put(validName, func(w io.Writer) error { e.writeValid(w); return e.err }); err != nil {
			return err
		}
	}
	sum := md5.Sum(mainXML)
	if err := put(checksumName, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%x *%s\n", sum, mainName)
		return err
	}); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("x3p: writing archive: %w", err)
	}
	return nil
}

// encoder converts the map to little-endian values in chunks.
type encoder struct {
	m       *geometry.HeightMap
	float32 bool
	inc     float64 // µm: int32 multiples of it when > 0
	buf     []byte
	err     error // first write error
}

func (e *encoder) flush(w io.Writer, b []byte) {
	if e.err == nil && len(b) > 0 {
		_, e.err = w.Write(b)
	}
}

// writePoints writes the heights in metres, row by row, and returns the
// number of invalid pixels. Write errors are kept in e.err.
func (e *encoder) writePoints(w io.Writer) (invalid int) {
	le := binary.LittleEndian
	bpv := 8
	if e.float32 || e.inc > 0 {
		bpv = 4
	}
	b := e.buf[:0]
	for r := e.m.Rect.Min.Y; r < e.m.Rect.Max.Y; r++ {
		for _, z := range e.m.Row(r) {
			if math.IsNaN(z) || math.IsInf(z, 0) {
				z = math.NaN()
				invalid++
			}
			if len(b)+bpv > cap(b) {
				e.flush(w, b)
				b = b[:0]
			}
			switch {
			case e.inc > 0:
				q := 0.0 // invalid points: 0, marked in the bitmap
				if z == z {
					q = math.Round(z / e.inc)
				}
				if math.Abs(q) > math.MaxInt32 {
					if e.err == nil {
						e.err = fmt.Errorf("x3p: height %g µm is beyond int32 multiples of the %g µm increment", z, e.inc)
					}
					q = 0
				}
				b = le.AppendUint32(b, uint32(int32(q)))
			case e.float32:
				b = le.AppendUint32(b, math.Float32bits(float32(z/umPerM)))
			default:
				b = le.AppendUint64(b, math.Float64bits(z/umPerM))
			}
		}
	}
	e.flush(w, b)
	return invalid
}

// writeValid writes the valid-point bitmap: bit i%8 (least significant
// first) of byte i/8 is set when point i is valid; padding bits are set.
func (e *encoder) writeValid(w io.Writer) {
	b := e.buf[:0]
	var cur byte
	i := 0
	for r := e.m.Rect.Min.Y; r < e.m.Rect.Max.Y; r++ {
		for _, z := range e.m.Row(r) {
			if !math.IsNaN(z) && !math.IsInf(z, 0) {
				cur |= 1 << (i & 7)
			}
			i++
			if i&7 == 0 {
				if len(b) == cap(b) {
					e.flush(w, b)
					b = b[:0]
				}
				b = append(b, cur)
				cur = 0
			}
		}
	}
	if i&7 != 0 {
		cur |= 0xff << (i & 7)
		b = append(b, cur)
	}
	e.flush(w, b)
}

// mainDocument returns main.xml for m.
func mainDocument(m *geometry.HeightMap, opts *EncodeOptions, dataSum, validSum []byte) []byte {
	var s strings.Builder
	el := func(name, value string) {
		s.WriteString("<" + name + ">")
		xml.EscapeText(&s, []byte(value))
		s.WriteString("</" + name + ">")
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	token := func(v, def string) string {
		v = strings.Join(strings.Fields(v), " ")
		if v == "" {
			return def
		}
		return v
	}
	dtype, zinc := "D", "1"
	switch {
	case opts.ZIncrementUM > 0:
		dtype, zinc = "L", strconv.FormatFloat(opts.ZIncrementUM/umPerM, 'g', -1, 64)
	case opts.Float32:
		dtype = "F"
	}
	probing := opts.ProbingSystem
	switch probing {
	case "Contacting", "NonContacting", "Software":
	default:
		probing = "NonContacting"
	}

	s.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	s.WriteString(`<p:ISO5436_2 xmlns:p="` + namespace + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="` +
		namespace + ` ` + namespace + `/ISO5436_2_XML.xsd">` + "\n")
	s.WriteString("<Record1>")
	el("Revision", "ISO5436 - 2000")
	el("FeatureType", "SUR")
	s.WriteString("\n<Axes>\n")
	for _, a := range []struct {
		name        string
		inc, offset float64
	}{
		// The file's first pixel is pixel Rect.Min of m (not (0, 0) for a
		// SubMap view).
		{"CX", m.Pitch.X, m.Offset.X + float64(m.Rect.Min.X)*m.Pitch.X},
		{"CY", m.Pitch.Y, m.Offset.Y + float64(m.Rect.Min.Y)*m.Pitch.Y},
	} {
		s.WriteString("<" + a.name + ">")
		el("AxisType", "I")
		el("DataType", "D")
		el("Increment", num(a.inc/umPerM))
		el("Offset", num(a.offset/umPerM))
		s.WriteString("</" + a.name + ">\n")
	}
	s.WriteString("<CZ>")
	el("AxisType", "A")
	el("DataType", dtype)
	el("Increment", zinc)
	el("Offset", "0")
	s.WriteString("</CZ>\n</Axes>\n</Record1>\n")

	s.WriteString("<Record2>")
	el("Date", opts.Date.Format(time.RFC3339))
	el("Creator", token(opts.Creator, "mtgeo"))
	s.WriteString("\n<Instrument>")
	el("Manufacturer", token(opts.Instrument.Manufacturer, "unknown"))
	el("Model", token(opts.Instrument.Model, "unknown"))
	el("Serial", token(opts.Instrument.Serial, "unknown"))
	el("Version", token(opts.Instrument.Version, "unknown"))
	s.WriteString("</Instrument>\n<ProbingSystem>")
	el("Type", probing)
	el("Identification", token(opts.ProbingID, "unknown"))
	s.WriteString("</ProbingSystem>")
	if opts.Comment != "" {
		s.WriteString("\n")
		el("Comment", opts.Comment)
	}
	s.WriteString("\n</Record2>\n")

	s.WriteString("<Record3><MatrixDimension>")
	el("SizeX", strconv.Itoa(m.Rect.Dx()))
	el("SizeY", strconv.Itoa(m.Rect.Dy()))
	el("SizeZ", "1")
	s.WriteString("</MatrixDimension>\n<DataLink>")
	el("PointDataLink", dataName)
	el("MD5ChecksumPointData", fmt.Sprintf("%X", dataSum))
	if validSum != nil {
		el("ValidPointsLink", validName)
		el("MD5ChecksumValidPoints", fmt.Sprintf("%X", validSum))
	}
	s.WriteString("</DataLink></Record3>\n<Record4>")
	el("ChecksumFile", checksumName)
	s.WriteString("</Record4>\n</p:ISO5436_2>\n")
	return []byte(s.String())
}
