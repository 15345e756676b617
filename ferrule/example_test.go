package ferrule_test

import (
	"fmt"
	"log"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

// Analyse the bundled 16-fiber end face with the layout identified from the
// map, as "mtgeo analyze" does.
func ExampleAnalyze() {
	m, format, err := geometry.ReadFile("../testdata/mt16.x3p", nil)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := ferrule.Analyze(m, ferrule.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(format, rep.Layout, len(rep.Fibers), "fibers")
	fmt.Printf("hole spacing %.1f µm, X angle %.3f°\n", float64(rep.Frame.HoleSpacingUM), float64(rep.Ferrule.XAngleDeg))
	f := rep.Fibers[0]
	fmt.Printf("fiber %d: height %.0f nm, tip radius %.1f mm\n", f.Index, float64(f.HeightNM), float64(f.RadiusMM))
	// The generator's truth (testdata/mt16.truth.json): X angle 0.0253°,
	// fiber 1 height 1983.1 nm and tip radius 13.39 mm, holes 5300 µm apart.

	// Output:
	// x3p MT-16 16 fibers
	// hole spacing 5300.1 µm, X angle 0.025°
	// fiber 1: height 1983 nm, tip radius 13.3 mm
}

// Grade a report against a built-in profile; every failed check names its
// parameter and, for a per-fiber check, the fiber. The bundled part has
// fiber 9 recessed by 450 nm (testdata/mklot.go).
func ExampleProfile_Grade() {
	m, _, err := geometry.ReadFile("../testdata/mt16-fail-low-fiber.x3p", nil)
	if err != nil {
		log.Fatal(err)
	}
	l, _ := ferrule.LayoutByName("MT-16")
	rep, err := ferrule.Analyze(m, ferrule.Options{Layout: &l})
	if err != nil {
		log.Fatal(err)
	}
	prof, err := ferrule.LoadProfile("iec-style-pc-16")
	if err != nil {
		log.Fatal(err)
	}
	g, err := prof.Grade(rep)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pass:", g.Pass)
	for _, c := range g.Checks {
		if !c.Pass && c.Fiber == nil {
			fmt.Printf("%s = %.4g (max %v)\n", c.Name, float64(c.Value), c.Max)
		}
	}
	// Output:
	// pass: false
	// adjacent_differential_nm = 503.6 (max 300)
	// minus_coplanarity_nm = 464 (max 200)
}

// Every fitted result carries its standard uncertainty (the u_* fields),
// and a guard band grades with it: a check whose value lies within k·u of
// a limit is marginal, neither passed nor failed.
func ExampleProfile_Grade_guardBand() {
	m, _, err := geometry.ReadFile("../testdata/mt16.x3p", nil)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := ferrule.Analyze(m, ferrule.Options{})
	if err != nil {
		log.Fatal(err)
	}
	f := rep.Fibers[0]
	fmt.Printf("fiber 1: height %.1f ± %.2f nm, centre ± %.3f µm; X angle ± %.1g°\n",
		float64(f.HeightNM), float64(f.UHeightNM), float64(f.UPositionUM), float64(rep.Ferrule.UXAngleDeg))
	// A minimum height 0.1 nm below the lowest fiber's, within 2 u of it.
	prof, err := ferrule.ParseProfile(fmt.Appendf(nil, `{"name": "tight", "layouts": ["MT-16"], "limits": {"height_nm": {"min": %.1f}}}`,
		float64(rep.Summary.MinHeightNM)-0.1))
	if err != nil {
		log.Fatal(err)
	}
	prof.GuardBand = 2
	g, err := prof.Grade(rep)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range g.Checks {
		if c.Marginal {
			fmt.Printf("fiber %d marginal: %s\n", *c.Fiber, c.Reason)
		}
	}
	fmt.Println("pass:", g.Pass, "marginal:", g.Marginal)
	// Output:
	// fiber 1: height 1983.4 ± 0.14 nm, centre ± 0.023 µm; X angle ± 2e-07°
	// fiber 16 marginal: within 2·u = 0.2716 of a limit (u = 0.1358)
	// pass: false marginal: true
}
