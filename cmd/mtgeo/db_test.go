package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/store"
	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// dbEngines are the databases the CLI tests write: a SQLite file and a
// fresh PostgreSQL database (skipped, saying why, without a server).
var dbEngines = []struct {
	name string
	url  func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "results.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
}

// dbFolder lays out two lots of the repository's test parts (truth in
// testdata/*.truth.json, verdicts against iec-style-pc-16 in
// testdata/README.md) as a station would name them, LOT/STATION/SERIAL:
//
//	L1/st1/SN001.x3p  mt16.x3p: passes
//	L1/st1/SN002.x3p  mt16-fail-low-fiber.x3p: fails (fiber 9 recessed)
//	L2/st2/SN003.x3p  mt16-fail-x-angle.x3p: fails (X angle 0.21°)
//	L2/st2/SN004.x3p  the first 3000 bytes of mt16.x3p: cannot be analysed
func dbFolder(t *testing.T) string {
	dir := t.TempDir()
	for dst, src := range map[string]string{"L1/st1/SN001.x3p": sample16, "L1/st1/SN002.x3p": failing16, "L2/st2/SN003.x3p": "../../testdata/mt16-fail-x-angle.x3p"} {
		copyFile(t, src, filepath.Join(dir, dst))
	}
	b, err := os.ReadFile(sample16)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "L2/st2/SN004.x3p"), b[:3000], 0o666))
	return dir
}

const metaExpr = `(?P<lot>L[0-9]+)/(?P<station>st[0-9]+)/(?P<serial>SN[0-9]+)\.x3p$`

// sqlClient runs a query with the engine's own command-line client
// (sqlite3, psql), not with mtgeo, and returns its rows of |-separated
// fields; it skips when the client is not installed.
func sqlClient(t *testing.T, dbURL, query string) [][]string {
	var cmd *exec.Cmd
	if strings.HasPrefix(dbURL, "postgres") {
		if _, err := exec.LookPath("psql"); err != nil {
			t.Skip("psql not installed")
		}
		cmd = exec.Command("psql", "-X", "-A", "-t", "-F", "|", "-d", dbURL, "-c", query)
	} else {
		if _, err := exec.LookPath("sqlite3"); err != nil {
			t.Skip("sqlite3 not installed")
		}
		cmd = exec.Command("sqlite3", "-readonly", dbURL, query)
	}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if sc.Text() != "" {
			rows = append(rows, strings.Split(sc.Text(), "|"))
		}
	}
	return rows
}

