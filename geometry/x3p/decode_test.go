package x3p

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// relTol is the relative tolerance between heights that went through the
// metre/µm conversion: a few float64 roundings (2⁻⁵² ≈ 2.2e-16 each).
const relTol = 1e-15

// requireHeights checks got against want: same NaN pattern, values within
// relTol relative (absolute for 0).
func requireHeights(t *testing.T, want, got []float64, tol float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		if math.IsNaN(want[i]) {
			require.Truef(t, math.IsNaN(got[i]), "pixel %d: got %g, want NaN", i, got[i])
			continue
		}
		require.Falsef(t, math.IsNaN(got[i]), "pixel %d: got NaN, want %g", i, want[i])
		require.InDeltaf(t, want[i], got[i], tol*math.Abs(want[i]), "pixel %d", i)
	}
}

// height is the ISO 5436-2 conversion of a raw Z value to µm:
// z = offset + increment·raw in metres.
func height(inc, off, raw float64) float64 {
	z := (off + inc*raw) * 1e6
	if math.IsInf(z, 0) {
		return math.NaN()
	}
	return z
}

func TestDecodeDataTypes(t *testing.T) {
	nan := math.NaN()
	inf := math.Inf(1)
	for _, tc := range []struct {
		name      string
		zType     string
		inc, off  float64 // CZ Increment and Offset; 1, 0 are written as absent
		raw       []float64
		valid     []bool // nil: no bitmap
		dx, dy    float64
		x0, y0    float64
		cols, row int
	}{
		{name: "float64 NaN Inf", zType: "D", inc: 1, raw: []float64{1e-6, -2.5e-6, nan, 0, inf, 3.25e-7},
			dx: 2e-6, dy: 5e-6, x0: 1e-3, y0: -2e-3, cols: 3, row: 2},
		{name: "float64 scaled with bitmap", zType: "D", inc: 0.5, off: 1e-6, raw: []float64{1e-6, -2e-6, 3e-6, 4e-6},
			valid: []bool{true, false, true, true}, dx: 1e-6, dy: 1e-6, cols: 2, row: 2},
		{name: "float32", zType: "F", inc: 1, raw: []float64{1e-6, -2.5e-6, nan, 0, 3.25e-7, -1e-9},
			dx: 3e-6, dy: 3e-6, cols: 2, row: 3},
		{name: "int32 nm with offset", zType: "L", inc: 1e-9, off: -5e-6,
			raw:   []float64{math.MinInt32, math.MaxInt32, 0, 1, -1, 12345, 7, 8, 9},
			valid: []bool{true, true, false, true, true, true, true, false, true},
			dx:    0.5e-6, dy: 0.25e-6, x0: -1e-4, cols: 3, row: 3},
		{name: "int16 scaled", zType: "I", inc: 1e-8, off: 1e-6,
			raw:   []float64{math.MinInt16, math.MaxInt16, 0, -1, 1, 100, 200, 300, 400, 500},
			valid: []bool{false, true, true, true, true, true, true, true, true, false},
			dx:    1e-6, dy: 2e-6, y0: 5e-4, cols: 5, row: 2},
		{name: "int16 no bitmap", zType: "I", inc: 1e-9, raw: []float64{-3, 2, 1, 0}, dx: 1e-6, dy: 1e-6, cols: 4, row: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := spec{zType: tc.zType, cols: tc.cols, rows: tc.row, data: raw(tc.zType, tc.raw),
				dx: fmtG(tc.dx), dy: fmtG(tc.dy), x0: fmtG(tc.x0), y0: fmtG(tc.y0)}
			if tc.inc != 1 {
				s.zInc = fmtG(tc.inc)
			}
			if tc.off != 0 {
				s.zOff = fmtG(tc.off)
			}
			want := make([]float64, len(tc.raw))
			for i, v := range tc.raw {
				if tc.zType == "F" {
					v = float64(float32(v))
				}
				want[i] = height(tc.inc, tc.off, v)
				if tc.valid != nil && !tc.valid[i] {
					want[i] = nan
				}
			}
			if tc.valid != nil {
				s.valid = bitmap(tc.valid)
			}
			m, err := Decode(bytes.NewReader(s.build(t)), nil)
			require.NoError(t, err)
			require.Equal(t, tc.cols, m.Rect.Dx())
			require.Equal(t, tc.row, m.Rect.Dy())
			require.Equal(t, m.Stride*m.Rect.Dy(), len(m.Z))
			require.InDelta(t, tc.dx*1e6, m.Pitch.X, 1e-12) // µm
			require.InDelta(t, tc.dy*1e6, m.Pitch.Y, 1e-12)
			require.InDelta(t, tc.x0*1e6, m.Offset.X, 1e-9)
			require.InDelta(t, tc.y0*1e6, m.Offset.Y, 1e-9)
			requireHeights(t, want, m.Z, relTol)
		})
	}
}

