// Package hdf5 is a minimal, read-only reader of HDF5 files, written from
// the HDF5 File Format Specification (version 3.0/4.0, sections cited as
// II–IV). It reads what instrument files such as Zygo .datx use, checks every
// size against the file before allocating, and reports the rest as
// UnsupportedError.
//
// # What is read
//
//	II.A   superblock versions 0, 1, 2, 3, searched at 0, 512, 1024, ...;
//	       sizes of offsets and lengths 2, 4 or 8; base address
//	III.A1 version-1 B-trees: group nodes (type 0) and raw-data chunk
//	       nodes (type 1), any depth
//	III.B  symbol table nodes ("SNOD"), III.C symbol table entries
//	III.D  local heaps ("HEAP") for link names
//	III.E  global heap collections ("GCOL") for variable-length data
//	III.G  fractal heaps ("FRHP", "FHIB", "FHDB"): managed objects in
//	       direct and indirect blocks of any depth, and tiny objects
//	III.A2 version-2 B-trees ("BTHD", "BTIN", "BTLF") of link-name (type
//	       5) and attribute-name (type 8) records, any depth; with the
//	       heaps they give dense link and attribute storage (groups and
//	       objects of more than 8 links or attributes in 1.8+ files)
//	IV.A1  object headers version 1 and 2 ("OHDR"), with continuation
//	       blocks ("OCHK" for version 2)
//	IV.A2  messages: dataspace (0x01, versions 1–2, scalar/simple/null),
//	       link info (0x02), datatype (0x03), fill value (0x04, 0x05), link (0x06, hard
//	       links), data layout (0x08, versions 1–5: compact, contiguous,
//	       chunked with a version-1 B-tree, or version 4/5 single chunk),
//	       filter pipeline (0x0B, versions 1–2), attribute (0x0C, versions
//	       1–3), continuation (0x10), symbol table (0x11), attribute info
//	       (0x15); shared (committed) datatypes
//	datatypes: fixed-point (1–8 bytes, either byte order, signed or not),
//	       IEEE floating-point (4 or 8 bytes, either byte order), strings
//	       (fixed, NUL/space padded), compound (member versions 1–3),
//	       enum, array, variable-length strings and sequences; time,
//	       bitfield, opaque and reference elements decode as raw bytes
//	filters: deflate (zlib), shuffle, Fletcher-32 (checksum dropped, not
//	       verified)
//
// # What is not read
//
// Huge fractal-heap objects (larger than the heap's managed-object limit,
// 64 KiB by default; no link or attribute written by libhdf5's defaults is
// one) and filtered (compressed) fractal heaps, attributes shared through
// the shared-message heap, chunk indexes other than the version-1 B-tree
// and the single chunk (implicit, fixed array, extensible array, version-2
// B-tree), virtual and external storage, szip, n-bit, scale-offset and
// third-party filters (bitshuffle, LZ4, ...), soft and external links
// (skipped), VAX floats, and checksums (not verified). Dense storage is read
// through its name index; the creation-order indexes are not used.
//
// # Bounds
//
// Every read is checked against the file size; metadata structures are
// capped at 256 MiB, B-tree walks (both versions) at 64 levels and 2^20
// nodes with loop detection, fractal heaps at 64 doubling-table rows, object headers at 2^16 messages and 1024 continuation blocks,
// datatype nesting at 16 levels, and decompressed chunks at the chunk size.
// Callers give the most elements a dataset read may return.
package hdf5
