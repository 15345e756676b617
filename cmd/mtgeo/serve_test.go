//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startServe runs 'mtgeo serve' in this process on a free loopback port
// and returns its base URL and a function that stops it with SIGTERM and
// returns its exit status and stderr (the JSON logs).
func startServe(t *testing.T, args ...string) (base string, stop func() (int, string)) {
	t.Helper()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := run(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), pw, &lockedWriter{w: &stderr})
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve did not start: %v (%s)", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	base = strings.TrimSpace(strings.TrimPrefix(line, "mtgeo serve: listening on "))
	require.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), line)
	return base, func() (int, string) {
		// The service's signal.NotifyContext takes the signal: the test
		// process is not stopped.
		require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
		return <-done, stderr.String()
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// TestServeMatchesAnalyze: 16 clients post good and bad files at once to
// a real 'mtgeo serve'; every answer is byte for byte what 'mtgeo analyze
// --format json' prints for the same file and options (the report), or
// the error text it prints, with the file named by the filename
// parameter. The results are stored in a SQLite file and can be listed.
func TestServeMatchesAnalyze(t *testing.T) {
	db := filepath.Join(t.TempDir(), "results.db")
	base, stop := startServe(t, "-j", "4", "--queue", "64", "--db", db, "--station", "st-1")
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.x3p")
	require.NoError(t, os.WriteFile(bad, []byte("not a height map"), 0o644))
	trunc := filepath.Join(tmp, "truncated.x3p")
	mt16, err := os.ReadFile(sample16)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(trunc, mt16[:len(mt16)/3], 0o644))
	type job struct {
		path string
		q    url.Values
		args []string
	}
	var jobs []job
	for _, f := range []string{sample16, failing16, "../../testdata/mt12.x3p", "../../testdata/mt24-domed.x3p", "../../testdata/mt32-fail-missing-fiber.x3p", bad, trunc} {
		jobs = append(jobs, job{f, url.Values{}, nil})
		jobs = append(jobs, job{f, url.Values{"spec": {"auto"}, "fit_radius": {"45"}}, []string{"--spec", "auto", "--fit-radius", "45"}})
	}
	jobs = append(jobs, job{sample16, url.Values{"layout": {"MT-12"}}, []string{"--layout", "MT-12"}})
	type want struct {
		body, err string
	}
	wants := make([]want, len(jobs))
	for i, j := range jobs {
		code, out, _ := runCmd(append(append([]string{"analyze", "--format", "json"}, j.args...), j.path)...)
		if code == exitError {
			var e errorLine
			require.NoError(t, json.Unmarshal([]byte(out), &e), out)
			wants[i].err = e.Error
		} else {
			wants[i].body = out
		}
	}
	const clients = 16
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(jobs))
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := c; k < 2*len(jobs); k += clients { // every job twice
				i := k % len(jobs)
				j := jobs[i]
				data, err := os.ReadFile(j.path)
				if err != nil {
					errs <- err
					return
				}
				q := url.Values{"filename": {j.path}}
				for name, v := range j.q {
					q[name] = v
				}
				resp, err := http.Post(base+"/v1/analyze?"+q.Encode(), "application/octet-stream", bytes.NewReader(data))
				if err != nil {
					errs <- err
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				w := wants[i]
				if w.err == "" {
					if resp.StatusCode != http.StatusOK || string(b) != w.body {
						errs <- fmt.Errorf("%s %v: %d %.300s\nwant the CLI's %.300s", j.path, j.q, resp.StatusCode, b, w.body)
					}
					continue
				}
				var e struct{ Error string }
				if resp.StatusCode != http.StatusUnprocessableEntity || json.Unmarshal(b, &e) != nil || e.Error != w.err {
					errs <- fmt.Errorf("%s %v: %d %s, want 422 %q", j.path, j.q, resp.StatusCode, b, w.err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Stored: the same file and options twice is one measurement.
	resp, err := http.Get(base + "/v1/measurements?limit=1000")
	require.NoError(t, err)
	var ms []map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&ms))
	resp.Body.Close()
	require.Len(t, ms, len(jobs))
	for _, m := range ms {
		require.Equal(t, "st-1", m["station"])
	}
	resp, err = http.Get(fmt.Sprintf("%s/v1/measurements/%v", base, ms[0]["id"]))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp.Body.Close()

	// The document lists every analysis flag of mtgeo analyze, as a
	// parameter, and the measurement's fields.
	resp, err = http.Get(base + "/openapi.json")
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name string }
		}
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	resp.Body.Close()
	documented := map[string]bool{}
	for _, p := range doc.Paths["/v1/analyze"]["post"].Parameters {
		documented[p.Name] = true
	}
	probe := flag.NewFlagSet("probe", flag.ContinueOnError)
	new(analyzeFlags).register(probe)
	n := 0
	probe.VisitAll(func(f *flag.Flag) {
		n++
		require.True(t, documented[strings.ReplaceAll(f.Name, "-", "_")], f.Name)
	})
	for _, m := range []string{"lot", "station", "operator", "serial", "filename"} {
		require.True(t, documented[m], m)
	}
	require.Len(t, documented, n+5)

	if py, err := exec.LookPath("python3"); err == nil {
		out, err := exec.Command(py, "../../examples/pyclient/mtgeo_client.py", "--url", base, "--spec", "auto", sample16, failing16, bad).CombinedOutput()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, string(out))
		require.Equal(t, 2, ee.ExitCode(), string(out)) // an error among them
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		require.Len(t, lines, 3, string(out))
		require.True(t, strings.HasPrefix(lines[0], sample16+"\tPASS"), lines[0])
		require.True(t, strings.HasPrefix(lines[1], failing16+"\tFAIL\t"), lines[1])
		require.Contains(t, lines[1], "adjacent_differential_nm")                               // testdata/README.md: fiber 9 recessed
		require.Equal(t, bad+"\tERROR\tbad.x3p: geometry: unknown height-map format", lines[2]) // named by its base name
	} else {
		t.Log("python3 not installed: the Python client was not run")
	}

	code, logs := stop()
	require.Equal(t, exitOK, code, logs)
	// Structured logs: one JSON object per line.
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		require.Contains(t, m, "msg")
	}
	require.Contains(t, logs, `"msg":"stopped"`)
}