func fmtG(v float64) string {
	if v == 0 {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestDecodeInline(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		s      spec
		want   []float64 // µm
		config geometry.Config
	}{
		{
			name: "float, empty Datum invalid",
			s:    spec{cols: 3, rows: 2, datums: []string{"1e-6", "", " -2.5e-6 ", "3E-7", "0", ""}},
			want: []float64{1, nan, -2.5, 0.3, 0, nan},
		},
		{
			name: "int32 nm, scaled, nested",
			s:    spec{cols: 2, rows: 2, zType: "L", zInc: "1e-9", zOff: "2e-6", dir: "scan/", datums: []string{"1000", "-500", "", "0"}},
			want: []float64{3, 1.5, nan, 2},
		},
		{
			name: "no DataType",
			s:    spec{cols: 1, rows: 2, zType: "-", datums: []string{"-1e-6", "NaN"}},
			want: []float64{-1, nan},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(tc.s.build(t)), nil)
			require.NoError(t, err)
			require.Equal(t, tc.s.cols, m.Cols())
			require.Equal(t, tc.s.rows, m.Rows())
			requireHeights(t, tc.want, m.Z, relTol)
			c, err := DecodeConfig(bytes.NewReader(tc.s.build(t)), nil)
			require.NoError(t, err)
			require.Equal(t, tc.s.cols, c.Cols)
			require.Equal(t, tc.s.rows, c.Rows)
		})
	}
}

