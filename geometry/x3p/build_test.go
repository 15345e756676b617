package x3p

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// spec describes a hand-built X3P archive for tests. Strings left empty
// take the defaults in build; "-" omits an element or member.
type spec struct {
	feature          string // FeatureType, default SUR
	xType, yType     string // CX/CY AxisType, default I
	dx, dy           string // CX/CY Increment, metres, default 1e-6
	x0, y0           string // CX/CY Offset, metres, default omitted
	zType            string // CZ DataType, default D
	zInc, zOff       string // CZ Increment/Offset, default omitted
	sizeX, sizeY     string // MatrixDimension, default from cols/rows
	sizeZ            string // default 1
	cols, rows       int
	dir              string              // folder holding every member, e.g. "top/"
	pointLink        string              // PointDataLink, default bin/data.bin
	pointName        string              // member name of the point data, default pointLink
	data             []byte              // binary point data; nil with datums set
	datums           []string            // inline DataList values
	pointMD5         string              // default the right sum
	valid            []byte              // valid-point bitmap, written if not nil
	validMD5         string              // default the right sum
	checksum         string              // md5checksum.hex content, default right; "-" omits
	method           uint16              // zip method for every member
	extraMain, extra string              // extra XML in Record1 (after Axes) and Record3
	edit             func(string) string // rewrites main.xml
	junk             map[string]string   // more members, full name to content (__MACOSX/...)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// mainXML returns the main.xml of s.
func (s spec) mainXML() string {
	var b strings.Builder
	el := func(name, v string) {
		if v != "-" {
			fmt.Fprintf(&b, "<%s>%s</%s>", name, v, name)
		}
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<p:ISO5436_2 xmlns:p="http://www.opengps.eu/2008/ISO5436_2">` + "\n")
	b.WriteString("<Record1><Revision>ISO5436 - 2000</Revision>")
	el("FeatureType", or(s.feature, "SUR"))
	b.WriteString("<Axes><CX>")
	el("AxisType", or(s.xType, "I"))
	el("DataType", "D")
	el("Increment", or(s.dx, "1e-6"))
	el("Offset", or(s.x0, "-"))
	b.WriteString("</CX><CY>")
	el("AxisType", or(s.yType, "I"))
	el("DataType", "D")
	el("Increment", or(s.dy, "1e-6"))
	el("Offset", or(s.y0, "-"))
	b.WriteString("</CY><CZ>")
	el("AxisType", "A")
	el("DataType", or(s.zType, "D"))
	el("Increment", or(s.zInc, "-"))
	el("Offset", or(s.zOff, "-"))
	b.WriteString("</CZ></Axes>" + s.extraMain + "</Record1>\n")
	b.WriteString("<Record2><Date>2024-01-01T00:00:00Z</Date><Instrument><Manufacturer>test</Manufacturer>" +
		"<Model>m</Model><Serial>s</Serial><Version>v</Version></Instrument>" +
		"<ProbingSystem><Type>Software</Type><Identification>test</Identification></ProbingSystem></Record2>\n")
	b.WriteString("<Record3><MatrixDimension>")
	el("SizeX", or(s.sizeX, fmt.Sprint(s.cols)))
	el("SizeY", or(s.sizeY, fmt.Sprint(s.rows)))
	el("SizeZ", or(s.sizeZ, "1"))
	b.WriteString("</MatrixDimension>")
	if s.datums != nil {
		b.WriteString("\n<DataList>")
		for _, d := range s.datums {
			if d == "" {
				b.WriteString("<Datum/>")
			} else {
				el("Datum", d)
			}
		}
		b.WriteString("</DataList>")
	} else {
		b.WriteString("<DataLink>")
		el("PointDataLink", or(s.pointLink, "bin/data.bin"))
		el("MD5ChecksumPointData", or(s.pointMD5, fmt.Sprintf("%x", md5.Sum(s.data))))
		if s.valid != nil {
			el("ValidPointsLink", "bin/valid.bin")
			el("MD5ChecksumValidPoints", or(s.validMD5, fmt.Sprintf("%x", md5.Sum(s.valid))))
		}
		b.WriteString("</DataLink>")
	}
	b.WriteString(s.extra + "</Record3>\n<Record4><ChecksumFile>md5checksum.hex</ChecksumFile></Record4>\n</p:ISO5436_2>\n")
	return b.String()
}

// build returns the archive described by s.
func (s spec) build(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: s.dir + name, Method: s.method})
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
	}
	main := s.mainXML()
	if s.edit != nil {
		main = s.edit(main)
	}
	put("main.xml", []byte(main))
	if s.datums == nil && s.data != nil {
		put(or(s.pointName, or(s.pointLink, "bin/data.bin")), s.data)
	}
	if s.valid != nil {
		put("bin/valid.bin", s.valid)
	}
	if s.checksum != "-" {
		put("md5checksum.hex", []byte(or(s.checksum, fmt.Sprintf("%x *main.xml\n", md5.Sum([]byte(main))))))
	}
	for _, name := range slices.Sorted(maps.Keys(s.junk)) {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(s.junk[name]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// raw packs values as little-endian numbers of X3P data type typ.
func raw(typ string, v []float64) []byte {
	var b []byte
	le := binary.LittleEndian
	for _, x := range v {
		switch typ {
		case "D":
			b = le.AppendUint64(b, math.Float64bits(x))
		case "F":
			b = le.AppendUint32(b, math.Float32bits(float32(x)))
		case "L":
			b = le.AppendUint32(b, uint32(int32(x)))
		case "I":
			b = le.AppendUint16(b, uint16(int16(x)))
		}
	}
	return b
}

// bitmap packs valid flags the way ISO 5436-2 bin/valid.bin does: point i
// is bit i%8, least significant first, of byte i/8; 1 = valid; padding 1.
func bitmap(valid []bool) []byte {
	b := bytes.Repeat([]byte{0xff}, (len(valid)+7)/8)
	for i, v := range valid {
		if !v {
			b[i/8] &^= 1 << (i % 8)
		}
	}
	return b
}

func hexMD5(b []byte) string { return fmt.Sprintf("%x", md5.Sum(b)) }

// oldRoot returns an edit that renames the root element to ISO5436, with
// no namespace, as x3p.js and fix3p write it (x3ptools' sample-land.x3p:
// `<?xml ...?><ISO5436>`), then applies next if not nil.
func oldRoot(next func(string) string) func(string) string {
	return func(x string) string {
		x = strings.Replace(x, `<p:ISO5436_2 xmlns:p="http://www.opengps.eu/2008/ISO5436_2">`, "<ISO5436>", 1)
		x = strings.Replace(x, "</p:ISO5436_2>", "</ISO5436>", 1)
		if next != nil {
			x = next(x)
		}
		return x
	}
}

// dropElement returns an edit that removes every element name, content
// included.
func dropElement(name string) func(string) string {
	re := regexp.MustCompile(`(?s)<` + name + `>.*?</` + name + `>`)
	return func(x string) string { return re.ReplaceAllString(x, "") }
}