// TestServeCSharpClient compiles and runs examples/csclient with Mono when
// it is installed.
func TestServeCSharpClient(t *testing.T) {
	mcs, err1 := exec.LookPath("mcs")
	mono, err2 := exec.LookPath("mono")
	if err1 != nil || err2 != nil {
		t.Skip("mcs and mono not installed (Debian: apt-get install mono-mcs mono-runtime): the C# client was not compiled")
	}
	exe := filepath.Join(t.TempDir(), "MtgeoClient.exe")
	out, err := exec.Command(mcs, "-r:System.Net.Http.dll", "-out:"+exe, "../../examples/csclient/MtgeoClient.cs").CombinedOutput()
	require.NoError(t, err, string(out))
	bad := filepath.Join(t.TempDir(), "bad.x3p")
	require.NoError(t, os.WriteFile(bad, []byte("not a height map"), 0o644))
	base, stop := startServe(t)
	out, err = exec.Command(mono, exe, base, "auto", sample16, failing16).CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, string(out))
	require.Equal(t, 1, ee.ExitCode(), string(out))
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Equal(t, []string{sample16 + "\tPASS\t200", failing16 + "\tFAIL\t200"}, lines)
	// A bad file: the service's error text, named by the file's base name.
	out, err = exec.Command(mono, exe, base, "-", bad).CombinedOutput()
	require.ErrorAs(t, err, &ee, string(out))
	require.Equal(t, 2, ee.ExitCode(), string(out))
	require.Equal(t, bad+"\tERROR\t422\tbad.x3p: geometry: unknown height-map format", strings.TrimSpace(string(out)))
	code, logs := stop()
	require.Equal(t, exitOK, code, logs)
}

