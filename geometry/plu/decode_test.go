package plu

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/mtgeo/mtgeo/geometry/internal/gwyref"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.plu[x] and, with gwyddion installed, their Gwyddion goldens")

var nan32 = float32(math.NaN())

// sample is a test file and what it holds.
type sample struct {
	b     []byte
	cols  int
	rows  int
	pitch r2.Vec // µm
	z     []float64
	nan   int // invalid pixels
}

func f64(v float32) float64 { return float64(v) }

// samples builds the synthetic files committed under testdata/
// (regenerated with -update), described in testdata/README.md.
func samples(t testing.TB) map[string]sample {
	// Two points not measured (1000001), as SensoSCAN writes them.
	topo := surface(6, 5, 2, [3]float32{1, 0, lostPixel}, [3]float32{4, 3, lostPixel})
	l0 := surface(5, 4, -0.5, [3]float32{0, 3, lostPixel})
	l1 := surface(5, 4, 3)
	// NaN marks points not measured in .plux files.
	px := surface(6, 5, 1.5, [3]float32{2, 0, nan32}, [3]float32{5, 4, nan32}, [3]float32{0, 2, nan32})
	p2a, p2b := surface(4, 3, 0.25), surface(4, 3, -1, [3]float32{3, 2, nan32})
	return map[string]sample{
		"topo.plu": {
			b:    pluFile{mppx: 0.332, mppy: 0.332, images: 1, layers: []grid{topo}, tail: []byte("OPERATOR\x00SAMPLE\x00")}.bytes(),
			cols: 6, rows: 5, pitch: r2.Vec{X: f64(0.332), Y: f64(0.332)}, z: topo.want(lostPixel), nan: 2,
		},
		"layers.plu": {
			b:    pluFile{date: "Fri Mar 10 16:35:59 2023", mppx: 1.66, mppy: 0.83, version: 0xff, layers: []grid{l0, l1}}.bytes(),
			cols: 5, rows: 4, pitch: r2.Vec{X: f64(1.66), Y: f64(0.83)}, z: l0.want(lostPixel), nan: 1,
		},
		"topo.plux": {
			b:    pluxFile{fovX: "0.645", fovY: "0.645", method: zip.Deflate, layers: []grid{px}}.bytes(t),
			cols: 6, rows: 5, pitch: r2.Vec{X: 0.645, Y: 0.645}, z: px.want(nan32), nan: 3,
		},
		"layers.plux": {
			b: pluxFile{fovX: "1.29", fovY: "0.43", method: zip.Store, layers: []grid{p2a, p2b}, indexFirst: true,
				extra: []member{{"recipe.txt", []byte("<xml><MEASUREMENT_CONFIG><TYPE>3</TYPE></MEASUREMENT_CONFIG></xml>"), zip.Deflate}}}.bytes(t),
			cols: 4, rows: 3, pitch: r2.Vec{X: 1.29, Y: 0.43}, z: p2a.want(nan32), nan: 0,
		},
	}
}

func TestDecode(t *testing.T) {
	for name, s := range samples(t) {
		t.Run(name, func(t *testing.T) {
			m, err := decodetest.DecodeBoth(t, s.b, Decode, nil)
			require.NoError(t, err)
			require.Equal(t, s.cols, m.Cols())
			require.Equal(t, s.rows, m.Rows())
			require.Equal(t, s.pitch, m.Pitch)
			require.Equal(t, r2.Vec{}, m.Offset)
			require.Empty(t, m.Warnings)
			decodetest.RequireHeights(t, s.z, m, 0) // float32 µm, exactly
			require.Equal(t, s.nan, m.Stats().Invalid)

			c, err := DecodeConfig(bytes.NewReader(s.b), nil)
			require.NoError(t, err)
			format := NamePLU
			if strings.HasSuffix(name, ".plux") {
				format = NamePLUX
			}
			require.Equal(t, geometry.Config{Format: format, Cols: s.cols, Rows: s.rows, Pitch: s.pitch}, c)
		})
	}
}

