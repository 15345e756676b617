package geometry_test

import (
	"fmt"
	"image"
	"log"
	"math"

	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
	"gonum.org/v1/gonum/spatial/r2"
)

// Read a bundled end face (written by testdata/mklot.go) through the
// format registry, which picks the decoder from the content.
func ExampleReadFile() {
	m, format, err := geometry.ReadFile("../testdata/mt16.x3p", nil)
	if err != nil {
		log.Fatal(err)
	}
	// The generator's truth (testdata/mt16.truth.json): 2233×600 pixels of
	// 3 µm.
	fmt.Println(format, m) // size and pitch
	fmt.Printf("offset (%.4g, %.4g) µm\n", m.Offset.X, m.Offset.Y)
	s := m.Stats()
	fmt.Printf("%d valid, %d invalid\n", s.Valid, s.Invalid)
	fmt.Printf("z from %.4g to %.4g µm, mean %.4g µm, RMS %.4g µm\n", s.Min, s.Max, s.Mean, s.RMS)
	// Output:
	// x3p 2233×600 px, 3×3 µm
	// offset (0, 0) µm
	// 1274321 valid, 65479 invalid
	// z from -1.931 to 2.699 µm, mean -0.09648 µm, RMS 0.8823 µm
}

// Read only the header of a file: size and pixel pitch, no heights.
func ExampleReadFileConfig() {
	c, err := geometry.ReadFileConfig("../testdata/mt16.x3p", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %d×%d px, pitch %.4g µm\n", c.Format, c.Cols, c.Rows, c.Pitch.X)
	// Output:
	// x3p 2233×600 px, pitch 3 µm
}

// A sub-view shares the heights of its parent and keeps absolute pixel
// indices, so a pixel keeps its map coordinates in the view.
func ExampleHeightMap_SubMap() {
	m := geometry.New(6, 4, r2.Vec{X: 2, Y: 2}) // 2 µm pixels
	for r := range 4 {
		for c := range 6 {
			m.Set(c, r, float64(10*r+c)) // µm
		}
	}
	m.Set(3, 2, math.NaN()) // an invalid pixel

	v := m.SubMap(image.Rect(2, 1, 5, 3))
	fmt.Println(v.Rect, v)
	fmt.Printf("z(3, 1) = %.4g µm at x = %.4g µm\n", v.At(3, 1), v.PixelToMap(3, 1).X)
	fmt.Printf("z(0, 0) outside the view: %v\n", v.At(0, 0))
	s := v.Stats()
	fmt.Printf("%d valid, %d invalid, mean %.4g µm\n", s.Valid, s.Invalid, s.Mean)

	v.Set(4, 1, -1) // writes through to m
	fmt.Printf("m z(4, 1) = %.4g µm\n", m.At(4, 1))
	// Output:
	// (2,1)-(5,3) 3×2 px, 2×2 µm
	// z(3, 1) = 13 µm at x = 6 µm
	// z(0, 0) outside the view: NaN
	// 5 valid, 1 invalid, mean 17 µm
	// m z(4, 1) = -1 µm
}
