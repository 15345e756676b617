package opd

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/mtgeo/mtgeo/geometry/internal/gwyref"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.opd and, with gwyddion installed, their Gwyddion goldens")

// block is one directory entry and its content, for the builder.
type block struct {
	name  string
	typ   int
	data  []byte
	flags uint16
}

// opdFile builds an OPD file with the layout of the package documentation.
func opdFile(blocks ...block) []byte {
	le := binary.LittleEndian
	ent := func(name string, typ int, size int, flags uint16) []byte {
		e := make([]byte, entrySize)
		copy(e, name)
		le.PutUint16(e[16:], uint16(typ))
		le.PutUint32(e[18:], uint32(size))
		le.PutUint16(e[22:], flags)
		return e
	}
	var buf bytes.Buffer
	buf.Write([]byte{1, 0})
	buf.Write(ent("Directory", typeDirectory, entrySize*(len(blocks)+1), 0xffff))
	for _, b := range blocks {
		buf.Write(ent(b.name, b.typ, len(b.data), b.flags))
	}
	for _, b := range blocks {
		buf.Write(b.data)
	}
	return buf.Bytes()
}

func f32Block(name string, v float32) block {
	return block{name, typeFloat, binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)), 0}
}

func i16Block(name string, v int16) block {
	return block{name, typeShort, binary.LittleEndian.AppendUint16(nil, uint16(v)), 0}
}

func textBlock(name, s string) block { return block{name, typeText, []byte(s), 0} }

// grid holds array values as the file stores them: column by column, so
// grid[c][r] is pixel (c, r).
type grid [][]float64

// arrayBlock encodes g as an array block of element size elem (4: float32,
// 2: int16).
func arrayBlock(name string, elem int, g grid) block {
	le := binary.LittleEndian
	b := le.AppendUint16(nil, uint16(len(g)))
	b = le.AppendUint16(b, uint16(len(g[0])))
	b = le.AppendUint16(b, uint16(elem))
	for _, col := range g {
		for _, v := range col {
			if elem == 4 {
				b = le.AppendUint32(b, math.Float32bits(float32(v)))
			} else {
				b = le.AppendUint16(b, uint16(int16(v)))
			}
		}
	}
	return block{name, typeArray, b, 0}
}

// ramp is a cols×rows grid of values in waves·Mult: a tilted plane with a
// dome, plus the invalid markers given as (c, r, value).
func ramp(cols, rows int, scale float64, bad ...[3]float64) grid {
	g := make(grid, cols)
	for c := range g {
		g[c] = make([]float64, rows)
		for r := range g[c] {
			x, y := float64(c)-float64(cols)/2, float64(r)-float64(rows)/2
			g[c][r] = math.Round(scale * (0.3*float64(c) - 0.17*float64(r) - 0.02*(x*x+y*y)))
		}
	}
	for _, b := range bad {
		g[int(b[0])][int(b[1])] = b[2]
	}
	return g
}

var fltMax = float64(math.MaxFloat32) // Vision's "no data" value

type sample struct {
	blocks  []block
	g       grid
	elem    int     // 4: float32, 2: int16
	lambda  float64 // nm
	mult    float64
	pixel   float64 // mm
	aspect  float64
	invalid int
}

func (s sample) bytes() []byte { return opdFile(s.blocks...) }

