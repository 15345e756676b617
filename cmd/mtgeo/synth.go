package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/synth"
)

func runSynth(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("synth", "-o OUT.x3p", stderr)
	var enc x3pFlags
	enc.register(fs)
	var (
		layout   = fs.String("layout", "MT-16", "layout name")
		seed     = fs.Uint64("seed", 1, "random seed (noise, dropouts and, with --random or --production, the parameters)")
		random   = fs.Bool("random", false, "draw tilt, rotation, shift and per-fiber heights, radii, offsets and core dips from the accuracy-test ranges")
		prod     = fs.Bool("production", false, "like --random, plus ferrule curvature, apex offsets and (half the seeds) multimode cores with parabolic dips, as a polishing line makes them")
		out      = fs.String("o", "", "output X3P file (required)")
		truthOut = fs.String("truth", "", "output truth JSON (default: OUT with .truth.json)")
		p        synth.Params
		height   = fs.Float64("height", 0, "apex height of every fiber, µm (default 2)")
		radius   = fs.Float64("radius", 0, "tip radius of every fiber, mm (default 10)")
		shift    = fs.String("shift", "", "shift of the ferrule origin from the map centre, X,Y µm")
		missing  = fs.String("missing", "", "comma-separated fiber indices left unmeasured (NaN disc)")
		broken   = fs.String("broken", "", "comma-separated fiber indices replaced by a broken-fiber pit")
		apexOff  = fs.String("apex-offset", "", "offset of the tips' apexes from the fiber centres, X,Y µm (ferrule frame), on the --apex-fibers or all")
		apexFib  = fs.String("apex-fibers", "", "comma-separated fiber indices that --apex-offset applies to (default all)")
		ring     = fs.String("edge-ring", "", "ring of invalid pixels around the fiber centres, INNER,OUTER µm (e.g. 61,65: a chamfer or epoxy gap)")
		ringFib  = fs.String("edge-ring-fibers", "", "comma-separated fiber indices with the --edge-ring (default every fiber neither missing nor broken)")
	)
	fs.Float64Var(&p.XAngleDeg, "x-angle", 0, "ferrule X angle, degrees")
	fs.Float64Var(&p.YAngleDeg, "y-angle", 0, "ferrule Y angle, degrees")
	fs.Float64Var(&p.RotationDeg, "rotation", 0, "rotation of the ferrule +X in the map, degrees")
	fs.Float64Var(&p.RxMM, "rx", 0, "ferrule radius along X, mm (0 = flat)")
	fs.Float64Var(&p.RyMM, "ry", 0, "ferrule radius along Y, mm (0 = flat)")
	fs.Float64Var(&p.CoreDipUm, "core-dip", 0, "core dip of every fiber, µm")
	fs.BoolVar(&p.Multimode, "multimode", false, "50 µm cores instead of 9 µm")
	fs.StringVar(&p.CoreDipProfile, "core-profile", "", "core dip profile: step (flat-bottomed) or parabolic (depth·(1 − r²/rc²)); default step, or the --production draw's")
	fs.Float64Var(&p.NoiseUm, "noise", 0.002, "RMS noise, µm")
	fs.Float64Var(&p.DropoutFraction, "dropout", 0.01, "fraction of pixels dropped to invalid")
	fs.Float64Var(&p.PixelUm, "pixel", 3, "pixel pitch, µm")
	fs.IntVar(&p.Cols, "cols", 0, "map width in pixels (0 = from the layout)")
	fs.IntVar(&p.Rows, "rows", 0, "map height in pixels (0 = from the layout)")
	fs.IntVar(&p.Dust, "dust", 0, "number of dust particles")
	if _, err := parseInterspersed(fs, args); err != nil {
		return parseStatus(err)
	}
	if *out == "" {
		fs.Usage()
		return exitError
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	params := synth.Default(*layout)
	switch {
	case *prod:
		params = synth.RandomProduction(*layout, *seed)
	case *random:
		params = synth.Random(*layout, *seed)
	}
	params.Seed = *seed
	// Flags given explicitly override the defaults or the random draw.
	override := map[string]func(){
		"x-angle": func() { params.XAngleDeg = p.XAngleDeg }, "y-angle": func() { params.YAngleDeg = p.YAngleDeg },
		"rotation": func() { params.RotationDeg = p.RotationDeg }, "rx": func() { params.RxMM = p.RxMM },
		"ry": func() { params.RyMM = p.RyMM }, "core-dip": func() { params.CoreDipUm, params.CoreDipsUm = p.CoreDipUm, nil },
		"multimode": func() { params.Multimode = p.Multimode }, "noise": func() { params.NoiseUm = p.NoiseUm },
		"dropout": func() { params.DropoutFraction = p.DropoutFraction }, "pixel": func() { params.PixelUm = p.PixelUm },
		"cols": func() { params.Cols = p.Cols }, "rows": func() { params.Rows = p.Rows }, "dust": func() { params.Dust = p.Dust },
		"core-profile": func() { params.CoreDipProfile = p.CoreDipProfile },
	}
	for name, f := range override {
		if set[name] {
			f()
		}
	}
	n := 0
	if l, err := ferrule.LayoutByName(*layout); err == nil {
		n = l.Fibers()
	}
	if set["height"] {
		params.Heights = fill(n, *height)
	}
	if set["radius"] {
		params.RadiiMM = fill(n, *radius)
	}
	var err error
	if set["shift"] {
		var v []float64
		if v, err = floats(*shift); err != nil || len(v) != 2 {
			fmt.Fprintf(stderr, "mtgeo synth: --shift wants X,Y, got %q\n", *shift)
			return exitError
		}
		params.ShiftUm = [2]float64{v[0], v[1]}
	}
	if set["apex-offset"] {
		v, err := floats(*apexOff)
		if err != nil || len(v) != 2 {
			fmt.Fprintf(stderr, "mtgeo synth: --apex-offset wants X,Y, got %q\n", *apexOff)
			return exitError
		}
		which, err := ints(*apexFib)
		if err != nil {
			fmt.Fprintln(stderr, "mtgeo synth: --apex-fibers:", err)
			return exitError
		}
		if params.ApexOffsets, err = setPerFiber(params.ApexOffsets, n, which, [2]float64{v[0], v[1]}); err != nil {
			fmt.Fprintln(stderr, "mtgeo synth: --apex-fibers:", err)
			return exitError
		}
	} else if set["apex-fibers"] {
		fmt.Fprintln(stderr, "mtgeo synth: --apex-fibers needs --apex-offset")
		return exitError
	}
	if set["edge-ring"] {
		v, err := floats(*ring)
		if err != nil || len(v) != 2 {
			fmt.Fprintf(stderr, "mtgeo synth: --edge-ring wants INNER,OUTER, got %q\n", *ring)
			return exitError
		}
		params.EdgeRingUm = [2]float64{v[0], v[1]}
	}
	if params.EdgeRingFibers, err = ints(*ringFib); err != nil {
		fmt.Fprintln(stderr, "mtgeo synth: --edge-ring-fibers:", err)
		return exitError
	}
	if params.Missing, err = ints(*missing); err != nil {
		fmt.Fprintln(stderr, "mtgeo synth: --missing:", err)
		return exitError
	}
	if params.Broken, err = ints(*broken); err != nil {
		fmt.Fprintln(stderr, "mtgeo synth: --broken:", err)
		return exitError
	}
	m, truth, err := synth.Generate(params)
	if err != nil {
		fmt.Fprintln(stderr, "mtgeo synth:", err)
		return exitError
	}
	if err := writeX3P(*out, m, enc.options()); err != nil {
		fmt.Fprintln(stderr, "mtgeo synth:", err)
		return exitError
	}
	if *truthOut == "" {
		*truthOut = strings.TrimSuffix(*out, ".x3p") + ".truth.json"
	}
	b, err := json.MarshalIndent(truth, "", " ")
	if err == nil {
		err = os.WriteFile(*truthOut, append(b, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mtgeo synth:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "wrote %s (%d×%d px) and %s\n", *out, m.Rect.Dx(), m.Rect.Dy(), *truthOut)
	return exitOK
}

// setPerFiber returns a copy of s (n zero values when s is nil) with v at
// the 1-based indices in which, or everywhere when which is empty. It
// returns an error for an index out of 1…n; n = 0 (an unknown layout, which
// Generate reports) leaves s unchanged.
func setPerFiber(s [][2]float64, n int, which []int, v [2]float64) ([][2]float64, error) {
	if n == 0 {
		return s, nil
	}
	out := make([][2]float64, n)
	copy(out, s)
	if len(which) == 0 {
		for i := range out {
			out[i] = v
		}
		return out, nil
	}
	for _, k := range which {
		if k < 1 || k > n {
			return nil, fmt.Errorf("fiber %d out of range 1…%d", k, n)
		}
		out[k-1] = v
	}
	return out, nil
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func floats(s string) ([]float64, error) {
	var v []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, err
		}
		v = append(v, x)
	}
	return v, nil
}

func ints(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var v []int
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		v = append(v, x)
	}
	return v, nil
}