// TestDecodeLayouts reads archives whose members are laid out as other
// writers do: nested under a top folder, linked with backslashes, stored
// rather than deflated, and passed as a plain io.Reader.
func TestDecodeLayouts(t *testing.T) {
	vals := []float64{1e-6, 2e-6, 3e-6, 4e-6, 5e-6, 6e-6}
	want := []float64{1, 2, 3, 4, 5, 6} // µm
	base := spec{cols: 3, rows: 2, data: raw("D", vals)}
	for _, tc := range []struct {
		name  string
		edit  func(*spec)
		plain bool // pass a reader without ReadAt
	}{
		{name: "default", edit: func(*spec) {}},
		{name: "top folder", edit: func(s *spec) { s.dir = "measurement 1/" }},
		{name: "deep folder", edit: func(s *spec) { s.dir = "a/b/c/" }},
		{name: "backslash link", edit: func(s *spec) { s.pointLink = `bin\data.bin`; s.pointName = "bin/data.bin" }},
		{name: "dot link", edit: func(s *spec) { s.pointLink = "./bin/data.bin"; s.pointName = "bin/data.bin" }},
		{name: "openGPS folder name", edit: func(s *spec) { s.pointLink = "bindata/data.bin" }},
		{name: "found by base name", edit: func(s *spec) { s.pointLink = "bindata/data.bin"; s.pointName = "elsewhere/data.bin" }},
		{name: "case differs", edit: func(s *spec) { s.pointLink = "BIN/Data.bin"; s.pointName = "bin/data.bin" }},
		{name: "stored", edit: func(s *spec) { s.method = zip.Store }},
		{name: "deflated", edit: func(s *spec) { s.method = zip.Deflate }},
		{name: "no md5checksum.hex", edit: func(s *spec) { s.checksum = "-" }},
		{name: "no point MD5", edit: func(s *spec) { s.pointMD5 = "-" }},
		{name: "upper-case MD5", edit: func(s *spec) { s.pointMD5 = strings.ToUpper(hexMD5(s.data)) }},
		{name: "plain reader", edit: func(*spec) {}, plain: true},
		{name: "byte-order mark", edit: func(s *spec) { s.edit = func(x string) string { return "\ufeff" + x } }},
		{name: "ISO-8859-1", edit: func(s *spec) {
			s.edit = func(x string) string {
				x = strings.Replace(x, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
				return strings.Replace(x, "</Record2>", "<Comment>caf\xe9 \xb5m</Comment></Record2>", 1)
			}
		}},
		{name: "CRLF and blanks", edit: func(s *spec) {
			s.edit = func(x string) string {
				x = strings.ReplaceAll(x, "\n", "\r\n")
				return strings.Replace(x, "<SizeX>3</SizeX>", "<SizeX>\r\n  3 </SizeX>", 1)
			}
		}},
		{name: "rotation and vendor ID ignored", edit: func(s *spec) {
			s.extraMain = "" // Rotation belongs in Axes: insert it there
			s.edit = func(x string) string {
				x = strings.Replace(x, "</CZ></Axes>", "</CZ><Rotation><r11>1</r11><r12>0</r12><r13>0</r13><r21>0</r21>"+
					"<r22>1</r22><r23>0</r23><r31>0</r31><r32>0</r32><r33>1</r33></Rotation></Axes>", 1)
				return strings.Replace(x, "</Record4>", "</Record4><VendorSpecificID>http://example.com/v1</VendorSpecificID>", 1)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			tc.edit(&s)
			var r io.Reader = bytes.NewReader(s.build(t))
			if tc.plain {
				r = struct{ io.Reader }{r}
			}
			m, err := Decode(r, nil)
			require.NoError(t, err)
			requireHeights(t, want, m.Z, relTol)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	six := raw("D", []float64{1e-6, 2e-6, 3e-6, 4e-6, 5e-6, 6e-6})
	ok := spec{cols: 3, rows: 2, data: six}
	var (
		format      = errors.New("format")
		unsupported = errors.New("unsupported")
	)
	zipOf := func(files map[string]string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for n, c := range files {
			w, _ := zw.Create(n)
			w.Write([]byte(c))
		}
		zw.Close()
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		in   []byte
		edit func(*spec)
		opts *geometry.Options
		kind error // format, unsupported, geometry.ErrTooLarge or io.ErrUnexpectedEOF
		msg  string
	}{
		{name: "not a zip", in: []byte("hello, world"), kind: format, msg: "not a zip archive"},
		{name: "empty", in: []byte{}, kind: format, msg: "not a zip archive"},
		{name: "zip without main.xml", in: zipOf(map[string]string{"bin/data.bin": "x", "readme.txt": "y"}), kind: format, msg: "no main.xml"},
		{name: "main.xml not XML", in: zipOf(map[string]string{"main.xml": "<<<"}), kind: format, msg: "main.xml"},
		{name: "main.xml empty", in: zipOf(map[string]string{"main.xml": ""}), kind: format, msg: "no root element"},
		{name: "wrong root", in: zipOf(map[string]string{"main.xml": "<foo/>"}), kind: format, msg: `root element is "foo"`},
		{name: "root ISO5436 alone", in: zipOf(map[string]string{"main.xml": "<ISO5436/>"}), kind: format, msg: `root element is "ISO5436", want ISO5436_2`},
		{name: "root ISO5436 without Record3", edit: func(s *spec) { s.edit = oldRoot(dropElement("Record3")) }, kind: format, msg: `root element is "ISO5436"`},
		{name: "root ISO5436 without Record1", edit: func(s *spec) { s.edit = oldRoot(dropElement("Record1")) }, kind: format, msg: `root element is "ISO5436"`},
		{name: "root ISO5436_3", edit: func(s *spec) {
			s.edit = func(x string) string { return strings.ReplaceAll(x, "p:ISO5436_2", "p:ISO5436_3") }
		},
			kind: format, msg: `root element is "ISO5436_3"`},
		{name: "root ISO5436 profile", edit: func(s *spec) { s.feature = "PRF"; s.edit = oldRoot(nil) }, kind: unsupported, msg: "profile"},
		{name: "root ISO5436, point MD5 mismatch", edit: func(s *spec) { s.pointMD5 = strings.Repeat("0", 32); s.edit = oldRoot(nil) },
			kind: format, msg: "point data MD5 mismatch"},
		{name: "stale main.xml MD5, point MD5 mismatch", edit: func(s *spec) {
			s.pointMD5, s.checksum = strings.Repeat("0", 32), strings.Repeat("a", 32)+" *main.xml\n"
		}, kind: format, msg: "point data MD5 mismatch"},
		{name: "stale main.xml MD5, valid MD5 mismatch", edit: func(s *spec) {
			s.valid, s.validMD5, s.checksum = []byte{0x3f}, strings.Repeat("1", 32), strings.Repeat("a", 32)+" *main.xml\n"
		}, kind: format, msg: "valid-point bitmap MD5 mismatch"},
		{name: "empty CZ DataType", edit: func(s *spec) {
			s.edit = func(x string) string {
				return strings.Replace(x, "<AxisType>A</AxisType><DataType>D</DataType>", "<AxisType>A</AxisType><DataType/>", 1)
			}
		},
			kind: format, msg: "CZ/DataType missing"},
		{name: "empty SizeZ", edit: func(s *spec) {
			s.edit = func(x string) string { return strings.Replace(x, "<SizeZ>1</SizeZ>", "<SizeZ/>", 1) }
		},
			kind: format, msg: "SizeZ"},
		{name: "empty AxisType", edit: func(s *spec) {
			s.xType = "-"
			s.edit = func(x string) string { return strings.Replace(x, "<CX>", "<CX><AxisType/>", 1) }
		},
			kind: format, msg: "CX/AxisType missing"},
		{name: "truncated main.xml", in: zipOf(map[string]string{"main.xml": ok.mainXML()[:300]}), kind: io.ErrUnexpectedEOF, msg: "main.xml ends early"},
		{name: "absolute X axis", edit: func(s *spec) { s.xType = "A" }, kind: unsupported, msg: "CX axis is absolute"},
		{name: "absolute Y axis", edit: func(s *spec) { s.yType = "A" }, kind: unsupported, msg: "CY axis is absolute"},
		{name: "bad axis type", edit: func(s *spec) { s.xType = "Q" }, kind: format, msg: "CX/AxisType"},
		{name: "point cloud", edit: func(s *spec) { s.feature = "PCL" }, kind: unsupported, msg: "point cloud"},
		{name: "profile", edit: func(s *spec) { s.feature = "PRF" }, kind: unsupported, msg: "profile"},
		{name: "unknown feature", edit: func(s *spec) { s.feature = "XYZ" }, kind: format, msg: "FeatureType"},
		{name: "no feature", edit: func(s *spec) { s.feature = "-" }, kind: format, msg: "FeatureType missing"},
		{name: "list", edit: func(s *spec) { s.extra = "<ListDimension>6</ListDimension>" }, kind: unsupported, msg: "ListDimension"},
		{name: "SizeZ 2", edit: func(s *spec) { s.sizeZ = "2" }, kind: unsupported, msg: "SizeZ"},
		{name: "too large", edit: func(s *spec) { s.sizeX, s.sizeY = "100000", "100000" }, kind: geometry.ErrTooLarge},
		{name: "side too large", edit: func(s *spec) { s.sizeX = "200000000" }, kind: geometry.ErrTooLarge},
		{name: "size overflows", edit: func(s *spec) { s.sizeX = "99999999999999999999999" }, kind: geometry.ErrTooLarge},
		{name: "zero size", edit: func(s *spec) { s.sizeX = "0" }, kind: format},
		{name: "negative size", edit: func(s *spec) { s.sizeY = "-2" }, kind: format, msg: "SizeY"},
		{name: "missing size", edit: func(s *spec) { s.sizeY = "-" }, kind: format, msg: "SizeY missing"},
		{name: "data too short", edit: func(s *spec) { s.data = s.data[:40] }, kind: format, msg: "is 40 bytes, want 48"},
		{name: "data too long", edit: func(s *spec) { s.data = append(s.data, 0) }, kind: format, msg: "is 49 bytes, want 48"},
		{name: "data for float32", edit: func(s *spec) { s.zType = "F" }, kind: format, msg: "want 24"},
		{name: "point MD5 mismatch", edit: func(s *spec) { s.pointMD5 = strings.Repeat("0", 32) }, kind: format, msg: "point data MD5 mismatch"},
		{name: "malformed point MD5", edit: func(s *spec) { s.pointMD5 = "abc" }, kind: format, msg: "MD5ChecksumPointData"},
		{name: "valid MD5 mismatch", edit: func(s *spec) { s.valid = []byte{0x3f}; s.validMD5 = strings.Repeat("1", 32) }, kind: format, msg: "valid-point bitmap MD5 mismatch"},
		{name: "valid bitmap size", edit: func(s *spec) { s.valid = []byte{0x3f, 0} }, kind: format, msg: "is 2 bytes, want 1"},
		{name: "no point data member", edit: func(s *spec) { s.pointName = "bin/other.bin" }, kind: format, msg: "not in archive"},
		{name: "no PointDataLink", edit: func(s *spec) { s.pointLink = "-"; s.pointName = "bin/data.bin" }, kind: format, msg: "PointDataLink missing"},
		{name: "no CZ DataType", edit: func(s *spec) { s.zType = "-" }, kind: format, msg: "CZ/DataType missing"},
		{name: "bad CZ DataType", edit: func(s *spec) { s.zType = "C" }, kind: format, msg: "CZ/DataType"},
		{name: "zero increment", edit: func(s *spec) { s.dx = "0" }, kind: format, msg: "CX/Increment"},
		{name: "negative increment", edit: func(s *spec) { s.dy = "-1e-6" }, kind: unsupported, msg: "negative"},
		{name: "NaN increment", edit: func(s *spec) { s.dx = "NaN" }, kind: format, msg: "not a finite number"},
		{name: "huge increment", edit: func(s *spec) { s.dx = "1e305" }, kind: format, msg: "pitch"},
		{name: "bad offset", edit: func(s *spec) { s.x0 = "zero" }, kind: format, msg: "CX/Offset"},
		{name: "zero z increment", edit: func(s *spec) { s.zInc = "0" }, kind: format, msg: "CZ/Increment is 0"},
		{name: "repeated element", edit: func(s *spec) { s.extraMain = "<FeatureType>SUR</FeatureType>" }, kind: format, msg: "repeated"},
		{name: "DataLink and DataList", edit: func(s *spec) { s.extra = "<DataList><Datum>1</Datum></DataList>" }, kind: format, msg: "both"},
		{name: "DataList short", edit: func(s *spec) { s.datums = []string{"1", "2"} }, kind: format, msg: "DataList has 2 values, want 3×2"},
		{name: "DataList long", edit: func(s *spec) { s.datums = strings.Split("1 2 3 4 5 6 7", " ") }, kind: format, msg: "more than 3×2"},
		{name: "DataList vector", edit: func(s *spec) { s.datums = strings.Split("1;2;3 2 3 4 5 6", " ") }, kind: unsupported, msg: "several coordinates"},
		{name: "DataList text", edit: func(s *spec) { s.datums = strings.Split("1 2 x 4 5 6", " ") }, kind: format, msg: "not a number"},
		{name: "DataList cannot fit", edit: func(s *spec) { s.sizeX, s.sizeY, s.datums = "10000", "10000", []string{"1"} }, kind: format, msg: "cannot hold"},
		{name: "channel 1", opts: &geometry.Options{Channel: 1}, msg: "channel 1"},
		{name: "no point data", edit: func(s *spec) {
			s.edit = func(x string) string { return regexp.MustCompile(`<DataLink>.*</DataLink>`).ReplaceAllString(x, "") }
		}, kind: format, msg: "neither"},
		{name: "UTF-16 declared", edit: func(s *spec) {
			s.edit = func(x string) string { return strings.Replace(x, `encoding="UTF-8"`, `encoding="UTF-16"`, 1) }
		}, kind: unsupported, msg: "UTF-16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in == nil {
				s := ok
				s.data = append([]byte(nil), six...)
				if tc.edit != nil {
					tc.edit(&s)
				}
				in = s.build(t)
			}
			_, err := Decode(bytes.NewReader(in), tc.opts)
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), "x3p: "), err.Error())
			require.Contains(t, err.Error(), tc.msg)
			switch tc.kind {
			case format:
				var fe geometry.FormatError
				require.ErrorAs(t, err, &fe)
			case unsupported:
				var ue geometry.UnsupportedError
				require.ErrorAs(t, err, &ue)
			case nil:
			default:
				require.ErrorIs(t, err, tc.kind)
			}
		})
	}
}

