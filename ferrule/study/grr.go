package study

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
)

// Measurement is one measurement of a gauge study: part, operator and
// trial labels and the analysed report.
type Measurement struct {
	Part, Operator, Trial string
	Report                *ferrule.Report
	// File names the measurement in errors; "" uses Report.File.
	File string
	line int
}

type measurements []Measurement

func (ms measurements) n() int { return len(ms) }
func (ms measurements) key(i int) (string, string, string) {
	return ms[i].Part, ms[i].Operator, ms[i].Trial
}
func (ms measurements) label(i int) string {
	if ms[i].line > 0 {
		return fmt.Sprintf("manifest line %d", ms[i].line)
	}
	return ms[i].name()
}

func (m *Measurement) name() string {
	if m.File != "" {
		return m.File
	}
	if m.Report != nil && m.Report.File != "" {
		return m.Report.File
	}
	return fmt.Sprintf("part %s operator %s trial %s", m.Part, m.Operator, m.Trial)
}

// GRROptions control a gauge study.
type GRROptions struct {
	// Profile gives the tolerances (USL − LSL) for %GRR of the tolerance:
	// its limits with both a min and a max. nil: no tolerances.
	Profile *ferrule.Profile
}

// Verdicts of a parameter (AIAG MSA from %GRR of TV).
const (
	Acceptable   = "acceptable"   // %GRR < 10
	Conditional  = "conditional"  // 10 ≤ %GRR ≤ 30
	Unacceptable = "unacceptable" // %GRR > 30
	NoVariation  = "no variation" // TV = 0: nothing to judge
)

// GRR is the result of a gauge study.
type GRR struct {
	Parts     int      `json:"parts"`
	Operators int      `json:"operators"`
	Trials    int      `json:"trials"`
	PartNames []string `json:"part_names"`
	// OperatorNames in the order they first appear.
	OperatorNames []string `json:"operator_names"`
	Layout        string   `json:"layout"`
	// Profile is the profile the tolerances came from, "" for none.
	Profile string `json:"profile"`
	// Alpha is the significance level of the interaction test.
	Alpha float64 `json:"alpha"`
	// Parameters in report order (ferrule, summary, then each fiber field
	// fiber by fiber).
	Parameters []Parameter `json:"parameters"`
	// Skipped lists the parameters that could not be studied, with why.
	Skipped []Skipped `json:"skipped"`
}

// Skipped is a parameter left out of a study.
type Skipped struct {
	Parameter string `json:"parameter"`
	Reason    string `json:"reason"`
}

// Parameter is the gauge study of one report number. The standard
// deviations are in Unit.
type Parameter struct {
	// Name is Field, with the fiber index in brackets for a fiber field
	// ("height_nm[3]").
	Name    string `json:"parameter"`
	Field   string `json:"field"`
	Section string `json:"section"`
	// Fiber is the fiber index of a fiber field, 0 otherwise.
	Fiber int    `json:"fiber,omitempty"`
	Unit  string `json:"unit"`
	// Mean is the grand mean of the study's values.
	Mean  ferrule.Num `json:"mean"`
	ANOVA []Source    `json:"anova"`
	// InteractionP is the p-value of the part × operator F test;
	// InteractionPooled says it was ≥ Alpha and pooled into repeatability.
	InteractionP      ferrule.Num `json:"interaction_p"`
	InteractionPooled bool        `json:"interaction_pooled"`
	// The components as standard deviations, in Unit.
	EV          ferrule.Num `json:"ev"`
	AV          ferrule.Num `json:"av"`
	Interaction ferrule.Num `json:"interaction"`
	GRR         ferrule.Num `json:"grr"`
	PV          ferrule.Num `json:"pv"`
	TV          ferrule.Num `json:"tv"`
	// Percentages of TV.
	PctEV          ferrule.Num `json:"pct_ev"`
	PctAV          ferrule.Num `json:"pct_av"`
	PctInteraction ferrule.Num `json:"pct_interaction"`
	PctGRR         ferrule.Num `json:"pct_grr"`
	PctPV          ferrule.Num `json:"pct_pv"`
	// LSL and USL are the profile's limits, null when not limited on that
	// side; PctTolerance = 100·6·GRR/(USL − LSL), null without both.
	LSL          ferrule.Num `json:"lsl"`
	USL          ferrule.Num `json:"usl"`
	PctTolerance ferrule.Num `json:"pct_tolerance"`
	// NDC is the number of distinct categories, nil when GRR is 0.
	NDC     *int   `json:"ndc"`
	Verdict string `json:"verdict"`
}

