package text_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/text"
	"gonum.org/v1/gonum/spatial/r2"
)

// ExampleDecode reads a height matrix in nm with a 0.5 µm pixel pitch.
func ExampleDecode() {
	const in = "# heights in nm\n12 15 NaN 11\n13 14 16 12\n"
	m, err := text.Decode(strings.NewReader(in), &geometry.Options{Pitch: r2.Vec{X: 0.5}, ZUnit: 1e-3})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m)
	fmt.Printf("z(3, 1) = %.3f µm, valid %d\n", m.At(3, 1), m.ValidCount())
	// Output:
	// 4×2 px, 0.5×0.5 µm
	// z(3, 1) = 0.012 µm, valid 7
}

// ExampleDecode_points reads an x y z point list in column-major order
// with one point missing.
func ExampleDecode_points() {
	const in = "x [mm] y [mm] z [nm]\n" +
		"0.00 0.00 10\n0.00 0.01 11\n" +
		"0.02 0.00 12\n0.02 0.01 13\n" +
		"0.04 0.00 14\n"
	m, err := text.Decode(strings.NewReader(in), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m, m.Offset)
	fmt.Printf("z(2, 0) = %.3f µm, z(2, 1) = %.0f\n", m.At(2, 0), m.At(2, 1))
	// Output:
	// 3×2 px, 20×10 µm {0 0}
	// z(2, 0) = 0.014 µm, z(2, 1) = NaN
}
