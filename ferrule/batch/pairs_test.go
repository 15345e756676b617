package batch_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

func TestParsePairs(t *testing.T) {
	dir := filepath.Join("lot", "7")
	name := filepath.Join(dir, "pairs.csv")
	abs := filepath.Join(string(filepath.Separator), "data", "x.x3p")
	got, err := batch.ParsePairs(strings.NewReader("\ufeffserial, B ,A\n1,b1.x3p,a1.x3p\n\n2, sub/b2.x3p ,"+abs+"\n"), name)
	require.NoError(t, err)
	require.Equal(t, []batch.FilePair{
		{A: filepath.Join(dir, "a1.x3p"), B: filepath.Join(dir, "b1.x3p"), Line: 2},
		{A: abs, B: filepath.Join(dir, "sub", "b2.x3p"), Line: 4},
	}, got)

	for _, tc := range []struct{ in, want string }{
		{"", "is empty"},
		{"x,y\n1,2\n", "line 1: the header"},
		{"a,b\n", "no pairs"},
		{"a,b\nx.x3p,\n", "line 2: a pair needs both files"},
		{"a,b,c\nx.x3p\n", "line 2: 1 cells"},
		{"a,b\n\"x.x3p,y\n", "line 2"},
		{"a,a,b\n1,2,3\n", "column a is named twice"},
	} {
		_, err := batch.ParsePairs(strings.NewReader(tc.in), name)
		require.ErrorContains(t, err, tc.want, "%q", tc.in)
		require.ErrorContains(t, err, name)
	}
	require.Equal(t, []string{"a", "b", "c"}, batch.PairFiles([]batch.FilePair{{A: "a", B: "b"}, {A: "b", B: "a"}, {A: "c", B: "a"}}))
}

// FuzzParsePairs: no panic; every pair has both files; the line numbers
// rise.
func FuzzParsePairs(f *testing.F) {
	for _, s := range []string{"a,b\nx,y\n", "b,a\n\"q,1\",z\n", "a,b\nx,\n", "\ufeffA;B\n", "a,b\r\n1,2\r\n3,4", "a,b,a\n", "a,b\n\"\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pairs, err := batch.ParsePairs(strings.NewReader(s), "p.csv")
		if err != nil {
			require.Contains(t, err.Error(), "p.csv")
			return
		}
		require.NotEmpty(t, pairs)
		last := 1
		for _, p := range pairs {
			require.NotEmpty(t, p.A)
			require.NotEmpty(t, p.B)
			require.Greater(t, p.Line, last)
			last = p.Line
		}
	})
}

// Percentiles of 1…5 as NumPy's default (linear) np.percentile gives them:
// 50 → 3, 90 → 4.6, 95 → 4.8, 99 → 4.96; σ = √2.5.
func TestDistribute(t *testing.T) {
	d := batch.Distribute([]float64{5, 3, math.NaN(), 1, 4, 2})
	require.Equal(t, 5, d.N)
	for _, c := range []struct {
		got  float64
		want float64
	}{{float64(d.Mean), 3}, {float64(d.SD), math.Sqrt(2.5)}, {float64(d.Min), 1}, {float64(d.Max), 5},
		{float64(d.P50), 3}, {float64(d.P90), 4.6}, {float64(d.P95), 4.8}, {float64(d.P99), 4.96}} {
		require.InDelta(t, c.want, c.got, 1e-12)
	}
	one := batch.Distribute([]float64{0.2})
	require.InDelta(t, 0.2, float64(one.P99), 0)
	require.False(t, one.SD.Valid())
	require.False(t, batch.Distribute(nil).Mean.Valid())
}

// A lot as pairs: each file analysed once, every pair predicted as
// mate.Mate predicts it, a missing file an error row, the IL distribution
// in the summary.
func TestMatePairs(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"a.x3p", "b.x3p", "c.x3p"} {
		p := synth.Random("MT-12", uint64(80+i))
		p.XAngleDeg, p.YAngleDeg = 0.02, -0.03
		writeSynth(t, filepath.Join(dir, "parts", name), p)
	}
	csvPath := filepath.Join(dir, "pairs.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte("a,b\nparts/a.x3p,parts/b.x3p\nparts/a.x3p,parts/c.x3p\nparts/b.x3p,parts/gone.x3p\n"), 0o666))
	pairs, err := batch.ReadPairs(csvPath)
	require.NoError(t, err)
	files := batch.PairFiles(pairs)
	require.Len(t, files, 4) // a, b, c, gone: a and b once each
	results := map[string]batch.Result{}
	require.NoError(t, batch.Run(context.Background(), files, batch.Config{Workers: 2}, func(i int, r batch.Result) {
		_, dup := results[r.File]
		require.False(t, dup)
		results[r.File] = r
	}))
	lookup := func(p string) (batch.Result, bool) { r, ok := results[p]; return r, ok }
	params := mate.Params{Polarity: mate.PolarityA}
	got := batch.MatePairs(pairs, lookup, params)
	require.Len(t, got, 3)
	for i, g := range got[:2] {
		require.NoError(t, g.Err)
		want, err := mate.Mate(results[pairs[i].A].Report, results[pairs[i].B].Report, params)
		require.NoError(t, err)
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(g.Result)
		require.JSONEq(t, string(wj), string(gj))
	}
	require.ErrorContains(t, got[2].Err, "gone.x3p could not be analysed")

	out := t.TempDir()
	sum := &batch.Summary{}
	require.NoError(t, batch.WritePairs(out, got, sum))
	f, err := os.Open(filepath.Join(out, batch.PairsFile))
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Equal(t, batch.PairsColumns(), rows[0])
	require.Len(t, rows, 1+12+12+1)
	require.Equal(t, filepath.Join(dir, "parts", "a.x3p"), rows[1][0])
	require.Equal(t, "1", rows[1][3]) // a_fiber
	require.Equal(t, "1", rows[1][4]) // b_fiber: polarity A keeps the column (one row)
	require.Contains(t, rows[25][len(rows[25])-1], "gone.x3p")

	var il []float64
	for _, g := range got[:2] {
		for _, p := range g.Result.Pairs {
			il = append(il, float64(p.ILDB))
		}
	}
	b, err := os.ReadFile(filepath.Join(out, batch.SummaryJSON))
	require.NoError(t, err)
	var back struct {
		Pairs batch.PairSummary `json:"pairs"`
	}
	require.NoError(t, json.Unmarshal(b, &back))
	want := batch.Distribute(il)
	require.Equal(t, 24, back.Pairs.ILDB.N)
	require.InDelta(t, float64(want.Mean), float64(back.Pairs.ILDB.Mean), 1e-12)
	require.InDelta(t, float64(want.P95), float64(back.Pairs.ILDB.P95), 1e-12)
	require.Equal(t, 3, back.Pairs.Connectors)
	require.Equal(t, 1, back.Pairs.Errors)
	require.Equal(t, "A", back.Pairs.Parameters.Polarity)
	txt, err := os.ReadFile(filepath.Join(out, batch.SummaryText))
	require.NoError(t, err)
	require.Contains(t, string(txt), "mated pairs (predicted from the geometry, not measured): 3 connectors, 2 predicted")
}
