package render

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"image/png"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/stretchr/testify/require"
)

var (
	srcAttr  = regexp.MustCompile(`\b(?:src|href)="([^"]*)"`)
	failCell = regexp.MustCompile(`<td class="fail"[^>]*>([^<]*)</td>`)
)

// requireSelfContained checks that a page loads nothing from elsewhere:
// no script, every src a PNG data: URI that decodes, every href relative
// to the page.
func requireSelfContained(t *testing.T, page string, wantWidth int) (images int) {
	t.Helper()
	require.NotContains(t, strings.ToLower(page), "<script")
	require.NotContains(t, strings.ToLower(page), "<link")
	require.NotContains(t, page, "@import")
	require.NotContains(t, page, "url(")
	for _, m := range srcAttr.FindAllStringSubmatch(page, -1) {
		u := html.UnescapeString(m[1]) // html/template writes + as &#43;
		switch {
		case strings.HasPrefix(m[0], "src"):
			const prefix = "data:image/png;base64,"
			require.True(t, strings.HasPrefix(u, prefix), "src %.40q is a PNG data: URI", u)
			b, err := base64.StdEncoding.DecodeString(u[len(prefix):])
			require.NoError(t, err)
			cfg, err := png.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			if wantWidth > 0 {
				require.Equal(t, wantWidth, cfg.Width)
			}
			images++
		default:
			require.NotContains(t, u, ":", "href %q is relative", u)
		}
	}
	return images
}

func TestWritePage(t *testing.T) {
	m, rep0 := sample(t, "mt16")
	rep := *rep0
	rep.Grade = handGrade(&rep)
	const width = 400 // px, small for speed
	var b bytes.Buffer
	require.NoError(t, WritePage(&b, m, &rep, PageOptions{Width: width, Index: "index.html"}))
	page := b.String()
	require.Equal(t, 3, requireSelfContained(t, page, width), "the end face, the height chart and the tips")
	require.Contains(t, page, `id="verdict">FAIL<`)
	require.Contains(t, page, `href="index.html"`)
	require.Contains(t, page, "hand-made")
	// Every fiber below handMinHeightNM has a red height cell, and no other cell
	// of the fiber table is red.
	var low []string
	for _, f := range rep.Fibers {
		if f.HeightNM < handMinHeightNM {
			low = append(low, format("height_nm", float64(f.HeightNM), false))
		}
	}
	require.NotEmpty(t, low, "mt16 has fibers below 2000 nm (its truth: heights 1.94…2.15 µm)")
	fibers := page[strings.Index(page, `id="fibers"`):]
	fibers = fibers[:strings.Index(fibers, "</table>")]
	var red []string
	for _, c := range failCell.FindAllStringSubmatch(fibers, -1) {
		if c[1] != "FAIL" { // the verdict column
			red = append(red, c[1])
		}
	}
	require.Equal(t, low, red)
	// The regions used and the quality notes are there.
	for _, s := range []string{"averaging_diameter_um", "fit_radius_um", "core_exclusion_radius_um", "Reference plane: RMS residual", "Guide hole 1"} {
		require.Contains(t, page, s)
	}

	t.Run("not graded, no map", func(t *testing.T) {
		rep := *rep0
		rep.Grade = nil
		var b bytes.Buffer
		require.NoError(t, WritePage(&b, nil, &rep, PageOptions{Width: width}))
		page := b.String()
		require.Equal(t, 1, requireSelfContained(t, page, width), "the chart only")
		require.Contains(t, page, `id="verdict">not graded<`)
		require.Contains(t, page, "No picture: no height map given")
		require.NotContains(t, page, `class="fail"`)
	})
	require.ErrorIs(t, WritePage(&b, m, nil, PageOptions{}), ErrNoReport)
}

// lotReports are four files: one passing, one failing fiber 2's height and
// the X angle, one not graded, and one that could not be analysed; and
// their summary, with the limits of profile "p" (x_angle_deg ±0.5°,
// height_nm 0…5000 nm).
func lotReports(t *testing.T) (*batch.Summary, []*ferrule.Report) {
	_, base := sample(t, "mt16")
	mk := func(file string, grade *ferrule.Grade) *ferrule.Report {
		r := *base
		r.File, r.Grade = file, grade
		return &r
	}
	two := 2
	nan := ferrule.Num(math.NaN())
	pass := &ferrule.Grade{Profile: "p", Pass: true, Checks: []ferrule.Check{
		{Name: "x_angle_deg", Value: -0.29, Min: -0.5, Max: 0.5, Pass: true},
		{Name: "height_nm", Fiber: &two, Value: base.Fibers[1].HeightNM, Min: 0, Max: 5000, Pass: true},
	}}
	fail := &ferrule.Grade{Profile: "p", Pass: false, Checks: []ferrule.Check{
		{Name: "x_angle_deg", Value: -0.29, Min: -0.15, Max: 0.15, Pass: false},
		{Name: "height_nm", Fiber: &two, Value: base.Fibers[1].HeightNM, Min: 3000, Max: nan, Pass: false},
	}}
	reps := []*ferrule.Report{mk("a/good.x3p", pass), mk("b/bad.x3p", fail), mk("c/plain.x3p", nil)}
	var results []batch.Result
	for _, r := range reps {
		results = append(results, batch.Result{File: r.File, Report: r})
	}
	results = append(results, batch.Result{File: "d/broken.x3p", Err: errors.New("x3p: unexpected EOF")})
	lim := func(v float64) *float64 { return &v }
	prof := &ferrule.Profile{Name: "p", Limits: []ferrule.Limit{
		{Field: "x_angle_deg", Min: lim(-0.5), Max: lim(0.5)},
		{Field: "height_nm", Min: lim(0), Max: lim(5000)},
	}}
	return batch.Summarize(results, prof), reps
}

