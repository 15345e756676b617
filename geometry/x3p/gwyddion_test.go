package x3p

// Gwyddion (Debian package gwyddion, 2.62 here) as an independent reader:
// `gwyddion --convert-to-gwy=OUT.gwy IN.x3p` loads a file through its own
// X3P module (opengps) and saves what it read in its native GWY format,
// which is documented in the Gwyddion user guide ("GWY File Format") and
// parsed below. Gwyddion replaces invalid points by the mean of the valid
// ones and marks them in a mask channel (/0/mask, 1 = invalid). The tests
// skip when gwyddion is not installed.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/stretchr/testify/require"
)

// gwyObject is a deserialised GWY object: component name to value, values
// being bool, byte, int32, int64, float64, string, *gwyObject or slices of
// those.
type gwyObject struct {
	Type string
	C    map[string]any
}

// parseGWY parses a GWY file: "GWYP" then one serialised object.
func parseGWY(b []byte) (*gwyObject, error) {
	if !bytes.HasPrefix(b, []byte("GWYP")) {
		return nil, fmt.Errorf("gwy: no GWYP magic")
	}
	p := &gwyParser{b: b[4:]}
	o := p.object()
	return o, p.err
}

type gwyParser struct {
	b   []byte
	err error
}

func (p *gwyParser) fail(msg string) {
	if p.err == nil {
		p.err = fmt.Errorf("gwy: %s", msg)
	}
	p.b = nil
}

func (p *gwyParser) take(n int) []byte {
	if n < 0 || n > len(p.b) {
		p.fail("truncated")
		return make([]byte, max(n, 0))
	}
	s := p.b[:n]
	p.b = p.b[n:]
	return s
}

func (p *gwyParser) str() string {
	i := bytes.IndexByte(p.b, 0)
	if i < 0 {
		p.fail("unterminated string")
		return ""
	}
	s := string(p.b[:i])
	p.b = p.b[i+1:]
	return s
}

func (p *gwyParser) u32() uint32 { return binary.LittleEndian.Uint32(p.take(4)) }

// object reads: type name, uint32 size of the components, components.
func (p *gwyParser) object() *gwyObject {
	o := &gwyObject{Type: p.str(), C: map[string]any{}}
	size := int(p.u32())
	body := &gwyParser{b: p.take(size)}
	for len(body.b) > 0 && body.err == nil {
		name := body.str()
		typ := body.take(1)[0]
		o.C[name] = body.value(typ)
	}
	if body.err != nil && p.err == nil {
		p.err = body.err
	}
	return o
}

func (p *gwyParser) value(typ byte) any {
	le := binary.LittleEndian
	switch typ {
	case 'b':
		return p.take(1)[0] != 0
	case 'c':
		return p.take(1)[0]
	case 'i':
		return int32(p.u32())
	case 'q':
		return int64(le.Uint64(p.take(8)))
	case 'd':
		return math.Float64frombits(le.Uint64(p.take(8)))
	case 's':
		return p.str()
	case 'o':
		return p.object()
	case 'C', 'I', 'Q', 'D', 'S', 'O':
		n := int(p.u32())
		if n > len(p.b) {
			p.fail("array longer than the file")
			return nil
		}
		switch typ {
		case 'D':
			v := make([]float64, n)
			raw := p.take(8 * n)
			for i := range v {
				v[i] = math.Float64frombits(le.Uint64(raw[8*i:]))
			}
			return v
		case 'C':
			return p.take(n)
		default:
			v := make([]any, n)
			for i := range v {
				v[i] = p.value(typ + 'a' - 'A')
			}
			return v
		}
	}
	p.fail(fmt.Sprintf("unknown component type %q", typ))
	return nil
}

// gwyField is what Gwyddion read: channel 0 and its mask.
type gwyField struct {
	xres, yres   int
	xreal, yreal float64 // m
	xoff, yoff   float64 // m
	data         []float64
	mask         []float64 // nil if no mask
}

// gwyddionRead converts the X3P file in to GWY with gwyddion and returns
// channel 0. It skips the test if gwyddion is not installed.
func gwyddionRead(t *testing.T, in []byte) gwyField {
	t.Helper()
	exe, err := exec.LookPath("gwyddion")
	if err != nil {
		t.Skip("gwyddion not installed (Debian package gwyddion)")
	}
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "in.x3p"), filepath.Join(dir, "out.gwy")
	require.NoError(t, os.WriteFile(src, in, 0o644))
	cmd := exec.Command(exe, "--no-splash", "--convert-to-gwy="+dst, src)
	cmd.Env = append(os.Environ(), "HOME="+dir) // keep Gwyddion's settings out of the real home
	out, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "gwyddion: %s", out)
	b, err := os.ReadFile(dst)
	require.NoErrorf(t, err, "gwyddion wrote no GWY file; it said: %s", out)
	root, err := parseGWY(b)
	require.NoError(t, err)
	require.Equal(t, "GwyContainer", root.Type)
	df, ok := root.C["/0/data"].(*gwyObject)
	require.Truef(t, ok, "no /0/data in Gwyddion's output: %v", keys(root))
	f := gwyField{
		xres:  int(df.C["xres"].(int32)),
		yres:  int(df.C["yres"].(int32)),
		xreal: df.C["xreal"].(float64),
		yreal: df.C["yreal"].(float64),
		data:  df.C["data"].([]float64),
	}
	f.xoff, _ = df.C["xoff"].(float64) // absent means 0
	f.yoff, _ = df.C["yoff"].(float64)
	if mk, ok := root.C["/0/mask"].(*gwyObject); ok {
		f.mask = mk.C["data"].([]float64)
	}
	return f
}

