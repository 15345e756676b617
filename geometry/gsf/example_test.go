package gsf_test

import (
	"fmt"
	"log"
	"os"

	"github.com/mtgeo/mtgeo/geometry/gsf"
)

// Decode a file written by Gwyddion's GSF exporter.
func ExampleDecode() {
	f, err := os.Open("testdata/gwyddion-64x48.gsf")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	m, err := gsf.Decode(f, nil)
	if err != nil {
		log.Fatal(err)
	}
	s := m.Stats()
	fmt.Printf("%d×%d px, pitch %.1f×%.1f µm, offset (%.0f, %.0f) µm\n",
		m.Cols(), m.Rows(), m.Pitch.X, m.Pitch.Y, m.Offset.X, m.Offset.Y)
	fmt.Printf("z from %.3f to %.3f µm, %d valid\n", s.Min, s.Max, s.Valid)
	// Output:
	// 64×48 px, pitch 5.0×7.5 µm, offset (-100, 50) µm
	// z from -0.910 to 1.763 µm, 3072 valid
}
