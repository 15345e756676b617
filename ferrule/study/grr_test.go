package study

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// The synthetic gauge study: p parts × o operators × r trials of MT-12
// end faces whose variance components are known by construction.
//
//   - part i's X angle is partAngle[i] (part variation);
//   - operator j's fixture adds opTilt[j] to the X angle and opHeight[j]
//     to every fiber's height (reproducibility);
//   - every measurement re-seats the part: its X angle moves by a draw of
//     N(0, repoTilt²), every fiber's height by one of N(0, repoHeight²)
//     (repeatability), and its pixel noise is new (seed).
//
// So for x_angle_deg: EV = repoTilt (the analysis's own scatter, 1e-5°, is
// negligible), AV² = Σ(opTilt − mean)²/(o − 1), PV² = Σ(partAngle −
// mean)²/(p − 1), no interaction.
var (
	synthParts = 6
	synthOps   = 3
	synthReps  = 3
	partAngle  = []float64{-0.10, -0.06, -0.02, 0.02, 0.06, 0.10} // degrees
	opTilt     = []float64{-0.02, 0, 0.02}                        // degrees
	opHeight   = []float64{-0.004, 0, 0.004}                      // µm
	repoTilt   = 0.005                                            // degrees
	repoHeight = 0.003                                            // µm
)

var (
	studyOnce sync.Once
	studyMs   []Measurement
	studyErr  error
)

// synthStudy analyses the synthetic study's 54 end faces once.
func synthStudy(t *testing.T) []Measurement {
	t.Helper()
	studyOnce.Do(func() {
		rng := rand.New(rand.NewPCG(15, 2))
		var an ferrule.Analyzer
		l, err := ferrule.LayoutByName("MT-12")
		if err != nil {
			studyErr = err
			return
		}
		base := make([]float64, 12)
		for i := range base {
			base[i] = 1.5 + float64(i%5)*0.2 // µm; parts differ by their angle
		}
		for i := range synthParts {
			for j := range synthOps {
				for k := range synthReps {
					p := synth.Default("MT-12")
					p.Seed = uint64(1000 + 100*i + 10*j + k)
					p.XAngleDeg = partAngle[i] + opTilt[j] + repoTilt*rng.NormFloat64()
					p.Heights = make([]float64, 12)
					for f := range p.Heights {
						p.Heights[f] = base[f] + 0.1*float64(i) + opHeight[j] + repoHeight*rng.NormFloat64()
					}
					m, _, err := synth.Generate(p)
					if err != nil {
						studyErr = err
						return
					}
					rep, err := an.Analyze(m, ferrule.Options{Layout: &l})
					if err != nil {
						studyErr = err
						return
					}
					studyMs = append(studyMs, Measurement{Part: fmt.Sprint("P", i+1), Operator: string(rune('A' + j)), Trial: fmt.Sprint(k + 1), Report: rep})
				}
			}
		}
	})
	require.NoError(t, studyErr)
	return studyMs
}

// sampleVar is the sample variance of v.
func sampleVar(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return s / float64(len(v)-1)
}

