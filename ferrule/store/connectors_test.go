package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
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
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/stretchr/testify/require"
)

// matedParts returns the reports of two MT-12 parts and their predicted
// connector: A is testdata/mt12.x3p; B is the same part with fiber 4
// recessed by 1500 nm (so that its pair with A's fiber 9 is open, with a
// gap and a return loss) and fiber 1 not measured (so that its pair's
// values are null and flagged).
func matedParts(t testing.TB, params mate.Params) (a, b *ferrule.Report, res *mate.Result) {
	t.Helper()
	a = testResult(t).Report
	bb := *a
	bb.File = "b.x3p"
	bb.Fibers = append([]ferrule.Fiber(nil), a.Fibers...)
	bb.Fibers[3].HeightNM -= 1500
	bb.Fibers[0].HeightNM = ferrule.Num(math.NaN())
	bb.Fibers[0].Error = "too few points"
	res, err := mate.Mate(a, &bb, params)
	require.NoError(t, err)
	return a, &bb, res
}

// saveParts stores the two parts (lots LA and LB, A measured first) and
// returns their ids.
func saveParts(t testing.TB, s *Store, a, b *ferrule.Report) (aID, bID int64) {
	t.Helper()
	ctx := context.Background()
	ma, mb := meta(0, 0, t0), meta(0, 1, t0)
	ma.Lot, ma.Serial, mb.Lot, mb.Serial = "LA", "SA", "LB", "SB"
	aID, _, err := s.Save(ctx, a, ma)
	require.NoError(t, err)
	bID, _, err = s.Save(ctx, b, mb)
	require.NoError(t, err)
	return aID, bID
}

func connectorCounts(t testing.TB, s *Store) (c, p int) {
	t.Helper()
	require.NoError(t, s.db.QueryRow(`SELECT COUNT(*) FROM connectors`).Scan(&c))
	require.NoError(t, s.db.QueryRow(`SELECT COUNT(*) FROM fiber_pairs`).Scan(&p))
	return
}

// jsonOf is v's JSON, so that NaN (null) compares equal to NaN.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// The connectors and fiber_pairs tables have exactly the fields of
// mate.Parameters, mate.Summary and mate.Pair as columns, named by their
// JSON keys: a field added to them without a migration fails here.
func TestConnectorSchema(t *testing.T) {
	requireSchema(t, schemaCheck{
		table: "connectors", own: connectorCols, sections: "parameters/summary",
		sectionCols: append(append([]column(nil), parameterCols...), mateSumCols...),
		structs:     []structCols{{reflect.TypeOf(mate.Parameters{}), parameterCols}, {reflect.TypeOf(mate.Summary{}), mateSumCols}, {reflect.TypeOf(mate.Pair{}), pairCols}},
		want: map[string][]string{
			"connectors":  append(append(append([]string(nil), connectorCols...), names(parameterCols)...), names(mateSumCols)...),
			"fiber_pairs": append([]string{"connector_id"}, names(pairCols)...),
		},
		field: "mate field",
	})
}

