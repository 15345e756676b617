package synth_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mtgeo/mtgeo/internal/synth"
)

func ExampleGenerate() {
	p := synth.Default("MT-16")
	p.RotationDeg, p.ShiftUm = 1.7, [2]float64{-120, 60}
	hm, truth, err := synth.Generate(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(hm)
	h := truth.GuideHoles[0]
	fmt.Printf("hole 1 at X %.1f µm, map (%.3f, %.3f) µm\n", h.XUm, h.MapXUm, h.MapYUm)
	f := truth.Fibers[0]
	fmt.Printf("fiber 1: apex %.1f nm, averaged height %.3f nm\n", f.ApexHeightNm, f.HeightNm)
	// Output:
	// 2233×600 px, 3×3 µm
	// hole 1 at X -2650.0 µm, map (579.166, 879.884) µm
	// fiber 1: apex 2000.0 nm, averaged height 1984.375 nm
}

func ExampleRandom() {
	p := synth.Random("MT-12", 1)
	p.Missing = []int{12}
	_, truth, err := synth.Generate(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range truth.Fibers[10:] {
		fmt.Printf("fiber %d at (%.3f, %.3f) µm: missing %v, height %.1f nm\n", f.Index, f.XUm, f.YUm, f.Missing, f.HeightNm)
	}
	fmt.Printf("rotation %.3f°, height differential %.1f nm\n", truth.RotationDeg, truth.Summary.HeightDifferentialNm)
	b, _ := json.Marshal(truth.Fibers[11])
	fmt.Println(strings.Contains(string(b), `"height_nm":null`))
	// Output:
	// fiber 11 at (1125.393, -0.740) µm: missing false, height 1078.4 nm
	// fiber 12 at (1375.558, -0.527) µm: missing true, height NaN nm
	// rotation -2.092°, height differential 2871.6 nm
	// true
}

func ExampleMeanHeight() {
	// A 2 µm tip of 10 mm radius with a 50 nm dip in its 9 µm core, averaged
	// over the Ø 50 µm disc; all µm.
	// Closed form ≈ 2 − 25²/(4·10⁴) − 0.05·(4.5/25)² = 2 − 0.015625 − 0.00162.
	fmt.Printf("%.4f µm\n", synth.MeanHeight(2, 10_000, 0.05, 4.5, 25))
	// Output:
	// 1.9828 µm
}

func ExampleRandomProduction() {
	p := synth.RandomProduction("MT-12", 0)
	_, truth, err := synth.Generate(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Rx %.0f mm, Ry %.0f mm, multimode %v, %s core dips\n", truth.XRadiusMM, truth.YRadiusMM, p.Multimode, truth.CoreDipProfile)
	fmt.Printf("reference plane %.1f nm at the origin (%s, %d px)\n", truth.ReferencePlane.Z0Nm, truth.ReferencePlane.Sampling, truth.ReferencePlane.Points)
	for _, f := range truth.Fibers {
		if f.ApexOffsetUm > 0 {
			fmt.Printf("fiber %d: apex offset %.3f µm, apex height %.1f nm, height %.1f nm, core dip %.1f nm\n",
				f.Index, f.ApexOffsetUm, f.ApexHeightNm, f.HeightNm, f.CoreDipNm)
		}
	}
	// Output:
	// Rx -1783 mm, Ry 14009 mm, multimode true, parabolic core dips
	// reference plane 353.3 nm at the origin (map, 171469 px)
	// fiber 7: apex offset 3.145 µm, apex height 1806.8 nm, height 1662.2 nm, core dip 135.5 nm
	// fiber 11: apex offset 2.410 µm, apex height -361.6 nm, height -413.8 nm, core dip 41.3 nm
}

func ExampleMeanCapHeight() {
	// A 2 µm tip of 2 mm radius whose apex is 4 µm off the fiber centre, with
	// a parabolic dip of 150 nm peak in its 50 µm multimode core, averaged
	// over the Ø 50 µm disc centred on the fiber; all µm. Paraboloid
	// approximation: 2 − (4² + 25²/2)/(2·2000) − 0.15/2 = 2 − 0.08213 − 0.075.
	fmt.Printf("%.4f µm\n", synth.MeanCapHeight(2, 2000, 4, 0.15, 25, 25, synth.DipParabolic))
	// Output:
	// 1.8429 µm
}
