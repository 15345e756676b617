package store

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkSave is the cost of saving one graded MT-12 report (12 fiber
// rows, its checks) as a new measurement, per engine: to set against
// the 120 ms of analysing a 2233×600 px map (ferrule/batch BenchmarkFile).
func BenchmarkSave(b *testing.B) {
	rep := testResult(b).Report
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			s := open(b, e.url(b))
			ctx := context.Background()
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i++
				if _, _, err := s.Save(ctx, rep, Meta{File: fmt.Sprint(i), SHA256: fakeSHA(fmt.Sprint(i))}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
