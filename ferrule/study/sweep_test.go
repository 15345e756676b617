package study

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/internal/synth"
)

func TestParseVary(t *testing.T) {
	v, err := ParseVary("averaging-diameter=30:70:10")
	require.NoError(t, err)
	require.Equal(t, Vary{Option: "averaging-diameter", Values: []float64{30, 40, 50, 60, 70}}, v)
	v, err = ParseVary("fit-radius=40:41:0.1")
	require.NoError(t, err)
	require.Len(t, v.Values, 11, "HI is included despite 0.1's rounding")
	require.Equal(t, 40.3, v.Values[3])
	require.Equal(t, 41.0, v.Values[10])
	v, err = ParseVary("hole-margin=50, 100,150")
	require.NoError(t, err)
	require.Equal(t, []float64{50, 100, 150}, v.Values)
	for _, tc := range []struct{ in, want string }{
		{"averaging-diameter", "wants NAME="},
		{"=1,2", "wants NAME="},
		{"averaging=30:70:10", "no region option \"averaging\" (options: averaging-diameter"},
		{"fit-radius=30:70", "LO:HI:STEP"},
		{"fit-radius=70:30:10", "LO ≤ HI"},
		{"fit-radius=30:70:0", "positive STEP"},
		{"fit-radius=30:70:x", "\"x\" is not a number"},
		{"fit-radius=1,NaN", "not a number"},
		{"fit-radius=0,10", "region sizes are positive"},
		{"fit-radius=1:1e9:1", "more than 1000"},
	} {
		_, err := ParseVary(tc.in)
		require.ErrorContains(t, err, tc.want, tc.in)
	}
}

// FuzzParseVary: any string gives a Vary of known option and positive
// finite values, at most maxAxisValues of them, or an error.
func FuzzParseVary(f *testing.F) {
	for _, s := range []string{"averaging-diameter=30:70:10", "fit-radius=40,45,50", "core-exclusion=1:2:0.25", "x=1", "hole-margin=1:2:3:4", "array-margin=5e-324:1:1e-300"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVary(s)
		if err != nil {
			return
		}
		if len(v.Values) == 0 || len(v.Values) > maxAxisValues {
			t.Fatalf("%q: %d values", s, len(v.Values))
		}
		for _, x := range v.Values {
			if !(x > 0) || x > 1e308 {
				t.Fatalf("%q: value %g", s, x)
			}
		}
	})
}