// samples are the synthetic files committed under testdata/ (regenerated
// with -update).
var samples = func() map[string]sample {
	fg := ramp(6, 5, 100, [3]float64{1, 0, fltMax}, [3]float64{4, 3, math.Inf(1)}, [3]float64{2, 4, math.NaN()})
	ig := ramp(4, 3, 400, [3]float64{3, 0, 32766}, [3]float64{0, 2, 32767})
	return map[string]sample{
		"float32.opd": {
			blocks: []block{
				{"Empty", typeText, nil, 0},
				arrayBlock("RAW_DATA", 4, fg),
				f32Block("Wavelength", 632.8),
				i16Block("Mult", 2),
				f32Block("Pixel_size", 0.00345),
				f32Block("Aspect", 1),
				textBlock("Title", "synthetic float32 OPD\x00"),
				arrayBlock("Intensity", 2, ramp(6, 5, 1000)),
			},
			g: fg, elem: 4, lambda: float64(float32(632.8)), mult: 2, pixel: float64(float32(0.00345)), aspect: 1, invalid: 3,
		},
		"int16.opd": {
			blocks: []block{
				f32Block("Pixel_size", 0.001),
				f32Block("Aspect", 1.5),
				arrayBlock("OPD", 2, ig),
				textBlock("Title", "synthetic int16 OPD\x00"),
				i16Block("Mult", 8),
				f32Block("Wavelength", 550),
			},
			g: ig, elem: 2, lambda: 550, mult: 8, pixel: float64(float32(0.001)), aspect: 1.5, invalid: 2,
		},
	}
}()

// want returns the expected heights, µm, row-major in map order, from the
// formula z = v·λ/Mult of the package documentation.
func (s sample) want() []float64 {
	cols, rows := len(s.g), len(s.g[0])
	z := make([]float64, cols*rows)
	for c := range cols {
		for r := range rows {
			v := s.g[c][r]
			if s.elem == 4 {
				v = float64(float32(v))
			}
			if s.elem == 4 && !(math.Abs(v) < 1e32) || s.elem == 2 && v >= 32766 {
				z[r*cols+c] = math.NaN()
				continue
			}
			z[r*cols+c] = v * s.lambda * 1e-3 / s.mult
		}
	}
	return z
}

func TestDecode(t *testing.T) {
	for name, s := range samples {
		t.Run(name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(s.bytes()), nil)
			require.NoError(t, err)
			require.Equal(t, len(s.g), m.Cols())
			require.Equal(t, len(s.g[0]), m.Rows())
			require.InDelta(t, s.pixel*1e3, m.Pitch.X, 1e-12)
			require.InDelta(t, s.pixel*1e3*s.aspect, m.Pitch.Y, 1e-12)
			require.Equal(t, r2.Vec{}, m.Offset)
			decodetest.RequireHeights(t, s.want(), m, 1e-12)
			require.Equal(t, s.invalid, m.Stats().Invalid)
		})
	}
}

func TestDecodeHandValues(t *testing.T) {
	// Column-major storage: the array [[1 2] [3 4]] (two columns) is the
	// map rows (1 3) and (2 4). With λ = 500 nm and Mult = 4 one unit is
	// 0.125 µm.
	b := opdFile(arrayBlock("RAW_DATA", 4, grid{{1, 2}, {3, 4}}), f32Block("Wavelength", 500),
		i16Block("Mult", 4), f32Block("Pixel_size", 0.002))
	m, err := Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, []float64{0.125, 0.375, 0.25, 0.5}, m.Z)
	require.Equal(t, r2.Vec{X: float64(float32(0.002)) * 1e3, Y: float64(float32(0.002)) * 1e3}, m.Pitch)
	// −FLT_MAX and 1e32 are invalid too (Gwyddion keeps −FLT_MAX).
	b = opdFile(arrayBlock("RAW_DATA", 4, grid{{-fltMax, 1e32}, {-1e31, 1}}), f32Block("Wavelength", 500),
		f32Block("Pixel_size", 0.002))
	m, err = Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.True(t, math.IsNaN(m.Z[0]))
	require.True(t, math.IsNaN(m.Z[2]))
	require.InEpsilon(t, -1e31*0.5, m.Z[1], 1e-6) // float32(1e31) is 1e31 to 6e-8
}

