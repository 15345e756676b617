package mate

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
)

// CSVColumns are the columns of a pair row (Result.CSVRow), the JSON keys
// of Pair; flags are ";"-separated.
func CSVColumns() []string {
	return []string{"a_fiber", "b_fiber", "offset_um", "il_db", "in_contact", "gap_nm", "contact_force_n", "rl_db", "core_dip_risk", "flags"}
}

// CSVRow returns pair p's cells: numbers as every CSV table writes them
// (ferrule.FormatNum), empty where the JSON has null.
func (p *Pair) CSVRow() []string {
	return p.Cells(func(n ferrule.Num) string { return ferrule.FormatNum(float64(n)) })
}

// Cells returns pair p's cells in the order of CSVColumns, its numbers
// written by num.
func (p *Pair) Cells(num func(ferrule.Num) string) []string {
	return []string{strconv.Itoa(p.AFiber), strconv.Itoa(p.BFiber), num(p.OffsetUM), num(p.ILDB), strconv.FormatBool(p.InContact),
		num(p.GapNM), num(p.ContactForceN), num(p.RLDB), strconv.FormatBool(p.CoreDipRisk), strings.Join(p.Flags, ";")}
}

// WriteCSV writes the pairs of r with a header row.
func WriteCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVColumns())
	for i := range r.Pairs {
		cw.Write(r.Pairs[i].CSVRow())
	}
	cw.Flush()
	return cw.Error()
}

// WriteText writes r as a table for people: the parts, the parameters, one
// line per pair and the summary, labelled as a prediction.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	p := r.Parameters
	fmt.Fprintf(&b, "A: %s (%s, %s, key %s)\nB: %s (%s, %s, key %s)\n", r.A.File, r.A.Layout, r.A.Interface, r.A.Key, r.B.File, r.B.Layout, r.B.Interface, r.B.Key)
	fmt.Fprintf(&b, "%s\n", r.Prediction)
	fmt.Fprintf(&b, "parameters: polarity %s, force %g N, stiffness %g N/µm, MFD %g µm, wavelength %g nm, glass index %g, core-dip risk above %g nm",
		p.Polarity, float64(p.ForceN), float64(p.StiffnessNPerUM), float64(p.MFDUM), float64(p.WavelengthNM), float64(p.GlassIndex), float64(p.CoreDipRiskNM))
	if p.MMLossDBPerUM.Valid() {
		fmt.Fprintf(&b, ", multimode %g dB/µm", float64(p.MMLossDBPerUM))
	}
	b.WriteString("\n")
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	fmt.Fprintf(&b, "\n%5s %5s %10s %8s %8s %9s %8s %8s %9s  %s\n", "A", "B", "offset_um", "il_db", "contact", "gap_nm", "force_n", "rl_db", "core_dip", "flags")
	for _, pr := range r.Pairs {
		contact, risk := "no", ""
		if pr.InContact {
			contact = "yes"
		}
		if pr.CoreDipRisk {
			risk = "RISK"
		}
		fmt.Fprintf(&b, "%5d %5d %10s %8s %8s %9s %8s %8s %9s  %s\n", pr.AFiber, pr.BFiber, ferrule.FormatFixed(pr.OffsetUM, 3), ferrule.FormatFixed(pr.ILDB, 3), contact,
			ferrule.FormatFixed(pr.GapNM, 1), ferrule.FormatFixed(pr.ContactForceN, 3), ferrule.FormatFixed(pr.RLDB, 1), risk, strings.Join(pr.Flags, ","))
	}
	s := r.Summary
	fmt.Fprintf(&b, "\n%d of %d pairs in contact; largest gap %s nm; IL worst %s dB, mean %s dB (predicted)\n",
		s.FibersInContact, s.Pairs, ferrule.FormatFixed(s.LargestGapNM, 1), ferrule.FormatFixed(s.WorstILDB, 3), ferrule.FormatFixed(s.MeanILDB, 3))
	_, err := io.WriteString(w, b.String())
	return err
}