func TestServeRefuses(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "0.0.0.0:0"}, "mtgeo serve: service: refusing to listen on 0.0.0.0:0 (0.0.0.0) without a token: bind to 127.0.0.1 or give --token-file\n"},
		{[]string{"--addr", ":8765"}, "mtgeo serve: service: refusing to listen on :8765 (all interfaces) without a token: bind to 127.0.0.1 or give --token-file\n"},
		{[]string{"--token-file", empty}, "mtgeo serve: --token-file " + empty + " is empty: put a token (e.g. 32 random hex digits) in it\n"},
		{[]string{"--token-file", filepath.Join(dir, "none")}, "mtgeo serve: --token-file: open " + filepath.Join(dir, "none") + ": no such file or directory\n"},
		{[]string{"-j", "0"}, "mtgeo serve: -j must be at least 1, not 0\n"},
		{[]string{"--fit-radius", "-1"}, ""}, // the text of mtgeo analyze
		{[]string{"--lot", "L1"}, "mtgeo serve: --lot is for the database: give --db too\n"},
		{[]string{"--db", filepath.Join(dir, "r.db"), "--meta", "(?P<lot>L[0-9]+)"}, "mtgeo serve: --meta is for files named on the command line; a request gives lot, serial, station and operator as parameters\n"},
		{[]string{"a.x3p"}, "mtgeo serve: no arguments expected, got [\"a.x3p\"] (files go to POST /v1/analyze or --watch)\n"},
	} {
		code, _, stderr := runCmd(append([]string{"serve"}, tc.args...)...)
		require.Equal(t, exitError, code, stderr)
		if tc.want == "" {
			_, _, analyzeErr := runCmd(append([]string{"analyze"}, append(tc.args, sample16)...)...)
			require.True(t, strings.HasPrefix(analyzeErr, "mtgeo analyze: "), analyzeErr)
			tc.want = "mtgeo serve: " + strings.TrimPrefix(analyzeErr, "mtgeo analyze: ")
		}
		require.Equal(t, tc.want, stderr)
	}
}

// TestServeToken: with a token file, a request without the token or with
// another is 401; with it, 200.
func TestServeToken(t *testing.T) {
	tok := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tok, []byte("abc123\n"), 0o600))
	base, stop := startServe(t, "--token-file", tok)
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer abc12", 401}, {"Bearer abc123", 200}} {
		req, err := http.NewRequest("GET", base+"/healthz", nil)
		require.NoError(t, err)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, tc.want, resp.StatusCode, tc.auth)
	}
	code, logs := stop()
	require.Equal(t, exitOK, code, logs)
}

// TestServeWatch: 'mtgeo serve --watch' analyses the files dropped into
// the folder with the command's analysis flags, writes the report that
// 'mtgeo analyze --format json' prints for the file, and moves it.
func TestServeWatch(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(sample16)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "first.x3p"), data, 0o644)) // there at start
	_, stop := startServe(t, "--watch", dir, "--poll", "20ms", "--spec", "auto")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "junk.x3p"), []byte("junk"), 0o644))
	for range 1000 { // 10 s at most
		if _, err := os.Stat(filepath.Join(dir, "failed", "junk.x3p")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "done", "first.x3p")); err == nil {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	code, logs := stop()
	require.Equal(t, exitOK, code, logs)
	got, err := os.ReadFile(filepath.Join(dir, "done", "first.x3p.json"))
	require.NoError(t, err, logs)
	moved := filepath.Join(dir, "done", "first.x3p")
	_, want, _ := runCmd("analyze", "--format", "json", "--spec", "auto", moved)
	want = strings.Replace(want, jsonQuote(moved), jsonQuote(filepath.Join(dir, "first.x3p")), 1)
	require.Equal(t, want, string(got))
	msg, err := os.ReadFile(filepath.Join(dir, "failed", "junk.x3p.error.txt"))
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "junk.x3p")+": geometry: unknown height-map format\n", string(msg))
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
