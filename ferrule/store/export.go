package store

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
)

// GradedParams lists the parameters graded (with a check) in the
// measurements q selects, in the order of their checks.
func (s *Store) GradedParams(ctx context.Context, q Query) ([]string, error) {
	where, args := s.whereOf(q, "m")
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT c."name", MIN(c."seq") FROM checks c JOIN measurements m ON m."id" = c."measurement_id"`+
		where+` GROUP BY c."name" ORDER BY MIN(c."seq"), c."name"`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", s.name, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		var seq int
		if err := rows.Scan(&name, &seq); err != nil {
			return nil, fmt.Errorf("store: %s: %w", s.name, err)
		}
		if _, err := LookupParam(name); err == nil { // a check of the report's fields
			out = append(out, name)
		}
	}
	return out, rows.Err()
}

// exportSeries gathers the series of params (every graded one when
// empty) over q.
func (s *Store) exportSeries(ctx context.Context, params []string, q Query) ([]Series, error) {
	if len(params) == 0 {
		var err error
		if params, err = s.GradedParams(ctx, q); err != nil {
			return nil, err
		}
		if len(params) == 0 {
			return nil, errors.New("store: no graded parameter in the selection: name the parameters to export")
		}
	}
	var all []Series
	for _, p := range params {
		sr, err := s.Trend(ctx, p, q, nil)
		if err != nil {
			return nil, err
		}
		all = append(all, sr...)
	}
	return all, nil
}

// Export writes the values of params over q in format "csv" (ExportCSV)
// or "aqdef" (ExportAQDEF).
func (s *Store) Export(ctx context.Context, w io.Writer, format string, params []string, q Query) error {
	switch strings.ToLower(format) {
	case "csv":
		return s.ExportCSV(ctx, w, params, q)
	case "aqdef", "dfq":
		return s.ExportAQDEF(ctx, w, params, q)
	}
	return fmt.Errorf("store: export format %q: want csv or aqdef", format)
}

// ExportCSV writes the values of params (every graded parameter when
// empty) of the measurements q selects as CSV, one row per value:
// measurement_id, measured_at (RFC 3339, UTC), file, lot, station,
// operator, serial, parameter, fiber (empty for a ferrule or summary
// field), value, lsl, usl (empty where open). Rows are in time order,
// then parameter and fiber. Numbers as the batch tables write them
// (shortest exact digits, '.' decimals).
func (s *Store) ExportCSV(ctx context.Context, w io.Writer, params []string, q Query) error {
	all, err := s.exportSeries(ctx, params, q)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"measurement_id", "measured_at", "file", "lot", "station", "operator", "serial", "parameter", "fiber", "value", "lsl", "usl"})
	for _, r := range inTimeOrder(all) {
		fiber := ""
		if r.sr.Fiber > 0 {
			fiber = strconv.Itoa(r.sr.Fiber)
		}
		cw.Write([]string{strconv.FormatInt(r.p.MeasurementID, 10), r.p.MeasuredAt.UTC().Format("2006-01-02T15:04:05.999999Z07:00"),
			r.p.File, r.p.Lot, r.p.Station, r.p.Operator, r.p.Serial, r.sr.Param, fiber,
			ferrule.FormatNum(r.p.Value), ferrule.FormatNum(float64(r.sr.Limits.LSL)), ferrule.FormatNum(float64(r.sr.Limits.USL))})
	}
	cw.Flush()
	return cw.Error()
}

// seriesPoint is a point of series sr, all[k] of the series exported.
type seriesPoint struct {
	sr *Series
	k  int
	p  Point
}

// inTimeOrder flattens the points of all in time order (measured_at, then
// measurement id), then series order.
func inTimeOrder(all []Series) []seriesPoint {
	var out []seriesPoint
	for k := range all {
		for _, p := range all[k].Points {
			out = append(out, seriesPoint{&all[k], k, p})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.p.MeasuredAt.Equal(b.p.MeasuredAt) {
			return a.p.MeasuredAt.Before(b.p.MeasuredAt)
		}
		if a.p.MeasurementID != b.p.MeasurementID {
			return a.p.MeasurementID < b.p.MeasurementID
		}
		return a.k < b.k
	})
	return out
}

// asciiUnit is a field's unit for AQDEF's K2142, in ASCII ("um").
func asciiUnit(f ferrule.Field) string { return strings.ReplaceAll(f.Unit, "µ", "u") }

// ExportAQDEF writes the values of params (every graded parameter when
// empty) of the measurements q selects as a Q-DAS AQDEF (.dfq) K-field
// file that SPC software imports: one part (K1001 the layout, or the
// layouts joined with "+"), one characteristic per series, so one per
// fiber for a fiber field (K2001 its number, K2002 the parameter and
// fiber, K2142 the unit, K2110/K2111 the lower and upper limits where
// set), and for every value K0001 the value, K0004 the time (UTC,
// dd.mm.yyyy/hh:mm:ss), K0006 the lot, K0008 the operator, K0010 the
// station and K0014 the part serial, each K00xx/i following its K0001/i.
// Values are written measurement by measurement in time order.
func (s *Store) ExportAQDEF(ctx context.Context, w io.Writer, params []string, q Query) error {
	all, err := s.exportSeries(ctx, params, q)
	if err != nil {
		return err
	}
	layouts, err := s.layouts(ctx, q)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	line := func(k string, i int, v string) {
		v = strings.Map(func(r rune) rune { // one field per line
			if r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, v)
		fmt.Fprintf(bw, "%s/%d %s\r\n", k, i, v)
	}
	fmt.Fprintf(bw, "K0100 %d\r\n", len(all))
	part := strings.Join(layouts, "+")
	if part == "" {
		part = "MT ferrule"
	}
	line("K1001", 1, part)
	line("K1002", 1, "MT ferrule end face (mtgeo)")
	for i, sr := range all {
		c := i + 1
		p, _ := LookupParam(sr.Param)
		line("K2001", c, strconv.Itoa(c))
		line("K2002", c, sr.Name())
		if u := asciiUnit(p.Field); u != "" {
			line("K2142", c, u)
		}
		if sr.Limits.LSL.Valid() {
			line("K2110", c, ferrule.FormatNum(float64(sr.Limits.LSL)))
		}
		if sr.Limits.USL.Valid() {
			line("K2111", c, ferrule.FormatNum(float64(sr.Limits.USL)))
		}
	}
	for _, v := range inTimeOrder(all) {
		c := v.k + 1
		line("K0001", c, ferrule.FormatNum(v.p.Value))
		line("K0004", c, v.p.MeasuredAt.UTC().Format("02.01.2006/15:04:05"))
		for _, f := range []struct{ k, v string }{{"K0006", v.p.Lot}, {"K0008", v.p.Operator}, {"K0010", v.p.Station}, {"K0014", v.p.Serial}} {
			if f.v != "" {
				line(f.k, c, f.v)
			}
		}
	}
	return bw.Flush()
}

// layouts lists the layouts of the analysed measurements q selects.
func (s *Store) layouts(ctx context.Context, q Query) ([]string, error) {
	where, args := s.whereOf(q, "m", `m."layout" <> ''`)
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT DISTINCT m."layout" FROM measurements m`+where+` ORDER BY m."layout"`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", s.name, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
