package sur

import (
	"bytes"
	"compress/bzip2"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/mtgeo/mtgeo/geometry/internal/gwyref"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.sur and, with gwyddion installed, their Gwyddion goldens")

// surFile describes a Digital Surf file for the builder; offsets are those
// of the package documentation.
type surFile struct {
	compressed bool
	streams    int // compressed: number of zlib streams (default 1)
	format     int
	objects    int // default 1
	object     int // default 2 (surface)
	layers     int // P size at offset 80: objects that make up the studiable
	special    int
	bits       int
	zmin, zmax int32
	cols, rows int
	total      int32 // default cols·rows
	dx, dy, dz float32
	ux, uy, uz string // step units, written as given (Latin-1 bytes)
	inversion  int
	comment    string
	private    string
	zoff       float32
	points     []int32 // cols·rows, line after line
}

func (f surFile) bytes() []byte {
	h := make([]byte, headerSize)
	le := binary.LittleEndian
	if f.compressed {
		copy(h, MagicCompressed)
	} else {
		copy(h, Magic)
	}
	objects, object := f.objects, f.object
	if objects == 0 {
		objects = 1
	}
	if object == 0 {
		object = objectSurface
	}
	total := f.total
	if total == 0 {
		total = int32(f.cols * f.rows)
	}
	le.PutUint16(h[12:], uint16(f.format))
	le.PutUint16(h[14:], uint16(objects))
	le.PutUint16(h[16:], 1)
	le.PutUint16(h[18:], uint16(object))
	copy(h[20:], "synthetic")
	le.PutUint16(h[80:], uint16(f.layers))
	le.PutUint16(h[86:], uint16(f.special))
	le.PutUint16(h[88:], 1)
	le.PutUint16(h[98:], uint16(f.bits))
	le.PutUint32(h[100:], uint32(f.zmin))
	le.PutUint32(h[104:], uint32(f.zmax))
	le.PutUint32(h[108:], uint32(f.cols))
	le.PutUint32(h[112:], uint32(f.rows))
	le.PutUint32(h[116:], uint32(total))
	le.PutUint32(h[120:], math.Float32bits(f.dx))
	le.PutUint32(h[124:], math.Float32bits(f.dy))
	le.PutUint32(h[128:], math.Float32bits(f.dz))
	for i, name := range []string{"X", "Y", "Z"} {
		copy(h[132+16*i:], name)
	}
	for i, u := range []string{f.ux, f.uy, f.uz, f.ux, f.uy, f.uz} {
		copy(h[180+16*i:], u)
	}
	for i := range 3 {
		le.PutUint32(h[276+4*i:], math.Float32bits(1))
	}
	le.PutUint16(h[290:], uint16(f.inversion))
	le.PutUint16(h[334:], uint16(len(f.comment)))
	le.PutUint16(h[336:], uint16(len(f.private)))
	le.PutUint32(h[474:], math.Float32bits(f.zoff))

	var pts bytes.Buffer
	for _, p := range f.points {
		if f.bits == 16 {
			binary.Write(&pts, le, int16(p))
		} else {
			binary.Write(&pts, le, p)
		}
	}
	out := bytes.NewBuffer(h)
	out.WriteString(f.comment)
	out.WriteString(f.private)
	if !f.compressed {
		out.Write(pts.Bytes())
		return out.Bytes()
	}
	n := max(f.streams, 1)
	raw := pts.Bytes()
	step := (len(raw) + n - 1) / n
	var zipped [][]byte
	dir := le.AppendUint32(nil, uint32(n))
	for i := range n {
		part := raw[min(i*step, len(raw)):min((i+1)*step, len(raw))]
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(part)
		w.Close()
		zipped = append(zipped, z.Bytes())
		dir = le.AppendUint32(dir, uint32(len(part)))
		dir = le.AppendUint32(dir, uint32(z.Len()))
	}
	out.Write(dir)
	for _, z := range zipped {
		out.Write(z)
	}
	return out.Bytes()
}

