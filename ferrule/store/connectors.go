package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/mate"
)

// The mate-derived columns of the connectors and fiber_pairs tables
// (migration 0002), taken from the structs as the report's are, so that a
// field added to mate.Parameters, mate.Summary or mate.Pair without a
// migration fails TestConnectorSchema.
var (
	parameterCols = columnsOf(reflect.TypeOf(mate.Parameters{}))
	mateSumCols   = columnsOf(reflect.TypeOf(mate.Summary{}))
	pairCols      = columnsOf(reflect.TypeOf(mate.Pair{}))
)

// connectorCols are the connectors table's own columns, before the
// parameters and summary sections (the order of the migration).
var connectorCols = []string{"id", "a_measurement_id", "b_measurement_id", "software_version", "software_revision",
	"parameters", "created_at", "result"}

// ErrNoConnectorMeasurement is wrapped by SaveConnector's error when a
// measurement id is not stored or holds no analysed report.
var ErrNoConnectorMeasurement = errors.New("store: connector without its measurement")

// SaveConnector stores the connector res predicted from the stored
// measurements aID (part A) and bID (part B), with a row per fiber pair,
// in one transaction. The same two measurements with the same parameters
// (mate.Parameters, all of them) and software version are the same
// connector: SaveConnector then returns its id with created false and
// writes nothing. Each measurement must be stored and analysed, of the
// layout res names for its side; otherwise the error wraps
// ErrNoConnectorMeasurement.
func (s *Store) SaveConnector(ctx context.Context, aID, bID int64, res *mate.Result) (id int64, created bool, err error) {
	if res == nil {
		return 0, false, errors.New("store: SaveConnector of a nil result")
	}
	name := cleanText(res.A.File) + " × " + cleanText(res.B.File)
	wrap := func(err error) error {
		return fmt.Errorf("store: saving connector %s to %s: %w", name, s.name, describe(err))
	}
	params, err := json.Marshal(res.Parameters)
	if err != nil {
		return 0, false, wrap(err)
	}
	// The result's files are names as given: PostgreSQL's json holds only
	// valid UTF-8 without NUL, as its text does (cleanText).
	r := *res
	r.A.File, r.B.File = cleanText(r.A.File), cleanText(r.B.File)
	result, err := json.Marshal(&r)
	if err != nil {
		return 0, false, wrap(err)
	}
	sw := ferrule.ThisSoftware()
	args := []any{aID, bID, sw.Version, sw.Revision, string(params), s.timeArg(time.Now()), string(result)}
	pv := reflect.ValueOf(res.Parameters)
	for _, c := range parameterCols {
		args = append(args, c.value(pv, false))
	}
	sv := reflect.ValueOf(res.Summary)
	for _, c := range mateSumCols {
		args = append(args, c.value(sv, false))
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, wrap(err)
	}
	defer tx.Rollback() // after Commit, a no-op
	for _, side := range []struct {
		name, layout string
		id           int64
	}{{"A", res.A.Layout, aID}, {"B", res.B.Layout, bID}} {
		var layout string
		var analysed bool
		err := tx.QueryRowContext(ctx, s.dialect.rebind(`SELECT "layout", "report" IS NOT NULL FROM measurements WHERE "id" = ?`), side.id).Scan(&layout, &analysed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return 0, false, wrap(fmt.Errorf("%w: part %s, measurement %d, is not stored", ErrNoConnectorMeasurement, side.name, side.id))
		case err != nil:
			return 0, false, wrap(err)
		case !analysed:
			return 0, false, wrap(fmt.Errorf("%w: part %s, measurement %d, could not be analysed", ErrNoConnectorMeasurement, side.name, side.id))
		case layout != side.layout:
			return 0, false, wrap(fmt.Errorf("%w: part %s is %s but measurement %d is %s", ErrNoConnectorMeasurement, side.name, side.layout, side.id, layout))
		}
	}
	id, created, err = insertOrGet(ctx, tx, s.insConnector, args,
		s.dialect.rebind(`SELECT "id" FROM connectors WHERE "a_measurement_id" = ? AND "b_measurement_id" = ? AND "software_version" = ? AND "parameters" = ?`),
		aID, bID, sw.Version, string(params))
	if err != nil {
		return 0, false, wrap(err)
	}
	if !created {
		return id, false, nil
	}
	if testHookPairs != nil {
		testHookPairs()
	}
	if n := len(res.Pairs); n > 0 {
		// One multi-row INSERT: 72 pairs × 11 columns is far within both
		// engines' parameter limits.
		pargs := make([]any, 0, n*(1+len(pairCols)))
		for i := range res.Pairs {
			v := reflect.ValueOf(&res.Pairs[i]).Elem()
			pargs = append(pargs, id)
			for _, c := range pairCols {
				pargs = append(pargs, c.value(v, false))
			}
		}
		if _, err := tx.ExecContext(ctx, s.insertRows("fiber_pairs", append([]string{"connector_id"}, names(pairCols)...), n), pargs...); err != nil {
			return 0, false, wrap(fmt.Errorf("fiber pairs: %w", err))
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, false, wrap(err)
	}
	return id, true, nil
}

// testHookPairs, when set, runs inside SaveConnector's transaction after
// the connector row and before its fiber pairs: the crash test cancels
// there.
var testHookPairs func()

// ConnectorQuery selects connectors. Lot selects by part A's lot; Since
// and Until bound part A's measured_at (Since ≤ t < Until); empty fields
// select everything; Limit 0 means no limit.
type ConnectorQuery struct {
	Lot          string
	Since, Until time.Time
	Limit        int
	// Pairs asks Connectors to fill each Connector's Pairs from the
	// fiber_pairs table; Result to fill its Result (the stored JSON).
	Pairs, Result bool
}

// Connector is a stored connector as Connectors returns it.
type Connector struct {
	ID              int64           `json:"id"`
	A               ConnectorPart   `json:"a"`
	B               ConnectorPart   `json:"b"`
	Parameters      mate.Parameters `json:"parameters"`
	Summary         mate.Summary    `json:"summary"`
	SoftwareVersion string          `json:"software_version"`
	CreatedAt       time.Time       `json:"created_at"`
	// Pairs are the fiber pairs (ConnectorQuery.Pairs), by A's fiber.
	Pairs []mate.Pair `json:"pairs,omitempty"`
	// Result is the whole prediction as stored (ConnectorQuery.Result).
	Result json.RawMessage `json:"result,omitempty"`
}

// ConnectorPart is one side of a connector: its measurement.
type ConnectorPart struct {
	MeasurementID int64     `json:"measurement_id"`
	File          string    `json:"file"`
	Serial        string    `json:"serial"`
	Lot           string    `json:"lot"`
	MeasuredAt    time.Time `json:"measured_at"`
}

// Connectors returns the connectors q selects, newest first (by part A's
// measured_at, then by id).
func (s *Store) Connectors(ctx context.Context, q ConnectorQuery) ([]Connector, error) {
	var b strings.Builder
	b.WriteString(`SELECT c."id", c."software_version", c."created_at"`)
	for _, c := range append(append([]column(nil), parameterCols...), mateSumCols...) {
		b.WriteString(`, c.` + quote(c.name))
	}
	for _, m := range []string{"ma", "mb"} {
		fmt.Fprintf(&b, `, %[1]s."id", %[1]s."file", %[1]s."serial", %[1]s."lot", %[1]s."measured_at"`, m)
	}
	if q.Result {
		b.WriteString(`, c."result"`)
	}
	b.WriteString(` FROM connectors c JOIN measurements ma ON ma."id" = c."a_measurement_id" JOIN measurements mb ON mb."id" = c."b_measurement_id"`)
	where, args := s.whereOf(Query{Lot: q.Lot, Since: q.Since, Until: q.Until}, "ma")
	b.WriteString(where)
	b.WriteString(` ORDER BY ma."measured_at" DESC, c."id" DESC`)
	if q.Limit > 0 {
		fmt.Fprintf(&b, " LIMIT %d", q.Limit)
	}
	fail := func(err error) ([]Connector, error) { return nil, fmt.Errorf("store: %s: connectors: %w", s.name, err) }
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(b.String()), args...)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	var out []Connector
	for rows.Next() {
		var c Connector
		var created, atA, atB timeScan
		var serialA, lotA, serialB, lotB sql.NullString
		var result sql.NullString
		dest := []any{&c.ID, &c.SoftwareVersion, &created}
		pd, sd := scanDests(parameterCols), scanDests(mateSumCols)
		dest = append(append(dest, pd...), sd...)
		dest = append(dest, &c.A.MeasurementID, &c.A.File, &serialA, &lotA, &atA, &c.B.MeasurementID, &c.B.File, &serialB, &lotB, &atB)
		if q.Result {
			dest = append(dest, &result)
		}
		if err := rows.Scan(dest...); err != nil {
			return fail(err)
		}
		setAll(reflect.ValueOf(&c.Parameters).Elem(), parameterCols, pd)
		setAll(reflect.ValueOf(&c.Summary).Elem(), mateSumCols, sd)
		c.CreatedAt, c.A.MeasuredAt, c.B.MeasuredAt = created.t, atA.t, atB.t
		c.A.Serial, c.A.Lot, c.B.Serial, c.B.Lot = serialA.String, lotA.String, serialB.String, lotB.String
		if result.Valid {
			c.Result = json.RawMessage(result.String)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	rows.Close()
	if q.Pairs {
		if err := s.fillPairs(ctx, out); err != nil {
			return fail(err)
		}
	}
	return out, nil
}

// pairsPerQuery is how many connectors' fiber pairs one query reads, well
// within the bound parameters SQLite and PostgreSQL take.
const pairsPerQuery = 500

// fillPairs reads the fiber_pairs rows of the connectors cs into their
// Pairs, by A's fiber: a query per pairsPerQuery connectors, not one each.
func (s *Store) fillPairs(ctx context.Context, cs []Connector) error {
	at := make(map[int64]int, len(cs))
	for i := range cs {
		at[cs[i].ID] = i
		cs[i].Pairs = []mate.Pair{}
	}
	for lo := 0; lo < len(cs); lo += pairsPerQuery {
		part := cs[lo:min(lo+pairsPerQuery, len(cs))]
		args := make([]any, len(part))
		for i := range part {
			args[i] = part[i].ID
		}
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT "connector_id", `+quoteAll(names(pairCols))+
			` FROM fiber_pairs WHERE "connector_id" IN (`+marks(len(part))+`) ORDER BY "connector_id", "a_fiber"`), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			d := scanDests(pairCols)
			if err := rows.Scan(append([]any{&id}, d...)...); err != nil {
				rows.Close()
				return err
			}
			var p mate.Pair
			setAll(reflect.ValueOf(&p).Elem(), pairCols, d)
			c := &cs[at[id]]
			c.Pairs = append(c.Pairs, p)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// scanDests returns a nullable scan destination per column.
func scanDests(cs []column) []any {
	d := make([]any, len(cs))
	for i, c := range cs {
		switch c.kind {
		case kindNum:
			d[i] = new(sql.NullFloat64)
		case kindInt, kindIntPtr:
			d[i] = new(sql.NullInt64)
		case kindBool:
			d[i] = new(sql.NullBool)
		default:
			d[i] = new(sql.NullString)
		}
	}
	return d
}

// setAll sets the fields of struct v from the scanned dests, the inverse
// of column.value: NULL is NaN for a number, nil for *int, "" for a
// string, and an empty list for []string.
func setAll(v reflect.Value, cs []column, dests []any) {
	for i, c := range cs {
		f := v.FieldByIndex(c.index)
		switch d := dests[i].(type) {
		case *sql.NullFloat64:
			x := math.NaN()
			if d.Valid {
				x = d.Float64
			}
			f.SetFloat(x)
		case *sql.NullInt64:
			if c.kind == kindIntPtr {
				if d.Valid {
					n := int(d.Int64)
					f.Set(reflect.ValueOf(&n))
				}
				continue
			}
			f.SetInt(d.Int64)
		case *sql.NullBool:
			f.SetBool(d.Bool)
		case *sql.NullString:
			if c.kind == kindStrings {
				list := []string{}
				if d.String != "" {
					list = strings.Split(d.String, ";")
				}
				f.Set(reflect.ValueOf(list))
				continue
			}
			f.SetString(d.String)
		}
	}
}
