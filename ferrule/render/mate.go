package render

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"
	"strconv"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// MateFigure draws a mated-pair prediction (ferrule/mate) on A's fiber
// grid, as seen looking at A's end face (the layout l's nominal places,
// fiber numbers of A and, below, of B): each fiber filled with the colour
// of its pair's predicted il_db on a viridis scale from 0 to the worst
// loss (at least 0.5 dB), an open pair ringed with a dashed red line and
// its gap written under it, a contact pair at risk from its core dips
// marked "CD", an unmeasured pair grey and crossed. A colour bar in dB and
// the prediction's parameters complete it.
func MateFigure(res *mate.Result, l ferrule.Layout) (*Figure, error) {
	if len(res.Pairs) != l.Fibers() {
		return nil, fmt.Errorf("render: the prediction has %d pairs, layout %s %d fibers", len(res.Pairs), l.Name, l.Fibers())
	}
	hi := 0.5
	if w := float64(res.Summary.WorstILDB); w > hi {
		hi = niceStep(w/5) * math.Ceil(w/niceStep(w/5))
	}
	const width = 1000
	cell := vg.Length(math.Min(60, 820/float64(l.FibersPerRow)))
	height := vg.Length(110) + cell*1.3*vg.Length(l.Rows) + 70
	mf := &mateFigure{res: res, l: l, hi: hi, cell: cell}
	return &Figure{Width: width, Height: height, draw: mf.draw}, nil
}

// WriteMateFigure writes MateFigure as "png" (widthPx wide) or "svg".
func WriteMateFigure(w io.Writer, format string, res *mate.Result, l ferrule.Layout, widthPx int) error {
	f, err := MateFigure(res, l)
	if err != nil {
		return err
	}
	return f.Write(w, format, widthOr(widthPx))
}

type mateFigure struct {
	res  *mate.Result
	l    ferrule.Layout
	hi   float64 // dB at the top of the colour scale
	cell vg.Length
}

var (
	openColour     = color.NRGBA{R: 0xe0, G: 0x20, B: 0x20, A: 0xff}
	unmeasuredFill = color.NRGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff}
)

