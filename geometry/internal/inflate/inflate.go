package inflate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"

	kflate "github.com/klauspost/compress/flate"
)

// errCorrupt and errShort are what the decoder meets in a stream that
// breaks RFC 1951 or ends too soon; Reader then hands over to
// klauspost's inflater, whose errors it returns.
var (
	errCorrupt = errors.New("inflate: corrupt deflate stream")
	errShort   = errors.New("inflate: deflate stream ends early")
	errLong    = errors.New("inflate: deflate stream longer than its limit")
)

// Table entries (uint32): bits 0–4 the bits to consume (a subtable
// pointer: the root bits), 5–7 the kind, 8–12 the extra bits that follow
// (a subtable pointer: its index bits), 16–31 the value: a literal, a base
// length or distance, or a subtable's start.
const (
	kindInvalid = iota << 5
	kindLiteral
	kindLength // also a distance, in the distance table
	kindEnd
	kindSub
	kindMask = 7 << 5
)

const (
	litRootBits  = 11
	distRootBits = 8
	clenRootBits = 7
	maxCodeBits  = 15
)

var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clenOrder   = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// table is a decoding table: a root indexed by the next bits (as many as
// it was built for), then the subtables of longer codes.
type table struct {
	e []uint32
}

func entry(bits, kind, extra, value uint32) uint32 {
	return bits | kind | extra<<8 | value<<16
}

// litEntry and distEntry give the kind, extra bits and value of a symbol.
func litEntry(sym int) (kind, extra, value uint32) {
	switch {
	case sym < 256:
		return kindLiteral, 0, uint32(sym)
	case sym == 256:
		return kindEnd, 0, 0
	case sym < 286:
		return kindLength, uint32(lengthExtra[sym-257]), uint32(lengthBase[sym-257])
	}
	return kindInvalid, 0, 0
}

func distEntry(sym int) (kind, extra, value uint32) {
	if sym < 30 {
		return kindLength, uint32(distExtra[sym]), uint32(distBase[sym])
	}
	return kindInvalid, 0, 0
}

func clenEntry(sym int) (kind, extra, value uint32) {
	return kindLiteral, 0, uint32(sym)
}

// build makes t the table of the canonical code of lengths (0: unused),
// whose symbols are described by sym. It reports false for a code that is
// over-subscribed, or incomplete other than empty or a single one-bit
// code (which zlib writes, and compress/flate accepts).
func (t *table) build(lengths []uint8, rootBits uint, sym func(int) (kind, extra, value uint32)) bool {
	var count [maxCodeBits + 1]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	left := 1
	for l := 1; l <= maxCodeBits; l++ {
		left = 2*left - count[l]
		if left < 0 {
			return false
		}
	}
	if left != 0 && left != 1<<maxCodeBits && !(left == 1<<(maxCodeBits-1) && count[1] == 1) {
		return false
	}
	var next [maxCodeBits + 2]int
	for l := 1; l <= maxCodeBits; l++ {
		next[l+1] = (next[l] + count[l]) << 1
	}
	root := 1 << rootBits
	t.e = append(t.e[:0], make([]uint32, root)...)
	// Codes longer than the root share a subtable per root prefix, sized
	// for the longest among them.
	var subBits [1 << litRootBits]uint8
	var rev [320]uint16
	long := false
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		r := bits.Reverse16(uint16(c)) >> (16 - l)
		rev[s] = r
		if uint(l) > rootBits {
			p := int(r) & (root - 1)
			subBits[p] = max(subBits[p], l-uint8(rootBits))
			long = true
		}
	}
	if long {
		for p := range root {
			if b := uint32(subBits[p]); b > 0 {
				t.e[p] = entry(uint32(rootBits), kindSub, b, uint32(len(t.e)))
				t.e = append(t.e, make([]uint32, 1<<b)...)
			}
		}
	}
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		kind, extra, value := sym(s)
		e := entry(uint32(l), kind, extra, value)
		r := int(rev[s])
		if uint(l) <= rootBits {
			for k := r; k < root; k += 1 << l {
				t.e[k] = e
			}
			continue
		}
		sub := t.e[r&(root-1)]
		start, b := int(sub>>16), uint(sub>>8&31)
		for k := r >> rootBits; k < 1<<b; k += 1 << (uint(l) - rootBits) {
			t.e[start+k] = e
		}
	}
	return true
}

