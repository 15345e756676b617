package service

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
)

// BenchmarkLibrary is the library call the service makes, on
// testdata/mt16.x3p: decode, analyse, encode the report.
func BenchmarkLibrary(b *testing.B) {
	data := readFile(b, "../../testdata/mt16.x3p")
	var cfg batch.Config
	var an ferrule.Analyzer
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	cpu0 := cpuTime()
	for b.Loop() {
		res := batch.AnalyzeBytes(&an, "mt16.x3p", data, &cfg)
		if res.Err != nil {
			b.Fatal(res.Err)
		}
		if err := json.NewEncoder(io.Discard).Encode(res.Report); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

// reportCPU reports the process's CPU time per operation since cpu0: the
// cost of one analysis, client and server included, whatever the load.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if d := cpuTime() - cpu0; d > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkServed is the same analysis posted to a real server on a
// loopback port, one request at a time.
func BenchmarkServed(b *testing.B) {
	data := readFile(b, "../../testdata/mt16.x3p")
	_, ts := newTestServer(b, Config{})
	client := ts.Client()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	cpu0 := cpuTime()
	for b.Loop() {
		resp, err := client.Post(ts.URL+"/v1/analyze?filename=mt16.x3p", "application/octet-stream", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
	}
	reportCPU(b, cpu0)
}
