package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Query selects measurements. Empty fields select everything; Since and
// Until bound measured_at (Since ≤ t < Until); Limit 0 means no limit.
type Query struct {
	Lot, Serial, Station, File string
	Since, Until               time.Time
	Limit                      int
	// Fiber keeps one fiber (its index) of a per-fiber parameter in Trend,
	// SPC and Export; 0 keeps every fiber.
	Fiber int
	// Report asks Measurements to fill each Measurement's Report (off by
	// default: a report is some 10 kB).
	Report bool
}

// Measurement is a stored measurement as queries return it.
type Measurement struct {
	ID         int64     `json:"id"`
	File       string    `json:"file"`
	SHA256     string    `json:"file_sha256"`
	MeasuredAt time.Time `json:"measured_at"`
	Station    string    `json:"station"`
	Operator   string    `json:"operator"`
	Lot        string    `json:"lot"`
	Serial     string    `json:"serial"`
	Layout     string    `json:"layout"`
	Profile    string    `json:"profile"`
	// Pass is nil when the measurement was not graded or not analysed.
	Pass     *bool  `json:"pass"`
	Marginal bool   `json:"marginal"`
	Error    string `json:"error,omitempty"`
	// SoftwareVersion is the version of the program that analysed it.
	SoftwareVersion string `json:"software_version"`
	// Report is the SPEC §8 report as stored (Measurement, Show, and
	// Measurements with Query.Report); empty for a failed analysis.
	Report json.RawMessage `json:"report,omitempty"`
}

// whereOf builds the WHERE clause of q on the measurements table under
// alias (with a leading " WHERE ", or ""), then the extra conditions
// (whose arguments, if any, the caller appends to the ones returned).
func (s *Store) whereOf(q Query, alias string, extra ...string) (string, []any) {
	var conds []string
	var args []any
	add := func(col string, op string, v any) {
		conds = append(conds, alias+`."`+col+`" `+op+` ?`)
		args = append(args, v)
	}
	if q.Lot != "" {
		add("lot", "=", q.Lot)
	}
	if q.Serial != "" {
		add("serial", "=", q.Serial)
	}
	if q.Station != "" {
		add("station", "=", q.Station)
	}
	if q.File != "" {
		add("file", "=", q.File)
	}
	if !q.Since.IsZero() {
		add("measured_at", ">=", s.timeArg(q.Since))
	}
	if !q.Until.IsZero() {
		add("measured_at", "<", s.timeArg(q.Until))
	}
	conds = append(conds, extra...)
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const measurementSelect = `SELECT m."id", m."file", m."file_sha256", m."measured_at", m."station", m."operator", m."lot", m."serial", m."layout", m."profile", m."pass", m."marginal", m."error", m."software_version"`

// Measurements returns the measurements q selects, newest first (by
// measured_at, then by id).
func (s *Store) Measurements(ctx context.Context, q Query) ([]Measurement, error) {
	where, args := s.whereOf(q, "m")
	sel := measurementSelect
	if q.Report {
		sel += `, m."report"`
	}
	text := sel + ` FROM measurements m` + where + ` ORDER BY m."measured_at" DESC, m."id" DESC`
	if q.Limit > 0 {
		text += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(text), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", s.name, err)
	}
	defer rows.Close()
	out := []Measurement{} // JSON [] rather than null when none match
	for rows.Next() {
		m, err := scanMeasurement(rows, q.Report)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", s.name, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", s.name, err)
	}
	return out, nil
}

// Measurement returns the measurement of that id with its report, or
// ErrNotFound.
func (s *Store) Measurement(ctx context.Context, id int64) (Measurement, error) {
	row := s.db.QueryRowContext(ctx, s.dialect.rebind(measurementSelect+`, m."report" FROM measurements m WHERE m."id" = ?`), id)
	m, err := scanMeasurement(row, true)
	if errors.Is(err, sql.ErrNoRows) {
		return Measurement{}, fmt.Errorf("%w: id %d", ErrNotFound, id)
	}
	if err != nil {
		return Measurement{}, fmt.Errorf("store: %s: %w", s.name, err)
	}
	return m, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanMeasurement(r scanner, withReport bool) (Measurement, error) {
	var m Measurement
	var sha, station, operator, lot, serial, errText sql.NullString
	var pass sql.NullBool
	var at timeScan
	dest := []any{&m.ID, &m.File, &sha, &at, &station, &operator, &lot, &serial, &m.Layout, &m.Profile, &pass, &m.Marginal, &errText, &m.SoftwareVersion}
	var report sql.NullString
	if withReport {
		dest = append(dest, &report)
	}
	if err := r.Scan(dest...); err != nil {
		return m, err
	}
	m.SHA256, m.Station, m.Operator, m.Lot, m.Serial, m.Error = sha.String, station.String, operator.String, lot.String, serial.String, errText.String
	m.MeasuredAt = at.t
	if pass.Valid {
		p := pass.Bool
		m.Pass = &p
	}
	if report.Valid {
		m.Report = json.RawMessage(report.String)
	}
	return m, nil
}
