package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/geometry"
)

// Meta says where a measurement comes from: the file, when it was
// measured, and the station, operator, lot and part serial.
type Meta struct {
	File       string    // the file's name as given (path)
	SHA256     string    // hex of the file's bytes; empty when it could not be read
	MeasuredAt time.Time // the file's own date where it has one, else the analysis time
	Station    string
	Operator   string
	Lot        string
	Serial     string
	// Options is the canonical JSON of the analysis options (OptionsJSON):
	// part of the measurement's identity.
	Options string
}

// MetaFromResult returns the Meta of a batch result: its file, SHA-256,
// the file's own date (geometry.Metadata.Time, else now), and its
// instrument and creator as station and operator, with the options JSON
// given (OptionsJSON). Lot and serial are left for the caller, who may
// override station and operator too.
func MetaFromResult(res batch.Result, options string) Meta {
	m := Meta{File: res.File, SHA256: res.SHA256, MeasuredAt: res.Meta.Time, Options: options,
		Station: res.Meta.Instrument, Operator: res.Meta.Creator}
	if m.MeasuredAt.IsZero() {
		m.MeasuredAt = time.Now()
	}
	return m
}

// OptionsJSON is the canonical JSON of the options a file was read and
// analysed with: the same options give the same text, so that a re-run is
// recognised as the same measurement.
func OptionsJSON(read *geometry.Options, analysis ferrule.Options) (string, error) {
	var r geometry.Options
	if read != nil {
		r = *read
	}
	b, err := json.Marshal(struct {
		Read     geometry.Options `json:"read"`
		Analysis ferrule.Options  `json:"analysis"`
	}{r, analysis})
	if err != nil {
		return "", fmt.Errorf("store: options: %w", err)
	}
	return string(b), nil
}

// prepareTexts builds the insert statements from the column lists.
func (s *Store) prepareTexts() {
	own := measurementCols[1:] // id is the engine's
	cols := append(append(append([]string(nil), own...), names(surfaceCols)...), names(summaryCols)...)
	s.insMeasurement = s.dialect.rebind(`INSERT INTO measurements (` + quoteAll(cols) + `) VALUES (` + marks(len(cols)) +
		`) ON CONFLICT ("identity", "software_version", "layout", "profile", "options") DO NOTHING RETURNING "id"`)
	ccols := append(append(append([]string(nil), connectorCols[1:]...), names(parameterCols)...), names(mateSumCols)...)
	s.insConnector = s.dialect.rebind(`INSERT INTO connectors (` + quoteAll(ccols) + `) VALUES (` + marks(len(ccols)) +
		`) ON CONFLICT ("a_measurement_id", "b_measurement_id", "software_version", "parameters") DO NOTHING RETURNING "id"`)
}

