package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/mtgeo/mtgeo/ferrule"
)

// Alpha is the significance level at which the part × operator interaction
// is kept (AIAG MSA: 0.05); at or above it the interaction is pooled into
// repeatability.
const Alpha = 0.05

// Source is one row of the ANOVA table. F and P are NaN where the row has
// no test (equipment, total).
type Source struct {
	Name string
	DF   int
	SS   float64
	MS   float64
	F    float64
	P    float64
}

// MarshalJSON writes the row as {"source", "df", "ss", "ms", "f", "p"},
// null for a missing F or p.
func (s Source) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name string      `json:"source"`
		DF   int         `json:"df"`
		SS   ferrule.Num `json:"ss"`
		MS   ferrule.Num `json:"ms"`
		F    ferrule.Num `json:"f"`
		P    ferrule.Num `json:"p"`
	}{s.Name, s.DF, ferrule.Num(s.SS), ferrule.Num(s.MS), ferrule.Num(s.F), ferrule.Num(s.P)})
}

// ANOVA is the crossed two-way ANOVA of a balanced gauge study (AIAG MSA
// 4th ed., Table III-B 6) with its variance components.
type ANOVA struct {
	Parts, Operators, Trials int
	Mean                     float64
	// Part, Operator, Interaction, Equipment and Total are the rows of the
	// full model: F of part and operator against the interaction, of the
	// interaction against equipment.
	Part, Operator, Interaction, Equipment, Total Source
	// Pooled is true when the interaction was not significant (P ≥ Alpha)
	// and was pooled into repeatability; Repeatability is then the pooled
	// row (SS and df of interaction and equipment together), else it is
	// Equipment.
	Pooled        bool
	Repeatability Source
	// Variances of the components (σ², negative estimates set to 0).
	VarEV, VarAV, VarINT, VarPV float64
}

// ErrDesign is wrapped by the errors of a study whose design is not a
// balanced crossed one.
var ErrDesign = errors.New("study: not a balanced crossed design")

