// Package decodetest holds the test code that the geometry decoder
// packages (metropro, opd, sur, gsf, gwy, sdf, text) share. It exists only
// to support tests: nothing outside _test.go files should import it, and it
// imports "testing" and testify.
//
// Heights, pitches and tolerances are in micrometres (µm), as everywhere in
// geometry; a NaN height is an invalid pixel. Height slices are row-major
// in map order, compared with HeightMap.Z index by index (maps whose
// Stride is their column count).
//
// What it offers:
//
//   - RequireHeights, RequireHeightsRel: a decoded map against expected
//     heights, NaN for NaN.
//   - RequireError and the checks IsFormat, IsUnsupported,
//     IsUnexpectedEOF, IsTooLarge: a decoder error carries the package
//     prefix and the right kind. Patch makes a corrupted copy of a file.
//   - Fuzz, AddTruncations, ReadFiles: the FuzzDecode target of the binary
//     decoders and the seeding of fuzz corpora.
//   - StreamOnly, Readers, DecodeBoth: a reader without Seek, and decoding
//     the same bytes through both kinds of reader.
//   - Testdata, GwyddionGolden, GwyddionLive: committed test files that a
//     test builds (regenerated with -update) and the comparison of a
//     decoded map with Gwyddion's reading (package gwyref).
//   - Benchmark: the decode benchmark loop with a px/s metric.
package decodetest