func TestDecodeHandValues(t *testing.T) {
	// Row by row: the first stored row is row 0, so the layer
	// [[1 1000001] [-2.5 NaN]] is Z = 1, NaN, -2.5, NaN.
	g := grid{{1, lostPixel}, {-2.5, nan32}}
	b := pluFile{mppx: 2, mppy: 3, layers: []grid{g}}.bytes()
	m, err := Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, r2.Vec{X: 2, Y: 3}, m.Pitch)
	require.Equal(t, 1.0, m.At(0, 0))
	require.True(t, math.IsNaN(m.At(1, 0)))
	require.Equal(t, -2.5, m.At(0, 1))
	require.True(t, math.IsNaN(m.At(1, 1)))
	// .plux: NaN and ±Inf are invalid; 1000001 is a height there.
	inf := float32(math.Inf(1))
	b = pluxFile{fovX: "0.5", fovY: "0.25", layers: []grid{{{1000001, inf}, {-inf, nan32}, {0, -7}}}}.bytes(t)
	m, err = Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, 2, m.Cols())
	require.Equal(t, 3, m.Rows())
	require.Equal(t, r2.Vec{X: 0.5, Y: 0.25}, m.Pitch)
	decodetest.RequireHeights(t, []float64{1000001, math.NaN(), math.NaN(), math.NaN(), 0, -7}, m, 0)
}

func TestChannels(t *testing.T) {
	a, b := surface(3, 2, 1), surface(2, 4, -1, [3]float32{1, 1, lostPixel})
	for _, tc := range []struct {
		name string
		file []byte
	}{
		// Each .plu layer is followed by its min/max and its RGB images.
		{"plu", pluFile{mppx: 1, mppy: 1, images: 2, layers: []grid{a, b}}.bytes()},
		// LAYER_5 has no FILENAME_Z and is not a channel (as in Gwyddion);
		// LAYER_1 comes before LAYER_0 in the index.
		{"plux", pluxFile{fovX: "1", fovY: "1", index: `<xml><GENERAL><IMAGE_SIZE_X>3</IMAGE_SIZE_X>
			<IMAGE_SIZE_Y>2</IMAGE_SIZE_Y><FOV_X>1</FOV_X><FOV_Y>1</FOV_Y></GENERAL>
			<LAYER_5><POSITION_Z>1</POSITION_Z></LAYER_5>
			<LAYER_1><FILENAME_Z>LAYER_1.raw</FILENAME_Z></LAYER_1>
			<LAYER_0><FILENAME_Z>LAYER_0.raw</FILENAME_Z></LAYER_0></xml>`,
			layers: []grid{b.reshape(3, 2), a}}.bytes(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, bad := []grid{a, b}, float32(lostPixel)
			if tc.name == "plux" {
				want, bad = []grid{a, b.reshape(3, 2)}, nan32
			}
			for ch, g := range want {
				opts := &geometry.Options{Channel: ch}
				m, err := decodetest.DecodeBoth(t, tc.file, Decode, opts)
				require.NoError(t, err)
				require.Equal(t, g.cols(), m.Cols())
				decodetest.RequireHeights(t, g.want(bad), m, 0)
				c, err := DecodeConfig(bytes.NewReader(tc.file), opts)
				require.NoError(t, err)
				require.Equal(t, g.rows(), c.Rows)
			}
			_, err := Decode(bytes.NewReader(tc.file), &geometry.Options{Channel: 2})
			decodetest.RequireError(t, err, "plu", nil, nil)
			require.ErrorContains(t, err, "2 layers")
			_, err = DecodeConfig(bytes.NewReader(tc.file), &geometry.Options{Channel: -1})
			decodetest.RequireError(t, err, "plu", nil, nil)
		})
	}
}

// reshape returns g's values as a cols×rows grid.
func (g grid) reshape(cols, rows int) grid {
	var all []float32
	for _, row := range g {
		all = append(all, row...)
	}
	out := make(grid, rows)
	for r := range out {
		out[r] = all[r*cols : (r+1)*cols]
	}
	return out
}

func TestVersions(t *testing.T) {
	// Every format version byte Gwyddion names: 0x00 (2000), 0xfa–0xff
	// (2013 … 2006); 0xf0 is the lowest its detection accepts.
	s := samples(t)["topo.plu"]
	for _, v := range []byte{0x00, 0xf0, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff} {
		b := decodetest.Patch(s.b, offVersion, v)
		require.True(t, matchPLU(b), "version 0x%02x", v)
		m, err := Decode(bytes.NewReader(b), nil)
		require.NoError(t, err, "version 0x%02x", v)
		decodetest.RequireHeights(t, s.z, m, 0)
	}
}

