package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

var update = flag.Bool("update", false, "update the golden files in testdata/")

// storedReport is a report with its reference plane, which the JSON of
// SPEC §8 leaves out. The golden pictures are drawn from the stored
// report, so that they test the drawing and not the analysis.
type storedReport struct {
	Report *ferrule.Report `json:"report"`
	Plane  fit.Plane       `json:"plane"`
}

var samples sync.Map // name → *sampleData

type sampleData struct {
	once sync.Once
	m    *geometry.HeightMap
	err  error
}

// sampleMap reads ../../testdata/NAME.x3p once for all tests.
func sampleMap(t *testing.T, name string) *geometry.HeightMap {
	t.Helper()
	v, _ := samples.LoadOrStore(name, &sampleData{})
	s := v.(*sampleData)
	s.once.Do(func() {
		s.m, _, s.err = geometry.ReadFile(filepath.Join("..", "..", "testdata", name+".x3p"), nil)
	})
	require.NoError(t, s.err)
	return s.m
}

// sample returns the bundled map NAME and its report: with -update the
// report is analysed afresh and stored as testdata/NAME.report.json,
// otherwise it is read from there.
func sample(t *testing.T, name string) (*geometry.HeightMap, *ferrule.Report) {
	t.Helper()
	m := sampleMap(t, name)
	path := filepath.Join("testdata", name+".report.json")
	if *update {
		rep, err := ferrule.Analyze(m, ferrule.Options{})
		require.NoError(t, err)
		rep.File, rep.Format = name+".x3p", "x3p"
		b, err := json.MarshalIndent(storedReport{rep, rep.Plane}, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, b, 0o644))
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var s storedReport
	require.NoError(t, json.Unmarshal(b, &s))
	s.Report.Plane = s.Plane
	return m, s.Report
}

// handMinHeightNM is the hand-made grade's lower height limit: tighter than
// the IEC-style 1000 nm, so that some fibers of the bundled mt16 (heights
// 1.94…2.15 µm, testdata/mt16.truth.json) fail and some pass.
const handMinHeightNM = 2000

// handGrade grades rep by hand, independently of ferrule's grading: the
// fiber heights against handMinHeightNM…3500 nm and the minus coplanarity
// against 200 nm.
func handGrade(rep *ferrule.Report) *ferrule.Grade {
	g := &ferrule.Grade{Profile: "hand-made", Pass: true}
	nan := ferrule.Num(math.NaN())
	for i := range rep.Fibers {
		f := &rep.Fibers[i]
		idx := f.Index
		h := float64(f.HeightNM)
		pass := h >= handMinHeightNM && h <= 3500
		g.Checks = append(g.Checks, ferrule.Check{Name: "height_nm", Fiber: &idx, Value: f.HeightNM, Min: handMinHeightNM, Max: 3500,
			Margin: ferrule.Num(math.Min(h-handMinHeightNM, 3500-h)), Pass: pass})
		g.Pass = g.Pass && pass
	}
	mc := float64(rep.Summary.MinusCoplanarityNM)
	g.Checks = append(g.Checks, ferrule.Check{Name: "minus_coplanarity_nm", Value: ferrule.Num(mc), Min: nan, Max: 200,
		Margin: ferrule.Num(200 - mc), Pass: mc <= 200})
	g.Pass = g.Pass && mc <= 200
	return g
}

