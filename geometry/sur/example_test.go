package sur_test

import (
	"fmt"
	"log"

	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/sur" // registers "sur"
)

func Example() {
	// testdata/compressed.sur is a small synthetic DSCOMPRESSED file that
	// HyperSpy's reader reads the same way (see testdata/README.md).
	m, format, err := geometry.ReadFile("testdata/compressed.sur", nil)
	if err != nil {
		log.Fatal(err)
	}
	s := m.Stats()
	fmt.Println(format, m)
	fmt.Printf("%d valid, %d non-measured\n", s.Valid, s.Invalid)
	// Pixel (1, 0) stores 42000 counts of dz = 0.001 nm.
	fmt.Printf("z(1,0) = %.4f µm\n", m.At(1, 0))
	// Output:
	// sur 6×4 px, 2×3 µm
	// 22 valid, 2 non-measured
	// z(1,0) = 0.0420 µm
}