func TestChannels(t *testing.T) {
	// Two height arrays behind an intensity array and a float-typed Mult.
	first := grid{{1, 2, 3}}
	second := grid{{4}, {5}}
	b := opdFile(arrayBlock("Intensity", 2, grid{{7, 7}}), arrayBlock("RAW DATA", 4, first),
		f32Block("Mult", 2), arrayBlock("SAMPLE_DATA", 2, second), f32Block("Wavelength", 1000),
		f32Block("Pixel_size", 0.001))
	for _, tc := range []struct {
		channel    int
		cols, rows int
		z          []float64
	}{
		{0, 1, 3, []float64{0.5, 1, 1.5}},
		{1, 2, 1, []float64{2, 2.5}},
	} {
		opts := &geometry.Options{Channel: tc.channel}
		m, err := Decode(bytes.NewReader(b), opts)
		require.NoError(t, err)
		require.Equal(t, tc.z, m.Z)
		c, err := DecodeConfig(bytes.NewReader(b), opts)
		require.NoError(t, err)
		require.Equal(t, tc.cols, c.Cols)
		require.Equal(t, tc.rows, c.Rows)
	}
	_, err := Decode(bytes.NewReader(b), &geometry.Options{Channel: 2})
	require.ErrorContains(t, err, "2 height arrays")
}

func TestDecodeConfig(t *testing.T) {
	s := samples["int16.opd"]
	c, err := DecodeConfig(bytes.NewReader(s.bytes()), nil)
	require.NoError(t, err)
	p := float64(float32(0.001)) * 1e3
	require.Equal(t, geometry.Config{Format: "opd", Cols: 4, Rows: 3, Pitch: r2.Vec{X: p, Y: p * 1.5}}, c)
}

func TestRegistry(t *testing.T) {
	b := samples["float32.opd"].bytes()
	m, name, err := geometry.Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, "opd", name)
	require.Equal(t, 6, m.Cols())
}

func TestPitchFallback(t *testing.T) {
	b := opdFile(arrayBlock("RAW_DATA", 4, grid{{1}}), f32Block("Wavelength", 500))
	_, err := Decode(bytes.NewReader(b), nil)
	var fe geometry.FormatError
	require.ErrorAs(t, err, &fe)
	require.Contains(t, err.Error(), "Options.Pitch")
	m, err := Decode(bytes.NewReader(b), &geometry.Options{Pitch: r2.Vec{X: 2, Y: 3}})
	require.NoError(t, err)
	require.Equal(t, r2.Vec{X: 2, Y: 3}, m.Pitch)
}

