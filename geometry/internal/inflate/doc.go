// Package inflate reads raw deflate streams (RFC 1951) held in memory,
// as the point data of an X3P archive are once it is mapped or read into
// memory.
//
// It exists for speed. Measured heights deflated by zlib (level 6, as
// Python's zipfile and most instrument software write them) are nearly
// all literals with short copies, and klauspost/compress/flate, the
// fastest streaming inflater on the module proxy, inflates them at about
// 140 MB/s here, which made inflating the whole of a 4-megapixel file's
// decode. Reader decodes them at about 250 MB/s (-bench Reader, beside
// klauspost's on the same stream), because the whole stream is in memory:
//
//   - the bit buffer is refilled 8 bytes at a time, with no end-of-input
//     test, and holds at least 56 bits after each refill: a copy's length,
//     distance and their extra bits (48 bits at most), or up to five
//     literals, are decoded without another;
//   - the literal/length codes are looked up in a table of 2^11 entries
//     (and subtables for longer codes) that gives the literal, or the base
//     length and extra bits, in one 32-bit entry;
//   - copies of 8 bytes or more back move 8 bytes at a time, shorter ones
//     too once their first period is written.
//
// Near the end of the input a careful loop with every check takes over,
// and goes on to the end of the stream before any of what it decoded is
// handed out.
//
// Reader stays a reader, not a function that inflates a whole stream into
// one buffer: it decodes 256 KiB at a time into a buffer of its own that
// keeps the 32 KiB a copy may reach back, so that the caller's goroutine
// can checksum and convert each part while the next is decoded, and no
// buffer the size of the output is needed.
//
// One stream can also be inflated on two cores (split.go): cut at a block
// boundary past its middle (FindBlock), its head is read by NewHead, which
// ends exactly there, while InflateTail inflates the rest as if the 32 KiB
// before it were zeros, noting the copies that read from them, directly
// or through other such copies; Tail.Resolve replays those copies once the
// head's last 32 KiB are known. In zlib's streams of heights a few per
// cent of the tail's bytes are such copies, to its very end (the exponent
// bytes of doubles copy one another), so they are replayed rather than
// waited out. The caller checks the result as a whole (lengths, CRC-32)
// and reads the stream again from its start if anything is off.
//
// A stream the decoder finds damaged (an invalid code or distance, a
// stored block whose length check fails, an end before the last block) is
// handed over to klauspost's reader, which inflates it again from the
// start, skips what was already read and returns the rest and its own
// error. Bytes and errors are thus those of klauspost's reader on every
// input, as FuzzReader and TestDamagedSameAsKlauspost check (a stream cut
// short too, which klauspost reads up to a few symbols before the cut);
// only a damaged stream costs twice the time.
package inflate
