package ferrule

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes rep as a table for a person at the station.
func WriteText(w io.Writer, rep *Report) error {
	var b strings.Builder
	verdict := ""
	if rep.Grade != nil {
		verdict = "  FAIL"
		if rep.Grade.Pass {
			verdict = "  PASS"
		}
		verdict += " (" + rep.Grade.Profile + ")"
	}
	fmt.Fprintf(&b, "%s  %s  %d×%d px at %s×%s µm, %.1f %% valid%s\n", rep.File, rep.Layout,
		rep.SizePx[0], rep.SizePx[1], fmtNum(rep.PixelUM[0], 3), fmtNum(rep.PixelUM[1], 3), 100*float64(rep.ValidFraction), verdict)
	fr := rep.Frame
	fmt.Fprintf(&b, "frame: origin (%s, %s) µm, rotation %s°, hole spacing %s µm (%s vs nominal)\n",
		fmtNum(fr.OriginMapUM[0], 2), fmtNum(fr.OriginMapUM[1], 2), fmtNum(fr.RotationDeg, 4), fmtNum(fr.HoleSpacingUM, 2), fmtSigned(fr.HoleSpacingErrorUM, 2))
	for i, h := range rep.GuideHoles {
		fmt.Fprintf(&b, "hole %d: Ø %s µm at (%s, %s) µm, rim RMS %s µm\n", i+1, fmtNum(h.DiameterUM, 2), fmtNum(h.XUM, 2), fmtNum(h.YUM, 2), fmtNum(h.FitRMSUM, 2))
	}
	f := rep.Ferrule
	fmt.Fprintf(&b, "ferrule: X angle %s°, Y angle %s°, Rx %s mm, Ry %s mm, fit RMS %s nm\n",
		fmtSigned(f.XAngleDeg, 4), fmtSigned(f.YAngleDeg, 4), fmtNum(f.XRadiusMM, 0), fmtNum(f.YRadiusMM, 0), fmtNum(f.FitRMSNM, 1))
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "fiber\trow\tcol\theight nm\tapex nm\tradius mm\tcore dip nm\tdx µm\tdy µm\tRMS nm\tvalid %\tflags\t")
	for _, fb := range rep.Fibers {
		flags := strings.Join(fb.Flags, ",")
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", fb.Index, fb.Row, fb.Col,
			fmtNum(fb.HeightNM, 1), fmtNum(fb.ApexHeightNM, 1), fmtNum(fb.RadiusMM, 2), fmtNum(fb.CoreDipNM, 1),
			fmtSigned(fb.DXUM, 2), fmtSigned(fb.DYUM, 2), fmtNum(fb.FitRMSNM, 1), fmtNum(100*fb.ValidFraction, 0), flags)
	}
	tw.Flush()
	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "row\tdiff nm\tadjacent nm\tminus copl. nm\tslope nm/mm\tline radius mm\t")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t\n", r.Row, fmtNum(r.HeightDifferentialNM, 1), fmtNum(r.AdjacentDifferentialNM, 1),
			fmtNum(r.MinusCoplanarityNM, 1), fmtSigned(r.LineSlopeNMPerMM, 1), fmtNum(r.LineRadiusMM, 0))
	}
	tw.Flush()
	s := rep.Summary
	fmt.Fprintf(&b, "\nsummary: %d of %d fibers measured; height %s…%s nm, differential %s nm, adjacent %s nm, minus coplanarity %s nm\n",
		s.MeasuredFibers, s.Fibers, fmtNum(s.MinHeightNM, 1), fmtNum(s.MaxHeightNM, 1), fmtNum(s.HeightDifferentialNM, 1),
		fmtNum(s.AdjacentDifferentialNM, 1), fmtNum(s.MinusCoplanarityNM, 1))
	fmt.Fprintf(&b, "fiber plane X angle %s°; array shift (%s, %s) µm, rotation %s°, max position error %s µm\n",
		fmtSigned(s.FiberPlaneXAngleDeg, 4), fmtSigned(s.ArrayDXUM, 2), fmtSigned(s.ArrayDYUM, 2), fmtSigned(s.ArrayRotationDeg, 4), fmtNum(s.MaxPositionErrorUM, 2))
	if rep.Grade != nil {
		var failed []string
		for _, c := range rep.Grade.Checks {
			if !c.Pass {
				name := c.Name
				if c.Fiber != nil {
					name = fmt.Sprintf("%s[fiber %d]", c.Name, *c.Fiber)
				}
				failed = append(failed, fmt.Sprintf("%s = %s (limits %s…%s)", name, fmtG(c.Value), fmtG(c.Min), fmtG(c.Max)))
			}
		}
		if len(failed) == 0 {
			fmt.Fprintf(&b, "grade: PASS against %s (%d checks)\n", rep.Grade.Profile, len(rep.Grade.Checks))
		} else {
			fmt.Fprintf(&b, "grade: FAIL against %s: %s\n", rep.Grade.Profile, strings.Join(failed, "; "))
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtNum formats n with prec decimals, or "–" when not measured.
func fmtNum(n Num, prec int) string {
	if !n.Valid() {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, float64(n))
}

// fmtG formats n with 5 significant digits, or "–" when absent.
func fmtG(n Num) string {
	if !n.Valid() {
		return "–"
	}
	return fmt.Sprintf("%.5g", float64(n))
}

func fmtSigned(n Num, prec int) string {
	if !n.Valid() {
		return "–"
	}
	return fmt.Sprintf("%+.*f", prec, float64(n))
}
