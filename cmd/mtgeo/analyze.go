package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"gonum.org/v1/gonum/spatial/r2"
)

// analyzeFlags are the analysis options shared by analyze and batch.
type analyzeFlags struct {
	read    readFlags
	layout  string
	spec    string
	fixture float64
	frame   string
	flatMM  float64
	orient  float64
	mm      bool
	regions ferrule.Regions
	// guardBand is the guard-band factor k (SPEC §11) given to the profile.
	guardBand float64
	// The loss model of il_ideal_db (SPEC §10).
	mfd, wavelength, mmLoss float64
}

func (a *analyzeFlags) register(fs *flag.FlagSet) {
	a.read.register(fs)
	fs.StringVar(&a.spec, "spec", "", "grade against a spec profile: a built-in name (see 'mtgeo specs'), a profile JSON file, or auto (the built-in profile of each map's layout: PC, or APC with --fixture-angle)")
	fs.StringVar(&a.layout, "layout", "auto", "layout name (MT-12, MT-16, MT-24, MT-32, MT-48, MT-64, MT-72), a layout JSON file, or auto")
	fs.Float64Var(&a.fixture, "fixture-angle", 0, "fixture angle in degrees added to the Y angle (APC parts, e.g. 8)")
	fs.StringVar(&a.frame, "frame", "", "ferrule frame given as X,Y,DEG (origin in map µm, rotation of +X in degrees) instead of from the guide holes")
	fs.BoolVar(&a.mm, "multimode", false, "multimode fibers: 50 µm cores and a 30 µm core exclusion")
	fs.Float64Var(&a.orient, "orientation", 0, "direction of the ferrule's +X in the map, degrees from +x (0; 90, 180 or 270 for instruments that store maps turned): +X is the hole-to-hole direction nearest to it")
	fs.Float64Var(&a.guardBand, "guard-band", 0, "grade with a guard band of K standard uncertainties: a check whose value lies within K·u of a limit is marginal, neither pass nor fail (0: none)")
	fs.Float64Var(&a.flatMM, "flat-radius", 0, "radius in mm above which a radius is reported as flat (null); 0 = 1e5")
	fs.Float64Var(&a.mfd, "mfd-um", ferrule.DefaultMFDUM, "mode-field diameter of the fibers for the predicted insertion loss, µm (9.2 for G.652 at 1310 nm, 10.4 at 1550 nm)")
	fs.Float64Var(&a.wavelength, "wavelength-nm", ferrule.DefaultWavelengthNM, "wavelength of the loss prediction, nm")
	fs.Float64Var(&a.mmLoss, "mm-loss-db-per-um", 0, "multimode: the plant's loss per µm of fiber offset, dB/µm (0: none, il_ideal_db null for multimode parts)")
	r := &a.regions
	fs.Float64Var(&r.FitRadius, "fit-radius", 0, "outer radius of the tip-fit annulus, µm (default 50)")
	fs.Float64Var(&r.CoreExclusionRadius, "core-exclusion", 0, "inner radius of the tip-fit annulus, µm (default 10 single-mode, 30 multimode)")
	fs.Float64Var(&r.CoreDiameter, "core-diameter", 0, "core diameter for the core dip, µm (default the layout's, 9 single-mode)")
	fs.Float64Var(&r.AveragingDiameter, "averaging-diameter", 0, "diameter of the fiber-height averaging disc, µm (default 50)")
	fs.Float64Var(&r.FiberExclusionDiameter, "fiber-exclusion", 0, "diameter of the disc left out of the ferrule fit around each fiber, µm (default 1.5 × fiber Ø)")
	fs.Float64Var(&r.HoleMargin, "hole-margin", 0, "ring around each guide-hole rim left out of the ferrule fit, µm (default 100)")
	fs.Float64Var(&r.ArrayMarginY, "array-margin", 0, "extent of the ferrule fit beyond the outer fiber rows in ±Y, µm (default 250)")
}

func (a *analyzeFlags) options() (ferrule.Options, error) {
	opts := ferrule.Options{Regions: a.regions, FixtureAngleDeg: a.fixture, FlatRadiusMM: a.flatMM, OrientationDeg: a.orient, Multimode: a.mm,
		MFDUM: a.mfd, WavelengthNM: a.wavelength, MMLossDBPerUM: a.mmLoss}
	switch {
	case a.layout == "" || strings.EqualFold(a.layout, "auto"):
	case strings.HasSuffix(strings.ToLower(a.layout), ".json"):
		l, err := ferrule.ReadLayoutFile(a.layout)
		if err != nil {
			return opts, err
		}
		opts.Layout = &l
	default:
		l, err := ferrule.LayoutByName(a.layout)
		if err != nil {
			return opts, err
		}
		opts.Layout = &l
	}
	if a.frame != "" {
		parts := strings.Split(a.frame, ",")
		var v [3]float64
		var err error
		if len(parts) == 3 {
			for i, p := range parts {
				if v[i], err = strconv.ParseFloat(strings.TrimSpace(p), 64); err != nil {
					break
				}
			}
		}
		if len(parts) != 3 || err != nil {
			return opts, fmt.Errorf("--frame wants X,Y,DEG, got %q", a.frame)
		}
		opts.Frame = &ferrule.Frame{Origin: r2.Vec{X: v[0], Y: v[1]}, Rotation: v[2] * math.Pi / 180}
	}
	if err := a.read.validate(); err != nil {
		return opts, err
	}
	return opts, opts.Validate()
}

