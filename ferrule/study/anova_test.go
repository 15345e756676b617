package study

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// aiagData is the worked example of the ANOVA method in AIAG, Measurement
// Systems Analysis, 4th edition (2010), Chapter III, Section B (variable
// gauge study): 10 parts, appraisers A, B, C, 3 trials,
// aiagData[appraiser][trial][part]. The values are as reprinted in W.
// McNeese, "Three Ways to Analyze a Gage R&R Study" (BPI Consulting / SPC
// for Excel, 2015), which states they are the MSA 4th edition's data, and
// agree with other public reprints of it.
var aiagData = [3][3][10]float64{
	{ // A
		{0.29, -0.56, 1.34, 0.47, -0.80, 0.02, 0.59, -0.31, 2.26, -1.36},
		{0.41, -0.68, 1.17, 0.50, -0.92, -0.11, 0.75, -0.20, 1.99, -1.25},
		{0.64, -0.58, 1.27, 0.64, -0.84, -0.21, 0.66, -0.17, 2.01, -1.31},
	},
	{ // B
		{0.08, -0.47, 1.19, 0.01, -0.56, -0.20, 0.47, -0.63, 1.80, -1.68},
		{0.25, -1.22, 0.94, 1.03, -1.20, 0.22, 0.55, 0.08, 2.12, -1.62},
		{0.07, -0.68, 1.34, 0.20, -1.28, 0.06, 0.83, -0.34, 2.19, -1.50},
	},
	{ // C
		{0.04, -1.38, 0.88, 0.14, -1.46, -0.29, 0.02, -0.46, 1.77, -1.49},
		{-0.11, -1.13, 1.09, 0.20, -1.07, -0.67, 0.01, -0.56, 1.45, -1.77},
		{-0.15, -0.96, 0.67, 0.11, -1.45, -0.49, 0.21, -0.49, 1.87, -2.16},
	},
}

// aiagY returns aiagData as y[part][appraiser][trial].
func aiagY() [][][]float64 {
	y := make([][][]float64, 10)
	for p := range y {
		y[p] = make([][]float64, 3)
		for a := range 3 {
			for t := range 3 {
				y[p][a] = append(y[p][a], aiagData[a][t][p])
			}
		}
	}
	return y
}

// houfData is the thermal-impedance study of Houf and Burman (1988), 10
// parts × 3 operators × 3 trials, houfData[part][operator][trial], °C/W ×
// 100, as listed in the SAS/STAT User's Guide, PROC VARCOMP, Example
// "Using the GRR Method" (data set Houf), and in D. C. Montgomery,
// Introduction to Statistical Quality Control (Example "thermal impedance"
// of the gauge-capability section).
var houfData = [10][3][3]float64{
	{{37, 38, 37}, {41, 41, 40}, {41, 42, 41}},
	{{42, 41, 43}, {42, 42, 42}, {43, 42, 43}},
	{{30, 31, 31}, {31, 31, 31}, {29, 30, 28}},
	{{42, 43, 42}, {43, 43, 43}, {42, 42, 42}},
	{{28, 30, 29}, {29, 30, 29}, {31, 29, 29}},
	{{42, 42, 43}, {45, 45, 45}, {44, 46, 45}},
	{{25, 26, 27}, {28, 28, 30}, {29, 27, 27}},
	{{40, 40, 40}, {43, 42, 42}, {43, 43, 41}},
	{{25, 25, 25}, {27, 29, 28}, {26, 26, 26}},
	{{35, 34, 34}, {35, 35, 34}, {35, 34, 35}},
}

func houfY() [][][]float64 {
	y := make([][][]float64, len(houfData))
	for p := range houfData {
		y[p] = make([][]float64, 3)
		for o := range 3 {
			y[p][o] = houfData[p][o][:]
		}
	}
	return y
}

