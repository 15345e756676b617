package hdf5

import (
	"math"
	"math/bits"
)

// Dense storage of links and attributes: a fractal heap (III.G) holds the
// link or attribute messages and a version-2 B-tree (III.A.2) indexes them
// by name. HDF5 1.8+ moves a group's links, or an object's attributes,
// there when they outnumber the compact limit (8 by default) in files
// written with the 1.8 format or later.

// Version-2 B-tree record types read here.
const (
	btreeLinkName = 5 // hash (4), heap ID
	btreeAttrName = 8 // heap ID (8), message flags (1), creation order (4), hash (4)
)

// v2PrefixSize is the size of a version-2 B-tree node's signature, version,
// type and checksum (H5B2 "metadata prefix").
const v2PrefixSize = 10

// maxHeapRows bounds the rows of a fractal heap's doubling table: one row
// per doubling of the block size within a 64-bit address space.
const maxHeapRows = 64

// fractalHeap is the part of a fractal heap header needed to find managed
// and tiny objects.
type fractalHeap struct {
	f             *File
	addr          uint64
	idLen         int
	width         uint64
	startBlock    uint64
	maxDirect     uint64
	root          uint64
	rootRows      int
	checksummed   bool
	offBytes      int // size of a heap offset (block offsets, heap IDs)
	lenBytes      int // size of an object length in a heap ID
	maxDirectRows int
	firstRowBits  int // log2(startBlock · width)
}

// limitEncSize is the number of bytes libhdf5 uses to encode values up to
// v: floor(log2 v)/8 + 1.
func limitEncSize(v uint64) int {
	if v == 0 {
		return 1
	}
	return (bits.Len64(v)-1)/8 + 1
}

func isPow2(v uint64) bool { return v != 0 && v&(v-1) == 0 }

// log2 of a power of two.
func log2(v uint64) int { return bits.Len64(v) - 1 }

// fractalHeap reads the fractal heap header ("FRHP") at addr.
func (f *File) fractalHeap(addr uint64) (*fractalHeap, error) {
	L, O := f.lenSize, f.offSize
	size := uint64(22 + 12*L + 3*O)
	b, err := f.readMeta(addr, size, "fractal heap header")
	if err != nil {
		return nil, err
	}
	p := &parser{b: b, what: "fractal heap header"}
	if string(p.bytes(4)) != "FRHP" {
		return nil, formatErrorf("bad fractal heap signature at %#x", addr)
	}
	if v := p.u8(); v != 0 {
		return nil, unsupportedf("fractal heap version %d", v)
	}
	h := &fractalHeap{f: f, addr: addr}
	h.idLen = int(p.u16())
	filterLen := p.u16()
	flags := p.u8()
	maxManaged := uint64(p.u32())
	p.uN(L)   // next huge object ID
	p.addr(O) // huge object B-tree
	p.uN(L)   // free space in managed blocks
	p.addr(O) // free space manager
	p.uN(L)   // managed space
	p.uN(L)   // allocated managed space
	p.uN(L)   // direct block allocation iterator
	p.uN(L)   // number of managed objects
	p.uN(L)   // size of huge objects
	p.uN(L)   // number of huge objects
	p.uN(L)   // size of tiny objects
	p.uN(L)   // number of tiny objects
	h.width = uint64(p.u16())
	h.startBlock = p.uN(L)
	h.maxDirect = p.uN(L)
	maxHeapBits := int(p.u16())
	p.u16() // starting rows of the root indirect block
	h.root = p.addr(O)
	h.rootRows = int(p.u16())
	if p.err != nil {
		return nil, p.err
	}
	if filterLen != 0 {
		return nil, UnsupportedError("filtered fractal heap (compressed dense storage)")
	}
	h.checksummed = flags&0x02 != 0
	switch {
	case h.idLen < 2 || h.idLen > 1<<10:
		return nil, formatErrorf("fractal heap ID length %d", h.idLen)
	case h.width == 0 || !isPow2(h.width):
		return nil, formatErrorf("fractal heap table width %d", h.width)
	case !isPow2(h.startBlock) || !isPow2(h.maxDirect) || h.maxDirect < h.startBlock:
		return nil, formatErrorf("fractal heap block sizes %d, %d", h.startBlock, h.maxDirect)
	case maxHeapBits < 1 || maxHeapBits > 64 || log2(h.maxDirect) >= maxHeapBits:
		return nil, formatErrorf("fractal heap size of %d bits", maxHeapBits)
	case h.rootRows < 0 || h.rootRows > maxHeapRows:
		return nil, formatErrorf("fractal heap root of %d rows", h.rootRows)
	}
	h.offBytes = (maxHeapBits + 7) / 8
	h.lenBytes = min((log2(h.maxDirect)+7)/8, limitEncSize(maxManaged))
	h.maxDirectRows = log2(h.maxDirect) - log2(h.startBlock) + 2
	h.firstRowBits = log2(h.startBlock) + log2(h.width)
	if h.firstRowBits >= 64 {
		return nil, formatErrorf("fractal heap first row of 2^%d bytes", h.firstRowBits)
	}
	return h, nil
}