func (m *mateFigure) draw(c draw.Canvas) {
	title := sans(13, color.Black)
	title.YAlign = draw.YTop
	r := m.res
	c.FillText(title, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - 6},
		fmt.Sprintf("Predicted mating: %s × %s (polarity %s)", baseName(r.A.File), baseName(r.B.File), r.Parameters.Polarity))
	small := sans(10, color.Black)
	c.FillText(small, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - 30},
		"a prediction from the end-face geometry, not a measurement; seen on A's end face, key "+r.A.Key)

	const barW = 90 // space for the colour bar on the right
	grid := vg.Rectangle{Min: vg.Point{X: c.Min.X + 20, Y: c.Min.Y + 70}, Max: vg.Point{X: c.Max.X - barW, Y: c.Max.Y - 50}}
	ncol, nrow := m.l.FibersPerRow, m.l.Rows
	cx := func(col int) vg.Length {
		return grid.Min.X + (grid.Max.X-grid.Min.X)*vg.Length((float64(col)-0.5)/float64(ncol))
	}
	rowH := (grid.Max.Y - grid.Min.Y) / vg.Length(nrow)
	cy := func(row int) vg.Length { return grid.Min.Y + rowH*(vg.Length(row)-0.5) } // row 1 (most negative Y) at the bottom
	rad := m.cell * 0.36
	label := sans(9, color.Black)
	for i, p := range r.Pairs {
		_, row, col := m.l.Nominal(i + 1)
		if m.l.MirrorNumbering {
			col = ncol + 1 - col
		}
		ctr := vg.Point{X: cx(col), Y: cy(row)}
		path := circlePath(ctr, rad)
		fill := unmeasuredFill
		if p.ILDB.Valid() {
			fill = viridis(float64(p.ILDB) / m.hi)
		}
		c.SetColor(fill)
		c.Fill(path)
		c.SetLineStyle(draw.LineStyle{Color: haloColour, Width: 1})
		c.Stroke(path)
		switch {
		case !p.ILDB.Valid() && !p.InContact && !p.GapNM.Valid() && r.Parameters.ContactModel:
			d := rad * 0.7
			c.StrokeLine2(draw.LineStyle{Color: haloColour, Width: 1.5}, ctr.X-d, ctr.Y-d, ctr.X+d, ctr.Y+d)
			c.StrokeLine2(draw.LineStyle{Color: haloColour, Width: 1.5}, ctr.X-d, ctr.Y+d, ctr.X+d, ctr.Y-d)
		case !p.InContact && p.GapNM.Valid():
			strokeHalo(c, circlePath(ctr, rad+4), openColour, 1.6, []vg.Length{4, 2})
		}
		if p.CoreDipRisk {
			haloText(c, sans(9, color.White), vg.Point{X: ctr.X + rad*0.5, Y: ctr.Y + rad*0.9}, "CD")
		}
		lt := label
		lt.YAlign = draw.YBottom
		c.FillText(lt, vg.Point{X: ctr.X, Y: ctr.Y + rad + 8}, strconv.Itoa(p.AFiber))
		lb := label
		lb.YAlign = draw.YTop
		txt := "B" + strconv.Itoa(p.BFiber)
		if !p.InContact && p.GapNM.Valid() {
			txt += " " + strconv.FormatFloat(float64(p.GapNM), 'f', 0, 64) + " nm"
		}
		c.FillText(lb, vg.Point{X: ctr.X, Y: ctr.Y - rad - 8}, txt)
	}
	m.drawBar(c, vg.Rectangle{Min: vg.Point{X: c.Max.X - barW + 20, Y: grid.Min.Y}, Max: vg.Point{X: c.Max.X - barW + 38, Y: grid.Max.Y}})

	capt := sans(10, color.Black)
	capt.XAlign, capt.YAlign = draw.XLeft, draw.YTop
	pr := r.Parameters
	s := r.Summary
	lines := []string{
		fmt.Sprintf("%d of %d pairs in contact; largest gap %s nm; IL worst %s dB, mean %s dB. Dashed red ring: open pair (gap below it); grey with a cross: a fiber not measured; CD: core dips above %g nm in contact.",
			s.FibersInContact, s.Pairs, ferrule.FormatFixed(s.LargestGapNM, 0), ferrule.FormatFixed(s.WorstILDB, 2), ferrule.FormatFixed(s.MeanILDB, 2), float64(pr.CoreDipRiskNM)),
		fmt.Sprintf("Model: spring %g N, stiffness %g N/µm per pair, MFD %g µm, λ %g nm, glass index %g. Ferrules float in their housings: gaps near the angle limits are upper bounds.",
			float64(pr.ForceN), float64(pr.StiffnessNPerUM), float64(pr.MFDUM), float64(pr.WavelengthNM), float64(pr.GlassIndex)),
	}
	y := c.Min.Y + 50
	for _, ln := range lines {
		c.FillText(capt, vg.Point{X: c.Min.X + 10, Y: y}, ln)
		y -= 16
	}
}

// drawBar draws the IL colour scale in box b with ticks in dB.
func (m *mateFigure) drawBar(c draw.Canvas, b vg.Rectangle) {
	const n = 64
	h := (b.Max.Y - b.Min.Y) / n
	for i := 0; i < n; i++ {
		y0 := b.Min.Y + h*vg.Length(i)
		c.FillPolygon(viridis((float64(i)+0.5)/n), []vg.Point{{X: b.Min.X, Y: y0}, {X: b.Max.X, Y: y0}, {X: b.Max.X, Y: y0 + h + 0.5}, {X: b.Min.X, Y: y0 + h + 0.5}})
	}
	c.SetLineStyle(draw.LineStyle{Color: haloColour, Width: 0.8})
	var box vg.Path
	box.Move(b.Min)
	box.Line(vg.Point{X: b.Max.X, Y: b.Min.Y})
	box.Line(b.Max)
	box.Line(vg.Point{X: b.Min.X, Y: b.Max.Y})
	box.Close()
	c.Stroke(box)
	tick := sans(9, color.Black)
	tick.XAlign = draw.XLeft
	for _, t := range (niceTicks{n: 5}).Ticks(0, m.hi) {
		y := b.Min.Y + (b.Max.Y-b.Min.Y)*vg.Length(t.Value/m.hi)
		c.StrokeLine2(draw.LineStyle{Color: haloColour, Width: 0.8}, b.Max.X, y, b.Max.X+4, y)
		c.FillText(tick, vg.Point{X: b.Max.X + 6, Y: y}, t.Label)
	}
	lbl := sans(10, color.Black)
	lbl.YAlign = draw.YBottom
	c.FillText(lbl, vg.Point{X: (b.Min.X + b.Max.X) / 2, Y: b.Max.Y + 6}, "IL (dB)")
}

