package render

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
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
// the X angle, one not graded, and one that could not be analysed.
func lotReports(t *testing.T) ([]*ferrule.Report, []FileError) {
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
	return reps, []FileError{{File: "d/broken.x3p", Err: "x3p: unexpected EOF"}}
}

func TestWriteLotPage(t *testing.T) {
	reps, errs := lotReports(t)
	var b bytes.Buffer
	require.NoError(t, WriteLotPageOptions(&b, reps, errs, LotOptions{Link: PageName}))
	page := b.String()
	images := requireSelfContained(t, page, 0)
	require.Equal(t, 2*len(lotParams), images, "a histogram and a run chart per parameter")
	// Yield: 1 passed of 4 files.
	require.Contains(t, page, "<b>25.0 %</b>")
	require.Regexp(t, `<td>x_angle_deg</td><td>1</td><td>25.0</td>`, strings.ReplaceAll(page, " %", ""))
	require.Regexp(t, `<td>height_nm</td><td>1</td><td>25.0</td><td>1</td>`, strings.ReplaceAll(page, " %", ""))
	require.Contains(t, page, `<a href="good.html">a/good.x3p</a>`)
	require.Contains(t, page, "x3p: unexpected EOF")
	// The limits of the first grade that gives them: ±0.5° for x_angle_deg.
	require.Contains(t, page, "-0.5 … 0.5")

	// The signature batch --report calls.
	b.Reset()
	require.NoError(t, WriteLotPage(&b, nil, errs))
	require.Contains(t, b.String(), "d/broken.x3p")
	require.NotContains(t, b.String(), "<img")
}

func TestCpk(t *testing.T) {
	for _, tc := range []struct {
		name             string
		mean, sd, lo, hi float64
		want             float64
	}{
		// (USL − µ)/3σ = (10 − 4)/3 = 2 and (µ − LSL)/3σ = 4/3: the smaller.
		{"two-sided", 4, 1, 0, 10, 4.0 / 3},
		{"max only", 4, 1, math.NaN(), 10, 2},
		{"no spread", 4, 0, 0, 10, math.NaN()},
		{"no limits", 4, 1, math.NaN(), math.NaN(), math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cpk(tc.mean, tc.sd, tc.lo, tc.hi)
			if math.IsNaN(tc.want) {
				require.True(t, math.IsNaN(got))
				return
			}
			require.InDelta(t, tc.want, got, 1e-12)
		})
	}
}
