package hdf5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// FormatError reports that the input is not a valid HDF5 file, or that a
// structure in it is inconsistent.
type FormatError string

func (e FormatError) Error() string { return "hdf5: " + string(e) }

// UnsupportedError reports a valid HDF5 feature that this package does not
// read.
type UnsupportedError string

func (e UnsupportedError) Error() string { return "hdf5: unsupported: " + string(e) }

// ErrNotFound is returned when a named link or attribute does not exist.
var ErrNotFound = errors.New("hdf5: not found")

func formatErrorf(format string, a ...any) error {
	return FormatError(fmt.Sprintf(format, a...))
}

func unsupportedf(format string, a ...any) error {
	return UnsupportedError(fmt.Sprintf(format, a...))
}

// undef is the "undefined address" (all bits set), whatever the size of
// offsets.
const undef = math.MaxUint64

// Limits that bound the work done on a corrupted file.
const (
	maxMetaRead    = 1 << 28 // one metadata structure (heap, header block), bytes
	maxRank        = 32      // dataspace rank
	maxTypeDepth   = 16      // nesting of compound/array/vlen datatypes
	maxMembers     = 4096    // compound members
	maxHeaderMsgs  = 1 << 16 // messages of one object header, all blocks
	maxHeaderBlks  = 1024    // continuation blocks of one object header
	maxBTreeDepth  = 64      // levels of a v1 B-tree
	maxBTreeNodes  = 1 << 20 // nodes visited in one v1 B-tree walk
	maxPathDepth   = 64      // components of a path
	maxVlenElems   = 1 << 24 // elements of one variable-length value
	maxValueElems  = 1 << 20 // elements decoded into Go values at once
	maxDecodeSteps = 1 << 20 // elements, nested ones included, of one decode
	maxGlobalCache = 1 << 28 // bytes of global heap collections cached
)

// File is an open HDF5 file. It reads lazily through an io.ReaderAt; it is
// not safe for concurrent use.
type File struct {
	r       io.ReaderAt
	size    int64
	offSize int // size of offsets (addresses), bytes
	lenSize int // size of lengths, bytes
	base    uint64
	root    uint64 // address of the root group's object header
	version int    // superblock version

	gheap     map[uint64]map[uint16][]byte // global heap collections by address
	gheapSize int

	decodeLeft int // elements the current decodeAll may still decode

	// budget is how many more bytes may be read. A valid file needs each
	// byte a few times; structures that point into each other (overlapping
	// B-tree nodes, repeated chunks) would otherwise make a small corrupted
	// file cost quadratic time.
	budget int64
}

// readFactor and readSlack set the read budget: readFactor times the file
// size plus readSlack bytes.
const (
	readFactor = 16
	readSlack  = 64 << 20
)

// Open reads the superblock of the HDF5 file held by r, which has size bytes.
// The superblock is searched at offsets 0, 512, 1024, 2048, ... as the
// specification allows (a user block may precede it).
func Open(r io.ReaderAt, size int64) (*File, error) {
	if size < 0 {
		return nil, FormatError("negative file size")
	}
	f := &File{r: r, size: size, budget: readFactor*size + readSlack}
	for off := int64(0); off < size; {
		var sig [8]byte
		if _, err := r.ReadAt(sig[:], off); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				break
			}
			return nil, fmt.Errorf("hdf5: reading signature: %w", err)
		}
		if string(sig[:]) == Signature {
			if err := f.readSuperblock(uint64(off)); err != nil {
				return nil, err
			}
			return f, nil
		}
		if off == 0 {
			off = 512
		} else {
			off *= 2
		}
	}
	return nil, FormatError("no HDF5 signature")
}

// Signature is the 8-byte HDF5 format signature.
const Signature = "\x89HDF\r\n\x1a\n"

// SuperblockVersion returns the version of the file's superblock (0–3).
func (f *File) SuperblockVersion() int { return f.version }

func (f *File) readSuperblock(at uint64) error {
	// The largest fixed part (version 0/1 with 8-byte fields) is under 128 bytes.
	n := uint64(128)
	if rem := uint64(f.size) - at; rem < n {
		n = rem
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, int64(at)); err != nil && err != io.EOF {
		return fmt.Errorf("hdf5: reading superblock: %w", err)
	}
	p := &parser{b: b, what: "superblock"}
	p.skip(8)
	f.version = int(p.u8())
	switch f.version {
	case 0, 1:
		p.skip(4) // free-space, root entry, reserved, shared header versions
		f.offSize = int(p.u8())
		f.lenSize = int(p.u8())
		p.skip(1)
		p.skip(4) // group leaf and internal node K
		p.skip(4) // file consistency flags
		if f.version == 1 {
			p.skip(4) // indexed storage internal node K, reserved
		}
		if err := f.checkSizes(); err != nil {
			return err
		}
		f.base = p.addr(f.offSize)
		p.addr(f.offSize) // free-space info
		p.addr(f.offSize) // end of file
		p.addr(f.offSize) // driver info block
		// Root group symbol table entry.
		p.addr(f.offSize) // link name offset
		f.root = p.addr(f.offSize)
	case 2, 3:
		f.offSize = int(p.u8())
		f.lenSize = int(p.u8())
		p.skip(1) // file consistency flags
		if err := f.checkSizes(); err != nil {
			return err
		}
		f.base = p.addr(f.offSize)
		p.addr(f.offSize) // superblock extension
		p.addr(f.offSize) // end of file
		f.root = p.addr(f.offSize)
	default:
		return unsupportedf("superblock version %d", f.version)
	}
	if p.err != nil {
		return fmt.Errorf("hdf5: reading superblock: %w", io.ErrUnexpectedEOF)
	}
	if f.base == undef || f.base > uint64(f.size) {
		return formatErrorf("base address %#x outside the file", f.base)
	}
	if f.root == undef {
		return FormatError("no root group")
	}
	return nil
}

