package hdf5

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
)

// Layout classes of the data layout message.
const (
	layoutCompact    = 0
	layoutContiguous = 1
	layoutChunked    = 2
)

// Filter identifiers (specification section IV.A.2.l).
const (
	filterDeflate    = 1
	filterShuffle    = 2
	filterFletcher32 = 3
)

// Dataset is a dataset's description: element type, shape and storage.
type Dataset struct {
	*Object
	Type *Datatype
	Dims []uint64 // empty for a scalar
	null bool

	class      int
	addr       uint64   // contiguous data or chunk B-tree
	compact    []byte   // compact data
	chunk      []uint64 // chunk dimensions (elements), len(Dims)
	btreeRank  int      // dimensionality of the chunk B-tree keys
	filters    []filter
	fill       []byte // one element, or nil for zeros
	singleSize uint64 // version-4 single chunk: filtered size (0: unfiltered)
	singleMask uint32
	single     bool
}

type filter struct {
	id    uint16
	flags uint16
	data  []uint32
}

// Dataset decodes the dataset messages of o.
func (o *Object) Dataset() (*Dataset, error) {
	d := &Dataset{Object: o}
	dt := o.first(msgDatatype)
	ds := o.first(msgDataspace)
	lm := o.first(msgLayout)
	if dt == nil || ds == nil || lm == nil {
		return nil, FormatError("object is not a dataset")
	}
	var err error
	if d.Type, err = o.f.datatypeMessage(dt.data, dt.flags&msgFlagShared != 0, 0); err != nil {
		return nil, err
	}
	if ds.flags&msgFlagShared != 0 {
		return nil, UnsupportedError("shared dataspace")
	}
	if d.Dims, d.null, err = o.f.parseDataspace(ds.data); err != nil {
		return nil, err
	}
	if err := d.parseLayout(lm.data); err != nil {
		return nil, err
	}
	if m := o.first(msgFilters); m != nil {
		if d.filters, err = parseFilters(m.data); err != nil {
			return nil, err
		}
	}
	d.parseFill()
	return d, nil
}

func (d *Dataset) parseLayout(b []byte) error {
	f := d.f
	p := &parser{b: b, what: "data layout message"}
	version := p.u8()
	switch version {
	case 1, 2:
		rank := int(p.u8())
		d.class = int(p.u8())
		p.skip(5)
		if d.class != layoutCompact {
			d.addr = p.addr(f.offSize)
		}
		if rank > maxRank+1 {
			return formatErrorf("layout of rank %d", rank)
		}
		dims := make([]uint64, rank)
		for i := range dims {
			dims[i] = uint64(p.u32())
		}
		switch d.class {
		case layoutCompact:
			n := int(p.u32())
			d.compact = p.bytes(n)
		case layoutChunked:
			if err := d.setChunk(dims); err != nil {
				return err
			}
		}
	case 3, 4, 5:
		d.class = int(p.u8())
		switch d.class {
		case layoutCompact:
			n := int(p.u16())
			d.compact = p.bytes(n)
		case layoutContiguous:
			d.addr = p.addr(f.offSize)
			p.uN(f.lenSize)
		case layoutChunked:
			if version == 3 {
				rank := int(p.u8())
				d.addr = p.addr(f.offSize)
				if rank > maxRank+1 {
					return formatErrorf("layout of rank %d", rank)
				}
				dims := make([]uint64, rank)
				for i := range dims {
					dims[i] = uint64(p.u32())
				}
				if p.err != nil {
					return p.err
				}
				return d.setChunk(dims)
			}
			flags := p.u8()
			rank := int(p.u8())
			enc := int(p.u8())
			if rank > maxRank+1 || enc < 1 || enc > 8 {
				return formatErrorf("chunked layout of rank %d, %d-byte dimensions", rank, enc)
			}
			dims := make([]uint64, rank)
			for i := range dims {
				dims[i] = p.uN(enc)
			}
			switch index := p.u8(); index {
			case 1: // single chunk
				d.single = true
				if flags&0x02 != 0 {
					d.singleSize = p.uN(f.lenSize)
					d.singleMask = p.u32()
				}
				d.addr = p.addr(f.offSize)
			default:
				if p.err == nil {
					return unsupportedf("chunk index type %d (only the version-1 B-tree and single chunk are read)", index)
				}
			}
			if p.err != nil {
				return p.err
			}
			return d.setChunk(dims)
		default:
			if p.err == nil {
				return unsupportedf("layout class %d", d.class)
			}
		}
	default:
		if p.err == nil {
			return unsupportedf("data layout version %d", version)
		}
	}
	return p.err
}

