package study

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/mtgeo/mtgeo/ferrule"
)

// WorstShown is how many parameters WriteText summarises first.
const WorstShown = 10

// WriteText writes the study as text: the design, a summary of the worst
// parameters by %GRR of TV, the count per verdict, then every parameter.
func (g *GRR) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "gauge R&R (AIAG ANOVA): %d parts × %d operators × %d trials, %s", g.Parts, g.Operators, g.Trials, g.Layout)
	if g.Profile != "" {
		fmt.Fprintf(ew, ", tolerances from %s", g.Profile)
	}
	fmt.Fprintf(ew, "\nstandard deviations in each parameter's unit; %%GRR of TV: < 10 acceptable, 10–30 conditional, > 30 unacceptable\n")
	worst := g.Worst()
	n := min(WorstShown, len(worst))
	fmt.Fprintf(ew, "\nworst %d of %d parameters:\n", n, len(worst))
	writeTable(ew, worst[:n])
	count := map[string]int{}
	for _, p := range g.Parameters {
		count[p.Verdict]++
	}
	fmt.Fprintf(ew, "\nverdicts: %d acceptable, %d conditional, %d unacceptable", count[Acceptable], count[Conditional], count[Unacceptable])
	if c := count[NoVariation]; c > 0 {
		fmt.Fprintf(ew, ", %d without variation", c)
	}
	fmt.Fprintln(ew)
	fmt.Fprintf(ew, "\nall parameters:\n")
	writeTable(ew, g.Parameters)
	if len(g.Skipped) > 0 {
		fmt.Fprintf(ew, "\nnot studied:\n")
		for _, s := range g.Skipped {
			fmt.Fprintf(ew, "  %s: %s\n", s.Parameter, s.Reason)
		}
	}
	return ew.err
}

func writeTable(w io.Writer, ps []Parameter) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	io.WriteString(tw, "parameter\tunit\tEV\tAV\tINT\tGRR\tPV\tTV\t%GRR\t%tol\tndc\tinteraction\tverdict\t\n")
	for _, p := range ps {
		inter := "pooled"
		if !p.InteractionPooled {
			inter = "kept p=" + FormatSig(float64(p.InteractionP))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Name, p.Unit,
			FormatSig(float64(p.EV)), FormatSig(float64(p.AV)), FormatSig(float64(p.Interaction)), FormatSig(float64(p.GRR)), FormatSig(float64(p.PV)), FormatSig(float64(p.TV)),
			FormatPct(float64(p.PctGRR)), FormatPct(float64(p.PctTolerance)), fndc(p.NDC), inter, p.Verdict)
	}
	tw.Flush()
}

// FormatSig writes a value to 4 significant digits, "—" for none: the
// numbers of WriteText and of render's gauge page.
func FormatSig(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// FormatPct writes a percentage to one decimal, "—" for none.
func FormatPct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

func fndc(n *int) string {
	if n == nil {
		return "—"
	}
	return strconv.Itoa(*n)
}

// GRRCSVHeader is the header of WriteCSV: one row per parameter, units in
// the names where the unit is fixed (the components are in the row's
// unit; SS in its square).
var GRRCSVHeader = []string{"parameter", "field", "fiber", "unit", "mean", "ev", "av", "interaction", "grr", "pv", "tv",
	"pct_ev", "pct_av", "pct_interaction", "pct_grr", "pct_pv", "lsl", "usl", "pct_tolerance", "ndc",
	"interaction_p", "interaction_pooled", "ms_part", "ms_operator", "ms_interaction", "ms_equipment", "ms_repeatability", "verdict"}

// WriteCSV writes one row per parameter (GRRCSVHeader); an empty cell is
// a number that does not exist.
func (g *GRR) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(GRRCSVHeader)
	for _, p := range g.Parameters {
		ms := map[string]float64{}
		for _, s := range p.ANOVA {
			ms[s.Name] = s.MS
		}
		rep := ms["repeatability_pooled"]
		if !p.InteractionPooled {
			rep = ms["equipment"]
		}
		fiber := ""
		if p.Fiber > 0 {
			fiber = strconv.Itoa(p.Fiber)
		}
		ndc := ""
		if p.NDC != nil {
			ndc = strconv.Itoa(*p.NDC)
		}
		row := []string{p.Name, p.Field, fiber, p.Unit, cnum(p.Mean), cnum(p.EV), cnum(p.AV), cnum(p.Interaction), cnum(p.GRR), cnum(p.PV), cnum(p.TV),
			cnum(p.PctEV), cnum(p.PctAV), cnum(p.PctInteraction), cnum(p.PctGRR), cnum(p.PctPV), cnum(p.LSL), cnum(p.USL), cnum(p.PctTolerance), ndc,
			cnum(p.InteractionP), strconv.FormatBool(p.InteractionPooled),
			cnum(ferrule.Num(ms["part"])), cnum(ferrule.Num(ms["operator"])), cnum(ferrule.Num(ms["part_x_operator"])), cnum(ferrule.Num(ms["equipment"])), cnum(ferrule.Num(rep)),
			p.Verdict}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// cnum writes a CSV number in full precision, "" for none.
func cnum(n ferrule.Num) string { return ferrule.FormatNum(float64(n)) }

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return len(b), nil
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, nil
}
