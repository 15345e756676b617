package study

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/geometry"
)

// RegionOptions are the region options a sweep can vary, named as the
// analyze flags, with the Regions field each sets.
var RegionOptions = []struct {
	Name string
	// Key is the Regions field's JSON key.
	Key string
	set func(r *ferrule.Regions, v float64)
}{
	{"averaging-diameter", "averaging_diameter_um", func(r *ferrule.Regions, v float64) { r.AveragingDiameter = v }},
	{"fit-radius", "fit_radius_um", func(r *ferrule.Regions, v float64) { r.FitRadius = v }},
	{"core-exclusion", "core_exclusion_radius_um", func(r *ferrule.Regions, v float64) { r.CoreExclusionRadius = v }},
	{"core-diameter", "core_diameter_um", func(r *ferrule.Regions, v float64) { r.CoreDiameter = v }},
	{"fiber-exclusion", "fiber_exclusion_diameter_um", func(r *ferrule.Regions, v float64) { r.FiberExclusionDiameter = v }},
	{"hole-margin", "hole_margin_um", func(r *ferrule.Regions, v float64) { r.HoleMargin = v }},
	{"array-margin", "array_margin_y_um", func(r *ferrule.Regions, v float64) { r.ArrayMarginY = v }},
}

// Vary is one region option swept over a list of values, µm.
type Vary struct {
	Option string    `json:"option"`
	Values []float64 `json:"values_um"`
}

// MaxSweepPoints bounds a sweep's grid: each point is a whole analysis
// (tens of milliseconds), so 1000 points take about a minute.
const MaxSweepPoints = 1000

// maxAxisValues bounds the values of one LO:HI:STEP range.
const maxAxisValues = MaxSweepPoints

// ParseVary reads NAME=LO:HI:STEP (LO, LO+STEP, ... up to HI, HI included
// within 1e-9 of a step) or NAME=V1,V2,... with NAME a region option
// (RegionOptions) and the values in µm, positive and finite.
func ParseVary(s string) (Vary, error) {
	name, spec, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.TrimSpace(spec) == "" {
		return Vary{}, fmt.Errorf("study: --vary wants NAME=LO:HI:STEP or NAME=V1,V2,..., not %q", s)
	}
	known := false
	var names []string
	for _, o := range RegionOptions {
		known = known || o.Name == name
		names = append(names, o.Name)
	}
	if !known {
		return Vary{}, fmt.Errorf("study: --vary %q: no region option %q (options: %s)", s, name, strings.Join(names, ", "))
	}
	v := Vary{Option: name}
	num := func(t string) (float64, error) {
		x, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("study: --vary %q: %q is not a number", s, strings.TrimSpace(t))
		}
		return x, nil
	}
	if strings.Contains(spec, ":") {
		parts := strings.Split(spec, ":")
		if len(parts) != 3 {
			return Vary{}, fmt.Errorf("study: --vary %q: a range is LO:HI:STEP", s)
		}
		var lhs [3]float64
		for i, p := range parts {
			x, err := num(p)
			if err != nil {
				return Vary{}, err
			}
			lhs[i] = x
		}
		lo, hi, step := lhs[0], lhs[1], lhs[2]
		if !(step > 0) || hi < lo {
			return Vary{}, fmt.Errorf("study: --vary %q: the range needs LO ≤ HI and a positive STEP", s)
		}
		n := math.Floor((hi-lo)/step+1e-9) + 1
		if n > maxAxisValues {
			return Vary{}, fmt.Errorf("study: --vary %q: %.0f values, more than %d", s, n, maxAxisValues)
		}
		for k := range int(n) {
			// LO + k·STEP, not a running sum: 0.1 steps stay on their decimals.
			x := lo + float64(k)*step
			if r := math.Round(x*1e9) / 1e9; !math.IsInf(r, 0) {
				x = r
			}
			if math.IsInf(x, 0) {
				return Vary{}, fmt.Errorf("study: --vary %q: %g + %d·%g is not a number", s, lo, k, step)
			}
			v.Values = append(v.Values, x)
		}
	} else {
		for _, p := range strings.Split(spec, ",") {
			x, err := num(p)
			if err != nil {
				return Vary{}, err
			}
			if len(v.Values) == maxAxisValues {
				return Vary{}, fmt.Errorf("study: --vary %q: more than %d values", s, maxAxisValues)
			}
			v.Values = append(v.Values, x)
		}
	}
	for _, x := range v.Values {
		if !(x > 0) {
			return Vary{}, fmt.Errorf("study: --vary %q: %g µm: region sizes are positive", s, x)
		}
	}
	return v, nil
}