// AnalyzeEntries reads, analyses (and grades, if cfg says so) the files of
// a manifest with batch.Run and returns the measurements in manifest
// order. It checks the design first (CheckDesign), so a manifest with a
// missing cell is refused before any file is read; a file that cannot be
// read or analysed is an error naming it (all such files are named).
func AnalyzeEntries(ctx context.Context, es []Entry, cfg batch.Config) ([]Measurement, error) {
	if err := CheckDesign(es); err != nil {
		return nil, err
	}
	files := make([]string, len(es))
	for i, e := range es {
		files[i] = e.File
	}
	ms := make([]Measurement, len(es))
	var bad []string
	err := batch.Run(ctx, files, cfg, func(i int, r batch.Result) {
		if r.Err != nil {
			bad = append(bad, fmt.Sprintf("%s (manifest line %d): %v", es[i].File, es[i].Line, r.Err))
			return
		}
		ms[i] = Measurement{Part: es[i].Part, Operator: es[i].Operator, Trial: es[i].Trial, Report: r.Report, File: es[i].File, line: es[i].Line}
	})
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("study: %d of %d files could not be analysed: %s", len(bad), len(es), limitList(bad))
	}
	return ms, nil
}

// GaugeRR runs the gauge study of SPEC §12 on ms (see the package
// documentation). It returns an error wrapping ErrDesign if the design is
// not balanced and crossed, and an error naming the measurement if a
// report is missing or of another layout or fiber count than the first.
func GaugeRR(ms []Measurement, opts GRROptions) (*GRR, error) {
	d, err := checkDesign(measurements(ms))
	if err != nil {
		return nil, err
	}
	first := ms[0].Report
	for i := range ms {
		r := ms[i].Report
		if r == nil {
			return nil, fmt.Errorf("study: %s has no report", ms[i].name())
		}
		if r.Layout != first.Layout || len(r.Fibers) != len(first.Fibers) {
			return nil, fmt.Errorf("study: %s is a %s of %d fibers, %s a %s of %d: a gauge study measures one kind of part", ms[i].name(), r.Layout, len(r.Fibers), ms[0].name(), first.Layout, len(first.Fibers))
		}
	}
	g := &GRR{Parts: len(d.parts), Operators: len(d.operators), Trials: d.trials, PartNames: d.parts, OperatorNames: d.operators,
		Layout: first.Layout, Alpha: Alpha, Parameters: []Parameter{}, Skipped: []Skipped{}}
	if opts.Profile != nil {
		g.Profile = opts.Profile.Name
	}
	y := make([][][]float64, len(d.parts))
	for i := range y {
		y[i] = make([][]float64, len(d.operators))
		for j := range y[i] {
			y[i][j] = make([]float64, d.trials)
		}
	}
	for _, f := range studyFields() {
		n := 1
		if f.Section == "fibers" {
			n = len(first.Fibers)
		}
		for k := range n {
			name := f.Name
			fiber := 0
			if f.Section == "fibers" {
				fiber = first.Fibers[k].Index
				name = fmt.Sprintf("%s[%d]", f.Name, fiber)
			}
			var missing []string
			for i := range d.cell {
				for j := range d.cell[i] {
					for t, mi := range d.cell[i][j] {
						v := value(ms[mi].Report, f, k)
						y[i][j][t] = v
						if math.IsNaN(v) {
							missing = append(missing, ms[mi].name())
						}
					}
				}
			}
			if len(missing) > 0 {
				g.Skipped = append(g.Skipped, Skipped{name, fmt.Sprintf("not measured (or flat) in %d of %d measurements: %s", len(missing), len(ms), limitList(missing))})
				continue
			}
			a, err := CrossedANOVA(y)
			if err != nil {
				return nil, fmt.Errorf("study: %s: %w", name, err)
			}
			p := parameter(&a, name, f, fiber)
			setTolerance(&p, opts.Profile, f)
			g.Parameters = append(g.Parameters, p)
		}
	}
	return g, nil
}