// TestGaugeRRSynth recovers the variance components the synthetic study
// was built with, within bounds from their sampling distributions:
//
//   - EV² is a mean square: MS_E = EV²·χ²_ν/ν with ν its degrees of
//     freedom (36, or 46 with the interaction pooled), so EV lies in
//     EV_true·√(χ²_ν(q)/ν) for q between 0.0005 and 0.9995 with
//     probability 0.999;
//   - AV² = (MS_O − MS_E)/(p·r) with fixed operator offsets: MS_O is EV²/
//     (o − 1) times a noncentral χ² with o − 1 dfs and noncentrality λ =
//     p·r·Σ(τ − τ̄)²/EV², of variance 2(o − 1 + 2λ); its standard deviation
//     over p·r bounds AV²'s error, taken 4-fold (MS_E's share is smaller
//     by its many more dfs). PV likewise with parts and o·r.
func TestGaugeRRSynth(t *testing.T) {
	ms := synthStudy(t)
	prof, err := ferrule.ParseProfile([]byte(`{"name": "t", "limits": {"x_angle_deg": {"min": -0.15, "max": 0.15}, "height_nm": {"min": 1000}}}`))
	require.NoError(t, err)
	g, err := GaugeRR(ms, GRROptions{Profile: prof})
	require.NoError(t, err)
	require.Equal(t, []int{6, 3, 3}, []int{g.Parts, g.Operators, g.Trials})
	require.Equal(t, []string{"A", "B", "C"}, g.OperatorNames)

	x, err := g.Parameter("x_angle_deg")
	require.NoError(t, err)
	t.Logf("x_angle_deg: EV %.5f AV %.5f INT %.5f PV %.5f %%GRR %.1f pooled %v (p %.3f)", float64(x.EV), float64(x.AV), float64(x.Interaction), float64(x.PV), float64(x.PctGRR), x.InteractionPooled, float64(x.InteractionP))
	nu := 36.0
	if x.InteractionPooled {
		nu = 46
	}
	chi := distuv.ChiSquared{K: nu}
	require.GreaterOrEqual(t, float64(x.EV), repoTilt*math.Sqrt(chi.Quantile(0.0005)/nu))
	require.LessOrEqual(t, float64(x.EV), repoTilt*math.Sqrt(chi.Quantile(0.9995)/nu))

	check := func(name string, got, offsetsVar float64, levels, perLevel int) {
		ev2 := repoTilt * repoTilt
		k := float64(levels - 1)
		lambda := float64(perLevel) * k * offsetsVar / ev2
		sd := ev2 / k * math.Sqrt(2*(k+2*lambda)) / float64(perLevel)
		require.InDelta(t, offsetsVar, got*got, 4*sd, "%s² %g, truth %g ± %g", name, got*got, offsetsVar, sd)
	}
	check("AV", float64(x.AV), sampleVar(opTilt), synthOps, synthParts*synthReps)
	check("PV", float64(x.PV), sampleVar(partAngle), synthParts, synthOps*synthReps)
	// The tolerance: 100·6·GRR/(0.15 − (−0.15)).
	require.InDelta(t, 100*6*float64(x.GRR)/0.3, float64(x.PctTolerance), 1e-9)
	require.InDelta(t, -0.15, float64(x.LSL), 0)
	require.Equal(t, x.Verdict, verdict(float64(x.PctGRR)))

	// Fiber heights: one study per fiber, operators offset by ±4 nm,
	// re-seating by 3 nm; the analysis adds its own ~0.2 nm in quadrature
	// (0.2 % of EV², far inside the χ² band of ±40 %).
	h, err := g.Parameter("height_nm[7]")
	require.NoError(t, err)
	require.Equal(t, 7, h.Fiber)
	require.Equal(t, "nm", h.Unit)
	evNM := repoHeight * 1e3
	require.GreaterOrEqual(t, float64(h.EV), evNM*math.Sqrt(distuv.ChiSquared{K: 36}.Quantile(0.0005)/36))
	require.LessOrEqual(t, float64(h.EV), evNM*math.Sqrt(distuv.ChiSquared{K: 46}.Quantile(0.9995)/46))
	require.True(t, math.IsNaN(float64(h.PctTolerance)), "height_nm has only a min: no tolerance")
	for i := 1; i <= 12; i++ {
		_, err := g.Parameter(fmt.Sprintf("core_dip_nm[%d]", i))
		require.NoError(t, err)
	}
	// Flat ferrules have null radii: skipped, with the reason.
	_, err = g.Parameter("x_radius_mm")
	require.ErrorContains(t, err, "not measured (or flat) in 54 of 54")

	// The worst parameter comes first, the text says so.
	w := g.Worst()
	for i := 1; i < len(w); i++ {
		if w[i].PctGRR.Valid() {
			require.GreaterOrEqual(t, float64(w[i-1].PctGRR), float64(w[i].PctGRR))
		}
	}
	var txt bytes.Buffer
	require.NoError(t, g.WriteText(&txt))
	require.Contains(t, txt.String(), "worst 10 of")
	require.Contains(t, txt.String(), w[0].Name)

	// JSON and CSV carry the same numbers.
	b, err := json.Marshal(g)
	require.NoError(t, err)
	var back struct {
		Parameters []struct {
			Parameter string      `json:"parameter"`
			EV        ferrule.Num `json:"ev"`
			NDC       *int        `json:"ndc"`
		} `json:"parameters"`
	}
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back.Parameters, len(g.Parameters))
	require.Equal(t, g.Parameters[0].EV, back.Parameters[0].EV)
	var c bytes.Buffer
	require.NoError(t, g.WriteCSV(&c))
	rows, err := csv.NewReader(&c).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, len(g.Parameters)+1)
	require.Equal(t, GRRCSVHeader, rows[0])
}

// reps builds measurements of p × o × r reports whose x_angle_deg is v.
func reps(labels [][3]string, v func(i int) float64) []Measurement {
	var ms []Measurement
	for i, l := range labels {
		ms = append(ms, Measurement{Part: l[0], Operator: l[1], Trial: l[2], Report: &ferrule.Report{Layout: "MT-12", Ferrule: ferrule.Surface{XAngleDeg: ferrule.Num(v(i))}}})
	}
	return ms
}

