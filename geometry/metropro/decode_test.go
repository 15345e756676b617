package metropro

import (
	"bytes"
	"encoding/binary"
	"flag"
	"io"
	"math"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/mtgeo/mtgeo/geometry/internal/gwyref"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.dat and, with gwyddion installed, their Gwyddion goldens")

// mpFile describes a MetroPro file for the builder. Field meanings and
// offsets are those of the package documentation (MetroPro Reference
// Guide, "Data File Format").
type mpFile struct {
	format     int // header format 1, 2 or 3
	headerSize int // 0: 834 for formats 1 and 2, 4096 for 3
	acW, acH   int
	buckets    int
	orgX, orgY int
	cols, rows int
	phase      []int32 // cols·rows values, row-major
	s, lambda  float32 // intf_scale_factor, wavelength_in (m)
	obliq      float32
	lateral    float32 // m per pixel
	phaseRes   int
	sign       int
}

func (f mpFile) bytes() []byte {
	hs := f.headerSize
	if hs == 0 {
		hs = 834
		if f.format == 3 {
			hs = 4096
		}
	}
	h := make([]byte, hs)
	be := binary.BigEndian
	be.PutUint32(h[0:], uint32(Magic1)+uint32(f.format-1))
	be.PutUint16(h[4:], uint16(f.format))
	be.PutUint32(h[6:], uint32(hs))
	be.PutUint16(h[52:], uint16(f.acW))
	be.PutUint16(h[54:], uint16(f.acH))
	be.PutUint16(h[56:], uint16(f.buckets))
	be.PutUint32(h[60:], uint32(2*f.acW*f.acH*f.buckets))
	be.PutUint16(h[64:], uint16(int16(f.orgX)))
	be.PutUint16(h[66:], uint16(int16(f.orgY)))
	be.PutUint16(h[68:], uint16(f.cols))
	be.PutUint16(h[70:], uint16(f.rows))
	be.PutUint32(h[72:], uint32(4*f.cols*f.rows))
	be.PutUint32(h[164:], math.Float32bits(f.s))
	be.PutUint32(h[168:], math.Float32bits(f.lambda))
	be.PutUint32(h[176:], math.Float32bits(f.obliq))
	be.PutUint32(h[184:], math.Float32bits(f.lateral))
	be.PutUint16(h[218:], uint16(f.phaseRes))
	be.PutUint16(h[232:], uint16(f.sign))
	var buf bytes.Buffer
	buf.Write(h)
	for i := 0; i < f.acW*f.acH*f.buckets; i++ {
		binary.Write(&buf, be, uint16(1000+i)) // intensity counts, never read
	}
	binary.Write(&buf, be, f.phase)
	return buf.Bytes()
}

// phaseRamp returns cols·rows phase counts: a tilted plane with a bump and
// the two invalid markers the decoder must honour.
func phaseRamp(cols, rows int) []int32 {
	p := make([]int32, cols*rows)
	for r := range rows {
		for c := range cols {
			p[r*cols+c] = int32(1500*c - 911*r + 40*(c-2)*(c-2) - 3000)
		}
	}
	p[1] = invalidPhase            // smallest invalid value
	p[len(p)-2] = math.MaxInt32    // any value above it is invalid too
	p[len(p)/2] = invalidPhase - 1 // largest valid value
	return p
}

// samples are the synthetic files committed under testdata/ (regenerated
// with -update), one per header format.
var samples = map[string]mpFile{
	"format1.dat": {format: 1, acW: 4, acH: 3, buckets: 1, orgX: 3, orgY: 7, cols: 6, rows: 5,
		phase: phaseRamp(6, 5), s: 0.5, lambda: 632.8e-9, obliq: 1, lateral: 2.5e-6, phaseRes: 1},
	"format2.dat": {format: 2, cols: 4, rows: 3, phase: phaseRamp(4, 3),
		s: 0.5, lambda: 550e-9, obliq: 1.05, lateral: 1e-6, phaseRes: 2},
	"format3.dat": {format: 3, acW: 3, acH: 2, buckets: 2, orgX: -2, orgY: 1, cols: 5, rows: 4,
		phase: phaseRamp(5, 4), s: 0.5, lambda: 632.8e-9, obliq: 1.2, lateral: 5e-6, phaseRes: 0, sign: 1},
}

