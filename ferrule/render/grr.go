package render

import (
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule/study"
)

//go:embed grr.tmpl
var grrTmpl string

var grrTemplate = template.Must(template.New("grr").Parse(grrTmpl))

// grrBarPx is the width of a 100 % bar, px.
const grrBarPx = 200

type grrBar struct {
	Label, Class, Title, Text string
	Width                     int
}

type anovaRow struct {
	Source, SS, MS, F, P string
	DF                   int
}

type grrRow struct {
	Name, Unit, Mean            string
	EV, AV, INT, GRR, PV, TV    string
	PctGRR, PctTol, NDC         string
	Interaction, Verdict, Class string
	Bars                        []grrBar
	ANOVA                       []anovaRow
}

type grrData struct {
	CSS                      template.CSS
	Title                    string
	Parts, Operators, Trials int
	Layout, Profile          string
	PartNames, OperatorNames string
	Counts                   string
	Alpha                    float64
	Rows                     []grrRow
	Skipped                  []study.Skipped
}

// WriteGRRPage writes a self-contained HTML page of a gauge study: the
// design, every parameter (worst %GRR of TV first) with its components as
// standard deviations and as bars of % of TV (and GRR as % of the
// tolerance), the verdict, each parameter's ANOVA table and the
// parameters that could not be studied. It uses no script and fetches
// nothing.
func WriteGRRPage(w io.Writer, g *study.GRR) error {
	if g == nil {
		return errors.New("render: no gauge study")
	}
	d := grrData{CSS: template.CSS(styleCSS), Title: "Gauge R&R study", Parts: g.Parts, Operators: g.Operators, Trials: g.Trials,
		Layout: g.Layout, Profile: g.Profile, PartNames: strings.Join(g.PartNames, ", "), OperatorNames: strings.Join(g.OperatorNames, ", "),
		Alpha: g.Alpha, Skipped: g.Skipped}
	count := map[string]int{}
	for _, p := range g.Parameters {
		count[p.Verdict]++
	}
	d.Counts = fmt.Sprintf("%d acceptable, %d conditional, %d unacceptable, %d without variation, %d not studied",
		count[study.Acceptable], count[study.Conditional], count[study.Unacceptable], count[study.NoVariation], len(g.Skipped))
	for _, p := range g.Worst() {
		r := grrRow{Name: p.Name, Unit: p.Unit, Mean: study.FormatSig(float64(p.Mean)), EV: study.FormatSig(float64(p.EV)), AV: study.FormatSig(float64(p.AV)), INT: study.FormatSig(float64(p.Interaction)),
			GRR: study.FormatSig(float64(p.GRR)), PV: study.FormatSig(float64(p.PV)), TV: study.FormatSig(float64(p.TV)), PctGRR: study.FormatPct(float64(p.PctGRR)), PctTol: study.FormatPct(float64(p.PctTolerance)),
			Verdict: p.Verdict, Class: strings.ReplaceAll(p.Verdict, " ", "-"), NDC: "—"}
		if p.NDC != nil {
			r.NDC = strconv.Itoa(*p.NDC)
		}
		r.Interaction = "pooled"
		if !p.InteractionPooled {
			r.Interaction = "kept (p " + study.FormatSig(float64(p.InteractionP)) + ")"
		}
		for _, b := range []struct {
			label, class string
			v            float64
		}{{"EV", "ev", float64(p.PctEV)}, {"AV", "av", float64(p.PctAV)}, {"INT", "int", float64(p.PctInteraction)},
			{"GRR", "grr", float64(p.PctGRR)}, {"PV", "pv", float64(p.PctPV)}, {"%tol", "tol", float64(p.PctTolerance)}} {
			if math.IsNaN(b.v) {
				continue
			}
			title := b.label + " " + study.FormatPct(b.v) + " % of TV"
			if b.class == "tol" {
				title = "GRR " + study.FormatPct(b.v) + " % of the tolerance"
			}
			r.Bars = append(r.Bars, grrBar{Label: b.label, Class: b.class, Title: title, Text: study.FormatPct(b.v) + " %",
				Width: int(math.Round(math.Min(b.v, 100) / 100 * grrBarPx))})
		}
		for _, s := range p.ANOVA {
			r.ANOVA = append(r.ANOVA, anovaRow{Source: s.Name, DF: s.DF, SS: study.FormatSig(s.SS), MS: study.FormatSig(s.MS), F: study.FormatSig(s.F), P: study.FormatSig(s.P)})
		}
		d.Rows = append(d.Rows, r)
	}
	return grrTemplate.Execute(w, d)
}
