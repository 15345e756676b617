// Package opd decodes Wyko / Veeco / Bruker Vision binary OPD files (.opd)
// into a geometry.HeightMap. Importing the package registers the format
// under the name "opd".
//
// # Units and coordinates
//
// Heights, pitch and offset are micrometres (µm); the offset is zero (the
// file has none). The height array is stored column by column: pixel
// (c, r) is value r of column c, so row 0 holds the first value of every
// column, x = c·Pitch.X grows from column to column and y = r·Pitch.Y along
// each column as stored (geometry package conventions). Gwyddion draws the
// first value of each column at the bottom of its image, so Gwyddion's row
// 0 is this map's last row (its y axis runs the other way). Invalid pixels
// become NaN.
//
// # Heights
//
// An array value v becomes the height
//
//	z = v · λ / Mult   (λ from the Wavelength block in nm; ×1e-3 for µm)
//
// with Mult = 1 when the file has no Mult block. Pixel size: Pitch.X is
// Pixel_size (mm) × 1000, Pitch.Y is Pitch.X × Aspect (1 when absent).
// Float values that are NaN, ±Inf or of magnitude ≥ 1e32 (Vision writes
// FLT_MAX ≈ 3.4e38) are invalid; in int16 arrays values ≥ 32766 are.
// Sources: Gwyddion's opdfile module and SurfaceTopography's OPD reader
// (MIT), which agree on all of this except the invalid threshold (Gwyddion
// v ≥ 1e38, SurfaceTopography |v| ≥ 1e32) and the type of Mult (Gwyddion
// 2.62 applies it only as an i16 block, SurfaceTopography reads a u16;
// this package reads any numeric type).
//
// # Byte layout
//
// All numbers are little-endian. The file is a directory of named blocks
// followed by their contents, in directory order:
//
//	offset  size  type     field
//	     0     2  u16      1 (file signature "\x01\x00")
//	     2    16  char[16] "Directory", NUL-padded
//	    18     2  u16      block type, 1 (directory)
//	    20     4  u32      directory size D = 24·N bytes, N entries including this one
//	    24     2  u16      flags (0xFFFF)
//	    26  24·(N−1)       the other entries, 24 bytes each:
//	                         name char[16], type u16, size u32, flags u16
//	  2+D                  block contents, each entry's size bytes in entry
//	                       order; entries of size 0 have no content
//
// Block types and contents (only the named ones are read):
//
//	type  content                        blocks read
//	   3  array: u16 cols, u16 rows,     RAW_DATA, RAW DATA, OPD,
//	      u16 element size (4 = f32,     SAMPLE_DATA, Raw (heights, in
//	      2 = i16, 1 = u8), then         directory order; Options.Channel
//	      cols·rows elements by column    picks one)
//	   5  text                           –
//	   6  i16                            Mult
//	   7  f32                            Wavelength (nm), Pixel_size (mm), Aspect
//	   8  f64                            (Mult, Wavelength, Pixel_size, Aspect also
//	  12  i32                            accepted in any numeric type)
//
// # Not read
//
// Intensity arrays (Image, Intensity, SecArr_0), text blocks (Title, ...)
// and every other parameter block; byte arrays (element size 1); the ASCII
// export (.asc) and the newer XML-based .opdx format. A file without a
// Wavelength block is rejected; one without Pixel_size uses
// Options.Pitch, and fails if that is unset.
//
// # Warnings
//
// Decode adds no warnings (geometry.HeightMap.Warnings): the format fixes
// the units, and a missing pixel size is taken only from Options.Pitch,
// never assumed.
package opd