// compareGolden compares a PNG with testdata/NAME, or writes it with
// -update. Pictures may differ a little between machines (font
// rasterisation, the last bits of the plane moving a colour by a level),
// so it allows 0.5 % of the pixels to differ by more than 48 levels in a
// channel and the mean difference to be 1 level.
func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to write the golden file")
	gi, err := png.Decode(bytes.NewReader(got))
	require.NoError(t, err)
	wi, err := png.Decode(bytes.NewReader(want))
	require.NoError(t, err)
	require.Equal(t, wi.Bounds(), gi.Bounds(), "picture size")
	var sum float64
	bad := 0
	b := gi.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g, w := color.NRGBAModel.Convert(gi.At(x, y)).(color.NRGBA), color.NRGBAModel.Convert(wi.At(x, y)).(color.NRGBA)
			d := max(absDiff(g.R, w.R), absDiff(g.G, w.G), absDiff(g.B, w.B), absDiff(g.A, w.A))
			sum += float64(d)
			if d > 48 {
				bad++
			}
		}
	}
	n := float64(b.Dx() * b.Dy())
	if float64(bad) > 0.005*n || sum/n > 1 {
		out := filepath.Join(t.TempDir(), name)
		_ = os.WriteFile(out, got, 0o644)
		t.Fatalf("%s differs from the golden picture: %d pixels (%.2f %%) off by more than 48 levels, mean difference %.2f levels; got %s",
			name, bad, 100*float64(bad)/n, sum/n, out)
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestGolden draws the bundled mt16 at reduced size from its stored report
// with a hand-made grade (the fibers below 2000 nm fail), and compares
// with the golden pictures; go test -update rewrites them.
func TestGolden(t *testing.T) {
	m, rep := sample(t, "mt16")
	rep.Grade = handGrade(rep)
	const width = 640 // px: small goldens
	for _, tc := range []struct {
		name string
		draw func() (*Figure, error)
	}{
		{"endface_mt16.png", func() (*Figure, error) { return EndFace(m, rep, Options{}) }},
		{"heights_mt16.png", func() (*Figure, error) { return HeightChart(rep, ChartOptions{}) }},
		{"tiles_mt16.png", func() (*Figure, error) { return FiberTiles(m, rep, Options{}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.draw()
			require.NoError(t, err)
			var b bytes.Buffer
			require.NoError(t, f.Write(&b, "png", width))
			img, err := png.Decode(bytes.NewReader(b.Bytes()))
			require.NoError(t, err)
			require.Equal(t, width, img.Bounds().Dx())
			compareGolden(t, tc.name, b.Bytes())
		})
	}
}

// TestRasterOrientation checks the picture's frame on a synthetic map:
// a ferrule frame turned by 30° with its origin off the map's, and a
// 20 µm bright square at frame (+60, +30) µm. The square must appear
// right of and above the picture's centre, +Y up, and nowhere else.
func TestRasterOrientation(t *testing.T) {
	m := geometry.New(400, 300, r2.Vec{X: 1, Y: 1})
	m.Offset = r2.Vec{X: -150, Y: -100}
	frame := ferrule.Frame{Origin: r2.Vec{X: 20, Y: 10}, Rotation: 30 * math.Pi / 180}
	target := r2.Vec{X: 60, Y: 30}
	for r := range 300 {
		for c := range 400 {
			p := frame.ToFrame(m.PixelToMap(float64(c), float64(r)))
			z := 0.0
			if math.Abs(p.X-target.X) <= 10 && math.Abs(p.Y-target.Y) <= 10 {
				z = 1 // µm
			}
			if r < 5 { // invalid: the first five stored rows, map y < -95.5 µm
				z = math.NaN()
			}
			m.Set(c, r, z)
		}
	}
	rep := &ferrule.Report{Frame: ferrule.FrameInfo{OriginMapUM: [2]ferrule.Num{20, 10}, RotationDeg: 30}}
	e := &endFace{m: m, rep: rep, frame: frame, lo: 0, hi: 1000, fiberR: 62.5}
	// A 1 µm grid over frame [-100, 100] × [-80, 80]: pixel (i, j) is at
	// X = -100 + i + 0.5, Y = 80 - j - 0.5.
	img := e.raster(200, 160, -100, 100, -80, 80)
	at := func(X, Y float64) color.NRGBA { return img.NRGBAAt(int(X+100), int(80-Y)) }
	bright, dark := viridis(1), viridis(0)
	require.Equal(t, bright, at(60.5, 30.5), "the square at +X, +Y")
	for _, p := range [][2]float64{{-60.5, 30.5}, {60.5, -30.5}, {-60.5, -30.5}, {0.5, 0.5}} {
		require.Equal(t, dark, at(p[0], p[1]), "no square at %v", p)
	}
	// Frame (-89.5, -74.5) is map y = 10 − 89.5·sin 30° − 74.5·cos 30° =
	// −99.27 µm: in the invalid rows (y < −95.5 µm).
	require.InDelta(t, -99.27, frame.ToMap(r2.Vec{X: -89.5, Y: -74.5}).Y, 0.01)
	require.Equal(t, invalidColour, at(-89.5, -74.5))
	// Frame (-99.5, -79.5) is map y = -108 µm, below the first row.
	require.Less(t, frame.ToMap(r2.Vec{X: -99.5, Y: -79.5}).Y, -100.5)
	require.Equal(t, uint8(0), at(-99.5, -79.5).A, "outside the map is transparent")
}

// TestColourRange: the range runs over the 1st to 99.5th percentile of
// the levelled map, widened to take in 0 and the fiber heights.
func TestColourRange(t *testing.T) {
	// 100×100 pixels with heights 1, 2, …, 10000 nm in storage order, a
	// tilted plane underneath that the levelling must remove.
	m := geometry.New(100, 100, r2.Vec{X: 2, Y: 2})
	plane := fit.Plane{A: 5, B: 0.01, C: -0.02}
	for r := range 100 {
		for c := range 100 {
			x, y := 2*float64(c), 2*float64(r)
			m.Set(c, r, plane.At(x, y)+float64(r*100+c+1)*1e-3)
		}
	}
	for _, tc := range []struct {
		name           string
		fibers         []ferrule.Fiber
		wantLo, wantHi float64 // nm
	}{
		// Sorted values v[k] = k+1; lo = v[int(0.01·9999)] = v[99] = 100,
		// widened to 0; hi = v[int(0.995·9999)] = v[9949] = 9950.
		{"map only", nil, 0, 9950},
		{"fiber above", []ferrule.Fiber{{HeightNM: 12000, ApexHeightNM: 12500}}, 0, 12500},
		{"fiber below", []ferrule.Fiber{{HeightNM: -700, ApexHeightNM: -600}}, -700, 9950},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &endFace{m: m, rep: &ferrule.Report{Plane: plane, Fibers: tc.fibers}}
			lo, hi := e.colourRange()
			require.InDelta(t, tc.wantLo, lo, 1e-6) // nm; the plane cancels to rounding
			require.InDelta(t, tc.wantHi, hi, 1e-6)
		})
	}
}

