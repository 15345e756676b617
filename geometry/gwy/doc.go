// Package gwy decodes the image channels of Gwyddion native (.gwy) files
// into height maps: those of Gwyddion 2 and later (magic "GWYP") and those
// of Gwyddion 1 (magic "GWYO").
//
// The GWYP format is described in the Gwyddion user guide, chapter "Format
// of Gwyddion Files", which leaves GWYO out. GWYO is described here from
// Gwyddion's source: the writer of Gwyddion 1 (gwy_container_serialize in
// libgwyddion/gwycontainer.c, which trunk replaced with GWYP in March 2005,
// svn r3511) and the reader that Gwyddion 2.62 keeps for it
// (gwy_container_deserialize_old in modules/file/gwyfile.c). Importing this
// package registers the format "gwy", both magics, with
// geometry.RegisterFormat.
//
// # Layout
//
// All numbers are little-endian. A GWYP file is
//
//	Offset  Size  Content
//	0       4     "GWYP"
//	4       13    "GwyContainer" and its NUL: the top-level object's type
//	17      4     uint32 S: byte size of the components that follow
//	21      S     components, each a key (NUL-terminated), a type letter
//	              and a value, as in any object below
//
// and a GWYO file differs only in its top-level items, each of which
// starts with a GLib type id and has no type letter after its key:
//
//	Offset  Size  Content
//	0       4     "GWYO"
//	4       13    "GwyContainer" and its NUL
//	17      4     uint32 S: byte size of the items that follow
//	21      S     items, each:
//	                +0     4     uint32 GLib type id T
//	                +4     n+1   key, NUL-terminated
//	                +5+n   ...   value, by T:
//	                               16 G_TYPE_UCHAR    1 byte       (letter c)
//	                               20 G_TYPE_BOOLEAN  1 byte       (b)
//	                               24 G_TYPE_INT      int32        (i)
//	                               40 G_TYPE_INT64    int64        (q)
//	                               60 G_TYPE_DOUBLE   float64      (d)
//	                               64 G_TYPE_STRING   NUL-terminated (s)
//	                               80 G_TYPE_OBJECT   an object    (o)
//
// The ids are GLib's fundamental type numbers (G_TYPE_MAKE_FUNDAMENTAL(n)
// = n<<2 in gobject/gtype.h); Gwyddion 1 stored no others and no arrays at
// the top level, and any other id is a FormatError, as the size of its
// value is unknown. Objects inside a GWYO container, data fields
// included, are serialized as in GWYP. A serialized object is
//
//	Size  Content
//	n+1   type name, NUL-terminated ("GwyContainer", "GwyDataField", ...)
//	4     uint32 S: byte size of the component list that follows
//	S     components, in no particular order
//
// and a component is
//
//	Size  Content
//	n+1   name, NUL-terminated
//	1     type: b c i q d s o, or an array C I Q D S O
//	...   value: b, c 1 byte; i 4 (int32); q 8 (int64); d 8 (float64);
//	      s NUL-terminated string; o a serialized object; an array is a
//	      uint32 count followed by that many values of the lower-case type
//
// The top-level container's keys name its items. Image channel N is the
// GwyDataField at key "/N/data" (N a decimal number); its optional mask is
// the GwyDataField at "/N/mask". Gwyddion 1 files hold one channel, /0, and
// the same keys. The GwyDataField components read are
//
//	xres, yres   i        columns and rows
//	xreal, yreal d        width and height of the field, metres
//	xoff, yoff   d        position of the field's corner, metres (optional,
//	                      0; Gwyddion 1 wrote none)
//	si_unit_xy   o        GwySIUnit, its "unitstr" s component, e.g. "m"
//	si_unit_z    o        GwySIUnit of the values (Gwyddion before 1.0,
//	                      svn r1364 of March 2004, wrote neither unit)
//	data         D        xres·yres values, row by row from the top row,
//	                      left to right within a row
//
// Everything else is skipped by its size without being parsed: titles,
// metadata containers, palettes, selections, graphs, the presentation
// field /N/show, spectra, volume and XYZ data.
//
// # Channels
//
// Channels are ordered by N. Options.Channel k selects the k-th of them
// (0-based, counting every "/N/data" whatever its unit), so the default is
// the lowest-numbered channel. A selected channel whose values are not
// lengths (a current, a phase) is an UnsupportedError.
//
// # Units and coordinates
//
// The decoded map is in micrometres (µm). The numbers of a GWY file are in
// base SI units, metres for lengths, whatever a unit string says: Gwyddion
// reads a GwySIUnit's unitstr with gwy_si_unit_new, which parses it to a
// base unit and discards the power of ten of any prefix
// (gwy_si_unit_deserialize in libgwyddion/gwysiunit.c), and writes only
// base units. So, as in Gwyddion, a field with si_unit_z "nm" and the value
// 5e-9 is 5e-9 m, that is 5 nm, and not 5e-9 nm; Gwyddion 2.62 reading such
// files shows this (TestUnitSpellingsGwyddion). The decoder does the same:
//
//   - a unit that Gwyddion reads as the metre ("m"; a prefixed metre such
//     as "nm", "um", "µm"; Å; "micron"; "metre" spelt out) means metres;
//     any spelling other than "m" is read so with a warning
//     (geometry.HeightMap.Warnings), since only a third-party writer puts
//     one there and it may have meant its numbers in that unit;
//   - a unit that is not a length (a current "A", "V", "m^2", and "dm",
//     which Gwyddion does not take as a prefixed metre) is an
//     UnsupportedError for si_unit_z (not a height channel) and for
//     si_unit_xy;
//   - no unit (the GwySIUnit absent, or its string empty or blank) is read
//     as metres, with a warning naming the assumption. Gwyddion 2 shows such
//     numbers unitless; Gwyddion 1 gave every new field the units m, and
//     before it stored units it showed every value in metres, so the old
//     files without units mean metres. For heights, a non-zero
//     Options.ZUnit (µm per stored unit) is used instead, without a
//     warning.
//
// Options.Strict, applied by geometry.Decode and geometry.ReadFile, turns
// these warnings into a geometry.StrictError.
//
// The pixel pitch is xreal/xres by yreal/yres and the map offset is
// (xoff, yoff). Gwyddion stores row 0 at the top of its image; row r of the
// file is row r of the map, at y = yoff + r·yreal/yres, without flipping.
// Gwyddion places pixel centres half a pixel further in, at
// xoff + (c+½)·xreal/xres; that constant shift is not applied.
//
// Non-finite values and pixels whose mask value is non-zero are invalid and
// become NaN.
//
// # Robustness
//
// Every length in the stream is checked against the bytes left in its
// enclosing object, and, when the input can seek, against the bytes left
// in the file, before anything is read or allocated; a map's size is also
// checked against geometry.MaxPixels. The parser descends at most three
// objects deep (container, data field, unit) and skips every other object
// by its size, so deeply nested input costs no recursion; an object inside
// a GWYO file that was itself serialized the Gwyddion 1 way (a nested
// container) is skipped by its size all the same.
//
// Components may come in any order, so the channel to return is known only
// after the whole container has been scanned. An input that can seek (an
// *os.File, a *bytes.Reader) is scanned, then read again at the chosen
// channel's data; any other input is first read into memory whole.
// DecodeConfig never keeps pixel data.
package gwy