// insertOrGet runs insert (an INSERT ... ON CONFLICT DO NOTHING RETURNING
// "id") in tx and returns the new row's id with created true; when the
// conflict left a stored row as it was, it returns that row's id, found by
// get (a SELECT "id" of getArgs), with created false.
func insertOrGet(ctx context.Context, tx *sql.Tx, insert string, args []any, get string, getArgs ...any) (id int64, created bool, err error) {
	err = tx.QueryRowContext(ctx, insert, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// Stored before: the conflict left the row as it was.
		if err := tx.QueryRowContext(ctx, get, getArgs...).Scan(&id); err != nil {
			return 0, false, err
		}
		return id, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// insFibers is the INSERT of n fiber rows.
func (s *Store) insFibers(n int) string {
	return s.insertRows("fibers", append([]string{"measurement_id"}, names(fiberCols)...), n)
}

// insChecks is the INSERT of n check rows.
func (s *Store) insChecks(n int) string {
	return s.insertRows("checks", append([]string{"measurement_id", "seq"}, names(checkCols)...), n)
}

func (s *Store) insertRows(table string, cols []string, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + quoteAll(cols) + ") VALUES ")
	row := "(" + marks(len(cols)) + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return s.dialect.rebind(b.String())
}

// Save stores one analysed measurement (report, fibers and checks) in one
// transaction. A measurement with the same file contents (SHA-256),
// software version, layout, profile and options as a stored one is that
// one: Save then returns its id with created false and writes nothing.
func (s *Store) Save(ctx context.Context, rep *ferrule.Report, meta Meta) (id int64, created bool, err error) {
	if rep == nil {
		return 0, false, errors.New("store: Save of a nil report")
	}
	return s.save(ctx, rep, meta, nil)
}

// SaveFailure stores a file that could not be analysed (or graded), with
// its error, so that yields count it as failed. The same file with the
// same software and options is one row, as for Save.
func (s *Store) SaveFailure(ctx context.Context, meta Meta, analysisErr error) (id int64, created bool, err error) {
	if analysisErr == nil {
		return 0, false, errors.New("store: SaveFailure without an error")
	}
	return s.save(ctx, nil, meta, analysisErr)
}

// testHookFibers, when set, runs inside Save's transaction after the
// measurement row and before the fibers: the crash tests cancel there.
var testHookFibers func()

func (s *Store) save(ctx context.Context, rep *ferrule.Report, meta Meta, analysisErr error) (int64, bool, error) {
	if meta.File == "" {
		return 0, false, errors.New("store: measurement without a file name")
	}
	// PostgreSQL text holds valid UTF-8 without NUL; a Linux file name
	// need not be either. Both engines store the same cleaned text (bad
	// bytes as U+FFFD, as the batch CSV tables write them).
	for _, p := range []*string{&meta.File, &meta.Station, &meta.Operator, &meta.Lot, &meta.Serial} {
		*p = cleanText(*p)
	}
	identity := meta.SHA256
	if identity == "" {
		identity = "file:" + meta.File
	} else if b, err := hex.DecodeString(meta.SHA256); err != nil || len(b) != 32 {
		return 0, false, fmt.Errorf("store: %s: SHA-256 %q is not 64 hex digits", meta.File, meta.SHA256)
	}
	if meta.Options == "" {
		meta.Options = "{}"
	}
	now := time.Now()
	if meta.MeasuredAt.IsZero() {
		meta.MeasuredAt = now
	}
	sw := ferrule.ThisSoftware()
	var layout, profile, format string
	var pass any // NULL: ungraded or not analysed
	marginal := false
	var reportJSON any
	var errText any
	if rep != nil {
		sw = rep.Software
		layout, format = rep.Layout, rep.Format
		if rep.Grade != nil {
			profile, pass, marginal = rep.Grade.Profile, rep.Grade.Pass, rep.Grade.Marginal
		}
		b, err := json.Marshal(rep)
		if err != nil {
			return 0, false, fmt.Errorf("store: %s: report: %w", meta.File, err)
		}
		reportJSON = string(b)
	} else {
		errText = cleanText(analysisErr.Error())
	}
	args := []any{identity, meta.File, nullString(meta.SHA256), s.timeArg(meta.MeasuredAt), s.timeArg(now),
		nullString(meta.Station), nullString(meta.Operator), nullString(meta.Lot), nullString(meta.Serial),
		layout, profile, pass, marginal, errText, nullString(format), sw.Name, sw.Version, sw.Revision, meta.Options, reportJSON}
	if rep != nil {
		surf := reflect.ValueOf(rep.Ferrule)
		for _, c := range surfaceCols {
			args = append(args, c.value(surf, rep.Ferrule.Fitted()))
		}
		sum := reflect.ValueOf(rep.Summary)
		for _, c := range summaryCols {
			args = append(args, c.value(sum, false))
		}
	} else {
		for range len(surfaceCols) + len(summaryCols) {
			args = append(args, nil)
		}
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, s.wrap(meta.File, err)
	}
	defer tx.Rollback() // after Commit, a no-op
	id, created, err := insertOrGet(ctx, tx, s.insMeasurement, args,
		s.dialect.rebind(`SELECT "id" FROM measurements WHERE "identity" = ? AND "software_version" = ? AND "layout" = ? AND "profile" = ? AND "options" = ?`),
		identity, sw.Version, layout, profile, meta.Options)
	if err != nil {
		return 0, false, s.wrap(meta.File, err)
	}
	if !created {
		return id, false, nil
	}
	if testHookFibers != nil {
		testHookFibers()
	}
	if rep != nil {
		if err := s.saveRows(ctx, tx, id, rep); err != nil {
			return 0, false, s.wrap(meta.File, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, false, s.wrap(meta.File, err)
	}
	return id, true, nil
}

// saveRows inserts the fibers and the checks of rep, each in one
// multi-row INSERT: two round trips to a server whatever the fiber count
// (a 72-fiber report has some 2000 fiber values, within both engines'
// limits of 32766 and 65535 parameters).
func (s *Store) saveRows(ctx context.Context, tx *sql.Tx, id int64, rep *ferrule.Report) error {
	if n := len(rep.Fibers); n > 0 {
		args := make([]any, 0, n*(1+len(fiberCols)))
		for i := range rep.Fibers {
			f := &rep.Fibers[i]
			v := reflect.ValueOf(f).Elem()
			args = append(args, id)
			for _, c := range fiberCols {
				args = append(args, c.value(v, f.TipFlat()))
			}
		}
		if _, err := tx.ExecContext(ctx, s.insFibers(n), args...); err != nil {
			return fmt.Errorf("fibers: %w", err)
		}
	}
	if rep.Grade != nil && len(rep.Grade.Checks) > 0 {
		n := len(rep.Grade.Checks)
		args := make([]any, 0, n*(2+len(checkCols)))
		for i := range rep.Grade.Checks {
			ch := &rep.Grade.Checks[i]
			v := reflect.ValueOf(ch).Elem()
			args = append(args, id, i+1)
			for _, c := range checkCols {
				// A null radius of a measured value (no reason given) is
				// flat, +Inf, as ferrule.Profile.Grade takes it.
				args = append(args, c.value(v, ch.Reason == ""))
			}
		}
		if _, err := tx.ExecContext(ctx, s.insChecks(n), args...); err != nil {
			return fmt.Errorf("checks: %w", err)
		}
	}
	return nil
}

// wrap names the file and the database in a save error.
func (s *Store) wrap(file string, err error) error {
	return fmt.Errorf("store: saving %s to %s: %w", file, s.name, describe(err))
}

// cleanText is s as valid UTF-8 without NUL bytes.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
