// Command gradefolder grades every height map in a folder the way a
// production script would, using the mtgeo library (ferrule,
// ferrule/batch, geometry) rather than the mtgeo command, and prints the
// yield and the failures by check.
//
//	go run ./examples/gradefolder testdata
//	go run ./examples/gradefolder -spec iec-style-pc-16 -j 2 /data/lot42
//
// Without -spec each file is graded with the built-in PC profile for its
// layout. With -strict the exit status is 1 when a file failed and 2 when
// one could not be analysed, for use in scripts; without it, 0 whenever
// the folder could be graded.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	_ "github.com/mtgeo/mtgeo/geometry/formats" // register every height-map format
)

func main() {
	spec := flag.String("spec", "", "spec profile (built-in name or JSON file); default: the built-in PC profile for each file's layout")
	workers := flag.Int("j", 0, "files analysed at once (default: one per CPU)")
	strict := flag.Bool("strict", false, "exit 1 when a file failed, 2 when one could not be analysed")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gradefolder [-spec NAME|FILE] [-j N] [-strict] FOLDER...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}

	// Which files: every file with a height-map extension, recursively.
	files, err := batch.Find(flag.Args(), batch.FindOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}

	// How to grade them.
	cfg := batch.Config{Workers: *workers}
	if *spec != "" {
		if cfg.Profile, err = ferrule.LoadProfile(*spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	} else {
		cfg.ProfileFor = batch.AutoProfile("PC")
	}

	// Run, printing one line per file as results arrive (in file order).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sum := batch.NewSummarizer()
	err = batch.Run(ctx, files, cfg, func(i int, r batch.Result) {
		sum.Add(r)
		switch {
		case !r.OK():
			fmt.Printf("%-40s ERROR  %v\n", r.File, r.Err)
		case r.Passed():
			fmt.Printf("%-40s PASS   %s\n", r.File, r.Report.Layout)
		default:
			fmt.Printf("%-40s FAIL   %s: %d of %d checks failed\n", r.File, r.Report.Layout, failed(r.Report), len(r.Report.Grade.Checks))
		}
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "interrupted:", err)
	}

	// Yield and failures by check.
	s := sum.Summary(cfg.Profile)
	fmt.Printf("\n%d files: %d analysed, %d errors, %d passed, %d failed\n", s.Count, s.Analysed, s.Errors, s.Passed, s.Failed)
	if s.Graded > 0 {
		fmt.Printf("yield %.1f %% of files, %.1f %% of analysed\n", 100*float64(s.Yield), 100*float64(s.YieldAnalysed))
	}
	if len(s.Failures) > 0 {
		fmt.Println("\nfailures by check        files  checks")
		for _, f := range s.Failures {
			fmt.Printf("  %-24s %5d  %6d\n", f.Check, f.Files, f.Checks)
		}
	}
	switch {
	case err != nil || *strict && s.Errors > 0:
		os.Exit(2)
	case *strict && s.Failed > 0:
		os.Exit(1)
	}
}

// failed counts the failed checks of a graded report.
func failed(rep *ferrule.Report) int {
	n := 0
	for _, c := range rep.Grade.Checks {
		if !c.Pass {
			n++
		}
	}
	return n
}
