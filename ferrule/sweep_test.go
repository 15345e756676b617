package ferrule_test

import (
	"flag"
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

var (
	sweep      = flag.Int("sweep", 0, "run TestSweep over this many random end faces (e.g. 400)")
	production = flag.Bool("production", false, "TestSweep over synth.RandomProduction parts (curved, offset apexes, graded multimode)")
)

// TestSweep is the accuracy test at scale:
//
//	go test -run TestSweep -v ./ferrule -args -sweep 400
//
// (about 20 s). It checks every parameter at the accuracy issue's
// tolerances except the core dip, whose error is the noise of a mean over
// a handful of pixels (2 nm/√7 ≈ 0.8 nm RMS): for it the RMS must stay
// below 1 nm and at most 0.1 % of fibers may exceed 3 nm (3.7σ at 0.8 nm).
func TestSweep(t *testing.T) {
	if *sweep == 0 {
		t.Skip("run with -sweep N")
	}
	var w worstCase
	var n, dipOut int
	var ss [5]float64 // height, apex, dip, radius (relative), centre
	for i := 0; i < *sweep; i++ {
		seed := uint64(1000 + i)
		name := layouts[i%len(layouts)]
		p := synth.Random(name, seed)
		if *production {
			p = synth.RandomProduction(name, seed)
		}
		m, truth, err := synth.Generate(p)
		require.NoError(t, err)
		rep, err := ferrule.Analyze(m, ferrule.Options{Multimode: p.Multimode})
		require.NoError(t, err, "seed %d", seed)
		require.Equal(t, name, rep.Layout, "seed %d", seed)
		for k, ft := range truth.Fibers {
			f := rep.Fibers[k]
			if f.CentreMethod == ferrule.CentreApex && ft.ApexOffsetUm > 0 {
				continue // the apex stands in for the centre (see compare)
			}
			e := [5]float64{float64(f.HeightNM) - ft.HeightNm, float64(f.ApexHeightNM) - ft.ApexHeightNm, float64(f.CoreDipNM) - ft.CoreDipNm,
				float64(f.RadiusMM)/ft.RadiusMM - 1, math.Hypot(float64(f.XUM)-ft.XUm, float64(f.YUM)-ft.YUm)}
			for j := range e {
				ss[j] += e[j] * e[j]
			}
			upd(&w.height, e[0])
			upd(&w.apex, e[1])
			upd(&w.dip, e[2])
			upd(&w.radiusRel, e[3])
			upd(&w.centre, e[4])
			if e[4] > 0.8*tolCentreUM {
				t.Logf("seed %d %s fiber %d: centre error %.3f µm (%s), apex offset %.2f µm, valid %.2f, R %.1f mm, apex height %.0f nm", seed, name, ft.Index, e[4], f.CentreMethod, ft.ApexOffsetUm, float64(f.ValidFraction), ft.RadiusMM, ft.ApexHeightNm)
			}
			if math.Abs(e[2]) > tolHeightNM {
				t.Logf("seed %d %s fiber %d: core dip %.1f nm, error %+.2f nm over %d pixels, tip RMS %.2f nm, R %.1f mm", seed, name, ft.Index, ft.CoreDipNm, e[2], f.CorePixels, float64(f.FitRMSNM), ft.RadiusMM)
				dipOut++
			}
			n++
		}
	}
	rms := func(j int) float64 { return math.Sqrt(ss[j] / float64(n)) }
	t.Logf("%d maps, %d fibers; RMS: height %.2f nm, apex %.2f nm, core dip %.2f nm, radius %.3f %%, centre %.3f µm; worst: %s; core dips beyond 3 nm: %d",
		*sweep, n, rms(0), rms(1), rms(2), 100*rms(3), rms(4), w, dipOut)
	require.Less(t, w.height, float64(tolHeightNM))
	require.Less(t, w.apex, float64(tolHeightNM))
	require.Less(t, w.radiusRel, tolRadiusRel)
	require.Less(t, w.centre, tolCentreUM)
	require.Less(t, rms(2), 1.0)
	require.LessOrEqual(t, float64(dipOut), 0.001*float64(n))
}