// TestANOVAAIAG checks the ANOVA of the AIAG MSA 4th-edition example
// against the manual's ANOVA table (Table III-B 6) and its table of
// variance components and % variation (Table III-B 6a), to the digits
// printed there: the interaction is not significant (F = 0.434) and is
// pooled; the variance components then come from the pooled
// repeatability.
func TestANOVAAIAG(t *testing.T) {
	a, err := CrossedANOVA(aiagY())
	require.NoError(t, err)
	// Table III-B 6, printed to 4–5 digits: SS to 4 decimals (half a unit
	// of the last, 5e-5), MS to 5 (5e-6).
	for _, c := range []struct {
		name   string
		got    Source
		df     int
		ss, ms float64
		f      float64 // NaN: none printed
		tolSS  float64
	}{
		{"appraiser", a.Operator, 2, 3.1673, 1.58363, 79.41, 5e-5},
		{"parts", a.Part, 9, 88.3619, 9.81799, 492.29, 5e-5},
		{"appraiser by part", a.Interaction, 18, 0.3590, 0.01994, 0.434, 5e-5},
		{"equipment", a.Equipment, 60, 2.7589, 0.04598, math.NaN(), 5e-5},
		{"total", a.Total, 89, 94.6471, math.NaN(), math.NaN(), 5e-5},
	} {
		require.Equal(t, c.df, c.got.DF, c.name)
		require.InDelta(t, c.ss, c.got.SS, c.tolSS, c.name)
		if !math.IsNaN(c.ms) {
			require.InDelta(t, c.ms, c.got.MS, 5e-6, c.name)
		}
		if !math.IsNaN(c.f) {
			// F is printed to 2–3 decimals from the rounded MS: 79.41 is
			// 1.58363/0.01994 = 79.42; allow 0.2 % for that rounding.
			require.InEpsilon(t, c.f, c.got.F, 2e-3, c.name)
		}
	}
	require.True(t, a.Interaction.P > 0.05, "interaction p %g: AIAG finds it not significant", a.Interaction.P)
	require.True(t, a.Pooled)
	// Table III-B 6a, variances printed to 6 decimals: EV 0.039973, AV
	// 0.051455, INT 0, PV 1.086447; GRR 0.09143. Percentages and ndc
	// follow from them (computed here, not read): %GRR of TV =
	// 100·√(0.09143/1.17788) = 27.86 %, ndc = ⌊1.41·√(1.086447/0.09143)⌋ =
	// ⌊4.86⌋ = 4 (as McNeese reports).
	require.InDelta(t, 0.039973, a.VarEV, 5e-7)
	require.InDelta(t, 0.051455, a.VarAV, 5e-7)
	require.Zero(t, a.VarINT)
	require.InDelta(t, 1.086447, a.VarPV, 5e-7)
	require.InDelta(t, 0.09143, a.VarEV+a.VarAV+a.VarINT, 5e-6)
	require.InDelta(t, 27.86, 100*a.GRR()/a.TV(), 0.005)
	require.Equal(t, 4, int(math.Floor(1.41*a.PV()/a.GRR())))
}

// TestANOVAHouf checks a study whose interaction is significant and kept:
// Houf and Burman's thermal-impedance data. Published figures: SAS/STAT
// PROC VARCOMP METHOD=GRR output ("GRR Analysis of Variance": parts df 9,
// SS 3935.955556, MS 437.328395) and Montgomery's ANOVA of the same data
// (MS operators 19.63, interaction 2.70 with F 5.27 and P < 0.001, error
// 0.51; variance components parts 48.29, operators 0.56, interaction 0.73,
// error 0.51).
func TestANOVAHouf(t *testing.T) {
	a, err := CrossedANOVA(houfY())
	require.NoError(t, err)
	require.Equal(t, 9, a.Part.DF)
	require.InDelta(t, 3935.955556, a.Part.SS, 5e-7)
	require.InDelta(t, 437.328395, a.Part.MS, 5e-7)
	require.Equal(t, 2, a.Operator.DF)
	require.InDelta(t, 19.63, a.Operator.MS, 0.005)
	require.Equal(t, 18, a.Interaction.DF)
	require.InDelta(t, 2.70, a.Interaction.MS, 0.005)
	require.InDelta(t, 5.27, a.Interaction.F, 0.005)
	require.Less(t, a.Interaction.P, 0.001)
	require.Equal(t, 60, a.Equipment.DF)
	require.InDelta(t, 0.51, a.Equipment.MS, 0.005)
	require.False(t, a.Pooled)
	require.InDelta(t, 48.29, a.VarPV, 0.005)
	require.InDelta(t, 0.56, a.VarAV, 0.005)
	require.InDelta(t, 0.73, a.VarINT, 0.005)
	require.InDelta(t, 0.51, a.VarEV, 0.005)
	// The sums of squares add up (an identity of the balanced design).
	require.InDelta(t, a.Total.SS, a.Part.SS+a.Operator.SS+a.Interaction.SS+a.Equipment.SS, 1e-9)
}

