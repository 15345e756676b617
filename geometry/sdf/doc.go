// Package sdf decodes Surface Data Files (SDF): the ASCII and binary
// formats of ISO 25178-71 and of the Surfstand/BCR proposal they descend
// from (Stout et al., EUR 15178 EN). Importing the package registers the
// format "sdf" with geometry.RegisterFormat.
//
// # Units and orientation
//
// Xscale, Yscale and Zscale are in metres; the decoder converts to µm:
// Pitch = (Xscale, Yscale)·1e6 and z = raw·Zscale·1e6. NumPoints is the
// number of columns (points per profile) and NumProfiles the number of rows;
// row 0 is the first profile in the file (ISO 25178-71 puts it at y = 0).
// Offset is zero. Invalid (not measured) points are NaN.
//
// A profile (NumProfiles = 1) often has Yscale = 0; its Pitch.Y is then set
// to Pitch.X so that the map is valid. Otherwise Xscale, Yscale and Zscale
// must be positive and finite.
//
// # Binary layout (little-endian)
//
//	offset  size  field
//	     0     8  version: "bISO-1.0", "bISO-2.0" or "bBCR-1.0"
//	     8    10  ManufacID (ASCII, space- or NUL-padded)
//	    18    12  CreateDate (DDMMYYYYHHMM)
//	    30    12  ModDate (DDMMYYYYHHMM)
//	    42     2  NumPoints, uint16   (uint32 at 42..45 for bISO-2.0)
//	    44     2  NumProfiles, uint16 (uint32 at 46..49 for bISO-2.0)
//	    46     8  Xscale, float64, m  (every later offset +4 for bISO-2.0)
//	    54     8  Yscale, float64, m
//	    62     8  Zscale, float64, m per raw unit
//	    70     8  Zresolution, float64, m (negative: unknown); not used
//	    78     1  Compression, uint8 (0 = none; anything else unsupported)
//	    79     1  DataType, uint8 (table below)
//	    80     1  CheckType, uint8 (0 = none; anything else unsupported)
//	    81        NumPoints·NumProfiles values of DataType, row by row
//	              (85 for bISO-2.0); an optional ASCII trailer follows
//
// The header is 81 bytes (8+10+12+12+2+2+4·8+3), or 85 bytes for bISO-2.0,
// whose point and profile counts are uint32 (ISO 25178-71:2026, as written
// by MountainsMap 11). Some Olympus software writes bISO-1.0 files with 8
// more header bytes (two uint32, 5 and 1) before the data; a bISO-1.0 file
// whose data starts with those 8 bytes and is exactly 8 bytes longer than
// NumPoints·NumProfiles values, with no trailer, is read that way (the same
// rule as Gwyddion's reader).
//
// # Data types and invalid points
//
//	DataType  type      invalid value, ISO       invalid value, BCR
//	       0  uint8     255                      255
//	       1  uint16    65535                    65535
//	       2  uint32    4294967295               4294967295
//	       3  float32   −MaxFloat32, NaN, ±Inf   ±MaxFloat32, NaN, ±Inf
//	       4  int8      −128                     −128, 127
//	       5  int16     −32768                   −32768, 32767
//	       6  int32     −2147483648              −2147483648, 2147483647
//	       7  float64   −MaxFloat64, NaN, ±Inf   ±MaxFloat64, NaN, ±Inf
//
// ISO 25178-71 marks an invalid point with the smallest value of a signed
// type (ISO-1.0 defines types 5 to 7, ISO-2.0 types 3 to 7). The BCR
// proposal used the largest value of a type; Gwyddion's reader also takes
// the smallest value of a signed type and the largest of an unsigned one as
// invalid. The table combines these: the unsigned types, which ISO does
// not define, always use their largest value, and a BCR signed type has both
// extremes invalid (a reading at either limit of its range is saturated
// anyway). NaN and infinities never are heights and always become NaN.
// Every type is accepted in every dialect.
//
// # ASCII layout
//
// Lines end in CR LF, LF or CR. ';' starts a comment that runs to the end of
// the line, except in the trailer (the BCR proposal's convention).
//
//	aISO-1.0                 first line: 'a', a three-letter dialect,
//	                         '-', a version (aISO-1.0, aISO-2.0, aBCR-1.0;
//	                         Gwyddion writes aBCR-0.0)
//	ManufacID   = XYZ        "Key = Value" lines in any order, keys
//	CreateDate  = ...        case-insensitive ('=' may be left out); unknown
//	ModDate     = ...        keys are ignored. Required: NumPoints,
//	NumPoints   = 3          NumProfiles, Xscale, Zscale, DataType, and
//	NumProfiles = 2          Yscale unless NumProfiles = 1. Compression and
//	Xscale      = 1e-6       CheckType may be 0, NULL or NONE; DataType may
//	Yscale      = 1e-6       be a number or one of the BCR names UCHAR,
//	Zscale      = 1e-9       UINTEGER, ULONGINT, FLOAT, CHAR, INTEGER,
//	Zresolution = -1         LONGINT, DOUBLE.
//	Compression = 0
//	DataType    = 5
//	CheckType   = 0
//	*                        end of header
//	1 2 3                    NumPoints·NumProfiles numbers separated by any
//	4 BAD 6                  white space, row by row; BAD marks an invalid
//	*                        point; '*' ends the data (may be missing at the
//	<trailer>                end of the file, as in Gwyddion's export)
//	*
//
// In ASCII files only BAD (any case), NaN and infinities mark invalid
// points; the numeric invalid values above apply to binary data. A value
// token is at most 64 bytes, a header line at most 4096 bytes, and the
// header at most 200 lines.
//
// # Not read
//
// The trailer (free text, XML in ISO-2.0), ManufacID, the dates and
// Zresolution are not read. Compressed data and check sums (Compression or
// CheckType other than 0) give an UnsupportedError. The BCR proposal does
// not say which end of the y axis the first profile is at (MountainsMap
// shows BCR files with it at the largest y); this package keeps file order
// for every dialect.
//
// # Warnings
//
// Decode adds no warnings (geometry.HeightMap.Warnings): the format fixes
// the units (metres) and every scale is required, except Yscale of a
// single profile, which has no y spacing to get wrong.
package sdf