// A saved connector reads back as mate predicted it: parameters, summary,
// every fiber pair (nulls and flags included) and the whole result;
// saving it again is the same row; other parameters are another.
func TestSaveConnector(t *testing.T) {
	a, b, res := matedParts(t, mate.Params{})
	// The test parts are what the test claims: one open pair with a gap,
	// one pair without values.
	var openPairs, null int
	for _, p := range res.Pairs {
		if !p.InContact && p.GapNM > 0 {
			openPairs++
		}
		if !p.ILDB.Valid() {
			null++
		}
	}
	require.Equal(t, 1, openPairs)
	require.Equal(t, 1, null)
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		aID, bID := saveParts(t, s, a, b)
		id, created, err := s.SaveConnector(ctx, aID, bID, res)
		require.NoError(t, err)
		require.True(t, created)

		cs, err := s.Connectors(ctx, ConnectorQuery{Pairs: true, Result: true})
		require.NoError(t, err)
		require.Len(t, cs, 1)
		c := cs[0]
		require.Equal(t, id, c.ID)
		require.Equal(t, ConnectorPart{MeasurementID: aID, File: "w0/f000.x3p", Serial: "SA", Lot: "LA", MeasuredAt: t0}, c.A)
		require.Equal(t, ConnectorPart{MeasurementID: bID, File: "w0/f001.x3p", Serial: "SB", Lot: "LB", MeasuredAt: t0.Add(time.Minute)}, c.B)
		require.Equal(t, jsonOf(t, res.Parameters), jsonOf(t, c.Parameters))
		require.Equal(t, jsonOf(t, res.Summary), jsonOf(t, c.Summary))
		require.Equal(t, jsonOf(t, res.Pairs), jsonOf(t, c.Pairs))
		// Exact, not only as JSON: float64 both ways.
		for i, p := range res.Pairs {
			if p.ILDB.Valid() {
				require.Equal(t, p.ILDB, c.Pairs[i].ILDB)
				require.Equal(t, p.OffsetUM, c.Pairs[i].OffsetUM)
			}
		}
		require.JSONEq(t, jsonOf(t, res), string(c.Result))
		require.Equal(t, ferrule.ThisSoftware().Version, c.SoftwareVersion)

		// Idempotent: nothing written again.
		id2, created, err := s.SaveConnector(ctx, aID, bID, res)
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, id, id2)
		nc, np := connectorCounts(t, s)
		require.Equal(t, 1, nc)
		require.Equal(t, len(res.Pairs), np)

		// Another force, polarity or multimode calibration is another
		// connector; so are the parts the other way round.
		for _, p := range []mate.Params{{ForceN: 8}, {Polarity: mate.PolarityA}, {MMLossDBPerUM: 0.1}} {
			_, _, r := matedParts(t, p)
			_, created, err := s.SaveConnector(ctx, aID, bID, r)
			require.NoError(t, err)
			require.True(t, created, "%+v", p)
		}
		_, created, err = s.SaveConnector(ctx, bID, aID, swapped(t, a, b))
		require.NoError(t, err)
		require.True(t, created)
		nc, np = connectorCounts(t, s)
		require.Equal(t, 5, nc)
		require.Equal(t, 5*len(res.Pairs), np)

		// Queries: by A's lot, by A's time, limited.
		for _, tc := range []struct {
			name string
			q    ConnectorQuery
			want int
		}{
			{"all", ConnectorQuery{}, 5},
			{"lot of A", ConnectorQuery{Lot: "LA"}, 4},
			{"lot of B is not selected", ConnectorQuery{Lot: "LB"}, 1},    // only the swapped connector has an A in LB; B's lot would give 4
			{"since", ConnectorQuery{Since: t0.Add(30 * time.Second)}, 1}, // B (measured at t0+1 min) is A once
			{"until", ConnectorQuery{Until: t0.Add(30 * time.Second)}, 4},
			{"limit", ConnectorQuery{Limit: 2}, 2},
		} {
			got, err := s.Connectors(ctx, tc.q)
			require.NoError(t, err, tc.name)
			require.Len(t, got, tc.want, tc.name)
			for _, c := range got {
				require.Empty(t, c.Pairs, tc.name)
				require.Empty(t, c.Result, tc.name)
			}
		}
		got, err := s.Connectors(ctx, ConnectorQuery{})
		require.NoError(t, err)
		require.Equal(t, bID, got[0].A.MeasurementID, "newest (A measured last) first")

		// With their pairs, read in batches: each connector has its own,
		// those of the result stored with it (polarity and swapped parts
		// pair other fibers, the force other gaps).
		got, err = s.Connectors(ctx, ConnectorQuery{Pairs: true, Result: true})
		require.NoError(t, err)
		require.Len(t, got, 5)
		for _, c := range got {
			var r mate.Result
			require.NoError(t, json.Unmarshal(c.Result, &r))
			require.Len(t, c.Pairs, len(r.Pairs), "connector %d", c.ID)
			for i, p := range c.Pairs {
				require.Equal(t, r.Pairs[i].CSVRow(), p.CSVRow(), "connector %d, pair %d", c.ID, i)
			}
		}
	})
}

// swapped is the connector of b against a.
func swapped(t testing.TB, a, b *ferrule.Report) *mate.Result {
	r, err := mate.Mate(b, a, mate.Params{})
	require.NoError(t, err)
	return r
}

// A connector needs both its measurements, stored and analysed, of the
// layouts it names: otherwise a clear error, and nothing stored.
func TestSaveConnectorErrors(t *testing.T) {
	a, b, res := matedParts(t, mate.Params{})
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		aID, bID := saveParts(t, s, a, b)
		failed, _, err := s.SaveFailure(ctx, meta(1, 0, t0), errors.New("x3p: truncated"))
		require.NoError(t, err)
		other := *res
		other.B.Layout = "MT-16"
		for _, tc := range []struct {
			name   string
			a, b   int64
			res    *mate.Result
			substr string
		}{
			{"missing A", 9999, bID, res, "part A, measurement 9999, is not stored"},
			{"missing B", aID, 9998, res, "part B, measurement 9998, is not stored"},
			{"failed", aID, failed, res, "could not be analysed"},
			{"layout", aID, bID, &other, "part B is MT-16 but measurement"},
		} {
			_, _, err := s.SaveConnector(ctx, tc.a, tc.b, tc.res)
			require.ErrorIs(t, err, ErrNoConnectorMeasurement, tc.name)
			require.ErrorContains(t, err, tc.substr, tc.name)
			require.ErrorContains(t, err, "b.x3p", tc.name) // names the connector
		}
		_, _, err = s.SaveConnector(ctx, aID, bID, nil)
		require.Error(t, err)
		nc, np := connectorCounts(t, s)
		require.Zero(t, nc+np)
	})
}

