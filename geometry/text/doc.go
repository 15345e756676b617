// Package text decodes height maps stored as plain text: a matrix of
// heights, one map row per line, or a list of x y z points on a regular
// grid. Importing the package registers the format "text" with
// geometry.RegisterFormat.
//
// # Lines and values
//
// Lines end in LF, CR LF or CR; a UTF-8 byte-order mark at the start is
// skipped. Lines whose first non-blank character is '#' are comments. A data
// line holds numbers separated by white space, or by ';', or by ','
// (tried in that order: a line containing ';' is split at ';' only, so a
// decimal comma gives an error instead of twice as many columns). Numbers
// use a decimal point and may have an exponent (1.5e-3). These tokens mark
// an invalid point and give NaN: NaN in any case with an optional sign, "-",
// BAD, an empty field between two ',' or ';' separators, and ±Inf or a number
// too large for float64. One ',' or ';' at the end of a line is ignored.
//
// # Matrix
//
//	# Channel: Height            optional '#' header (Gwyddion's "ASCII
//	# Width: 4.0 mm              data matrix" export with the
//	# Height: 3.0 mm             informational comment header)
//	# Value units: m
//	1.05e-08  -6e-09   7.5e-09   row 0 (first line: y = Offset.Y = 0)
//	9.3e-08   -1.41e-07 9.5e-08  row 1; every row has the same length
//
// Row r, column c of the map is value c of the r-th data line. In the
// header, "Width: w unit" and "Height: h unit" give the pitch w/cols and
// h/rows, and "Value units: unit" the unit of the values; keys are
// case-insensitive and other keys are ignored. Gwyddion translates these
// keys into the language of its user interface; the translations of its
// 2.62 catalogue are read as the English keys (the colon may be the
// full-width '：' of the Japanese one, or follow a blank as in French):
//
//	      Channel          Width       Height     Value units
//	cs    Kanál            Šířka       Výška      Jednotky hodnot
//	de    Kanal            Breite      Höhe       Einheiten
//	es    Canal            Anchura     Altura     (Value units)
//	fr    Canal            Largeur     Hauteur    Unités
//	it    Canale           Larghezza   Altezza    unità valore
//	ja    チャネル          幅          高さ        値の単位
//	ko    채널              폭          높이        값 단위
//	pt_BR Canal            Largura     Altura     Unidades de valor
//	ru    Канал            Ширина      Высота     Единицы измерения
//
// Length units: m, cm, mm, µm (also μm, um), nm, pm, Å. A Width, Height or Value units that is not a
// length gives an UnsupportedError. Gwyddion prints Width and Height with few
// digits (12.5 µm is written "13 µm"), so a pitch from such a header can be
// off by a few percent; geometry.Options.Pitch cannot override it — remove
// the lines to use it.
//
// A matrix may also start with the four-line header of a Lyncée Tec Koala
// (digital holographic microscope) "Float/Txt" export, as in
// SurfaceTopography's test files:
//
//	h=305 w=75                                  rows and columns; must match the data
//	pixel size=3.69862e-007 m                   pitch along x and y
//	data unit=rad                               rad (phase) or m
//	height conversion factor (-> m)=2.91818e-008
//	-4.448661 -4.596037 ...                     row 0
//
// The heights are value·factor in the unit named in the key ("-> m"); with
// no conversion factor the data unit must be a length. The header is
// recognised only as the first lines of the file.
//
// Without a header, the pitch is geometry.Options.Pitch (µm; zero means
// 1 µm, and a single non-zero component is used for both axes) and one
// value unit is geometry.Options.ZUnit µm (zero means 1). Offset is zero.
//
// A blank line or a comment after data rows ends a block; Gwyddion's
// "concatenate exports of all images" writes one block per channel.
// geometry.Options.Channel selects the block, 0-based; decoding stops at
// its end, so nothing after it is read.
//
// # XYZ points
//
//	x [mm]  y [mm]  z [nm]     optional header: three names, each starting
//	0.000   0.000   12.5       with a letter, with an optional length unit
//	0.005   0.000   13.1       in [] or (); then one x y z point per line
//
// A file whose first data line is such a header, or whose first block has
// exactly three columns and no Width/Height or Koala header, is a point list,
// unless (without a header) its first two columns cannot be x and y on a
// grid and the three look like heights of one surface (an invalid value in
// the first two columns, or spans within a factor of 10 and means within
// the largest span of each other): then it is a height matrix three pixels
// wide, read with a warning. x and y are in
// geometry.Options.XYUnit µm (zero means 1) and z in geometry.Options.ZUnit
// µm unless the header names a unit.
// Blank lines (gnuplot's scan separators) and comments are skipped.
//
// The points must lie on a regular grid, in any order (row-major,
// column-major, shuffled), possibly with missing points, which become NaN.
// For each axis the decoder sorts the coordinates, merges values closer
// than 1/1000 of the largest gap and than 1e-5 of the largest |coordinate|
// (print rounding: %g keeps 6 digits), takes the smallest
// spacing between the merged values as a first step and refines it over the
// whole span; every coordinate must then lie within 10 % of a step of
// origin + i·step, otherwise the decoder returns a FormatError ("not on a
// regular grid"). Column c holds x = min x + c·step (Offset.X = min x), row r
// holds y = min y + r·step, so row 0 is the smallest y. Two points on the
// same grid node are an error, and so are points filling less than 1 % of
// the grid's nodes (which keeps the map's memory proportional to the input). A map one column or row wide takes the other
// axis's step; a single point takes geometry.Options.Pitch. x or y NaN is an
// error; z NaN marks an invalid point.
//
// # Warnings
//
// A pitch or unit that neither the file nor the options give is assumed,
// and the map's Warnings say so (geometry.Options.Strict refuses such a
// file). A value set by an option raises no warning. The texts, in the
// order they are raised:
//
//	matrix:
//	no pixel pitch in the file: 1 µm assumed (set --pitch)          no Width, Height or Options.Pitch
//	header gives a Width but no Height: square pixels assumed (%.6g µm)
//	header gives a Height but no Width: square pixels assumed (%.6g µm)
//	no height unit in the file: µm assumed (set --z-unit)           no Value units, no Options.ZUnit
//
//	points:
//	no x/y unit in the file: µm assumed (set --xy-unit)             no unit in the header, no Options.XYUnit
//	no x unit in the file: ... / no y unit in the file: ...         only the other one named
//	no height unit in the file: µm assumed (set --z-unit)           z unnamed, no Options.ZUnit
//	no pixel pitch in the file: 1 µm assumed (set --pitch)          a single point, no Options.Pitch
//	the points lie in one column: the x pitch taken equal to the y step (%.6g µm)
//	the points lie in one row: the y pitch taken equal to the x step (%.6g µm)
//
// # Limits
//
// A line is at most 4 MiB and the input at most 8 GiB; a map (or point
// list) is at most geometry.MaxPixels values, checked while reading, so the
// memory used grows with the input and stops there (a point list takes
// about 40 bytes a point while its grid is found). DecodeConfig has to read
// the whole input too, since the size is known only at the end; for a
// matrix it does not keep the values. With no size in the file, a truncated
// matrix reads as a shorter map unless its last row is cut short (an
// error).
//
// # Content sniffing
//
// The registered Match accepts the first 4096 bytes only if they are text
// (no control bytes other than tab, CR and LF; bytes ≥ 0x80 only in comment
// lines and the XYZ header) and every data line, after at most one XYZ
// header line or a Koala header, parses as numbers, with at least one number in all; the
// last, possibly cut, line is checked without its last token. Binary data
// and other text formats (whose first lines are words) do not match.
package text
