// Package gsf decodes Gwyddion Simple Field (.gsf) files into height maps.
//
// GSF is the single-channel interchange format of Gwyddion (version 2.20
// and later), described in the Gwyddion user guide, chapter "Simple Field
// Files". Importing this package registers the format "gsf" with
// geometry.RegisterFormat.
//
// # Layout
//
// All offsets are from the start of the file; L is the length of the magic
// line and text header together, that is the offset of the first NUL byte.
//
//	Offset  Size           Content
//	0       26             magic line "Gwyddion Simple Field 1.0\n"
//	26      L−26           header lines "Name = Value\n", UTF-8, no NUL
//	L       1–4            NUL padding up to D = 4·(⌊L/4⌋+1); after the
//	                       first NUL, other bytes are read past with a
//	                       warning, as Gwyddion 2.62 reads them
//	D       4·XRes·YRes    float32, little-endian, row by row from the top
//	                       row, left to right within a row
//
// Whitespace around names and values is ignored; names are case-sensitive.
// The header fields read are:
//
//	XRes, YRes        mandatory  columns and rows, positive integers
//	XReal, YReal      optional   width and height of the field, XYUnits
//	XOffset, YOffset  optional   position of the field's corner, XYUnits
//	XYUnits           optional   lateral unit, e.g. "m"
//	ZUnits            optional   height unit, e.g. "m"
//
// Other fields (Title, application fields) are ignored. A header is read
// up to MaxHeader bytes. Bytes after the data are ignored with a warning;
// Gwyddion 2.62 refuses such a file ("Expected data size calculated from
// file headers is ... bytes, but the real size is ..."). A file shorter
// than D + 4·XRes·YRes is an error (io.ErrUnexpectedEOF) for both.
//
// # Units and coordinates
//
// The decoded map is in micrometres (µm). XYUnits and ZUnits must be
// lengths: "m" with an optional SI prefix ("mm", "um", "µm", "nm", "pm",
// ...) or Ångström ("Å", "Angstrom"); another unit (a current, a phase) is
// an UnsupportedError. The GSF specification asks for base units ("m")
// without prefix and Gwyddion 2.62 ignores a prefix on reading; this package
// honours one, so "XReal = 40, XYUnits = um" is 40 µm here and 40 m in
// Gwyddion. Files written by Gwyddion use "m" and read the same in both.
//
// A file that gives no XYUnits has its lateral numbers (XReal, YReal,
// XOffset, YOffset) in Options.XYUnit µm (default 1, i.e. µm); one that
// gives no ZUnits has its heights scaled by Options.ZUnit (default 1, i.e.
// µm). Without XReal (YReal) the pitch is Options.Pitch.X (.Y), or 1 µm
// when that is zero. Gwyddion reads such numbers as unitless.
//
// # Warnings
//
// What had to be assumed because the header does not say, and no option
// set, is reported in the map's Warnings (geometry.Options.Strict refuses
// the file), in this order:
//
//	header padding after offset %d holds bytes other than NUL: ignored, the data read from offset %d
//	no XReal in the header: a pixel pitch of 1 µm assumed along x (set --pitch)
//	no YReal in the header: a pixel pitch of 1 µm assumed along y (set --pitch)
//	no XYUnits in the header: XReal, YReal and the offsets read as µm (set --xy-unit)
//	no ZUnits in the header: heights read as µm (set --z-unit)
//	bytes after the pixel data: ignored (Gwyddion 2.62 refuses the file)
//
// The XYUnits warning is raised only when a lateral number is read (an
// XReal, a YReal or a non-zero offset). Files written by Gwyddion give all
// four fields and raise none.
//
// The pixel pitch is XReal/XRes by YReal/YRes and the map offset is
// (XOffset, YOffset): row r of the file is row r of the map, at
// y = YOffset + r·YReal/YRes, so the first (top) row of Gwyddion's image is
// row 0. Gwyddion places pixel centres half a pixel further in, at
// XOffset + (c+½)·XReal/XRes; that constant shift is not applied.
//
// Non-finite values (NaN, ±Inf) are invalid pixels and become NaN; Gwyddion
// masks them on import. Gwyddion's own GSF exporter writes neither NaN nor
// its mask, so masked pixels of a Gwyddion channel come back valid.
package gsf