func TestFiberVerdicts(t *testing.T) {
	one, two := 1, 2
	fibers := []ferrule.Fiber{
		{Index: 1, HeightNM: 1500},
		{Index: 2, HeightNM: 1500},
		{Index: 3, HeightNM: ferrule.Num(math.NaN()), Error: "missing"},
	}
	for _, tc := range []struct {
		name  string
		grade *ferrule.Grade
		want  []verdict
	}{
		{"not graded", nil, []verdict{notGraded, notGraded, notGraded}},
		{"all pass, one unmeasured", &ferrule.Grade{Checks: []ferrule.Check{{Name: "height_nm", Fiber: &one, Pass: true}}},
			[]verdict{passed, passed, failed}},
		{"fiber 2 fails one check", &ferrule.Grade{Checks: []ferrule.Check{
			{Name: "height_nm", Fiber: &two, Pass: true}, {Name: "fibers.core_dip_nm", Fiber: &two, Pass: false},
			{Name: "x_angle_deg", Pass: false}, // a ferrule check marks no fiber
		}}, []verdict{passed, failed, failed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &ferrule.Report{Fibers: fibers, Grade: tc.grade}
			require.Equal(t, tc.want, fiberVerdicts(rep))
		})
	}
}

// TestRowFitsMatchReport: the chart draws the row lines and marks the
// minus-coplanarity fibers that ferrule reports (SPEC §6), on the 4-row
// mt64, and the marked fiber is the one farthest below the line.
func TestRowFitsMatchReport(t *testing.T) {
	_, rep := sample(t, "mt64")
	rows := rowFits(rep, nil)
	require.Len(t, rows, 4)
	for k, r := range rows {
		require.Equal(t, 4-k, r.row, "highest row first")
		want := rep.Rows[r.row-1]
		require.True(t, r.lineOK)
		require.Equal(t, float64(want.LineSlopeNMPerMM), r.b)        // nm/mm
		require.Equal(t, float64(want.LineInterceptNM), r.a)         // nm
		require.Equal(t, float64(want.MinusCoplanarityNM), r.minus)  // nm
		require.Equal(t, float64(want.HeightDifferentialNM), r.diff) // nm
		require.Len(t, r.x, 16)
		if want.LowestFiber == 0 {
			require.Equal(t, -1, r.worst)
			continue
		}
		require.Equal(t, want.LowestFiber, r.idx[r.worst])
		// The reported line and lowest fiber agree with the heights.
		require.InDelta(t, r.minus, r.at(r.x[r.worst])-r.h[r.worst], 1e-6) // nm
		for i := range r.x {
			require.LessOrEqual(t, r.at(r.x[i])-r.h[i], r.minus+1e-6)
		}
	}
}

