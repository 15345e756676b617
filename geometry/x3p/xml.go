package x3p

import (
	"archive/zip"
	"bufio"
	"crypto/md5"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

const umPerM = 1e6 // micrometres per metre

func vec(x, y float64) r2.Vec { return r2.Vec{X: x, Y: y} }

// parser reads main.xml as a stream of tokens.
type parser struct {
	withData bool                  // fill the map from an inline DataList
	full     bool                  // read to the end (Decode) or stop early
	pitch    r2.Vec                // Options.Pitch, µm: stands in for a missing CX/CY Increment
	oldRoot  bool                  // the root element is ISO5436, not ISO5436_2
	record1  bool                  // Record1 met
	record3  bool                  // Record3 met
	fields   map[string]string     // text of the elements listed in keep
	h        *header               // checked header, once known
	m        *geometry.HeightMap   // the map of a DataList, once read
	z        []float64             // heights of a DataList as they are read
	conv     func(float64) float64 // raw Datum value to µm
	datum    int                   // index of the next DataList value
	seenData string                // pDataLink or pDataList once met
	stack    []string              // element paths, root excluded
	text     strings.Builder       // text of the current element
	sum      hash.Hash             // MD5 of main.xml as stored
	dec      *xml.Decoder
	xmlSize  uint64    // bytes of main.xml
	file     *zip.File // the main.xml member
}

// errStop ends parsing early in DecodeConfig.
var errStop = errors.New("stop")

// parseMain parses main.xml member f. With full set it reads the whole
// member, checks its size and CRC, returns its MD5 and, for an inline
// DataList, fills p.m; otherwise it stops once the header is known. On
// success p.h is a checked header.
func (p *parser) parseMain(a *archive, f *zip.File, full bool) ([]byte, error) {
	if f.UncompressedSize64 > MaxMainXMLSize {
		return nil, formatErr("main.xml is %d bytes, more than %d", f.UncompressedSize64, MaxMainXMLSize)
	}
	rc, err := a.open(f, "main.xml")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	p.full = full
	p.file = f
	p.xmlSize = f.UncompressedSize64
	p.fields = make(map[string]string)
	p.sum = md5.New()
	br := bufio.NewReaderSize(io.TeeReader(rc, p.sum), chunkSize)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3)
	}
	p.dec = xml.NewDecoder(br)
	p.dec.CharsetReader = charsetReader
	err = p.run()
	if err == errStop {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if p.oldRoot && !(p.record1 && p.record3) {
		return nil, formatErr("main.xml root element is %q, want ISO5436_2", rootISO5436)
	}
	if full && p.seenData == "" {
		return nil, formatErr("main.xml has neither Record3/DataLink nor Record3/DataList")
	}
	if p.h == nil {
		// DecodeConfig needs no links; Decode has met a DataLink, or no data.
		if p.h, err = p.buildHeader(p.seenData == pDataList, full); err != nil {
			return nil, err
		}
	}
	if !full {
		return nil, nil
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return nil, memberErr(f, "main.xml", err)
	}
	if p.h.inline && p.datum != p.h.cols*p.h.rows {
		return nil, formatErr("DataList has %d values, want %d×%d = %d", p.datum, p.h.cols, p.h.rows, p.h.cols*p.h.rows)
	}
	if p.z != nil {
		p.m = newMap(p.h, p.z)
	}
	return p.sum.Sum(nil), nil
}

// run consumes the tokens of main.xml.
func (p *parser) run() error {
	depth := 0
	sawRoot := false
	for {
		tok, err := p.dec.Token()
		if err == io.EOF {
			if !sawRoot {
				return formatErr("main.xml has no root element")
			}
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			var ue geometry.UnsupportedError
			if errors.As(err, &ue) {
				return fmt.Errorf("x3p: %w", ue)
			}
			if errors.As(err, &se) {
				if strings.Contains(se.Msg, "unexpected EOF") {
					return fmt.Errorf("x3p: %w: main.xml ends early (line %d): %w", geometry.FormatError("truncated main.xml"), se.Line, io.ErrUnexpectedEOF)
				}
				return formatErr("main.xml: %v", err)
			}
			return memberErr(p.file, "main.xml", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return formatErr("main.xml nests deeper than %d elements", maxXMLDepth)
			}
			if depth == 1 {
				if sawRoot {
					return formatErr("main.xml has several root elements")
				}
				sawRoot = true
				switch t.Name.Local {
				case "ISO5436_2":
				case rootISO5436:
					// x3p.js and fix3p (and files passed through them,
					// such as x3ptools' sample-land.x3p) write this root.
					// Accepted, with a warning, once Record1 and Record3
					// are found (checked in parseMain).
					p.oldRoot = true
				default:
					return formatErr("main.xml root element is %q, want ISO5436_2", t.Name.Local)
				}
				continue
			}
			if err := p.start(t.Name.Local); err != nil {
				return err
			}
		case xml.CharData:
			if len(p.stack) > 0 {
				if err := p.chars(t); err != nil {
					return err
				}
			}
		case xml.EndElement:
			depth--
			if depth == 0 {
				continue
			}
			if err := p.end(); err != nil {
				return err
			}
		}
	}
}