// TestANOVAClosedForm checks a design small enough to work by hand: parts
// at 10, 20, 30, operators offset by 0, +5, −5, the interaction table
// [[4 −4 0] [−4 0 4] [0 4 −4]] (rows and columns summing to 0) and trials
// at ∓1 about each cell mean. By hand: SS_part = 2·3·(10² + 0 + 10²) =
// 1200, SS_operator = 2·3·(0 + 5² + 5²) = 300, SS_interaction = 2·96 =
// 192, SS_equipment = 18·1 = 18; MS 600, 150, 48, 2; F_interaction 24
// (kept); EV² = 2, INT² = (48 − 2)/2 = 23, AV² = (150 − 48)/6 = 17,
// PV² = (600 − 48)/6 = 92.
func TestANOVAClosedForm(t *testing.T) {
	inter := [3][3]float64{{4, -4, 0}, {-4, 0, 4}, {0, 4, -4}}
	op := []float64{0, 5, -5}
	y := make([][][]float64, 3)
	for p := range 3 {
		y[p] = make([][]float64, 3)
		for o := range 3 {
			m := 10*float64(p+1) + op[o] + inter[o][p]
			y[p][o] = []float64{m - 1, m + 1}
		}
	}
	a, err := CrossedANOVA(y)
	require.NoError(t, err)
	require.InDelta(t, 1200, a.Part.SS, 1e-9)
	require.InDelta(t, 300, a.Operator.SS, 1e-9)
	require.InDelta(t, 192, a.Interaction.SS, 1e-9)
	require.InDelta(t, 18, a.Equipment.SS, 1e-9)
	require.InDelta(t, 24, a.Interaction.F, 1e-9)
	require.False(t, a.Pooled)
	require.InDelta(t, 2, a.VarEV, 1e-9)
	require.InDelta(t, 23, a.VarINT, 1e-9)
	require.InDelta(t, 17, a.VarAV, 1e-9)
	require.InDelta(t, 92, a.VarPV, 1e-9)

	// The same without the interaction: pooled, MS_E = 18/(4 + 9).
	for p := range 3 {
		for o := range 3 {
			m := 10*float64(p+1) + op[o]
			y[p][o] = []float64{m - 1, m + 1}
		}
	}
	a, err = CrossedANOVA(y)
	require.NoError(t, err)
	require.True(t, a.Pooled)
	require.InDelta(t, 18.0/13, a.VarEV, 1e-12)
	require.InDelta(t, (150-18.0/13)/6, a.VarAV, 1e-12)
	require.Zero(t, a.VarINT)
}

func TestANOVADesignErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		y    [][][]float64
	}{
		{"one part", [][][]float64{{{1, 2}, {1, 2}}}},
		{"one operator", [][][]float64{{{1, 2}}, {{1, 2}}}},
		{"one trial", [][][]float64{{{1}, {2}}, {{1}, {2}}}},
		{"ragged operators", [][][]float64{{{1, 2}, {1, 2}}, {{1, 2}}}},
		{"ragged trials", [][][]float64{{{1, 2}, {1, 2}}, {{1, 2}, {1, 2, 3}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CrossedANOVA(tc.y)
			require.ErrorIs(t, err, ErrDesign)
		})
	}
	_, err := CrossedANOVA([][][]float64{{{1, math.NaN()}, {1, 2}}, {{1, 2}, {1, 2}}})
	require.ErrorContains(t, err, "not a number")

	// No variation at all: every component 0, no F.
	a, err := CrossedANOVA([][][]float64{{{1, 1}, {1, 1}}, {{1, 1}, {1, 1}}})
	require.NoError(t, err)
	require.True(t, a.Pooled)
	require.Zero(t, a.TV())
	require.True(t, math.IsNaN(a.Interaction.F))
}
