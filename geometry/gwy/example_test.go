package gwy_test

import (
	"fmt"
	"log"
	"os"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/gwy"
)

// Decode the first channel of a file written by Gwyddion, with its mask.
func ExampleDecode() {
	f, err := os.Open("testdata/gwyddion-3ch.gwy")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	m, err := gwy.Decode(f, nil)
	if err != nil {
		log.Fatal(err)
	}
	s := m.Stats()
	fmt.Printf("%d×%d px, pitch %.1f×%.1f µm, offset (%.0f, %.0f) µm\n",
		m.Cols(), m.Rows(), m.Pitch.X, m.Pitch.Y, m.Offset.X, m.Offset.Y)
	fmt.Printf("%d valid, %d masked, mean %.4f µm, Sq %.4f µm\n", s.Valid, s.Invalid, s.Mean, s.RMS)
	// Output:
	// 64×48 px, pitch 5.0×7.5 µm, offset (-100, 50) µm
	// 2971 valid, 101 masked, mean 0.4222 µm, Sq 0.5659 µm
}

// Read the header of the second channel (in ascending order of N: /3/data).
func ExampleDecodeConfig() {
	f, err := os.Open("testdata/gwyddion-3ch.gwy")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	cfg, err := gwy.DecodeConfig(f, &geometry.Options{Channel: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d×%d px, pitch %.2f×%.2f µm\n", cfg.Cols, cfg.Rows, cfg.Pitch.X, cfg.Pitch.Y)
	// Output:
	// 16×12 px, pitch 0.50×0.50 µm
}
