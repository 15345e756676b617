package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/store"
)

// handleAnalyze is POST /v1/analyze.
func (s *Server) handleAnalyze(w http.ResponseWriter, r *http.Request) {
	if s.closed.Load() {
		writeError(w, http.StatusServiceUnavailable, "service: shutting down")
		return
	}
	req, err := s.parseQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	cfg, canon, err := s.config(req.flags)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if r.ContentLength > s.cfg.MaxBody {
		s.tooLarge(w, r.ContentLength)
		return
	}
	// Admission: a request runs or waits, or is turned away now, before
	// its body is read.
	select {
	case s.admit <- struct{}{}:
	default:
		w.Header().Set("Retry-After", strconv.Itoa(s.retryAfter()))
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("service: busy: %d analyses running and %d waiting; retry later", s.cfg.Workers, s.cfg.Queue))
		return
	}
	s.metrics.queued.Add(1)
	select {
	case s.slots <- struct{}{}:
		s.metrics.queued.Add(-1)
	case <-r.Context().Done():
		s.metrics.queued.Add(-1)
		<-s.admit
		return // the client has gone
	}
	// The slot and the admission token are released when the analysis
	// ends, which may be after this handler returns (timeout).
	release := func() { <-s.slots; <-s.admit }
	// The connection's deadlines start now, not when the request arrived:
	// waiting in the queue is not the client's fault. Servers without
	// deadlines (some test servers) refuse them; nothing to do then.
	rc := http.NewResponseController(w)
	now := time.Now()
	rc.SetReadDeadline(now.Add(s.cfg.BodyTimeout))
	rc.SetWriteDeadline(now.Add(s.cfg.BodyTimeout + s.cfg.AnalysisTimeout + time.Minute))
	data, name, err := s.readBody(w, r)
	if err != nil {
		release()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.tooLarge(w, -1)
			return
		}
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if req.name != "" {
		name = req.name
	}

	done := make(chan outcome, 1)
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		o := s.run(name, data, &cfg, req.meta, canon) // never panics
		// Released before the answer, so that a client posting one file
		// after another never finds its own last slot still taken.
		release()
		done <- o
	}()
	timer := time.NewTimer(s.cfg.AnalysisTimeout)
	defer timer.Stop()
	select {
	case o := <-done:
		s.answer(w, o)
	case <-timer.C:
		s.log.Warn("analysis timed out", "file", name, "timeout_s", s.cfg.AnalysisTimeout.Seconds())
		writeError(w, http.StatusGatewayTimeout, fmt.Sprintf("%s: analysis did not finish within %v; it goes on in the background and its result is stored when a database is configured", name, s.cfg.AnalysisTimeout))
	}
}

// outcome is one analysis' result, stored.
type outcome struct {
	res batch.Result
	id  int64
	err error // storing failed
}

// run analyses data and stores the result; it never panics.
func (s *Server) run(name string, data []byte, cfg *batch.Config, given store.Meta, canon string) (o outcome) {
	var d time.Duration
	o.res, d = s.analyse(name, data, cfg)
	// Stored whether or not the client still waits.
	o.id, o.err = s.save(o.res.Report, measurementMeta(&o.res, canon, given), o.res.Err)
	s.logAnalysis(&o, d)
	return o
}

// analyse analyses data, named name, with an Analyzer of the pool, counted
// in flight and timed in the metrics. batch.AnalyzeBytes never panics (a
// panic in the analysis is the Result's error, wrapping
// batch.ErrInternal), so the process never dies on a file.
func (s *Server) analyse(name string, data []byte, cfg *batch.Config) (batch.Result, time.Duration) {
	s.metrics.inFlight.Add(1)
	defer s.metrics.inFlight.Add(-1)
	start := time.Now()
	an := s.analyzers.Get().(*ferrule.Analyzer)
	res := s.analyze(an, name, data, cfg)
	if res.Err == nil {
		s.analyzers.Put(an) // a failed run's Analyzer, and what it holds, is dropped
	}
	d := time.Since(start)
	s.metrics.analysis(d.Seconds(), &res)
	return res, d
}

// measurementMeta is the stored description of res, analysed with the
// options canon (store.OptionsJSON): the file's name, SHA-256 and date
// (store.MetaFromResult), and the station, operator, lot and serial given
// by the request or the service, else, for the station and operator, the
// file's instrument and creator, as the command line's --db does.
func measurementMeta(res *batch.Result, canon string, given store.Meta) store.Meta {
	m := store.MetaFromResult(*res, canon) // station and operator: the file's instrument and creator
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&m.Station, given.Station}, {&m.Operator, given.Operator}, {&m.Lot, given.Lot}, {&m.Serial, given.Serial},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	return m
}

