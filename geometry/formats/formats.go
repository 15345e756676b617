// Package formats registers every height-map format of this module with
// the geometry registry. Import it for its side effect:
//
//	import _ "github.com/mtgeo/mtgeo/geometry/formats"
package formats

import (
	_ "github.com/mtgeo/mtgeo/geometry/datx" // Zygo Mx .datx (HDF5)
	_ "github.com/mtgeo/mtgeo/geometry/x3p"  // ISO 25178-72 X3P
)
