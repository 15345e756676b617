// Package al3d decodes the depth image of Alicona Imaging AL3D files
// (.al3d, written by InfiniteFocus / MeasureSuite) into a
// geometry.HeightMap. Importing the package registers the format under
// the name "al3d".
//
// # Units and coordinates
//
// Heights, pitch and offset are micrometres (µm); the offset is zero (the
// file has none). The depth image is stored row by row: pixel (c, r) is
// value c of stored row r, x = c·Pitch.X, y = r·Pitch.Y, and Gwyddion's row
// 0 is the map's row 0. Heights are float32 metres, multiplied by 1e6.
// Pitch.X and Pitch.Y are |PixelSizeXMeter|·1e6 and |PixelSizeYMeter|·1e6
// (Gwyddion also takes the absolute value).
//
// # Invalid pixels
//
// A depth value is invalid, and becomes NaN, when it is NaN, ±Inf, or
// equal to the InvalidPixelValue tag within a relative 1.5e-7 (about one
// float32 ulp: the tag is printed in decimal, the pixels are float32).
// Without the tag only NaN and ±Inf are invalid. Gwyddion compares
// exactly; SurfaceTopography uses the same tolerance as here.
//
// # Byte layout
//
// Text is ASCII; binary numbers are little-endian. The header is a list
// of tag records of 52 bytes each:
//
//	record  size  content
//	     0    20  key, NUL-terminated and NUL-padded
//	    20    30  value as decimal text, NUL-terminated and NUL-padded
//	    50     2  "\r\n"
//
// The file:
//
//	offset       size    content
//	     0         17    magic "AliconaImaging\x00\r\n"
//	    17         52    tag "Version" (1 in known files)
//	    69         52    tag "TagCount", N: the number of tags that follow
//	   121       52·N    N tags, in any order
//	   121+52·N   256    comment: NUL-padded text ending "\x00\r\n"
//	   377+52·N          icon, depth and texture images, where their tags point
//
// Tags read (all others are ignored):
//
//	Cols, Rows          image size in pixels (decimal integers)
//	PixelSizeXMeter,    pixel size in metres (decimal floats)
//	PixelSizeYMeter
//	DepthImageOffset    byte offset of the depth image from the file start;
//	                    0 means the file has none (UnsupportedError)
//	InvalidPixelValue   marker of unmeasured depth pixels (optional)
//
// The depth image at DepthImageOffset is Rows rows of Cols float32 values,
// each row padded to a multiple of 8 bytes, so the row stride is
//
//	stride = ⌈4·Cols / 8⌉·8 bytes   (one float32 of padding when Cols is odd)
//
// and the image takes Rows·stride bytes. DepthImageOffset must not point
// into the header.
//
// Sources: Gwyddion's modules/file/alicona.c (GPL, read for the facts
// only) and SurfaceTopography's SurfaceTopography/IO/AL3D.py (MIT). They
// agree on the layout above, including the 8-byte row padding; the older
// SurfaceTopography reader ignored the padding.
//
// # Not read
//
// The icon (IconOffset, a 68400-byte preview), the texture planes
// (TextureImageOffset, NumberOfPlanes, *Ptr tags: 8-bit planes with rows
// padded to 8 bytes), the comment and the other metadata tags. A file
// without a depth image is an UnsupportedError. Only channel 0 exists.
//
// # Checks
//
// Decode reads the header, checks Cols·Rows with geometry.CheckSize and the
// pitch with geometry.CheckPitch before allocating, then reads the image
// with geometry.ReadFull, so a short file costs no more memory than its
// length and gives an error wrapping io.ErrUnexpectedEOF. Every record must
// end in "\r\n"; at most 4096 tags are accepted; of a repeated key the
// first counts. Unlike Gwyddion, the NUL padding of keys and values and
// the comment's terminator are not checked. Decode adds no warnings.
package al3d
