package metropro_test

import (
	"fmt"
	"log"

	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/metropro" // registers "metropro"
)

func Example() {
	// testdata/format1.dat is a small synthetic MetroPro file (header
	// format 1) that Gwyddion 2.62 reads the same way (see testdata/README.md).
	m, format, err := geometry.ReadFile("testdata/format1.dat", nil)
	if err != nil {
		log.Fatal(err)
	}
	s := m.Stats()
	fmt.Println(format, m)
	fmt.Printf("offset %.1f, %.1f µm; %d valid, %d invalid\n", m.Offset.X, m.Offset.Y, s.Valid, s.Invalid)
	// Pixel (0, 0) holds −2840 counts; S = 0.5, λ = 632.8 nm, O = 1 and
	// R = 32768 (phase_res 1) make that −2840·0.5·0.6328/32768 µm.
	fmt.Printf("z(0,0) = %.4f µm\n", m.At(0, 0))
	// Output:
	// metropro 6×5 px, 2.5×2.5 µm
	// offset 7.5, 17.5 µm; 28 valid, 2 invalid
	// z(0,0) = -0.0274 µm
}

func ExampleDecodeConfig() {
	c, err := geometry.ReadFileConfig("testdata/format3.dat", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %d×%d, pitch %.1f µm\n", c.Format, c.Cols, c.Rows, c.Pitch.X)
	// Output:
	// metropro 5×4, pitch 5.0 µm
}
