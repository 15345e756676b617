// Package gwy decodes the image channels of Gwyddion native (.gwy) files
// into height maps.
//
// The format is described in the Gwyddion user guide, chapter "Format of
// Gwyddion Files". Importing this package registers the format "gwy" with
// geometry.RegisterFormat.
//
// # Layout
//
// A file is the magic "GWYP" followed by one serialized object, a
// GwyContainer. All numbers are little-endian. A serialized object is
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
// The top-level container's component names are keys. Image channel N is
// the GwyDataField at key "/N/data" (N a decimal number); its optional mask
// is the GwyDataField at "/N/mask". The GwyDataField components read are
//
//	xres, yres   i        columns and rows
//	xreal, yreal d        width and height of the field, si_unit_xy
//	xoff, yoff   d        position of the field's corner (optional, 0)
//	si_unit_xy   o        GwySIUnit, its "unitstr" s component, e.g. "m"
//	si_unit_z    o        GwySIUnit of the values
//	data         D        xres·yres values, row by row from the top row,
//	                      left to right within a row
//
// Everything else is skipped by its size without being parsed: titles,
// metadata containers, palettes, selections, graphs, spectra, volume and
// XYZ data. The old format with magic "GWYO" (Gwyddion 1) is an
// UnsupportedError.
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
// The decoded map is in micrometres (µm). si_unit_xy and si_unit_z must be
// lengths: "m" with an optional SI prefix or Ångström. Gwyddion always
// writes base units ("m") with the values in metres. A channel without
// si_unit_xy has its lateral numbers taken as µm; one without si_unit_z has
// its heights scaled by Options.ZUnit (default 1, i.e. µm).
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
// by its size, so deeply nested input costs no recursion.
//
// Components may come in any order, so the channel to return is known only
// after the whole container has been scanned. An input that can seek (an
// *os.File, a *bytes.Reader) is scanned, then read again at the chosen
// channel's data; any other input is first read into memory whole.
// DecodeConfig never keeps pixel data.
package gwy
