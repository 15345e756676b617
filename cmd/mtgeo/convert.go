package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/x3p"
)

func runConvert(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("convert", "IN OUT.x3p", stderr)
	var rf readFlags
	rf.register(fs)
	f32 := fs.Bool("float32", false, "write heights as float32 (half the size; ~7 significant digits)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(files) != 2 {
		fs.Usage()
		return exitError
	}
	if !strings.EqualFold(filepath.Ext(files[1]), ".x3p") {
		fmt.Fprintf(stderr, "mtgeo convert: %s: the output is written as X3P and must end in .x3p\n", files[1])
		return exitError
	}
	m, _, err := geometry.ReadFile(files[0], rf.options())
	if err != nil {
		fmt.Fprintln(stderr, "mtgeo convert:", err)
		return exitError
	}
	if err := writeX3P(files[1], m, *f32); err != nil {
		fmt.Fprintln(stderr, "mtgeo convert:", err)
		return exitError
	}
	return exitOK
}

// writeX3P writes m to path as X3P, removing a partial file on error.
func writeX3P(path string, m *geometry.HeightMap, float32 bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := x3p.Encode(f, m, &x3p.EncodeOptions{Float32: float32, Creator: "mtgeo"}); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
