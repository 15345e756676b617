package gwyref

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// object is a deserialised GWY object: its type name and its components
// by name. Component values are int, float64, string, *object, []byte or
// []float64; skipped arrays are stored as nil.
type object struct {
	Type  string
	Items map[string]any
}

type parser struct {
	b []byte
	p int
}

var errGWY = errors.New("gwyref: malformed GWY data")

func (g *parser) need(n int) error {
	if n < 0 || g.p+n > len(g.b) {
		return errGWY
	}
	return nil
}

func (g *parser) cstr() (string, error) {
	i := bytes.IndexByte(g.b[g.p:], 0)
	if i < 0 {
		return "", errGWY
	}
	s := string(g.b[g.p : g.p+i])
	g.p += i + 1
	return s, nil
}

func (g *parser) u32() (int, error) {
	if err := g.need(4); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(g.b[g.p:])
	g.p += 4
	if uint64(v) > uint64(len(g.b)) {
		return 0, errGWY // more than the file holds, and maybe more than an int
	}
	return int(v), nil
}

func (g *parser) object() (*object, error) {
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
	o := &object{Type: name, Items: map[string]any{}}
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

// parse parses a whole GWY file into its top-level container.
func parse(b []byte) (*object, error) {
	if !bytes.HasPrefix(b, []byte("GWYP")) {
		return nil, fmt.Errorf("%w: no GWYP magic", errGWY)
	}
	g := &parser{b: b, p: 4}
	return g.object()
}

// Field is a GwyDataField as the tests use it: SI values.
type Field struct {
	XRes, YRes   int
	XReal, YReal float64 // m
	XOff, YOff   float64 // m
	UnitXY       string
	UnitZ        string
	Data         []float64 // row-major, Gwyddion's row 0 first
}

func unitString(v any) string {
	if o, ok := v.(*object); ok {
		s, _ := o.Items["unitstr"].(string)
		return s
	}
	return ""
}

// toField reads a GwyDataField object.
func toField(v any) (*Field, error) {
	o, ok := v.(*object)
	if !ok || o.Type != "GwyDataField" {
		return nil, fmt.Errorf("%w: not a GwyDataField", errGWY)
	}
	f := &Field{}
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

// channel parses a GWY file and returns channel 0 and its mask (nil when
// there is none).
func channel(b []byte) (data, mask *Field, err error) {
	root, err := parse(b)
	if err != nil {
		return nil, nil, err
	}
	if data, err = toField(root.Items["/0/data"]); err != nil {
		return nil, nil, fmt.Errorf("channel /0/data: %w", err)
	}
	if v, ok := root.Items["/0/mask"]; ok {
		if mask, err = toField(v); err != nil {
			return nil, nil, fmt.Errorf("channel /0/mask: %w", err)
		}
		if mask.XRes != data.XRes || mask.YRes != data.YRes {
			return nil, nil, fmt.Errorf("%w: mask %d×%d for data %d×%d", errGWY, mask.XRes, mask.YRes, data.XRes, data.YRes)
		}
	}
	return data, mask, nil
}