// surface returns cols·rows points: a tilted plane with a dome.
func surface(cols, rows int, scale float64) []int32 {
	p := make([]int32, cols*rows)
	for r := range rows {
		for c := range cols {
			x, y := float64(c)-float64(cols)/2, float64(r)-float64(rows)/2
			p[r*cols+c] = int32(math.Round(scale * (3*float64(c) - 1.7*float64(r) - 0.2*(x*x+y*y))))
		}
	}
	return p
}

func minMax(p []int32, skip int32) (lo, hi int32) {
	lo, hi = math.MaxInt32, math.MinInt32
	for _, v := range p {
		if v != skip {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi
}

// withRange sets zmin and zmax from the points and marks nm as
// non-measured (zmin − 2).
func withRange(f surFile, nm ...int) surFile {
	f.zmin, f.zmax = minMax(f.points, math.MinInt32)
	for _, i := range nm {
		f.points[i] = f.zmin - 2
	}
	return f
}

// samples are the synthetic files committed under testdata/ (regenerated
// with -update).
var samples = map[string]surFile{
	"int16.sur": withRange(surFile{bits: 16, special: 1, cols: 6, rows: 5, dx: 0.5, dy: 0.5, dz: 2,
		ux: "\xb5m", uy: "\xb5m", uz: "nm", zoff: 100, comment: "synthetic\r\n", private: "private",
		points: surface(6, 5, 100)}, 3, 17),
	"int32.sur": withRange(surFile{bits: 32, cols: 5, rows: 4, dx: 3.45, dy: 2, dz: 0.01,
		ux: "um", uy: "um", uz: "µm", zoff: -2.5, points: surface(5, 4, 1e5)}),
	"compressed.sur": withRange(surFile{compressed: true, streams: 2, bits: 32, special: 1, cols: 6, rows: 4,
		dx: 0.002, dy: 0.003, dz: 1e-3, ux: "mm", uy: "mm", uz: "nm", points: surface(6, 4, 3e4)}, 0, 23),
}

// gwyddionReads lists the samples Gwyddion 2.62 can read (it does not read
// compressed files).
var gwyddionReads = []string{"int16.sur", "int32.sur"}

// want computes the expected heights, µm: z = p·dz + z_offset in the Z
// step unit (package documentation), NaN for non-measured points.
func (f surFile) want() []float64 {
	unit := map[string]float64{"nm": 1e-3, "µm": 1, "\xb5m": 1, "um": 1, "mm": 1e3}[f.uz]
	z := make([]float64, len(f.points))
	for i, p := range f.points {
		z[i] = math.NaN()
		if f.special == 0 || p >= f.zmin {
			z[i] = (float64(p)*float64(f.dz) + float64(f.zoff)) * unit
		}
	}
	return z
}

func TestDecode(t *testing.T) {
	for name, f := range samples {
		t.Run(name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(f.bytes()), nil)
			require.NoError(t, err)
			require.Equal(t, f.cols, m.Cols())
			require.Equal(t, f.rows, m.Rows())
			unit := map[string]float64{"\xb5m": 1, "um": 1, "mm": 1e3}[f.ux]
			require.Equal(t, r2.Vec{X: float64(f.dx) * unit, Y: float64(f.dy) * unit}, m.Pitch)
			require.Equal(t, r2.Vec{}, m.Offset)
			decodetest.RequireHeights(t, f.want(), m, 1e-9)
		})
	}
}

