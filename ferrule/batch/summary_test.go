package batch_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
)

func TestCpk(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name                string
		mu, sigma, lsl, usl float64
		want                float64
	}{
		// Closed form: min(USL − µ, µ − LSL)/(3σ).
		{"centred", 0, 0.05, -0.15, 0.15, 1},
		{"off centre", 0.05, 0.05, -0.15, 0.15, 0.1 / 0.15},
		{"outside", 0.2, 0.05, -0.15, 0.15, -0.05 / 0.15},
		{"upper only", 300, 100, nan, 700, 400.0 / 300},
		{"lower only", 10, 3, 1, nan, 1},
		{"no limits", 1, 1, nan, nan, nan},
		{"no spread", 1, 0, 0, 2, nan},
		{"one value", 1, nan, 0, 2, nan},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := batch.Cpk(tc.mu, tc.sigma, tc.lsl, tc.usl)
			if math.IsNaN(tc.want) {
				require.True(t, math.IsNaN(got), "got %g", got)
				return
			}
			require.InDelta(t, tc.want, got, 1e-12)
		})
	}
}

// report builds a graded MT-2-like report with the given X angle and fiber
// heights (nm; NaN = not measured).
func report(file string, xAngle float64, heights []float64, pass bool, failed ...ferrule.Check) *ferrule.Report {
	rep := &ferrule.Report{File: file, Layout: "MT-16"}
	rep.Ferrule.XAngleDeg = ferrule.Num(xAngle)
	rep.Ferrule.XRadiusMM = ferrule.Num(math.NaN()) // flat
	for i, h := range heights {
		rep.Fibers = append(rep.Fibers, ferrule.Fiber{Index: i + 1, HeightNM: ferrule.Num(h), RadiusMM: ferrule.Num(10)})
	}
	rep.Summary.MeasuredFibers = len(heights)
	checks := append([]ferrule.Check{{Name: "measured_fibers", Pass: true}}, failed...)
	rep.Grade = &ferrule.Grade{Profile: "iec-style-pc-16", Pass: pass, Checks: checks}
	return rep
}

func fiber(i int) *int { return &i }

