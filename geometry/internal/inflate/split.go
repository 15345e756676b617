package inflate

import (
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
)

// Inflating one stream on two cores.
//
// A block may copy from up to 32 KiB of output before it, so a stream is
// normally inflated from its start. To use two cores on one stream, the
// caller cuts it at a block boundary (FindBlock), inflates the head before
// it with NewHead, which ends exactly there, and at the same time the tail
// with InflateTail. The tail is inflated as if the 32 KiB before it were
// zeros, noting every copy that read, directly or through earlier such
// copies, from them; once the head is done, Tail.Resolve replays those
// copies from its last 32 KiB. Measured heights deflated by zlib keep such
// copies going through the whole tail (the exponent bytes of doubles copy
// from one another), but they are a few per cent of its bytes.

// ErrNotBoundary is what a head returns when its stream has no block
// boundary where it was told to end: the stream must be read whole.
var ErrNotBoundary = errors.New("inflate: no block boundary where the head was to end")

// FindBlock returns the first offset in src[from:to] at which a block with
// dynamic Huffman codes that is not the last starts on a byte boundary
// (its header read as the decoder reads it), or -1. Within a stream it may
// also find bits that only look like one; the head then returns
// ErrNotBoundary.
func FindBlock(src []byte, from, to int) int {
	var z Reader
	for k := max(from, 0); k < min(to, len(src)-16); k++ {
		if src[k]&7 != 4 || !clenComplete(src[k:]) { // BFINAL 0, BTYPE 10
			continue
		}
		z.src, z.ip, z.bb, z.nb, z.pad = src[k:], 0, 0, 0, 0
		if z.header() == nil {
			return k
		}
	}
	return -1
}

// clenComplete reports whether the header at b (at least 16 bytes) gives
// no more than 286 literal/length and 30 distance codes and a complete
// code length code: a quick test that rejects most offsets that are not
// a block's start within a few of their 3-bit fields.
func clenComplete(b []byte) bool {
	lo, hi := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
	if lo>>3&31 > 29 || lo>>8&31 > 29 {
		return false
	}
	n := int(lo>>13&15) + 4
	kraft := 0 // in 1/128
	for i := range n {
		at := 17 + 3*i
		var l uint64
		switch {
		case at+3 <= 64:
			l = lo >> at & 7
		case at >= 64:
			l = hi >> (at - 64) & 7
		default:
			l = (lo>>at | hi<<(64-at)) & 7
		}
		if l != 0 {
			if kraft += 1 << (7 - l); kraft > 128 {
				return false
			}
		}
	}
	return kraft == 128
}

// NewHead returns a Reader of the head of src, the blocks before the
// boundary at byte end (FindBlock): it reads io.EOF there, or
// ErrNotBoundary once past it, and any other error as it meets it (no
// second inflate). Window then holds the head's last 32 KiB.
func NewHead(src []byte, end int) *Reader {
	z := NewReader(src)
	z.end = 8 * end
	return z
}

// Window returns the last 32 KiB that z has read, or all of them if fewer.
func (z *Reader) Window() []byte {
	return z.out[max(0, z.o-windowSize):z.o]
}

// Tail is the inflated tail of a stream (InflateTail).
type Tail struct {
	// Bytes are the tail's bytes: those that copy from before it are
	// wrong until Resolve.
	Bytes []byte
	z     *Reader
}

// tails holds the buffers of released tails (*Reader with a taint), so
// that a process decoding file after file neither faults in nor zeroes
// them again.
var tails sync.Pool

// copyOp is a copy of n bytes to out[at:] from out[from:].
type copyOp struct{ at, from, n int }

// taint marks the bytes of a tail's output (out[windowSize:]) that copy,
// however indirectly, from the made-up window before it (out[:windowSize]),
// and lists the copies that carried them.
type taint struct {
	bits   []uint64 // bit i: out[i] so copies
	copies []copyOp
}

// copy notes the copy of n bytes to out[at:] from out[from:], from ≥ 0.
func (t *taint) copy(at, from, n int) {
	if from >= windowSize && !t.any(from, from+n) {
		return
	}
	t.copies = append(t.copies, copyOp{at, from, n})
	for i := range n {
		if s := from + i; s < windowSize || t.bits[s>>6]>>(s&63)&1 == 1 {
			t.bits[(at+i)>>6] |= 1 << ((at + i) & 63)
		}
	}
}

// any reports whether a bit in [lo, hi) is set.
func (t *taint) any(lo, hi int) bool {
	first, last := lo>>6, (hi-1)>>6
	for w := first; w <= last; w++ {
		b := t.bits[w]
		if w == first {
			b &= ^uint64(0) << (lo & 63)
		}
		if w == last {
			b &= ^uint64(0) >> (63 - (hi-1)&63)
		}
		if b != 0 {
			return true
		}
	}
	return false
}

// InflateTail inflates src, a stream from a block boundary (FindBlock) to
// its end, of at most limit bytes. It stops early, with an error, once
// stop is set. Release gives its memory back.
func InflateTail(src []byte, limit int, stop *atomic.Bool) (*Tail, error) {
	size := windowSize + limit + margin
	z, _ := tails.Get().(*Reader)
	if z == nil || len(z.out) < size {
		z = &Reader{out: make([]byte, size), taint: &taint{bits: make([]uint64, size/64+1)}}
	}
	t, marks := &Tail{z: z}, z.taint
	marks.copies = marks.copies[:0]
	*z = Reader{src: src, out: z.out[:size], o: windowSize, r: windowSize, dyn: z.dyn, clen: z.clen, taint: marks}
	for z.state != stateEnd {
		if stop.Load() {
			t.Release()
			return nil, errCancelled
		}
		if err := z.decode(); err != nil {
			t.Release()
			return nil, err
		}
	}
	if z.o-windowSize > limit {
		t.Release()
		return nil, errLong
	}
	t.Bytes = z.out[windowSize:z.o]
	return t, nil
}

// Release clears the tail's marks and puts its buffers back for the next
// tail; Bytes must not be used after.
func (t *Tail) Release() {
	if t.z == nil {
		return
	}
	tt := t.z.taint
	for _, c := range tt.copies {
		for w := c.at >> 6; w <= (c.at+c.n-1)>>6; w++ {
			tt.bits[w] = 0
		}
	}
	t.z.src, t.z.out = nil, t.z.out[:cap(t.z.out)]
	tails.Put(t.z)
	t.z, t.Bytes = nil, nil
}

var errCancelled = errors.New("inflate: tail cancelled")

// Resolve sets the bytes of the tail that copy from before it, given
// window, the last 32 KiB of the head (its Window); it reports false if
// one copies from before the start of a head shorter than that.
func (t *Tail) Resolve(window []byte) bool {
	out := t.Bytes
	for _, c := range t.z.taint.copies {
		at, from := c.at-windowSize, c.from-windowSize // in t.Bytes
		for i := range c.n {
			s := from + i
			if s >= 0 {
				out[at+i] = out[s]
				continue
			}
			if s < -len(window) {
				return false
			}
			out[at+i] = window[len(window)+s]
		}
	}
	return true
}
