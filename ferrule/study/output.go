package study

import (
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mtgeo/mtgeo/ferrule"
)

// sweepColumns are the summary numbers a sweep table shows, after the
// ferrule angles and radii: every Num field of ferrule.Summary.
func sweepColumns() []ferrule.Column {
	var out []ferrule.Column
	for _, c := range ferrule.Columns(reflect.TypeOf(ferrule.Summary{})) {
		if c.Type == reflect.TypeOf(ferrule.Num(0)) {
			out = append(out, c)
		}
	}
	return out
}

// SweepCSVHeader returns the header of WriteCSV: the varied options (µm),
// the ferrule angles and radii, the summary fields, the verdict, the
// failed checks and the error.
func (s *SweepResult) SweepCSVHeader() []string {
	var h []string
	for _, v := range s.Vary {
		h = append(h, strings.ReplaceAll(v.Option, "-", "_")+"_um")
	}
	h = append(h, "x_angle_deg", "y_angle_deg", "x_radius_mm", "y_radius_mm")
	for _, c := range sweepColumns() {
		h = append(h, c.Key)
	}
	return append(h, "verdict", "failed_checks", "error")
}

// WriteCSV writes one row per point (SweepCSVHeader); an empty cell is a
// number not measured, inf a radius measured flat.
func (s *SweepResult) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(s.SweepCSVHeader())
	cols := sweepColumns()
	for _, p := range s.Points {
		var row []string
		for _, x := range p.Settings {
			row = append(row, ferrule.FormatNum(x))
		}
		measured := p.Report != nil && p.Report.Ferrule.Fitted()
		row = append(row, cnum(p.Ferrule.XAngleDeg), cnum(p.Ferrule.YAngleDeg), cradius(p.XRadiusMM, measured), cradius(p.YRadiusMM, measured))
		sv := reflect.ValueOf(p.Summary)
		for _, c := range cols {
			row = append(row, cnum(ferrule.Num(sv.FieldByIndex(c.Index).Float())))
		}
		row = append(row, p.Verdict, strings.Join(p.Failed, " "), p.Error)
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func cradius(r ferrule.Num, measured bool) string {
	if ferrule.FlatRadius(r, measured) {
		return "inf"
	}
	return cnum(r)
}

// WriteText writes the sweep as a table, one line per point, and the
// checks that change state within the range.
func (s *SweepResult) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "region sweep of %s: %d settings", s.File, len(s.Points))
	if s.Profile != "" {
		fmt.Fprintf(ew, ", graded against %s", s.Profile)
	}
	fmt.Fprintln(ew)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	var head []string
	for _, v := range s.Vary {
		head = append(head, v.Option+" µm")
	}
	head = append(head, "x_angle_deg", "y_angle_deg", "height_differential_nm", "adjacent_differential_nm", "minus_coplanarity_nm",
		"min_height_nm", "max_height_nm", "max_position_error_um", "verdict", "failed")
	fmt.Fprint(tw, strings.Join(head, "\t")+"\t\n")
	for _, p := range s.Points {
		var row []string
		for _, x := range p.Settings {
			row = append(row, ferrule.FormatNum(x))
		}
		sm := p.Summary
		row = append(row, fval("deg", p.Ferrule.XAngleDeg), fval("deg", p.Ferrule.YAngleDeg))
		for _, v := range []ferrule.Num{sm.HeightDifferentialNM, sm.AdjacentDifferentialNM, sm.MinusCoplanarityNM, sm.MinHeightNM, sm.MaxHeightNM} {
			row = append(row, fval("nm", v))
		}
		row = append(row, fval("µm", sm.MaxPositionErrorUM))
		failed := strings.Join(p.Failed, " ")
		if p.Error != "" {
			failed = p.Error
		}
		row = append(row, p.Verdict, failed)
		fmt.Fprint(tw, strings.Join(row, "\t")+"\t\n")
	}
	tw.Flush()
	switch {
	case s.Profile == "":
	case len(s.Changes) == 0:
		fmt.Fprintln(ew, "\nno check changes state within the range")
	default:
		fmt.Fprintf(ew, "\nchecks that change state within the range (verdict changes: %t):\n", s.VerdictChanges)
		for _, c := range s.Changes {
			name := c.Check
			if c.Fiber != nil {
				name = fmt.Sprintf("%s[%d]", c.Check, *c.Fiber)
			}
			fmt.Fprintf(ew, "  %s: passes at %s; marginal at %s; fails at %s\n", name, s.settingsOf(c.Pass), s.settingsOf(c.Marginal), s.settingsOf(c.Fail))
		}
	}
	return ew.err
}

// settingsOf describes the points idx by their settings.
func (s *SweepResult) settingsOf(idx []int) string {
	if len(idx) == 0 {
		return "none"
	}
	parts := make([]string, len(idx))
	for i, k := range idx {
		parts[i] = describe(s.Vary, s.Points[k].Settings)
	}
	return strings.Join(parts, "; ")
}

// WriteText writes the reversal as text.
func (r *Reversal) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "orientation reversal: A %s, B %s (turned by 180°), %s, %d fibers paired\n", r.A.File, r.B.File, r.A.Layout, r.FibersPaired)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\tA\tB\tpart\tinstrument\t\n")
	fmt.Fprintf(tw, "x_angle_deg\t%s\t%s\t%s\t%s\t\n", fval("deg", r.A.XAngleDeg), fval("deg", r.B.XAngleDeg), fval("deg", r.Part.XAngleDeg), fval("deg", r.Instrument.XAngleDeg))
	fmt.Fprintf(tw, "y_angle_deg\t%s\t%s\t%s\t%s\t\n", fval("deg", r.A.YAngleDeg), fval("deg", r.B.YAngleDeg), fval("deg", r.Part.YAngleDeg), fval("deg", r.Instrument.YAngleDeg))
	tw.Flush()
	fmt.Fprintln(ew, "\nper fiber (B's position errors turned into A's frame):")
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "A fiber\tB fiber\theight A nm\theight B nm\tpart nm\tinstrument nm\tpart dx µm\tpart dy µm\tinstrument dx µm\tinstrument dy µm\t\n")
	for _, p := range r.Pairs {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.AFiber, p.BFiber, fval("nm", p.HeightANM), fval("nm", p.HeightBNM),
			fval("nm", p.PartHeightNM), fval("nm", p.InstrumentHeightNM), fval("µm", p.PartDXUM), fval("µm", p.PartDYUM), fval("µm", p.InstrumentDXUM), fval("µm", p.InstrumentDYUM))
	}
	tw.Flush()
	for _, w := range r.Warnings {
		fmt.Fprintln(ew, "warning:", w)
	}
	return ew.err
}

// fval writes a value with the precision its unit deserves: 0.1 nm,
// 0.001 µm, 0.01 mm, 0.00001°; "—" for none.
func fval(unit string, n ferrule.Num) string {
	if !n.Valid() {
		return "—"
	}
	prec := map[string]int{"nm": 1, "µm": 3, "mm": 2, "deg": 5}[unit]
	x := float64(n)
	if s := strconv.FormatFloat(x, 'f', prec, 64); strings.Trim(s, "-0.") != "" || x == 0 {
		return s
	}
	return "0" // −0.00000 for a value below the precision
}