// rowSize is the size of the blocks of doubling-table row r.
func (h *fractalHeap) rowSize(r int) uint64 {
	if r == 0 {
		return h.startBlock
	}
	if r-1 >= 64-log2(h.startBlock) {
		return math.MaxUint64
	}
	return h.startBlock << (r - 1)
}

// object returns the heap object that the heap ID id names.
func (h *fractalHeap) object(id []byte) ([]byte, error) {
	if len(id) != h.idLen {
		return nil, formatErrorf("fractal heap ID of %d bytes, the heap uses %d", len(id), h.idLen)
	}
	if v := id[0] >> 6; v != 0 {
		return nil, unsupportedf("fractal heap ID version %d", v)
	}
	switch typ := id[0] >> 4 & 3; typ {
	case 0: // managed
		if 1+h.offBytes+h.lenBytes > len(id) {
			return nil, formatErrorf("fractal heap ID of %d bytes too short", len(id))
		}
		off := leUint(id[1 : 1+h.offBytes])
		n := leUint(id[1+h.offBytes : 1+h.offBytes+h.lenBytes])
		return h.managed(off, n)
	case 2: // tiny: the object is in the ID
		n, start := int(id[0]&0x0f)+1, 1
		if h.idLen > 18 {
			n, start = int(id[0]&0x0f)<<8|int(id[1])+1, 2
		}
		if start+n > len(id) {
			return nil, formatErrorf("tiny heap object of %d bytes in a %d-byte ID", n, len(id))
		}
		return id[start : start+n], nil
	case 1:
		return nil, UnsupportedError("huge fractal heap object")
	default:
		return nil, formatErrorf("fractal heap ID type %d", typ)
	}
}

// managed returns the n bytes at heap offset off, in the direct block that
// holds them.
func (h *fractalHeap) managed(off, n uint64) ([]byte, error) {
	if h.root == undef {
		return nil, FormatError("fractal heap object in an empty heap")
	}
	if h.rootRows == 0 { // the root is a direct block
		return h.direct(h.root, 0, h.startBlock, off, n)
	}
	addr, base, rows := h.root, uint64(0), h.rootRows
	for depth := 0; depth < maxHeapRows; depth++ {
		b, err := h.f.readUpTo(addr, 5, "fractal heap indirect block")
		if err != nil {
			return nil, err
		}
		if len(b) < 5 || string(b[:4]) != "FHIB" {
			return nil, formatErrorf("bad fractal heap indirect block signature at %#x", addr)
		}
		// Find the row and column of off below this block.
		rel := off - base
		if off < base {
			return nil, formatErrorf("fractal heap offset %d outside its block", off)
		}
		r, c := -1, uint64(0)
		for i := 0; i < rows; i++ {
			rs := h.rowSize(i)
			span, ok := mulCheck(rs, h.width, math.MaxUint64)
			if !ok {
				span = math.MaxUint64
			}
			if rel < span {
				r, c = i, rel/rs
				rel -= c * rs
				break
			}
			rel -= span
		}
		if r < 0 {
			return nil, formatErrorf("fractal heap offset %d beyond its %d-row block", off, rows)
		}
		entry := uint64(r)*h.width + c
		hdr := uint64(5 + h.f.offSize + h.offBytes)
		at := addr + hdr + entry*uint64(h.f.offSize)
		eb, err := h.f.readMeta(at, uint64(h.f.offSize), "fractal heap indirect block entry")
		if err != nil {
			return nil, err
		}
		child := (&parser{b: eb}).addr(h.f.offSize)
		if child == undef {
			return nil, formatErrorf("fractal heap offset %d in an unallocated block", off)
		}
		childBase := off - rel
		if r < h.maxDirectRows {
			return h.direct(child, childBase, h.rowSize(r), off, n)
		}
		addr, base = child, childBase
		rows = log2(h.rowSize(r)) - h.firstRowBits + 1
		if rows < 1 || rows > maxHeapRows {
			return nil, formatErrorf("fractal heap indirect block of %d rows", rows)
		}
	}
	return nil, FormatError("fractal heap too deep")
}