// A batch saves every file (the one it cannot analyse too) with the lot,
// station and serial from the path and the operator from its flag; the
// rows read back with sqlite3 and psql; a re-run adds nothing; the db
// queries answer from them.
func TestBatchDB(t *testing.T) {
	dir := dbFolder(t)
	for _, e := range dbEngines {
		t.Run(e.name, func(t *testing.T) {
			db := e.url(t)
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := runCmd("batch", "--spec", "iec-style-pc-16", "--db", db, "--meta", metaExpr, "--operator", "ann", "-j", "2", "--out", out, dir)
			require.Equal(t, exitError, code, "a file cannot be analysed: %s\n%s", stdout, stderr)

			rows := sqlClient(t, db, `SELECT serial, lot, station, operator, layout, profile, CASE WHEN pass IS NULL THEN 'null' WHEN pass THEN 'pass' ELSE 'fail' END, error IS NOT NULL, (SELECT COUNT(*) FROM fibers f WHERE f.measurement_id = m.id) FROM measurements m ORDER BY serial`)
			require.Equal(t, [][]string{
				{"SN001", "L1", "st1", "ann", "MT-16", "iec-style-pc-16", "pass", boolText(db, false), "16"},
				{"SN002", "L1", "st1", "ann", "MT-16", "iec-style-pc-16", "fail", boolText(db, false), "16"},
				{"SN003", "L2", "st2", "ann", "MT-16", "iec-style-pc-16", "fail", boolText(db, false), "16"},
				{"SN004", "L2", "st2", "ann", "", "", "null", boolText(db, true), "0"},
			}, rows)
			// Fiber 9 of the low-fiber part: 450 nm below its neighbours
			// (testdata/mklot.go), read with the client.
			h := sqlClient(t, db, `SELECT f.height_nm FROM fibers f JOIN measurements m ON m.id = f.measurement_id WHERE m.serial = 'SN002' AND f."index" IN (8, 9) ORDER BY f."index"`)
			h8, _ := strconv.ParseFloat(h[0][0], 64)
			h9, _ := strconv.ParseFloat(h[1][0], 64)
			require.InDelta(t, 450, h8-h9, 60) // nm; neighbours differ by their own ±50 nm (mklot's spread)

			// A re-run (into another output folder, no --resume) stores nothing new.
			out2 := filepath.Join(t.TempDir(), "out")
			code, _, stderr = runCmd("batch", "--spec", "iec-style-pc-16", "--db", db, "--meta", metaExpr, "-j", "1", "--out", out2, dir)
			require.Equal(t, exitError, code, stderr)
			n := sqlClient(t, db, `SELECT COUNT(*), (SELECT COUNT(*) FROM fibers), (SELECT COUNT(*) FROM checks) FROM measurements`)
			require.Equal(t, "4", n[0][0])
			require.Equal(t, "48", n[0][1]) // 3 analysed × 16 fibers

			// lots: L1 1 of 2 passed; L2 0 of 2 (the unreadable file counts as failed).
			code, stdout, stderr = runCmd("db", "lots", "--db", db, "--format", "json")
			require.Equal(t, exitOK, code, stderr)
			var lots []store.Lot
			require.NoError(t, json.Unmarshal([]byte(stdout), &lots))
			require.Len(t, lots, 2)
			require.Equal(t, "L1", lots[0].Lot)
			require.Equal(t, 2, lots[0].Count)
			require.InDelta(t, 0.5, float64(lots[0].Yield), 1e-15)
			require.Equal(t, "L2", lots[1].Lot)
			require.Equal(t, 1, lots[1].Errors)
			require.InDelta(t, 0, float64(lots[1].Yield), 1e-15)
			code, stdout, _ = runCmd("db", "lots", "--db", db)
			require.Equal(t, exitOK, code)
			require.Contains(t, stdout, "50.0 %")

			// trend: the X angles of the three parts in time order, limits ±0.15°.
			chart := filepath.Join(t.TempDir(), "run.svg")
			code, stdout, stderr = runCmd("db", "trend", "x_angle_deg", "--db", db, "--format", "csv", "-o", chart)
			require.Equal(t, exitOK, code, stderr)
			recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			require.NoError(t, err)
			require.Len(t, recs, 4)
			require.Equal(t, "0.15", recs[1][6])
			svg, err := os.ReadFile(chart)
			require.NoError(t, err)
			require.Contains(t, string(svg), "<svg")
			code, stdout, _ = runCmd("db", "trend", "x_angle_deg", "--db", db, "--lot", "L2")
			require.Equal(t, exitOK, code)
			require.Contains(t, stdout, "SN003")
			require.NotContains(t, stdout, "SN001")

			// trend over lots: L1 has two analysed parts, L2 one (SN004 failed).
			code, stdout, stderr = runCmd("db", "trend", "x_angle_deg", "--by", "lot", "--db", db, "--format", "json", "-o", filepath.Join(t.TempDir(), "lots.png"))
			require.Equal(t, exitOK, code, stderr)
			var byLot []struct {
				Lots []store.LotStats `json:"lots"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &byLot))
			require.Len(t, byLot, 1)
			require.Len(t, byLot[0].Lots, 2)
			require.Equal(t, "L1", byLot[0].Lots[0].Lot)
			require.Equal(t, 2, byLot[0].Lots[0].N)
			require.Equal(t, 1, byLot[0].Lots[1].N)

			// spc of one fiber's height: n = 3 measured parts.
			code, stdout, stderr = runCmd("db", "spc", "height_nm", "--fiber", "9", "--db", db, "--format", "json")
			require.Equal(t, exitOK, code, stderr)
			var caps []store.Capability
			require.NoError(t, json.Unmarshal([]byte(stdout), &caps))
			require.Len(t, caps, 1)
			require.Equal(t, 3, caps[0].N)
			require.Equal(t, 9, caps[0].Fiber)

			// show a serial: its report as text.
			code, stdout, _ = runCmd("db", "show", "SN002", "--db", db)
			require.Equal(t, exitOK, code)
			require.Contains(t, stdout, "fail")
			require.Contains(t, stdout, "fiber")
			code, _, stderr = runCmd("db", "show", "nothing", "--db", db)
			require.Equal(t, exitError, code)
			require.Contains(t, stderr, "no measurement")

			// export AQDEF to a file: 1 ferrule field + 16 fibers.
			dfq := filepath.Join(t.TempDir(), "lot.dfq")
			code, _, stderr = runCmd("db", "export", "--db", db, "--format", "aqdef", "--param", "x_angle_deg,height_nm", "-o", dfq)
			require.Equal(t, exitOK, code, stderr)
			b, err := os.ReadFile(dfq)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(string(b), "K0100 17\r\n"), "%.40s", b)
			require.Equal(t, 3*17, strings.Count(string(b), "K0001/"))

			// analyze --db of a file already stored: nothing new.
			code, _, stderr = runCmd("analyze", "--spec", "iec-style-pc-16", "--db", db, "--serial", "X", filepath.Join(dir, "L1/st1/SN001.x3p"))
			require.Equal(t, exitOK, code, stderr)
			n = sqlClient(t, db, `SELECT COUNT(*) FROM measurements`)
			require.Equal(t, "4", n[0][0])
		})
	}
}

// boolText is how the engine's client prints a boolean expression.
func boolText(db string, v bool) string {
	switch {
	case strings.HasPrefix(db, "postgres") && v:
		return "t"
	case strings.HasPrefix(db, "postgres"):
		return "f"
	case v:
		return "1"
	}
	return "0"
}

// A database that cannot be opened stops analyze and batch before any
// file is analysed, with an error naming it.
func TestDBOpenFirst(t *testing.T) {
	dir := dbFolder(t)
	port := freeLoopbackPort(t)
	bad := fmt.Sprintf("postgres://mtgeo:secret@127.0.0.1:%d/results?connect_timeout=5", port)
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCmd("batch", "--db", bad, "--out", out, dir)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "cannot open PostgreSQL database")
	require.NotContains(t, stderr, "secret")
	require.NoFileExists(t, filepath.Join(out, batch.ResultsFile), "no file may be analysed")
	require.Empty(t, stdout)

	code, stdout, stderr = runCmd("analyze", "--db", bad, filepath.Join(dir, "L1/st1/SN001.x3p"))
	require.Equal(t, exitError, code)
	require.Empty(t, stdout)
	require.Contains(t, stderr, "server unreachable")

	t.Run("wrong password", func(t *testing.T) {
		u, err := url.Parse(pgtest.URL(t))
		require.NoError(t, err)
		if _, ok := u.User.Password(); !ok {
			t.Skip("the test server's URL has no password")
		}
		u.User = url.UserPassword(u.User.Username(), "not-the-password")
		code, stdout, stderr := runCmd("analyze", "--db", u.String(), filepath.Join(dir, "L1/st1/SN001.x3p"))
		if code == exitOK {
			t.Skip("the test server accepts any password")
		}
		require.Equal(t, exitError, code)
		require.Empty(t, stdout)
		require.Contains(t, stderr, "authentication failed")
	})

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--lot", "L1"}, "--lot is for the database"},
		{[]string{"--db", filepath.Join(t.TempDir(), "r.db"), "--meta", "(unclosed"}, "--meta"},
		{[]string{"--db", filepath.Join(t.TempDir(), "r.db"), "--meta", "L[0-9]+"}, "no named group"},
		{[]string{"--db", filepath.Join(t.TempDir(), "r.db"), "--meta", "(?P<part>x)"}, `group "part"`},
	} {
		code, stdout, stderr := runCmd(append(append([]string{"analyze"}, tc.args...), filepath.Join(dir, "L1/st1/SN001.x3p"))...)
		require.Equal(t, exitError, code, tc.args)
		require.Empty(t, stdout)
		require.Contains(t, stderr, tc.want)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"db", "lots"}, "no database"},
		{[]string{"db", "lots", "--db", filepath.Join(t.TempDir(), "r.db"), "--since", "yesterday"}, "--since"},
		{[]string{"db", "trend", "nope", "--db", filepath.Join(t.TempDir(), "r.db")}, "names no report parameter"},
		{[]string{"db", "export", "--db", filepath.Join(t.TempDir(), "r.db"), "--format", "xls"}, "--format"},
		{[]string{"db", "frobnicate"}, "unknown command"},
	} {
		t.Setenv("MTGEO_DB", "")
		code, _, stderr := runCmd(tc.args...)
		require.Equal(t, exitError, code, tc.args)
		require.Contains(t, stderr, tc.want)
	}
}

// freeLoopbackPort returns a loopback port nothing listens on.
func freeLoopbackPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Explicit flags win over --meta groups, which win over what the file
// says (instrument as station, creator as operator).
func TestMetaPrecedence(t *testing.T) {
	re, err := compileMeta(`(?P<lot>L[0-9]+)/(?P<station>st[0-9]+)/`)
	require.NoError(t, err)
	res := batch.Result{File: "data/L7/st3/x.x3p", SHA256: strings.Repeat("ab", 32),
		Meta: geometry.Metadata{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Instrument: "Acme IFM", Creator: "bob"}}
	f := storeFlags{re: re, serial: "SN9"}
	m := f.metaFor(res)
	require.Equal(t, "L7", m.Lot)       // regex
	require.Equal(t, "st3", m.Station)  // regex over the file's instrument
	require.Equal(t, "bob", m.Operator) // the file's creator
	require.Equal(t, "SN9", m.Serial)   // flag
	require.True(t, m.MeasuredAt.Equal(res.Meta.Time))
	f.station = "line-2"
	require.Equal(t, "line-2", f.metaFor(res).Station) // flag over regex
	f.re = nil
	f.station = ""
	require.Equal(t, "Acme IFM", f.metaFor(res).Station) // the file's own
}

// FuzzMeta: any --meta expression and path: an error or metadata, never
// a panic; what a group takes is part of the path.
func FuzzMeta(f *testing.F) {
	f.Add(metaExpr, "L1/st1/SN001.x3p")
	f.Add(`(?P<lot>.*)`, "")
	f.Add(`(?P<x>a)`, "a")
	f.Add(`(`, "a")
	f.Add(`(?P<serial>[^/]+)$`, "dir/\xffname")
	f.Fuzz(func(t *testing.T, expr, path string) {
		re, err := compileMeta(expr)
		if err != nil {
			return
		}
		m := (&storeFlags{re: re}).metaFor(batch.Result{File: path})
		for _, v := range []string{m.Lot, m.Serial, m.Station, m.Operator} {
			require.True(t, strings.Contains(filepath.ToSlash(path), v))
		}
	})
}

// FuzzParseTime: --since and --until take a time or give an error; a
// time read reads back from its RFC 3339 text, offset included.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-12-01", "2026-12-01T08:00", "2026-12-01T08:00:00Z", "2026-12-01T08:00:00.5+01:00", "", "yesterday", "2026-13-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := parseTime(s)
		if err != nil {
			return
		}
		back, err := parseTime(tm.Format(time.RFC3339Nano))
		require.NoError(t, err)
		require.True(t, back.Equal(tm), "%s read back as %s", tm, back)
		_, off := tm.Zone()
		_, backOff := back.Zone()
		require.Equal(t, off, backOff)
	})
}

// BenchmarkBatchDB is a batch of 8 MT-16 files (2233×600 px) with one
// worker, without and with --db into a fresh SQLite file: the target is
// at most 10 % slower with the database.
func BenchmarkBatchDB(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < 8; i++ {
		src := []string{sample16, failing16, "../../testdata/mt16-fail-x-angle.x3p"}[i%3]
		data, err := os.ReadFile(src)
		require.NoError(b, err)
		// Distinct files (one byte appended past the zip's end) so that
		// every one is a new measurement.
		require.NoError(b, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.x3p", i)), append(data, byte(i)), 0o666))
	}
	// Without and with the database in turn, each iteration, so that the
	// machine's other load falls on both alike.
	var plain, withDB time.Duration
	b.ReportAllocs()
	for b.Loop() {
		for _, db := range []bool{false, true} {
			tmp := b.TempDir()
			args := []string{"batch", "--spec", "iec-style-pc-16", "-j", "1", "--out", filepath.Join(tmp, "out"), dir}
			if db {
				args = append(args, "--db", filepath.Join(tmp, "r.db"))
			}
			start := time.Now()
			if code, _, stderr := runCmd(args...); code == exitError {
				b.Fatal(stderr)
			}
			if db {
				withDB += time.Since(start)
			} else {
				plain += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(plain.Milliseconds())/float64(b.N), "ms-without-db/op")
	b.ReportMetric(float64(withDB.Milliseconds())/float64(b.N), "ms-with-db/op")
	b.ReportMetric(100*(withDB.Seconds()/plain.Seconds()-1), "%-slower-with-db")
}