// TestSweep sweeps the averaging diameter over a part whose fiber 3 sits
// near the profile's height limit: its 1 mm tip (apex 1.15 µm) averages to
// MeanHeight(1.15 µm, 1 mm, a) = 1150 nm − ≈a²/(4R): 1094 nm at Ø 30 µm,
// 1051 at 40, 994 at 50 (below the 1000 nm minimum), 928 at 60, 844 at
// 70. Every point must equal a single analysis at its settings.
func TestSweep(t *testing.T) {
	p := synth.Default("MT-12")
	p.Seed = 5
	p.Heights = make([]float64, 12)
	p.RadiiMM = make([]float64, 12)
	for i := range p.Heights {
		p.Heights[i], p.RadiiMM[i] = 2, 10
	}
	p.Heights[2], p.RadiiMM[2] = 1.15, 1
	m, _, err := synth.Generate(p)
	require.NoError(t, err)
	prof, err := ferrule.ParseProfile([]byte(`{"name": "near-limit", "limits": {"height_nm": {"min": 1000}, "x_angle_deg": {"min": -0.15, "max": 0.15}}}`))
	require.NoError(t, err)
	cfg := batch.Config{Profile: prof}
	v, err := ParseVary("averaging-diameter=30:70:10")
	require.NoError(t, err)
	res, err := Sweep(m, &cfg, []Vary{v}, SweepOptions{File: "near.x3p", Format: "x3p"})
	require.NoError(t, err)
	require.Len(t, res.Points, 5)

	var want []string
	for _, d := range v.Values {
		h := synth.MeanHeight(1.15, 1000, 0, 4.5, d/2) * 1e3 // nm
		state := "pass"
		if h < 1000 {
			state = "fail"
		}
		want = append(want, state)
	}
	require.Equal(t, []string{"pass", "pass", "fail", "fail", "fail"}, want)
	var an ferrule.Analyzer
	for k, pt := range res.Points {
		require.Equal(t, want[k], pt.Verdict, "Ø %g µm", pt.Settings[0])
		require.Equal(t, v.Values[k], pt.Regions.AveragingDiameter)
		h := synth.MeanHeight(1.15, 1000, 0, 4.5, v.Values[k]/2) * 1e3
		require.InDelta(t, h, float64(pt.Report.Fibers[2].HeightNM), 1, "fiber 3's height at Ø %g µm", v.Values[k])
		if want[k] == "fail" {
			require.Equal(t, []string{"height_nm[3]"}, pt.Failed)
		}
		// The same as a single analysis at the point's settings.
		opts := cfg.Analysis
		opts.Regions.AveragingDiameter = v.Values[k]
		rep, err := an.Analyze(m, opts)
		require.NoError(t, err)
		rep.File, rep.Format = "near.x3p", "x3p"
		_, err = prof.Grade(rep)
		require.NoError(t, err)
		single, err := json.Marshal(rep)
		require.NoError(t, err)
		swept, err := json.Marshal(pt.Report)
		require.NoError(t, err)
		require.JSONEq(t, string(single), string(swept), "Ø %g µm", v.Values[k])
		ss, err := json.Marshal(rep.Summary) // as JSON: a NaN (null) equals itself
		require.NoError(t, err)
		ps, err := json.Marshal(pt.Summary)
		require.NoError(t, err)
		require.JSONEq(t, string(ss), string(ps))
	}
	require.True(t, res.VerdictChanges)
	require.Len(t, res.Changes, 1)
	c := res.Changes[0]
	require.Equal(t, "height_nm", c.Check)
	require.Equal(t, 3, *c.Fiber)
	require.Equal(t, []int{0, 1}, c.Pass)
	require.Equal(t, []int{2, 3, 4}, c.Fail)

	var txt, csvOut strings.Builder
	require.NoError(t, res.WriteText(&txt))
	require.Contains(t, txt.String(), "height_nm[3]: passes at averaging-diameter=30 µm; averaging-diameter=40 µm; marginal at none; fails at averaging-diameter=50 µm")
	require.NoError(t, res.WriteCSV(&csvOut))
	lines := strings.Split(strings.TrimSpace(csvOut.String()), "\n")
	require.Len(t, lines, 6)
	require.True(t, strings.HasPrefix(lines[0], "averaging_diameter_um,x_angle_deg,y_angle_deg,x_radius_mm,y_radius_mm,height_differential_nm"), lines[0])
	require.True(t, strings.HasPrefix(lines[3], "50,"), lines[3])
	require.Contains(t, lines[3], ",fail,height_nm[3],")

	// A grid of two options: 2 × 3 points, the first varying slowest.
	v2, err := ParseVary("fit-radius=40,45,50")
	require.NoError(t, err)
	v1, err := ParseVary("averaging-diameter=40,60")
	require.NoError(t, err)
	res, err = Sweep(m, &cfg, []Vary{v1, v2}, SweepOptions{})
	require.NoError(t, err)
	require.Len(t, res.Points, 6)
	require.Equal(t, []float64{60, 45}, res.Points[4].Settings)
	require.Equal(t, 45.0, res.Points[4].Regions.FitRadius)

	// Settings the analysis refuses are refused before any analysis.
	bad, err := ParseVary("fit-radius=50,70")
	require.NoError(t, err)
	_, err = Sweep(m, &cfg, []Vary{bad}, SweepOptions{})
	require.ErrorContains(t, err, "setting fit-radius=70 µm")
	_, err = Sweep(m, &cfg, []Vary{v1, v1}, SweepOptions{})
	require.ErrorContains(t, err, "varied twice")
}

// TestParseVaryHuge: values near the float64 limit stay finite (rounding
// to 1e-9 µm would overflow them).
func TestParseVaryHuge(t *testing.T) {
	v, err := ParseVary("hole-margin=1e300:2e300:1e300")
	require.NoError(t, err)
	require.Equal(t, []float64{1e300, 2e300}, v.Values)
	_, err = ParseVary("hole-margin=1e308:1.7e308:1e308")
	require.NoError(t, err)
}
