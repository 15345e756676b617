package render

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chromium returns the path of a Chromium or Chrome binary, or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium: install Debian's chromium package (apt-get install -y chromium) to open the pages in a browser")
	return ""
}

// screenshot opens file in headless Chromium and returns its screenshot
// and the console messages it logged.
func screenshot(t *testing.T, bin, file string, w, h int) (image.Image, []string) {
	t.Helper()
	dir := t.TempDir()
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0",
		"--screenshot="+shot, "--window-size="+strconv.Itoa(w)+","+strconv.Itoa(h),
		"file://"+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	require.NoError(t, cmd.Run(), "chromium: %s", stderr.String())
	b, err := os.ReadFile(shot)
	require.NoError(t, err, "chromium wrote no screenshot: %s", stderr.String())
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	var console []string
	for _, l := range strings.Split(stderr.String(), "\n") {
		// Chromium logs console messages and uncaught errors as
		// "[pid:tid:time:INFO:CONSOLE:line] message".
		if strings.Contains(l, ":CONSOLE") {
			console = append(console, l)
		}
	}
	return img, console
}

// greyStats returns the standard deviation of the grey levels of img and
// the fraction of its pixels within tol levels of c.
func greyStats(img image.Image, c color.NRGBA, tol int) (sd, frac float64) {
	b := img.Bounds()
	var s, s2 float64
	near := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			g := 0.299*float64(p.R) + 0.587*float64(p.G) + 0.114*float64(p.B)
			s += g
			s2 += g * g
			if absDiff(p.R, c.R) <= tol && absDiff(p.G, c.G) <= tol && absDiff(p.B, c.B) <= tol {
				near++
			}
		}
	}
	n := float64(b.Dx() * b.Dy())
	return math.Sqrt(math.Max(0, s2/n-(s/n)*(s/n))), float64(near) / n
}

// TestChromium writes a ferrule page and a lot page and opens them in
// headless Chromium: the screenshots must not be blank, must show the
// embedded pictures (the dark end of viridis for the end face, the
// histogram blue for the lot), and the pages must log nothing to the
// console. A control page with a script error checks that console
// messages are caught.
func TestChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	m, rep0 := sample(t, "mt16")
	rep := *rep0
	rep.Grade = handGrade(&rep)
	var b bytes.Buffer
	require.NoError(t, WritePage(&b, m, &rep, PageOptions{Width: 1200}))
	pagePath := filepath.Join(dir, "mt16.html")
	require.NoError(t, os.WriteFile(pagePath, b.Bytes(), 0o644))
	sum, reps := lotReports(t)
	b.Reset()
	require.NoError(t, WriteLotPageOptions(&b, sum, reps, LotOptions{Link: PageName}))
	lotPath := filepath.Join(dir, "index.html")
	require.NoError(t, os.WriteFile(lotPath, b.Bytes(), 0o644))
	control := filepath.Join(dir, "control.html")
	require.NoError(t, os.WriteFile(control, []byte(`<!DOCTYPE html><html><body><p>control</p><script>console.error("control-error"); notDefined();</script></body></html>`), 0o644))

	for _, tc := range []struct {
		name   string
		path   string
		h      int
		colour color.NRGBA // a colour only the embedded pictures have
	}{
		// The ferrule surface, at the dark end of the colour range.
		{"ferrule page", pagePath, 1400, viridis(0.01)},
		// The histogram bars: #1f5fbf at alpha 0xa0 over white.
		{"lot page", lotPath, 1600, color.NRGBA{R: 115, G: 155, B: 215, A: 255}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, console := screenshot(t, bin, tc.path, 1400, tc.h)
			require.Empty(t, console, "console messages")
			sd, frac := greyStats(img, tc.colour, 14)
			t.Logf("grey-level standard deviation %.1f; %.2f %% of the pixels show the picture colour", sd, 100*frac)
			require.Greater(t, sd, 20.0, "the screenshot is not blank") // a white page has 0
			// A page without its pictures has none of their colour; the lot
			// page of three copies of one report draws a single bar per
			// histogram (about 0.8 % of the screenshot).
			require.Greater(t, frac, 0.003, "the embedded pictures are drawn")
		})
	}
	t.Run("control", func(t *testing.T) {
		_, console := screenshot(t, bin, control, 400, 300)
		require.NotEmpty(t, console, "a script error must show as a console message, or this test cannot see them")
		require.Contains(t, strings.Join(console, "\n"), "control-error")
	})
}