// setChunk checks the chunk dimensions of a layout message: one per
// dataset dimension plus the element size.
func (d *Dataset) setChunk(dims []uint64) error {
	if len(dims) != len(d.Dims)+1 {
		return formatErrorf("chunk rank %d for a dataset of rank %d", len(dims)-1, len(d.Dims))
	}
	if dims[len(dims)-1] != uint64(d.Type.Size) {
		return formatErrorf("chunk element size %d, datatype size %d", dims[len(dims)-1], d.Type.Size)
	}
	d.chunk = dims[:len(d.Dims)]
	for _, c := range d.chunk {
		if c == 0 {
			return FormatError("zero chunk dimension")
		}
	}
	d.btreeRank = len(dims)
	return nil
}

func parseFilters(b []byte) ([]filter, error) {
	p := &parser{b: b, what: "filter pipeline message"}
	version := p.u8()
	n := int(p.u8())
	if version == 1 {
		p.skip(6)
	} else if version != 2 && p.err == nil {
		return nil, unsupportedf("filter pipeline version %d", version)
	}
	if n > 32 {
		return nil, formatErrorf("%d filters", n)
	}
	fs := make([]filter, n)
	for i := range fs {
		fs[i].id = p.u16()
		nameLen := 0
		if version == 1 || fs[i].id >= 256 {
			nameLen = int(p.u16())
		}
		fs[i].flags = p.u16()
		nv := int(p.u16())
		if version == 1 {
			nameLen = (nameLen + 7) &^ 7
		}
		p.skip(nameLen)
		if nv > p.rem()/4+1 {
			p.fail()
			break
		}
		for j := 0; j < nv; j++ {
			fs[i].data = append(fs[i].data, p.u32())
		}
		if version == 1 && nv%2 == 1 {
			p.skip(4)
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	for _, f := range fs {
		switch f.id {
		case filterDeflate, filterShuffle, filterFletcher32:
		case 4:
			return nil, UnsupportedError("szip-compressed data")
		default:
			return nil, unsupportedf("filter %d", f.id)
		}
	}
	return fs, nil
}

// parseFill records the fill value if a fill value message defines one of
// the element size.
func (d *Dataset) parseFill() {
	var val []byte
	if m := d.first(msgFill); m != nil && m.flags&msgFlagShared == 0 {
		p := &parser{b: m.data, what: "fill value message"}
		switch p.u8() {
		case 1, 2:
			p.skip(2) // allocation time, write time
			defined := p.u8() != 0
			if defined || len(m.data) > 4 {
				n := int(p.u32())
				val = p.bytes(n)
			}
		case 3:
			if p.u8()&0x20 != 0 {
				n := int(p.u32())
				val = p.bytes(n)
			}
		}
		if p.err != nil {
			val = nil
		}
	} else if m := d.first(msgFillOld); m != nil {
		p := &parser{b: m.data, what: "fill value message"}
		n := int(p.u32())
		val = p.bytes(n)
	}
	if uint64(len(val)) == uint64(d.Type.Size) && len(val) > 0 {
		d.fill = val
	}
}

// Len returns the number of elements, or ok = false if it exceeds limit.
func (d *Dataset) Len(limit uint64) (uint64, bool) {
	if d.null {
		return 0, true
	}
	return count(d.Dims, limit)
}

// Raw reads the dataset's elements into one row-major buffer. It fails
// without allocating if the dataset has more than maxElems elements.
func (d *Dataset) Raw(maxElems uint64) ([]byte, error) {
	n, ok := d.Len(maxElems)
	if !ok {
		return nil, formatErrorf("dataset of %v elements exceeds the limit of %d", d.Dims, maxElems)
	}
	es := uint64(d.Type.Size)
	total, ok := mulCheck(n, es, uint64(d.f.size)*1032+1<<20)
	if !ok {
		// Even fully deflated, data cannot exceed ~1032 times the file size.
		return nil, formatErrorf("dataset of %d elements of %d bytes cannot fit in the file", n, es)
	}
	switch d.class {
	case layoutCompact:
		if uint64(len(d.compact)) < total {
			return nil, FormatError("compact data shorter than the dataset")
		}
		return append([]byte(nil), d.compact[:total]...), nil
	case layoutContiguous:
		if d.addr == undef {
			return d.filled(total), nil
		}
		return d.f.readAt(d.addr, total, "dataset data")
	case layoutChunked:
		return d.readChunked(total)
	}
	return nil, unsupportedf("layout class %d", d.class)
}

func (d *Dataset) filled(total uint64) []byte {
	out := make([]byte, total)
	if d.fill != nil {
		for i := uint64(0); i < total; i += uint64(len(d.fill)) {
			copy(out[i:], d.fill)
		}
	}
	return out
}

func (d *Dataset) readChunked(total uint64) ([]byte, error) {
	es := uint64(d.Type.Size)
	// Elements of one chunk: bounded by the dataset (edge chunks may stick
	// out) or a small floor, so a corrupted chunk shape cannot allocate more
	// than the dataset itself.
	limit := max(total/es, 1<<16)
	cn, ok := count(d.chunk, limit)
	if !ok {
		return nil, formatErrorf("chunk %v larger than its dataset %v", d.chunk, d.Dims)
	}
	chunkBytes := cn * es
	out := d.filled(total)
	if total == 0 || d.addr == undef {
		return out, nil
	}
	if d.single {
		size, mask := d.singleSize, d.singleMask
		if size == 0 {
			size = chunkBytes
		}
		offs := make([]uint64, len(d.Dims))
		return out, d.placeChunk(out, offs, d.addr, size, mask, chunkBytes)
	}
	// Number of chunk positions: the most chunks a valid tree can list.
	maxChunks := uint64(1)
	for i, n := range d.Dims {
		maxChunks *= (n + d.chunk[i] - 1) / d.chunk[i] // ≤ total elements, no overflow
	}
	keySize := 8 + 8*d.btreeRank
	nchunks := uint64(0)
	err := d.f.walkBTree(d.addr, 1, keySize, func(key []byte, child uint64) error {
		if nchunks++; nchunks > maxChunks {
			return FormatError("chunk B-tree lists more chunks than the dataset holds")
		}
		p := &parser{b: key, what: "chunk key"}
		size := uint64(p.u32())
		mask := p.u32()
		offs := make([]uint64, len(d.Dims))
		for i := range offs {
			offs[i] = p.uN(8)
		}
		if p.err != nil {
			return p.err
		}
		return d.placeChunk(out, offs, child, size, mask, chunkBytes)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// placeChunk reads the chunk at addr (size bytes on disk, filter mask mask)
// and copies its part inside the dataset to out.
func (d *Dataset) placeChunk(out []byte, offs []uint64, addr, size uint64, mask uint32, chunkBytes uint64) error {
	for i, o := range offs {
		if o >= d.Dims[i] || o%d.chunk[i] != 0 {
			return formatErrorf("chunk offset %v outside dataset %v", offs, d.Dims)
		}
	}
	raw, err := d.f.readAt(addr, size, "chunk")
	if err != nil {
		return err
	}
	data, err := d.unfilter(raw, mask, chunkBytes)
	if err != nil {
		return fmt.Errorf("hdf5: chunk at %v: %w", offs, err)
	}
	if uint64(len(data)) < chunkBytes {
		return formatErrorf("chunk at %v has %d bytes, want %d", offs, len(data), chunkBytes)
	}
	// Copy runs along the last dimension, clipped to the dataset.
	es := uint64(d.Type.Size)
	rank := len(d.Dims)
	if rank == 0 {
		copy(out, data[:es])
		return nil
	}
	last := rank - 1
	run := min(d.chunk[last], d.Dims[last]-offs[last]) * es
	idx := make([]uint64, rank) // position inside the chunk
	for {
		// Offsets in the chunk and in the dataset of the run starting at idx.
		var src, dst uint64
		inside := true
		for i := 0; i < rank; i++ {
			if offs[i]+idx[i] >= d.Dims[i] {
				inside = false
			}
			src = src*d.chunk[i] + idx[i]
			dst = dst*d.Dims[i] + offs[i] + idx[i]
		}
		if inside {
			copy(out[dst*es:dst*es+run], data[src*es:src*es+run])
		}
		// Next run: increment idx over all dimensions but the last.
		i := last - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < d.chunk[i] && offs[i]+idx[i] < d.Dims[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return nil
		}
	}
}

// unfilter undoes the filter pipeline, last filter first, skipping the
// filters whose bit is set in mask. Decompressed output is capped near
// chunkBytes, so a deflate bomb cannot allocate more.
func (d *Dataset) unfilter(b []byte, mask uint32, chunkBytes uint64) ([]byte, error) {
	for i := len(d.filters) - 1; i >= 0; i-- {
		if mask&(1<<uint(i)) != 0 {
			continue
		}
		f := d.filters[i]
		switch f.id {
		case filterDeflate:
			zr, err := zlib.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("hdf5: deflate: %w", err)
			}
			limit := int64(chunkBytes) + 8
			out, err := io.ReadAll(io.LimitReader(zr, limit+1))
			if err != nil {
				return nil, fmt.Errorf("hdf5: deflate: %w", err)
			}
			if int64(len(out)) > limit {
				return nil, FormatError("deflated chunk larger than a chunk")
			}
			b = out
		case filterShuffle:
			es := int(d.Type.Size)
			if len(f.data) > 0 {
				es = int(f.data[0])
			}
			b = unshuffle(b, es)
		case filterFletcher32:
			if len(b) < 4 {
				return nil, FormatError("chunk shorter than its Fletcher-32 checksum")
			}
			b = b[:len(b)-4]
		}
	}
	return b, nil
}

// unshuffle reverses the shuffle filter: byte j of element i was stored at
// j·n + i, n elements; trailing bytes that do not fill an element are kept.
func unshuffle(b []byte, es int) []byte {
	if es <= 1 || len(b) < es {
		return b
	}
	n := len(b) / es
	out := make([]byte, len(b))
	for j := 0; j < es; j++ {
		src := b[j*n : j*n+n]
		for i, c := range src {
			out[i*es+j] = c
		}
	}
	copy(out[n*es:], b[n*es:])
	return out
}

// Float64s reads a numeric dataset as float64, row-major. It fails without
// allocating if the dataset has more than maxElems elements.
func (d *Dataset) Float64s(maxElems uint64) ([]float64, error) {
	if !d.Type.Numeric() {
		return nil, unsupportedf("conversion of datatype class %d (%d bytes) to float64", d.Type.Class, d.Type.Size)
	}
	raw, err := d.Raw(maxElems)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(raw)/int(d.Type.Size))
	d.Type.toFloat64s(out, raw)
	return out, nil
}

// Values reads a small dataset's elements as Go values (see decode).
func (d *Dataset) Values() ([]any, error) {
	raw, err := d.Raw(maxValueElems)
	if err != nil {
		return nil, err
	}
	return d.f.decodeAll(d.Type, raw, uint64(len(raw))/uint64(max(d.Type.Size, 1)))
}
