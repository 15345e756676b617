package sdf_test

import (
	"fmt"
	"log"
	"os"

	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/sdf" // registers "sdf"
)

// Example reads an ASCII SDF file exported by MountainsMap 11.
func Example() {
	f, err := os.Open("testdata/mm11_iso2_ascii_int32.sdf")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	m, format, err := geometry.Decode(f, nil)
	if err != nil {
		log.Fatal(err)
	}
	s := m.Stats()
	fmt.Println(format, m)
	fmt.Printf("valid %d, invalid %d, max %.3f µm\n", s.Valid, s.Invalid, s.Max)
	// Output:
	// sdf 30×20 px, 1×1 µm
	// valid 599, invalid 1, max 0.599 µm
}