// rawMember is a zip member written as given, sizes and CRC included.
type rawMember struct {
	name       string
	method     uint16
	data       []byte // as stored in the archive
	size       uint64 // declared uncompressed size
	crc        uint32
	compressed uint64 // declared compressed size; 0 means len(data)
}

func rawZip(t testing.TB, members ...rawMember) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range members {
		comp := m.compressed
		if comp == 0 {
			comp = uint64(len(m.data))
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: m.name, Method: m.method, CRC32: m.crc,
			CompressedSize64: comp, UncompressedSize64: m.size})
		require.NoError(t, err)
		_, err = w.Write(m.data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// deflate returns b deflated by compress/flate at level.
func deflate(t testing.TB, b []byte, level int) []byte {
	var out bytes.Buffer
	w, err := flate.NewWriter(&out, level)
	require.NoError(t, err)
	_, err = w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return out.Bytes()
}

// requireSameBits fails unless got holds the heights of want bit for bit
// (NaNs included); how names got.
func requireSameBits(t testing.TB, want, got []float64, how string) {
	t.Helper()
	require.Len(t, got, len(want), how)
	for i, w := range want {
		if math.Float64bits(w) != math.Float64bits(got[i]) {
			t.Fatalf("pixel %d: %v %s, %v wanted", i, got[i], how, w)
		}
	}
}

// TestDecodeLyingMembers checks members whose zip directory entries lie
// about their sizes or contents (zip bombs, corruption).
func TestDecodeLyingMembers(t *testing.T) {
	s := spec{cols: 3, rows: 2, data: raw("D", []float64{1, 2, 3, 4, 5, 6}), pointMD5: "-", checksum: "-"}
	mainXML := []byte(s.mainXML())
	mainMember := rawMember{name: "main.xml", method: zip.Store, data: mainXML, size: uint64(len(mainXML)), crc: crc32.ChecksumIEEE(mainXML)}
	big := make([]byte, 1<<20) // zeros: compresses about 1000:1
	for _, tc := range []struct {
		name string
		data rawMember
		main *rawMember // replaces main.xml
		kind error
		msg  string
	}{
		{name: "expands past declared size", kind: zip.ErrFormat,
			data: rawMember{name: "bin/data.bin", method: zip.Deflate, data: deflate(t, big, flate.BestCompression), size: 48, crc: crc32.ChecksumIEEE(big[:48])}},
		{name: "declares more than deflate can hold", msg: "cannot hold",
			main: &rawMember{name: "main.xml", method: zip.Deflate, data: []byte{3, 0}, size: 100 << 20}},
		{name: "main.xml too large", msg: "more than",
			main: &rawMember{name: "main.xml", method: zip.Deflate, data: []byte{3, 0}, size: MaxMainXMLSize + 1}},
		{name: "stored size mismatch", msg: "stored member",
			data: rawMember{name: "bin/data.bin", method: zip.Store, data: make([]byte, 40), size: 48}},
		{name: "bad CRC", kind: zip.ErrChecksum,
			data: rawMember{name: "bin/data.bin", method: zip.Store, data: s.data, size: 48, crc: 1}},
		{name: "unknown method", msg: "compression method 99",
			data: rawMember{name: "bin/data.bin", method: 99, data: s.data, size: 48}},
		{name: "compressed size past end", kind: io.ErrUnexpectedEOF,
			data: rawMember{name: "bin/data.bin", method: zip.Deflate, data: deflate(t, s.data, flate.BestCompression), size: 48, compressed: 1 << 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mm := mainMember
			if tc.main != nil {
				mm = *tc.main
			}
			in := rawZip(t, mm, tc.data)
			_, err := Decode(bytes.NewReader(in), nil)
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), "x3p: "), err.Error())
			if tc.kind != nil {
				require.ErrorIs(t, err, tc.kind)
			}
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}

// smallFile is a valid archive using every optional part: scale, offset,
// bitmap, deflate, checksum file, nested folder.
func smallFile(t testing.TB) []byte {
	vals := []float64{-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8}
	return spec{cols: 4, rows: 3, zType: "L", zInc: "1e-9", zOff: "1e-6", x0: "1e-4", dir: "top/",
		method: zip.Deflate, data: raw("L", vals),
		valid: bitmap([]bool{true, true, false, true, true, true, true, true, true, true, true, false})}.build(t)
}

func TestDecodeTruncated(t *testing.T) {
	whole := smallFile(t)
	_, err := Decode(bytes.NewReader(whole), nil)
	require.NoError(t, err)
	for n := range len(whole) {
		for _, plain := range []bool{false, true} {
			var r io.Reader = bytes.NewReader(whole[:n])
			if plain {
				r = struct{ io.Reader }{r}
			}
			_, err := Decode(r, nil)
			require.Errorf(t, err, "truncated at %d", n)
			require.True(t, strings.HasPrefix(err.Error(), "x3p: "), err.Error())
			_, err = DecodeConfig(bytes.NewReader(whole[:n]), nil)
			require.Errorf(t, err, "truncated at %d", n)
		}
	}
}

// TestDecodeCorrupt flips each byte of a small file in turn: every change
// to a member's data must be caught (CRC, MD5 or parse), never panic.
func TestDecodeCorrupt(t *testing.T) {
	whole := smallFile(t)
	zr, err := zip.NewReader(bytes.NewReader(whole), int64(len(whole)))
	require.NoError(t, err)
	changed, same := 0, 0
	defer func() {
		t.Logf("%d changes caught, %d left the content unchanged", changed, same)
		require.Less(t, same, changed/20)
	}()
	for _, f := range zr.File {
		off, err := f.DataOffset()
		require.NoError(t, err)
		for i := off; i < off+int64(f.CompressedSize64); i++ {
			b := bytes.Clone(whole)
			b[i] ^= 0x55
			if sameContent(t, whole, b, f.Name) {
				same++
				continue // a change in deflate padding bits
			}
			changed++
			_, err := Decode(bytes.NewReader(b), nil)
			require.Errorf(t, err, "byte %d of %s changed", i-off, f.Name)
		}
	}
}

// sameContent reports whether member name reads back unchanged, CRC
// included, from archive b as from archive a.
func sameContent(t *testing.T, a, b []byte, name string) bool {
	read := func(arc []byte) ([]byte, error) {
		zr, err := zip.NewReader(bytes.NewReader(arc), int64(len(arc)))
		if err != nil {
			return nil, err
		}
		rc, err := zr.Open(name)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	want, err := read(a)
	require.NoError(t, err)
	got, err := read(b)
	return err == nil && bytes.Equal(want, got)
}

func TestDecodeConfig(t *testing.T) {
	s := spec{cols: 7, rows: 5, dx: "2.5e-6", dy: "1e-6", x0: "-0.001", y0: "0.002", data: raw("D", make([]float64, 35))}
	c, err := DecodeConfig(bytes.NewReader(s.build(t)), nil)
	require.NoError(t, err)
	require.Equal(t, "x3p", c.Format)
	require.Equal(t, 7, c.Cols)
	require.Equal(t, 5, c.Rows)
	require.InDelta(t, 2.5, c.Pitch.X, 1e-12) // µm
	require.InDelta(t, 1, c.Pitch.Y, 1e-12)
	require.InDelta(t, -1000, c.Offset.X, 1e-9)
	require.InDelta(t, 2000, c.Offset.Y, 1e-9)

	// DecodeConfig reads main.xml only: a missing data member or a wrong
	// checksum does not matter to it.
	s.pointName, s.checksum = "elsewhere/x.bin", strings.Repeat("0", 32)
	_, err = DecodeConfig(bytes.NewReader(s.build(t)), nil)
	require.NoError(t, err)
	_, err = Decode(bytes.NewReader(s.build(t)), nil)
	require.Error(t, err)

	s.feature = "PCL"
	_, err = DecodeConfig(bytes.NewReader(s.build(t)), nil)
	var ue geometry.UnsupportedError
	require.ErrorAs(t, err, &ue)
}

func TestRegistered(t *testing.T) {
	in := smallFile(t)
	m, name, err := geometry.Decode(bytes.NewReader(in), nil)
	require.NoError(t, err)
	require.Equal(t, "x3p", name)
	require.Equal(t, 10, m.ValidCount()) // 12 points, 2 marked invalid in smallFile
	c, err := geometry.DecodeConfig(struct{ io.Reader }{bytes.NewReader(in)}, nil)
	require.NoError(t, err)
	require.Equal(t, "x3p", c.Format)
	require.Equal(t, 4, c.Cols)
}

func TestMatch(t *testing.T) {
	local := func(name string) []byte {
		h := make([]byte, 30, 30+len(name))
		copy(h, "PK\x03\x04")
		h[26] = byte(len(name))
		return append(h, name...)
	}
	for _, tc := range []struct {
		name string
		head []byte
		want bool
	}{
		{"main.xml", local("main.xml"), true},
		{"nested", local("scan/main.xml"), true},
		{"checksum first", local("md5checksum.hex"), true},
		{"short head", []byte("PK\x03\x04"), true},
		{"epub", local("mimetype"), false},
		{"office", local("[Content_Types].xml"), false},
		{"sensofar plux index", local("index.xml"), false},
		{"sensofar plux layer", local("LAYER_0.raw"), false},
		{"jar", local("META-INF/MANIFEST.MF"), false},
		{"not zip", []byte("GWYP"), false},
		{"empty", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, match(tc.head))
		})
	}
}