// Reader inflates a raw deflate stream (RFC 1951) held in memory. Its
// zero value is not usable: make one with NewReader.
type Reader struct {
	src []byte
	ip  int    // next byte of src to load into bb
	bb  uint64 // bit buffer, least significant bit next
	nb  uint   // valid bits in bb
	pad uint   // zero bytes loaded past the end of src

	// out holds the last windowSize bytes of output before out[r:], then
	// the output not yet read, out[r:o].
	out  []byte
	r, o int
	read int64 // bytes returned by Read

	state     int // what comes next: stateHeader, stateBlock, stateEnd
	final     bool
	lit, dist *table
	dyn       [2]table // the dynamic block's codes
	clen      table

	// fallback, once the decoder meets an error, inflates the stream
	// again and serves it from where Read had got to.
	fallback io.Reader
	err      error

	// end, for the head of a split stream (NewHead), is the bit at which
	// it ends; taint, for its tail (InflateTail), tracks the bytes that
	// copy from before it.
	end   int
	taint *taint
}

const (
	stateHeader = iota
	stateBlock
	stateEnd
)

const (
	windowSize = 1 << 15 // the reach of deflate's copies
	// chunk is how much output is decoded between reads.
	chunk = 256 << 10
	// margin is the room past chunk that whatever starts before it
	// (a stored block, a copy, five literals and a word's overshoot) may
	// take.
	margin = 1<<16 + fastRoom
)

// fixedLit and fixedDist are the codes of blocks with fixed codes.
var fixedLit, fixedDist = func() (*table, *table) {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	var lit, dist table
	lit.build(l[:], litRootBits, litEntry)
	var dl [32]uint8 // 30 and 31 complete the code but are invalid
	for i := range dl {
		dl[i] = 5
	}
	dist.build(dl[:], distRootBits, distEntry)
	return &lit, &dist
}()

// NewReader returns a Reader of the stream src.
func NewReader(src []byte) *Reader {
	z := &Reader{out: make([]byte, windowSize+chunk+margin)}
	z.Reset(src)
	return z
}

// Reset makes z read src from its start.
func (z *Reader) Reset(src []byte) {
	*z = Reader{src: src, out: z.out, dyn: z.dyn, clen: z.clen}
}

// Read reads inflated bytes. It returns io.EOF after the last, and
// klauspost/compress/flate's errors for a stream that is corrupt or cut
// short.
func (z *Reader) Read(p []byte) (int, error) {
	if z.fallback != nil {
		n, err := z.fallback.Read(p)
		z.read += int64(n)
		return n, err
	}
	if z.err != nil {
		return 0, z.err
	}
	for z.r == z.o {
		if z.state == stateEnd {
			z.err = io.EOF
			return 0, io.EOF
		}
		if err := z.decode(); err != nil {
			if z.end > 0 { // a head: its caller reads the whole stream again
				z.err = err
				return 0, err
			}
			z.fallback = kflate.NewReader(bytes.NewReader(z.src))
			if _, err := io.CopyN(io.Discard, z.fallback, z.read); err != nil {
				z.err = err
				return 0, err
			}
			return z.Read(p)
		}
	}
	n := copy(p, z.out[z.r:z.o])
	z.r += n
	z.read += int64(n)
	return n, nil
}

// decode decodes about chunk more bytes into out[o:], first moving the
// last windowSize bytes, all a copy may reach, down to the start. Within
// 8 bytes of the end of the input it goes on to the end of the stream
// (some 120 symbols at most, 31 KiB, within margin), so that what is
// decoded there is handed out only once the stream has ended as it
// should: a stream cut short is then read by klauspost's inflater alone,
// which stops a few symbols before the cut.
func (z *Reader) decode() error {
	if z.o > windowSize && z.taint == nil { // a tail keeps all it decodes
		copy(z.out, z.out[z.o-windowSize:z.o])
		z.r, z.o = windowSize, windowSize
	}
	stop := min(z.o+chunk, len(z.out)-margin)
	if z.o >= stop {
		return errLong
	}
	for z.o < stop || len(z.src)-z.ip < 8 {
		switch z.state {
		case stateEnd:
			return nil
		case stateHeader:
			if z.end > 0 { // a head ends at the boundary, or was not cut at one
				switch at := 8*(z.ip+int(z.pad)) - int(z.nb); {
				case at == z.end:
					z.state = stateEnd
					return nil
				case at > z.end:
					return ErrNotBoundary
				}
			}
			if z.final {
				z.state = stateEnd
				return nil
			}
			if err := z.header(); err != nil {
				return err
			}
		case stateBlock:
			o, done, err := z.huffman(z.o, stop)
			z.o = o
			if err != nil {
				return err
			}
			if done {
				z.state = stateHeader
			}
		}
	}
	return nil
}

// header reads a block's header: a stored block's bytes are copied at
// once, a Huffman block's codes set for huffman.
func (z *Reader) header() error {
	v, err := z.bits(3)
	if err != nil {
		return err
	}
	z.final = v&1 == 1
	switch v >> 1 {
	case 0:
		return z.stored()
	case 1:
		z.lit, z.dist = fixedLit, fixedDist
	case 2:
		if err := z.codes(); err != nil {
			return err
		}
		z.lit, z.dist = &z.dyn[0], &z.dyn[1]
	default:
		return errCorrupt
	}
	z.state = stateBlock
	return nil
}

