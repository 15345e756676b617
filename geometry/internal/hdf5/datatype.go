package hdf5

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Class is a datatype class (specification section IV.A.2.d).
type Class uint8

// Datatype classes.
const (
	ClassFixed     Class = 0
	ClassFloat     Class = 1
	ClassTime      Class = 2
	ClassString    Class = 3
	ClassBitfield  Class = 4
	ClassOpaque    Class = 5
	ClassCompound  Class = 6
	ClassReference Class = 7
	ClassEnum      Class = 8
	ClassVlen      Class = 9
	ClassArray     Class = 10
)

// Datatype describes the element type of a dataset or attribute.
type Datatype struct {
	Class     Class
	Size      uint32 // bytes per element
	BigEndian bool   // fixed-point, floating-point, enum base
	Signed    bool   // fixed-point
	VAX       bool   // floating-point in VAX byte order (not decoded)
	// VlenString is set for a variable-length string (Class ClassVlen).
	VlenString bool
	Members    []Member  // compound
	Base       *Datatype // enum, vlen sequence, array
	Dims       []uint32  // array
}

// Member is a field of a compound datatype.
type Member struct {
	Name   string
	Offset uint32
	Type   *Datatype
}

// vlenSize is the on-disk size of a variable-length element: length (4),
// global heap collection address, object index (4).
func (f *File) vlenSize() uint32 { return uint32(8 + f.offSize) }

// parseDatatype decodes a datatype message body from p.
func (f *File) parseDatatype(p *parser, depth int) (*Datatype, error) {
	if depth > maxTypeDepth {
		return nil, FormatError("datatype nested too deeply")
	}
	cv := p.u8()
	bits := p.bytes(3)
	size := p.u32()
	if p.err != nil {
		return nil, p.err
	}
	t := &Datatype{Class: Class(cv & 0x0F), Size: size}
	version := cv >> 4
	switch t.Class {
	case ClassFixed, ClassBitfield:
		t.BigEndian = bits[0]&1 != 0
		t.Signed = t.Class == ClassFixed && bits[0]&0x08 != 0
		p.skip(4) // bit offset, bit precision
	case ClassFloat:
		t.BigEndian = bits[0]&1 != 0
		t.VAX = bits[0]&0x40 != 0
		p.skip(12)
	case ClassTime:
		t.BigEndian = bits[0]&1 != 0
		p.skip(2)
	case ClassString, ClassReference:
	case ClassOpaque:
		p.skip(int(bits[0])) // ASCII tag, padded
	case ClassCompound:
		n := int(bits[0]) | int(bits[1])<<8
		if n > maxMembers {
			return nil, formatErrorf("compound with %d members", n)
		}
		for i := 0; i < n; i++ {
			m, err := f.parseMember(p, t, version, depth)
			if err != nil {
				return nil, err
			}
			t.Members = append(t.Members, m)
		}
	case ClassEnum:
		base, err := f.parseDatatype(p, depth+1)
		if err != nil {
			return nil, err
		}
		t.Base = base
		t.BigEndian = base.BigEndian
		t.Signed = base.Signed
		n := int(bits[0]) | int(bits[1])<<8
		for i := 0; i < n; i++ {
			if version >= 3 {
				p.nameNUL()
			} else {
				p.namePadded()
			}
		}
		if v, ok := mulCheck(uint64(n), uint64(base.Size), uint64(p.rem())); ok {
			p.skip(int(v))
		} else {
			p.fail()
		}
	case ClassVlen:
		t.VlenString = bits[0]&0x0F == 1
		base, err := f.parseDatatype(p, depth+1)
		if err != nil {
			return nil, err
		}
		t.Base = base
		if size != f.vlenSize() {
			return nil, formatErrorf("variable-length datatype of %d bytes", size)
		}
	case ClassArray:
		rank := int(p.u8())
		if version < 3 {
			p.skip(3)
		}
		if rank > maxRank {
			return nil, formatErrorf("array datatype of rank %d", rank)
		}
		for i := 0; i < rank; i++ {
			t.Dims = append(t.Dims, p.u32())
		}
		if version < 3 {
			p.skip(4 * rank) // permutation
		}
		base, err := f.parseDatatype(p, depth+1)
		if err != nil {
			return nil, err
		}
		t.Base = base
		n := uint64(1)
		for _, d := range t.Dims {
			n *= uint64(d) // ≤ 2^32 per factor; overflow is caught below
			if n > uint64(size) {
				break
			}
		}
		if v, ok := mulCheck(n, uint64(base.Size), uint64(size)); !ok || v != uint64(size) {
			return nil, FormatError("array datatype size does not match its dimensions")
		}
	default:
		return nil, unsupportedf("datatype class %d", t.Class)
	}
	if p.err != nil {
		return nil, p.err
	}
	return t, nil
}