func TestDecodeHandValues(t *testing.T) {
	// Two lines of two points: p = (1, 2 / 3, −32768) with dz = 0.5 nm and a
	// Z offset of 10 nm give (10.5, 11 / 11.5 nm, non-measured), because the
	// flag is set and −32768 < zmin = 1.
	f := surFile{bits: 16, special: 1, zmin: 1, zmax: 3, cols: 2, rows: 2, dx: 1, dy: 1, dz: 0.5,
		ux: "um", uy: "um", uz: "nm", zoff: 10, points: []int32{1, 2, 3, -32768}}
	m, err := Decode(bytes.NewReader(f.bytes()), nil)
	require.NoError(t, err)
	require.InDelta(t, 0.0105, m.At(0, 0), 1e-12)
	require.InDelta(t, 0.011, m.At(1, 0), 1e-12)
	require.InDelta(t, 0.0115, m.At(0, 1), 1e-12)
	require.True(t, math.IsNaN(m.At(1, 1)))
	// Without the flag the same point is a height.
	f.special = 0
	m, err = Decode(bytes.NewReader(f.bytes()), nil)
	require.NoError(t, err)
	require.InDelta(t, (-32768*0.5+10)*1e-3, m.At(1, 1), 1e-12)
}

// TestRGBSurface reads the surface of an RGB surface (object type 13) and
// of an RGB intensity surface (16): a surface object followed by one
// intensity-image object (type 10) per colour, as in RosettaSciIO's
// test_RGBSURFACE.sur (exported by MountainsMap: P size 4, the surface in
// mm, then the red, green and blue layers). The layers are not read.
func TestRGBSurface(t *testing.T) {
	surf := withRange(surFile{compressed: true, bits: 16, layers: 4, cols: 4, rows: 3,
		dx: 0.0125, dy: 0.0125, dz: 8e-5, ux: "mm", uy: "mm", uz: "mm", zoff: -0.9, points: surface(4, 3, 50)})
	for _, object := range []int{13, 16} {
		t.Run(objectNames[object], func(t *testing.T) {
			f := surf
			f.object = object
			b := f.bytes()
			for range 3 {
				layer := surFile{compressed: true, objects: 0, object: 10, layers: 4, bits: 32, cols: 4, rows: 3,
					dx: 0.0125, dy: 0.0125, dz: 0.00255, ux: "mm", uy: "mm", points: surface(4, 3, 100)}
				b = append(b, layer.bytes()...)
			}
			m, err := Decode(bytes.NewReader(b), nil)
			require.NoError(t, err)
			require.Equal(t, 4, m.Cols())
			require.Equal(t, 3, m.Rows())
			require.InDelta(t, 12.5, m.Pitch.X, 1e-5) // float32 0.0125 mm
			decodetest.RequireHeights(t, f.want(), m, 1e-9)
			c, err := DecodeConfig(bytes.NewReader(b), nil)
			require.NoError(t, err)
			require.Equal(t, 4, c.Cols)
		})
	}
}

func TestUnits(t *testing.T) {
	for _, tc := range []struct {
		unit string
		um   float64 // µm per unit
	}{
		{"m", 1e6}, {"cm", 1e4}, {"mm", 1e3}, {"um", 1}, {"\xb5m", 1}, {"µm", 1}, {"μm", 1},
		{"nm", 1e-3}, {"pm", 1e-6}, {"\xc5", 1e-4}, {"Å", 1e-4}, {"nm   ", 1e-3},
	} {
		t.Run(tc.unit, func(t *testing.T) {
			f := surFile{bits: 32, cols: 1, rows: 1, dx: 2, dy: 3, dz: 4, ux: tc.unit, uy: tc.unit, uz: tc.unit,
				points: []int32{5}}
			m, err := Decode(bytes.NewReader(f.bytes()), nil)
			require.NoError(t, err)
			require.InDelta(t, 2*tc.um, m.Pitch.X, 1e-12*tc.um)
			require.InDelta(t, 3*tc.um, m.Pitch.Y, 1e-12*tc.um)
			require.InDelta(t, 20*tc.um, m.Z[0], 1e-12*tc.um)
		})
	}
}

