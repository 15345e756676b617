// Package datx decodes the surface of Zygo Mx .datx files into a
// geometry.HeightMap. Importing it registers the format "datx" (extension
// .datx, content sniffed by the HDF5 signature "\x89HDF\r\n\x1a\n").
//
// # Units
//
// Heights are returned in micrometres (µm), pitch in µm per pixel, as
// everywhere in geometry. Invalid pixels — the value of the surface's
// "No Data" attribute, values at or beyond a float32/float64 maximum used
// as that sentinel, NaN and ±Inf — are NaN. Row r of the map is row r of the
// stored 2-D dataset (dimension 0, slowest varying), column c is dimension
// 1; the map's offset is zero.
//
// # Structure read
//
// A .datx file is an HDF5 file (read by geometry/internal/hdf5). The
// decoder finds the surface dataset by, in order:
//
//	/MetaData             1-D compound dataset of strings (Source, Link,
//	                      Destination); the chain Root -Measurement-> {M}
//	                      -Surface-> {S} -Path-> "/Data/Surface/{GUID}"
//	                      names the surface dataset (Zygo Mx)
//	/Measurement/Surface  the surface dataset itself (older files)
//	/Data/Surface/*       the first dataset of that group, by name
//
// and reads from the surface dataset:
//
//	data                    2-D, any integer or IEEE float type; rows × cols
//	"No Data"               attribute, 1 element: the invalid-pixel value
//	"Unit"                  attribute, 1 string: the height unit
//	"X Converter",          attribute, 1 compound element {Category string,
//	"Y Converter"             BaseUnit string, Parameters []float64};
//	                          Parameters[1] is the pixel size in metres
//	"Z Converter"           same layout; BaseUnit is the height unit when
//	                          "Unit" is absent; Parameters[1:4] are
//	                          wavelength (m), scale factor, obliquity
//	"Wavelength",           attributes, 1 float each, used for "Fringes"
//	"Interferometric Scale    heights before the Z converter's parameters
//	 Factor",
//	"Obliquity Factor"
//
// Height units: Meters, MilliMeters (also spelled MiliMeters), MicroMeters,
// NanoMeters, Angstroms, PicoMeters, Inches, Mils, MicroInches (case
// insensitive), and Fringes, converted as
//
//	z[µm] = value × wavelength[m] × scale factor × obliquity × 1e6.
//
// A converter whose resolution is 0 (uncalibrated) or missing takes the
// other axis's pitch, else Options.Pitch, else 1 µm. A surface with no unit
// at all uses Options.ZUnit, else it is refused.
//
// # Warnings
//
// A pixel size that had to be assumed is reported in the map's Warnings
// (geometry.Options.Strict refuses such a file); one set by Options.Pitch
// is not:
//
//	no Y Converter resolution in the file: the X pixel size, %.6g µm, assumed for Y
//	no X Converter resolution in the file: the Y pixel size, %.6g µm, assumed for X
//	no pixel size in the file (X/Y Converter resolution): 1 µm assumed (set --pitch)
//
// Heights are never assumed (no unit needs Options.ZUnit), so they raise
// no warning.
//
// # Not read
//
// The intensity dataset (/Data/Intensity), the /Attributes metadata groups
// (instrument, objective, dates, "Data Context.Lateral Resolution"), the
// "Coordinates" attribute (so the offset is zero), any other units ("Waves"
// and unknown names give an UnsupportedError), surfaces of rank other than
// 2, and channels other than 0. Groups and datasets that keep their links or
// attributes in dense storage (HDF5 1.8+ format files with more than 8 of
// them, say several surfaces or many surface attributes) are read. HDF5
// features outside geometry/internal/hdf5's subset (chunk indexes other
// than the version-1 B-tree or a single chunk, szip and other filters,
// huge or filtered fractal-heap objects) give an UnsupportedError naming
// them.
//
// No real Mx file with a licence that allows copying it was found; the
// test files are synthetic (testdata/README.md).
package datx
