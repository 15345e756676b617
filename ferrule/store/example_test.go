package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/store"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

// Analyse a file, save the result in a SQLite file with its lot and
// station, and read it back, as a station program would.
func Example() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "results.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	prof, _ := ferrule.LoadProfile("iec-style-pc-16")
	cfg := batch.Config{Profile: prof}
	res := batch.AnalyzeFile(new(ferrule.Analyzer), "../../testdata/mt16.x3p", &cfg)
	if res.Err != nil {
		log.Fatal(res.Err)
	}
	opts, _ := store.OptionsJSON(cfg.Read, cfg.Analysis)
	meta := store.MetaFromResult(res, opts)
	meta.Lot, meta.Station, meta.Serial = "L42", "polish-3", "SN-0001"
	id, created, err := s.Save(ctx, res.Report, meta)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("saved", id, created)
	_, created, _ = s.Save(ctx, res.Report, meta) // a re-run: the same row
	fmt.Println("again", created)

	ms, err := s.Measurements(ctx, store.Query{Lot: "L42"})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range ms {
		fmt.Println(filepath.Base(m.File), m.Layout, m.Profile, "pass:", *m.Pass, "serial:", m.Serial)
	}
	lots, _ := s.Lots(ctx, store.Query{})
	fmt.Printf("lot %s: %d measured, yield %.2f\n", lots[0].Lot, lots[0].Count, float64(lots[0].Yield))

	// Output:
	// saved 1 true
	// again false
	// mt16.x3p MT-16 iec-style-pc-16 pass: true serial: SN-0001
	// lot L42: 1 measured, yield 1.00
}
