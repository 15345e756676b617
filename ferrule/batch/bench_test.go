package batch_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// benchFiles writes n random MT-16 end faces (2233×600 px, 3 µm, as
// "mtgeo synth --random") as float32 X3P to a temporary folder.
func benchFiles(b *testing.B, n int) []string {
	dir := b.TempDir()
	files := make([]string, n)
	for i := range files {
		files[i] = filepath.Join(dir, fmt.Sprintf("mt16-%02d.x3p", i))
		writeSynth(b, files[i], synth.Random("MT-16", uint64(100+i)))
	}
	return files
}

// BenchmarkFile is the single-file rate: read, analyse and grade one
// file, as each worker of a batch does.
func BenchmarkFile(b *testing.B) {
	benchmarkFile(b, benchFiles(b, 1)[0], "iec-style-pc-16")
}

// benchmarkFile reads, analyses and grades the file at path against the
// named profile, over and over.
func benchmarkFile(b *testing.B, path, profile string) {
	prof, err := ferrule.LoadProfile(profile)
	if err != nil {
		b.Fatal(err)
	}
	cfg := batch.Config{Profile: prof}
	var an ferrule.Analyzer
	b.ReportAllocs()
	for b.Loop() {
		if r := batch.AnalyzeFile(&an, path, &cfg); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkFileToVerdict4MP reads, analyses and grades one 4-megapixel
// MT-64 X3P of float64 heights (2048×2048 px, 32 MiB of point data that
// noise leaves almost incompressible), as "mtgeo synth --layout MT-64
// --cols 2048 --rows 2048 --random" writes it and "mtgeo analyze" reads
// it, on every processor: the library's side of the file-to-verdict
// comparison with "unzip -p FILE bin/data.bin | md5sum" (README).
func BenchmarkFileToVerdict4MP(b *testing.B) {
	p := synth.Random("MT-64", 5)
	p.Cols, p.Rows = 2048, 2048
	m, _, err := synth.Generate(p)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "mt64-4mp.x3p")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := x3p.Encode(f, m, nil); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	benchmarkFile(b, path, "iec-style-pc-multirow")
}

// BenchmarkBatch runs a batch of 8 files with one worker and with one per
// CPU. Each worker is one processor's share (Run), so with NumCPU workers
// the files/s should be NumCPU times that of one worker, less what the
// machine's other load takes; BenchmarkFile, a single file on every
// processor, is faster than one worker.
func BenchmarkBatch(b *testing.B) {
	const n = 8
	files := benchFiles(b, n)
	prof, err := ferrule.LoadProfile("iec-style-pc-16")
	if err != nil {
		b.Fatal(err)
	}
	for _, j := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("j=%d", j), func(b *testing.B) {
			cfg := batch.Config{Workers: j, Profile: prof}
			b.ReportAllocs()
			for b.Loop() {
				z := batch.NewSummarizer()
				if err := batch.Run(context.Background(), files, cfg, func(_ int, r batch.Result) { z.Add(r) }); err != nil {
					b.Fatal(err)
				}
				if s := z.Summary(prof); s.Analysed != n {
					b.Fatalf("%d of %d analysed", s.Analysed, n)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "files/s")
		})
	}
}

// BenchmarkFileToVerdictSample reads, analyses and grades the MT-32 end
// face of ../shared/samples, written by an independent generator through
// Python's zipfile: 1.3 megapixels of float64 deflated by zlib (9.8 MB),
// which takes longer to inflate than what Go's compress/flate writes. It
// skips where the folder is absent.
func BenchmarkFileToVerdictSample(b *testing.B) {
	path := filepath.Join("..", "..", "..", "shared", "samples", "mt32-sample.x3p")
	if _, err := os.Stat(path); err != nil {
		b.Skip("../shared/samples not present")
	}
	benchmarkFile(b, path, "iec-style-pc-16")
}
