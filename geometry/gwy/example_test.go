package gwy_test

import (
	"errors"
	"fmt"
	"io"
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

// Decode a Gwyddion 1 file (magic GWYO) from before version 1.0, whose
// channel carries no units: it is read in metres, with a warning for each
// assumption, and refused under strict reading.
func ExampleDecode_gwyddion1() {
	f, err := os.Open("testdata/gwyddion1-nounits.gwy")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	m, err := gwy.Decode(f, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d×%d px, pitch %.1f×%.1f µm, z(5, 0) = %.3f µm\n", m.Cols(), m.Rows(), m.Pitch.X, m.Pitch.Y, m.At(5, 0))
	for _, w := range m.Warnings {
		fmt.Println("warning:", w)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		log.Fatal(err)
	}
	_, _, err = geometry.Decode(f, &geometry.Options{Strict: true})
	var strict geometry.StrictError
	fmt.Println("strict:", errors.As(err, &strict))
	// Output:
	// 6×4 px, pitch 2.0×1.5 µm, z(5, 0) = 0.050 µm
	// warning: /0/data has no lateral unit (si_unit_xy absent or empty): xreal, yreal, xoff and yoff read as metres
	// warning: /0/data has no value unit (si_unit_z absent or empty): heights read as metres
	// strict: true
}