func keys(o *gwyObject) []string {
	var k []string
	for n := range o.C {
		k = append(k, n)
	}
	return k
}

// requireSameAsGwyddion checks that Gwyddion read what Decode reads:
// size, extent, the invalid points (its mask) and every valid height
// (Gwyddion's metres times 1e6). Gwyddion 2.62 does not read the CX/CY
// offsets (its map always starts at 0), so offsets are not compared.
func requireSameAsGwyddion(t *testing.T, in []byte, m *geometry.HeightMap) {
	t.Helper()
	g := gwyddionRead(t, in)
	require.Equal(t, m.Cols(), g.xres)
	require.Equal(t, m.Rows(), g.yres)
	require.InEpsilon(t, float64(m.Cols())*m.Pitch.X, g.xreal*1e6, relTol) // µm
	require.InEpsilon(t, float64(m.Rows())*m.Pitch.Y, g.yreal*1e6, relTol)
	require.Len(t, g.data, len(m.Z))
	invalid, maskDiff, valueDiff, first := 0, 0, 0, -1
	for i, z := range m.Z {
		gInvalid := g.mask != nil && g.mask[i] != 0
		switch {
		case math.IsNaN(z) != gInvalid:
			maskDiff++
		case math.IsNaN(z):
			invalid++
			continue
		case math.Abs(z-g.data[i]*1e6) > relTol*math.Abs(z):
			valueDiff++
		default:
			continue
		}
		if first < 0 {
			first = i
		}
	}
	require.Zerof(t, maskDiff+valueDiff, "%d validity and %d height differences, first at pixel %d", maskDiff, valueDiff, first)
	t.Logf("Gwyddion: %d×%d, %d invalid, offset read as (%g, %g) m", g.xres, g.yres, invalid, g.xoff, g.yoff)
}

// TestGwyddionReadsEncoded checks that files written by Encode open in
// Gwyddion with the right size, pitch, offset, valid points and heights.
func TestGwyddionReadsEncoded(t *testing.T) {
	m := testMap(41, 29, 7)
	for _, tc := range []struct {
		name string
		opts *EncodeOptions
	}{
		{"float64 NaN", nil},
		{"float64 NaN and bitmap", &EncodeOptions{ValidBitmap: true}},
		{"float32", &EncodeOptions{Float32: true}},
		{"int32 with bitmap", &EncodeOptions{ZIncrementUM: 0.0005}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, m, tc.opts))
			dec, err := Decode(bytes.NewReader(buf.Bytes()), nil)
			require.NoError(t, err)
			require.Equal(t, m.ValidCount(), dec.ValidCount()) // the +Inf pixel counts as invalid, and is written so
			requireSameAsGwyddion(t, buf.Bytes(), dec)
		})
	}
}

// TestGwyddionReadsBitmap checks the valid-point bitmap bit order and the
// integer scaling against Gwyddion on a hand-built int16 file.
func TestGwyddionReadsBitmap(t *testing.T) {
	const cols, rows = 7, 3 // 21 points: 3 bitmap bytes, 3 padding bits
	vals := make([]float64, cols*rows)
	valid := make([]bool, cols*rows)
	for i := range vals {
		vals[i] = float64(i*97%201 - 100)
		valid[i] = i%3 != 1 && i != 8 // 8: the first bit of the second byte
	}
	in := spec{cols: cols, rows: rows, zType: "I", zInc: "1e-8", zOff: "-2e-7", dx: "2e-6", dy: "3e-6",
		x0: "1e-3", y0: "-5e-4", data: raw("I", vals), valid: bitmap(valid)}.build(t)
	m, err := Decode(bytes.NewReader(in), nil)
	require.NoError(t, err)
	requireSameAsGwyddion(t, in, m)
}

// TestGwyddionReadsSamples compares Decode with Gwyddion on a shared
// sample from an independent generator (one: each takes Gwyddion about
// half a second; the other sample's valid count was confirmed the same
// way once and is recorded in samples).
func TestGwyddionReadsSamples(t *testing.T) {
	if _, err := exec.LookPath("gwyddion"); err != nil {
		t.Skip("gwyddion not installed (Debian package gwyddion)")
	}
	if testing.Short() {
		t.Skip("a 10 MB file through Gwyddion: skipped in short mode")
	}
	for _, s := range samples[:1] {
		t.Run(s.name, func(t *testing.T) {
			in, err := os.ReadFile(samplesDir + s.name + ".x3p")
			if err != nil {
				t.Skip("sample absent:", err)
			}
			m, err := Decode(bytes.NewReader(in), nil)
			require.NoError(t, err)
			require.Equal(t, s.valid, m.ValidCount())
			requireSameAsGwyddion(t, in, m)
		})
	}
}
