package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
)

// Lot is one lot's count and yield.
type Lot struct {
	Lot string `json:"lot"` // "" for measurements without a lot
	// Count is every measurement of the lot, those that could not be
	// analysed included; Errors are those, Graded those with a verdict.
	Count    int `json:"count"`
	Errors   int `json:"errors"`
	Graded   int `json:"graded"`
	Passed   int `json:"passed"`
	Marginal int `json:"marginal"`
	// Yield is Passed/Count (SPEC §13: a measurement that could not be
	// analysed counts as failed, so does an ungraded one); null when no
	// measurement of the lot was graded.
	Yield ferrule.Num `json:"yield"`
	First time.Time   `json:"first"`
	Last  time.Time   `json:"last"`
}

// Lots returns the count, yield and first and last measurement time of
// every lot q selects (q.Lot selects one), in the order of their first
// measurement.
func (s *Store) Lots(ctx context.Context, q Query) ([]Lot, error) {
	where, args := s.whereOf(q, "m")
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT m."lot", COUNT(*),
		SUM(CASE WHEN m."error" IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN m."pass" IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN m."pass" THEN 1 ELSE 0 END),
		SUM(CASE WHEN m."marginal" THEN 1 ELSE 0 END),
		MIN(m."measured_at"), MAX(m."measured_at")
		FROM measurements m`+where+` GROUP BY m."lot" ORDER BY MIN(m."measured_at"), m."lot"`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: lots: %w", s.name, err)
	}
	defer rows.Close()
	var out []Lot
	for rows.Next() {
		var l Lot
		var lot sql.NullString
		var first, last timeScan
		if err := rows.Scan(&lot, &l.Count, &l.Errors, &l.Graded, &l.Passed, &l.Marginal, &first, &last); err != nil {
			return nil, fmt.Errorf("store: %s: lots: %w", s.name, err)
		}
		l.Lot, l.First, l.Last = lot.String, first.t, last.t
		l.Yield = ferrule.Num(math.NaN())
		if l.Graded > 0 {
			l.Yield = ferrule.Num(float64(l.Passed) / float64(l.Count))
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Show returns the measurements of a part serial or of a file name (the
// path as stored, or its last element), newest first, with their
// reports.
func (s *Store) Show(ctx context.Context, serialOrFile string) ([]Measurement, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(measurementSelect+`, m."report" FROM measurements m
		WHERE m."serial" = ? OR m."file" = ? OR m."file" LIKE ? ESCAPE '\'
		ORDER BY m."measured_at" DESC, m."id" DESC`), serialOrFile, serialOrFile, "%/"+escapeLike(serialOrFile))
	if err != nil {
		return nil, fmt.Errorf("store: %s: show: %w", s.name, err)
	}
	defer rows.Close()
	var out []Measurement
	for rows.Next() {
		m, err := scanMeasurement(rows, true)
		if err != nil {
			return nil, fmt.Errorf("store: %s: show: %w", s.name, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