func (p *parser) path() string {
	if len(p.stack) == 0 {
		return ""
	}
	return p.stack[len(p.stack)-1]
}

func (p *parser) start(name string) error {
	parent := p.path()
	var cur string
	switch {
	case parent == pDataList && name == "Datum":
		cur = pDatum // no allocation per value
	case parent == "":
		cur = name
		p.record1 = p.record1 || name == "Record1"
		p.record3 = p.record3 || name == "Record3"
	default:
		cur = parent + "/" + name
	}
	p.stack = append(p.stack, cur)
	p.text.Reset()
	switch cur {
	case pDataLink, pDataList:
		if p.seenData != "" {
			return formatErr("main.xml has both %s and %s, or one twice", p.seenData, cur)
		}
		p.seenData = cur
		if !p.full {
			return errStop
		}
		if cur == pDataList {
			h, err := p.buildHeader(true, true)
			if err != nil {
				return err
			}
			if n := uint64(h.cols) * uint64(h.rows); n > p.xmlSize/uint64(len("<Datum/>")) {
				return formatErr("a main.xml of %d bytes cannot hold a DataList of %d×%d values", p.xmlSize, h.cols, h.rows)
			}
			p.h = h
			if p.withData {
				// Heights grow with the values actually read.
				p.z = make([]float64, 0, min(h.cols*h.rows, growStep))
				inc, off := h.cz.increment, h.cz.offset
				p.conv = func(v float64) float64 { return finite((off + inc*v) * umPerM) }
			}
		}
	case pDatum:
		if p.h == nil {
			return formatErr("Datum outside Record3/DataList")
		}
		if p.datum >= p.h.cols*p.h.rows {
			return formatErr("DataList has more than %d×%d values", p.h.cols, p.h.rows)
		}
	}
	return nil
}

func (p *parser) chars(b []byte) error {
	cur := p.path()
	switch {
	case cur == pDatum:
		if p.text.Len()+len(b) > maxDatumLen {
			return formatErr("DataList value %d is longer than %d bytes", p.datum, maxDatumLen)
		}
	case keep[cur]:
		if p.text.Len()+len(b) > maxFieldLen {
			return formatErr("main.xml element %s is longer than %d bytes", cur, maxFieldLen)
		}
	case keepMeta[cur]:
		b = b[:min(len(b), max(0, maxFieldLen-p.text.Len()))]
	default:
		return nil
	}
	p.text.Write(b)
	return nil
}

func (p *parser) end() error {
	cur := p.path()
	p.stack = p.stack[:len(p.stack)-1]
	switch {
	case cur == pDatum:
		s := strings.TrimSpace(p.text.String())
		i := p.datum
		p.datum++
		if p.z == nil {
			return nil // header only
		}
		if s == "" {
			p.z = append(p.z, math.NaN()) // empty Datum: invalid point
			return nil
		}
		if strings.Contains(s, ";") {
			return unsupportedErr("DataList value %d %q has several coordinates", i, trunc(s))
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return formatErr("DataList value %d: %q is not a number", i, trunc(s))
		}
		p.z = append(p.z, p.conv(v))
	case keep[cur]:
		if _, dup := p.fields[cur]; dup {
			return formatErr("main.xml element %s repeated", cur)
		}
		p.fields[cur] = strings.TrimSpace(p.text.String())
	case keepMeta[cur]:
		if _, dup := p.fields[cur]; !dup {
			p.fields[cur] = strings.TrimSpace(p.text.String())
		}
	case cur == "Record3" && !p.full:
		return errStop
	}
	p.text.Reset()
	return nil
}