func TestWriteLotPage(t *testing.T) {
	sum, reps := lotReports(t)
	var b bytes.Buffer
	require.NoError(t, WriteLotPageOptions(&b, sum, reps, LotOptions{Link: PageName}))
	page := b.String()
	images := requireSelfContained(t, page, 0)
	require.Equal(t, 2*len(lotParams), images, "a histogram and a run chart per parameter")
	// Yield: 1 passed of 4 files.
	require.Contains(t, page, "<b>25.0 %</b>")
	require.Regexp(t, `<td>x_angle_deg</td><td>1</td><td>25.0</td><td>1</td>`, strings.ReplaceAll(page, " %", ""))
	require.Regexp(t, `<td>height_nm</td><td>1</td><td>25.0</td><td>1</td>`, strings.ReplaceAll(page, " %", ""))
	require.Contains(t, page, `<a href="good.html">a/good.x3p</a>`)
	require.Contains(t, page, "x3p: unexpected EOF")
	// The limits of the summary's profile: ±0.5° for x_angle_deg.
	require.Contains(t, page, "-0.5 … 0.5")
	require.Contains(t, page, "against the limits of p")
	// Every parameter's statistics are the summary's, as summary.json has
	// them.
	for _, p := range paramList(reps) {
		st := statsOf(sum, p.section, p.key)
		require.NotNil(t, st, p.key)
		i := strings.Index(page, `<h3 id="param-`+p.key+`">`)
		require.GreaterOrEqual(t, i, 0, p.key)
		sec := page[i:]
		sec = sec[:strings.Index(sec, "</table>")]
		require.Contains(t, sec, fmt.Sprintf("<td>values</td><td>%d ", st.N), p.key)
		if st.N == 0 {
			continue
		}
		for _, v := range []struct {
			k string
			n ferrule.Num
		}{{"mean", st.Mean}, {"std dev", st.Std}, {"min", st.Min}, {"max", st.Max}} {
			require.Contains(t, sec, "<td>"+v.k+"</td><td>"+html.EscapeString(num(v.n, p.key))+"</td>", p.key)
		}
		if st.Cpk.Valid() {
			require.Contains(t, sec, fmt.Sprintf("<td>Cpk</td><td>%.2f</td>", float64(st.Cpk)), p.key)
		} else {
			require.NotContains(t, sec, "<td>Cpk</td>", p.key)
		}
	}

	require.NotContains(t, page, "Mated connectors", "no pairs, no section")

	// With predicted connectors (batch --mate-pairs): their IL
	// distribution, as the summary has it (mean of 0.1, 0.2, 0.6 = 0.3 dB).
	withPairs := *sum
	withPairs.Pairs = &batch.PairSummary{Connectors: 2, Predicted: 1, Errors: 1, FiberPairs: 3, FibersInContact: 2, OpenFiberPairs: 1,
		LargestGapNM: 12.5, ILDB: batch.Distribute([]float64{0.1, 0.2, 0.6}), ConnectorWorstILDB: batch.Distribute([]float64{0.6}),
		ErrorPairs: []batch.PairError{{A: "x.x3p", B: "y.x3p", Error: "cannot mate"}}}
	b.Reset()
	require.NoError(t, WriteLotPage(&b, &withPairs, reps))
	page = b.String()
	requireSelfContained(t, page, 0)
	require.Contains(t, page, "Mated connectors (predicted)")
	require.Contains(t, page, `<td class="text">every fiber pair</td><td>3</td><td>0.300</td>`)
	require.Contains(t, page, "<td>2 of 3</td>")
	require.Contains(t, page, "x.x3p × y.x3p: cannot mate")

	// Only the file that could not be analysed.
	b.Reset()
	only := batch.Summarize([]batch.Result{{File: "d/broken.x3p", Err: errors.New("x3p: unexpected EOF")}}, nil)
	require.NoError(t, WriteLotPage(&b, only, nil))
	require.Contains(t, b.String(), "d/broken.x3p")
	require.NotContains(t, b.String(), "<img")

	require.ErrorIs(t, WriteLotPage(&b, nil, reps), ErrNoSummary)
	require.ErrorContains(t, WriteLotPage(&b, sum, reps[:2]), "2 reports for a summary of 3 analysed files")
}