// Stations saving the same connector at once store it once.
func TestConcurrentConnectors(t *testing.T) {
	a, b, res := matedParts(t, mate.Params{})
	forEngines(t, func(t *testing.T, url string) {
		aID, bID := saveParts(t, open(t, url), a, b)
		const writers = 4
		var wg sync.WaitGroup
		created := make(chan bool, writers)
		errs := make(chan error, writers)
		for range writers {
			s := open(t, url) // a pool of its own, as a station has
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, c, err := s.SaveConnector(context.Background(), aID, bID, res)
				errs <- err
				created <- c
			}()
		}
		wg.Wait()
		close(errs)
		close(created)
		for err := range errs {
			require.NoError(t, err)
		}
		n := 0
		for c := range created {
			if c {
				n++
			}
		}
		require.Equal(t, 1, n)
		nc, np := connectorCounts(t, open(t, url))
		require.Equal(t, 1, nc)
		require.Equal(t, len(res.Pairs), np)
	})
}

// The rows read with the sqlite3 program (not with this package) hold
// mate's numbers: the parameters and summary of the connector and every
// fiber pair, NULL where mate has null.
func TestConnectorSQLite3(t *testing.T) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Skip("sqlite3 not installed")
	}
	a, b, res := matedParts(t, mate.Params{})
	path := engines[0].url(t)
	s := open(t, path)
	aID, bID := saveParts(t, s, a, b)
	_, _, err := s.SaveConnector(context.Background(), aID, bID, res)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	query := func(q string) [][]string {
		out, err := exec.Command("sqlite3", "-readonly", path, q).CombinedOutput()
		require.NoError(t, err, "%s", out)
		var rows [][]string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			rows = append(rows, strings.Split(l, "|"))
		}
		return rows
	}
	// num checks a number as sqlite3 prints it: with 15 significant
	// digits (its "%!.15g"), empty for NULL.
	num := func(want ferrule.Num, got, what string) {
		if !want.Valid() {
			require.Empty(t, got, what)
			return
		}
		v, err := strconv.ParseFloat(got, 64)
		require.NoError(t, err, what)
		require.InDelta(t, float64(want), v, 1e-14*math.Abs(float64(want))+1e-300, what) // 15 digits
	}
	boolean := func(want bool, got, what string) {
		require.Equal(t, map[bool]string{true: "1", false: "0"}[want], got, what)
	}
	c := query(`SELECT a_measurement_id, b_measurement_id, polarity, force_n, stiffness_n_per_um, mfd_um, wavelength_nm, glass_index, core_dip_risk_nm,
		mm_loss_db_per_um, pairs, fibers_in_contact, largest_gap_nm, worst_il_db, mean_il_db, json_extract(result, '$.b.file') FROM connectors`)
	require.Len(t, c, 1)
	r, p, sm := c[0], res.Parameters, res.Summary
	require.Equal(t, []string{strconv.FormatInt(aID, 10), strconv.FormatInt(bID, 10), p.Polarity}, r[:3])
	for i, v := range []ferrule.Num{p.ForceN, p.StiffnessNPerUM, p.MFDUM, p.WavelengthNM, p.GlassIndex, p.CoreDipRiskNM, p.MMLossDBPerUM} {
		num(v, r[3+i], "parameter "+strconv.Itoa(i))
	}
	require.Equal(t, []string{strconv.Itoa(sm.Pairs), strconv.Itoa(sm.FibersInContact)}, r[10:12])
	num(sm.LargestGapNM, r[12], "largest_gap_nm")
	num(sm.WorstILDB, r[13], "worst_il_db")
	num(sm.MeanILDB, r[14], "mean_il_db")
	require.Equal(t, "b.x3p", r[15])

	rows := query(`SELECT a_fiber, b_fiber, offset_um, il_db, in_contact, gap_nm, contact_force_n, rl_db, core_dip_risk, flags FROM fiber_pairs ORDER BY a_fiber`)
	require.Len(t, rows, len(res.Pairs))
	for i, pr := range res.Pairs {
		r := rows[i]
		what := "pair " + r[0]
		require.Equal(t, []string{strconv.Itoa(pr.AFiber), strconv.Itoa(pr.BFiber)}, r[:2], what)
		num(pr.OffsetUM, r[2], what+" offset_um")
		num(pr.ILDB, r[3], what+" il_db")
		boolean(pr.InContact, r[4], what+" in_contact")
		num(pr.GapNM, r[5], what+" gap_nm")
		num(pr.ContactForceN, r[6], what+" contact_force_n")
		num(pr.RLDB, r[7], what+" rl_db")
		boolean(pr.CoreDipRisk, r[8], what+" core_dip_risk")
		require.Equal(t, strings.Join(pr.Flags, ";"), r[9], what)
	}
}