func TestWarnings(t *testing.T) {
	g := surface(4, 3, 1)
	for _, tc := range []struct {
		name  string
		file  []byte
		opts  *geometry.Options
		pitch r2.Vec
		warn  string
	}{
		{"calibration size differs", pluFile{mppx: 1, mppy: 1, calCols: 40, calRows: 30, layers: []grid{g}}.bytes(), nil,
			r2.Vec{X: 1, Y: 1}, "calibration block says 40×30"},
		// Gwyddion takes the magnitude too.
		{"negative pitch", pluFile{mppx: -0.5, mppy: 0.5, layers: []grid{g}}.bytes(), nil,
			r2.Vec{X: 0.5, Y: 0.5}, "negative pixel size"},
		{"zero pitch", pluFile{layers: []grid{g}}.bytes(), &geometry.Options{Pitch: r2.Vec{X: 2, Y: 3}},
			r2.Vec{X: 2, Y: 3}, "replaced by Options.Pitch"},
		{"negative FOV", pluxFile{fovX: "1", fovY: "-1", layers: []grid{g}}.bytes(t), nil,
			r2.Vec{X: 1, Y: 1}, "negative pixel size FOV_X×FOV_Y"},
		{"layer member too long", pluxFile{fovX: "1", fovY: "1", layers: []grid{g},
			index: strings.Replace(pluxFile{fovX: "1", fovY: "1", layers: []grid{g}}.indexXML(), "<IMAGE_SIZE_Y>3<", "<IMAGE_SIZE_Y>2<", 1)}.bytes(t), nil,
			r2.Vec{X: 1, Y: 1}, "16 bytes more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(tc.file), tc.opts)
			require.NoError(t, err)
			require.Equal(t, tc.pitch, m.Pitch)
			require.Len(t, m.Warnings, 1)
			require.Contains(t, m.Warnings[0], tc.warn)
			c, err := DecodeConfig(bytes.NewReader(tc.file), tc.opts)
			require.NoError(t, err)
			require.Equal(t, tc.pitch, c.Pitch)

			strict := &geometry.Options{Strict: true}
			if tc.opts != nil {
				strict.Pitch = tc.opts.Pitch
			}
			_, _, err = geometry.ReadFile(tempFile(t, tc.file), strict)
			var se geometry.StrictError
			require.ErrorAs(t, err, &se)
		})
	}
}

// tempFile writes b to a temporary file named by its variant (.plu or
// .plux) and returns its path. Through a file name the registry tells a
// .plux from an X3P whatever the order of registration (see TestFormats).
func tempFile(t *testing.T, b []byte) string {
	name := "x.plu"
	if bytes.HasPrefix(b, []byte(zipMagic)) {
		name = "x.plux"
	}
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

func TestMatch(t *testing.T) {
	s := samples(t)
	plu, plux := s["topo.plu"].b, s["topo.plux"].b
	date := func(d string) []byte { c := decodetest.Patch(plu, 0, make([]byte, dateSize)...); copy(c, d); return c }
	x3p := zipFile(t, member{"main.xml", []byte("<p:ISO5436_2 xmlns:p=\"http://www.opengps.eu/2008/ISO5436_2\"/>"), zip.Deflate},
		member{"bindata/data.bin", make([]byte, 64), zip.Store}, member{"md5checksum.hex", []byte("00"), zip.Store})
	notPLUXIndex := zipFile(t, member{"index.xml", []byte("<?xml version=\"1.0\"?><xml><Version>1</Version></xml>"), zip.Deflate},
		member{"data.bin", make([]byte, 64), zip.Store})
	for _, tc := range []struct {
		name      string
		head      []byte
		plu, plux bool
	}{
		{"plu", plu, true, false},
		{"layers.plu", s["layers.plu"].b, true, false},
		{"plux, layers first", plux, false, true},
		{"plux, index first, stored", s["layers.plux"].b, false, true},
		{"plux, deflated index first", pluxFile{fovX: "1", fovY: "1", method: zip.Deflate, layers: []grid{surface(3, 3, 1)}, indexFirst: true}.bytes(t), false, true},
		{"plux, thumbnail first", zipFile(t, member{"z.thumbnail", make([]byte, 8000), zip.Store}, member{"LAYER_0.raw", nil, zip.Store}), false, false},
		{"plux, stack first", zipFile(t, member{"LAYER_0.stack.raw", make([]byte, 100), zip.Deflate}), false, true},
		{"x3p", x3p, false, false},
		{"zip with another index.xml", notPLUXIndex, false, false},
		{"LAYER_x.raw", zipFile(t, member{"LAYER_x.raw", nil, zip.Store}), false, false},
		{"ctime with padded day", date("Mon Apr  9 11:40:13 2021\n"), true, false},
		{"ctime, 23 bytes", date("Mon Apr 9 11:40:13 2021"), true, false},
		{"lower-case day", date("mon Apr 19 11:40:13 2021"), false, false},
		{"no such month", date("Mon Apx 19 11:40:13 2021"), false, false},
		{"hour 24", date("Mon Apr 19 24:40:13 2021"), false, false},
		{"ISO date", date("2021-04-19 11:40:13"), false, false},
		{"byte 24 not a terminator", date("Mon Apr 19 11:40:13 2021X"), false, false},
		{"version 0x10", decodetest.Patch(plu, offVersion, 0x10), false, false},
		{"header cut", plu[:headerSize-1], false, false},
		{"text starting with a date", []byte("Mon Apr 19 11:40:13 2021\n" + strings.Repeat("measurement log\n", 40)), false, false},
		{"empty", nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head := tc.head[:min(len(tc.head), geometry.SniffLen)]
			require.Equal(t, tc.plu, matchPLU(head), "plu")
			require.Equal(t, tc.plux, matchPLUX(head), "plux")
		})
	}
}