func TestOptionFallbacks(t *testing.T) {
	// An intensity surface in arbitrary units with a pixel size in pixels.
	f := surFile{bits: 16, cols: 2, rows: 1, dx: 1, dy: 1, dz: 0.5, ux: "pixel", uy: "pixel", uz: "a.u.",
		points: []int32{4, 6}}
	_, err := Decode(bytes.NewReader(f.bytes()), nil)
	var fe geometry.FormatError
	require.ErrorAs(t, err, &fe)
	require.ErrorContains(t, err, "Options.Pitch")
	_, err = Decode(bytes.NewReader(f.bytes()), &geometry.Options{Pitch: r2.Vec{X: 5, Y: 5}})
	var ue geometry.UnsupportedError
	require.ErrorAs(t, err, &ue)
	require.ErrorContains(t, err, "Options.ZUnit")
	m, err := Decode(bytes.NewReader(f.bytes()), &geometry.Options{Pitch: r2.Vec{X: 5, Y: 5}, ZUnit: 0.1})
	require.NoError(t, err)
	require.Equal(t, r2.Vec{X: 5, Y: 5}, m.Pitch)
	require.InDelta(t, 0.2, m.Z[0], 1e-12) // 4 · 0.5 a.u. · 0.1 µm/a.u.
	require.InDelta(t, 0.3, m.Z[1], 1e-12)
}

func TestDecodeConfig(t *testing.T) {
	f := samples["compressed.sur"]
	c, err := DecodeConfig(bytes.NewReader(f.bytes()[:headerSize]), nil)
	require.NoError(t, err)
	require.Equal(t, geometry.Config{Format: "sur", Cols: 6, Rows: 4,
		Pitch: r2.Vec{X: float64(float32(0.002)) * 1e3, Y: float64(float32(0.003)) * 1e3}}, c)
}

func TestRegistry(t *testing.T) {
	for _, name := range []string{"int16.sur", "compressed.sur"} {
		m, format, err := geometry.Decode(bytes.NewReader(samples[name].bytes()), nil)
		require.NoError(t, err)
		require.Equal(t, "sur", format)
		require.Equal(t, samples[name].cols, m.Cols())
	}
}

func TestErrors(t *testing.T) {
	good := samples["int16.sur"]
	b := good.bytes()
	comp := samples["compressed.sur"].bytes()
	mod := func(f surFile, change func(*surFile)) []byte {
		f.points = append([]int32(nil), f.points...)
		change(&f)
		return f.bytes()
	}
	patch := decodetest.Patch
	isFormat, isUnsupported, isEOF := decodetest.IsFormat, decodetest.IsUnsupported, decodetest.IsUnexpectedEOF
	// A stream directory announcing the right size but holding garbage.
	garbage := patch(comp, headerSize+4+16, 'n', 'o', 't', 'z', 'l', 'i', 'b')
	// Flip one byte inside the first compressed stream's data (past its
	// 2-byte zlib header): the Adler-32 check or inflate must fail.
	corrupt := append([]byte(nil), comp...)
	corrupt[headerSize+4+16+6] ^= 0xff
	for _, tc := range []struct {
		name  string
		in    []byte
		check func(t *testing.T, err error)
	}{
		{"empty", nil, isFormat},
		{"short non-SUR", []byte("hello"), isFormat},
		{"wrong signature", patch(b, 0, 'd'), isFormat},
		{"header truncated", b[:300], isEOF},
		{"comment truncated", b[:headerSize+3], isEOF},
		{"points truncated", b[:len(b)-1], isEOF},
		{"Macintosh", patch(b, 12, 1, 1), isUnsupported},
		{"two objects", patch(b, 14, 2), isUnsupported},
		{"profile", surFile{object: 1, bits: 16, cols: 5, rows: 1, dx: 1, dy: 1, dz: 1, ux: "um", uy: "um", uz: "um",
			points: []int32{1, 2, 3, 4, 5}}.bytes(), isUnsupported},
		{"RGB image", patch(b, 18, 12), isUnsupported},
		{"8 bits", patch(b, 98, 8), isUnsupported},
		{"inverted", patch(b, 290, 1), isUnsupported},
		{"zero columns", patch(b, 108, 0, 0, 0, 0), isFormat},
		{"negative lines", patch(b, 112, 0xff, 0xff, 0xff, 0xff), isFormat},
		{"total mismatch", patch(b, 116, 7), isFormat},
		{"100000×100000", patch(b, 108, 0xa0, 0x86, 1, 0, 0xa0, 0x86, 1, 0), decodetest.IsTooLarge},
		{"10000×10000 announced, 60 bytes present", patch(b, 108, 0x10, 0x27, 0, 0, 0x10, 0x27, 0, 0, 0x00, 0xe1, 0xf5, 0x05), isEOF},
		{"zero dz", mod(good, func(f *surFile) { f.dz = 0 }), isFormat},
		{"NaN z offset", mod(good, func(f *surFile) { f.zoff = float32(math.NaN()) }), isFormat},
		{"zero dx", mod(good, func(f *surFile) { f.dx = 0 }), isFormat},
		{"infinite dy", mod(good, func(f *surFile) { f.dy = float32(math.Inf(1)) }), isFormat},
		{"zero streams", patch(comp, headerSize, 0, 0, 0, 0), isFormat},
		{"2^31 streams", patch(comp, headerSize, 0, 0, 0, 0x80), isFormat},
		{"stream sizes off", patch(comp, headerSize+4, 1), isFormat},
		{"stream directory truncated", comp[:headerSize+10], isEOF},
		{"not zlib", garbage, isFormat},
		{"corrupt stream", corrupt, func(t *testing.T, err error) { require.Error(t, err) }},
		{"compressed data truncated", comp[:len(comp)-4], isEOF},
		{"stream longer than announced", func() []byte {
			c := append([]byte(nil), comp...)
			binary.LittleEndian.PutUint32(c[headerSize+4:], binary.LittleEndian.Uint32(c[headerSize+4:])-4)
			binary.LittleEndian.PutUint32(c[headerSize+12:], binary.LittleEndian.Uint32(c[headerSize+12:])+4)
			return c
		}(), isFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(tc.in), nil)
			decodetest.RequireError(t, err, "sur", nil, nil)
			require.Nil(t, m)
			tc.check(t, err)
		})
	}
	_, err := Decode(bytes.NewReader(b), &geometry.Options{Channel: 1})
	require.ErrorContains(t, err, "channel 1")
}

