package sur

// Gwyddion as a reference reader: `gwyddion --convert-to-gwy=OUT.gwy IN`
// loads a file with Gwyddion's own module and writes a GWY file, whose
// serialisation is documented in the Gwyddion user guide ("GWY file
// format"): "GWYP", then a tree of objects, each a NUL-terminated type name,
// a u32 little-endian byte size and components (NUL-terminated name, one
// type character, value). This file is shared verbatim by the metropro, opd
// and sur tests.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

type gwyObject struct {
	Type  string
	Items map[string]any
}

type gwyParser struct {
	b []byte
	p int
}

var errGWY = errors.New("malformed GWY data")

func (g *gwyParser) need(n int) error {
	if n < 0 || g.p+n > len(g.b) {
		return errGWY
	}
	return nil
}

func (g *gwyParser) cstr() (string, error) {
	i := bytes.IndexByte(g.b[g.p:], 0)
	if i < 0 {
		return "", errGWY
	}
	s := string(g.b[g.p : g.p+i])
	g.p += i + 1
	return s, nil
}

func (g *gwyParser) u32() (int, error) {
	if err := g.need(4); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(g.b[g.p:])
	g.p += 4
	return int(v), nil
}

func (g *gwyParser) object() (*gwyObject, error) {
	name, err := g.cstr()
	if err != nil {
		return nil, err
	}
	size, err := g.u32()
	if err != nil {
		return nil, err
	}
	if err := g.need(size); err != nil {
		return nil, err
	}
	end := g.p + size
	o := &gwyObject{Type: name, Items: map[string]any{}}
	le := binary.LittleEndian
	for g.p < end {
		key, err := g.cstr()
		if err != nil {
			return nil, err
		}
		if err := g.need(1); err != nil {
			return nil, err
		}
		t := g.b[g.p]
		g.p++
		var v any
		switch t {
		case 'b', 'c':
			if err := g.need(1); err != nil {
				return nil, err
			}
			v = int(g.b[g.p])
			g.p++
		case 'i':
			if err := g.need(4); err != nil {
				return nil, err
			}
			v = int(int32(le.Uint32(g.b[g.p:])))
			g.p += 4
		case 'q':
			if err := g.need(8); err != nil {
				return nil, err
			}
			v = int(int64(le.Uint64(g.b[g.p:])))
			g.p += 8
		case 'd':
			if err := g.need(8); err != nil {
				return nil, err
			}
			v = math.Float64frombits(le.Uint64(g.b[g.p:]))
			g.p += 8
		case 's':
			if v, err = g.cstr(); err != nil {
				return nil, err
			}
		case 'o':
			if v, err = g.object(); err != nil {
				return nil, err
			}
		case 'C', 'I', 'Q', 'D', 'S', 'O':
			n, err := g.u32()
			if err != nil {
				return nil, err
			}
			size := map[byte]int{'C': 1, 'I': 4, 'Q': 8, 'D': 8}[t]
			if size > 0 {
				if err := g.need(n * size); err != nil {
					return nil, err
				}
			}
			switch t {
			case 'C':
				v = append([]byte(nil), g.b[g.p:g.p+n]...)
				g.p += n
			case 'D':
				d := make([]float64, n)
				for i := range d {
					d[i] = math.Float64frombits(le.Uint64(g.b[g.p:]))
					g.p += 8
				}
				v = d
			case 'I', 'Q':
				g.p += n * size // not needed by the tests
			case 'S':
				for range n {
					if _, err := g.cstr(); err != nil {
						return nil, err
					}
				}
			case 'O':
				for range n {
					if _, err := g.object(); err != nil {
						return nil, err
					}
				}
			}
		default:
			return nil, fmt.Errorf("%w: component type %q", errGWY, t)
		}
		o.Items[key] = v
	}
	if g.p != end {
		return nil, errGWY
	}
	return o, nil
}

// parseGWY parses a whole GWY file into its top-level container.
func parseGWY(b []byte) (*gwyObject, error) {
	if !bytes.HasPrefix(b, []byte("GWYP")) {
		return nil, fmt.Errorf("%w: no GWYP magic", errGWY)
	}
	g := &gwyParser{b: b, p: 4}
	return g.object()
}

// gwyField is a GwyDataField as the tests use it: SI values.
type gwyField struct {
	XRes, YRes   int
	XReal, YReal float64 // m
	XOff, YOff   float64 // m
	UnitXY       string
	UnitZ        string
	Data         []float64 // row-major, Gwyddion's row 0 first
}

func unitString(v any) string {
	if o, ok := v.(*gwyObject); ok {
		s, _ := o.Items["unitstr"].(string)
		return s
	}
	return ""
}

func toField(v any) (*gwyField, error) {
	o, ok := v.(*gwyObject)
	if !ok || o.Type != "GwyDataField" {
		return nil, fmt.Errorf("%w: not a GwyDataField", errGWY)
	}
	f := &gwyField{}
	f.XRes, _ = o.Items["xres"].(int)
	f.YRes, _ = o.Items["yres"].(int)
	f.XReal, _ = o.Items["xreal"].(float64)
	f.YReal, _ = o.Items["yreal"].(float64)
	f.XOff, _ = o.Items["xoff"].(float64)
	f.YOff, _ = o.Items["yoff"].(float64)
	f.UnitXY = unitString(o.Items["si_unit_xy"])
	f.UnitZ = unitString(o.Items["si_unit_z"])
	f.Data, _ = o.Items["data"].([]float64)
	if len(f.Data) != f.XRes*f.YRes {
		return nil, fmt.Errorf("%w: %d values for %d×%d", errGWY, len(f.Data), f.XRes, f.YRes)
	}
	return f, nil
}

// gwyddionLoad has Gwyddion load the file content under the given name and
// returns channel 0 and its mask (nil when Gwyddion made none). It skips
// the test when gwyddion is not installed.
func gwyddionLoad(t *testing.T, name string, content []byte) (data, mask *gwyField) {
	t.Helper()
	bin, err := exec.LookPath("gwyddion")
	if err != nil {
		t.Skip("gwyddion not installed (Debian: apt-get install gwyddion)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, name)
	out := filepath.Join(dir, "out.gwy")
	if err := os.WriteFile(in, content, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--no-splash", "--convert-to-gwy="+out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir) // no settings of the user's
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gwyddion failed: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("gwyddion wrote no output: %v\n%s", err, msg)
	}
	root, err := parseGWY(b)
	if err != nil {
		t.Fatal(err)
	}
	if data, err = toField(root.Items["/0/data"]); err != nil {
		t.Fatalf("channel /0/data: %v", err)
	}
	if v, ok := root.Items["/0/mask"]; ok {
		if mask, err = toField(v); err != nil {
			t.Fatalf("channel /0/mask: %v", err)
		}
	}
	return data, mask
}