func grid(p, o, r int) [][3]string {
	var out [][3]string
	for i := range p {
		for j := range o {
			for k := range r {
				out = append(out, [3]string{fmt.Sprint("P", i+1), fmt.Sprint("O", j+1), fmt.Sprint(k + 1)})
			}
		}
	}
	return out
}

func TestGaugeRRDesign(t *testing.T) {
	v := func(i int) float64 { return float64(i%7) * 0.01 }
	g := grid(3, 2, 2)
	_, err := GaugeRR(reps(g, v), GRROptions{})
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		labels [][3]string
		want   string
	}{
		{"missing cell", g[2:], "part P1 × operator O1 is missing"},
		{"short cell", g[1:], "part P1 × operator O1 has 1 trials"},
		{"extra trial", append(append([][3]string{}, g...), [3]string{"P2", "O2", "3"}), "part P2 × operator O2 has 3 trials"},
		{"duplicate", append(append([][3]string{}, g...), g[5]), "a trial is given twice: part P2 operator O1 trial 2"},
		{"one operator", grid(3, 1, 2), "3 parts × 1 operators"},
		{"one trial", grid(3, 2, 1), "1 trial per part and operator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := GaugeRR(reps(tc.labels, v), GRROptions{})
			require.ErrorIs(t, err, ErrDesign)
			require.ErrorContains(t, err, tc.want)
		})
	}
	ms := reps(g, v)
	ms[4].Report.Layout = "MT-16"
	ms[4].File = "odd.x3p"
	_, err = GaugeRR(ms, GRROptions{})
	require.ErrorContains(t, err, "odd.x3p is a MT-16")
	ms[4].Report = nil
	_, err = GaugeRR(ms, GRROptions{})
	require.ErrorContains(t, err, "odd.x3p has no report")
}

func TestReadManifest(t *testing.T) {
	es, err := ReadManifest(strings.NewReader("\xef\xbb\xbfFile, Trial ,operator,part,note\n# a comment\na.x3p,1,Ann,P1,first\n/abs/b.x3p,2,Ann,P1,\n\nsub/c.x3p,1,Bob,P1,x\n"), "/data/study")
	require.NoError(t, err)
	require.Equal(t, []Entry{
		{Part: "P1", Operator: "Ann", Trial: "1", File: "/data/study/a.x3p", Line: 3},
		{Part: "P1", Operator: "Ann", Trial: "2", File: "/abs/b.x3p", Line: 4},
		{Part: "P1", Operator: "Bob", Trial: "1", File: "/data/study/sub/c.x3p", Line: 6},
	}, es)
	for _, tc := range []struct{ in, want string }{
		{"", "manifest is empty"},
		{"part,operator,file\n1,2,3\n", "lacks column trial"},
		{"part,operator,trial,file\n", "no measurements"},
		{"part,operator,trial,file\nP1,A,,a.x3p\n", "line 2: no trial"},
		{"part,operator,trial,file\nP1,A,1\n", "line 2: no file"},
		{"part,part,operator,trial,file\n", "column \"part\" twice"},
		{"part,operator,trial,file\n\"P1,A,1,a\n", "manifest"},
	} {
		_, err := ReadManifest(strings.NewReader(tc.in), ".")
		require.ErrorContains(t, err, tc.want, "%q", tc.in)
	}
	_, err = ReadManifestFile("no/such/manifest.csv")
	require.ErrorContains(t, err, "no/such/manifest.csv")
}

// FuzzReadManifest: any input gives entries or an error, never a panic;
// every entry has all four fields and a line past the header.
func FuzzReadManifest(f *testing.F) {
	for _, s := range []string{
		"part,operator,trial,file\nP1,A,1,a.x3p\nP1,A,2,b.x3p\n",
		"file,trial,operator,part\n/x.x3p,1,B,2\n",
		"\xef\xbb\xbfpart;operator;trial;file\n",
		"part,operator,trial,file\n\"P\"\"1\",A,1,\"a b.x3p\"\n",
		"",
		"\n\n\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		es, err := ReadManifest(strings.NewReader(s), "dir")
		if err != nil {
			return
		}
		for _, e := range es {
			if e.Part == "" || e.Operator == "" || e.Trial == "" || e.File == "" || e.Line < 2 {
				t.Fatalf("entry %+v from %q", e, s)
			}
		}
		_ = CheckDesign(es)
	})
}