// gwyddionOptions: Gwyddion 2.62 does not mask non-measured points, so
// where the sample has one (f.points[i] < zmin with the flag set) the
// decoder must give NaN and Gwyddion's value is not compared.
func (f surFile) gwyddionOptions() gwyref.Options {
	return gwyref.Options{NonMeasured: func(c, r int) bool {
		return f.special != 0 && f.points[r*f.cols+c] < f.zmin
	}}
}

// TestGwyddionGolden decodes the committed testdata files and compares
// them with what Gwyddion 2.62 read from the same files (golden JSON).
// With -update the files are rewritten from samples and, if gwyddion is
// installed, the goldens are regenerated.
func TestGwyddionGolden(t *testing.T) {
	for name, f := range samples {
		t.Run(name, func(t *testing.T) {
			b := decodetest.Testdata(t, name, f.bytes(), *update)
			m, err := Decode(bytes.NewReader(b), nil)
			require.NoError(t, err)
			decodetest.RequireHeights(t, f.want(), m, 1e-9)
		})
	}
	for _, name := range gwyddionReads {
		t.Run(name+"/gwyddion", func(t *testing.T) {
			f := samples[name]
			m, err := Decode(bytes.NewReader(f.bytes()), nil)
			require.NoError(t, err)
			decodetest.GwyddionGolden(t, name, f.bytes(), m, *update, f.gwyddionOptions())
		})
	}
}

// hyperspyGolden is what HyperSpy 1.7.3's Digital Surf reader made of a
// testdata file (testdata/hyperspy_golden.py).
type hyperspyGolden struct {
	Cols, Rows int
	XStep      float64    `json:"x_step"`
	YStep      float64    `json:"y_step"`
	XYUnit     string     `json:"xy_unit"`
	Z          []*float64 // in the file's Z step unit, null = non-measured
}

