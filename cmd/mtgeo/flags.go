package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// parseInterspersed parses fs from args, allowing flags after positional
// arguments ("mtgeo analyze a.x3p --format json"), and returns the
// positional ones. "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // fs.Parse reports it
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return pos, nil
}

// parseStatus is the exit status for a flag-parsing error: 0 when help
// was asked for (-h), 2 otherwise (the flag package printed why).
func parseStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitError
}

// readFlags are the flags for files that do not say everything.
type readFlags struct {
	channel int
	pitch   float64
	zUnit   float64
	xyUnit  float64
	strict  bool
	maxPx   int
}

func (r *readFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&r.channel, "channel", 0, "data channel of multi-channel files, 0-based")
	fs.Float64Var(&r.pitch, "pitch", 0, "pixel pitch in µm for files without one (plain text)")
	fs.Float64Var(&r.xyUnit, "xy-unit", 0, "µm per x/y unit of plain-text XYZ point lists that do not say; e.g. 1e6 for metres")
	fs.Float64Var(&r.zUnit, "z-unit", 0, "µm per height unit for files that do not say (plain text); e.g. 0.001 for nm")
	fs.IntVar(&r.maxPx, "max-pixels", 0, "refuse maps of more pixels than this (0: the decoders' limit, 100,000,000, about 800 MB of heights)")
	fs.BoolVar(&r.strict, "strict", false, "refuse files read with warnings (stale checksum, non-standard element, assumed unit) instead of reading them")
}

// validate checks the read options against their ranges: a channel
// index from 0, a pitch and units positive (0: the file's or the default)
// and at most geometry.MaxPitch.
func (r *readFlags) validate() error {
	if r.maxPx < 0 || r.maxPx > geometry.MaxPixels {
		return fmt.Errorf("--max-pixels %d is outside [0, %d]", r.maxPx, geometry.MaxPixels)
	}
	if r.channel < 0 {
		return fmt.Errorf("--channel %d: channels are numbered from 0", r.channel)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"pitch", r.pitch}, {"z-unit", r.zUnit}, {"xy-unit", r.xyUnit}} {
		if !(f.v >= 0 && f.v <= geometry.MaxPitch) {
			return fmt.Errorf("--%s %g µm is outside (0, %g] (0 for the file's own)", f.name, f.v, float64(geometry.MaxPitch))
		}
	}
	return nil
}

func (r *readFlags) options() *geometry.Options {
	return &geometry.Options{Channel: r.channel, Pitch: r2.Vec{X: r.pitch, Y: r.pitch}, ZUnit: r.zUnit, XYUnit: r.xyUnit, Strict: r.strict, MaxPixels: r.maxPx}
}

func newFlagSet(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mtgeo %s [flags] %s\n\nflags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// newUsageFlagSet is newFlagSet for a command with a usage text of its
// own, which -h prints before the flags.
func newUsageFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := newFlagSet(name, "", stderr)
	fs.Usage = func() {
		io.WriteString(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}
