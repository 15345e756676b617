package mate_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// FuzzMate: reports read back from JSON (a batch's results.jsonl, which a
// user may have edited) never make Mate panic; a prediction has a pair per
// fiber, and when every combined protrusion is finite the contact forces
// add up to the spring force.
func FuzzMate(f *testing.F) {
	var seeds [][]byte
	for i, layout := range []string{"MT-12", "MT-24"} {
		m, _, err := synth.Generate(synth.Random(layout, uint64(90+i)))
		if err != nil {
			f.Fatal(err)
		}
		rep, err := ferrule.Analyze(m, ferrule.Options{})
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(rep)
		seeds = append(seeds, b)
	}
	f.Add(seeds[0], seeds[0], uint8(0))
	f.Add(seeds[0], seeds[1], uint8(1))
	f.Add(seeds[1], seeds[1], uint8(1))
	f.Add([]byte(`{"layout":"MT-12","fibers":[]}`), seeds[0], uint8(0))
	f.Fuzz(func(t *testing.T, ja, jb []byte, pol uint8) {
		var a, b ferrule.Report
		if json.Unmarshal(ja, &a) != nil || json.Unmarshal(jb, &b) != nil {
			return
		}
		p := mate.Params{Polarity: []string{"A", "B"}[pol%2]}
		if _, err := mate.AgainstIdeal(&a, p); err != nil {
			_ = err.Error()
		}
		res, err := mate.Mate(&a, &b, p)
		if err != nil {
			return
		}
		if len(res.Pairs) != len(a.Fibers) {
			t.Fatalf("%d pairs for %d fibers", len(res.Pairs), len(a.Fibers))
		}
		var force float64
		finite, contact := true, false
		for _, pr := range res.Pairs {
			if pr.ContactForceN.Valid() {
				force += float64(pr.ContactForceN)
			}
			contact = contact || pr.InContact
		}
		for i := range a.Fibers {
			finite = finite && math.Abs(float64(a.Fibers[i].HeightNM)) < 1e9 && math.Abs(float64(b.Fibers[i].HeightNM)) < 1e9
		}
		if contact && finite && math.Abs(float64(a.Ferrule.YAngleDeg)) < 80 && math.Abs(float64(b.Ferrule.YAngleDeg)) < 80 &&
			math.Abs(float64(a.Ferrule.XAngleDeg)) < 80 && math.Abs(float64(b.Ferrule.XAngleDeg)) < 80 && math.Abs(force-10) > 1e-6 {
			t.Fatalf("forces add up to %g N, not 10", force)
		}
	})
}