func TestRegistry(t *testing.T) {
	s := samples(t)
	for name, want := range map[string]string{"topo.plu": NamePLU, "topo.plux": NamePLUX, "layers.plux": NamePLUX} {
		path := tempFile(t, s[name].b)
		m, format, err := geometry.ReadFile(path, nil)
		require.NoError(t, err)
		require.Equal(t, want, format)
		require.Equal(t, s[name].cols, m.Cols())
		c, err := geometry.ReadFileConfig(path, nil)
		require.NoError(t, err)
		require.Equal(t, want, c.Format)
	}
	// Through a stream, without a name: .plu has no rival.
	m, format, err := geometry.Decode(decodetest.StreamOnly{Reader: bytes.NewReader(s["layers.plu"].b)}, nil)
	require.NoError(t, err)
	require.Equal(t, NamePLU, format)
	require.Equal(t, 5, m.Cols())
}

func TestErrors(t *testing.T) {
	s := samples(t)
	good := s["topo.plu"].b
	patch := decodetest.Patch
	u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	f32 := func(v float32) []byte { return u32(math.Float32bits(v)) }
	g := surface(4, 3, 1)
	one := pluFile{mppx: 1, mppy: 1, layers: []grid{g}}.bytes()
	// A 10000×10000 layer announced, 12 heights present.
	lying := patch(one, headerSize, append(u32(10000), u32(10000)...)...)
	isFormat, isEOF, isUnsupported := decodetest.IsFormat, decodetest.IsUnexpectedEOF, decodetest.IsUnsupported
	for _, tc := range []struct {
		name  string
		in    []byte
		check func(t *testing.T, err error)
	}{
		{"empty", nil, isFormat},
		{"not a date", patch(good, 0, 'X'), isFormat},
		{"date only", good[:30], isEOF},
		{"header cut", good[:headerSize-1], isEOF},
		{"version byte 0x42", patch(good, offVersion, 0x42), isFormat},
		// Measurement types (Gwyddion's sensofar module names them).
		{"confocal image", patch(good, offType, 0), isUnsupported},
		{"profile", patch(good, offType, 1), isUnsupported},
		{"multiple profile", patch(good, offType, 2), isUnsupported},
		{"coordinates multiple profile", patch(good, offType, 4), isUnsupported},
		{"single point thickness", patch(good, offType, 5), isUnsupported},
		{"custom application", patch(good, offType, 6), isUnsupported},
		{"coordinates topography map", patch(good, offType, 7), isUnsupported},
		{"coordinates thickness map", patch(good, offType, 8), isUnsupported},
		{"type 0x01000003", patch(good, offType, 3, 0, 0, 1), isUnsupported},
		{"no layers", patch(good, offLayers, 0), isFormat},
		{"layer size cut", good[:headerSize+5], isEOF},
		{"heights cut", good[:headerSize+layerHead+20], isEOF},
		{"min/max cut", one[:len(one)-1], isEOF},
		{"zero columns", patch(good, headerSize+4, 0, 0, 0, 0), isFormat},
		{"65536×65536 layer", patch(good, headerSize, append(u32(1<<16), u32(1<<16)...)...), decodetest.IsTooLarge},
		{"2^32−1 rows", patch(good, headerSize, 0xff, 0xff, 0xff, 0xff), decodetest.IsTooLarge},
		{"10000×10000 announced, 12 heights present", lying, isEOF},
		{"zero pitch", patch(one, offMPPX, f32(0)...), isFormat},
		{"NaN pitch", patch(one, offMPPY, f32(nan32)...), isFormat},
		{"pitch 2 m", patch(one, offMPPX, f32(2e6)...), isFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(tc.in), nil)
			decodetest.RequireError(t, err, "plu", nil, nil)
			require.Nil(t, m)
			tc.check(t, err)
		})
	}
	_, err := Decode(bytes.NewReader(pluFile{mppx: 1, mppy: 1, numLayers: 2, layers: []grid{g}}.bytes()), &geometry.Options{Channel: 1})
	isEOF(t, err)
	_, err = Decode(bytes.NewReader(patch(one, offMPPX, f32(0)...)), &geometry.Options{Pitch: r2.Vec{X: -1, Y: 1}})
	isFormat(t, err)
}

