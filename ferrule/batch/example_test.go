package batch_test

import (
	"context"
	"fmt"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

// Grade files (here the MT-16 parts of the repository's bundled lot) against
// a built-in profile and print the yield and the failures by check.
func Example() {
	files, err := batch.Find([]string{"../../testdata/mt16.x3p", "../../testdata/mt16-fail-x-angle.x3p", "../../testdata/mt16-fail-low-fiber.x3p"}, batch.FindOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	prof, err := ferrule.LoadProfile("iec-style-pc-16")
	if err != nil {
		fmt.Println(err)
		return
	}
	var results []batch.Result
	err = batch.Run(context.Background(), files, batch.Config{Profile: prof}, func(i int, r batch.Result) {
		results = append(results, r)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := batch.Summarize(results, prof)
	fmt.Printf("%d files, %d analysed, %d passed: yield %.0f %%\n", s.Count, s.Analysed, s.Passed, 100*float64(s.Yield))
	for _, f := range s.Failures {
		fmt.Printf("%-25s %d file(s), %d check(s)\n", f.Check, f.Files, f.Checks)
	}
	// Output:
	// 3 files, 3 analysed, 1 passed: yield 33 %
	// adjacent_differential_nm  1 file(s), 1 check(s)
	// minus_coplanarity_nm      1 file(s), 1 check(s)
	// x_angle_deg               1 file(s), 1 check(s)
}

func ExampleCpk() {
	// X angles of a lot: mean 0.03°, σ 0.03°, limits ±0.15° (IEC-style):
	// Cpk = min(0.15 − 0.03, 0.03 + 0.15)/(3·0.03) = 0.12/0.09.
	fmt.Printf("%.3f\n", batch.Cpk(0.03, 0.03, -0.15, 0.15))
	// Output:
	// 1.333
}
