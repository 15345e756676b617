package service

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/mtgeo/mtgeo/ferrule/batch"
)

// durationBuckets are the analysis-duration histogram's upper bounds,
// seconds: a 1 Mpx map takes some 0.1–0.5 s, a 4 Mpx one a few seconds.
var durationBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// metrics are the service's counters, written in the Prometheus text
// exposition format (version 0.0.4) by hand.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // {route, code}
	verdicts map[string]uint64
	watched  map[string]uint64 // watch-folder files by outcome
	buckets  []uint64          // cumulative counts are formed on output
	sum      float64
	count    uint64

	queued      atomic.Int64
	inFlight    atomic.Int64
	storeErrors atomic.Uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, verdicts: map[string]uint64{}, watched: map[string]uint64{},
		buckets: make([]uint64, len(durationBuckets)+1)}
}

func (m *metrics) request(route string, code int) {
	m.mu.Lock()
	m.requests[[2]string{route, fmt.Sprint(code)}]++
	m.mu.Unlock()
}

func (m *metrics) analysis(seconds float64, r *batch.Result) {
	i := sort.SearchFloat64s(durationBuckets, seconds) // first bound ≥ seconds
	m.mu.Lock()
	m.buckets[i]++
	m.sum += seconds
	m.count++
	m.verdicts[verdict(r)]++
	m.mu.Unlock()
}

func (m *metrics) watchedFile(outcome string) {
	m.mu.Lock()
	m.watched[outcome]++
	m.mu.Unlock()
}

// meanDuration is the mean analysis time so far, seconds (0 before the
// first).
func (m *metrics) meanDuration() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.count == 0 {
		return 0
	}
	return m.sum / float64(m.count)
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP mtgeo_http_requests_total HTTP requests by route and status code.")
	fmt.Fprintln(w, "# TYPE mtgeo_http_requests_total counter")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var errs uint64
	for _, k := range keys {
		fmt.Fprintf(w, "mtgeo_http_requests_total{route=%q,code=%q} %d\n", k[0], k[1], m.requests[k])
		if k[1] >= "400" {
			errs += m.requests[k]
		}
	}
	fmt.Fprintln(w, "# HELP mtgeo_http_errors_total HTTP requests answered with a 4xx or 5xx status.")
	fmt.Fprintln(w, "# TYPE mtgeo_http_errors_total counter")
	fmt.Fprintf(w, "mtgeo_http_errors_total %d\n", errs)

	fmt.Fprintln(w, "# HELP mtgeo_analyses_total Analyses by verdict (error: the file could not be read, analysed or graded).")
	fmt.Fprintln(w, "# TYPE mtgeo_analyses_total counter")
	for _, v := range []string{"pass", "fail", "marginal", "ungraded", "error"} {
		fmt.Fprintf(w, "mtgeo_analyses_total{verdict=%q} %d\n", v, m.verdicts[v])
	}
	fmt.Fprintln(w, "# HELP mtgeo_analysis_errors_total Files that could not be read, analysed or graded.")
	fmt.Fprintln(w, "# TYPE mtgeo_analysis_errors_total counter")
	fmt.Fprintf(w, "mtgeo_analysis_errors_total %d\n", m.verdicts["error"])

	fmt.Fprintln(w, "# HELP mtgeo_analysis_duration_seconds Time to read, analyse, grade and store one file.")
	fmt.Fprintln(w, "# TYPE mtgeo_analysis_duration_seconds histogram")
	var cum uint64
	for i, b := range durationBuckets {
		cum += m.buckets[i]
		fmt.Fprintf(w, "mtgeo_analysis_duration_seconds_bucket{le=%q} %d\n", formatFloat(b), cum)
	}
	cum += m.buckets[len(durationBuckets)]
	fmt.Fprintf(w, "mtgeo_analysis_duration_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "mtgeo_analysis_duration_seconds_sum %s\n", formatFloat(m.sum))
	fmt.Fprintf(w, "mtgeo_analysis_duration_seconds_count %d\n", m.count)

	fmt.Fprintln(w, "# HELP mtgeo_queue_depth Requests waiting for an analysis slot.")
	fmt.Fprintln(w, "# TYPE mtgeo_queue_depth gauge")
	fmt.Fprintf(w, "mtgeo_queue_depth %d\n", m.queued.Load())
	fmt.Fprintln(w, "# HELP mtgeo_analyses_in_flight Analyses running.")
	fmt.Fprintln(w, "# TYPE mtgeo_analyses_in_flight gauge")
	fmt.Fprintf(w, "mtgeo_analyses_in_flight %d\n", m.inFlight.Load())
	fmt.Fprintln(w, "# HELP mtgeo_store_errors_total Results that could not be stored.")
	fmt.Fprintln(w, "# TYPE mtgeo_store_errors_total counter")
	fmt.Fprintf(w, "mtgeo_store_errors_total %d\n", m.storeErrors.Load())
	fmt.Fprintln(w, "# HELP mtgeo_watch_files_total Watch-folder files by outcome (done, failed, recovered).")
	fmt.Fprintln(w, "# TYPE mtgeo_watch_files_total counter")
	for _, v := range []string{"done", "failed", "recovered"} {
		fmt.Fprintf(w, "mtgeo_watch_files_total{outcome=%q} %d\n", v, m.watched[v])
	}
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return fmt.Sprintf("%g", f)
}