// refill loads bytes into bb until it holds 56 to 63 bits, with zero
// bytes past the end of src (counted in pad); it fails once a bit past
// the end has been consumed.
func (z *Reader) refill() error {
	for z.nb < 56 {
		if z.ip < len(z.src) {
			z.bb |= uint64(z.src[z.ip]) << z.nb
			z.ip++
		} else {
			z.pad++
		}
		z.nb += 8
	}
	if z.nb < 8*z.pad {
		return errShort
	}
	return nil
}

// bits consumes the next n ≤ 16 bits.
func (z *Reader) bits(n uint) (uint32, error) {
	if z.nb < n {
		if err := z.refill(); err != nil {
			return 0, err
		}
	}
	v := uint32(z.bb & (1<<n - 1))
	z.bb >>= n
	z.nb -= n
	if z.nb < 8*z.pad {
		return 0, errShort
	}
	return v, nil
}

// stored copies a stored block's bytes to the output.
func (z *Reader) stored() error {
	z.bb >>= z.nb & 7 // to the byte boundary
	z.nb &^= 7
	buffered := z.nb / 8
	if buffered < z.pad {
		return errShort
	}
	z.ip -= int(buffered - z.pad)
	z.bb, z.nb, z.pad = 0, 0, 0
	if len(z.src)-z.ip < 4 {
		return errShort
	}
	n := int(binary.LittleEndian.Uint16(z.src[z.ip:]))
	if ^uint16(n) != binary.LittleEndian.Uint16(z.src[z.ip+2:]) {
		return errCorrupt
	}
	z.ip += 4
	if len(z.src)-z.ip < n {
		return errShort
	}
	copy(z.out[z.o:], z.src[z.ip:z.ip+n])
	z.ip += n
	z.o += n
	return nil
}

// codes reads a dynamic block's codes into z.dyn.
func (z *Reader) codes() error {
	v, err := z.bits(14)
	if err != nil {
		return err
	}
	nlit, ndist, nclen := int(v&31)+257, int(v>>5&31)+1, int(v>>10)+4
	if nlit > 286 || ndist > 30 {
		return errCorrupt
	}
	var clen [19]uint8
	for i := range nclen {
		l, err := z.bits(3)
		if err != nil {
			return err
		}
		clen[clenOrder[i]] = uint8(l)
	}
	if !z.clen.build(clen[:], clenRootBits, clenEntry) {
		return errCorrupt
	}
	var lengths [286 + 30]uint8
	for n := 0; n < nlit+ndist; {
		if z.nb < maxCodeBits {
			if err := z.refill(); err != nil {
				return err
			}
		}
		e := z.clen.e[z.bb&(1<<clenRootBits-1)]
		if e&kindMask == kindInvalid {
			return errCorrupt
		}
		z.bb >>= e & 31
		z.nb -= uint(e & 31)
		sym := e >> 16
		rep, val := uint32(1), uint8(sym)
		switch sym {
		case 16:
			if n == 0 {
				return errCorrupt
			}
			r, err := z.bits(2)
			if err != nil {
				return err
			}
			rep, val = 3+r, lengths[n-1]
		case 17:
			r, err := z.bits(3)
			if err != nil {
				return err
			}
			rep, val = 3+r, 0
		case 18:
			r, err := z.bits(7)
			if err != nil {
				return err
			}
			rep, val = 11+r, 0
		}
		if n+int(rep) > nlit+ndist {
			return errCorrupt
		}
		for range rep {
			lengths[n] = val
			n++
		}
	}
	if z.nb < 8*z.pad {
		return errShort
	}
	if lengths[256] == 0 ||
		!z.dyn[0].build(lengths[:nlit], litRootBits, litEntry) ||
		!z.dyn[1].build(lengths[nlit:nlit+ndist], distRootBits, distEntry) {
		return errCorrupt
	}
	return nil
}

// fastRoom is the output room the fast loop needs past where it starts
// a symbol: five literals, or the longest copy and the 8 bytes its last
// word may write past it.
const fastRoom = 258 + 8

