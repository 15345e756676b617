// Command teststation shows the library as a polishing-line test station
// uses it: one Analyzer and one spec profile kept for the whole shift, one
// ferrule measured every few seconds, a verdict and the failing checks
// printed for the operator, and every problem with a file reported without
// stopping the station.
//
//	go run ./examples/teststation -layout MT-16 -spec iec-style-pc-16 testdata/mt16.x3p
//
// A real station would take file names from its instrument as they are
// written; here they come from the command line.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats" // every supported file format
)

func main() {
	layoutName := flag.String("layout", "MT-16", "ferrule layout")
	specName := flag.String("spec", "iec-style-pc-16", "spec profile: built-in name or JSON file")
	fixture := flag.Float64("fixture-angle", 0, "APC fixture angle, degrees")
	flag.Parse()

	layout, err := ferrule.LayoutByName(*layoutName)
	if err != nil {
		log.Fatal(err)
	}
	profile, err := ferrule.LoadProfile(*specName)
	if err != nil {
		log.Fatal(err)
	}
	opts := ferrule.Options{Layout: &layout, FixtureAngleDeg: *fixture}
	var an ferrule.Analyzer // reused: its buffers survive from ferrule to ferrule

	for _, path := range flag.Args() {
		start := time.Now()
		verdict, detail := measure(&an, path, opts, profile)
		fmt.Printf("%-40s %-5s %6.0f ms  %s\n", path, verdict, float64(time.Since(start).Microseconds())/1e3, detail)
	}
}

// measure analyses and grades one file and returns the operator's verdict:
// PASS, FAIL or ERROR (the part must be measured again).
func measure(an *ferrule.Analyzer, path string, opts ferrule.Options, profile *ferrule.Profile) (verdict, detail string) {
	m, _, err := geometry.ReadFile(path, nil)
	if err != nil {
		return "ERROR", err.Error()
	}
	rep, err := an.Analyze(m, opts)
	if err != nil {
		return "ERROR", err.Error()
	}
	g, err := profile.Grade(rep)
	if err != nil {
		return "ERROR", err.Error()
	}
	if g.Pass {
		return "PASS", fmt.Sprintf("heights %.0f…%.0f nm, minus coplanarity %.0f nm",
			float64(rep.Summary.MinHeightNM), float64(rep.Summary.MaxHeightNM), float64(rep.Summary.MinusCoplanarityNM))
	}
	failed := 0
	first := ""
	for _, c := range g.Checks {
		if c.Pass {
			continue
		}
		failed++
		if first == "" {
			first = c.Name
			if c.Fiber != nil {
				first = fmt.Sprintf("%s of fiber %d", c.Name, *c.Fiber)
			}
			if c.Reason != "" {
				first += " (" + c.Reason + ")"
			} else {
				first += fmt.Sprintf(" = %.4g", float64(c.Value))
			}
		}
	}
	return "FAIL", fmt.Sprintf("%d failed checks, first: %s", failed, first)
}

func init() {
	log.SetFlags(0)
	log.SetPrefix("teststation: ")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: teststation [-layout NAME] [-spec NAME|FILE] [-fixture-angle DEG] FILE...")
		flag.PrintDefaults()
	}
}
