// Package plu decodes Sensofar confocal/interferometric profiler files
// into a geometry.HeightMap: the binary .plu of SensoSCAN before version 6
// (PLu 2300, PLu neox, DCM 3D) and the zip-based .plux of SensoSCAN 6 and
// later (S neox, S lynx). Importing the package registers two formats,
// "plu" (extensions .plu, .apx) and "plux" (.plux); Decode and
// DecodeConfig read either, telling them apart by content.
//
// # Units and coordinates
//
// Heights and pitch are micrometres (µm), as both variants store them; the
// offset is zero (the stage position x_0, y_0 of a .plu header is not
// used, as in Gwyddion). Heights are stored row by row: pixel (c, r) is
// value c of row r, row 0 the first row stored, which Gwyddion also shows
// as its top row (geometry package conventions). Points not measured
// become NaN: the value 1000001 in a .plu file, NaN in a .plux file, and a
// stored NaN or ±Inf in either.
//
// Options.Channel selects a layer (0, the first, by default): in a .plu
// file, layer Channel of the header's layer count; in a .plux file, the
// Channel-th LAYER_n element of index.xml (in document order) that names a
// FILENAME_Z. Options.Pitch is used only when the file's pixel size is
// unusable (zero, not finite, over geometry.MaxPitch; Gwyddion uses 1 µm
// then); a negative pixel size is taken by magnitude, as Gwyddion does.
// Both are reported in HeightMap.Warnings, as is a .plu layer whose size
// differs from the header's calibration block and a .plux layer member
// longer than the heights it should hold.
//
// # .plu byte layout
//
// All numbers are little-endian; offsets are 0-based. The header is 500
// bytes:
//
//	offset  size  type      field                      use
//	     0   128  char      date, C ctime form         "Www Mmm dd hh:mm:ss yyyy", byte 24 NUL or white space
//	   128     4  u32       time_t of the date         –
//	   132   256  char      user comment               –
//	   388     4  u32       rows (calibration)         compared with the layer's
//	   392     4  u32       columns (calibration)      compared with the layer's
//	   396     8            N_tall, dy_multip          –
//	   404     4  f32       mppx, µm per pixel         Pitch.X
//	   408     4  f32       mppy                       Pitch.Y
//	   412    16  f32       x_0, y_0, mpp_tall, z_0    –
//	   428     4  u32       measurement type           3 (topography) read, see below
//	   432    12  u32       algorithm, method, objective  –
//	   444     4  u32       area type                  –
//	   448    40            scan settings              – (field of view: u32 ×5, f64 z step,
//	                                                      f32 range, u32 ×2; point scan when the
//	                                                      area type is 6: 40 other bytes)
//	   488     1  u8        restore                    –
//	   489     1  u8        number of layers L         ≥ 1
//	   490     1  u8        format version             0 (2000) or ≥ 0xf0 (0xff 2006 … 0xfa 2013)
//	   491     1  u8        hardware configuration     –
//	   492     1  u8        colour images per layer I  skipped
//	   493     3            reserved, padding          –
//	   496     4  u32       decimation factor          –
//	   500                  L layers
//
// Each layer is
//
//	offset        size      type  field
//	     0           4      u32   rows R
//	     4           4      u32   columns C
//	     8        4·R·C     f32   heights, µm, row after row; 1000001 = not measured
//	8+4·R·C          8      f32   minimum, maximum (not read; ±1000001 in the real files checked)
//	16+4·R·C    3·R·C·I     u8    I RGB images, pixel after pixel (not read)
//
// Files of format 2011B and later carry more (operator, sample) after the
// last layer; it is not read. Only the selected layer and those before it
// are read; the colour images of the selected layer need not be present.
//
// Content detection (Match) follows Gwyddion's: at least a full header, a
// ctime date with English day and month names at the start, and a
// plausible version byte. Decode requires the same, so a file whose date
// is in another form is refused.
//
// Layout sources: Gwyddion 2.61 modules/file/sensofar.c, which reads it as
// above (Gwyddion 2.62 reads the test files identically), and
// SurfaceTopography's PLU reader (MIT), which agrees. surfalize
// (GPL-3) reads the heights from offset 500, where the layer size is, and
// takes the size from the calibration block; on the real files checked
// (see testdata/README.md) that shifts its map by two values.
//
// Measurement types: 3 (topography) is read. 0 (confocal image, an
// intensity or RGB image), 1 (profile), 2 (multiple profile), 5 (single
// point thickness) and 4, 6, 7, 8 (coordinate profiles and maps, custom
// application) are an UnsupportedError.
//
// # .plux layout
//
// A .plux file is a zip archive (stored or deflated members). Member names
// and fields are those of Gwyddion's sensofarx module and
// SurfaceTopography's PLUX reader:
//
//	member                what                                  use
//	index.xml             XML index, root element <xml>         read
//	  GENERAL/IMAGE_SIZE_X, IMAGE_SIZE_Y   columns, rows (decimal)
//	  GENERAL/FOV_X, FOV_Y                 pixel size, µm (despite the name) → Pitch
//	  LAYER_n/FILENAME_Z                   member holding the heights of layer n
//	  GENERAL/DATE, INFO, LAYER_n/POSITION_X…Z, FILENAME_STACK   –
//	LAYER_n.raw           f32 heights, µm, row after row,       read
//	                      IMAGE_SIZE_X·IMAGE_SIZE_Y values,
//	                      NaN = not measured
//	LAYER_n.stack.raw     u8 RGB image                          –
//	recipe.txt, *.thumbnail, metrics.txt, ...                   –
//
// A layer member shorter than 4·IMAGE_SIZE_X·IMAGE_SIZE_Y bytes is a
// FormatError; members are CRC-checked. A zip archive is claimed (Match)
// only when the local file headers in the first geometry.SniffLen bytes
// include a LAYER_n.raw or LAYER_n.stack.raw member, or an index.xml whose
// visible text holds <IMAGE_SIZE_X>: X3P archives (main.xml) and other zip
// formats are left alone. SensoSCAN writes the layer members first.
//
// # Limits
//
// Sizes are checked against geometry.MaxPixels (geometry.CheckSize) before
// anything is allocated from them, and the map is allocated only for data
// present: a seekable .plu input must hold the layer's bytes; a stream is
// read in chunks that grow with the data (geometry.ReadFull); a .plux
// layer member must lie inside the archive and, deflated, be at least
// 1/1032 of its declared size (the deflate limit). A header announcing more
// than the file holds fails with an error wrapping io.ErrUnexpectedEOF. A
// .plux read from a stream that is not an io.ReaderAt is held in memory, at
// most MaxArchiveSize bytes; index.xml may be at most MaxIndexSize bytes.
package plu