// huffman decodes the current Huffman block into out from o until its
// end (done) or until o reaches stop. Its fast loop runs while 8 bytes of
// input can be loaded at once; careful finishes the stream.
func (z *Reader) huffman(o, stop int) (_ int, done bool, _ error) {
	src, dst := z.src, z.out
	bb, nb, ip := z.bb, z.nb, z.ip
	lit, dist := z.lit, z.dist
	root := (*[1 << litRootBits]uint32)(lit.e)
	const litMask = 1<<litRootBits - 1
	for o < stop && ip+8 <= len(src) {
		bb |= binary.LittleEndian.Uint64(src[ip:]) << nb
		ip += int(63-nb) >> 3
		nb |= 56 // at least 56 bits: five literals, or a copy's 48
		e := root[bb&litMask]
		if e&kindMask == kindLiteral {
			// A literal in the root takes at most litRootBits bits:
			// five fit in 56.
			for range 5 {
				bb >>= e & 31
				nb -= uint(e & 31)
				dst[o] = byte(e >> 16)
				o++
				if e = root[bb&litMask]; e&kindMask != kindLiteral {
					break
				}
			}
			continue
		}
		if e&kindMask == kindSub {
			e = lit.e[int(e>>16)+int(bb>>litRootBits)&(1<<(e>>8&31)-1)]
		}
		bb >>= e & 31
		nb -= uint(e & 31)
		switch e & kindMask {
		case kindLiteral:
			dst[o] = byte(e >> 16)
			o++
			continue
		case kindEnd:
			z.bb, z.nb, z.ip = bb, nb, ip
			return o, true, nil
		case kindInvalid:
			return o, false, errCorrupt
		}
		length, distance, n, ok := copyOf(e, bb, dist)
		if !ok || distance > o {
			return o, false, errCorrupt
		}
		bb >>= n
		nb -= n
		if z.taint != nil {
			z.taint.copy(o, o-distance, length)
		}
		copyMatch(dst, o, distance, length)
		o += length
	}
	z.bb, z.nb, z.ip = bb, nb, ip
	if ip+8 <= len(src) { // at stop
		return o, false, nil
	}
	return z.careful(o)
}

// careful is huffman's loop with every check, for the end of the input:
// it decodes the block to its end, whatever stop says (see decode).
func (z *Reader) careful(o int) (_ int, done bool, _ error) {
	lit, dist, dst := z.lit, z.dist, z.out
	for {
		if err := z.refill(); err != nil {
			return o, false, err
		}
		e := lit.e[z.bb&(1<<litRootBits-1)]
		if e&kindMask == kindSub {
			e = lit.e[int(e>>16)+int(z.bb>>litRootBits)&(1<<(e>>8&31)-1)]
		}
		z.bb >>= e & 31
		z.nb -= uint(e & 31)
		switch e & kindMask {
		case kindLiteral:
			dst[o] = byte(e >> 16)
			o++
			continue
		case kindEnd:
			if z.nb < 8*z.pad {
				return o, false, errShort
			}
			return o, true, nil
		case kindInvalid:
			return o, false, errCorrupt
		}
		length, distance, n, ok := copyOf(e, z.bb, dist)
		if !ok || distance > o {
			return o, false, errCorrupt
		}
		z.bb >>= n
		z.nb -= n
		if z.taint != nil {
			z.taint.copy(o, o-distance, length)
		}
		for i := range length {
			dst[o+i] = dst[o-distance+i]
		}
		o += length
	}
}

// copyOf decodes the copy whose length code gave entry e: from bb, the
// length's extra bits, the distance code of table dist and its extra
// bits. It returns the length, the distance and the bits they took; ok is
// false for an invalid distance code. The fast and the careful loop share
// it (a call per copy, as fast as the code written out: -bench Reader).
func copyOf(e uint32, bb uint64, dist *table) (length, distance int, n uint, ok bool) {
	length = int(e>>16) + int(bb&(1<<(e>>8&31)-1))
	n = uint(e >> 8 & 31)
	bb >>= n
	d := (*[1 << distRootBits]uint32)(dist.e)[bb&(1<<distRootBits-1)]
	if d&kindMask == kindSub {
		d = dist.e[int(d>>16)+int(bb>>distRootBits)&(1<<(d>>8&31)-1)]
	}
	if d&kindMask != kindLength {
		return 0, 0, 0, false
	}
	bb >>= d & 31
	return length, int(d>>16) + int(bb&(1<<(d>>8&31)-1)), n + uint(d&31) + uint(d>>8&31), true
}

// copyMatch copies length bytes to dst[o:] from distance ≤ o bytes
// before, 8 at a time, writing up to 7 bytes past them. A distance under 8
// repeats a pattern: once its first period reaches 8 bytes, the copy goes
// on 8 at a time from a whole number of periods back.
func copyMatch(dst []byte, o, distance, length int) {
	from := o - distance
	i := 0
	if distance < 8 {
		period := distance * ((8 + distance - 1) / distance)
		for ; i < min(length, period); i++ {
			dst[o+i] = dst[from+i]
		}
		from = o - period
	}
	for ; i < length; i += 8 {
		binary.LittleEndian.PutUint64(dst[o+i:], binary.LittleEndian.Uint64(dst[from+i:]))
	}
}