// TestHyperSpyGolden compares the decoder with HyperSpy's reader, the only
// independent reader found for compressed files.
func TestHyperSpyGolden(t *testing.T) {
	for name, f := range samples {
		t.Run(name, func(t *testing.T) {
			j, err := os.ReadFile(filepath.Join("testdata", name+".hyperspy.json"))
			require.NoError(t, err)
			var g hyperspyGolden
			require.NoError(t, json.Unmarshal(j, &g))
			m, err := Decode(bytes.NewReader(f.bytes()), nil)
			require.NoError(t, err)
			require.Equal(t, g.Cols, m.Cols())
			require.Equal(t, g.Rows, m.Rows())
			uxy := unitLength([]byte(g.XYUnit))
			require.InDelta(t, g.XStep*uxy, m.Pitch.X, 1e-12)
			require.InDelta(t, g.YStep*uxy, m.Pitch.Y, 1e-12)
			uz := unitLength([]byte(f.uz))
			for i, z := range g.Z {
				if z == nil {
					require.Truef(t, math.IsNaN(m.Z[i]), "pixel %d: HyperSpy says non-measured", i)
					continue
				}
				// The golden is rounded to 1e-9 of the Z unit.
				require.InDeltaf(t, *z*uz, m.Z[i], 1e-9*uz, "pixel %d", i)
			}
		})
	}
}

// TestGwyddionLive runs Gwyddion on more builder files (skipped without
// gwyddion).
func TestGwyddionLive(t *testing.T) {
	files := map[string]surFile{}
	for _, k := range gwyddionReads {
		files[k] = samples[k]
	}
	files["64x48-nm.sur"] = withRange(surFile{bits: 32, cols: 64, rows: 48, dx: 2.2, dy: 2.4, dz: 0.05,
		ux: "µm", uy: "µm", uz: "nm", zoff: 1234.5, comment: "$key = 1\n", points: surface(64, 48, 500)})
	files["mm-16bit.sur"] = withRange(surFile{bits: 16, cols: 9, rows: 7, dx: 0.0035, dy: 0.0035, dz: 2e-7,
		ux: "mm", uy: "mm", uz: "mm", points: surface(9, 7, 50)}, 5)
	for name, f := range files {
		t.Run(name, func(t *testing.T) {
			decodetest.GwyddionLive(t, name, f.bytes(), Decode, f.gwyddionOptions())
		})
	}
}

// TestGwyddionWritten reads a file written by Gwyddion 2.62's exporter
// (testdata/mksur.c): object type 1 with 30 lines, units pm, 32-bit points
// spanning [0, 2^30], and the minimum height as Z offset.
func TestGwyddionWritten(t *testing.T) {
	m, format, err := geometry.ReadFile(filepath.Join("testdata", "gwyddion-40x30.sur"), nil)
	require.NoError(t, err)
	require.Equal(t, "sur", format)
	require.Equal(t, 40, m.Cols())
	require.Equal(t, 30, m.Rows())
	require.InDelta(t, 4, m.Pitch.X, 1e-12) // 160 µm / 40, written as 4e6 pm
	require.InDelta(t, 5, m.Pitch.Y, 1e-12) // 150 µm / 30
	for r := range 30 {
		for c := range 40 {
			want := 0.5 + 0.02*float64(c) - 0.03*float64(r) + 0.1*math.Sin(float64(c)/5)*math.Cos(float64(r)/7)
			// dz is float32 (relative error 6e-8 over a 1.7 µm range) and
			// Gwyddion floors to counts of 1.6e-9 µm: 1e-6 µm is ample.
			require.InDeltaf(t, want, m.At(c, r), 1e-6, "pixel (%d, %d)", c, r)
		}
	}
}

// hyperspyDir holds Digital Surf files written by MountainsMap-based
// software (Attolight) that HyperSpy ships as test data (GPL-3, not
// committed here): Debian's python3-hyperspy installs them.
func hyperspyDir(t *testing.T) string {
	dir := os.Getenv("MTGEO_HYPERSPY_SUR_DATA")
	if dir == "" {
		dir = "/usr/lib/python3/dist-packages/hyperspy/tests/io/sur_data"
	}
	if _, err := os.Stat(filepath.Join(dir, "test_surface.sur")); err != nil {
		t.Skipf("HyperSpy sample files not found in %s (apt-get install python3-hyperspy, or set MTGEO_HYPERSPY_SUR_DATA)", dir)
	}
	return dir
}

