package x3p_test

import (
	"bytes"
	"fmt"
	"log"
	"math"
	"time"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/x3p"
	"gonum.org/v1/gonum/spatial/r2"
)

// Example writes a small map as X3P and reads it back, directly and
// through the format registry.
func Example() {
	m := geometry.New(4, 3, r2.Vec{X: 2.5, Y: 2.5}) // 2.5 µm pixels
	m.Offset = r2.Vec{X: -5, Y: 10}
	for r := range 3 {
		for c := range 4 {
			m.Set(c, r, 0.1*float64(c)+0.01*float64(r)) // µm
		}
	}
	m.Set(1, 1, math.NaN()) // an invalid pixel

	var buf bytes.Buffer
	opts := &x3p.EncodeOptions{Creator: "example", Date: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := x3p.Encode(&buf, m, opts); err != nil {
		log.Fatal(err)
	}

	c, err := x3p.DecodeConfig(bytes.NewReader(buf.Bytes()), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %d×%d, pitch %.4g µm, offset (%.4g, %.4g) µm\n", c.Format, c.Cols, c.Rows, c.Pitch.X, c.Offset.X, c.Offset.Y)

	got, format, err := geometry.Decode(bytes.NewReader(buf.Bytes()), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d valid, z(3, 2) = %.4f µm, z(1, 1) = %v\n", format, got.ValidCount(), got.At(3, 2), got.At(1, 1))
	// Output:
	// x3p 4×3, pitch 2.5 µm, offset (-5, 10) µm
	// x3p: 11 valid, z(3, 2) = 0.3200 µm, z(1, 1) = NaN
}
