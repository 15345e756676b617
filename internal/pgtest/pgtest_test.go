package pgtest_test

import (
	"database/sql"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Each URL is a fresh database of its own on a real server.
func TestURL(t *testing.T) {
	a, b := pgtest.URL(t), pgtest.URL(t)
	require.NotEqual(t, a, b)
	da, err := sql.Open("pgx", a)
	require.NoError(t, err)
	defer da.Close()
	_, err = da.Exec(`CREATE TABLE t (x INTEGER)`)
	require.NoError(t, err)
	db, err := sql.Open("pgx", b)
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 't'`).Scan(&n))
	require.Zero(t, n, "the second database sees the first one's table")
	var v string
	require.NoError(t, da.QueryRow(`SHOW server_version`).Scan(&v))
	t.Log("PostgreSQL", v)
}