func TestErrorsPLUX(t *testing.T) {
	s := samples(t)
	good := s["topo.plux"].b
	g := surface(4, 3, 1)
	base := pluxFile{fovX: "1", fovY: "1", layers: []grid{g}}
	index := base.indexXML()
	withIndex := func(ix string) []byte { b := base; b.index = ix; return b.bytes(t) }
	replace := func(pairs ...string) []byte { return withIndex(replaceAll(index, pairs...)) }
	raw := member{"LAYER_0.raw", g.le(), zip.Store}
	ixm := member{"index.xml", []byte(index), zip.Deflate}
	// A stored member whose CRC-32 does not match: flip a height byte.
	crc := zipFile(t, raw, ixm)
	crc[bytes.Index(crc, g.le())] ^= 1
	// Deflated members whose data are not deflate streams.
	corrupt := func(name string, data []byte) []byte {
		b := zipFile(t, member{"LAYER_0.raw", g.le(), zip.Deflate}, member{"index.xml", []byte(index), zip.Deflate})
		i := bytes.Index(b, []byte(name)) + len(name) // first local header's name
		for k := range 8 {
			b[i+k] = data[k%len(data)]
		}
		return b
	}
	isFormat, isEOF := decodetest.IsFormat, decodetest.IsUnexpectedEOF
	for _, tc := range []struct {
		name  string
		in    []byte
		check func(t *testing.T, err error)
	}{
		{"zip header only", good[:30], isEOF},
		{"no central directory", good[:len(good)-30], isEOF},
		{"no index.xml", zipFile(t, raw), isFormat},
		{"unbalanced index, no fields", withIndex("<xml><GENERAL></xml>"), isFormat},
		{"index not XML", withIndex("<xml><GENERAL><FOV_X a=></GENERAL></xml>"), isFormat},
		{"index of another format", withIndex("<xml><Version>1</Version></xml>"), isFormat},
		{"no IMAGE_SIZE_Y", replace("<IMAGE_SIZE_Y>3</IMAGE_SIZE_Y>", ""), isFormat},
		{"no FOV_X", replace("<FOV_X>1</FOV_X>", ""), isFormat},
		{"size not a number", replace("<IMAGE_SIZE_X>4<", "<IMAGE_SIZE_X>4.0<"), isFormat},
		{"size zero", replace("<IMAGE_SIZE_X>4<", "<IMAGE_SIZE_X>0<"), isFormat},
		{"size negative", replace("<IMAGE_SIZE_X>4<", "<IMAGE_SIZE_X>-4<"), isFormat},
		{"100000×100000", replace("<IMAGE_SIZE_Y>3<", "<IMAGE_SIZE_Y>100000<", "<IMAGE_SIZE_X>4<", "<IMAGE_SIZE_X>100000<"), decodetest.IsTooLarge},
		{"size 2^40", replace("<IMAGE_SIZE_X>4<", "<IMAGE_SIZE_X>1099511627776<"), decodetest.IsTooLarge},
		{"size 2^70", replace("<IMAGE_SIZE_X>4<", "<IMAGE_SIZE_X>1180591620717411303424<"), isFormat},
		{"FOV not a number", replace("<FOV_X>1<", "<FOV_X>1,5<"), isFormat},
		{"FOV zero", replace("<FOV_Y>1<", "<FOV_Y>0<"), isFormat},
		{"FOV infinite", replace("<FOV_Y>1<", "<FOV_Y>+Inf<"), isFormat},
		{"no layers", replace("<FILENAME_Z>LAYER_0.raw</FILENAME_Z>", ""), isFormat},
		{"layer member missing", replace("LAYER_0.raw</FILENAME_Z>", "LAYER_7.raw</FILENAME_Z>"), isFormat},
		{"layer member short", replace("<IMAGE_SIZE_Y>3<", "<IMAGE_SIZE_Y>4<"), isFormat},
		{"deep XML", withIndex(strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)), isFormat},
		{"CRC mismatch", crc, isFormat},
		{"corrupt deflated layer", corrupt("LAYER_0.raw", []byte{0xff}), isFormat},
		{"corrupt deflated index", corrupt("index.xml", []byte{0xff}), isFormat},
		{"bzip2 member", zipFile(t, member{"LAYER_0.raw", g.le(), methodBzip2}, ixm), decodetest.IsUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(tc.in), nil)
			decodetest.RequireError(t, err, "plu", nil, nil)
			require.Nil(t, m)
			tc.check(t, err)
		})
	}
}

