//go:build ignore

// mklot writes the bundled lot of end faces: realistic parts as a polishing
// line makes them (heights 1.5–2.5 µm with tens of nm between neighbours,
// tip radii 5–20 mm, angles within ±0.1°, some domed, single- and
// multimode), most passing the built-in IEC-style profiles and a few
// failing for one stated reason each. Each file gets its generator truth
// beside it. Heights are stored as int32 multiples of 1 nm (0.29 nm RMS of
// rounding against 2 nm of noise) to keep the files small.
//
//	go run testdata/mklot.go
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// part is one end face of the lot.
type part struct {
	file   string
	layout string
	seed   uint64
	edit   func(p *synth.Params) // the part's own character
}

var lot = []part{
	{"mt16.x3p", "MT-16", 16, func(p *synth.Params) { // passes iec-style-pc-16
		p.RxMM = 12000
		p.ApexOffsets[4], p.ApexOffsets[11] = [2]float64{1.5, -0.8}, [2]float64{-1.1, 1.2}
	}},
	{"mt64.x3p", "MT-64", 64, func(p *synth.Params) { // passes iec-style-pc-multirow
		p.PixelUm = 4
	}},
	{"mt12.x3p", "MT-12", 12, func(p *synth.Params) { // passes iec-style-pc-12
		p.RxMM, p.RyMM = 9000, 6000
		p.RotationDeg = -0.6
	}},
	{"mt12-mm.x3p", "MT-12", 121, func(p *synth.Params) { // multimode, passes iec-style-pc-mm-sr8 (--multimode)
		p.Multimode, p.CoreDipProfile = true, synth.DipParabolic
		p.RxMM = -15000 // slightly concave
		for i := range p.CoreDipsUm {
			p.CoreDipsUm[i] = 0.04 + 0.03*float64(i%4)/3 // peak 40–70 nm: mean 20–35 nm
		}
	}},
	{"mt24-domed.x3p", "MT-24", 24, func(p *synth.Params) { // passes iec-style-pc-12
		p.RxMM, p.RyMM = 8000, 5000
		p.ApexOffsets[7] = [2]float64{2.0, 1.0}
	}},
	{"mt16-fail-x-angle.x3p", "MT-16", 161, func(p *synth.Params) { // fails x_angle_deg (0.21° > 0.15°)
		p.XAngleDeg = 0.21
	}},
	{"mt16-fail-low-fiber.x3p", "MT-16", 162, func(p *synth.Params) { // fails adjacent differential and minus coplanarity: fiber 9 recessed by 450 nm
		p.Heights[8] -= 0.45
	}},
	{"mt32-fail-missing-fiber.x3p", "MT-32", 32, func(p *synth.Params) { // fails measured_fibers: fiber 21 chipped away (no valid pixels)
		p.Missing = []int{21}
	}},
}

func main() {
	dir := filepath.Dir(os.Args[0])
	if _, err := os.Stat("testdata/mklot.go"); err == nil {
		dir = "testdata"
	}
	for _, pt := range lot {
		p := production(pt.layout, pt.seed)
		pt.edit(&p)
		m, truth, err := synth.Generate(p)
		if err != nil {
			log.Fatalf("%s: %v", pt.file, err)
		}
		path := filepath.Join(dir, pt.file)
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		if err := x3p.Encode(f, m, &x3p.EncodeOptions{ZIncrementUM: 0.001, Creator: "mtgeo testdata/mklot.go"}); err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
		b, err := json.MarshalIndent(truth, "", " ")
		if err != nil {
			log.Fatal(err)
		}
		truthPath := path[:len(path)-len(".x3p")] + ".truth.json"
		if err := os.WriteFile(truthPath, append(b, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s and %s\n", path, truthPath)
	}
}

// production draws a realistic part: apex heights around 1.8–2.2 µm that
// wander by about 25 nm from fiber to fiber along a row, tip radii
// 5–20 mm, X and Y angles within ±0.08°, rotation ±1°, fiber offsets
// ±0.5 µm, single-mode step core dips 5–30 nm; 3 µm pixels, 2 nm noise,
// 1 % dropouts, no apex offsets (the parts set their own).
func production(layout string, seed uint64) synth.Params {
	p := synth.Random(layout, seed) // for the per-fiber slices of the layout
	rng := rand.New(rand.NewPCG(seed, 0x10_7))
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	p.XAngleDeg, p.YAngleDeg = u(-0.08, 0.08), u(-0.08, 0.08)
	p.RotationDeg = u(-1, 1)
	p.ShiftUm = [2]float64{u(-60, 60), u(-40, 40)}
	n := len(p.Heights)
	perRow := map[string]int{"MT-12": 12, "MT-24": 12, "MT-48": 12, "MT-72": 12}[layout]
	if perRow == 0 {
		perRow = 16
	}
	base := u(1.8, 2.2)
	h := base
	for i := 0; i < n; i++ {
		if i%perRow == 0 {
			h = base + u(-0.05, 0.05)
		}
		h += 0.025 * rng.NormFloat64()
		p.Heights[i] = h
		p.RadiiMM[i] = u(5, 20)
		p.CoreDipsUm[i] = u(0.005, 0.03)
		p.Offsets[i] = [2]float64{u(-0.5, 0.5), u(-0.5, 0.5)}
	}
	p.ApexOffsets = make([][2]float64, n)
	p.RxMM, p.RyMM = math.Inf(1), math.Inf(1)
	return p
}
