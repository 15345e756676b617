package gwy_test

import (
	"bytes"
	"encoding/binary"
	"math"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/gwy"
)

// comp is one component of a serialized object: name, type letter and a
// value of the matching Go type (see put).
type comp struct {
	name string
	typ  byte
	val  any
}

// object serializes a GWY object of type typ with the given components,
// as the Gwyddion user guide's "Format of Gwyddion Files" describes.
func object(typ string, comps ...comp) []byte {
	var body bytes.Buffer
	for _, c := range comps {
		body.WriteString(c.name)
		body.WriteByte(0)
		body.WriteByte(c.typ)
		put(&body, c.typ, c.val)
	}
	var b bytes.Buffer
	b.WriteString(typ)
	b.WriteByte(0)
	_ = binary.Write(&b, binary.LittleEndian, uint32(body.Len()))
	b.Write(body.Bytes())
	return b.Bytes()
}

// put writes a component value: b, c byte; i int32; q int64; d float64;
// s string; o []byte (a serialized object); C []byte; I []int32;
// Q []int64; D []float64; S []string; O [][]byte.
func put(b *bytes.Buffer, typ byte, v any) {
	le := binary.LittleEndian
	switch typ {
	case 'b', 'c':
		b.WriteByte(v.(byte))
	case 'i', 'q', 'd':
		_ = binary.Write(b, le, v)
	case 's':
		b.WriteString(v.(string))
		b.WriteByte(0)
	case 'o':
		b.Write(v.([]byte))
	case 'C':
		_ = binary.Write(b, le, uint32(len(v.([]byte))))
		b.Write(v.([]byte))
	case 'I':
		_ = binary.Write(b, le, uint32(len(v.([]int32))))
		_ = binary.Write(b, le, v)
	case 'Q':
		_ = binary.Write(b, le, uint32(len(v.([]int64))))
		_ = binary.Write(b, le, v)
	case 'D':
		_ = binary.Write(b, le, uint32(len(v.([]float64))))
		_ = binary.Write(b, le, v)
	case 'S':
		_ = binary.Write(b, le, uint32(len(v.([]string))))
		for _, s := range v.([]string) {
			b.WriteString(s)
			b.WriteByte(0)
		}
	case 'O':
		_ = binary.Write(b, le, uint32(len(v.([][]byte))))
		for _, o := range v.([][]byte) {
			b.Write(o)
		}
	default:
		panic("put: unknown type " + string(typ))
	}
}

// file returns a GWY file whose top-level container has the given items.
func file(items ...comp) []byte {
	return append([]byte(gwy.Magic), object("GwyContainer", items...)...)
}

// gtypes are the GLib type ids (gobject/gtype.h: G_TYPE_UCHAR 4<<2,
// G_TYPE_BOOLEAN 5<<2, G_TYPE_INT 6<<2, G_TYPE_INT64 10<<2, G_TYPE_DOUBLE
// 15<<2, G_TYPE_STRING 16<<2, G_TYPE_OBJECT 20<<2) that tag the items of a
// Gwyddion 1 container, by the type letter of the value that follows.
var gtypes = map[byte]uint32{'c': 16, 'b': 20, 'i': 24, 'q': 40, 'd': 60, 's': 64, 'o': 80}

// file1 returns a Gwyddion 1 file (magic GWYO) whose top-level container
// has the given items, serialized as Gwyddion 1's gwy_container_serialize
// wrote them (libgwyddion/gwycontainer.c before svn r3511): "GwyContainer",
// NUL, uint32 byte size of the items, then each item as uint32 GLib type
// id, key, NUL, value. Values and nested objects are as in GWYP. It panics
// on a type letter no Gwyddion 1 container holds (the arrays).
func file1(items ...comp) []byte {
	var body bytes.Buffer
	for _, c := range items {
		id, ok := gtypes[c.typ]
		if !ok {
			panic("file1: no GLib type for " + string(c.typ))
		}
		_ = binary.Write(&body, binary.LittleEndian, id)
		body.WriteString(c.name)
		body.WriteByte(0)
		put(&body, c.typ, c.val)
	}
	var b bytes.Buffer
	b.WriteString(gwy.Magic1)
	b.WriteString("GwyContainer\x00")
	_ = binary.Write(&b, binary.LittleEndian, uint32(body.Len()))
	b.Write(body.Bytes())
	return b.Bytes()
}

func siUnit(u string) []byte {
	return object("GwySIUnit", comp{"unitstr", 's', u})
}

// df describes a GwyDataField for dataField.
type df struct {
	xres, yres               int32
	xreal, yreal, xoff, yoff float64
	unitXY, unitZ            string // "" leaves the unit out
	data                     []float64
}

// dataField serializes d in the order Gwyddion 2.62 writes a GwyDataField.
// With xoff = yoff = 0 it is also the layout of Gwyddion 1 (before svn r3511,
// libprocess/datafield.c), which had no offsets; Gwyddion before 1.0
// (before svn r1364, March 2004) wrote no units either.
func dataField(d df) []byte {
	comps := []comp{{"xres", 'i', d.xres}, {"yres", 'i', d.yres}, {"xreal", 'd', d.xreal}, {"yreal", 'd', d.yreal}}
	if d.xoff != 0 {
		comps = append(comps, comp{"xoff", 'd', d.xoff})
	}
	if d.yoff != 0 {
		comps = append(comps, comp{"yoff", 'd', d.yoff})
	}
	if d.unitXY != "" {
		comps = append(comps, comp{"si_unit_xy", 'o', siUnit(d.unitXY)})
	}
	if d.unitZ != "" {
		comps = append(comps, comp{"si_unit_z", 'o', siUnit(d.unitZ)})
	}
	comps = append(comps, comp{"data", 'D', d.data})
	return object("GwyDataField", comps...)
}

// encode writes m as a one-channel GWY file in metres, NaN pixels as a
// mask (with 0 in the data, as Gwyddion does).
func encode(m *geometry.HeightMap) []byte {
	cols, rows := m.Cols(), m.Rows()
	data := make([]float64, 0, cols*rows)
	mask := make([]float64, 0, cols*rows)
	masked := false
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		for _, z := range m.Row(r) {
			if math.IsNaN(z) {
				data, mask, masked = append(data, 0), append(mask, 1), true
				continue
			}
			data, mask = append(data, z*1e-6), append(mask, 0)
		}
	}
	d := df{xres: int32(cols), yres: int32(rows), xreal: float64(cols) * m.Pitch.X * 1e-6, yreal: float64(rows) * m.Pitch.Y * 1e-6,
		xoff: m.Offset.X * 1e-6, yoff: m.Offset.Y * 1e-6, unitXY: "m", unitZ: "m", data: data}
	items := []comp{{"/0/data", 'o', dataField(d)}}
	if masked {
		d.unitZ, d.data = "", mask
		items = append(items, comp{"/0/mask", 'o', dataField(d)})
	}
	return file(items...)
}
