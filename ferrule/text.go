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
		switch {
		case rep.Grade.Pass:
			verdict = "  PASS"
		case rep.Grade.Marginal:
			verdict = "  MARGINAL"
		}
		verdict += " (" + rep.Grade.Profile + ")"
	}
	fmt.Fprintf(&b, "%s  %s  %d×%d px at %s×%s µm, %.1f %% valid%s\n", rep.File, rep.Layout,
		rep.SizePx[0], rep.SizePx[1], FormatFixed(rep.PixelUM[0], 3), FormatFixed(rep.PixelUM[1], 3), 100*float64(rep.ValidFraction), verdict)
	for _, w := range rep.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	fr := rep.Frame
	fmt.Fprintf(&b, "frame: origin (%s, %s) µm, rotation %s°, hole spacing %s µm (%s vs nominal)\n",
		FormatFixed(fr.OriginMapUM[0], 2), FormatFixed(fr.OriginMapUM[1], 2), FormatFixed(fr.RotationDeg, 4), FormatFixed(fr.HoleSpacingUM, 2), fmtSigned(fr.HoleSpacingErrorUM, 2))
	for i, h := range rep.GuideHoles {
		fmt.Fprintf(&b, "hole %d: Ø %s µm at (%s, %s) µm, rim RMS %s µm\n", i+1, FormatFixed(h.DiameterUM, 2), FormatFixed(h.XUM, 2), FormatFixed(h.YUM, 2), FormatFixed(h.FitRMSUM, 2))
	}
	f := rep.Ferrule
	fixture := ""
	if rep.FixtureAngleDeg != 0 {
		fixture = fmt.Sprintf(" (fixture angle %s° included)", FormatFixed(rep.FixtureAngleDeg, 2))
	}
	mm := func(n Num) string {
		if n.Valid() {
			return FormatFixed(n, 0) + " mm"
		}
		return fmtRadius(n, f.FitRMSNM.Valid())
	}
	fmt.Fprintf(&b, "ferrule: X angle %s°, Y angle %s°%s, Rx %s, Ry %s, fit RMS %s nm\n",
		fmtSigned(f.XAngleDeg, 4), fmtSigned(f.YAngleDeg, 4), fixture, mm(f.XRadiusMM), mm(f.YRadiusMM), FormatFixed(f.FitRMSNM, 1))
	g := rep.Regions
	fmt.Fprintf(&b, "regions (µm): ferrule fit between the hole centres, fiber rows ±%g, less Ø %g around fibers and %g around hole rims; tip fit %g…%g; core Ø %g; averaging Ø %g\n",
		g.ArrayMarginY, g.FiberExclusionDiameter, g.HoleMargin, g.CoreExclusionRadius, g.FitRadius, g.CoreDiameter, g.AveragingDiameter)
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "fiber\trow\tcol\theight nm\tapex nm\tradius mm\tcore dip nm\tdx µm\tdy µm\tcentre\tapex off µm\tIL dB\tRMS nm\tvalid %\tflags\t")
	for _, fb := range rep.Fibers {
		flags := strings.Join(fb.Flags, ",")
		method := fb.CentreMethod
		if method == "" {
			method = "–"
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", fb.Index, fb.Row, fb.Col,
			FormatFixed(fb.HeightNM, 1), FormatFixed(fb.ApexHeightNM, 1), fmtRadius(fb.RadiusMM, fb.Measured()), FormatFixed(fb.CoreDipNM, 1),
			fmtSigned(fb.DXUM, 2), fmtSigned(fb.DYUM, 2), method, FormatFixed(fb.ApexOffsetUM, 2), FormatFixed(fb.ILIdealDB, 3), FormatFixed(fb.FitRMSNM, 1), FormatFixed(100*fb.ValidFraction, 0), flags)
	}
	tw.Flush()
	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "row\tdiff nm\tadjacent nm\tminus copl. nm\tslope nm/mm\tline radius mm\t")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t\n", r.Row, FormatFixed(r.HeightDifferentialNM, 1), FormatFixed(r.AdjacentDifferentialNM, 1),
			FormatFixed(r.MinusCoplanarityNM, 1), fmtSigned(r.LineSlopeNMPerMM, 1), fmtRadius(r.LineRadiusMM, r.LineSlopeNMPerMM.Valid()))
	}
	tw.Flush()
	s := rep.Summary
	fmt.Fprintf(&b, "\nsummary: %d of %d fibers measured; height %s…%s nm, differential %s nm, adjacent %s nm, minus coplanarity %s nm\n",
		s.MeasuredFibers, s.Fibers, FormatFixed(s.MinHeightNM, 1), FormatFixed(s.MaxHeightNM, 1), FormatFixed(s.HeightDifferentialNM, 1),
		FormatFixed(s.AdjacentDifferentialNM, 1), FormatFixed(s.MinusCoplanarityNM, 1))
	fmt.Fprintf(&b, "fiber plane X angle %s°; array shift (%s, %s) µm, rotation %s°, max position error %s µm\n",
		fmtSigned(s.FiberPlaneXAngleDeg, 4), fmtSigned(s.ArrayDXUM, 2), fmtSigned(s.ArrayDYUM, 2), fmtSigned(s.ArrayRotationDeg, 4), FormatFixed(s.MaxPositionErrorUM, 2))
	if s.MaxILIdealDB.Valid() {
		fmt.Fprintf(&b, "predicted loss against an ideal mate (MFD %g µm): max %s dB, mean %s dB\n", rep.Loss.MFDUM, FormatFixed(s.MaxILIdealDB, 3), FormatFixed(s.MeanILIdealDB, 3))
	}
	if rep.Grade != nil {
		var failed, marginal []string
		for _, c := range rep.Grade.Checks {
			if c.Pass {
				continue
			}
			name := c.Name
			if c.Fiber != nil {
				name = fmt.Sprintf("%s[fiber %d]", c.Name, *c.Fiber)
			}
			line := fmt.Sprintf("%s = %s (limits %s…%s)", name, fmtG(c.Value), fmtG(c.Min), fmtG(c.Max))
			if c.Marginal {
				marginal = append(marginal, line)
			} else {
				failed = append(failed, line)
			}
		}
		switch {
		case len(failed) > 0:
			fmt.Fprintf(&b, "grade: FAIL against %s: %s\n", rep.Grade.Profile, strings.Join(failed, "; "))
		case len(marginal) > 0:
			fmt.Fprintf(&b, "grade: MARGINAL against %s (guard band %g·u): %s\n", rep.Grade.Profile, rep.Grade.GuardBand, strings.Join(marginal, "; "))
		default:
			fmt.Fprintf(&b, "grade: PASS against %s (%d checks)\n", rep.Grade.Profile, len(rep.Grade.Checks))
		}
		if len(failed) > 0 && len(marginal) > 0 {
			fmt.Fprintf(&b, "       marginal: %s\n", strings.Join(marginal, "; "))
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// FormatFixed formats n with prec decimals, or "–" when not measured: the
// numbers of the text tables and pages.
func FormatFixed(n Num, prec int) string {
	if !n.Valid() {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, float64(n))
}

// fmtRadius formats a radius in mm: "flat" when it was measured (measured)
// but is beyond the flat limit, "–" when not measured.
func fmtRadius(n Num, measured bool) string {
	if !n.Valid() && measured {
		return "flat"
	}
	return FormatFixed(n, 2)
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
