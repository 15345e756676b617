package ferrule_test

import (
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/internal/synth"
)

func benchMap(b *testing.B, layout string, cols, rows int) *geometry.HeightMap {
	p := synth.Random(layout, 3)
	p.Cols, p.Rows = cols, rows
	m, _, err := synth.Generate(p)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// benchmarkAnalyze measures the whole analysis (decode excluded) with the
// layout identified from the map, as "mtgeo analyze" does by default.
func benchmarkAnalyze(b *testing.B, layout string, cols, rows int) {
	m := benchMap(b, layout, cols, rows)
	var an ferrule.Analyzer
	b.ReportAllocs()
	for b.Loop() {
		if _, err := an.Analyze(m, ferrule.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cols*rows)*float64(b.N)/b.Elapsed().Seconds(), "px/s")
}

// benchmarkPass is the memory floor: one pass over the same map's pixels
// counting the valid ones.
func benchmarkPass(b *testing.B, layout string, cols, rows int) {
	m := benchMap(b, layout, cols, rows)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		for _, z := range m.Z {
			if !math.IsNaN(z) {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("no valid pixel")
	}
	b.ReportMetric(float64(cols*rows)*float64(b.N)/b.Elapsed().Seconds(), "px/s")
}

func BenchmarkAnalyzeMT16_2233x600(b *testing.B)  { benchmarkAnalyze(b, "MT-16", 2233, 600) }
func BenchmarkAnalyzeMT64_2233x800(b *testing.B)  { benchmarkAnalyze(b, "MT-64", 2233, 800) }
func BenchmarkAnalyzeMT64_2048x2048(b *testing.B) { benchmarkAnalyze(b, "MT-64", 2048, 2048) }
func BenchmarkPassMT16_2233x600(b *testing.B)     { benchmarkPass(b, "MT-16", 2233, 600) }
func BenchmarkPassMT64_2233x800(b *testing.B)     { benchmarkPass(b, "MT-64", 2233, 800) }
func BenchmarkPassMT64_2048x2048(b *testing.B)    { benchmarkPass(b, "MT-64", 2048, 2048) }