// SweepResult is a region sweep of one map.
type SweepResult struct {
	File    string       `json:"file"`
	Vary    []Vary       `json:"vary"`
	Profile string       `json:"profile"`
	Points  []SweepPoint `json:"points"`
	// Changes lists the checks whose state differs between the points;
	// VerdictChanges says the ferrule's verdict does.
	Changes        []CheckChange `json:"changes"`
	VerdictChanges bool          `json:"verdict_changes"`
}

// SweepPoint is one setting of a sweep: its values of the varied options
// and the analysis's results.
type SweepPoint struct {
	// Settings holds the value of each varied option, in Vary order, µm.
	Settings []float64       `json:"settings_um"`
	Regions  ferrule.Regions `json:"regions"`
	Ferrule  Angles          `json:"ferrule"`
	// XRadiusMM and YRadiusMM are the ferrule radii, null when flat.
	XRadiusMM ferrule.Num     `json:"x_radius_mm"`
	YRadiusMM ferrule.Num     `json:"y_radius_mm"`
	Summary   ferrule.Summary `json:"summary"`
	// Verdict is "pass", "marginal", "fail", "" when not graded, "error"
	// when the analysis failed (Error says why).
	Verdict string `json:"verdict"`
	// Failed names the failed checks ("height_nm[3]" for a fiber's).
	Failed []string `json:"failed"`
	Error  string   `json:"error,omitempty"`
	// Report is the point's report (not in the JSON).
	Report *ferrule.Report `json:"-"`
}

// CheckChange is a check whose state differs between the points of a
// sweep: the indices of the points where it passed, was marginal and
// failed.
type CheckChange struct {
	Check    string `json:"check"`
	Fiber    *int   `json:"fiber"`
	Pass     []int  `json:"pass_points"`
	Marginal []int  `json:"marginal_points"`
	Fail     []int  `json:"fail_points"`
}

// SweepOptions name the swept map.
type SweepOptions struct {
	// File and Format are set in every point's report, as
	// batch.AnalyzeMap sets them.
	File, Format string
}