// studyFields are the report numbers studied: the fields a profile can
// limit, without counts and uncertainties.
func studyFields() []ferrule.Field {
	var out []ferrule.Field
	for _, f := range ferrule.Fields() {
		if strings.HasPrefix(f.Key, "u_") {
			continue
		}
		if f.Int {
			continue // a count
		}
		out = append(out, f)
	}
	return out
}

// value returns field f of rep (of fiber k for a fiber field), NaN when
// not measured: an unmeasured fiber's values and null numbers (a radius
// reported flat included, which has no variation to study).
func value(rep *ferrule.Report, f ferrule.Field, k int) float64 {
	x := f.Value(rep, k)
	if math.IsInf(x, 0) {
		return math.NaN()
	}
	return x
}

func parameter(a *ANOVA, name string, f ferrule.Field, fiber int) Parameter {
	num := func(x float64) ferrule.Num { return ferrule.Num(x) }
	tv := a.TV()
	pct := func(x float64) ferrule.Num {
		if !(tv > 0) {
			return ferrule.Num(math.NaN())
		}
		return ferrule.Num(100 * x / tv)
	}
	p := Parameter{Name: name, Field: f.Name, Section: f.Section, Fiber: fiber, Unit: f.Unit, Mean: num(a.Mean),
		ANOVA: a.Rows(), InteractionP: num(a.Interaction.P), InteractionPooled: a.Pooled,
		EV: num(a.EV()), AV: num(a.AV()), Interaction: num(a.INT()), GRR: num(a.GRR()), PV: num(a.PV()), TV: num(tv),
		PctEV: pct(a.EV()), PctAV: pct(a.AV()), PctInteraction: pct(a.INT()), PctGRR: pct(a.GRR()), PctPV: pct(a.PV()),
		LSL: num(math.NaN()), USL: num(math.NaN()), PctTolerance: num(math.NaN())}
	if grr := a.GRR(); grr > 0 {
		n := int(math.Floor(1.41 * a.PV() / grr))
		p.NDC = &n
	}
	p.Verdict = verdict(float64(p.PctGRR))
	return p
}

// verdict judges %GRR of TV (AIAG MSA): NaN (no variation) has none.
func verdict(pct float64) string {
	switch {
	case math.IsNaN(pct):
		return NoVariation
	case pct < 10:
		return Acceptable
	case pct <= 30:
		return Conditional
	}
	return Unacceptable
}

// setTolerance sets the profile's limits on f and %GRR of the tolerance.
func setTolerance(p *Parameter, prof *ferrule.Profile, f ferrule.Field) {
	if prof == nil {
		return
	}
	lsl, usl := prof.LimitsOf(f)
	p.LSL, p.USL = ferrule.Num(lsl), ferrule.Num(usl)
	if tol := float64(p.USL - p.LSL); tol > 0 {
		p.PctTolerance = ferrule.Num(100 * 6 * float64(p.GRR) / tol)
	}
}

// Worst returns the parameters ordered by %GRR of TV, largest first
// (parameters without variation last, in report order).
func (g *GRR) Worst() []Parameter {
	out := append([]Parameter(nil), g.Parameters...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := float64(out[i].PctGRR), float64(out[j].PctGRR)
		if math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a > b
	})
	return out
}

// Parameter returns the study of the named parameter ("x_angle_deg",
// "height_nm[3]"), or an error listing what there is.
func (g *GRR) Parameter(name string) (*Parameter, error) {
	for i := range g.Parameters {
		if g.Parameters[i].Name == name {
			return &g.Parameters[i], nil
		}
	}
	for _, s := range g.Skipped {
		if s.Parameter == name {
			return nil, fmt.Errorf("study: %s was not studied: %s", name, s.Reason)
		}
	}
	return nil, errors.New("study: no parameter " + name)
}
