package hdf5

import (
	"fmt"
	"sort"
	"strings"
)

// Header message types (specification section IV.A.2).
const (
	msgNil          = 0x00
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillOld      = 0x04
	msgFill         = 0x05
	msgLink         = 0x06
	msgLayout       = 0x08
	msgFilters      = 0x0B
	msgAttribute    = 0x0C
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
	msgAttrInfo     = 0x15
)

// Header message flag bits.
const msgFlagShared = 0x02

// block is an object header continuation block.
type block struct{ addr, size uint64 }

type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// Object is a group, dataset or named datatype: the messages of its object
// header.
type Object struct {
	f    *File
	Addr uint64
	msgs []message
}

// Root returns the root group.
func (f *File) Root() (*Object, error) { return f.object(f.root) }

// object reads the object header at addr, following continuation blocks.
func (f *File) object(addr uint64) (*Object, error) {
	o := &Object{f: f, Addr: addr}
	head, err := f.readUpTo(addr, 16, "object header")
	if err != nil {
		return nil, err
	}
	var pending []block
	seen := map[uint64]bool{addr: true}
	v2 := len(head) >= 4 && string(head[:4]) == "OHDR"
	if v2 {
		// Version 2: signature, version, flags, optional times and
		// attribute phase change values, size of chunk 0.
		p := &parser{b: head, what: "object header"}
		p.skip(4)
		if v := p.u8(); v != 2 {
			return nil, formatErrorf("object header version %d at %#x", v, addr)
		}
		flags := p.u8()
		pre := 6
		if flags&0x20 != 0 {
			pre += 16
		}
		if flags&0x10 != 0 {
			pre += 4
		}
		sizeBytes := 1 << (flags & 3)
		b, err := f.readAt(addr, uint64(pre+sizeBytes), "object header")
		if err != nil {
			return nil, err
		}
		p = &parser{b: b[pre:], what: "object header"}
		size := p.uN(sizeBytes)
		start := addr + uint64(pre+sizeBytes)
		data, err := f.readMeta(start, size, "object header messages")
		if err != nil {
			return nil, err
		}
		var conts []block
		if err := o.parseV2(data, flags, &conts); err != nil {
			return nil, err
		}
		pending = conts
	} else {
		p := &parser{b: head, what: "object header"}
		if v := p.u8(); v != 1 {
			return nil, formatErrorf("object header version %d at %#x", v, addr)
		}
		p.skip(1)
		p.u16() // number of messages
		p.u32() // reference count
		size := uint64(p.u32())
		if p.err != nil {
			return nil, p.err
		}
		data, err := f.readMeta(addr+16, size, "object header messages")
		if err != nil {
			return nil, err
		}
		var conts []block
		if err := o.parseV1(data, &conts); err != nil {
			return nil, err
		}
		pending = conts
	}
	for nblk := 0; len(pending) > 0; nblk++ {
		if nblk >= maxHeaderBlks {
			return nil, formatErrorf("object header at %#x has too many continuation blocks", addr)
		}
		c := pending[0]
		pending = pending[1:]
		if seen[c.addr] {
			return nil, formatErrorf("object header continuation loop at %#x", c.addr)
		}
		seen[c.addr] = true
		data, err := f.readMeta(c.addr, c.size, "object header continuation")
		if err != nil {
			return nil, err
		}
		var conts []block
		if v2 {
			if len(data) < 8 || string(data[:4]) != "OCHK" {
				return nil, formatErrorf("bad continuation block signature at %#x", c.addr)
			}
			err = o.parseV2(data[4:len(data)-4], 0, &conts)
		} else {
			err = o.parseV1(data, &conts)
		}
		if err != nil {
			return nil, err
		}
		pending = append(pending, conts...)
	}
	return o, nil
}

func (o *Object) addMessage(m message, conts *[]block) error {
	if len(o.msgs) >= maxHeaderMsgs {
		return formatErrorf("object header at %#x has too many messages", o.Addr)
	}
	if m.typ == msgContinuation {
		p := &parser{b: m.data, what: "continuation message"}
		a := p.addr(o.f.offSize)
		n := p.uN(o.f.lenSize)
		if p.err != nil {
			return p.err
		}
		*conts = append(*conts, block{a, n})
		return nil
	}
	o.msgs = append(o.msgs, m)
	return nil
}

// parseV1 parses version-1 header messages: type (2), size (2), flags (1),
// reserved (3), data padded to a multiple of 8 bytes.
func (o *Object) parseV1(b []byte, conts *[]block) error {
	p := &parser{b: b, what: "object header message"}
	for p.rem() >= 8 {
		typ := p.u16()
		size := int(p.u16())
		flags := p.u8()
		p.skip(3)
		data := p.bytes(size)
		if p.err != nil {
			return p.err
		}
		if err := o.addMessage(message{typ: typ, flags: flags, data: data}, conts); err != nil {
			return err
		}
	}
	return nil
}

