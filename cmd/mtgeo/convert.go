package main

import (
	"flag"
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
	var enc x3pFlags
	enc.register(fs)
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
	if err := rf.validate(); err != nil {
		fmt.Fprintln(stderr, "mtgeo convert:", err)
		return exitError
	}
	m, _, err := geometry.ReadFile(files[0], rf.options())
	if err != nil {
		fmt.Fprintln(stderr, "mtgeo convert:", err)
		return exitError
	}
	if err := writeX3P(files[1], m, enc.options()); err != nil {
		fmt.Fprintln(stderr, "mtgeo convert:", err)
		return exitError
	}
	return exitOK
}

// x3pFlags are the flags of how an X3P file is written.
type x3pFlags struct {
	float32 bool
	zInc    float64
}

func (x *x3pFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&x.float32, "float32", false, "write heights as float32 (half the size; ~7 significant digits)")
	fs.Float64Var(&x.zInc, "z-increment", 0, "write heights as int32 multiples of this many µm (e.g. 0.0005: 0.5 nm; a quarter of float32's size for noisy maps)")
}

func (x *x3pFlags) options() *x3p.EncodeOptions {
	return &x3p.EncodeOptions{Float32: x.float32, ZIncrementUM: x.zInc, Creator: "mtgeo"}
}

// writeX3P writes m to path as X3P, removing a partial file on error.
func writeX3P(path string, m *geometry.HeightMap, opts *x3p.EncodeOptions) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := x3p.Encode(f, m, opts); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
