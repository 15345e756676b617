package study_test

import (
	"fmt"
	"log"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/study"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// A station program runs a gauge study on reports it already has: here 3
// parts × 2 operators × 2 trials whose X angles (degrees) differ by part,
// by operator (the second reads 0.01° higher) and a little per trial.
func ExampleGaugeRR() {
	angle := [3][2][2]float64{
		{{0.051, 0.049}, {0.062, 0.060}},
		{{-0.020, -0.018}, {-0.009, -0.011}},
		{{0.101, 0.099}, {0.110, 0.112}},
	}
	var ms []study.Measurement
	for p := range angle {
		for o := range angle[p] {
			for t, x := range angle[p][o] {
				rep := &ferrule.Report{Layout: "MT-12", Ferrule: ferrule.Surface{XAngleDeg: ferrule.Num(x)}}
				ms = append(ms, study.Measurement{Part: fmt.Sprint("P", p+1), Operator: fmt.Sprint("op", o+1), Trial: fmt.Sprint(t + 1), Report: rep})
			}
		}
	}
	prof, err := ferrule.LoadProfile("iec-style-pc-12")
	if err != nil {
		log.Fatal(err)
	}
	g, err := study.GaugeRR(ms, study.GRROptions{Profile: prof})
	if err != nil {
		log.Fatal(err)
	}
	x, err := g.Parameter("x_angle_deg")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("EV %.4f AV %.4f GRR %.4f PV %.4f %s\n", float64(x.EV), float64(x.AV), float64(x.GRR), float64(x.PV), x.Unit)
	fmt.Printf("%%GRR %.1f %%, of the tolerance %.1f %%, ndc %d: %s\n", float64(x.PctGRR), float64(x.PctTolerance), *x.NDC, x.Verdict)
	// Output:
	// EV 0.0014 AV 0.0073 GRR 0.0074 PV 0.0603 deg
	// %GRR 12.2 %, of the tolerance 14.8 %, ndc 11: conditional
}

// The same ferrule measured, then turned by 180° in the fixture, on an
// instrument whose stage is tilted by 0.03° along x.
func ExampleReverse() {
	p := synth.Default("MT-12")
	p.XAngleDeg, p.Seed = 0.05, 1
	ma, _, err := synth.Generate(p)
	if err != nil {
		log.Fatal(err)
	}
	p.RotationDeg, p.Seed = 180, 2 // the same part, turned
	mb, _, err := synth.Generate(p)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range [][]float64{ma.Z, mb.Z} {
		for i := range m {
			col := i % ma.Stride
			m[i] += 0.000523599 * float64(col) * ma.Pitch.X // tan(0.03°) per µm
		}
	}
	var an ferrule.Analyzer
	a, err := an.Analyze(ma, ferrule.Options{})
	if err != nil {
		log.Fatal(err)
	}
	b, err := an.Analyze(mb, ferrule.Options{})
	if err != nil {
		log.Fatal(err)
	}
	rev, err := study.Reverse(a, b, study.ReversalOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("measured %.3f° and %.3f°\n", float64(a.Ferrule.XAngleDeg), float64(b.Ferrule.XAngleDeg))
	fmt.Printf("part %.3f°, instrument %.3f°, %d fibers paired (A's 1 is B's %d)\n",
		float64(rev.Part.XAngleDeg), float64(rev.Instrument.XAngleDeg), rev.FibersPaired, rev.Pairs[0].BFiber)
	// Output:
	// measured 0.080° and -0.020°
	// part 0.050°, instrument 0.030°, 12 fibers paired (A's 1 is B's 12)
}

// How fiber 3's height, and the verdict, depend on the averaging disc: its
// 1 mm tip loses about a²/(4R) to the disc of radius a.
func ExampleSweep() {
	p := synth.Default("MT-12")
	p.Seed = 5
	p.Heights = []float64{2, 2, 1.15, 2, 2, 2, 2, 2, 2, 2, 2, 2}
	p.RadiiMM = []float64{10, 10, 1, 10, 10, 10, 10, 10, 10, 10, 10, 10}
	m, _, err := synth.Generate(p)
	if err != nil {
		log.Fatal(err)
	}
	prof, err := ferrule.ParseProfile([]byte(`{"name": "min-height", "limits": {"height_nm": {"min": 1000}}}`))
	if err != nil {
		log.Fatal(err)
	}
	v, err := study.ParseVary("averaging-diameter=30:70:20")
	if err != nil {
		log.Fatal(err)
	}
	res, err := study.Sweep(m, &batch.Config{Profile: prof}, []study.Vary{v}, study.SweepOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, pt := range res.Points {
		fmt.Printf("Ø %g µm: fiber 3 %.0f nm, %s\n", pt.Settings[0], float64(pt.Report.Fibers[2].HeightNM), pt.Verdict)
	}
	fmt.Println("verdict changes:", res.VerdictChanges)
	// Output:
	// Ø 30 µm: fiber 3 1094 nm, pass
	// Ø 50 µm: fiber 3 994 nm, fail
	// Ø 70 µm: fiber 3 844 nm, fail
	// verdict changes: true
}