func BenchmarkEndFace(b *testing.B) {
	m, rep := sample(&testing.T{}, "mt16")
	b.Run("image", func(b *testing.B) {
		for b.Loop() {
			f, _ := EndFace(m, rep, Options{})
			f.Image(1600)
		}
	})
	b.Run("png", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			_ = WriteEndFace(&buf, "png", m, rep, Options{})
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	})
	b.Run("svg", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			_ = WriteEndFace(&buf, "svg", m, rep, Options{})
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	})
}

func TestWriteFormats(t *testing.T) {
	m, rep := sample(t, "mt16")
	for _, tc := range []struct {
		format string
		check  func(t *testing.T, b []byte)
	}{
		{"png", func(t *testing.T, b []byte) {
			cfg, err := png.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			require.Equal(t, 300, cfg.Width)
		}},
		{"svg", func(t *testing.T, b []byte) {
			require.True(t, bytes.Contains(b, []byte("<svg")), "an SVG")
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteEndFace(&b, tc.format, m, rep, Options{Width: 300}))
			tc.check(t, b.Bytes())
			if tc.format == "svg" {
				require.True(t, bytes.Contains(b.Bytes(), []byte("<image ")), "the height raster is inside the SVG")
			}
			b.Reset()
			require.NoError(t, WriteHeightChart(&b, tc.format, rep, ChartOptions{Width: 300}))
			tc.check(t, b.Bytes())
		})
	}
	var b bytes.Buffer
	require.ErrorIs(t, WriteEndFace(&b, "gif", m, rep, Options{}), ErrFormat)
	require.ErrorIs(t, WriteEndFace(&b, "png", nil, rep, Options{}), ErrNoReport)
	_, err := HeightChart(nil, ChartOptions{})
	require.ErrorIs(t, err, ErrNoReport)
	bad := *rep
	bad.Frame.OriginMapUM[0] = ferrule.Num(math.NaN())
	_, err = EndFace(m, &bad, Options{})
	require.ErrorContains(t, err, "render: ")
}

// TestUnmeasuredFiber draws a report in which fiber 3 was not measured
// (no centre, no height): it is drawn dashed at its nominal place, fails
// the grade, and the chart puts it at the bottom as not measured.
func TestUnmeasuredFiber(t *testing.T) {
	m, rep0 := sample(t, "mt16")
	rep := *rep0
	rep.Fibers = append([]ferrule.Fiber(nil), rep0.Fibers...)
	nan := ferrule.Num(math.NaN())
	f := &rep.Fibers[2]
	f.XUM, f.YUM, f.HeightNM, f.ApexHeightNM, f.Error = nan, nan, nan, nan, "missing: 10 % valid pixels"
	rep.Grade = handGrade(&rep)
	require.Equal(t, failed, fiberVerdicts(&rep)[2])
	rows := rowFits(&rep, layoutOf(&rep, nil))
	require.Equal(t, []int{3}, rows[0].missing)
	require.InDelta(t, -1375.0, rows[0].missX[0], 1e-9) // nominal X of fiber 3 of 16 at 250 µm pitch: (3 − 8.5)·250 µm (SPEC §2)
	_, err := EndFace(m, &rep, Options{})
	require.NoError(t, err)
}

func TestPageName(t *testing.T) {
	require.Equal(t, "mt16.html", PageName("/a/b/mt16.x3p"))
	require.Equal(t, "a.b.html", PageName("a.b.datx"))
	require.Equal(t, "noext.html", PageName("noext"))
}

func TestDecimals(t *testing.T) {
	for _, tc := range []struct {
		step float64
		want int
	}{{1000, 0}, {1, 0}, {0.5, 1}, {0.25, 2}, {0.05, 2}, {2.5e-3, 4}} {
		require.Equal(t, tc.want, decimals(tc.step), "%g", tc.step)
	}
	ticks := niceTicks{n: 6}.Ticks(-0.31, 0.21)
	for _, tk := range ticks {
		require.LessOrEqual(t, len(tk.Label), 5, "short labels, not %q", tk.Label)
	}
}

// TestConcurrent draws from several goroutines, as a test station or
// batch --report may (run with -race to check for shared state).
func TestConcurrent(t *testing.T) {
	m, rep := sample(t, "mt16")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			errs[i] = WritePage(&b, m, rep, PageOptions{Width: 200})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
}