// Sweep analyses m once per point of the grid spanned by vary (the first
// option varying slowest) with cfg.Analysis and the point's regions, and
// grades each report as batch.AnalyzeMap does (cfg.Profile or
// cfg.ProfileFor). The map is decoded once, by the caller; the analysis
// never changes it. A point whose analysis fails carries the error; a
// grid beyond MaxSweepPoints, an option given twice or a setting the
// analysis options refuse is an error before anything is analysed.
func Sweep(m *geometry.HeightMap, cfg *batch.Config, vary []Vary, so SweepOptions) (*SweepResult, error) {
	if len(vary) == 0 {
		return nil, errors.New("study: a sweep needs an option to vary")
	}
	if m == nil {
		return nil, errors.New("study: a sweep needs a map")
	}
	n := 1
	seen := map[string]bool{}
	setters := make([]func(*ferrule.Regions, float64), len(vary))
	for i, v := range vary {
		if seen[v.Option] {
			return nil, fmt.Errorf("study: %s is varied twice", v.Option)
		}
		seen[v.Option] = true
		for _, o := range RegionOptions {
			if o.Name == v.Option {
				setters[i] = o.set
			}
		}
		if setters[i] == nil {
			return nil, fmt.Errorf("study: no region option %q", v.Option)
		}
		if len(v.Values) == 0 {
			return nil, fmt.Errorf("study: %s has no values", v.Option)
		}
		n *= len(v.Values)
		if n > MaxSweepPoints {
			return nil, fmt.Errorf("study: the sweep has more than %d settings", MaxSweepPoints)
		}
	}
	// Every setting's options, checked before the first analysis.
	opts := make([]ferrule.Options, n)
	settings := make([][]float64, n)
	for k := range n {
		o := cfg.Analysis
		s := make([]float64, len(vary))
		rem := k
		for i := len(vary) - 1; i >= 0; i-- {
			s[i] = vary[i].Values[rem%len(vary[i].Values)]
			rem /= len(vary[i].Values)
			setters[i](&o.Regions, s[i])
		}
		if err := o.Validate(); err != nil {
			return nil, fmt.Errorf("study: setting %s: %w", describe(vary, s), err)
		}
		opts[k], settings[k] = o, s
	}
	res := &SweepResult{File: so.File, Vary: vary, Points: make([]SweepPoint, n), Changes: []CheckChange{}}
	if cfg.Profile != nil {
		res.Profile = cfg.Profile.Name
	}
	var an ferrule.Analyzer
	for k := range n {
		pt := &res.Points[k]
		pt.Settings, pt.Failed = settings[k], []string{}
		rep, err := an.Analyze(m, opts[k])
		if err == nil {
			rep.File, rep.Format = so.File, so.Format
			err = batch.Grade(rep, cfg)
		}
		if err != nil {
			pt.Verdict, pt.Error = "error", err.Error()
			pt.Regions = opts[k].Regions
			pt.Ferrule = Angles{ferrule.Num(math.NaN()), ferrule.Num(math.NaN())}
			pt.XRadiusMM, pt.YRadiusMM = ferrule.Num(math.NaN()), ferrule.Num(math.NaN())
			pt.Summary = nanSummary()
			an = ferrule.Analyzer{}
			continue
		}
		pt.Report = rep
		pt.Regions = rep.Regions
		pt.Ferrule = Angles{rep.Ferrule.XAngleDeg, rep.Ferrule.YAngleDeg}
		pt.XRadiusMM, pt.YRadiusMM = rep.Ferrule.XRadiusMM, rep.Ferrule.YRadiusMM
		pt.Summary = rep.Summary
		if g := rep.Grade; g != nil {
			pt.Verdict = state(g.Pass, g.Marginal)
			if res.Profile == "" {
				res.Profile = g.Profile
			}
			for _, c := range g.Checks {
				if !c.Pass && !c.Marginal {
					pt.Failed = append(pt.Failed, checkName(c))
				}
			}
		}
	}
	res.Changes, res.VerdictChanges = changes(res.Points)
	return res, nil
}

func state(pass, marginal bool) string {
	switch {
	case pass:
		return "pass"
	case marginal:
		return "marginal"
	}
	return "fail"
}

func checkName(c ferrule.Check) string {
	if c.Fiber != nil {
		return fmt.Sprintf("%s[%d]", c.Name, *c.Fiber)
	}
	return c.Name
}

// changes lists the checks whose state differs between the graded points,
// in the order they first appear, and whether the verdict does.
func changes(pts []SweepPoint) ([]CheckChange, bool) {
	out := []CheckChange{}
	idx := map[string]int{}
	verdicts := map[string]bool{}
	for k := range pts {
		g := (*ferrule.Grade)(nil)
		if pts[k].Report != nil {
			g = pts[k].Report.Grade
		}
		if g == nil {
			continue
		}
		verdicts[pts[k].Verdict] = true
		for _, c := range g.Checks {
			key := checkName(c)
			i, ok := idx[key]
			if !ok {
				i = len(out)
				idx[key] = i
				out = append(out, CheckChange{Check: c.Name, Fiber: c.Fiber, Pass: []int{}, Marginal: []int{}, Fail: []int{}})
			}
			switch {
			case c.Pass:
				out[i].Pass = append(out[i].Pass, k)
			case c.Marginal:
				out[i].Marginal = append(out[i].Marginal, k)
			default:
				out[i].Fail = append(out[i].Fail, k)
			}
		}
	}
	kept := out[:0]
	for _, c := range out {
		states := 0
		for _, l := range [][]int{c.Pass, c.Marginal, c.Fail} {
			if len(l) > 0 {
				states++
			}
		}
		if states > 1 {
			kept = append(kept, c)
		}
	}
	return kept, len(verdicts) > 1
}

// describe writes a setting as "averaging-diameter=40 µm, fit-radius=45 µm".
func describe(vary []Vary, s []float64) string {
	parts := make([]string, len(vary))
	for i := range vary {
		parts[i] = fmt.Sprintf("%s=%g µm", vary[i].Option, s[i])
	}
	return strings.Join(parts, ", ")
}

// nanSummary is a Summary with every number NaN (null), for a point whose
// analysis failed.
func nanSummary() ferrule.Summary {
	var s ferrule.Summary
	ferrule.SetNaN(&s)
	return s
}
