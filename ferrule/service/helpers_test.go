package service

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
	"github.com/stretchr/testify/require"
)

// testFlags are the analysis flags of these tests: a subset of mtgeo
// analyze's, built the way its analyzeFlags builds them (a built-in layout
// or auto, a built-in profile or auto, the regions, ferrule.Options'
// own validation). The command's full set is tested through mtgeo serve in
// cmd/mtgeo.
func testFlags(fs *flag.FlagSet) func() (batch.Config, error) {
	layout := fs.String("layout", "auto", "layout name or auto")
	spec := fs.String("spec", "", "spec profile name or auto")
	fixture := fs.Float64("fixture-angle", 0, "fixture angle, degrees")
	mm := fs.Bool("multimode", false, "multimode fibers")
	var reg ferrule.Regions
	fs.Float64Var(&reg.FitRadius, "fit-radius", 0, "tip-fit radius, µm")
	fs.Float64Var(&reg.AveragingDiameter, "averaging-diameter", 0, "averaging disc, µm")
	maxPx := fs.Int("max-pixels", 0, "pixel limit")
	return func() (batch.Config, error) {
		cfg := batch.Config{Analysis: ferrule.Options{Regions: reg, FixtureAngleDeg: *fixture, Multimode: *mm}}
		cfg.Read = &geometry.Options{MaxPixels: *maxPx}
		if *layout != "" && !strings.EqualFold(*layout, "auto") {
			l, err := ferrule.LayoutByName(*layout)
			if err != nil {
				return cfg, err
			}
			cfg.Analysis.Layout = &l
		}
		switch {
		case *spec == "":
		case strings.EqualFold(*spec, "auto"):
			polish := "PC"
			if *fixture != 0 {
				polish = "APC"
			}
			cfg.ProfileFor = batch.AutoProfile(polish)
		default:
			p, err := ferrule.LoadProfile(*spec)
			if err != nil {
				return cfg, err
			}
			cfg.Profile = p
		}
		return cfg, cfg.Analysis.Validate()
	}
}

// newTestServer starts a real HTTP server on a loopback port.
func newTestServer(t testing.TB, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	if cfg.Flags == nil {
		cfg.Flags = testFlags
	}
	s, err := New(cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// expected is what mtgeo analyze --format json prints for path with the
// flags given (as the service builds them): the report line, or the error.
func expected(t testing.TB, s *Server, path string, flags map[string]string) (body string, errText string) {
	t.Helper()
	cfg, _, err := s.config(flags)
	require.NoError(t, err)
	var an ferrule.Analyzer
	res := batch.AnalyzeFile(&an, path, &cfg)
	if res.Err != nil {
		return "", res.Err.Error()
	}
	var buf bytes.Buffer
	require.NoError(t, json.NewEncoder(&buf).Encode(res.Report))
	return buf.String(), ""
}

// post sends data to /v1/analyze with the query q.
func post(t testing.TB, client *http.Client, url, q string, data []byte) (int, string, http.Header) {
	t.Helper()
	resp, err := client.Post(url+"/v1/analyze?"+q, "application/octet-stream", bytes.NewReader(data))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b), resp.Header
}

func errorText(t testing.TB, body string) string {
	t.Helper()
	var e errorBody
	require.NoError(t, json.Unmarshal([]byte(body), &e), body)
	require.NotEmpty(t, e.Error, body)
	return e.Error
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