// Sample files written by an independent generator (../../../shared/samples,
// see its README): their truth files give the size and pixel pitch.
var samples = []struct {
	name  string
	valid int // valid pixels: this decoder, confirmed by Gwyddion 2.62's mask (TestGwyddionReadsSamples)
}{
	{"mt16-sample", 1274328},
	{"mt32-sample", 1274332},
}

const samplesDir = "/work/shared/samples/"

func TestSamples(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			f, err := os.Open(samplesDir + s.name + ".x3p")
			if err != nil {
				t.Skip("sample absent:", err)
			}
			defer f.Close()
			var truth struct {
				PixelUm float64 `json:"pixel_um"`
				Nx, Ny  int
			}
			b, err := os.ReadFile(samplesDir + s.name + ".truth.json")
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &truth))

			c, err := DecodeConfig(f, nil)
			require.NoError(t, err)
			require.Equal(t, truth.Nx, c.Cols)
			require.Equal(t, truth.Ny, c.Rows)
			_, err = f.Seek(0, io.SeekStart)
			require.NoError(t, err)
			m, err := Decode(f, nil)
			require.NoError(t, err)
			require.Equal(t, truth.Nx, m.Cols())
			require.Equal(t, truth.Ny, m.Rows())
			require.InDelta(t, truth.PixelUm, m.Pitch.X, 1e-12)
			require.InDelta(t, truth.PixelUm, m.Pitch.Y, 1e-12)
			require.Equal(t, r2.Vec{}, m.Offset)
			st := m.Stats()
			t.Logf("%s: %v, valid %d, invalid %d, mean %.6f µm, rms %.6f µm, min %.4f, max %.4f",
				s.name, m, st.Valid, st.Invalid, st.Mean, st.RMS, st.Min, st.Max)
			require.Equal(t, s.valid, st.Valid)
			// The generator drops 1 % of pixels at random and blanks two guide
			// holes: about 4–5 % invalid in all.
			require.InDelta(t, 0.05, float64(st.Invalid)/float64(st.Valid+st.Invalid), 0.03)
		})
	}
}