// parseV2 parses version-2 header messages: type (1), size (2), flags (1),
// creation order (2, if the header's flags bit 2 is set), data; a gap
// shorter than a message header may end the block.
func (o *Object) parseV2(b []byte, hdrFlags uint8, conts *[]block) error {
	hsize := 4
	if hdrFlags&0x04 != 0 {
		hsize = 6
	}
	p := &parser{b: b, what: "object header message"}
	for p.rem() >= hsize {
		typ := uint16(p.u8())
		size := int(p.u16())
		flags := p.u8()
		if hsize == 6 {
			p.skip(2)
		}
		data := p.bytes(size)
		if p.err != nil {
			return p.err
		}
		if err := o.addMessage(message{typ: typ, flags: flags, data: data}, conts); err != nil {
			return err
		}
	}
	return nil
}

// first returns the first message of type typ, or nil.
func (o *Object) first(typ uint16) *message {
	for i := range o.msgs {
		if o.msgs[i].typ == typ {
			return &o.msgs[i]
		}
	}
	return nil
}

// IsGroup reports whether the object is a group.
func (o *Object) IsGroup() bool {
	return o.first(msgSymbolTable) != nil || o.first(msgLinkInfo) != nil || o.first(msgLink) != nil
}

// IsDataset reports whether the object is a dataset.
func (o *Object) IsDataset() bool { return o.first(msgLayout) != nil }

// Link is a hard link from a group to an object.
type Link struct {
	Name string
	Addr uint64
}

// Links returns the hard links of a group, sorted by name. Soft and external
// links are skipped.
func (o *Object) Links() ([]Link, error) {
	var links []Link
	if m := o.first(msgSymbolTable); m != nil {
		p := &parser{b: m.data, what: "symbol table message"}
		bt := p.addr(o.f.offSize)
		heap := p.addr(o.f.offSize)
		if p.err != nil {
			return nil, p.err
		}
		l, err := o.f.symbolTable(bt, heap)
		if err != nil {
			return nil, err
		}
		links = l
	}
	for _, m := range o.msgs {
		if m.typ != msgLink {
			continue
		}
		l, ok, err := o.f.parseLink(m.data)
		if err != nil {
			return nil, err
		}
		if ok {
			links = append(links, l)
		}
	}
	if m := o.first(msgLinkInfo); m != nil && len(links) == 0 {
		heap, names, err := o.f.denseInfo(m.data, "link info message", 8)
		if err != nil {
			return nil, err
		}
		if heap != undef && names == undef {
			return nil, FormatError("dense link storage without a name index")
		}
		msgs, err := o.f.denseMessages(heap, names, btreeLinkName, 4, nil)
		if err != nil {
			return nil, fmt.Errorf("dense link storage: %w", err)
		}
		for _, b := range msgs {
			l, ok, err := o.f.parseLink(b)
			if err != nil {
				return nil, err
			}
			if ok {
				links = append(links, l)
			}
		}
	}
	sort.Slice(links, func(i, j int) bool { return links[i].Name < links[j].Name })
	return links, nil
}

// parseLink decodes a link message; ok is false for soft and external links.
func (f *File) parseLink(b []byte) (Link, bool, error) {
	p := &parser{b: b, what: "link message"}
	if v := p.u8(); v != 1 && p.err == nil {
		return Link{}, false, formatErrorf("link message version %d", v)
	}
	flags := p.u8()
	ltype := uint8(0)
	if flags&0x08 != 0 {
		ltype = p.u8()
	}
	if flags&0x04 != 0 {
		p.skip(8)
	}
	if flags&0x10 != 0 {
		p.skip(1)
	}
	n := p.uN(1 << (flags & 3))
	if n > uint64(p.rem()) {
		p.fail()
		return Link{}, false, p.err
	}
	name := string(p.bytes(int(n)))
	if ltype != 0 {
		return Link{}, false, p.err
	}
	a := p.addr(f.offSize)
	if p.err != nil {
		return Link{}, false, p.err
	}
	return Link{Name: name, Addr: a}, true, nil
}