// rootISO5436 is the non-standard root element some writers use.
const rootISO5436 = "ISO5436"

// buildHeader checks the header fields of p. inline tells that the point
// data are in a DataList (so CZ/DataType is optional); links asks for the
// DataLink fields of binary data.
func (p *parser) buildHeader(inline, links bool) (*header, error) {
	f := p.fields
	switch ft := f[pFeatureType]; ft {
	case "SUR":
	case "PRF":
		return nil, unsupportedErr("profile (FeatureType PRF); only surfaces (SUR) are read")
	case "PCL":
		return nil, unsupportedErr("point cloud (FeatureType PCL); only surfaces (SUR) are read")
	case "":
		return nil, formatErr("Record1/FeatureType missing")
	default:
		return nil, formatErr("unknown FeatureType %q", trunc(ft))
	}
	if _, ok := f[pListDim]; ok {
		return nil, unsupportedErr("point list (Record3/ListDimension); only matrices are read")
	}
	h := &header{inline: inline}
	if p.oldRoot {
		h.warn("main.xml root element is %s, not ISO5436_2 as ISO 5436-2 names it: read as ISO5436_2", rootISO5436)
	}
	var err error
	if h.cx, err = lateralAxis(h, f, "CX", pCX, p.pitch.X); err != nil {
		return nil, err
	}
	if h.cy, err = lateralAxis(h, f, "CY", pCY, p.pitch.Y); err != nil {
		return nil, err
	}
	if h.cz, err = heightAxis(f, inline); err != nil {
		return nil, err
	}
	if h.cols, h.rows, err = matrixSize(f); err != nil {
		return nil, err
	}
	if !inline && links {
		h.pointLink = f[pDataLink+"/PointDataLink"]
		if h.pointLink == "" {
			return nil, formatErr("Record3/DataLink/PointDataLink missing")
		}
		if s := f[pDataLink+"/MD5ChecksumPointData"]; s != "" {
			if h.pointMD5, err = parseMD5(s); err != nil {
				return nil, formatErr("MD5ChecksumPointData: %v", err)
			}
		}
		h.validLink = f[pDataLink+"/ValidPointsLink"]
		if s := f[pDataLink+"/MD5ChecksumValidPoints"]; s != "" {
			if h.validMD5, err = parseMD5(s); err != nil {
				return nil, formatErr("MD5ChecksumValidPoints: %v", err)
			}
		}
	}
	h.checksum = f[pChecksum]
	return h, nil
}

// field returns the text of element path of f; an element that is absent
// or empty (<Offset/>, as x3ptools writes for Sensofar files) is not ok:
// optional elements take their default either way.
func field(f map[string]string, path string) (s string, ok bool) {
	s = f[path]
	return s, s != ""
}

// lateralAxis checks CX or CY: incremental, with a positive increment and
// an optional offset, both in metres and finite in µm. A missing (or empty)
// increment is optPitch µm when that is positive (Options.Pitch), else the
// ISO 5436-2 default of 1 m, with a warning added to h.
func lateralAxis(h *header, f map[string]string, name, prefix string, optPitch float64) (axis, error) {
	a := axis{name: name, axisType: f[prefix+"AxisType"], dataType: f[prefix+"DataType"]}
	switch a.axisType {
	case "I":
	case "A":
		return a, unsupportedErr("%s axis is absolute (AxisType A): only incremental (equally spaced) X and Y axes are read", name)
	case "":
		return a, formatErr("%s/AxisType missing", name)
	default:
		return a, formatErr("%s/AxisType %q", name, trunc(a.axisType))
	}
	var err error
	switch s, ok := field(f, prefix+"Increment"); {
	case ok:
		if a.increment, err = parseFinite(s, name+"/Increment"); err != nil {
			return a, err
		}
	case optPitch > 0:
		a.increment = optPitch / umPerM // given by the user: no warning
	default:
		// The openGPS library's default (ISO5436_2Container::GetIncrementX).
		a.increment = 1
		h.warn("main.xml gives no %s/Increment: the ISO 5436-2 default of 1 m assumed as the pixel pitch (set --pitch)", name)
	}
	switch {
	case a.increment < 0:
		return a, unsupportedErr("%s/Increment %g is negative (mirrored axis)", name, a.increment)
	case !(a.increment*umPerM > 0) || math.IsInf(a.increment*umPerM, 0):
		return a, formatErr("%s/Increment %g m is not a usable pixel pitch", name, a.increment)
	}
	if s, ok := field(f, prefix+"Offset"); ok {
		if a.offset, err = parseFinite(s, name+"/Offset"); err != nil {
			return a, err
		}
		if math.IsInf(a.offset*umPerM, 0) {
			return a, formatErr("%s/Offset %g m out of range", name, a.offset)
		}
	}
	return a, nil
}

