// Package gwyref uses Gwyddion as an independent reference reader in the
// tests of the geometry decoders. It exists only to support tests: nothing
// outside _test.go files should import it, and it imports "testing".
//
// Load has Gwyddion read a file with its own import module, run as
//
//	gwyddion --no-splash --convert-to-gwy=OUT.gwy IN
//
// (Debian package gwyddion; the test is skipped when the command is
// absent), and parses the GWY file it writes with a small parser of its
// own, deliberately independent of the geometry/gwy decoder. The GWY
// serialisation is the one of the Gwyddion user guide ("GWY file format"):
//
//	offset  size  content
//	0       4     "GWYP"
//	4       ...   the top-level GwyContainer, serialised as an object:
//	              type name (NUL-terminated), u32 little-endian byte size of
//	              the components, then components, each a NUL-terminated
//	              name, one type character and a value:
//	              'b','c' 1 byte; 'i' int32; 'q' int64; 'd' float64; 's'
//	              NUL-terminated string; 'o' nested object; 'C','I','Q','D'
//	              u32 count then that many elements; 'S','O' u32 count then
//	              that many strings or objects.
//
// Of the container only the channel /0/data and its mask /0/mask are read
// (GwyDataField: xres, yres, xreal, yreal, xoff, yoff, si_unit_xy,
// si_unit_z, data); 'I' and 'Q' arrays are skipped and string arrays are
// walked over but not kept.
//
// Units: a Field holds what Gwyddion stores, SI values (metres for lengths
// and, for a height channel, heights). A Golden holds heights in nanometres
// rounded to 1e-6 nm. Height maps are in micrometres, as everywhere in
// geometry. Gwyddion's data are row-major with its row 0 first.
//
// Golden is the JSON form committed next to a test file (FILE.gwyddion.json)
// so that the comparison runs without Gwyddion installed; GoldenFrom makes
// one from a Load result, WriteGolden and ReadGolden store and read it, and
// Compare checks a decoded height map against it.
package gwyref
