package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/ferrule/store"
	"github.com/stretchr/testify/require"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "results.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), string(b))
	return resp.StatusCode
}

// TestStore: analysed uploads are stored with their lot, serial, station
// and the SHA-256 of the bytes posted; the same bytes and options again
// are the same measurement; a bad file is stored as a failure; the
// measurement routes read them back, in the document's schema.
func TestStore(t *testing.T) {
	st := openStore(t)
	s, ts := newTestServer(t, Config{Store: st, Meta: store.Meta{Station: "station-A"}})
	mt16 := readFile(t, "../../testdata/mt16.x3p")
	code, body, hdr := post(t, http.DefaultClient, ts.URL, "spec=auto&lot=L7&serial=S-1&filename=mt16.x3p", mt16)
	require.Equal(t, http.StatusOK, code, body)
	id := hdr.Get("X-Measurement-Id")
	require.NotEmpty(t, id)
	code, _, hdr2 := post(t, http.DefaultClient, ts.URL, "spec=auto&lot=L7&serial=S-1&filename=mt16.x3p", mt16)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, id, hdr2.Get("X-Measurement-Id")) // idempotent (SPEC §13)
	code, body, hdr3 := post(t, http.DefaultClient, ts.URL, "lot=L7&serial=S-2&station=station-B&filename=junk.x3p", []byte("junk"))
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.NotEmpty(t, hdr3.Get("X-Measurement-Id"))

	var ms []map[string]any
	require.Equal(t, http.StatusOK, getJSON(t, ts.URL+"/v1/measurements?lot=L7", &ms))
	require.Len(t, ms, 2)
	bySerial := map[string]map[string]any{}
	for _, m := range ms {
		bySerial[m["serial"].(string)] = m
	}
	good, bad := bySerial["S-1"], bySerial["S-2"]
	// SHA-256 of testdata/mt16.x3p, as sha256sum prints it.
	require.Equal(t, sha256Hex(mt16), good["file_sha256"])
	require.Equal(t, "station-A", good["station"])
	require.Equal(t, true, good["pass"])
	require.Equal(t, "MT-16", good["layout"])
	require.Equal(t, "station-B", bad["station"])
	require.Equal(t, "junk.x3p: geometry: unknown height-map format", bad["error"])
	require.Nil(t, bad["pass"])

	// No match is an empty list, not null.
	none, err := http.Get(ts.URL + "/v1/measurements?lot=nothing-here")
	require.NoError(t, err)
	noneBody, err := io.ReadAll(none.Body)
	none.Body.Close()
	require.NoError(t, err)
	require.JSONEq(t, "[]", string(noneBody))

	var one map[string]any
	require.Equal(t, http.StatusOK, getJSON(t, ts.URL+"/v1/measurements/"+id, &one))
	require.Equal(t, "mt16.x3p", one["report"].(map[string]any)["file"])
	var d map[string]any
	require.NoError(t, json.Unmarshal(s.OpenAPI(), &d))
	schemas := d["components"].(map[string]any)["schemas"].(map[string]any)
	require.NoError(t, validate(schemas, schemas["Measurement"], one, "measurement"))
	for i, m := range ms {
		require.NoError(t, validate(schemas, schemas["Measurement"], m, fmt.Sprintf("measurements[%d]", i)))
	}

	var e errorBody
	require.Equal(t, http.StatusNotFound, getJSON(t, ts.URL+"/v1/measurements/99999", &e))
	require.Equal(t, "no measurement 99999", e.Error)
	require.Equal(t, http.StatusBadRequest, getJSON(t, ts.URL+"/v1/measurements/abc", &e))
	require.Equal(t, http.StatusBadRequest, getJSON(t, ts.URL+"/v1/measurements?limit=0", &e))
	require.Equal(t, `query parameter "limit": "0": outside [1, 10000]`, e.Error)
	require.Equal(t, http.StatusBadRequest, getJSON(t, ts.URL+"/v1/measurements?colour=red", &e))
	// since: in the future nothing, in the past both.
	require.Equal(t, http.StatusOK, getJSON(t, ts.URL+"/v1/measurements?since="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339), &ms))
	require.Empty(t, ms)
	require.Equal(t, http.StatusOK, getJSON(t, ts.URL+"/v1/measurements?since=2000-01-01&limit=1", &ms))
	require.Len(t, ms, 1)
}

// TestWatchStore: the watch folder stores each file once, also when it
// was stopped after the report was written and before the file was moved
// (the restart stores it again: the same measurement).
func TestWatchStore(t *testing.T) {
	for _, step := range []string{"store", "move"} {
		t.Run(step, func(t *testing.T) {
			st := openStore(t)
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "a.x3p"), readFile(t, "../../testdata/mt16.x3p"))
			writeFile(t, filepath.Join(dir, "b.x3p"), []byte("junk"))
			s, counts := countingServer(t, Config{Store: st, Meta: store.Meta{Station: "w"}})
			s.crashAt = step
			require.ErrorIs(t, s.Watch(context.Background(), dir, poll), errCrash)
			s2, counts2 := countingServer(t, Config{Store: st, Meta: store.Meta{Station: "w"}})
			stop := startWatch(t, s2, dir)
			waitFor(t, func() bool {
				return exists(filepath.Join(dir, DoneDir, "a.x3p")) && exists(filepath.Join(dir, FailedDir, "b.x3p"))
			})
			require.NoError(t, stop())
			require.Equal(t, 1, counts()["a.x3p"]+counts2()["a.x3p"])
			require.Equal(t, 1, counts()["b.x3p"]+counts2()["b.x3p"])
			ms, err := st.Measurements(context.Background(), store.Query{})
			require.NoError(t, err)
			require.Len(t, ms, 2)
			for _, m := range ms {
				require.Equal(t, "w", m.Station)
				if filepath.Base(m.File) == "a.x3p" {
					// What testdata/mt16.x3p's Record2 says, also when the
					// restart stored the file without analysing it again.
					require.Equal(t, time.Date(2026, 12, 1, 12, 18, 5, 0, time.UTC), m.MeasuredAt.UTC())
					require.Equal(t, "mtgeo testdata/mklot.go", m.Operator)
				}
			}
		})
	}
}
