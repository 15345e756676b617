// Package sur decodes Digital Surf (MountainsMap) surface files (.sur),
// plain or zlib-compressed, into a geometry.HeightMap. Importing the
// package registers the format under the name "sur".
//
// # Units and coordinates
//
// Heights, pitch and offset are micrometres (µm); the offset is zero (the
// X and Y offsets of the header are not read). Points are stored line by
// line: pixel (c, r) is point c of line r, so row 0 is the first line
// stored (geometry package conventions). Non-measured points become NaN.
//
// # Heights
//
// A stored integer p becomes the height
//
//	z = p · dz + z_offset   (both in the Z step unit, then converted to µm)
//
// This is what Gwyddion 2.62 and HyperSpy 1.7.3 compute. A recent
// RosettaSciIO (HyperSpy's I/O library, split off later) subtracts the
// minimum point, z = (p − zmin)·dz + z_offset; that changes every height by
// the same constant, which no plane-referenced result depends on. The step
// units (offsets 180–227) give the units of dx, dy and dz: m, cm, mm, µm
// (also "um", Latin-1 or UTF-8 µ, Greek μ), nm, pm and Å are understood.
// The axis length units and unit ratios (228–287) are not used, as in
// Gwyddion. A Z unit that is not a length (for example "a.u.") is accepted
// only with Options.ZUnit, the height of one Z unit in µm.
//
// When the non-measured-points flag is set, every point below the minimum
// point zmin is non-measured. MountainsMap writes them as zmin − 2, the only
// value HyperSpy and RosettaSciIO mask (their readers follow the MountainsMap
// SDK documentation); Gwyddion 2.62 does not mask them.
//
// Gwyddion's exporter (2.62) writes surfaces with object type 1, the code
// of a profile; a type-1 object of more than one line is therefore read as
// a surface. Real profiles have one line.
//
// An RGB surface (object type 13) or RGB intensity surface (16) is a
// surface object followed by its colour layers, one intensity-image object
// (type 10) per channel, the count in the P size field (offset 80); the
// first object is the surface, and it is what Decode reads (HyperSpy and
// RosettaSciIO stack all the objects, the surface first). The colour
// layers are not read.
//
// # Byte layout
//
// All numbers are little-endian; offsets are 0-based. The header is 512
// bytes:
//
//	offset  size  type      field                      use
//	     0    12  char[12]  signature                  "DIGITAL SURF" or "DSCOMPRESSED"
//	    12     2  u16       format                     257 (Macintosh) is unsupported
//	    14     2  u16       number of objects          must be 0 or 1
//	    16     2  u16       version                    –
//	    18     2  u16       object type                2 (surface), 13 or 16 (surface + RGB), or 1 with several lines
//	    20    30  char      object name                –
//	    50    30  char      operator name              –
//	    80     2  i16       P size                     – (objects of the studiable: 4 for an RGB surface)
//	    82     4            acquisition, range         –
//	    86     2  i16       non-measured points flag   ≠ 0: points < zmin are invalid
//	    88     2  i16       absolute Z                 –
//	    90     8            reserved (gauge resolution, W size)  –
//	    98     2  i16       bits per point             16 or 32
//	   100     4  i32       minimum point zmin
//	   104     4  i32       maximum point              –
//	   108     4  i32       points per line            columns
//	   112     4  i32       number of lines            rows
//	   116     4  i32       total points               columns·rows
//	   120     4  f32       X spacing dx               → Pitch.X
//	   124     4  f32       Y spacing dy               → Pitch.Y
//	   128     4  f32       Z spacing dz
//	   132    48  char[16]  X, Y, Z axis names         –
//	   180    16  char[16]  X step unit
//	   196    16  char[16]  Y step unit
//	   212    16  char[16]  Z step unit
//	   228    48  char[16]  X, Y, Z length units       –
//	   276    12  f32       X, Y, Z unit ratios        –
//	   288     2  i16       imprint                    –
//	   290     2  i16       inversion                  must be 0
//	   292     2  i16       levelling                  –
//	   294    40            obsolete, date, duration, compressed size  –
//	   334     2  u16       comment size C
//	   336     2  u16       private zone size P
//	   338   128            client zone                –
//	   466     8  f32       X, Y offsets               –
//	   474     4  f32       Z offset
//	   478    34            T axis, reserved           –
//	   512     C            comment                    skipped
//	 512+C     P            private zone               skipped
//	512+C+P                 points
//
// In a "DIGITAL SURF" file the points follow directly: columns·rows values
// of bits/8 bytes, signed, line after line. In a "DSCOMPRESSED" file they
// are zlib streams (RFC 1950):
//
//	u32 N                        number of streams
//	N × (u32 raw, u32 zipped)    sizes of each stream, decompressed and stored
//	N streams                    concatenated; decompressed, they are the points
//
// The compressed layout follows the RosettaSciIO/HyperSpy description.
// Gwyddion 2.62 does not read compressed files; that path was checked
// against HyperSpy 1.7.3's reader, on the compressed sample files HyperSpy
// ships (written by Attolight's MountainsMap export) and on the test files
// of this package.
//
// # Not read
//
// Profiles (object type 1 with one line), series, multi-layer, RGB images,
// intensity-only and hyperspectral objects (other types), the colour
// layers of an RGB surface, files of several objects, Macintosh byte order,
// a non-zero inversion flag (Gwyddion and RosettaSciIO disagree on what it
// means), the comment, private and client zones, dates, and the X/Y
// offsets.
//
// # Warnings
//
// Decode adds no warnings (geometry.HeightMap.Warnings): a pixel size or a
// Z unit that is not a length is taken only from Options.Pitch or
// Options.ZUnit, never assumed (without them the file is an error).
package sur
