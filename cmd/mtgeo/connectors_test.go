package main

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/store"
)

// readCSV reads a whole CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return rows
}

// batch --mate-pairs --db stores each predicted connector once, after its
// two measurements, with the numbers of pairs.csv: a re-run, and a resumed
// run, add nothing; a resumed run into a database that lacks the
// measurements stores them with the connectors. db connectors lists them.
func TestBatchConnectorsDB(t *testing.T) {
	dir := mateFolder(t) // a, b: MT-12; c: MT-16, which cannot mate with a
	pairsCSV := filepath.Join(dir, "pairs.csv")
	require.NoError(t, os.WriteFile(pairsCSV, []byte("a,b\na.x3p,b.x3p\nb.x3p,a.x3p\na.x3p,c.x3p\n"), 0o666))
	for _, e := range dbEngines {
		t.Run(e.name, func(t *testing.T) {
			db := e.url(t)
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := runCmd("batch", "--mate-pairs", pairsCSV, "--db", db, "--lot", "L1", "--out", out)
			require.Equal(t, exitError, code, "a × c cannot mate: %s", stderr)
			require.Contains(t, stdout, "connectors in the database: 2 stored, 2 of them new")

			n := sqlClient(t, db, `SELECT (SELECT COUNT(*) FROM measurements), (SELECT COUNT(*) FROM connectors), (SELECT COUNT(*) FROM fiber_pairs)`)
			require.Equal(t, []string{"3", "2", "24"}, n[0]) // a, b, c; a×b and b×a, 12 fiber pairs each

			// The stored fiber pairs are pairs.csv's rows, read with the
			// engine's own client: files, fibers, IL, contact and gap.
			rows := sqlClient(t, db, `SELECT ma.file, mb.file, p.a_fiber, p.b_fiber, p.il_db, CASE WHEN p.in_contact THEN 'true' ELSE 'false' END, p.gap_nm
				FROM fiber_pairs p JOIN connectors c ON c.id = p.connector_id JOIN measurements ma ON ma.id = c.a_measurement_id
				JOIN measurements mb ON mb.id = c.b_measurement_id ORDER BY c.id, p.a_fiber`)
			csvRows := readCSV(t, filepath.Join(out, batch.PairsFile))
			head := map[string]int{}
			for i, h := range csvRows[0] {
				head[h] = i
			}
			require.Len(t, rows, 24)
			for i, r := range rows {
				want := csvRows[1+i]
				require.Equal(t, []string{want[head["a"]], want[head["b"]], want[head["a_fiber"]], want[head["b_fiber"]]}, r[:4], "row %d", i)
				for _, c := range []struct {
					col string
					got string
				}{{"il_db", r[4]}, {"gap_nm", r[6]}} {
					w, g := want[head[c.col]], c.got
					if w == "" {
						require.Empty(t, g, "row %d %s", i, c.col)
						continue
					}
					wf, err := strconv.ParseFloat(w, 64)
					require.NoError(t, err)
					gf, err := strconv.ParseFloat(g, 64)
					require.NoError(t, err)
					// sqlite3 prints 15 significant digits; psql the shortest exact.
					require.InDelta(t, wf, gf, 1e-14*math.Abs(wf), "row %d %s", i, c.col)
				}
				require.Equal(t, want[head["in_contact"]], r[5], "row %d", i)
			}

			// A re-run into another folder: the same measurements and
			// connectors, nothing new.
			code, stdout, stderr = runCmd("batch", "--mate-pairs", pairsCSV, "--db", db, "--lot", "L1", "--out", filepath.Join(t.TempDir(), "again"))
			require.Equal(t, exitError, code, stderr)
			require.Contains(t, stdout, "connectors in the database: 2 stored, 0 of them new")
			// Resumed: no file analysed, the connectors found by their files' contents.
			code, stdout, stderr = runCmd("batch", "--mate-pairs", pairsCSV, "--db", db, "--lot", "L1", "--out", out, "--resume")
			require.Equal(t, exitError, code, stderr)
			require.Contains(t, stderr, "0 files to analyse")
			require.Contains(t, stdout, "connectors in the database: 2 stored, 0 of them new")
			n = sqlClient(t, db, `SELECT (SELECT COUNT(*) FROM measurements), (SELECT COUNT(*) FROM connectors), (SELECT COUNT(*) FROM fiber_pairs)`)
			require.Equal(t, []string{"3", "2", "24"}, n[0])

			// db connectors: newest first (ties by id), A's lot selects.
			code, stdout, stderr = runCmd("db", "connectors", "--db", db, "--format", "json", "--pairs")
			require.Equal(t, exitOK, code, stderr)
			var cs []store.Connector
			require.NoError(t, json.Unmarshal([]byte(stdout), &cs))
			require.Len(t, cs, 2)
			files := map[string]bool{}
			for _, c := range cs {
				require.Len(t, c.Pairs, 12)
				require.Equal(t, "L1", c.A.Lot)
				require.Equal(t, "B", c.Parameters.Polarity)
				require.InDelta(t, 10, float64(c.Parameters.ForceN), 0) // SPEC §10 default spring force, N
				files[filepath.Base(c.A.File)+"×"+filepath.Base(c.B.File)] = true
			}
			require.Equal(t, map[string]bool{"a.x3p×b.x3p": true, "b.x3p×a.x3p": true}, files)

			code, stdout, stderr = runCmd("db", "connectors", "--db", db, "--format", "csv", "--pairs")
			require.Equal(t, exitOK, code, stderr)
			recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			require.NoError(t, err)
			require.Len(t, recs, 1+24)
			code, stdout, _ = runCmd("db", "connectors", "--db", db, "--format", "csv", "--limit", "1")
			require.Equal(t, exitOK, code)
			recs, err = csv.NewReader(strings.NewReader(stdout)).ReadAll()
			require.NoError(t, err)
			require.Len(t, recs, 2)
			require.Contains(t, recs[0], "worst_il_db")
			code, stdout, _ = runCmd("db", "connectors", "--db", db)
			require.Equal(t, exitOK, code)
			require.Contains(t, stdout, "predicted from the geometry, not measured")
			code, stdout, _ = runCmd("db", "connectors", "--db", db, "--lot", "L9")
			require.Equal(t, exitOK, code)
			require.Contains(t, stdout, "no connector")
			code, _, stderr = runCmd("db", "connectors", "--db", db, "--limit", "-1")
			require.Equal(t, exitError, code)
			require.Contains(t, stderr, "--limit")
		})
	}
}

