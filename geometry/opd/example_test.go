package opd_test

import (
	"fmt"
	"log"

	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/opd" // registers "opd"
)

func Example() {
	// testdata/int16.opd is a small synthetic Vision file that Gwyddion 2.62
	// reads the same way (see testdata/README.md).
	m, format, err := geometry.ReadFile("testdata/int16.opd", nil)
	if err != nil {
		log.Fatal(err)
	}
	s := m.Stats()
	fmt.Println(format, m)
	fmt.Printf("%d valid, %d invalid\n", s.Valid, s.Invalid)
	// Pixel (1, 0) is the first value stored in column 1: 94 units of
	// λ/Mult = 550 nm / 8 = 68.75 nm.
	fmt.Printf("z(1,0) = %.5f µm\n", m.At(1, 0))
	// Output:
	// opd 4×3 px, 1×1.5 µm
	// 10 valid, 2 invalid
	// z(1,0) = 6.46250 µm
}