// config gathers the read, analysis and grading options for
// batch.AnalyzeFile, batch.AnalyzeMap and batch.Run. With --spec auto each
// report is graded with the built-in profile of its layout (PC, or APC with
// a fixture angle); with a name or file, with that profile.
func (a *analyzeFlags) config() (batch.Config, error) {
	opts, err := a.options()
	if err != nil {
		return batch.Config{}, err
	}
	cfg := batch.Config{Read: a.read.options(), Analysis: opts}
	if !(a.guardBand >= 0) || math.IsInf(a.guardBand, 0) {
		return cfg, fmt.Errorf("--guard-band %g must be a finite factor ≥ 0", a.guardBand)
	}
	if a.guardBand > 0 && a.spec == "" {
		return cfg, fmt.Errorf("--guard-band needs a profile to grade with (--spec)")
	}
	switch {
	case a.spec == "":
	case strings.EqualFold(a.spec, "auto"):
		polish := "PC"
		if a.fixture != 0 {
			polish = "APC"
		}
		cfg.ProfileFor = batch.AutoProfileGuardBand(polish, a.guardBand)
	default:
		if cfg.Profile, err = ferrule.LoadProfile(a.spec); err != nil {
			return cfg, err
		}
		if a.guardBand > 0 {
			cfg.Profile.GuardBand = a.guardBand
		}
	}
	return cfg, nil
}

// stdin is what "mtgeo analyze -" reads (a variable for tests).
var stdin io.Reader = os.Stdin

// analyzeStdin analyses the height map on stdin, named "stdin" in the
// report and errors; its format is recognised from the content.
func analyzeStdin(an *ferrule.Analyzer, cfg *batch.Config) batch.Result {
	data, err := io.ReadAll(stdin)
	if err != nil {
		return batch.Result{File: "stdin", Err: fmt.Errorf("stdin: %w", err)}
	}
	return batch.AnalyzeBytes(an, "stdin", data, cfg)
}

func runAnalyze(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("analyze", "FILE...|-", stderr)
	var af analyzeFlags
	af.register(fs)
	var sf storeFlags
	sf.register(fs)
	format := fs.String("format", "text", "output format: json (one SPEC §8 object per line) or text")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(files) == 0 {
		fs.Usage()
		return exitError
	}
	if slices.Contains(files, "-") && len(files) > 1 {
		fmt.Fprintln(stderr, "mtgeo analyze: - (stdin) is one file: give it alone")
		return exitError
	}
	if *format != "json" && *format != "text" {
		fmt.Fprintf(stderr, "mtgeo analyze: --format must be json or text, not %q\n", *format)
		return exitError
	}
	cfg, err := af.config()
	if err != nil {
		fmt.Fprintln(stderr, "mtgeo analyze:", err)
		return exitError
	}
	ctx := context.Background()
	st, err := sf.open(ctx, cfg) // before any file: a bad database stops here
	cfg.Hash = st != nil
	if err != nil {
		fmt.Fprintln(stderr, "mtgeo analyze:", err)
		return exitError
	}
	if st != nil {
		defer st.Close()
	}
	var an ferrule.Analyzer
	enc := json.NewEncoder(stdout)
	status := exitOK
	for _, path := range files {
		var res batch.Result
		if path == "-" {
			res = analyzeStdin(&an, &cfg)
			path = res.File
		} else {
			res = batch.AnalyzeFile(&an, path, &cfg)
		}
		if err := sf.save(ctx, st, res); err != nil {
			fmt.Fprintln(stderr, "mtgeo analyze:", err)
			return exitError
		}
		rep, err := res.Report, res.Err
		if err != nil {
			status = exitError
			fmt.Fprintln(stderr, "mtgeo analyze:", err)
			if *format == "json" {
				enc.Encode(errorLine{File: path, Error: err.Error()})
			}
			continue
		}
		if *format == "json" {
			enc.Encode(rep)
		} else {
			ferrule.WriteText(stdout, rep)
		}
		if rep.Grade != nil && !rep.Grade.Pass {
			status = max(status, exitFail)
		}
	}
	return status
}