func (f *File) parseMember(p *parser, t *Datatype, version uint8, depth int) (Member, error) {
	var m Member
	switch version {
	case 1, 2:
		m.Name = p.namePadded()
		m.Offset = p.u32()
		var dims []uint32
		if version == 1 {
			rank := int(p.u8())
			p.skip(3 + 4 + 4) // reserved, permutation, reserved
			for i := 0; i < 4; i++ {
				d := p.u32()
				if i < rank {
					dims = append(dims, d)
				}
			}
		}
		mt, err := f.parseDatatype(p, depth+1)
		if err != nil {
			return m, err
		}
		if len(dims) > 0 {
			n := uint64(1)
			for _, d := range dims {
				if n *= uint64(d); n > uint64(t.Size) {
					return m, FormatError("compound member array too large")
				}
			}
			mt = &Datatype{Class: ClassArray, Size: uint32(n) * mt.Size, Dims: dims, Base: mt}
		}
		m.Type = mt
	case 3:
		m.Name = p.nameNUL()
		nb := 4
		switch {
		case t.Size < 1<<8:
			nb = 1
		case t.Size < 1<<16:
			nb = 2
		case t.Size < 1<<24:
			nb = 3
		}
		m.Offset = uint32(p.uN(nb))
		mt, err := f.parseDatatype(p, depth+1)
		if err != nil {
			return m, err
		}
		m.Type = mt
	default:
		return m, unsupportedf("compound datatype version %d", version)
	}
	if p.err != nil {
		return m, p.err
	}
	if uint64(m.Offset)+uint64(m.Type.Size) > uint64(t.Size) {
		return m, formatErrorf("compound member %q outside its compound", m.Name)
	}
	return m, nil
}

// namePadded reads a NUL-terminated name padded to a multiple of 8 bytes.
func (p *parser) namePadded() string {
	s, n := p.peekName()
	p.skip((n + 1 + 7) &^ 7)
	return s
}

// nameNUL reads a NUL-terminated name without padding.
func (p *parser) nameNUL() string {
	s, n := p.peekName()
	p.skip(n + 1)
	return s
}

func (p *parser) peekName() (string, int) {
	if p.err != nil {
		return "", 0
	}
	for i := p.off; i < len(p.b); i++ {
		if p.b[i] == 0 {
			return string(p.b[p.off:i]), i - p.off
		}
	}
	p.fail()
	return "", 0
}

// parseDataspace decodes a dataspace message. A scalar dataspace has no
// dimensions (one element); a null dataspace returns null = true.
func (f *File) parseDataspace(b []byte) (dims []uint64, null bool, err error) {
	p := &parser{b: b, what: "dataspace message"}
	version := p.u8()
	rank := int(p.u8())
	p.u8() // flags: maximum dimensions present (not read)
	switch version {
	case 1:
		p.skip(5)
	case 2:
		switch p.u8() { // dataspace type
		case 0: // scalar
			rank = 0
		case 2: // null
			rank, null = 0, true
		}
	default:
		if p.err != nil {
			return nil, false, p.err
		}
		return nil, false, unsupportedf("dataspace version %d", version)
	}
	if rank > maxRank {
		return nil, false, formatErrorf("dataspace of rank %d", rank)
	}
	dims = make([]uint64, rank)
	for i := range dims {
		dims[i] = p.uN(f.lenSize)
	}
	if p.err != nil {
		return nil, false, p.err
	}
	return dims, null, nil
}

// count returns the number of elements of a dataspace, or ok = false if it
// exceeds limit.
func count(dims []uint64, limit uint64) (uint64, bool) {
	n := uint64(1)
	for _, d := range dims {
		var ok bool
		if n, ok = mulCheck(n, d, limit); !ok {
			return 0, false
		}
	}
	if n > limit {
		return 0, false
	}
	return n, true
}