// save stores an analysis: its report, or its error when anErr is not
// nil. It returns the measurement's id, or the error of the write, which
// it counts (a panic of the store is such an error); without a store it
// does nothing.
func (s *Server) save(rep *ferrule.Report, meta store.Meta, anErr error) (id int64, err error) {
	if s.cfg.Store == nil {
		return 0, nil
	}
	defer func() {
		if p := recover(); p != nil {
			id, err = 0, fmt.Errorf("store: %s: %w (please report it): %v", meta.File, batch.ErrInternal, p)
		}
		if err != nil {
			s.metrics.storeErrors.Add(1)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if anErr == nil {
		id, _, err = s.cfg.Store.Save(ctx, rep, meta)
	} else {
		id, _, err = s.cfg.Store.SaveFailure(ctx, meta, anErr)
	}
	return id, err
}

// storeTimeout bounds one write to the results store.
const storeTimeout = 30 * time.Second

func (s *Server) logAnalysis(o *outcome, d time.Duration) {
	attrs := []any{"file", o.res.File, "format", o.res.Format, "duration_s", d.Seconds()}
	if o.id != 0 {
		attrs = append(attrs, "measurement_id", o.id)
	}
	if o.err != nil {
		attrs = append(attrs, "store_error", o.err.Error())
	}
	if !o.res.OK() {
		s.log.Info("analysis failed", append(attrs, "error", o.res.Err.Error())...)
		return
	}
	attrs = append(attrs, "layout", o.res.Report.Layout, "verdict", verdict(&o.res))
	s.log.Info("analysis", attrs...)
}

// verdict names a result for logs and metrics.
func verdict(r *batch.Result) string {
	switch {
	case !r.OK():
		return "error"
	case !r.Graded():
		return "ungraded"
	case r.Passed():
		return "pass"
	case r.Report.Grade.Marginal:
		return "marginal"
	}
	return "fail"
}

// answer writes an analysis' outcome: the report as mtgeo analyze --format
// json prints it, or the error.
func (s *Server) answer(w http.ResponseWriter, o outcome) {
	if o.err != nil {
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("%s: analysed, but storing the result failed: %v", o.res.File, o.err))
		return
	}
	if o.id != 0 {
		w.Header().Set("X-Measurement-Id", strconv.FormatInt(o.id, 10))
	}
	if !o.res.OK() {
		code := http.StatusUnprocessableEntity
		if errors.Is(o.res.Err, batch.ErrInternal) {
			code = http.StatusInternalServerError
		}
		writeError(w, code, o.res.Err.Error())
		return
	}
	writeJSON(w, http.StatusOK, o.res.Report)
}

func (s *Server) tooLarge(w http.ResponseWriter, n int64) {
	msg := fmt.Sprintf("request body larger than the limit of %d bytes (mtgeo serve --max-body)", s.cfg.MaxBody)
	if n > 0 {
		msg = fmt.Sprintf("request body of %d bytes is larger than the limit of %d bytes (mtgeo serve --max-body)", n, s.cfg.MaxBody)
	}
	// The rest of the body is not read: the connection is closed after
	// the answer.
	w.Header().Set("Connection", "close")
	writeError(w, http.StatusRequestEntityTooLarge, msg)
}

// readBody reads the upload, raw or the "file" part of a multipart form,
// never more than MaxBody bytes (an *http.MaxBytesError beyond). It
// returns the bytes and the upload's name: the multipart part's file name,
// else "upload".
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	name := defaultUploadName
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		var buf bytes.Buffer
		if n := r.ContentLength; n > 0 {
			buf.Grow(int(n) + bytes.MinRead) // at most MaxBody: checked before; ReadFrom wants MinRead free at the end
		}
		_, err := buf.ReadFrom(body)
		if err != nil {
			return nil, "", readError(err)
		}
		return buf.Bytes(), name, nil
	}
	if params["boundary"] == "" {
		return nil, "", errors.New("multipart body without a boundary")
	}
	r.Body = body
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", fmt.Errorf("multipart body: %w", err)
	}
	var data []byte
	found := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", readError(fmt.Errorf("multipart body: %w", err))
		}
		switch {
		case p.FormName() != "file":
			return nil, "", fmt.Errorf("multipart part %q: the body carries only the part \"file\"; options go in the query string (?layout=MT-16)", p.FormName())
		case found:
			return nil, "", errors.New("multipart body with more than one \"file\" part: one file per request")
		}
		found = true
		if fn := p.FileName(); fn != "" {
			name = fn
		}
		if data, err = io.ReadAll(p); err != nil {
			return nil, "", readError(fmt.Errorf("multipart part \"file\": %w", err))
		}
	}
	if !found {
		return nil, "", errors.New("multipart body without a \"file\" part")
	}
	return data, name, nil
}

// readError says what a broken upload is; a *http.MaxBytesError stays
// recognisable (errors.As) through the wrapping.
func readError(err error) error {
	return fmt.Errorf("reading the request body: %w", err)
}