// symbolTable lists an old-style group: a version-1 B-tree of symbol table
// nodes whose names live in a local heap.
func (f *File) symbolTable(btree, heapAddr uint64) ([]Link, error) {
	heap, err := f.localHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	var links []Link
	entrySize := 2*f.offSize + 24
	err = f.walkBTree(btree, 0, f.lenSize, func(_ []byte, child uint64) error {
		b, err := f.readUpTo(child, 8, "symbol table node")
		if err != nil {
			return err
		}
		if len(b) < 8 || string(b[:4]) != "SNOD" {
			return formatErrorf("bad symbol table node signature at %#x", child)
		}
		n := int(b[6]) | int(b[7])<<8
		b, err = f.readMeta(child+8, uint64(n*entrySize), "symbol table node")
		if err != nil {
			return err
		}
		p := &parser{b: b, what: "symbol table entry"}
		for i := 0; i < n; i++ {
			nameOff := p.uN(f.offSize)
			a := p.addr(f.offSize)
			cache := p.u32()
			p.skip(20)
			if p.err != nil {
				return p.err
			}
			if cache == 2 || a == undef {
				continue // soft link: its value is in the scratch pad
			}
			if nameOff >= uint64(len(heap)) {
				return formatErrorf("link name offset %d outside local heap", nameOff)
			}
			links = append(links, Link{Name: cstring(heap[nameOff:]), Addr: a})
		}
		return nil
	})
	return links, err
}

// localHeap returns the data segment of the local heap at addr.
func (f *File) localHeap(addr uint64) ([]byte, error) {
	b, err := f.readUpTo(addr, uint64(8+2*f.lenSize+f.offSize), "local heap")
	if err != nil {
		return nil, err
	}
	p := &parser{b: b, what: "local heap"}
	if string(p.bytes(4)) != "HEAP" {
		if p.err != nil {
			return nil, p.err
		}
		return nil, formatErrorf("bad local heap signature at %#x", addr)
	}
	p.skip(4)
	size := p.uN(f.lenSize)
	p.uN(f.lenSize) // free list head
	data := p.addr(f.offSize)
	if p.err != nil {
		return nil, p.err
	}
	return f.readMeta(data, size, "local heap data")
}

// walkBTree calls fn for each child pointer of the leaves of the version-1
// B-tree at addr, whose nodes have type typ and keys of keySize bytes, with
// the key that precedes the pointer.
func (f *File) walkBTree(addr uint64, typ uint8, keySize int, fn func(key []byte, child uint64) error) error {
	seen := map[uint64]bool{}
	var walk func(addr uint64, depth int, wantLevel int) error
	walk = func(addr uint64, depth int, wantLevel int) error {
		if depth > maxBTreeDepth {
			return FormatError("B-tree too deep")
		}
		if seen[addr] {
			return formatErrorf("B-tree loop at %#x", addr)
		}
		if len(seen) >= maxBTreeNodes {
			return FormatError("B-tree has too many nodes")
		}
		seen[addr] = true
		hdr := 8 + 2*f.offSize
		b, err := f.readUpTo(addr, uint64(hdr), "B-tree node")
		if err != nil {
			return err
		}
		p := &parser{b: b, what: "B-tree node"}
		if string(p.bytes(4)) != "TREE" {
			if p.err != nil {
				return p.err
			}
			return formatErrorf("bad B-tree node signature at %#x", addr)
		}
		if t := p.u8(); t != typ {
			return formatErrorf("B-tree node type %d, want %d", t, typ)
		}
		level := int(p.u8())
		if wantLevel >= 0 && level != wantLevel {
			return formatErrorf("B-tree node level %d, want %d", level, wantLevel)
		}
		n := int(p.u16())
		if p.err != nil {
			return p.err
		}
		size := uint64(n)*uint64(keySize+f.offSize) + uint64(keySize)
		b, err = f.readMeta(addr+uint64(hdr), size, "B-tree node")
		if err != nil {
			return err
		}
		p = &parser{b: b, what: "B-tree node"}
		for i := 0; i < n; i++ {
			key := p.bytes(keySize)
			child := p.addr(f.offSize)
			if p.err != nil {
				return p.err
			}
			if level > 0 {
				if err := walk(child, depth+1, level-1); err != nil {
					return err
				}
				continue
			}
			if err := fn(key, child); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(addr, 0, -1)
}

// Child returns the object that the group links to under name.
func (o *Object) Child(name string) (*Object, error) {
	links, err := o.Links()
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if l.Name == name {
			return o.f.object(l.Addr)
		}
	}
	return nil, fmt.Errorf("%w: link %q", ErrNotFound, name)
}

// OpenPath returns the object at an absolute or root-relative path such as
// "/Data/Surface/{GUID}".
func (f *File) OpenPath(path string) (*Object, error) {
	o, err := f.Root()
	if err != nil {
		return nil, err
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) > maxPathDepth {
		return nil, formatErrorf("path %q too deep", path)
	}
	for _, name := range parts {
		if name == "" || name == "." {
			continue
		}
		if o, err = o.Child(name); err != nil {
			return nil, err
		}
	}
	return o, nil
}
