package mate_test

import (
	"fmt"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// Two synthetic 12-fiber end faces, the second with fiber 4 (which meets
// the first's fiber 9) 1.5 µm low and 1 µm off in X, mated key-up to
// key-up with the SPEC §10 defaults.
func ExampleMate() {
	analyse := func(p synth.Params) *ferrule.Report {
		m, _, err := synth.Generate(p)
		if err != nil {
			panic(err)
		}
		rep, err := ferrule.Analyze(m, ferrule.Options{})
		if err != nil {
			panic(err)
		}
		return rep
	}
	pa := synth.Default("MT-12")
	pa.Seed = 1
	pb := synth.Default("MT-12")
	pb.Seed = 2
	pb.Heights = make([]float64, 12)
	pb.Offsets = make([][2]float64, 12)
	for i := range pb.Heights {
		pb.Heights[i] = 2
	}
	pb.Heights[3] = 0.5
	pb.Offsets[3] = [2]float64{1, 0}
	res, err := mate.Mate(analyse(pa), analyse(pb), mate.Params{})
	if err != nil {
		panic(err)
	}
	p := res.Pairs[8]
	fmt.Printf("A fiber %d meets B fiber %d: offset %.2f µm, in contact %v, gap %.0f nm, IL %.2f dB, RL %.1f dB\n",
		p.AFiber, p.BFiber, float64(p.OffsetUM), p.InContact, float64(p.GapNM), float64(p.ILDB), float64(p.RLDB))
	fmt.Printf("%d of %d pairs in contact, worst IL %.2f dB\n", res.Summary.FibersInContact, res.Summary.Pairs, float64(res.Summary.WorstILDB))
	// The others share the 10 N: 5 µm of compression over 11 pairs, so the
	// low pair stays 1.5 − 0.455 = 1.045 µm open: R = 2·R0·(1 − cos(4πg/λ))
	// = 12.3 %, RL 9.1 dB, and 0.57 dB of reflection on top of the offset's
	// 0.23 dB.

	// Output:
	// A fiber 9 meets B fiber 4: offset 1.07 µm, in contact false, gap 1045 nm, IL 0.80 dB, RL 9.1 dB
	// 11 of 12 pairs in contact, worst IL 0.80 dB
}
