package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
	"github.com/mtgeo/mtgeo/internal/pgtest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	if w := os.Getenv(writerEnv); w != "" {
		os.Exit(runWriter(w))
	}
	os.Exit(pgtest.Main(m))
}

// engine is one database engine the tests run against.
type engine struct {
	name string
	url  func(t testing.TB) string // a fresh, empty database
}

// engines are SQLite (a real file in t.TempDir) and PostgreSQL (a fresh
// database on the pgtest server; skipped, saying why, without one).
var engines = []engine{
	{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "results.db") }},
	{"postgres", func(t testing.TB) string { return pgtest.URL(t) }},
}

// forEngines runs f as a subtest per engine.
func forEngines(t *testing.T, f func(t *testing.T, url string)) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { f(t, e.url(t)) })
	}
}

func open(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

var (
	reportOnce sync.Once
	reportRes  batch.Result
)

// testResult is the graded result of the repository's testdata/mt12.x3p
// (an MT-12 end face from internal/synth, truth in mt12.truth.json), read
// once.
func testResult(t testing.TB) batch.Result {
	t.Helper()
	reportOnce.Do(func() {
		prof, err := ferrule.LoadProfile("iec-style-pc-12")
		if err != nil {
			panic(err)
		}
		reportRes = testResultFor(prof)
	})
	require.NoError(t, reportRes.Err)
	return reportRes
}

func testResultFor(prof *ferrule.Profile) batch.Result {
	return batch.AnalyzeFile(new(ferrule.Analyzer), "../../testdata/mt12.x3p", &batch.Config{Profile: prof})
}

// fakeSHA is a distinct valid SHA-256 per key: measurements of distinct
// files with the one real report.
func fakeSHA(key string) string {
	s := sha256.Sum256([]byte(key))
	return hex.EncodeToString(s[:])
}

// meta returns a Meta for the i-th measurement of writer w, measured at
// base + i minutes.
func meta(w, i int, base time.Time) Meta {
	return Meta{File: fmt.Sprintf("w%d/f%03d.x3p", w, i), SHA256: fakeSHA(fmt.Sprintf("%d/%d", w, i)),
		MeasuredAt: base.Add(time.Duration(i) * time.Minute), Station: fmt.Sprintf("st%d", w), Lot: "L1", Options: "{}"}
}

// counts returns the numbers of measurements, fibers and checks rows.
func counts(t testing.TB, s *Store) (m, f, c int) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM measurements").Scan(&m))
	require.NoError(t, s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM fibers").Scan(&f))
	require.NoError(t, s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM checks").Scan(&c))
	return
}

// requireWhole checks that every analysed measurement has all its fiber
// and check rows and no row belongs to none: what a crash must leave.
func requireWhole(t testing.TB, s *Store, fibers, checks int) {
	t.Helper()
	ctx := context.Background()
	var bad int
	require.NoError(t, s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) FROM measurements m WHERE m."error" IS NULL AND (
		(SELECT COUNT(*) FROM fibers f WHERE f."measurement_id" = m."id") <> ? OR
		(SELECT COUNT(*) FROM checks c WHERE c."measurement_id" = m."id") <> ?)`), fibers, checks).Scan(&bad))
	require.Zero(t, bad, "measurements with missing fiber or check rows")
	var orphans int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM fibers f WHERE NOT EXISTS (SELECT 1 FROM measurements m WHERE m."id" = f."measurement_id")`).Scan(&orphans))
	require.Zero(t, orphans)
}

// structCols is a report struct and the columns taken from it.
type structCols struct {
	t    reflect.Type
	cols []column
}

// schemaCheck describes a table whose columns are its own ones (own)
// followed by those of the report sections (sectionCols, of the sections
// named by sections), and the tables' expected columns in each engine.
type schemaCheck struct {
	table       string
	own         []string
	sections    string
	sectionCols []column
	structs     []structCols
	want        map[string][]string
	field       string // what a field new to structs is, for the hint
}

// requireSchema checks that no section key is also an own column of the
// table, that every field of the structs is a column (none is skipped by
// an unknown type), and that each engine's tables have exactly the
// columns wanted.
func requireSchema(t *testing.T, sc schemaCheck) {
	t.Helper()
	own := map[string]bool{}
	for _, c := range sc.own {
		own[c] = true
	}
	for _, c := range sc.sectionCols {
		require.False(t, own[c.name], "%s key %s is also a column of %s", sc.sections, c.name, sc.table)
		own[c.name] = true
	}
	for _, tc := range sc.structs {
		require.Len(t, tc.cols, len(ferrule.Columns(tc.t)), "%s has a field of a type no column takes", tc.t)
	}
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		for table, cols := range sc.want {
			require.Equal(t, cols, tableColumns(t, s, table), "columns of %s (add a migration for a new %s)", table, sc.field)
		}
	})
}

// requireCancelMid cancels save's context at *hook, inside its
// transaction: the save must fail and leave rows() at zero; the same save
// then succeeds whole (created) with a live context.
func requireCancelMid(t *testing.T, hook *func(), save func(ctx context.Context) (created bool, err error), rows func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	*hook = cancel
	defer func() { *hook = nil }()
	_, err := save(ctx)
	require.Error(t, err)
	*hook = nil
	require.Zero(t, rows())
	// The same save succeeds afterwards.
	created, err := save(context.Background())
	require.NoError(t, err)
	require.True(t, created)
}