// replaceAll replaces, once each, pairs old, new in s.
func replaceAll(s string, pairs ...string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// TestTruncationsPLU cuts a file at every length and requires a truncated
// file to fail with io.ErrUnexpectedEOF, and the full one not to.
func TestTruncationsPLU(t *testing.T) {
	b := pluFile{mppx: 1, mppy: 1, layers: []grid{surface(3, 2, 1)}}.bytes()
	for n := 25; n < len(b); n++ {
		for kind, r := range decodetest.Readers(b[:n]) {
			_, err := Decode(r(), nil)
			require.ErrorIs(t, err, io.ErrUnexpectedEOF, "%s cut at %d", kind, n)
		}
	}
	_, err := Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	_, err = Decode(errReader{}, nil)
	require.Error(t, err)
	require.False(t, errors.Is(err, io.ErrUnexpectedEOF))
}

// TestTruncationsPLUX cuts an archive at every length from its zip
// signature on: each cut loses the central directory at the end.
func TestTruncationsPLUX(t *testing.T) {
	b := samples(t)["layers.plux"].b
	for n := len(zipMagic); n < len(b); n++ {
		_, err := Decode(bytes.NewReader(b[:n]), nil)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", n)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestGwyddionGolden decodes the committed testdata files and compares
// them with what Gwyddion 2.62 read from the same files (golden JSON).
// With -update the files are rewritten from samples and, if gwyddion is
// installed, the goldens are regenerated.
func TestGwyddionGolden(t *testing.T) {
	for name, s := range samples(t) {
		t.Run(name, func(t *testing.T) {
			b := decodetest.Testdata(t, name, s.b, *update)
			m, err := Decode(bytes.NewReader(b), nil)
			require.NoError(t, err)
			// Gwyddion's row 0 is the first row stored, as here.
			decodetest.GwyddionGolden(t, name, b, m, *update, gwyref.Options{})
		})
	}
}

// TestGwyddionLive has Gwyddion read more builder files (skipped without
// gwyddion).
func TestGwyddionLive(t *testing.T) {
	big := surface(64, 48, 3, [3]float32{10, 20, lostPixel}, [3]float32{63, 47, lostPixel}, [3]float32{0, 0, lostPixel})
	bigx := surface(64, 48, -2, [3]float32{10, 20, nan32}, [3]float32{63, 0, nan32})
	v2000 := pluFile{mppx: 0.5, mppy: 0.5, layers: []grid{surface(7, 3, 1)}}.bytes()
	v2000[offVersion] = 0
	files := map[string][]byte{
		"64x48.plu":  pluFile{mppx: 0.645, mppy: 0.645, images: 1, layers: []grid{big}}.bytes(),
		"v2000.plu":  v2000,
		"mirror.plu": pluFile{mppx: -1.2, mppy: 0.6, layers: []grid{surface(5, 5, 1)}}.bytes(),
		"64x48.plux": pluxFile{fovX: "0.1725", fovY: "0.1725", method: zip.Deflate, layers: []grid{bigx, big}}.bytes(t),
	}
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			decodetest.GwyddionLive(t, name, b, Decode, gwyref.Options{})
		})
	}
}
