package service

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOpenAPIMatchesRoutes: every route the mux serves is an operation of
// the document and every operation of the document is a route (by method
// and path); the analyze operation's parameters are exactly the ones the
// service accepts; and a real report from the service has every key the
// document's schema requires, with the types it gives.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s, ts := newTestServer(t, Config{})
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(getBody(t, ts.URL+"/openapi.json")), &doc))
	require.Equal(t, "3.1.0", doc["openapi"])

	var inDoc, inMux []string
	for path, ops := range doc["paths"].(map[string]any) {
		for method := range ops.(map[string]any) {
			inDoc = append(inDoc, strings.ToUpper(method)+" "+path)
		}
	}
	for _, rt := range s.routes {
		inMux = append(inMux, rt.method+" "+rt.path)
	}
	sort.Strings(inDoc)
	sort.Strings(inMux)
	require.Equal(t, inMux, inDoc)

	// Every documented route answers something other than "no route".
	for _, op := range inDoc {
		method, path, _ := strings.Cut(op, " ")
		req, err := http.NewRequest(method, ts.URL+strings.ReplaceAll(path, "{id}", "1"), nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var e errorBody
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		require.NotContains(t, e.Error, "no route", op)
		require.NotEqual(t, http.StatusMethodNotAllowed, resp.StatusCode, op)
	}

	// The analyze parameters: each documented one is accepted, and the
	// service accepts no other (every flag is documented).
	post := doc["paths"].(map[string]any)["/v1/analyze"].(map[string]any)["post"].(map[string]any)
	documented := map[string]bool{}
	for _, p := range post["parameters"].([]any) {
		documented[p.(map[string]any)["name"].(string)] = true
	}
	for name := range documented {
		_, err := s.parseQuery(url.Values{name: {"x"}})
		if err != nil {
			require.NotContains(t, err.Error(), "unknown query parameter", name)
		}
	}
	// testFlags' parameters, written out, and the measurement ones.
	want := []string{"averaging_diameter", "fit_radius", "fixture_angle", "layout", "max_pixels", "multimode", "spec",
		"filename", "lot", "operator", "serial", "station"}
	sort.Strings(want)
	var got []string
	for name := range documented {
		got = append(got, name)
	}
	sort.Strings(got)
	require.Equal(t, want, got)

	// A real report, graded, against the Report schema.
	code, body, _ := post2(t, ts.URL, "spec=auto&filename=mt16.x3p", readFile(t, "../../testdata/mt16.x3p"))
	require.Equal(t, http.StatusOK, code, body)
	var rep any
	require.NoError(t, json.Unmarshal([]byte(body), &rep))
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	require.NoError(t, validate(schemas, schemas["Report"], rep, "report"))
	require.Contains(t, rep.(map[string]any), "grade")
	// And the schema is not empty: a report without fibers fails it.
	delete(rep.(map[string]any), "fibers")
	require.ErrorContains(t, validate(schemas, schemas["Report"], rep, "report"), `report: required key "fibers" missing`)

	var h any
	require.NoError(t, json.Unmarshal([]byte(getBody(t, ts.URL+"/healthz")), &h))
	require.NoError(t, validate(schemas, schemas["Health"], h, "health"))
}

func post2(t *testing.T, base, q string, data []byte) (int, string, http.Header) {
	return post(t, http.DefaultClient, base, q, data)
}