// want computes the expected height of every pixel from the header values
// with the MetroPro formula z = p·S·λ·O/R (package documentation).
func (f mpFile) want() []float64 {
	res := map[int]float64{0: 4096, 1: 32768, 2: 131072}[f.phaseRes]
	k := float64(f.s) * float64(f.lambda) * float64(f.obliq) / res * 1e6 // µm per count
	if f.sign != 0 {
		k = -k
	}
	z := make([]float64, len(f.phase))
	for i, p := range f.phase {
		z[i] = math.NaN()
		if p < invalidPhase {
			z[i] = float64(p) * k
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
			require.Equal(t, f.cols, m.Stride)
			p := float64(f.lateral) * 1e6
			require.Equal(t, r2.Vec{X: p, Y: p}, m.Pitch)
			require.Equal(t, r2.Vec{X: float64(f.orgX) * p, Y: float64(f.orgY) * p}, m.Offset)
			// Same formula, same float32 inputs: only summation order differs.
			decodetest.RequireHeights(t, f.want(), m, 1e-12)
			require.Equal(t, 2, m.Stats().Invalid)
		})
	}
}

func TestDecodeHandValues(t *testing.T) {
	// One pixel worked by hand: p = 4096, S = 0.5, λ = 0.6328 µm (float32),
	// O = 1, R = 4096 (phase_res 0) gives z = S·λ = 0.3164 µm (float32 λ
	// differs from 632.8 nm by < 1e-14 m).
	f := mpFile{format: 1, cols: 1, rows: 1, phase: []int32{4096}, s: 0.5, lambda: 632.8e-9, obliq: 1, lateral: 1e-6}
	m, err := Decode(bytes.NewReader(f.bytes()), nil)
	require.NoError(t, err)
	require.InDelta(t, 0.3164, m.Z[0], 1e-8)
	// phase_res 2 (R = 131072) and sign ≠ 0: 131072 counts are −S·λ.
	f.phase, f.phaseRes, f.sign = []int32{131072}, 2, 1
	m, err = Decode(bytes.NewReader(f.bytes()), nil)
	require.NoError(t, err)
	require.InDelta(t, -0.3164, m.Z[0], 1e-8)
}

func TestDecodeConfig(t *testing.T) {
	f := samples["format3.dat"]
	c, err := DecodeConfig(bytes.NewReader(f.bytes()[:4096]), nil) // header only
	require.NoError(t, err)
	require.Equal(t, geometry.Config{Format: "metropro", Cols: 5, Rows: 4,
		Pitch:  r2.Vec{X: float64(float32(5e-6)) * 1e6, Y: float64(float32(5e-6)) * 1e6},
		Offset: r2.Vec{X: -2 * float64(float32(5e-6)) * 1e6, Y: float64(float32(5e-6)) * 1e6}}, c)
}

func TestRegistry(t *testing.T) {
	b := samples["format2.dat"].bytes()
	m, name, err := geometry.Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, "metropro", name)
	require.Equal(t, 4, m.Cols())
	c, err := geometry.DecodeConfig(bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, "metropro", c.Format)
	require.False(t, match([]byte("\x88\x1b\x03\x72")), "format 4 magic is not claimed")
}

func TestPitchFallback(t *testing.T) {
	f := samples["format2.dat"]
	f.lateral = 0 // "no lateral resolution"
	_, err := Decode(bytes.NewReader(f.bytes()), nil)
	var fe geometry.FormatError
	require.ErrorAs(t, err, &fe)
	require.Contains(t, err.Error(), "Options.Pitch")
	m, err := Decode(bytes.NewReader(f.bytes()), &geometry.Options{Pitch: r2.Vec{X: 3, Y: 4}})
	require.NoError(t, err)
	require.Equal(t, r2.Vec{X: 3, Y: 4}, m.Pitch)
}