// datatypeMessage decodes a datatype message, following a shared
// (committed) datatype to its object header.
func (f *File) datatypeMessage(b []byte, shared bool, depth int) (*Datatype, error) {
	if !shared {
		return f.parseDatatype(&parser{b: b, what: "datatype message"}, 0)
	}
	if depth > 4 {
		return nil, FormatError("shared datatype chain too long")
	}
	p := &parser{b: b, what: "shared message"}
	version := p.u8()
	typ := p.u8()
	switch version {
	case 1:
		p.skip(6)
	case 2:
	case 3:
		if typ != 2 {
			return nil, UnsupportedError("datatype in the shared object header message heap")
		}
	default:
		if p.err == nil {
			return nil, unsupportedf("shared message version %d", version)
		}
	}
	a := p.addr(f.offSize)
	if p.err != nil {
		return nil, p.err
	}
	o, err := f.object(a)
	if err != nil {
		return nil, err
	}
	m := o.first(msgDatatype)
	if m == nil {
		return nil, FormatError("committed datatype without datatype message")
	}
	return f.datatypeMessage(m.data, m.flags&msgFlagShared != 0, depth+1)
}

// Attribute is an attribute of an object, with its raw data.
type Attribute struct {
	Name string
	Type *Datatype
	Dims []uint64 // empty for a scalar
	f    *File
	data []byte
	n    uint64 // number of elements
}

// Attrs returns the attributes of the object: those in its header, then
// those in dense storage (a fractal heap indexed by name), in index order.
func (o *Object) Attrs() ([]*Attribute, error) {
	var attrs []*Attribute
	for _, m := range o.msgs {
		if m.typ != msgAttribute {
			continue
		}
		a, err := o.f.parseAttribute(m.data)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, a)
	}
	if m := o.first(msgAttrInfo); m != nil {
		heap, names, err := o.f.denseInfo(m.data, "attribute info message", 2)
		if err != nil {
			return nil, err
		}
		if heap != undef && names == undef {
			return nil, FormatError("dense attribute storage without a name index")
		}
		// A record's message flags follow its 8-byte heap ID; a shared
		// attribute's ID points into the shared-message heap instead.
		shared := func(rec []byte, idLen int) error {
			if len(rec) > idLen && rec[idLen]&msgFlagShared != 0 {
				return UnsupportedError("shared attribute in dense storage")
			}
			return nil
		}
		msgs, err := o.f.denseMessages(heap, names, btreeAttrName, 0, shared)
		if err != nil {
			return nil, fmt.Errorf("dense attribute storage: %w", err)
		}
		for _, b := range msgs {
			a, err := o.f.parseAttribute(b)
			if err != nil {
				return nil, err
			}
			attrs = append(attrs, a)
		}
	}
	return attrs, nil
}

// Attr returns the named attribute, or an error wrapping ErrNotFound.
func (o *Object) Attr(name string) (*Attribute, error) {
	attrs, err := o.Attrs()
	if err != nil {
		return nil, err
	}
	for _, a := range attrs {
		if a.Name == name {
			return a, nil
		}
	}
	return nil, fmt.Errorf("%w: attribute %q", ErrNotFound, name)
}

func (f *File) parseAttribute(b []byte) (*Attribute, error) {
	p := &parser{b: b, what: "attribute message"}
	version := p.u8()
	flags := p.u8()
	nameSize := int(p.u16())
	dtSize := int(p.u16())
	dsSize := int(p.u16())
	pad := func(n int) int { return n }
	switch version {
	case 1:
		pad = func(n int) int { return (n + 7) &^ 7 }
		flags = 0
	case 2:
	case 3:
		p.skip(1) // name character set
	default:
		if p.err != nil {
			return nil, p.err
		}
		return nil, unsupportedf("attribute message version %d", version)
	}
	a := &Attribute{f: f}
	a.Name = cstring(p.bytes(pad(nameSize)))
	dt := p.bytes(pad(dtSize))
	ds := p.bytes(pad(dsSize))
	if p.err != nil {
		return nil, p.err
	}
	if flags&0x02 != 0 {
		return nil, UnsupportedError("shared dataspace in attribute")
	}
	t, err := f.datatypeMessage(dt, flags&0x01 != 0, 0)
	if err != nil {
		return nil, fmt.Errorf("attribute %q: %w", a.Name, err)
	}
	a.Type = t
	dims, null, err := f.parseDataspace(ds)
	if err != nil {
		return nil, fmt.Errorf("attribute %q: %w", a.Name, err)
	}
	a.Dims = dims
	if !null {
		n, ok := count(dims, uint64(len(b)))
		if !ok {
			return nil, formatErrorf("attribute %q larger than its message", a.Name)
		}
		a.n = n
	}
	need, ok := mulCheck(a.n, uint64(t.Size), uint64(p.rem()))
	if !ok || need > uint64(p.rem()) {
		return nil, formatErrorf("attribute %q data truncated", a.Name)
	}
	a.data = p.bytes(int(need))
	return a, nil
}