func benchmarkDecode(b *testing.B, method uint16) {
	const cols, rows = 2233, 600 // the size of the shared samples
	z := make([]float64, cols*rows)
	for i := range z {
		c, r := float64(i%cols), float64(i/cols)
		z[i] = 1e-6 * (0.01*c - 0.02*r + math.Sin(c/50)*math.Cos(r/30)) // metres
	}
	in := spec{cols: cols, rows: rows, dx: "3e-6", dy: "3e-6", data: raw("D", z), method: method}.build(b)
	b.SetBytes(int64(len(z) * 8))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(in), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(z))*float64(b.N)/b.Elapsed().Seconds(), "px/s")
}

func BenchmarkDecodeStored(b *testing.B)   { benchmarkDecode(b, zip.Store) }
func BenchmarkDecodeDeflated(b *testing.B) { benchmarkDecode(b, zip.Deflate) }

func BenchmarkEncode(b *testing.B) {
	m := geometry.New(2233, 600, r2.Vec{X: 3, Y: 3})
	for i := range m.Z {
		m.Z[i] = 0.01*float64(i%2233) + math.Sin(float64(i)/77)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Encode(io.Discard, m, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeCorruptMembers checks that a member whose deflate data are
// corrupt, or whose CRC-32 does not match, gives a geometry.FormatError
// naming the member (errors.As-able), as geometry/plu does, still
// wrapping the archive/zip or compress/flate error.
func TestDecodeCorruptMembers(t *testing.T) {
	s := spec{cols: 3, rows: 2, data: raw("D", []float64{1, 2, 3, 4, 5, 6}),
		valid: bitmap([]bool{true, true, true, true, false, true})}
	mainXML := []byte(s.mainXML())
	sum := []byte(hexMD5(mainXML) + " *main.xml\n")
	good := map[string][]byte{"main.xml": mainXML, "bin/data.bin": s.data, "bin/valid.bin": s.valid, "md5checksum.hex": sum}
	names := []string{"main.xml", "bin/data.bin", "bin/valid.bin", "md5checksum.hex"}
	// archive returns every member deflated, except bad, whose deflate
	// stream is replaced by bytes that are none (block type 3, reserved)
	// or, with crc set, stored with a wrong CRC-32.
	archive := func(bad string, crc bool) []byte {
		var ms []rawMember
		for _, n := range names {
			b := good[n]
			m := rawMember{name: n, method: zip.Deflate, data: deflate(t, b, flate.BestCompression), size: uint64(len(b)), crc: crc32.ChecksumIEEE(b)}
			switch {
			case n == bad && crc:
				m.method, m.data, m.crc = zip.Store, b, m.crc^1
			case n == bad:
				m.data = bytes.Repeat([]byte{0xff}, 8)
			}
			ms = append(ms, m)
		}
		return rawZip(t, ms...)
	}
	_, err := Decode(bytes.NewReader(archive("", false)), nil)
	require.NoError(t, err)
	for _, n := range names {
		for _, crc := range []bool{false, true} {
			name := n + " corrupt deflate"
			var kind error
			if crc {
				name, kind = n+" CRC mismatch", zip.ErrChecksum
			}
			t.Run(name, func(t *testing.T) {
				_, err := Decode(bytes.NewReader(archive(n, crc)), nil)
				var fe geometry.FormatError
				decodetest.RequireError(t, err, "x3p", nil, &fe)
				require.Contains(t, err.Error(), n)
				if crc {
					require.ErrorIs(t, err, kind)
				} else {
					var ce flate.CorruptInputError
					require.ErrorAs(t, err, &ce)
				}
				if n == "main.xml" && !crc {
					_, err := DecodeConfig(bytes.NewReader(archive(n, crc)), nil)
					decodetest.RequireError(t, err, "x3p", nil, &fe)
					require.Contains(t, err.Error(), "main.xml")
				}
			})
		}
	}
}
