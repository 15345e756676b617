package service

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/stretchr/testify/require"
)

func TestBadParameters(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	mt16 := readFile(t, "../../testdata/mt16.x3p")
	for _, tc := range []struct{ q, want string }{
		{"colour=red", `unknown query parameter "colour" (see /openapi.json)`},
		{"fit-radius=40", `unknown query parameter "fit-radius" (see /openapi.json)`}, // the flag's name, not the parameter's
		{"layout=MT-16&layout=MT-12", `query parameter "layout" given 2 times`},
		// The flag package's words, as mtgeo analyze --fixture-angle abc prints them.
		{"fixture_angle=abc", `invalid value "abc" for flag -fixture-angle: parse error`},
		{"multimode=maybe", `invalid value "maybe" for flag -multimode: parse error`},
		// ferrule's own error for an unknown layout, as the CLI prints it.
		{"layout=MT-13", `layout "MT-13": a request takes a built-in layout name or auto (layout files are given to mtgeo serve --layout): ferrule: unknown layout "MT-13" (built-in: MT-12, MT-16, MT-24, MT-32, MT-48, MT-64, MT-72; or give a layout JSON file)`},
		{"layout=/etc/passwd.json", `layout "/etc/passwd.json": a request takes a built-in layout name or auto`},
		{"spec=../profiles.json", `spec "../profiles.json": a request takes a built-in profile name or auto, not a file`},
		{"fit_radius=-3", "ferrule: "},
		{"filename=", `query parameter "filename" is empty`},
		{"lot=a%0Ab", `query parameter "lot": value "a\nb" is not plain text`},
		{"serial=" + strings.Repeat("x", maxParamLen+1), `query parameter "serial": value of 1025 bytes, more than 1024`},
	} {
		t.Run(tc.q[:min(len(tc.q), 30)], func(t *testing.T) {
			code, body, _ := post(t, http.DefaultClient, ts.URL, tc.q, mt16)
			require.Equal(t, http.StatusBadRequest, code, body)
			require.Contains(t, errorText(t, body), tc.want)
		})
	}
	// A bool parameter without a value is true.
	code, body, _ := post(t, http.DefaultClient, ts.URL, "multimode&filename=a.x3p", mt16)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `"core_diameter_um":50`) // SPEC §2: multimode core Ø 50 µm
}

// TestTooLarge: a body declared larger than the limit is refused before it
// is read, one that turns out larger (chunked, no length) when the limit
// is passed; the service goes on.
func TestTooLarge(t *testing.T) {
	const limit = 4 << 20 // above testdata/mt16.x3p's 1.75 MB
	_, ts := newTestServer(t, Config{MaxBody: limit})
	big := make([]byte, limit+1)
	code, body, _ := post(t, http.DefaultClient, ts.URL, "", big)
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
	require.Equal(t, "request body of 4194305 bytes is larger than the limit of 4194304 bytes (mtgeo serve --max-body)", errorText(t, body))

	// Chunked: no Content-Length, the body is cut at the limit.
	resp, err := http.Post(ts.URL+"/v1/analyze", "application/octet-stream", io.MultiReader(bytes.NewReader(big), strings.NewReader("more")))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(b))
	require.Equal(t, "request body larger than the limit of 4194304 bytes (mtgeo serve --max-body)", errorText(t, string(b)))

	// Still serving.
	code, body, _ = post(t, http.DefaultClient, ts.URL, "", readFile(t, "../../testdata/mt16.x3p"))
	require.Equal(t, http.StatusOK, code, body)
}

// zeros is an endless reader of zero bytes that allocates nothing, so the
// clients of the flood test hold no bodies in memory themselves.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), z.n))
	clear(p[:n])
	z.n -= int64(n)
	return n, nil
}

