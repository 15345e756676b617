// Package pgtest gives tests a real PostgreSQL server: the one named by
// the environment variable MTGEO_TEST_POSTGRES (a postgres:// URL of a
// role that may create databases, as .ci/run exports it), or else a
// throw-away server it starts itself with initdb and pg_ctl (found on
// PATH, in /usr/local/bin or /usr/lib/postgresql/*/bin) on a free
// loopback port with a temporary data directory, with password (SCRAM)
// authentication so that a wrong password is refused. Run as root, the
// server runs as the postgres user (initdb refuses root) through runuser.
// Where no server can be had the test is skipped, saying why.
//
// A package using it calls Main from TestMain, which stops a server
// started for it when the tests end.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvURL is the environment variable naming a server for the tests.
const EnvURL = "MTGEO_TEST_POSTGRES"

var (
	once    sync.Once
	baseURL string // the admin URL of the server
	skipWhy string // why there is none
	srv     *server
)

// server is a PostgreSQL started by this package.
type server struct {
	dir, pgctl string
	runAs      []string // runuser -u postgres --, when root
	uid, gid   int      // of the postgres user, with runAs
}

// Main runs the tests of m and stops the server started for them, if
// any; use it as os.Exit(pgtest.Main(m)) in TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if srv != nil {
		srv.stop()
	}
	return code
}

// URL returns the URL of a fresh, empty database on the test server,
// dropped when t ends, or skips t when no server can be had.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(setup)
	if baseURL == "" {
		t.Skip("no PostgreSQL server for the tests: " + skipWhy)
	}
	admin, err := sql.Open("pgx", baseURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer admin.Close()
	name := "mtgeo_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: creating a database on %s: %v", redact(baseURL), err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", baseURL)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, _ := url.Parse(baseURL)
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func redact(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return "(URL)"
	}
	if _, ok := pu.User.Password(); ok {
		pu.User = url.UserPassword(pu.User.Username(), "xxxxx")
	}
	return pu.String()
}

func setup() {
	if u := os.Getenv(EnvURL); u != "" {
		baseURL = u
		return
	}
	s, u, err := start()
	if err != nil {
		skipWhy = err.Error() + " (set " + EnvURL + " to a server's URL)"
		return
	}
	srv, baseURL = s, u
}

// findBin returns the path of a PostgreSQL server program.
func findBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, pat := range []string{"/usr/local/bin/" + name, "/usr/lib/postgresql/*/bin/" + name, "/usr/local/pgsql/bin/" + name} {
		if m, _ := filepath.Glob(pat); len(m) > 0 {
			return m[len(m)-1], nil
		}
	}
	return "", fmt.Errorf("%s not found (install Debian's postgresql package)", name)
}

// start initialises and starts a server in a temporary directory.
func start() (*server, string, error) {
	initdb, err := findBin("initdb")
	if err != nil {
		return nil, "", err
	}
	pgctl, err := findBin("pg_ctl")
	if err != nil {
		return nil, "", err
	}
	s := &server{pgctl: pgctl}
	dir, err := os.MkdirTemp("", "mtgeo-pgtest-")
	if err != nil {
		return nil, "", err
	}
	s.dir = dir
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: run the server as postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			s.remove()
			return nil, "", errors.New("running as root and there is no postgres user to run the server as")
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			s.remove()
			return nil, "", errors.New("running as root and runuser is not found")
		}
		s.uid, _ = strconv.Atoi(u.Uid)
		s.gid, _ = strconv.Atoi(u.Gid)
		if err := os.Chown(dir, s.uid, s.gid); err != nil {
			s.remove()
			return nil, "", err
		}
		s.runAs = []string{runuser, "-u", "postgres", "--"}
	}
	password := randomHex(12)
	pwfile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		s.remove()
		return nil, "", err
	}
	if s.runAs != nil {
		os.Chown(pwfile, s.uid, s.gid)
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run(initdb, "-D", data, "-U", "postgres", "--pwfile="+pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"); err != nil {
		s.remove()
		return nil, "", fmt.Errorf("initdb: %v: %s", err, lastLines(out))
	}
	port, err := freePort()
	if err != nil {
		s.remove()
		return nil, "", err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50", port, dir)
	if out, err := s.run(pgctl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		s.remove()
		return nil, "", fmt.Errorf("pg_ctl start: %v: %s %s", err, lastLines(out), lastLines(log))
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", password), Host: fmt.Sprintf("127.0.0.1:%d", port), Path: "/postgres", RawQuery: "sslmode=disable"}
	return s, u.String(), nil
}

func (s *server) run(name string, args ...string) ([]byte, error) {
	argv := append(append(append([]string(nil), s.runAs...), name), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

func (s *server) stop() {
	s.run(s.pgctl, "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	s.remove()
}

func (s *server) remove() { os.RemoveAll(s.dir) }

// freePort returns a loopback TCP port nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}