// validate checks v against an OpenAPI 3.1 (JSON Schema) schema: $ref,
// type (one or a list), required, properties, items, oneOf. It is the
// subset the document uses.
func validate(defs map[string]any, schema any, v any, at string) error {
	sc, ok := schema.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: schema is %T", at, schema)
	}
	if ref, ok := sc["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		sub, ok := defs[name]
		if !ok {
			return fmt.Errorf("%s: unresolved %s", at, ref)
		}
		return validate(defs, sub, v, at)
	}
	if alts, ok := sc["oneOf"].([]any); ok {
		n := 0
		for _, a := range alts {
			if validate(defs, a, v, at) == nil {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%s: matches %d of oneOf", at, n)
		}
		return nil
	}
	if typ, ok := sc["type"]; ok {
		var types []string
		switch x := typ.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, s := range x {
				types = append(types, s.(string))
			}
		}
		if !hasType(types, v) {
			return fmt.Errorf("%s: %T is not %v", at, v, types)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for _, r := range asList(sc["required"]) {
			if _, ok := x[r.(string)]; !ok {
				return fmt.Errorf("%s: required key %q missing", at, r)
			}
		}
		props, _ := sc["properties"].(map[string]any)
		for k, p := range props {
			if val, ok := x[k]; ok {
				if err := validate(defs, p, val, at+"."+k); err != nil {
					return err
				}
			}
		}
	case []any:
		if items, ok := sc["items"]; ok {
			for i, e := range x {
				if err := validate(defs, items, e, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func hasType(types []string, v any) bool {
	for _, t := range types {
		switch t {
		case "object":
			if _, ok := v.(map[string]any); ok {
				return true
			}
		case "array":
			if _, ok := v.([]any); ok {
				return true
			}
		case "string":
			if _, ok := v.(string); ok {
				return true
			}
		case "number":
			if _, ok := v.(float64); ok {
				return true
			}
		case "integer":
			if f, ok := v.(float64); ok && f == float64(int64(f)) {
				return true
			}
		case "boolean":
			if _, ok := v.(bool); ok {
				return true
			}
		case "null":
			if v == nil {
				return true
			}
		}
	}
	return false
}

// TestMetrics: the counters after a good, a bad and a refused request, in
// the Prometheus text format.
func TestMetrics(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	code, _, _ := post2(t, ts.URL, "", readFile(t, "../../testdata/mt16.x3p"))
	require.Equal(t, http.StatusOK, code)
	code, _, _ = post2(t, ts.URL, "", []byte("junk"))
	require.Equal(t, http.StatusUnprocessableEntity, code)
	code, _, _ = post2(t, ts.URL, "nope=1", nil)
	require.Equal(t, http.StatusBadRequest, code)
	m := parseMetrics(t, getBody(t, ts.URL+"/metrics"))
	require.Equal(t, 1.0, m[`mtgeo_http_requests_total{route="POST /v1/analyze",code="200"}`])
	require.Equal(t, 1.0, m[`mtgeo_http_requests_total{route="POST /v1/analyze",code="422"}`])
	require.Equal(t, 1.0, m[`mtgeo_http_requests_total{route="POST /v1/analyze",code="400"}`])
	require.Equal(t, 2.0, m[`mtgeo_http_errors_total`])
	require.Equal(t, 1.0, m[`mtgeo_analyses_total{verdict="ungraded"}`])
	require.Equal(t, 1.0, m[`mtgeo_analysis_errors_total`])
	require.Equal(t, 2.0, m[`mtgeo_analysis_duration_seconds_count`]) // the 400 never reached an analysis
	require.Equal(t, 2.0, m[`mtgeo_analysis_duration_seconds_bucket{le="+Inf"}`])
	require.Equal(t, 0.0, m[`mtgeo_queue_depth`])
	require.Equal(t, 0.0, m[`mtgeo_analyses_in_flight`])
	// Buckets are cumulative.
	prev := 0.0
	for _, b := range durationBuckets {
		v := m[fmt.Sprintf("mtgeo_analysis_duration_seconds_bucket{le=%q}", formatFloat(b))]
		require.GreaterOrEqual(t, v, prev)
		prev = v
	}
}

// parseMetrics reads the samples of a Prometheus text exposition, checking
// that every sample's metric has a TYPE line before it.
func parseMetrics(t *testing.T, text string) map[string]float64 {
	out := map[string]float64{}
	typed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			f := strings.Fields(line)
			require.Len(t, f, 4, line)
			require.Contains(t, []string{"counter", "gauge", "histogram"}, f[3])
			typed[f[2]] = true
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		require.Positive(t, i, line)
		var v float64
		_, err := fmt.Sscan(line[i+1:], &v)
		require.NoError(t, err, line)
		name := line[:i]
		base, _, _ := strings.Cut(name, "{")
		base = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(base, "_bucket"), "_sum"), "_count")
		require.True(t, typed[base], "no TYPE for %s", name)
		out[name] = v
	}
	return out
}