// TestHyperSpySamples reads real compressed files. HyperSpy's own test
// (tests/io/test_sur.py, test_load_surface) states that test_surface.sur is
// a 128×128 surface with a step of 8.252198e-05 mm; its heights are
// CL intensities in "a.u.", so the test sets Options.ZUnit = 1.
func TestHyperSpySamples(t *testing.T) {
	dir := hyperspyDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "test_surface.sur"))
	require.NoError(t, err)
	_, err = Decode(bytes.NewReader(b), nil)
	var ue geometry.UnsupportedError
	require.ErrorAs(t, err, &ue) // "a.u." is not a length
	m, err := Decode(bytes.NewReader(b), &geometry.Options{ZUnit: 1})
	require.NoError(t, err)
	require.Equal(t, 128, m.Cols())
	require.Equal(t, 128, m.Rows())
	// HyperSpy quotes 7 significant digits (assert_allclose, rtol 1e-7).
	require.InEpsilon(t, 8.252198e-05*1e3, m.Pitch.X, 1e-7)
	require.InEpsilon(t, 8.252198e-05*1e3, m.Pitch.Y, 1e-7)
	s := m.Stats()
	require.Equal(t, 128*128, s.Valid)
	// The header's minimum and maximum points (−13444354, 13927717) are
	// the extremes of the decompressed data: z = p·1e-5 + 238.549011.
	le := binary.LittleEndian
	dz := float64(math.Float32frombits(le.Uint32(b[128:])))
	off := float64(math.Float32frombits(le.Uint32(b[474:])))
	require.InDelta(t, float64(int32(le.Uint32(b[100:])))*dz+off, s.Min, 1e-9)
	require.InDelta(t, float64(int32(le.Uint32(b[104:])))*dz+off, s.Max, 1e-9)
	// HyperSpy 1.7.3 reads the same file (testdata/hyperspy_golden.py) as
	// min 104.10547462679824, max 377.8261777120315 and this first row:
	for c, z := range []float64{284.437500071228, 316.80273925361325, 317.75976922943664, 317.3105492407849} {
		require.InDelta(t, z, m.At(c, 0), 1e-9)
	}

	for _, name := range []string{"test_profile.pro", "test_RGB.sur", "test_spectral_map.sur",
		"test_spectral_map_compressed.sur", "test_spectrum.pro"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		_, err = Decode(bytes.NewReader(b), &geometry.Options{ZUnit: 1})
		require.ErrorAsf(t, err, &ue, "%s", name)
	}
}

