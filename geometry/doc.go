// Package geometry holds the height map of an end face and the registry of
// file formats that decode into it.
//
// # Units and coordinates
//
// Lengths are micrometres (µm) everywhere: heights, pixel pitch and offsets.
// A HeightMap is a flat row-major raster. Pixel (c, r) — column c, row r,
// both absolute within the original map, as in image.Image — holds
//
//	Z[(r-Rect.Min.Y)*Stride + (c-Rect.Min.X)]
//
// and sits at map coordinates
//
//	x = Offset.X + c·Pitch.X,  y = Offset.Y + r·Pitch.Y
//
// with row 0 the first row stored in the file and z out of the end face, so
// (x, y, z) is right-handed (SPEC §1). A sub-view (SubMap) shares Z and keeps
// the absolute pixel indices, so map coordinates of a pixel never change.
//
// Invalid (unmeasured) pixels are NaN and are skipped by every statistic
// and fit; a ±Inf height, which no instrument means, is skipped the same
// way.
//
// # Formats
//
// Each file format lives in its own subpackage (geometry/x3p, ...) and
// registers itself in its init function, as image/png does; a program
// imports the formats it wants, or all of them through geometry/formats,
// for their side effect. Decode and DecodeConfig sniff the content, not the
// file name. Decoders return FormatError for malformed input and
// UnsupportedError for valid files using features this project does not
// read; they check header sizes against MaxPixels before allocating.
package geometry
