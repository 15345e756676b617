// Package formats registers every height-map format of this module with
// the geometry registry. Import it for its side effect:
//
//	import _ "github.com/mtgeo/mtgeo/geometry/formats"
//
// Plain text registers as a weak format: its sniffer only sees input that
// no format with a signature has claimed.
package formats

import (
	_ "github.com/mtgeo/mtgeo/geometry/al3d"     // Alicona Imaging .al3d
	_ "github.com/mtgeo/mtgeo/geometry/datx"     // Zygo Mx .datx (HDF5)
	_ "github.com/mtgeo/mtgeo/geometry/gsf"      // Gwyddion Simple Field .gsf
	_ "github.com/mtgeo/mtgeo/geometry/gwy"      // Gwyddion native .gwy
	_ "github.com/mtgeo/mtgeo/geometry/metropro" // Zygo MetroPro .dat
	_ "github.com/mtgeo/mtgeo/geometry/opd"      // Wyko/Veeco Vision .opd
	_ "github.com/mtgeo/mtgeo/geometry/plu"      // Sensofar .plu and .plux
	_ "github.com/mtgeo/mtgeo/geometry/sdf"      // ISO 25178-71 SDF, ASCII and binary
	_ "github.com/mtgeo/mtgeo/geometry/sur"      // Digital Surf .sur
	_ "github.com/mtgeo/mtgeo/geometry/text"     // plain-text matrices and XYZ lists
	_ "github.com/mtgeo/mtgeo/geometry/x3p"      // ISO 25178-72 X3P
)