// CrossedANOVA computes the ANOVA of y[part][operator][trial]. It returns
// an error wrapping ErrDesign unless y is balanced with at least 2 parts,
// 2 operators and 2 trials per cell, and an error if a value is not finite.
func CrossedANOVA(y [][][]float64) (ANOVA, error) {
	p := len(y)
	if p < 2 {
		return ANOVA{}, fmt.Errorf("%w: %d parts, at least 2 needed", ErrDesign, p)
	}
	o := len(y[0])
	if o < 2 {
		return ANOVA{}, fmt.Errorf("%w: %d operators, at least 2 needed", ErrDesign, o)
	}
	r := len(y[0][0])
	if r < 2 {
		return ANOVA{}, fmt.Errorf("%w: %d trials per cell, at least 2 needed", ErrDesign, r)
	}
	n := 0
	sum := 0.0
	for i := range y {
		if len(y[i]) != o {
			return ANOVA{}, fmt.Errorf("%w: part %d has %d operators, part 1 has %d", ErrDesign, i+1, len(y[i]), o)
		}
		for j := range y[i] {
			if len(y[i][j]) != r {
				return ANOVA{}, fmt.Errorf("%w: part %d operator %d has %d trials, not %d", ErrDesign, i+1, j+1, len(y[i][j]), r)
			}
			for _, v := range y[i][j] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return ANOVA{}, fmt.Errorf("study: part %d operator %d: value %v is not a number", i+1, j+1, v)
				}
				sum += v
				n++
			}
		}
	}
	mean := sum / float64(n)
	// Subtract the grand mean before squaring: values like 0.5 µm carried
	// as 500.0001 nm keep their digits.
	partMean := make([]float64, p)
	opMean := make([]float64, o)
	cell := make([][]float64, p)
	var ssT, ssE float64
	for i := range y {
		cell[i] = make([]float64, o)
		for j := range y[i] {
			c := 0.0
			for _, v := range y[i][j] {
				c += v - mean
			}
			c /= float64(r)
			cell[i][j] = c
			partMean[i] += c / float64(o)
			opMean[j] += c / float64(p)
			for _, v := range y[i][j] {
				d := v - mean
				ssT += d * d
				e := d - c
				ssE += e * e
			}
		}
	}
	var ssP, ssO, ssPO float64
	for i := range partMean {
		ssP += partMean[i] * partMean[i]
	}
	ssP *= float64(o * r)
	for j := range opMean {
		ssO += opMean[j] * opMean[j]
	}
	ssO *= float64(p * r)
	for i := range cell {
		for j := range cell[i] {
			d := cell[i][j] - partMean[i] - opMean[j]
			ssPO += d * d
		}
	}
	ssPO *= float64(r)

	a := ANOVA{Parts: p, Operators: o, Trials: r, Mean: mean}
	row := func(name string, df int, ss float64) Source {
		return Source{Name: name, DF: df, SS: ss, MS: ss / float64(df), F: math.NaN(), P: math.NaN()}
	}
	a.Part = row("part", p-1, ssP)
	a.Operator = row("operator", o-1, ssO)
	a.Interaction = row("part_x_operator", (p-1)*(o-1), ssPO)
	a.Equipment = row("equipment", p*o*(r-1), ssE)
	a.Total = row("total", n-1, ssT)
	a.Part.F, a.Part.P = fTest(a.Part, a.Interaction)
	a.Operator.F, a.Operator.P = fTest(a.Operator, a.Interaction)
	a.Interaction.F, a.Interaction.P = fTest(a.Interaction, a.Equipment)

	// AIAG: a significant interaction is kept; otherwise it is pooled. An
	// F that cannot be formed (no variation at all) is not significant.
	a.Pooled = !(a.Interaction.P < Alpha)
	m := a.Interaction.MS
	if a.Pooled {
		a.Repeatability = row("repeatability_pooled", a.Interaction.DF+a.Equipment.DF, ssPO+ssE)
		m = a.Repeatability.MS
	} else {
		a.Repeatability = a.Equipment
		a.Repeatability.Name = "repeatability"
		a.VarINT = math.Max(0, (a.Interaction.MS-a.Equipment.MS)/float64(r))
	}
	a.VarEV = a.Repeatability.MS
	a.VarAV = math.Max(0, (a.Operator.MS-m)/float64(p*r))
	a.VarPV = math.Max(0, (a.Part.MS-m)/float64(o*r))
	return a, nil
}

// fTest returns F = MS_num/MS_den and its upper-tail p-value; F is +Inf
// (p = 0) for a positive numerator over a zero denominator, NaN for 0/0.
func fTest(num, den Source) (f, p float64) {
	switch {
	case den.MS > 0:
		f = num.MS / den.MS
	case num.MS > 0:
		return math.Inf(1), 0
	default:
		return math.NaN(), math.NaN()
	}
	dist := distuv.F{D1: float64(num.DF), D2: float64(den.DF)}
	return f, dist.Survival(f)
}

// EV, AV, INT, PV, GRR and TV are the components as standard deviations.
func (a *ANOVA) EV() float64  { return math.Sqrt(a.VarEV) }
func (a *ANOVA) AV() float64  { return math.Sqrt(a.VarAV) }
func (a *ANOVA) INT() float64 { return math.Sqrt(a.VarINT) }
func (a *ANOVA) PV() float64  { return math.Sqrt(a.VarPV) }
func (a *ANOVA) GRR() float64 { return math.Sqrt(a.VarEV + a.VarAV + a.VarINT) }
func (a *ANOVA) TV() float64  { return math.Sqrt(a.VarEV + a.VarAV + a.VarINT + a.VarPV) }

// Rows returns the ANOVA table in AIAG's order: part, operator,
// interaction, equipment, the pooled repeatability when pooled, total.
func (a *ANOVA) Rows() []Source {
	rows := []Source{a.Part, a.Operator, a.Interaction, a.Equipment}
	if a.Pooled {
		rows = append(rows, a.Repeatability)
	}
	return append(rows, a.Total)
}