// A database of schema version 1 (before connectors) gets the connector
// tables on Open and keeps its measurements; connectors then save.
func TestMigrateToConnectors(t *testing.T) {
	a, b, res := matedParts(t, mate.Params{})
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		aID, bID := saveParts(t, s, a, b)
		// Back to version 1: what an mtgeo without migration 0002 left.
		for _, q := range []string{`DROP TABLE fiber_pairs`, `DROP TABLE connectors`, `DELETE FROM mtgeo_schema WHERE "version" = 2`} {
			_, err := s.db.Exec(q)
			require.NoError(t, err, q)
		}
		require.NoError(t, s.Close())
		s = open(t, url)
		var v int
		require.NoError(t, s.db.QueryRow(`SELECT MAX("version") FROM mtgeo_schema`).Scan(&v))
		require.Equal(t, 2, v)
		ms, err := s.Measurements(context.Background(), Query{})
		require.NoError(t, err)
		require.Len(t, ms, 2)
		_, created, err := s.SaveConnector(context.Background(), aID, bID, res)
		require.NoError(t, err)
		require.True(t, created)
	})
}

// A connector save cancelled inside its transaction (after the connector
// row, before its fiber pairs) leaves nothing; it saves whole afterwards.
func TestCancelMidConnector(t *testing.T) {
	a, b, res := matedParts(t, mate.Params{})
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		aID, bID := saveParts(t, s, a, b)
		requireCancelMid(t, &testHookPairs, func(ctx context.Context) (bool, error) {
			_, created, err := s.SaveConnector(ctx, aID, bID, res)
			return created, err
		}, func() int {
			nc, np := connectorCounts(t, s)
			return nc + np
		})
		nc, np := connectorCounts(t, s)
		require.Equal(t, 1, nc)
		require.Equal(t, len(res.Pairs), np)
	})
}

// Store the connector predicted from two stored parts (mt16.x3p mated
// with the part whose fiber 9 is recessed), once, and list it.
func ExampleStore_SaveConnector() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(dir, "results.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	var cfg batch.Config
	opts, _ := OptionsJSON(cfg.Read, cfg.Analysis)
	var reps [2]*ferrule.Report
	var ids [2]int64
	for i, f := range []string{"../../testdata/mt16.x3p", "../../testdata/mt16-fail-low-fiber.x3p"} {
		res := batch.AnalyzeFile(new(ferrule.Analyzer), f, &cfg)
		if res.Err != nil {
			log.Fatal(res.Err)
		}
		meta := MetaFromResult(res, opts)
		meta.Lot = "L42"
		if ids[i], _, err = s.Save(ctx, res.Report, meta); err != nil {
			log.Fatal(err)
		}
		reps[i] = res.Report
	}
	pred, err := mate.Mate(reps[0], reps[1], mate.Params{})
	if err != nil {
		log.Fatal(err)
	}
	_, created, err := s.SaveConnector(ctx, ids[0], ids[1], pred)
	if err != nil {
		log.Fatal(err)
	}
	_, again, _ := s.SaveConnector(ctx, ids[0], ids[1], pred) // a re-run: the same row
	fmt.Println("saved", created, "again", again)

	cs, err := s.Connectors(ctx, ConnectorQuery{Lot: "L42", Pairs: true})
	if err != nil {
		log.Fatal(err)
	}
	c := cs[0]
	fmt.Printf("%s × %s: %d pairs, %d in contact, same as predicted: %t\n", filepath.Base(c.A.File), filepath.Base(c.B.File),
		c.Summary.Pairs, c.Summary.FibersInContact, c.Summary.FibersInContact == pred.Summary.FibersInContact && len(c.Pairs) == len(pred.Pairs))
	// Output:
	// saved true again false
	// mt16.x3p × mt16-fail-low-fiber.x3p: 16 pairs, 5 in contact, same as predicted: true
}

// BenchmarkSaveConnector stores a new 12-pair connector per iteration
// (the force parameter differs, so none is a re-run).
func BenchmarkSaveConnector(b *testing.B) {
	a, bb, res := matedParts(b, mate.Params{})
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			s := open(b, e.url(b))
			aID, bID := saveParts(b, s, a, bb)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r := *res
				r.Parameters.ForceN = ferrule.Num(1 + float64(i)*1e-6)
				i++
				if _, created, err := s.SaveConnector(ctx, aID, bID, &r); err != nil || !created {
					b.Fatal(err, created)
				}
			}
		})
	}
}
