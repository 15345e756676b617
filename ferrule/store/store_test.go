package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/pgtest"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// A saved report reads back as it was: the measurement's fields, the
// whole report JSON, a row per fiber and per check with the report's
// values; saving it again is the same row.
func TestSaveRoundTrip(t *testing.T) {
	res := testResult(t)
	rep := res.Report
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		m := MetaFromResult(res, `{"a":1}`)
		m.Station, m.Operator, m.Lot, m.Serial = "st-1", "ann", "L7", "SN-001"
		id, created, err := s.Save(ctx, rep, m)
		require.NoError(t, err)
		require.True(t, created)

		got, err := s.Measurement(ctx, id)
		require.NoError(t, err)
		require.Equal(t, res.SHA256, got.SHA256)
		require.Equal(t, "../../testdata/mt12.x3p", got.File)
		require.Equal(t, "st-1", got.Station)
		require.Equal(t, "ann", got.Operator)
		require.Equal(t, "L7", got.Lot)
		require.Equal(t, "SN-001", got.Serial)
		require.Equal(t, "MT-12", got.Layout)
		require.Equal(t, "iec-style-pc-12", got.Profile)
		require.NotNil(t, got.Pass)
		require.Equal(t, rep.Grade.Pass, *got.Pass)
		require.Equal(t, rep.Software.Version, got.SoftwareVersion)
		require.WithinDuration(t, m.MeasuredAt, got.MeasuredAt, time.Microsecond)
		want, err := json.Marshal(rep)
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(got.Report))

		// Fiber rows hold the report's numbers, by column name.
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT "index", "height_nm", "radius_mm", "core_dip_nm", "flags", "centre_method" FROM fibers WHERE "measurement_id" = ? ORDER BY "index"`), id)
		require.NoError(t, err)
		n := 0
		for rows.Next() {
			var idx int
			var h, r, cd sql.NullFloat64
			var flags, method sql.NullString
			require.NoError(t, rows.Scan(&idx, &h, &r, &cd, &flags, &method))
			f := rep.Fibers[n]
			require.Equal(t, f.Index, idx)
			require.Equal(t, float64(f.HeightNM), h.Float64) // exact: float64 both ways
			require.Equal(t, float64(f.RadiusMM), r.Float64)
			require.Equal(t, float64(f.CoreDipNM), cd.Float64)
			require.Equal(t, strings.Join(f.Flags, ";"), flags.String)
			require.Equal(t, f.CentreMethod, method.String)
			n++
		}
		require.NoError(t, rows.Err())
		require.Equal(t, len(rep.Fibers), n)
		var checks, failed int
		require.NoError(t, s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*), SUM(CASE WHEN "pass" THEN 0 ELSE 1 END) FROM checks WHERE "measurement_id" = ?`), id).Scan(&checks, &failed))
		require.Equal(t, len(rep.Grade.Checks), checks)
		wantFailed := 0
		for _, c := range rep.Grade.Checks {
			if !c.Pass {
				wantFailed++
			}
		}
		require.Equal(t, wantFailed, failed)
		var xa float64
		require.NoError(t, s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT "x_angle_deg" FROM measurements WHERE "id" = ?`), id).Scan(&xa))
		require.Equal(t, float64(rep.Ferrule.XAngleDeg), xa)

		// Idempotent: the same file, software, layout, profile and options.
		m2 := m
		m2.Lot = "other" // metadata is not part of the identity
		id2, created, err := s.Save(ctx, rep, m2)
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, id, id2)
		// Other options, or another profile, are another measurement.
		m3 := m
		m3.Options = `{"a":2}`
		id3, created, err := s.Save(ctx, rep, m3)
		require.NoError(t, err)
		require.True(t, created)
		require.NotEqual(t, id, id3)
		other := *rep
		g := *rep.Grade
		g.Profile = "my-profile"
		other.Grade = &g
		_, created, err = s.Save(ctx, &other, m)
		require.NoError(t, err)
		require.True(t, created)
		nm, nf, nc := counts(t, s)
		require.Equal(t, 3, nm)
		require.Equal(t, 3*len(rep.Fibers), nf)
		require.Equal(t, 3*len(rep.Grade.Checks), nc)

		_, err = s.Measurement(ctx, 9999)
		require.ErrorIs(t, err, ErrNotFound)
	})
}

// A flat tip's null radius is stored as +Inf (flat), an unmeasured one as
// NULL, as the CSV tables write them (inf and empty).
func TestFlatRadius(t *testing.T) {
	res := testResult(t)
	rep := *res.Report
	rep.Fibers = append([]ferrule.Fiber(nil), rep.Fibers...)
	rep.Fibers[0].RadiusMM = ferrule.Num(math.NaN())
	rep.Fibers[0].Flags = append([]string{"flat_tip"}, rep.Fibers[0].Flags...)
	rep.Fibers[1].RadiusMM = ferrule.Num(math.NaN())
	rep.Fibers[1].HeightNM = ferrule.Num(math.NaN())
	rep.Fibers[1].Error = "too few points"
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		id, _, err := s.Save(ctx, &rep, meta(0, 0, t0))
		require.NoError(t, err)
		var r1, r2 sql.NullFloat64
		var e2 sql.NullString
		require.NoError(t, s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT "radius_mm" FROM fibers WHERE "measurement_id" = ? AND "index" = 1`), id).Scan(&r1))
		require.NoError(t, s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT "radius_mm", "error" FROM fibers WHERE "measurement_id" = ? AND "index" = 2`), id).Scan(&r2, &e2))
		require.True(t, r1.Valid && math.IsInf(r1.Float64, 1), "flat radius %v", r1)
		require.False(t, r2.Valid, "unmeasured radius %v", r2)
		require.Equal(t, "too few points", e2.String)
	})
}

// The tables have exactly the report's fields as columns, named by their
// JSON keys: a field added to ferrule.Fiber, Surface, Summary or Check
// without a migration adding its column fails here.
func TestSchemaMatchesReport(t *testing.T) {
	requireSchema(t, schemaCheck{
		table: "measurements", own: measurementCols, sections: "ferrule/summary",
		sectionCols: append(append([]column(nil), surfaceCols...), summaryCols...),
		structs: []structCols{{reflect.TypeOf(ferrule.Fiber{}), fiberCols}, {reflect.TypeOf(ferrule.Check{}), checkCols},
			{reflect.TypeOf(ferrule.Surface{}), surfaceCols}, {reflect.TypeOf(ferrule.Summary{}), summaryCols}},
		want: map[string][]string{
			"measurements": append(append(append([]string(nil), measurementCols...), names(surfaceCols)...), names(summaryCols)...),
			"fibers":       append([]string{"measurement_id"}, names(fiberCols)...),
			"checks":       append([]string{"measurement_id", "seq"}, names(checkCols)...),
		},
		field: "report field",
	})
}

// tableColumns lists a table's columns in their order.
func tableColumns(t *testing.T, s *Store, table string) []string {
	q := `SELECT "name" FROM pragma_table_info('` + table + `') ORDER BY "cid"`
	if s.dialect == postgresDialect {
		q = `SELECT column_name FROM information_schema.columns WHERE table_name = '` + table + `' AND table_schema = current_schema() ORDER BY ordinal_position`
	}
	rows, err := s.db.Query(q)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	require.NoError(t, rows.Err())
	return out
}

// A file that could not be analysed is stored with its error, once.
func TestSaveFailure(t *testing.T) {
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		m := meta(0, 1, t0)
		id, created, err := s.SaveFailure(ctx, m, errors.New("x3p: truncated"))
		require.NoError(t, err)
		require.True(t, created)
		id2, created, err := s.SaveFailure(ctx, m, errors.New("x3p: truncated"))
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, id, id2)
		// Unreadable files (no hash) are told apart by their paths.
		a, _, err := s.SaveFailure(ctx, Meta{File: "gone-a.x3p"}, errors.New("no such file"))
		require.NoError(t, err)
		b, _, err := s.SaveFailure(ctx, Meta{File: "gone-b.x3p"}, errors.New("no such file"))
		require.NoError(t, err)
		require.NotEqual(t, a, b)
		got, err := s.Measurement(ctx, id)
		require.NoError(t, err)
		require.Equal(t, "x3p: truncated", got.Error)
		require.Nil(t, got.Pass)
		require.Empty(t, got.Report)

		_, _, err = s.Save(ctx, testResult(t).Report, Meta{File: "x", SHA256: "abc"})
		require.ErrorContains(t, err, "64 hex digits")
	})
}

// Measurements filters by lot, station, serial, file and time and lists
// newest first.
func TestMeasurementsQuery(t *testing.T) {
	rep := testResult(t).Report
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		for w := 0; w < 2; w++ {
			for i := 0; i < 5; i++ {
				m := meta(w, i, t0)
				m.Lot = fmt.Sprintf("L%d", i%2)
				m.Serial = fmt.Sprintf("S%d-%d", w, i)
				_, _, err := s.Save(ctx, rep, m)
				require.NoError(t, err)
			}
		}
		all, err := s.Measurements(ctx, Query{})
		require.NoError(t, err)
		require.Len(t, all, 10)
		for i := 1; i < len(all); i++ {
			require.False(t, all[i].MeasuredAt.After(all[i-1].MeasuredAt), "not newest first")
		}
		require.Empty(t, all[0].Report)
		for _, tc := range []struct {
			name string
			q    Query
			want int
		}{
			{"lot", Query{Lot: "L0"}, 6},                        // i = 0, 2, 4 of both writers
			{"station", Query{Station: "st1"}, 5},               // writer 1
			{"serial", Query{Serial: "S1-3"}, 1},                // one part
			{"file", Query{File: "w0/f002.x3p"}, 1},             // one file
			{"since", Query{Since: t0.Add(3 * time.Minute)}, 4}, // i = 3, 4
			{"until", Query{Until: t0.Add(1 * time.Minute)}, 2}, // i = 0
			{"limit", Query{Limit: 3}, 3},
			{"lot and station", Query{Lot: "L1", Station: "st0"}, 2}, // i = 1, 3
		} {
			got, err := s.Measurements(ctx, tc.q)
			require.NoError(t, err)
			require.Len(t, got, tc.want, tc.name)
		}
		withRep, err := s.Measurements(ctx, Query{Limit: 1, Report: true})
		require.NoError(t, err)
		require.NotEmpty(t, withRep[0].Report)
	})
}

// Concurrent writers (4 × 200, each with its own connection pool, as
// separate stations are) lose no measurement and double none, also when
// they race to save the same 50 files.
func TestConcurrentWriters(t *testing.T) {
	rep := testResult(t).Report
	const writers, each, shared = 4, 200, 50
	forEngines(t, func(t *testing.T, url string) {
		open(t, url) // migrate once, so the writers race on the rows only
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := 0; w < writers; w++ {
			s := open(t, url)
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				for i := 0; i < each; i++ {
					if _, _, err := s.Save(ctx, rep, meta(w+1, i, t0)); err != nil {
						errs <- err
						return
					}
					if i < shared {
						if _, _, err := s.Save(ctx, rep, meta(0, i, t0)); err != nil { // writer 0: all race
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		s := open(t, url)
		nm, nf, nc := counts(t, s)
		require.Equal(t, writers*each+shared, nm)
		require.Equal(t, nm*len(rep.Fibers), nf)
		require.Equal(t, nm*len(rep.Grade.Checks), nc)
		var distinct int
		require.NoError(t, s.db.QueryRow(`SELECT COUNT(DISTINCT "identity") FROM measurements`).Scan(&distinct))
		require.Equal(t, nm, distinct)
		requireWhole(t, s, len(rep.Fibers), len(rep.Grade.Checks))
	})
}

// writerEnv makes the test binary a writer process (TestMain): "URL|w|n"
// saves n measurements of writer w, then exits.
const writerEnv = "MTGEO_STORE_TEST_WRITER"

func runWriter(spec string) int {
	parts := strings.Split(spec, "|")
	if len(parts) != 3 {
		fmt.Fprintln(os.Stderr, "bad writer spec", spec)
		return 2
	}
	w, _ := strconv.Atoi(parts[1])
	n, _ := strconv.Atoi(parts[2])
	prof, err := ferrule.LoadProfile("iec-style-pc-12")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	res := testResultFor(prof)
	if res.Err != nil {
		fmt.Fprintln(os.Stderr, res.Err)
		return 2
	}
	s, err := Open(context.Background(), parts[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer s.Close()
	for i := 0; i < n; i++ {
		if _, _, err := s.Save(context.Background(), res.Report, meta(w, i, t0)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	return 0
}

func writerCmd(t *testing.T, url string, w, n int) *exec.Cmd {
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d|%d", writerEnv, url, w, n))
	cmd.Stderr = os.Stderr
	return cmd
}

// Separate processes (this test binary re-executed) writing one database
// at once: every measurement exactly once; a re-run adds nothing.
func TestWriterProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	rep := testResult(t).Report
	const procs, each = 4, 200
	forEngines(t, func(t *testing.T, url string) {
		for round := 0; round < 2; round++ { // the second round is a re-run
			var cmds []*exec.Cmd
			for w := 0; w < procs; w++ {
				c := writerCmd(t, url, w, each)
				require.NoError(t, c.Start())
				cmds = append(cmds, c)
			}
			for _, c := range cmds {
				require.NoError(t, c.Wait())
			}
			s := open(t, url)
			nm, nf, _ := counts(t, s)
			require.Equal(t, procs*each, nm, "round %d", round)
			require.Equal(t, nm*len(rep.Fibers), nf)
			requireWhole(t, s, len(rep.Fibers), len(rep.Grade.Checks))
		}
	})
}

// A writer killed (SIGKILL) in the middle of its saves leaves whole
// measurements only; running it again completes the set without doubles.
func TestKilledWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	rep := testResult(t).Report
	const n = 1000
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		c := writerCmd(t, url, 5, n)
		c.Stderr = nil // its last save is cut short
		require.NoError(t, c.Start())
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		// Kill once some rows are there (no time is assumed: poll the rows).
		for {
			nm, _, _ := counts(t, s)
			if nm >= 20 {
				break
			}
			select {
			case err := <-done:
				t.Fatalf("writer ended early: %v", err)
			case <-time.After(5 * time.Millisecond):
			}
		}
		require.NoError(t, c.Process.Kill())
		<-done
		nm, _, _ := counts(t, s)
		require.Less(t, nm, n, "the writer finished before it was killed")
		requireWhole(t, s, len(rep.Fibers), len(rep.Grade.Checks))
		c = writerCmd(t, url, 5, n)
		require.NoError(t, c.Run())
		nm, _, _ = counts(t, s)
		require.Equal(t, n, nm)
		requireWhole(t, s, len(rep.Fibers), len(rep.Grade.Checks))
	})
}

// A save cancelled inside its transaction (after the measurement row,
// before its fibers) leaves nothing.
func TestCancelMidSave(t *testing.T) {
	rep := testResult(t).Report
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		requireCancelMid(t, &testHookFibers, func(ctx context.Context) (bool, error) {
			_, created, err := s.Save(ctx, rep, meta(0, 0, t0))
			return created, err
		}, func() int {
			nm, nf, nc := counts(t, s)
			return nm + nf + nc
		})
	})
}

// A database of a newer schema version is refused, naming the version,
// and left untouched.
func TestNewerSchema(t *testing.T) {
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		_, err := s.db.Exec(s.dialect.rebind(`INSERT INTO mtgeo_schema ("version", "name", "applied_at") VALUES (?, ?, ?)`), 99, "0099_future.sql", s.timeArg(t0))
		require.NoError(t, err)
		_, err = Open(context.Background(), url)
		require.ErrorIs(t, err, ErrNewerSchema)
		require.ErrorContains(t, err, "schema version 99")
		var v int
		require.NoError(t, s.db.QueryRow(`SELECT MAX("version") FROM mtgeo_schema`).Scan(&v))
		require.Equal(t, 99, v)
	})
}

// Opening twice migrates once; the version is the number of migrations.
func TestMigrateOnce(t *testing.T) {
	forEngines(t, func(t *testing.T, url string) {
		open(t, url)
		s := open(t, url)
		var n, v int
		require.NoError(t, s.db.QueryRow(`SELECT COUNT(*), MAX("version") FROM mtgeo_schema`).Scan(&n, &v))
		require.Equal(t, SchemaVersion(), n)
		require.Equal(t, SchemaVersion(), v)
	})
}

// Bad databases are clear errors at Open: nothing is analysed first.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite missing folder", func(t *testing.T) {
		_, err := Open(ctx, "/nonexistent/dir/results.db")
		require.ErrorContains(t, err, "/nonexistent/dir/results.db")
	})
	t.Run("sqlite not a database", func(t *testing.T) {
		p := t.TempDir() + "/notes.db"
		require.NoError(t, os.WriteFile(p, []byte(strings.Repeat("not a database\n", 100)), 0o666))
		_, err := Open(ctx, p)
		require.ErrorContains(t, err, "notes.db")
	})
	t.Run("sqlite odd name", func(t *testing.T) {
		// %41 would be "A" in a SQLite URI; ? and # would end the path.
		p := filepath.Join(t.TempDir(), "lot 1 %41?#.db")
		s, err := Open(ctx, p)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		require.FileExists(t, p)
	})
	t.Run("empty", func(t *testing.T) {
		_, err := Open(ctx, "")
		require.ErrorContains(t, err, "no database")
	})
	t.Run("postgres unreachable", func(t *testing.T) {
		port := freePort(t)
		_, err := Open(ctx, fmt.Sprintf("postgres://mtgeo:secret@127.0.0.1:%d/results?connect_timeout=5", port))
		require.ErrorContains(t, err, "cannot open PostgreSQL database")
		require.NotContains(t, err.Error(), "secret", "the password must not be shown")
	})
	t.Run("postgres wrong password", func(t *testing.T) {
		u, err := url.Parse(pgtest.URL(t))
		require.NoError(t, err)
		if _, ok := u.User.Password(); !ok {
			t.Skip("the test server's URL has no password: cannot try a wrong one")
		}
		u.User = url.UserPassword(u.User.Username(), "wrong-password")
		_, err = Open(ctx, u.String())
		if err == nil {
			t.Skip("the test server accepts any password (trust authentication)")
		}
		require.ErrorContains(t, err, "authentication failed")
		require.NotContains(t, err.Error(), "wrong-password")
	})
}

// freePort is a loopback port nothing listens on.
func freePort(t *testing.T) int {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p
}
