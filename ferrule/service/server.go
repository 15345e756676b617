package service

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/store"
)

// Flags registers the analysis flags on fs, named as the command line
// names them (fit-radius, fixture-angle, ...), and returns the function
// that builds the analysis configuration once they are set. The service
// calls it once per request on a fresh FlagSet, sets the defaults and the
// request's parameters with fs.Set, and calls build: the request is then
// configured, and refused with the same error texts, exactly as the
// command line would be.
type Flags func(fs *flag.FlagSet) (build func() (batch.Config, error))

// Config configures a Server.
type Config struct {
	// Flags defines the analysis options (required).
	Flags Flags
	// Defaults are flag values (by command-line name) set before each
	// request's own parameters: the options the service was started with.
	// New builds them once, reading any layout or profile file they name:
	// a request without parameters uses that configuration, and one with
	// parameters reads the files again (and is refused if they are gone).
	Defaults map[string]string
	// Meta holds the default station, operator, lot and serial of every
	// measurement; a request's parameters override them.
	Meta store.Meta
	// Workers is the number of analyses run at once; 0 means 1.
	Workers int
	// Queue is how many requests may wait for an analysis slot; more are
	// answered 503. 0 means none wait; negative is refused.
	Queue int
	// MaxBody is the largest request body accepted, bytes; 0 means
	// DefaultMaxBody.
	MaxBody int64
	// AnalysisTimeout bounds the wait for one analysis; 0 means
	// DefaultAnalysisTimeout.
	AnalysisTimeout time.Duration
	// BodyTimeout bounds the upload of a request's body, counted from the
	// moment the request gets its analysis slot (time spent in the queue
	// does not count); 0 means DefaultBodyTimeout.
	BodyTimeout time.Duration
	// Token, when not empty, must come with every request as
	// "Authorization: Bearer <Token>".
	Token string
	// Store keeps the measurements (SPEC §13); nil stores nothing and
	// answers the measurement routes 404. The caller opens and closes it.
	Store *store.Store
	// Logger receives the request and analysis logs; nil means no logs.
	Logger *slog.Logger
}

const (
	// DefaultMaxBody is the default limit of a request body: 256 MiB,
	// above the largest maps instruments write (4 Mpx of float64 heights
	// with a validity layer is some 40 MB; text exports several times that).
	DefaultMaxBody = 256 << 20
	// DefaultAnalysisTimeout is the default time limit of one analysis,
	// two orders of magnitude above the second a large map takes.
	DefaultAnalysisTimeout = 2 * time.Minute
	// DefaultBodyTimeout is the default time limit of an upload: 256 MiB
	// at 1 MB/s.
	DefaultBodyTimeout = 5 * time.Minute
	// DefaultQueue is the default number of requests waiting for a slot.
	DefaultQueue = 16
)

// Server is the HTTP service. Create it with New.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	routes  []route
	admit   chan struct{} // a token per request running or queued
	slots   chan struct{} // a token per analysis running
	running sync.WaitGroup
	metrics *metrics
	log     *slog.Logger
	// analyze is batch.AnalyzeBytes; tests put a failing one in its place.
	analyze func(an *ferrule.Analyzer, name string, data []byte, cfg *batch.Config) batch.Result
	// analyzers hold the buffers of the analyses between requests.
	analyzers sync.Pool
	closed    atomic.Bool
	// byParam holds the analysis flags (Config.Flags) that are query
	// parameters, by parameter name.
	byParam map[string]*flag.Flag
	// openapi is the OpenAPI document /openapi.json serves, built by New.
	openapi []byte
	// crashAt, in tests, stops the watch folder before that step.
	crashAt string
	// defaults is the configuration of a request that sets no analysis
	// parameter (Config.Defaults alone), with its canonical options.
	defaults      batch.Config
	defaultsCanon string
}