func TestErrors(t *testing.T) {
	good := samples["format1.dat"]
	b := good.bytes()
	mod := func(f func(*mpFile)) []byte {
		g := good
		g.phase = append([]int32(nil), good.phase...)
		f(&g)
		return g.bytes()
	}
	patch := func(off int, v ...byte) []byte { return decodetest.Patch(b, off, v...) }
	for _, tc := range []struct {
		name  string
		in    []byte
		opts  *geometry.Options
		check func(t *testing.T, err error)
	}{
		{"empty", nil, nil, decodetest.IsFormat},
		{"wrong magic", patch(0, 'G', 'W', 'Y', 'P'), nil, decodetest.IsFormat},
		{"header format 9", patch(4, 0, 9), nil, decodetest.IsUnsupported},
		{"header size 100", patch(6, 0, 0, 0, 100), nil, decodetest.IsFormat},
		{"header size 2^31", patch(6, 0x80, 0, 0, 0), nil, decodetest.IsFormat},
		{"header truncated", b[:500], nil, decodetest.IsUnexpectedEOF},
		{"intensity truncated", b[:834+10], nil, func(t *testing.T, err error) {
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
			require.Contains(t, err.Error(), "intensity")
		}},
		{"phase truncated", b[:len(b)-1], nil, func(t *testing.T, err error) {
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
			require.Contains(t, err.Error(), "phase")
		}},
		{"65535×65535 phase map", patch(68, 0xff, 0xff, 0xff, 0xff), nil, decodetest.IsTooLarge},
		{"10000×10000 announced, 120 bytes present", patch(68, 0x27, 0x10, 0x27, 0x10), nil,
			decodetest.IsUnexpectedEOF}, // read in chunks: no 400 MB buffer
		{"no phase map", patch(68, 0, 0), nil, decodetest.IsUnsupported},
		{"phase_res 3", mod(func(f *mpFile) { f.phaseRes = 3 }), nil, decodetest.IsUnsupported},
		{"zero wavelength", mod(func(f *mpFile) { f.lambda = 0 }), nil, decodetest.IsFormat},
		{"NaN scale factor", mod(func(f *mpFile) { f.s = float32(math.NaN()) }), nil, decodetest.IsFormat},
		{"zero obliquity", mod(func(f *mpFile) { f.obliq = 0 }), nil, decodetest.IsFormat},
		{"infinite lateral_res", mod(func(f *mpFile) { f.lateral = float32(math.Inf(1)) }), nil, decodetest.IsFormat},
		{"channel 1", b, &geometry.Options{Channel: 1}, func(t *testing.T, err error) { require.ErrorContains(t, err, "channel 1") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(tc.in), tc.opts)
			decodetest.RequireError(t, err, "metropro", nil, nil)
			require.Nil(t, m)
			tc.check(t, err)
		})
	}
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
			decodetest.GwyddionGolden(t, name, b, m, *update, gwyref.Options{})
		})
	}
}

// TestGwyddionLive runs Gwyddion on more builder files (skipped without
// gwyddion).
func TestGwyddionLive(t *testing.T) {
	cases := map[string]mpFile{}
	for k, v := range samples {
		cases[k] = v
	}
	big := mpFile{format: 1, acW: 64, acH: 48, buckets: 1, cols: 64, rows: 48, phase: phaseRamp(64, 48),
		s: 0.5, lambda: 632.8e-9, obliq: 1, lateral: 3.3e-6, phaseRes: 1}
	cases["64x48.dat"] = big
	neg := big
	neg.sign, neg.phaseRes, neg.format = 1, 2, 2
	cases["inverted.dat"] = neg
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			decodetest.GwyddionLive(t, name, f.bytes(), Decode, gwyref.Options{})
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range samples {
		b := s.bytes()
		decodetest.AddTruncations(f, b, 0, 3, 10, 500, 834, 834+7, len(b)-5)
	}
	for _, b := range decodetest.ReadFiles(f, filepath.Join("testdata", "*.dat")) {
		f.Add(b)
	}
	decodetest.Fuzz(f, Decode, DecodeConfig, decodetest.FuzzOptions{Offset: true, Finite: true})
}
