package service

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/store"
)

// maxLimit bounds the measurements of one answer; defaultLimit is the
// number when the request does not say.
const (
	maxLimit     = 10000
	defaultLimit = 100
)

// parseMeasurementQuery reads lot, serial, station, file, since, until
// (RFC 3339 times, or dates 2006-01-02) and limit.
func parseMeasurementQuery(q url.Values) (store.Query, error) {
	out := store.Query{Limit: defaultLimit}
	for k, vs := range q {
		if len(vs) != 1 {
			return out, fmt.Errorf("query parameter %q given %d times", k, len(vs))
		}
		v := vs[0]
		var err error
		switch k {
		case "lot":
			out.Lot = v
		case "serial":
			out.Serial = v
		case "station":
			out.Station = v
		case "file":
			out.File = v
		case "since":
			out.Since, err = parseTime(v)
		case "until":
			out.Until, err = parseTime(v)
		case "limit":
			out.Limit, err = strconv.Atoi(v)
			if err == nil && (out.Limit < 1 || out.Limit > maxLimit) {
				err = fmt.Errorf("outside [1, %d]", maxLimit)
			}
		default:
			return out, fmt.Errorf("unknown query parameter %q (lot, serial, station, file, since, until, limit)", k)
		}
		if err != nil {
			return out, fmt.Errorf("query parameter %q: %q: %v", k, v, err)
		}
	}
	return out, nil
}

func parseTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, errors.New("not an RFC 3339 time (2006-01-02T15:04:05Z) or a date (2006-01-02)")
	}
	return t, nil
}

func (s *Server) noStore(w http.ResponseWriter) bool {
	if s.cfg.Store == nil {
		writeError(w, http.StatusNotFound, "no results store: start mtgeo serve with --db")
		return true
	}
	return false
}

func (s *Server) handleMeasurements(w http.ResponseWriter, r *http.Request) {
	if s.noStore(w) {
		return
	}
	q, err := parseMeasurementQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ms, err := s.cfg.Store.Measurements(r.Context(), q)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, ms)
}

func (s *Server) handleMeasurement(w http.ResponseWriter, r *http.Request) {
	if s.noStore(w) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("measurement id %q: a positive integer", r.PathValue("id")))
		return
	}
	m, err := s.cfg.Store.Measurement(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("no measurement %d", id))
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
	default:
		writeJSON(w, http.StatusOK, m)
	}
}

func (s *Server) handleSpecs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, ferrule.Profiles())
}

func (s *Server) handleLayouts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, ferrule.Layouts())
}

// health is the body of /healthz.
type health struct {
	Status   string           `json:"status"`
	Software ferrule.Software `json:"software"`
	Workers  int              `json:"workers"`
	Queue    int              `json:"queue"`
	Running  int64            `json:"running"`
	Waiting  int64            `json:"waiting"`
	Store    bool             `json:"store"`
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	status := "ok"
	if s.closed.Load() {
		status = "shutting_down"
	}
	writeJSON(w, http.StatusOK, health{Status: status, Software: ferrule.ThisSoftware(), Workers: s.cfg.Workers, Queue: s.cfg.Queue,
		Running: s.metrics.inFlight.Load(), Waiting: s.metrics.queued.Load(), Store: s.cfg.Store != nil})
}