//go:embed mate.tmpl
var mateTmpl string

var mateTemplate = template.Must(template.New("mate").Parse(mateTmpl))

type matePage struct {
	CSS        template.CSS
	Heading    string
	Prediction string
	Picture    template.URL
	PictureErr string
	Sides      [][]string
	Params     []kv
	Summary    []kv
	Warnings   []string
	Head       []string
	Rows       [][]string
}

// WriteMatePage writes a self-contained HTML page of a mated-pair
// prediction: the picture (MateFigure, embedded), the two parts, every
// model parameter, the summary, the warnings and one row per fiber pair.
func WriteMatePage(w io.Writer, res *mate.Result, l ferrule.Layout) error {
	d := matePage{CSS: template.CSS(styleCSS), Heading: baseName(res.A.File) + " × " + baseName(res.B.File), Prediction: res.Prediction, Warnings: res.Warnings}
	if f, err := MateFigure(res, l); err != nil {
		d.PictureErr = err.Error()
	} else if d.Picture, err = pngURI(f, 1600); err != nil {
		d.PictureErr = err.Error()
	}
	for _, s := range []struct {
		name string
		v    mate.Side
	}{{"A", res.A}, {"B", res.B}} {
		d.Sides = append(d.Sides, []string{s.name, s.v.File, s.v.Layout, s.v.Interface, s.v.Key})
	}
	p := res.Parameters
	d.Params = []kv{{"polarity", p.Polarity}, {"force_n", ferrule.FormatFixed(p.ForceN, 2)}, {"stiffness_n_per_um", ferrule.FormatFixed(p.StiffnessNPerUM, 3)},
		{"mfd_um", ferrule.FormatFixed(p.MFDUM, 2)}, {"wavelength_nm", ferrule.FormatFixed(p.WavelengthNM, 0)}, {"glass_index", ferrule.FormatFixed(p.GlassIndex, 4)},
		{"core_dip_risk_nm", ferrule.FormatFixed(p.CoreDipRiskNM, 0)}, {"mm_loss_db_per_um", ferrule.FormatFixed(p.MMLossDBPerUM, 3)},
		{"contact_model", strconv.FormatBool(p.ContactModel)}}
	s := res.Summary
	d.Summary = []kv{{"pairs", strconv.Itoa(s.Pairs)}, {"fibers_in_contact", strconv.Itoa(s.FibersInContact)},
		{"largest_gap_nm", ferrule.FormatFixed(s.LargestGapNM, 1)}, {"worst_il_db", ferrule.FormatFixed(s.WorstILDB, 3)}, {"mean_il_db", ferrule.FormatFixed(s.MeanILDB, 3)},
		{"approach_nm", ferrule.FormatFixed(s.ApproachNM, 1)}}
	d.Head = mate.CSVColumns()
	for _, pr := range res.Pairs {
		row := pr.Cells(func(n ferrule.Num) string { return ferrule.FormatFixed(n, 3) })
		if last := len(row) - 1; row[last] == "" { // no flags
			row[last] = "–"
		}
		d.Rows = append(d.Rows, row)
	}
	var b bytes.Buffer
	if err := mateTemplate.Execute(&b, d); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}