// heightAxis checks CZ: absolute, with a known data type (needed only for
// binary data), increment (scale, default 1) and offset (default 0).
func heightAxis(f map[string]string, inline bool) (axis, error) {
	a := axis{name: "CZ", axisType: f[pCZ+"AxisType"], dataType: f[pCZ+"DataType"], increment: 1}
	switch a.axisType {
	case "A":
	case "I":
		return a, unsupportedErr("CZ axis is incremental (AxisType I)")
	case "":
		return a, formatErr("CZ/AxisType missing")
	default:
		return a, formatErr("CZ/AxisType %q", trunc(a.axisType))
	}
	switch {
	case bytesPerValue(a.dataType) > 0:
	case a.dataType == "" && inline:
	case a.dataType == "":
		return a, formatErr("CZ/DataType missing")
	default:
		return a, formatErr("CZ/DataType %q, want D, F, L or I", trunc(a.dataType))
	}
	var err error
	if s, ok := field(f, pCZ+"Increment"); ok {
		if a.increment, err = parseFinite(s, "CZ/Increment"); err != nil {
			return a, err
		}
		if a.increment == 0 {
			return a, formatErr("CZ/Increment is 0")
		}
	}
	if s, ok := field(f, pCZ+"Offset"); ok {
		if a.offset, err = parseFinite(s, "CZ/Offset"); err != nil {
			return a, err
		}
	}
	return a, nil
}

// matrixSize checks Record3/MatrixDimension against geometry.MaxPixels.
func matrixSize(f map[string]string) (cols, rows int, err error) {
	var v [3]uint64
	for i, n := range []string{"SizeX", "SizeY", "SizeZ"} {
		s, ok := f[pMatrix+n]
		if !ok {
			return 0, 0, formatErr("Record3/MatrixDimension/%s missing", n)
		}
		v[i], err = strconv.ParseUint(s, 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			return 0, 0, fmt.Errorf("x3p: %w: %s %s", geometry.ErrTooLarge, n, trunc(s))
		}
		if err != nil {
			return 0, 0, formatErr("MatrixDimension/%s %q is not a size", n, trunc(s))
		}
	}
	if v[2] != 1 {
		return 0, 0, unsupportedErr("MatrixDimension/SizeZ %d: only single-layer surfaces (SizeZ 1) are read", v[2])
	}
	if v[0] > geometry.MaxPixels || v[1] > geometry.MaxPixels {
		return 0, 0, fmt.Errorf("x3p: %w: %d×%d", geometry.ErrTooLarge, v[0], v[1])
	}
	cols, rows = int(v[0]), int(v[1])
	if err := geometry.CheckSize(cols, rows); err != nil {
		return 0, 0, fmt.Errorf("x3p: %w", err)
	}
	return cols, rows, nil
}

// parseFinite parses an xsd:double that must be finite.
func parseFinite(s, what string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, formatErr("%s %q is not a finite number", what, trunc(s))
	}
	return v, nil
}

// charsetReader accepts the single-byte encodings some writers declare
// (ISO-8859-1 and relatives, US-ASCII) besides UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf8", "utf-8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252", "iso-8859-15":
		return &latin1Reader{r: bufio.NewReader(in)}, nil
	}
	return nil, geometry.UnsupportedError(fmt.Sprintf("main.xml encoding %q", label))
}

// latin1Reader converts bytes to the Unicode code points of the same value.
type latin1Reader struct {
	r   *bufio.Reader
	buf []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.buf) > 0 {
			k := copy(p[n:], l.buf)
			l.buf = l.buf[k:]
			n += k
			continue
		}
		if n > 0 && l.r.Buffered() == 0 {
			break
		}
		c, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if c < utf8.RuneSelf {
			p[n] = c
			n++
			continue
		}
		l.buf = utf8.AppendRune(l.buf[:0], rune(c))
	}
	return n, nil
}