// TestSurfaceTopographySample reads sur-3.sur of SurfaceTopography's test
// suite (testdata/README.md): a 512×512 MountainsMap surface with nm steps
// (µm axis lengths, unit ratio 1000), Z in m, and 233009 non-measured
// points (zmin − 2 = −2, the flag set). HyperSpy 1.7.3 masks those points
// and reads the rest as below; SurfaceTopography (test_sur.py:
// 0.151319552 m square, rms height 0.0019200491394179297 m) and
// Gwyddion 2.62 (rms 1920.049139 µm, mean −2748.191843 µm) keep them as
// heights, at −2·dz + z offset; the test recomputes their figures from
// the decoded map and that height.
func TestSurfaceTopographySample(t *testing.T) {
	fh, err := os.Open(filepath.Join("testdata", "surfacetopography_sur-3.sur.bz2"))
	require.NoError(t, err)
	defer fh.Close()
	m, err := Decode(bzip2.NewReader(fh), nil)
	require.NoError(t, err)
	require.Equal(t, 512, m.Cols())
	require.Equal(t, 512, m.Rows())
	require.InDelta(t, 0.151319552e6/512, m.Pitch.X, 1e-6) // µm
	require.InDelta(t, 0.151319552e6/512, m.Pitch.Y, 1e-6)
	s := m.Stats()
	// HyperSpy 1.7.3 (sur.file_reader, NumPy): 29135 valid points,
	// min −0.00341433007 m, max 0.00357801973 m, mean 0.00257930666 m,
	// standard deviation 0.00111319943 m.
	require.Equal(t, 29135, s.Valid)
	require.Equal(t, 512*512-29135, s.Invalid)
	require.InDelta(t, -3414.33007, s.Min, 1e-5)
	require.InDelta(t, 3578.01973, s.Max, 1e-5)
	require.InDelta(t, 2579.30666, s.Mean, 1e-5)
	require.InDelta(t, 1113.19943, s.RMS, 1e-5)
	// With the non-measured points as heights (dz = 1e-9 m, Z offset
	// −0.0034143300727 m, both float32): SurfaceTopography's and
	// Gwyddion's figures.
	nm := (-2*float64(float32(1e-9)) + float64(float32(-0.0034143300727009773))) * 1e6
	n1, n2 := float64(s.Valid), float64(s.Invalid)
	mean := (n1*s.Mean + n2*nm) / (n1 + n2)
	rms := math.Sqrt((n1*(s.RMS*s.RMS+s.Mean*s.Mean)+n2*nm*nm)/(n1+n2) - mean*mean)
	require.InDelta(t, -2748.191843, mean, 1e-5)
	require.InEpsilon(t, 0.0019200491394179297e6, rms, 1e-6) // SurfaceTopography's rtol
}

// TestRosettaSciIOSamples reads test_RGBSURFACE.sur of RosettaSciIO's test
// data (rsciio/tests/data/digitalsurf/, GPL-3, not committed: set
// MTGEO_RSCIIO_SUR_DATA to that folder). It is a MountainsMap RGB surface
// (object type 13, P size 4): a 10×10 16-bit surface in mm followed by
// red, green and blue layers. HyperSpy 1.7.3 reads the surface as layer 0
// of its 4×10×10 stack: min −1.06979184505 mm, max −0.815821237164 mm,
// mean −0.939055131198 mm, standard deviation 0.0747348760494 mm, first
// row starting −0.824543618808093, −0.8712201476082555 mm.
func TestRosettaSciIOSamples(t *testing.T) {
	// MTGEO_RSCIIO_SUR_DATA: RosettaSciIO's rsciio/tests/data/digitalsurf.
	b := decodetest.RealSample(t, "test_RGBSURFACE.sur", "MTGEO_RSCIIO_SUR_DATA")
	m, err := Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, 10, m.Cols())
	require.Equal(t, 10, m.Rows())
	require.InDelta(t, 0.01345131080597639e3, m.Pitch.X, 1e-9)
	s := m.Stats()
	require.Equal(t, 100, s.Valid)
	require.InDelta(t, -1069.79184505, s.Min, 1e-6)
	require.InDelta(t, -815.821237164, s.Max, 1e-6)
	require.InDelta(t, -939.055131198, s.Mean, 1e-6)
	require.InDelta(t, 74.7348760494, s.RMS, 1e-6)
	require.InDelta(t, -824.543618808093, m.At(0, 0), 1e-6)
	require.InDelta(t, -871.2201476082555, m.At(1, 0), 1e-6)
}

func FuzzDecode(f *testing.F) {
	for _, s := range samples {
		b := s.bytes()
		decodetest.AddTruncations(f, b, 0, 11, 100, headerSize, headerSize+5, len(b)/2, len(b)-3)
	}
	for _, b := range decodetest.ReadFiles(f, filepath.Join("testdata", "*.sur")) {
		f.Add(b)
	}
	// Files in pixels and arbitrary units decode too.
	opts := &geometry.Options{ZUnit: 1, Pitch: r2.Vec{X: 1, Y: 1}}
	decodetest.Fuzz(f, Decode, DecodeConfig, decodetest.FuzzOptions{Options: opts})
}