// New returns a server with cfg, or an error for an invalid cfg (no Flags,
// a negative bound, defaults the flags refuse).
func New(cfg Config) (*Server, error) {
	if cfg.Flags == nil {
		return nil, errors.New("service: no analysis flags")
	}
	if cfg.Workers == 0 {
		cfg.Workers = 1
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.AnalysisTimeout == 0 {
		cfg.AnalysisTimeout = DefaultAnalysisTimeout
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	switch {
	case cfg.Workers < 0:
		return nil, fmt.Errorf("service: %d workers: at least 1", cfg.Workers)
	case cfg.Queue < 0:
		return nil, fmt.Errorf("service: queue of %d: at least 0", cfg.Queue)
	case cfg.MaxBody < 0:
		return nil, fmt.Errorf("service: body limit of %d bytes: at least 1", cfg.MaxBody)
	case cfg.AnalysisTimeout < 0 || cfg.BodyTimeout < 0:
		return nil, fmt.Errorf("service: timeouts %v, %v: must be positive", cfg.AnalysisTimeout, cfg.BodyTimeout)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:     cfg,
		mux:     http.NewServeMux(),
		admit:   make(chan struct{}, cfg.Workers+cfg.Queue),
		slots:   make(chan struct{}, cfg.Workers),
		metrics: newMetrics(),
		log:     cfg.Logger,
		analyze: batch.AnalyzeBytes,
	}
	s.analyzers.New = func() any { return new(ferrule.Analyzer) }
	params := paramFlags(cfg.Flags)
	s.byParam = make(map[string]*flag.Flag, len(params))
	for _, f := range params {
		s.byParam[paramName(f.Name)] = f
	}
	// The defaults must make a valid configuration on their own. It is
	// built once: a layout or profile file they name is read now, not at
	// every request, and its removal or an edit halfway through a shift
	// changes nothing until the server restarts.
	var err error
	if s.defaults, s.defaultsCanon, err = s.buildConfig(nil); err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}
	// The document is built once: the parameters never change.
	if s.openapi, err = buildOpenAPI(params); err != nil {
		return nil, fmt.Errorf("service: OpenAPI document: %w", err)
	}
	s.routes = s.routeTable()
	for _, rt := range s.routes {
		s.mux.HandleFunc(rt.method+" "+rt.path, rt.handler)
	}
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// route is one operation of the API; the table registers the mux and is
// what the OpenAPI document is checked against.
type route struct {
	method, path string
	handler      http.HandlerFunc
}

func (s *Server) routeTable() []route {
	return []route{
		{"POST", "/v1/analyze", s.handleAnalyze},
		{"GET", "/v1/measurements", s.handleMeasurements},
		{"GET", "/v1/measurements/{id}", s.handleMeasurement},
		{"GET", "/v1/specs", s.handleSpecs},
		{"GET", "/v1/layouts", s.handleLayouts},
		{"GET", "/healthz", s.handleHealth},
		{"GET", "/metrics", s.handleMetrics},
		{"GET", "/openapi.json", s.handleOpenAPI},
	}
}

// ServeHTTP authenticates the request, routes it, counts it and logs it.
// A panic in a handler is answered 500 and logged; the server goes on.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p))
			if !rw.wrote {
				writeError(rw, http.StatusInternalServerError, fmt.Sprintf("service: internal error (please report it): %v", p))
			}
		}
		routeName := r.Pattern
		if routeName == "" || routeName == "/" {
			routeName = "other"
		}
		s.metrics.request(routeName, rw.code())
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", routeName, "status", rw.code(),
			"bytes", rw.n, "duration_s", time.Since(start).Seconds(), "remote", r.RemoteAddr)
	}()
	if !s.authorized(r) {
		rw.Header().Set("WWW-Authenticate", `Bearer realm="mtgeo"`)
		writeError(rw, http.StatusUnauthorized, "missing or wrong bearer token (Authorization: Bearer <token>)")
		return
	}
	s.mux.ServeHTTP(rw, r)
}

// authorized compares the bearer token in constant time.
func (s *Server) authorized(r *http.Request) bool {
	if s.cfg.Token == "" {
		return true
	}
	const prefix = "Bearer "
	h := r.Header.Get("Authorization")
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(h[len(prefix):]), []byte(s.cfg.Token)) == 1
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	for _, rt := range s.routes {
		if rt.path == r.URL.Path {
			w.Header().Set("Allow", rt.method)
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s %s: method not allowed (use %s)", r.Method, r.URL.Path, rt.method))
			return
		}
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("no route %s %s (see /openapi.json)", r.Method, r.URL.Path))
}

// Drain waits until the analyses running in the background (those whose
// requests timed out) are done and stored, or until ctx is done. Call it
// after http.Server.Shutdown, which waits for the requests themselves.
func (s *Server) Drain(ctx context.Context) error {
	s.closed.Store(true)
	done := make(chan struct{})
	go func() { s.running.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// statusWriter records the status code and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	n      int64
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

func (w *statusWriter) code() int {
	if !w.wrote {
		return http.StatusOK
	}
	return w.status
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errorBody is the body of every error answer.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{msg})
}

// writeJSON answers code with v as one line of JSON, as json.Encoder
// writes it (mtgeo analyze --format json), or 500 if v cannot be encoded.
func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		code = http.StatusInternalServerError
		buf.Reset()
		json.NewEncoder(&buf).Encode(errorBody{fmt.Sprintf("service: encoding the answer: %v", err)})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// CheckAddr refuses to listen on addr (host:port) with no token unless the
// host is a loopback address ("localhost", 127.0.0.0/8, ::1): a station
// service reachable from the network must authenticate its callers. An
// empty host (all interfaces) is not loopback.
func CheckAddr(addr string, haveToken bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("service: address %q: %w", addr, err)
	}
	if haveToken || isLoopback(host) {
		return nil
	}
	what := host
	if what == "" {
		what = "all interfaces"
	}
	return fmt.Errorf("service: refusing to listen on %s (%s) without a token: bind to 127.0.0.1 or give --token-file", addr, what)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// retryAfter estimates the seconds until a slot frees: the mean analysis
// time times the requests ahead per worker, at least 1.
func (s *Server) retryAfter() int {
	mean := s.metrics.meanDuration()
	if mean <= 0 {
		mean = 1
	}
	ahead := float64(len(s.admit)) / float64(s.cfg.Workers)
	return max(1, int(math.Ceil(mean*ahead)))
}