// TestMemoryBoundedUnderFlood: 64 clients post 8 MiB bodies at once to a
// service with a 1 MiB limit, half with a Content-Length (refused unread)
// and half chunked (cut at the limit). Buffering them would take 512 MiB;
// the service holds at most Workers bodies (2 × 1 MiB, twice that while a
// buffer grows), so the heap in use may grow by at most 32 MiB over its
// level before the flood: room for the 64 connections' buffers (a few
// tens of KiB each) and the garbage collector's slack (GOGC=100 lets the
// heap double before a collection), 16 times less than buffering would
// need.
func TestMemoryBoundedUnderFlood(t *testing.T) {
	const limit = 1 << 20
	const bodySize = 8 << 20
	const clients = 64
	_, ts := newTestServer(t, Config{Workers: 2, Queue: clients, MaxBody: limit})
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	var wg sync.WaitGroup
	codes := make([]int, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest("POST", ts.URL+"/v1/analyze", &zeros{bodySize})
			if err != nil {
				return
			}
			if i%2 == 0 {
				req.ContentLength = bodySize
			} else {
				req.ContentLength = -1 // chunked
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				// The server may close the connection while the client is
				// still writing the body: the answer was given.
				codes[i] = -1
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	grown := int64(peak.Load()) - int64(base)
	t.Logf("heap in use before %d MiB, peak %d MiB (grown %d MiB)", base>>20, peak.Load()>>20, grown>>20)
	require.Less(t, grown, int64(32<<20))
	n413 := 0
	for _, c := range codes {
		require.Contains(t, []int{http.StatusRequestEntityTooLarge, -1}, c)
		if c == http.StatusRequestEntityTooLarge {
			n413++
		}
	}
	require.Greater(t, n413, clients/2) // at least the declared ones got their answer
}

// TestQueueFull: with one slot and a queue of one, a third request is
// answered 503 with Retry-After while the first holds the slot (its body
// still arriving) and the second waits; after the first is done the
// others go through.
func TestQueueFull(t *testing.T) {
	s, ts := newTestServer(t, Config{Workers: 1, Queue: 1})
	mt16 := readFile(t, "../../testdata/mt16.x3p")
	pr, pw := io.Pipe()
	first := make(chan int)
	go func() {
		resp, err := http.Post(ts.URL+"/v1/analyze?filename=first.x3p", "application/octet-stream", pr)
		if err != nil {
			first <- -1
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	pw.Write(mt16[:100]) // the slot is held while the body arrives
	waitFor(t, func() bool { return len(s.slots) == 1 })
	second := make(chan int)
	go func() {
		code, _, _ := post(t, http.DefaultClient, ts.URL, "filename=second.x3p", mt16)
		second <- code
	}()
	waitFor(t, func() bool { return s.metrics.queued.Load() == 1 })
	code, body, hdr := post(t, http.DefaultClient, ts.URL, "filename=third.x3p", mt16)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "service: busy: 1 analyses running and 1 waiting; retry later", errorText(t, body))
	ra, err := strconv.Atoi(hdr.Get("Retry-After"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, ra, 1)
	metrics := getBody(t, ts.URL+"/metrics")
	require.Contains(t, metrics, "\nmtgeo_queue_depth 1\n")
	pw.Write(mt16[100:])
	pw.Close()
	require.Equal(t, http.StatusOK, <-first)
	require.Equal(t, http.StatusOK, <-second)
	code, _, _ = post(t, http.DefaultClient, ts.URL, "filename=third.x3p", mt16)
	require.Equal(t, http.StatusOK, code)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	waitForOr(t, cond, func() string { return "" })
}

// waitForOr is waitFor that says, when the condition is never met, what
// state says.
func waitForOr(t *testing.T, cond func() bool, state func() string) {
	t.Helper()
	for range 12000 { // 60 s at most: only a broken service (or a badly overloaded machine) takes that long
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("condition never met", state())
}

func getBody(t testing.TB, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	return string(b)
}

// TestPanicIs500: a panic inside the analysis (a bug) is answered 500 with
// its text, and the service goes on serving.
func TestPanicIs500(t *testing.T) {
	s, ts := newTestServer(t, Config{})
	mt16 := readFile(t, "../../testdata/mt16.x3p")
	s.analyze = func(an *ferrule.Analyzer, name string, data []byte, cfg *batch.Config) batch.Result {
		if name == "b.x3p" { // a panic inside the analysis and grading
			c := *cfg
			c.ProfileFor = func(*ferrule.Report) (*ferrule.Profile, error) {
				var m map[string]int
				//lint:ignore SA5000 the nil-map write is the point: a real runtime panic
				m["x"] = 1
				return nil, nil
			}
			cfg = &c
		}
		return batch.AnalyzeBytes(an, name, data, cfg)
	}
	code, body, _ := post(t, http.DefaultClient, ts.URL, "filename=b.x3p", mt16)
	require.Equal(t, http.StatusInternalServerError, code)
	require.Equal(t, "batch: b.x3p: internal error (please report it): assignment to entry in nil map", errorText(t, body))
	code, body, _ = post(t, http.DefaultClient, ts.URL, "", mt16)
	require.Equal(t, http.StatusOK, code, body)
}

// TestAnalysisTimeout: an analysis that outlives the limit is answered 504;
// it keeps its slot until it ends (no more analyses than workers run),
// and Drain waits for it.
func TestAnalysisTimeout(t *testing.T) {
	s, ts := newTestServer(t, Config{AnalysisTimeout: 50 * time.Millisecond})
	release := make(chan struct{})
	s.analyze = func(an *ferrule.Analyzer, name string, data []byte, cfg *batch.Config) batch.Result {
		if name == "slow.x3p" {
			<-release
		}
		return batch.AnalyzeBytes(an, name, data, cfg)
	}
	mt16 := readFile(t, "../../testdata/mt16.x3p")
	code, body, _ := post(t, http.DefaultClient, ts.URL, "filename=slow.x3p", mt16)
	require.Equal(t, http.StatusGatewayTimeout, code)
	require.Equal(t, "slow.x3p: analysis did not finish within 50ms; it goes on in the background and its result is stored when a database is configured", errorText(t, body))
	require.Len(t, s.slots, 1) // still running
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	require.ErrorIs(t, s.Drain(ctx), context.DeadlineExceeded)
	cancel()
	close(release)
	require.NoError(t, s.Drain(context.Background()))
	require.Len(t, s.slots, 0)
}

func TestToken(t *testing.T) {
	const token = "s3cret-token"
	_, ts := newTestServer(t, Config{Token: token})
	for _, tc := range []struct {
		header string
		want   int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer " + token + "x", http.StatusUnauthorized},
		{"Basic " + token, http.StatusUnauthorized},
		{"Bearer " + token, http.StatusOK},
		{"bearer " + token, http.StatusOK}, // RFC 7235: the scheme is case-insensitive
	} {
		for _, path := range []string{"/healthz", "/v1/layouts", "/nowhere"} {
			req, err := http.NewRequest("GET", ts.URL+path, nil)
			require.NoError(t, err)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := tc.want
			if path == "/nowhere" && want == http.StatusOK {
				want = http.StatusNotFound
			}
			require.Equal(t, want, resp.StatusCode, "%s %q: %s", path, tc.header, b)
			if want == http.StatusUnauthorized {
				require.Equal(t, `Bearer realm="mtgeo"`, resp.Header.Get("WWW-Authenticate"))
			}
		}
	}
}

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		token bool
		ok    bool
	}{
		{"127.0.0.1:8765", false, true},
		{"localhost:8765", false, true},
		{"[::1]:8765", false, true},
		{"127.1.2.3:0", false, true},
		{":8765", false, false},
		{"0.0.0.0:8765", false, false},
		{"192.168.1.20:8765", false, false},
		{"[::]:8765", false, false},
		{"0.0.0.0:8765", true, true},
		{"nonsense", false, false},
	} {
		err := CheckAddr(tc.addr, tc.token)
		if tc.ok {
			require.NoError(t, err, tc.addr)
		} else {
			require.Error(t, err, tc.addr)
		}
	}
	require.EqualError(t, CheckAddr(":8765", false), "service: refusing to listen on :8765 (all interfaces) without a token: bind to 127.0.0.1 or give --token-file")
}

// TestMethodAndRoute: wrong methods and paths get JSON errors.
func TestMethodAndRoute(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	resp, err := http.Get(ts.URL + "/v1/analyze")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, "POST", resp.Header.Get("Allow"))
	require.Equal(t, "GET /v1/analyze: method not allowed (use POST)", errorText(t, string(b)))
	resp, err = http.Get(ts.URL + "/v2/whatever")
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Equal(t, "no route GET /v2/whatever (see /openapi.json)", errorText(t, string(b)))
	// No store configured.
	resp, err = http.Get(ts.URL + "/v1/measurements/1")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}
