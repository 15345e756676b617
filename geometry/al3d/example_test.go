package al3d_test

import (
	"fmt"
	"os"

	"github.com/mtgeo/mtgeo/geometry/al3d"
)

// Example reads a small AL3D file written by the package tests: 5×3
// pixels (odd, so each row carries 4 bytes of padding) with two pixels
// equal to InvalidPixelValue.
func Example() {
	f, err := os.Open("testdata/odd.al3d")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	m, err := al3d.Decode(f, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := m.Stats()
	fmt.Printf("%d×%d, pitch %.3g×%.3g µm, %d invalid, z(1,0) = %.4g µm\n",
		m.Cols(), m.Rows(), m.Pitch.X, m.Pitch.Y, s.Invalid, m.At(1, 0))
	// Output: 5×3, pitch 1×2 µm, 2 invalid, z(1,0) = 0.2 µm
}