// direct returns the n bytes at heap offset off in the direct block at addr,
// which starts at heap offset base and has size bytes (its header included).
func (h *fractalHeap) direct(addr, base, size, off, n uint64) ([]byte, error) {
	b, err := h.f.readUpTo(addr, 5, "fractal heap direct block")
	if err != nil {
		return nil, err
	}
	if len(b) < 5 || string(b[:4]) != "FHDB" {
		return nil, formatErrorf("bad fractal heap direct block signature at %#x", addr)
	}
	hdr := uint64(5 + h.f.offSize + h.offBytes)
	if h.checksummed {
		hdr += 4
	}
	pos := off - base
	if off < base || pos < hdr || pos > size || n > size-pos {
		return nil, formatErrorf("fractal heap object of %d bytes at offset %d outside its direct block", n, off)
	}
	return h.f.readMeta(addr+pos, n, "fractal heap object")
}

// walkBTree2 calls fn for every record of the version-2 B-tree at addr,
// which must have records of type typ.
func (f *File) walkBTree2(addr uint64, typ uint8, fn func(rec []byte) error) error {
	b, err := f.readMeta(addr, uint64(16+f.offSize+f.lenSize+4), "v2 B-tree header")
	if err != nil {
		return err
	}
	p := &parser{b: b, what: "v2 B-tree header"}
	if string(p.bytes(4)) != "BTHD" {
		return formatErrorf("bad v2 B-tree header signature at %#x", addr)
	}
	if v := p.u8(); v != 0 {
		return unsupportedf("v2 B-tree version %d", v)
	}
	if t := p.u8(); t != typ {
		return formatErrorf("v2 B-tree of type %d, want %d", t, typ)
	}
	nodeSize := uint64(p.u32())
	recSize := uint64(p.u16())
	depth := int(p.u16())
	p.skip(2) // split and merge percentages
	root := p.addr(f.offSize)
	rootN := uint64(p.u16())
	if p.err != nil {
		return p.err
	}
	if root == undef || rootN == 0 && depth == 0 {
		return nil
	}
	if recSize == 0 || nodeSize <= v2PrefixSize || nodeSize > maxMetaRead || depth > maxBTreeDepth {
		return formatErrorf("v2 B-tree of %d-byte nodes, %d-byte records, depth %d", nodeSize, recSize, depth)
	}
	// Sizes of the child pointers of internal nodes, as libhdf5 derives
	// them from the node size (H5B2__hdr_init).
	maxN := make([]uint64, depth+1)
	cumMax := make([]uint64, depth+1)
	cumSize := make([]int, depth+1)
	maxN[0] = (nodeSize - v2PrefixSize) / recSize
	cumMax[0] = maxN[0]
	nrecSize := limitEncSize(maxN[0])
	for u := 1; u <= depth; u++ {
		ptr := uint64(f.offSize + nrecSize + cumSize[u-1])
		maxN[u] = (nodeSize - v2PrefixSize) / (recSize + ptr)
		c, ok := mulCheck(maxN[u]+1, cumMax[u-1], math.MaxUint64-maxN[u])
		if !ok {
			c = math.MaxUint64 - maxN[u]
		}
		cumMax[u] = c + maxN[u]
		cumSize[u] = min(limitEncSize(cumMax[u]), 8)
	}
	seen := map[uint64]bool{}
	var walk func(addr, n uint64, depth int) error
	walk = func(addr, n uint64, depth int) error {
		if seen[addr] {
			return formatErrorf("v2 B-tree loop at %#x", addr)
		}
		if len(seen) >= maxBTreeNodes {
			return FormatError("v2 B-tree has too many nodes")
		}
		seen[addr] = true
		if n > maxN[depth] {
			return formatErrorf("v2 B-tree node at %#x holds %d records, at most %d fit", addr, n, maxN[depth])
		}
		b, err := f.readMeta(addr, nodeSize, "v2 B-tree node")
		if err != nil {
			return err
		}
		sig := "BTLF"
		if depth > 0 {
			sig = "BTIN"
		}
		p := &parser{b: b[:len(b)-4], what: "v2 B-tree node"}
		if string(p.bytes(4)) != sig {
			return formatErrorf("bad v2 B-tree node signature at %#x, want %s", addr, sig)
		}
		p.u8()
		if t := p.u8(); t != typ {
			return formatErrorf("v2 B-tree node of type %d, want %d", t, typ)
		}
		recs := p.bytes(int(n * recSize))
		if p.err != nil {
			return p.err
		}
		if depth == 0 {
			for i := uint64(0); i < n; i++ {
				if err := fn(recs[i*recSize : (i+1)*recSize]); err != nil {
					return err
				}
			}
			return nil
		}
		for i := uint64(0); i <= n; i++ {
			child := p.addr(f.offSize)
			cn := p.uN(nrecSize)
			if depth > 1 {
				p.uN(cumSize[depth-1])
			}
			if p.err != nil {
				return p.err
			}
			if err := walk(child, cn, depth-1); err != nil {
				return err
			}
			if i < n {
				if err := fn(recs[i*recSize : (i+1)*recSize]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(root, rootN, depth)
}

// denseInfo parses a link info (0x02) or attribute info (0x15) message:
// version, flags, the maximum creation index if tracked (8 bytes for
// links, 2 for attributes), the fractal heap and the name-index B-tree.
func (f *File) denseInfo(b []byte, what string, orderSize int) (heap, names uint64, err error) {
	p := &parser{b: b, what: what}
	if v := p.u8(); v != 0 && p.err == nil {
		return 0, 0, unsupportedf("%s version %d", what, v)
	}
	if flags := p.u8(); flags&1 != 0 {
		p.skip(orderSize)
	}
	heap = p.addr(f.offSize)
	names = p.addr(f.offSize)
	return heap, names, p.err
}

// denseMessages returns the messages that the name index names holds in
// the fractal heap at heapAddr; the heap ID of a record starts at idAt.
// check, if not nil, vets each record before its message is fetched (a
// shared attribute is refused).
func (f *File) denseMessages(heapAddr, names uint64, typ uint8, idAt int, check func(rec []byte, idLen int) error) ([][]byte, error) {
	if heapAddr == undef || names == undef {
		return nil, nil
	}
	h, err := f.fractalHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	var msgs [][]byte
	err = f.walkBTree2(names, typ, func(rec []byte) error {
		if idAt+h.idLen > len(rec) {
			return formatErrorf("v2 B-tree record of %d bytes for a %d-byte heap ID", len(rec), h.idLen)
		}
		if check != nil {
			if err := check(rec, h.idLen); err != nil {
				return err
			}
		}
		m, err := h.object(rec[idAt : idAt+h.idLen])
		if err != nil {
			return err
		}
		msgs = append(msgs, m)
		return nil
	})
	return msgs, err
}