// Len returns the number of elements of the attribute.
func (a *Attribute) Len() int { return int(a.n) }

// Values decodes the attribute's elements into Go values: int64 or uint64
// (fixed-point, enum), float64, string, []Field (compound), []any (array,
// variable-length sequence) or []byte (other classes).
func (a *Attribute) Values() ([]any, error) {
	return a.f.decodeAll(a.Type, a.data, a.n)
}

// Field is one decoded member of a compound value.
type Field struct {
	Name  string
	Value any
}

// decodeAll decodes n elements of type t packed in b.
func (f *File) decodeAll(t *Datatype, b []byte, n uint64) ([]any, error) {
	if n > maxValueElems {
		return nil, formatErrorf("%d elements to decode", n)
	}
	need, ok := mulCheck(n, uint64(t.Size), uint64(len(b)))
	if !ok || need > uint64(len(b)) {
		return nil, FormatError("data shorter than its elements")
	}
	vals := make([]any, n)
	f.decodeLeft = maxDecodeSteps
	for i := range vals {
		v, err := f.decode(t, b[uint64(i)*uint64(t.Size):][:t.Size], 0)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// decode converts one element to a Go value: int64 or uint64 (fixed-point,
// enum), float64, string (fixed or variable-length), []Field (compound),
// []any (array, variable-length sequence), []byte (other classes).
func (f *File) decode(t *Datatype, b []byte, depth int) (any, error) {
	if depth > maxTypeDepth {
		return nil, FormatError("value nested too deeply")
	}
	// Variable-length sequences may point to the same heap object again and
	// again, nested: count every element decoded.
	if f.decodeLeft--; f.decodeLeft < 0 {
		return nil, formatErrorf("value has more than %d elements", maxDecodeSteps)
	}
	switch t.Class {
	case ClassFixed, ClassEnum:
		if t.Size > 8 || t.Size == 0 {
			return append([]byte(nil), b...), nil
		}
		u := orderedUint(b, t.BigEndian)
		if t.Signed {
			shift := 64 - 8*uint(t.Size)
			return int64(u<<shift) >> shift, nil
		}
		return u, nil
	case ClassFloat:
		v, ok := t.float(b)
		if !ok {
			return nil, unsupportedf("%d-byte floating-point", t.Size)
		}
		return v, nil
	case ClassString:
		return trimString(b), nil
	case ClassCompound:
		fields := make([]Field, len(t.Members))
		for i, m := range t.Members {
			v, err := f.decode(m.Type, b[m.Offset:m.Offset+m.Type.Size], depth+1)
			if err != nil {
				return nil, err
			}
			fields[i] = Field{Name: m.Name, Value: v}
		}
		return fields, nil
	case ClassArray:
		n := uint64(t.Size) / uint64(max(t.Base.Size, 1))
		if t.Base.Size == 0 {
			n = 0
		}
		out := make([]any, n)
		for i := range out {
			v, err := f.decode(t.Base, b[uint64(i)*uint64(t.Base.Size):][:t.Base.Size], depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case ClassVlen:
		p := &parser{b: b, what: "variable-length element"}
		n := uint64(p.u32())
		addr := p.addr(f.offSize)
		idx := p.u32()
		if p.err != nil {
			return nil, p.err
		}
		var data []byte
		if n > 0 {
			obj, err := f.globalObject(addr, idx)
			if err != nil {
				return nil, err
			}
			data = obj
		}
		if t.VlenString {
			if n > uint64(len(data)) {
				return nil, FormatError("variable-length string longer than its heap object")
			}
			return trimString(data[:n]), nil
		}
		if n > maxVlenElems {
			return nil, formatErrorf("variable-length sequence of %d elements", n)
		}
		need, ok := mulCheck(n, uint64(t.Base.Size), uint64(len(data)))
		if !ok || need > uint64(len(data)) {
			return nil, FormatError("variable-length sequence longer than its heap object")
		}
		out := make([]any, n)
		for i := range out {
			v, err := f.decode(t.Base, data[uint64(i)*uint64(t.Base.Size):][:t.Base.Size], depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	default:
		return append([]byte(nil), b...), nil
	}
}

func trimString(b []byte) string {
	s := cstring(b)
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

func orderedUint(b []byte, big bool) uint64 {
	var v uint64
	if big {
		for _, c := range b {
			v = v<<8 | uint64(c)
		}
		return v
	}
	return leUint(b)
}

// float decodes an IEEE binary32 or binary64 element.
func (t *Datatype) float(b []byte) (float64, bool) {
	if t.VAX {
		return 0, false
	}
	switch t.Size {
	case 4:
		u := uint32(orderedUint(b, t.BigEndian))
		return float64(math.Float32frombits(u)), true
	case 8:
		return math.Float64frombits(orderedUint(b, t.BigEndian)), true
	}
	return 0, false
}

// Numeric reports whether elements of t convert to float64: fixed-point of
// 1–8 bytes or IEEE floating-point of 4 or 8 bytes.
func (t *Datatype) Numeric() bool {
	switch t.Class {
	case ClassFixed:
		return t.Size >= 1 && t.Size <= 8
	case ClassFloat:
		return !t.VAX && (t.Size == 4 || t.Size == 8)
	}
	return false
}

// toFloat64s converts n numeric elements of t packed in b into dst.
func (t *Datatype) toFloat64s(dst []float64, b []byte) {
	es := int(t.Size)
	switch {
	case t.Class == ClassFloat && es == 8 && !t.BigEndian:
		for i := range dst {
			dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[i*8:]))
		}
	case t.Class == ClassFloat && es == 4 && !t.BigEndian:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:])))
		}
	case t.Class == ClassFloat:
		for i := range dst {
			dst[i], _ = t.float(b[i*es : i*es+es])
		}
	default:
		shift := 64 - 8*uint(es)
		for i := range dst {
			u := orderedUint(b[i*es:i*es+es], t.BigEndian)
			if t.Signed {
				dst[i] = float64(int64(u<<shift) >> shift)
			} else {
				dst[i] = float64(u)
			}
		}
	}
}

