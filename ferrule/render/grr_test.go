package render

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/study"
)

// TestGRRPage draws the page of a study of 3 parts × 2 operators × 2
// trials whose X angle has EV = 0.001 (trials ±0.001 about the cell mean)
// and whose other numbers do not vary.
func TestGRRPage(t *testing.T) {
	var ms []study.Measurement
	for p := range 3 {
		for o := range 2 {
			for k := range 2 {
				x := 0.05*float64(p) + 0.01*float64(o) + 0.002*float64(k) - 0.001
				ms = append(ms, study.Measurement{Part: fmt.Sprint("P", p+1), Operator: fmt.Sprint("op", o+1), Trial: fmt.Sprint(k + 1),
					Report: &ferrule.Report{Layout: "MT-12", Ferrule: ferrule.Surface{XAngleDeg: ferrule.Num(x), XRadiusMM: ferrule.Num(math.NaN())}}})
			}
		}
	}
	prof, err := ferrule.LoadProfile("iec-style-pc-12")
	require.NoError(t, err)
	g, err := study.GaugeRR(ms, study.GRROptions{Profile: prof})
	require.NoError(t, err)
	x, err := g.Parameter("x_angle_deg")
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, WriteGRRPage(&b, g))
	page := b.String()
	require.Contains(t, page, "3 parts × 2 operators × 2 trials")
	require.Contains(t, page, "from iec-style-pc-12")
	// x_angle_deg is the only parameter that varies: the first row, its
	// GRR bar 200 px × %GRR/100 wide.
	first := strings.Index(page, `href="#p-`)
	require.True(t, strings.HasPrefix(page[first:], `href="#p-x_angle_deg"`))
	w := int(float64(x.PctGRR)/100*grrBarPx + 0.5)
	require.Contains(t, page, fmt.Sprintf(`class="comp grr" style="width: %dpx" title="GRR %.1f %% of TV"`, w, float64(x.PctGRR)))
	require.Contains(t, page, "x_radius_mm")
	require.Contains(t, page, "not measured (or flat) in 12 of 12")
	require.NotContains(t, page, "<script")
	require.NotContains(t, page, "http://")
	require.Error(t, WriteGRRPage(&b, nil))

	// In a browser: nothing logged, the bars drawn (the GRR bars' red,
	// #d62728, is no other colour of the page).
	t.Run("chromium", func(t *testing.T) {
		bin := chromium(t)
		path := filepath.Join(t.TempDir(), "grr.html")
		require.NoError(t, os.WriteFile(path, []byte(page), 0o644))
		img, console := screenshot(t, bin, path, 1400, 900)
		require.Empty(t, console, "console messages")
		_, frac := greyStats(img, color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 255}, 10)
		t.Logf("%.3f %% of the pixels are GRR-bar red", 100*frac)
		// One bar varies here, x_angle_deg's: w px wide, 0.9 em (about 12
		// px) high; at least half of it must show.
		require.Greater(t, frac, 0.5*float64(w*12)/(1400*900), "the bars are drawn")
	})
}