// A batch run without --db, resumed with --db: the connectors' files are
// not analysed again, but found in results.jsonl and stored (once) with
// their connectors.
func TestBatchConnectorsResumeIntoDB(t *testing.T) {
	dir := mateFolder(t)
	pairsCSV := filepath.Join(dir, "pairs.csv")
	require.NoError(t, os.WriteFile(pairsCSV, []byte("a,b\na.x3p,b.x3p\n"), 0o666))
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCmd("batch", "--mate-pairs", pairsCSV, "--out", out)
	require.Equal(t, exitOK, code, stderr)
	db := filepath.Join(t.TempDir(), "results.db")
	for _, want := range []string{"1 stored, 1 of them new", "1 stored, 0 of them new"} {
		code, stdout, stderr := runCmd("batch", "--mate-pairs", pairsCSV, "--db", db, "--out", out, "--resume")
		require.Equal(t, exitOK, code, stderr)
		require.Contains(t, stderr, "0 files to analyse")
		require.Contains(t, stdout, want)
	}
	n := sqlClient(t, db, `SELECT (SELECT COUNT(*) FROM measurements), (SELECT COUNT(*) FROM connectors), (SELECT COUNT(*) FROM fiber_pairs)`)
	require.Equal(t, []string{"2", "1", "12"}, n[0])
	// The measurements found so hold the files' SHA-256, as a batch stores them.
	sums := sqlClient(t, db, `SELECT file_sha256 FROM measurements ORDER BY file`)
	for i, f := range []string{"a.x3p", "b.x3p"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		sum := sha256.Sum256(b)
		require.Equal(t, hex.EncodeToString(sum[:]), sums[i][0])
	}
}