func TestSummarize(t *testing.T) {
	nan := math.NaN()
	results := []batch.Result{
		{File: "a", Report: report("a", 0.02, []float64{2000, 2100}, true)},
		{File: "b", Report: report("b", -0.05, []float64{1500, nan}, false,
			ferrule.Check{Name: "measured_fibers"}, ferrule.Check{Name: "height_nm", Fiber: fiber(2)})},
		{File: "c", Err: errors.New("c: unreadable")},
		{File: "d", Report: report("d", 0.2, []float64{900, 800}, false,
			ferrule.Check{Name: "x_angle_deg"}, ferrule.Check{Name: "height_nm", Fiber: fiber(1)}, ferrule.Check{Name: "height_nm", Fiber: fiber(2)})},
		{File: "e", Report: report("e", 0.01, []float64{2500, 2600}, true)},
	}
	s := batch.Summarize(results, nil) // limits: the one built-in profile used
	require.Equal(t, 5, s.Count)
	require.Equal(t, 4, s.Analysed)
	require.Equal(t, 1, s.Errors)
	require.Equal(t, 2, s.Passed)
	require.Equal(t, 2, s.Failed)
	require.InDelta(t, 2.0/5, float64(s.Yield), 1e-15)
	require.InDelta(t, 2.0/4, float64(s.YieldAnalysed), 1e-15)
	require.Equal(t, "iec-style-pc-16", s.LimitsProfile)
	require.Equal(t, []batch.FailedFile{{File: "c", Error: "c: unreadable"}}, s.ErrorFiles)
	// Most files first, then most checks, then by name.
	require.Equal(t, []batch.CheckFailures{
		{Check: "height_nm", Files: 2, Checks: 3},
		{Check: "measured_fibers", Files: 1, Checks: 1},
		{Check: "x_angle_deg", Files: 1, Checks: 1},
	}, s.Failures)

	stats := map[string]batch.Stats{}
	for _, p := range s.Parameters {
		stats[p.Name] = p
	}
	// Reference: gonum's stat.MeanStdDev (unbiased, n − 1) on the same
	// values; Cpk by hand from iec-style-pc-16's limits.
	for _, tc := range []struct {
		name     string
		values   []float64
		lsl, usl float64
	}{
		{"x_angle_deg", []float64{0.02, -0.05, 0.2, 0.01}, -0.15, 0.15},
		{"height_nm", []float64{2000, 2100, 1500, 900, 800, 2500, 2600}, 1000, 3500}, // pooled, NaN left out
		{"radius_mm", []float64{10, 10, 10, 10, 10, 10, 10}, 1, nan},                 // σ = 0: no Cpk; b's unmeasured fiber 2 left out
		{"measured_fibers", []float64{2, 2, 2, 2}, nan, nan},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, ok := stats[tc.name]
			require.True(t, ok)
			mean, std := stat.MeanStdDev(tc.values, nil)
			require.Equal(t, len(tc.values), st.N)
			require.InDelta(t, mean, float64(st.Mean), 1e-12*math.Max(1, math.Abs(mean)))
			require.InDelta(t, std, float64(st.Std), 1e-9*math.Max(1, std))
			lo, hi := tc.values[0], tc.values[0]
			for _, v := range tc.values {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			require.Equal(t, lo, float64(st.Min))
			require.Equal(t, hi, float64(st.Max))
			wantCpk := math.NaN()
			if std > 0 && !(math.IsNaN(tc.lsl) && math.IsNaN(tc.usl)) {
				wantCpk = math.Inf(1)
				if !math.IsNaN(tc.usl) {
					wantCpk = (tc.usl - mean) / (3 * std)
				}
				if !math.IsNaN(tc.lsl) {
					wantCpk = math.Min(wantCpk, (mean-tc.lsl)/(3*std))
				}
			}
			if math.IsNaN(wantCpk) {
				require.False(t, st.Cpk.Valid())
			} else {
				require.InDelta(t, wantCpk, float64(st.Cpk), 1e-9)
			}
			if !math.IsNaN(tc.lsl) {
				require.Equal(t, tc.lsl, float64(st.LSL))
			}
		})
	}
	// A flat radius (null) is not a value.
	require.Equal(t, 0, stats["x_radius_mm"].N)
	// Ambiguous keys are named as profiles name them.
	require.Contains(t, stats, "ferrule.fit_rms_nm")
	require.Contains(t, stats, "fibers.fit_rms_nm")

	// Without grading: no yield, no limits.
	s = batch.Summarize([]batch.Result{{File: "x", Report: &ferrule.Report{Layout: "MT-12"}}}, nil)
	require.False(t, s.Yield.Valid())
	require.Empty(t, s.LimitsProfile)
	require.Empty(t, s.Failures)

	// Empty batch.
	s = batch.Summarize(nil, nil)
	require.Equal(t, 0, s.Count)
	require.False(t, s.Yield.Valid())
}

// A marginal grade (guard band, SPEC §11) is counted on its own: neither
// passed nor failed, and its marginal checks are not failures.
func TestSummaryMarginal(t *testing.T) {
	prof, err := ferrule.ParseProfile([]byte(`{"name": "gb", "guard_band": 2, "limits": {"height_nm": {"min": 1000}}}`))
	require.NoError(t, err)
	var results []batch.Result
	for i, h := range []float64{1100, 1004, 900} { // pass, marginal (4 ≤ 2·3 nm), fail
		rep := &ferrule.Report{Layout: "MT-12", Summary: ferrule.Summary{MeasuredFibers: 1, Fibers: 1}, Fibers: []ferrule.Fiber{
			{Index: 1, HeightNM: ferrule.Num(h), UHeightNM: 3, Flags: []string{}}}}
		_, err := prof.Grade(rep)
		require.NoError(t, err)
		results = append(results, batch.Result{File: string(rune('a' + i)), Report: rep})
	}
	s := batch.Summarize(results, prof)
	require.Equal(t, 3, s.Graded)
	require.Equal(t, 1, s.Passed)
	require.Equal(t, 1, s.Marginal)
	require.Equal(t, 1, s.Failed)
	require.Len(t, s.Failures, 1)
	require.Equal(t, 1, s.Failures[0].Files, "the marginal check is not a failure")
	require.InDelta(t, 1.0/3, float64(s.Yield), 1e-15)
}
