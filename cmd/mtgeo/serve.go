package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/service"
	"github.com/mtgeo/mtgeo/ferrule/store"
)

const serveUsage = `usage: mtgeo serve [--addr 127.0.0.1:8765] [--db URL] [--token-file F] [--watch DIR] [-j N] [analysis flags]

Runs the station service: POST /v1/analyze with a height map as the body
(raw, or a multipart part named "file") and mtgeo analyze's options as
query parameters (fit-radius is fit_radius) answers the SPEC §8 report,
exactly what 'mtgeo analyze --format json' prints; GET /openapi.json
describes the whole API (docs/service.md). The analysis flags given here
are the defaults of every request and of the watch folder.

The service listens on loopback only unless --token-file is given; with a
token every request needs "Authorization: Bearer TOKEN". Logs are JSON
lines on stderr. SIGINT or SIGTERM stops it after the running analyses
are done and stored.

--watch DIR analyses the files dropped into DIR once complete (size and
time unchanged over two polls; names starting with "." or ending in .tmp
or .part are left alone) and moves them to DIR/done with NAME.json (the
report) or to DIR/failed with NAME.error.txt.

flags:
`

// readHeaderTimeout is the time limit for a request's header.
const readHeaderTimeout = 10 * time.Second

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := newUsageFlagSet("serve", serveUsage, stderr)
	var af analyzeFlags
	af.register(fs)
	addr := fs.String("addr", "127.0.0.1:8765", "address to listen on (host:port); a non-loopback host needs --token-file")
	tokenFile := fs.String("token-file", "", "file holding the bearer token every request must carry (its content without the trailing newline)")
	watch := fs.String("watch", "", "watch folder: analyse the files dropped into it")
	poll := fs.Duration("poll", 500*time.Millisecond, "watch-folder polling interval")
	workers := fs.Int("j", runtime.NumCPU(), "analyses run at once")
	queue := fs.Int("queue", service.DefaultQueue, "requests waiting for an analysis slot; more get 503 with Retry-After")
	maxBody := fs.Int64("max-body", service.DefaultMaxBody, "largest request body, bytes (413 above)")
	timeout := fs.Duration("analysis-timeout", service.DefaultAnalysisTimeout, "time limit of one analysis (504 beyond; it still finishes and is stored)")
	readTimeout := fs.Duration("read-timeout", service.DefaultBodyTimeout, "time limit to receive a request's body, from when its analysis starts")
	var sf storeFlags // --db, --lot, --station, --operator, --serial: the defaults of every measurement
	sf.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "mtgeo serve:", err)
		return exitError
	}
	if len(pos) > 0 {
		return fail(fmt.Errorf("no arguments expected, got %q (files go to POST /v1/analyze or --watch)", pos))
	}
	switch {
	case *workers < 1:
		return fail(fmt.Errorf("-j must be at least 1, not %d", *workers))
	case *queue < 0:
		return fail(fmt.Errorf("--queue must be at least 0, not %d", *queue))
	case *maxBody < 1:
		return fail(fmt.Errorf("--max-body must be at least 1 byte, not %d", *maxBody))
	case *timeout <= 0 || *readTimeout <= 0 || *poll <= 0:
		return fail(errors.New("--analysis-timeout, --read-timeout and --poll must be positive"))
	}
	token := ""
	if *tokenFile != "" {
		if token, err = readToken(*tokenFile); err != nil {
			return fail(err)
		}
	}
	if err := service.CheckAddr(*addr, token != ""); err != nil {
		return fail(err)
	}

	if sf.meta != "" {
		return fail(errors.New("--meta is for files named on the command line; a request gives lot, serial, station and operator as parameters"))
	}
	defaultCfg, err := af.config() // the defaults must make a valid analysis on their own
	if err != nil {
		return fail(err)
	}
	meta := store.Meta{Lot: sf.lot, Station: sf.station, Operator: sf.operator, Serial: sf.serial}

	// The analysis flags given on this command line are every request's
	// defaults.
	analysisNames := map[string]bool{}
	probe := flag.NewFlagSet("probe", flag.ContinueOnError)
	serveFlags(probe)
	probe.VisitAll(func(f *flag.Flag) { analysisNames[f.Name] = true })
	defaults := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		if analysisNames[f.Name] {
			defaults[f.Name] = f.Value.String()
		}
	})

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := service.Config{
		Flags:           serveFlags,
		Defaults:        defaults,
		Meta:            meta,
		Workers:         *workers,
		Queue:           *queue,
		MaxBody:         *maxBody,
		AnalysisTimeout: *timeout,
		BodyTimeout:     *readTimeout,
		Token:           token,
		Logger:          logger,
	}
	st, err := sf.open(ctx, defaultCfg) // nil without --db
	if err != nil {
		return fail(err)
	}
	if st != nil {
		defer st.Close()
		cfg.Store = st
	}
	s, err := service.New(cfg)
	if err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(err)
	}
	wait := time.Duration(1 + *queue / *workers) * (*timeout)
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		// The whole exchange: waiting in the queue (at most queue/j
		// analyses ahead), the body, the analysis. An analysis request
		// sets tighter deadlines of its own once it leaves the queue.
		ReadTimeout:  wait + *readTimeout,
		WriteTimeout: wait + *readTimeout + *timeout + time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	var wg sync.WaitGroup
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	watchErr := make(chan error, 1)
	if *watch != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Watch(watchCtx, *watch, *poll); err != nil {
				watchErr <- err
				stop() // the service without its watch folder is not what was asked for
			}
		}()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "workers", *workers, "queue", *queue, "max_body", *maxBody,
		"store", sf.db != "", "token", token != "", "watch", *watch)
	fmt.Fprintf(stdout, "mtgeo serve: listening on http://%s\n", ln.Addr())

	status := exitOK
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		logger.Error("server stopped", "error", err.Error())
		status = exitError
	}
	logger.Info("shutting down: finishing the running analyses")
	grace := *timeout + 30*time.Second
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown", "error", err.Error())
		status = exitError
	}
	if err := s.Drain(sctx); err != nil {
		logger.Error("analyses still running at exit", "error", err.Error())
		status = exitError
	}
	stopWatch()
	wg.Wait()
	select {
	case err := <-watchErr:
		logger.Error("watch folder", "error", err.Error())
		fmt.Fprintln(stderr, "mtgeo serve:", err)
		status = exitError
	default:
	}
	logger.Info("stopped")
	return status
}

// serveFlags are the analysis flags of one request: mtgeo analyze's own.
func serveFlags(fs *flag.FlagSet) func() (batch.Config, error) {
	var af analyzeFlags
	af.register(fs)
	return af.config
}

// readToken returns the token in path: its content without the trailing
// newline. An empty token, or one with spaces or control characters inside
// (which no Authorization header could carry), is refused.
func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	tok := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if tok == "" {
		return "", fmt.Errorf("--token-file %s is empty: put a token (e.g. 32 random hex digits) in it", path)
	}
	if strings.ContainsFunc(tok, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", fmt.Errorf("--token-file %s: the token holds spaces or control characters (only its trailing newline is dropped)", path)
	}
	return tok, nil
}
