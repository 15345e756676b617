// Package x3p reads and writes X3P files (ISO 25178-72, the XML file
// format of ISO 5436-2 defined by the openGPS consortium) holding a
// surface: a regular grid of heights.
//
// Importing the package registers the format "x3p" (extension .x3p) with
// geometry.Decode and geometry.DecodeConfig; Decode, DecodeConfig and
// Encode can also be called directly.
//
// # Units
//
// X3P stores every length in metres. In memory, as everywhere in this
// project, lengths are micrometres (µm): pixel pitch, offsets and heights
// are multiplied by 1e6 on reading and divided by 1e6 on writing, so a
// height survives Encode then Decode to within a few float64 roundings
// (relative 1e-15). Invalid (unmeasured) points are NaN.
//
// # Layout
//
// An X3P file is a zip archive. Members read:
//
//	member               content
//	main.xml             XML document, namespace http://www.opengps.eu/2008/ISO5436_2
//	bin/data.bin         point data, if main.xml links it (any name; openGPS uses bindata/)
//	bin/valid.bin        valid-point bitmap, if main.xml links it
//	md5checksum.hex      MD5 of main.xml, if present
//
// main.xml may sit in a folder (some writers put every member under one top
// folder); it is the member of that base name closest to the root, and
// links are resolved relative to its folder, then to the archive root,
// then by base name anywhere in the archive. Backslashes in links count as
// slashes; a case-insensitive match is accepted when no exact one exists.
//
// Elements of main.xml used (children of the root ISO5436_2, matched by
// local name):
//
//	element                                 use
//	Record1/FeatureType                     must be SUR (PRF, PCL: UnsupportedError)
//	Record1/Axes/CX, CY   AxisType          must be I, incremental (A: UnsupportedError)
//	                      Increment         pixel pitch, m, > 0 (default: see Warnings)
//	                      Offset            position of the first point, m (default 0)
//	Record1/Axes/CZ       AxisType          must be A
//	                      DataType          D, F, L or I (binary data only)
//	                      Increment         scale of raw values (default 1)
//	                      Offset            added to scaled values, m (default 0)
//	Record3/MatrixDimension SizeX, SizeY    columns and rows; SizeZ must be 1
//	Record3/DataLink      PointDataLink     member holding the binary point data
//	                      MD5ChecksumPointData  checked when present
//	                      ValidPointsLink   member holding the valid-point bitmap
//	                      MD5ChecksumValidPoints  checked when present
//	Record3/DataList      Datum             inline point data, one per point
//	Record4/ChecksumFile                    member with the MD5 of main.xml
//
// Heights are z = (Offset + Increment·raw) m, where raw is the stored value.
//
// An optional element that is present but empty (<Offset/>,
// <Offset></Offset>, or blanks only) reads as absent and takes its default,
// the openGPS library's for an absent element: x3ptools writes <Offset/> in
// CZ for Sensofar S neox scans, and Gwyddion 2.62 also reads an empty
// element as a missing one. This holds for every Offset, the CZ Increment,
// the CX/CY DataType (not used), MD5ChecksumPointData and
// MD5ChecksumValidPoints (not checked), ValidPointsLink (no bitmap) and
// Record4/ChecksumFile (md5checksum.hex). Required
// elements (FeatureType, AxisType, the MatrixDimension sizes, and CZ
// DataType with binary data) must not be empty.
//
// The root element may also be ISO5436, as x3p.js and fix3p write it (with
// or without a namespace), provided Record1 and Record3 are there; it is
// read as ISO5436_2, with a warning. Any other root is a FormatError.
//
// Binary point data hold SizeX·SizeY little-endian values of the CZ data
// type, X varying fastest: the value of column c, row r is at byte offset
// b·(r·SizeX + c) with b the value size:
//
//	DataType  value                 b
//	D         IEEE 754 float64      8
//	F         IEEE 754 float32      4
//	L         two's-complement int32 4
//	I         two's-complement int16 2
//
// NaN (and ±Inf) in float data marks an invalid point. The member's
// uncompressed size must be exactly b·SizeX·SizeY.
//
// The valid-point bitmap holds ceil(SizeX·SizeY/8) bytes: point i (same
// order as the point data) is bit i mod 8, least significant first, of
// byte i/8; 1 means valid. This is the layout of the openGPS reference
// library (ValidBuffer) and of Gwyddion's reader. It applies to any data
// type; a point is invalid if its bit is 0 or its value is NaN.
//
// Inline data (Record3/DataList) hold one Datum element per point in the
// same order, its text the raw value; an empty Datum is an invalid point.
//
// Map coordinates follow geometry: row r, column c of the map is row r,
// column c of the file, at x = CX/Offset + c·CX/Increment and
// y = CY/Offset + r·CY/Increment (converted to µm).
//
// # Checks and limits
//
// Decode checks the MD5 sums that main.xml gives for the point data and
// the valid-point bitmap, and the zip CRC of every member it reads, and
// returns a FormatError naming a mismatch ("point data MD5 mismatch"). The
// MD5 of main.xml in md5checksum.hex is checked too, but a mismatch, or a
// checksum file holding no MD5 sum, is only a warning: writers store stale
// ones (x3ptools' csafe-logo.x3p), Gwyddion does not check it and the
// openGPS library only warns. SizeX·SizeY is checked with
// geometry.CheckSize before anything is allocated from it. No size in the
// zip directory is trusted: a member's compressed bytes must lie inside
// the archive and could expand to its declared size (deflate expands at
// most 1032:1), its declared size must be what main.xml implies, and it is
// read through that exact length, an excess or shortfall being an error.
// A member whose deflate data are corrupt, or whose CRC-32 differs from
// the zip directory's, is a geometry.FormatError that names the member
// ("damaged zip member: point data bin/data.bin: flate: corrupt input
// ...", "CRC-32 mismatch: main.xml: zip: checksum error") and
// still wraps the error of compress/flate or archive/zip
// (flate.CorruptInputError, zip.ErrChecksum, zip.ErrFormat). Deflated
// members are inflated by github.com/klauspost/compress/flate, about
// twice as fast, whose corrupt-input error is reported as compress/flate's;
// the point data are inflated on one goroutine while the CRC-32, the MD5
// and the conversion to heights run on another. The point data are
// inflated in place, from the archive's own bytes, where those are in
// memory: an input held as a geometry.BytesReader (or read into memory),
// or a file (an *os.File) mapped into memory on Linux, macOS and the BSDs;
// other inputs are read through ReadAt. Point data in memory are inflated
// by this module's own decoder (geometry/internal/inflate), 1.5–1.8 times
// as fast again, which hands a stream it finds damaged over to klauspost's
// to be read again from its start, so that the bytes and errors are the
// same either way. A float64 member of 4 MiB or more is inflated in two
// parts at once, cut at a block boundary near its middle; its parts must
// add up to the declared size and pass the CRC-32 and MD5, or it is read
// again as one stream, which reports what is wrong. A mapped file cut short by its
// writer while it is read is an error ("the file became shorter while it
// was read", wrapping io.ErrUnexpectedEOF), not a crash.
// An inline DataList must fit its main.xml (8 bytes per point at least).
// main.xml is parsed as a stream, up to MaxMainXMLSize bytes. An input that
// is not an io.ReaderAt is read into memory up to MaxArchiveSize bytes
// (the largest float64 map plus 64 MiB). Errors are prefixed "x3p: ";
// a truncated input wraps io.ErrUnexpectedEOF.
//
// # Warnings
//
// What Decode reads but finds suspect goes to the map's Warnings, one
// sentence each; geometry.Decode and geometry.ReadFile refuse such a file
// under geometry.Options.Strict. The texts (%s, %x: the values found):
//
//	main.xml root element is ISO5436, not ISO5436_2 as ISO 5436-2 names it: read as ISO5436_2
//	main.xml gives no CX/Increment: the ISO 5436-2 default of 1 m assumed as the pixel pitch (set --pitch)
//	main.xml gives no CY/Increment: ... (likewise)
//	main.xml MD5 mismatch (stale or wrong checksum): md5checksum.hex says %x, main.xml has %x
//	checksum file md5checksum.hex is empty: main.xml not verified
//	checksum file md5checksum.hex holds a malformed MD5 sum "%s": main.xml not verified
//	checksum file md5checksum.hex is %d bytes long, not an MD5 sum: main.xml not verified
//
// A CX or CY Increment that is missing or empty is geometry.Options.Pitch
// when that is set (µm; one non-zero component serves both axes), with no
// warning; otherwise it is 1 m, the default of ISO 5436-2 and of the
// openGPS library (Gwyddion 2.62 refuses such a file). Options.Pitch never
// overrides an Increment the file gives. DecodeConfig reports the same
// pitch but no warnings.
//
// # Not read
//
// Profiles (PRF), point clouds (PCL, ListDimension), absolute (A) X or Y
// axes, several layers (SizeZ > 1), negative increments (mirrored axes)
// and inline values with several coordinates are UnsupportedError. The
// optional Record1/Axes/Rotation is ignored, as are Record2's comment and
// probing system and VendorSpecificID. Record2's Date, Creator and
// Instrument (Manufacturer, Model, Serial) become the map's Meta
// (geometry.Metadata): never checked, a value reading "unknown" or "N/A" is taken
// as absent, an unparsable date as none, and a date without a time zone
// as UTC. A valid-point bitmap
// is used only when main.xml links it.
//
// # Writing
//
// Encode writes main.xml (Record1 Revision "ISO5436 - 2000", FeatureType
// SUR, CX and CY incremental, CZ absolute with DataType D, Increment 1,
// Offset 0; Record2; Record3 MatrixDimension and DataLink; Record4),
// bin/data.bin (float64 metres, NaN for invalid points; float32 with
// EncodeOptions.Float32), optionally bin/valid.bin, and md5checksum.hex
// ("<md5 of main.xml in hex> *main.xml", as the openGPS library writes
// it), all deflated. The document validates against the openGPS schema
// (2020 revision, which also requires DataType and Increment on every
// axis), and Gwyddion reads the files with the same size, pitch, valid
// points and heights. Gwyddion ignores the CX/CY offsets.
package x3p