func TestErrors(t *testing.T) {
	good := samples["float32.opd"].bytes()
	arr := arrayBlock("RAW_DATA", 4, grid{{1, 2}, {3, 4}})
	wl, px := f32Block("Wavelength", 632.8), f32Block("Pixel_size", 0.001)
	patch := decodetest.Patch
	// A 65535×65535 float array header followed by 12 bytes.
	huge := block{"RAW_DATA", typeArray, []byte{0xff, 0xff, 0xff, 0xff, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 0}
	// 10000×10000 floats announced in a 400 MB block, 8 bytes present.
	lying := opdFile(block{"RAW_DATA", typeArray, []byte{0x10, 0x27, 0x10, 0x27, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8}, 0}, wl, px)
	binary.LittleEndian.PutUint32(lying[2+entrySize+18:], 400_000_006)
	isFormat, isEOF := decodetest.IsFormat, decodetest.IsUnexpectedEOF
	for _, tc := range []struct {
		name  string
		in    []byte
		check func(t *testing.T, err error)
	}{
		{"empty", nil, isFormat},
		{"wrong magic", patch(good, 2, 'd'), isFormat},
		{"not a directory type", patch(good, 18, 3), isFormat},
		{"directory size 25", patch(good, 20, 25, 0, 0, 0), isFormat},
		{"directory size 0", patch(good, 20, 0, 0, 0, 0), isFormat},
		{"directory of 2^27 entries", patch(good, 20, 0, 0, 0, 0x18), isFormat},
		{"directory truncated", good[:2+entrySize+10], isEOF},
		{"array truncated", good[:len(good)-200], isEOF},
		{"last block truncated", good[:len(good)-1], isEOF},
		{"65535×65535 array", opdFile(huge, wl, px), decodetest.IsTooLarge},
		{"10000×10000 announced, 8 bytes present", lying, isEOF},
		{"array larger than its block", opdFile(block{"RAW_DATA", typeArray, arr.data[:10], 0}, wl, px), isFormat},
		{"array without dimensions", opdFile(block{"RAW_DATA", typeArray, arr.data[:4], 0}, wl, px), isFormat},
		{"element size 3", opdFile(block{"RAW_DATA", typeArray, []byte{1, 0, 1, 0, 3, 0, 0, 0, 0}, 0}, wl, px), isFormat},
		{"no height array", opdFile(wl, px), isFormat},
		{"no wavelength", opdFile(arr, px), isFormat},
		{"zero wavelength", opdFile(arr, f32Block("Wavelength", 0), px), isFormat},
		{"zero Mult", opdFile(arr, wl, px, i16Block("Mult", 0)), isFormat},
		{"negative Mult", opdFile(arr, wl, px, i16Block("Mult", -3)), isFormat},
		{"negative aspect", opdFile(arr, wl, px, f32Block("Aspect", -1)), isFormat},
		{"zero pixel size", opdFile(arr, wl, f32Block("Pixel_size", 0)), isFormat},
		{"text wavelength", opdFile(arr, textBlock("Wavelength", "632"), px), isFormat},
		{"9-byte wavelength", opdFile(arr, block{"Wavelength", typeDouble, make([]byte, 9), 0}, px), isFormat},
		{"nested directory", opdFile(block{"Sub", typeDirectory, make([]byte, 24), 0}, arr, wl, px), isFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(tc.in), nil)
			decodetest.RequireError(t, err, "opd", nil, nil)
			require.Nil(t, m)
			tc.check(t, err)
		})
	}
	_, err := Decode(bytes.NewReader(opdFile(block{"RAW_DATA", typeArray, []byte{1, 0, 1, 0, 1, 0, 9}, 0}, wl, px)), nil)
	decodetest.IsUnsupported(t, err)
}

// gwyddionRows: Gwyddion draws the first value of each column at the
// bottom, so its row R is this map's row rows−1−R.
var gwyddionRows = gwyref.Options{BottomUp: true}

// TestGwyddionGolden decodes the committed testdata files and compares
// them with what Gwyddion 2.62 read from the same files (golden JSON).
// With -update the files are rewritten from samples and, if gwyddion is
// installed, the goldens are regenerated.
func TestGwyddionGolden(t *testing.T) {
	for name, s := range samples {
		t.Run(name, func(t *testing.T) {
			b := decodetest.Testdata(t, name, s.bytes(), *update)
			m, err := Decode(bytes.NewReader(b), nil)
			require.NoError(t, err)
			decodetest.GwyddionGolden(t, name, b, m, *update, gwyddionRows)
		})
	}
}

// TestGwyddionLive runs Gwyddion on more builder files (skipped without
// gwyddion).
func TestGwyddionLive(t *testing.T) {
	files := map[string][]byte{}
	for k, s := range samples {
		files[k] = s.bytes()
	}
	big := ramp(64, 48, 50, [3]float64{10, 20, fltMax}, [3]float64{63, 47, fltMax})
	files["64x48.opd"] = opdFile(arrayBlock("RAW_DATA", 4, big), f32Block("Wavelength", 632.8),
		i16Block("Mult", 1), f32Block("Pixel_size", 0.0074), f32Block("Aspect", 0.8))
	files["no-mult.opd"] = opdFile(f32Block("Wavelength", 550), arrayBlock("OPD", 4, big), f32Block("Pixel_size", 0.002))
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			decodetest.GwyddionLive(t, name, b, Decode, gwyddionRows)
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range samples {
		b := s.bytes()
		decodetest.AddTruncations(f, b, 0, 5, 2+entrySize, 2+entrySize+7, len(b)/2, len(b)-3)
	}
	for _, b := range decodetest.ReadFiles(f, filepath.Join("testdata", "*.opd")) {
		f.Add(b)
	}
	decodetest.Fuzz(f, Decode, DecodeConfig, decodetest.FuzzOptions{})
}