func (f *File) checkSizes() error {
	for _, s := range []int{f.offSize, f.lenSize} {
		if s != 2 && s != 4 && s != 8 {
			return formatErrorf("size of offsets/lengths %d", s)
		}
	}
	return nil
}

// readAt returns n bytes at the file address addr (relative to the base
// address). It fails with io.ErrUnexpectedEOF, wrapped with what was being
// read, if they run past the end of the file.
func (f *File) readAt(addr, n uint64, what string) ([]byte, error) {
	if addr == undef {
		return nil, formatErrorf("%s at undefined address", what)
	}
	abs := f.base + addr
	if abs < addr || abs > uint64(f.size) || n > uint64(f.size)-abs {
		return nil, fmt.Errorf("hdf5: reading %d bytes of %s at %#x: %w", n, what, addr, io.ErrUnexpectedEOF)
	}
	if int64(n) > f.budget {
		return nil, formatErrorf("reading %s at %#x exceeds %d× the file size: structures overlap or repeat", what, addr, readFactor)
	}
	f.budget -= int64(n)
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, int64(abs)); err != nil {
		if err == io.EOF && n > 0 {
			err = io.ErrUnexpectedEOF
		}
		if err != io.EOF {
			return nil, fmt.Errorf("hdf5: reading %s at %#x: %w", what, addr, err)
		}
	}
	return b, nil
}

// readMeta is readAt for metadata structures, whose sizes are also capped.
func (f *File) readMeta(addr, n uint64, what string) ([]byte, error) {
	if n > maxMetaRead {
		return nil, formatErrorf("%s of %d bytes", what, n)
	}
	return f.readAt(addr, n, what)
}

// readUpTo reads up to n bytes at addr, fewer if the file ends first. It is
// used for structures whose size is only known once parsed.
func (f *File) readUpTo(addr, n uint64, what string) ([]byte, error) {
	if addr == undef {
		return nil, formatErrorf("%s at undefined address", what)
	}
	abs := f.base + addr
	if abs < addr || abs >= uint64(f.size) {
		return nil, fmt.Errorf("hdf5: reading %s at %#x: %w", what, addr, io.ErrUnexpectedEOF)
	}
	if rem := uint64(f.size) - abs; n > rem {
		n = rem
	}
	return f.readAt(addr, n, what)
}

// parser reads little-endian fields from a byte slice. The first overrun
// sets err and every later read returns zero, so callers check err once.
type parser struct {
	b    []byte
	off  int
	err  error
	what string
}

func (p *parser) fail() {
	if p.err == nil {
		p.err = fmt.Errorf("hdf5: %s truncated: %w", p.what, io.ErrUnexpectedEOF)
	}
}

func (p *parser) rem() int { return len(p.b) - p.off }

func (p *parser) bytes(n int) []byte {
	if p.err != nil || n < 0 || n > p.rem() {
		p.fail()
		return nil
	}
	b := p.b[p.off : p.off+n]
	p.off += n
	return b
}

func (p *parser) skip(n int) { p.bytes(n) }

func (p *parser) u8() uint8 {
	b := p.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (p *parser) u16() uint16 {
	b := p.bytes(2)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint16(b)
}

func (p *parser) u32() uint32 {
	b := p.bytes(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

// uN reads an n-byte little-endian unsigned integer, n ≤ 8.
func (p *parser) uN(n int) uint64 {
	b := p.bytes(n)
	if b == nil {
		return 0
	}
	return leUint(b)
}

// addr reads an address of n bytes; all bits set becomes undef.
func (p *parser) addr(n int) uint64 {
	v := p.uN(n)
	if p.err == nil && n < 8 && v == 1<<(8*uint(n))-1 {
		return undef
	}
	return v
}

func leUint(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// cstring returns b up to its first NUL byte.
func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// mulCheck returns a·b, or ok = false if it overflows or exceeds limit.
func mulCheck(a, b, limit uint64) (uint64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	if a > limit/b {
		return 0, false
	}
	return a * b, true
}