// globalObject returns object idx of the global heap collection at addr.
func (f *File) globalObject(addr uint64, idx uint32) ([]byte, error) {
	objs, ok := f.gheap[addr]
	if !ok {
		var err error
		if objs, err = f.readGlobalHeap(addr); err != nil {
			return nil, err
		}
	}
	if idx > math.MaxUint16 {
		return nil, formatErrorf("global heap object index %d", idx)
	}
	b, ok := objs[uint16(idx)]
	if !ok {
		return nil, formatErrorf("global heap object %d missing at %#x", idx, addr)
	}
	return b, nil
}

func (f *File) readGlobalHeap(addr uint64) (map[uint16][]byte, error) {
	hdr, err := f.readUpTo(addr, uint64(8+f.lenSize), "global heap")
	if err != nil {
		return nil, err
	}
	p := &parser{b: hdr, what: "global heap"}
	if string(p.bytes(4)) != "GCOL" {
		if p.err != nil {
			return nil, p.err
		}
		return nil, formatErrorf("bad global heap signature at %#x", addr)
	}
	p.skip(4)
	size := p.uN(f.lenSize)
	if p.err != nil {
		return nil, p.err
	}
	b, err := f.readMeta(addr, size, "global heap collection")
	if err != nil {
		return nil, err
	}
	objs := map[uint16][]byte{}
	p = &parser{b: b, what: "global heap object"}
	p.skip(8 + f.lenSize)
	for p.rem() >= 8+f.lenSize {
		idx := p.u16()
		p.skip(6) // reference count, reserved
		n := p.uN(f.lenSize)
		if idx == 0 || p.err != nil {
			break // free space fills the rest of the collection
		}
		if n > uint64(p.rem()) {
			return nil, formatErrorf("global heap object %d truncated", idx)
		}
		objs[idx] = p.bytes(int(n))
		p.skip(min(int((n+7)&^7-n), p.rem()))
	}
	if f.gheapSize+len(b) <= maxGlobalCache {
		if f.gheap == nil {
			f.gheap = map[uint64]map[uint16][]byte{}
		}
		f.gheap[addr] = objs
		f.gheapSize += len(b)
	}
	return objs, nil
}
