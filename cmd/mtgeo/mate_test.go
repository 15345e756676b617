package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// mateFolder writes three synthetic MT-12 end faces: a and b nominal but
// for b's fiber 4, 1.5 µm low (it meets a's fiber 9 key-up to key-up), and
// c an MT-16.
func mateFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, p synth.Params) {
		m, _, err := synth.Generate(p)
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, x3p.Encode(&buf, m, &x3p.EncodeOptions{Float32: true}))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o666))
	}
	a := synth.Default("MT-12")
	a.Seed = 1
	write("a.x3p", a)
	b := synth.Default("MT-12")
	b.Seed = 2
	b.Heights = []float64{2, 2, 2, 0.5, 2, 2, 2, 2, 2, 2, 2, 2}
	write("b.x3p", b)
	c := synth.Default("MT-16")
	c.Seed = 3
	write("c.x3p", c)
	return dir
}

func TestMateCommand(t *testing.T) {
	dir := mateFolder(t)
	a, b, c := filepath.Join(dir, "a.x3p"), filepath.Join(dir, "b.x3p"), filepath.Join(dir, "c.x3p")

	code, stdout, stderr := runCmd("mate", a, b, "--format", "json", "--force-n", "11")
	require.Equal(t, exitOK, code, stderr)
	var res mate.Result
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	// SPEC §10's keys, every one.
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &raw))
	for _, k := range []string{"a", "b", "prediction", "parameters", "pairs", "summary"} {
		require.Contains(t, raw, k)
	}
	for _, k := range []string{"polarity", "force_n", "stiffness_n_per_um", "mfd_um", "wavelength_nm", "glass_index", "core_dip_risk_nm"} {
		require.Contains(t, raw["parameters"], k)
	}
	pair0 := raw["pairs"].([]any)[0].(map[string]any)
	for _, k := range []string{"a_fiber", "b_fiber", "offset_um", "il_db", "in_contact", "gap_nm", "contact_force_n", "rl_db", "core_dip_risk"} {
		require.Contains(t, pair0, k)
	}
	for _, k := range []string{"pairs", "fibers_in_contact", "largest_gap_nm", "worst_il_db", "mean_il_db"} {
		require.Contains(t, raw["summary"], k)
	}
	require.Contains(t, res.Prediction, "not a measurement")
	require.InDelta(t, 11, float64(res.Parameters.ForceN), 0)
	// b's low fiber 4 meets a's 9 and stays open by 1.5 µm less the
	// others' share of the force: 11 N / 2 N/µm over 11 pairs = 0.5 µm.
	p := res.Pairs[8]
	require.Equal(t, 4, p.BFiber)
	require.False(t, p.InContact)
	require.InDelta(t, 1000, float64(p.GapNM), 5) // heights within ~1 nm each, angles within 1e-5° over ±1.4 mm
	require.Equal(t, 11, res.Summary.FibersInContact)

	// Polarity A: column c meets c.
	code, stdout, _ = runCmd("mate", a, b, "--format", "csv", "--polarity", "a")
	require.Equal(t, exitOK, code)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, mate.CSVColumns(), rows[0])
	require.Len(t, rows, 13)
	require.Equal(t, []string{"4", "4"}, rows[4][:2])
	require.Equal(t, "false", rows[4][4]) // a's 4 meets the low 4

	// Text, the pictures and the page.
	out := filepath.Join(t.TempDir(), "o")
	code, stdout, stderr = runCmd("mate", a, b, "-o", out)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stdout, "11 of 12 pairs in contact")
	for _, f := range []string{"a-b-mate.png", "a-b-mate.html"} {
		fi, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err)
		require.Positive(t, fi.Size())
	}

	// Against an ideal mate: every pair in contact (the part is nominal).
	code, stdout, stderr = runCmd("mate", "--against-ideal", a, "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	require.Equal(t, "ideal", res.B.File)
	require.Equal(t, 12, res.Summary.FibersInContact)

	// Errors: layouts that do not mate, bad flags, wrong file count.
	code, _, stderr = runCmd("mate", a, c)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "cannot be mated")
	for _, args := range [][]string{
		{"mate", a, b, "--polarity", "X"},
		{"mate", a, b, "--force-n", "0"},
		{"mate", a, b, "--mfd-um", "0.1"},
		{"mate", a, b, "--glass-index", "3"},
		{"mate", a, b, "--format", "xml"},
		{"mate", a},
		{"mate", "--against-ideal", a, b},
		{"mate", a, filepath.Join(dir, "missing.x3p")},
	} {
		code, _, stderr := runCmd(args...)
		require.Equal(t, exitError, code, "%v: %s", args, stderr)
	}
}

func TestBatchMatePairs(t *testing.T) {
	dir := mateFolder(t)
	csvPath := filepath.Join(dir, "pairs.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte("a,b\na.x3p,b.x3p\nb.x3p,a.x3p\na.x3p,c.x3p\n"), 0o666))
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCmd("batch", "--mate-pairs", csvPath, "--out", out)
	require.Equal(t, exitError, code, stderr) // every file analysed, but a pair cannot mate: its row says why
	require.Contains(t, stdout, "3 connectors, 2 predicted, 1 without a prediction")
	f, err := os.Open(filepath.Join(out, "pairs.csv"))
	require.NoError(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, rows, 1+12+12+1)
	require.Contains(t, rows[25][len(rows[25])-1], "cannot be mated")
	// Three files, each analysed once.
	b, err := os.ReadFile(filepath.Join(out, "results.jsonl"))
	require.NoError(t, err)
	require.Equal(t, 3, strings.Count(string(b), "\n"))
	var sum struct {
		Pairs struct {
			ILDB struct{ N int } `json:"il_db"`
		} `json:"pairs"`
	}
	b, err = os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &sum))
	require.Equal(t, 24, sum.Pairs.ILDB.N)

	good := filepath.Join(dir, "good.csv")
	require.NoError(t, os.WriteFile(good, []byte("b,a\nb.x3p,a.x3p\n"), 0o666))
	code, stdout, stderr = runCmd("batch", "--mate-pairs", good, "--out", filepath.Join(t.TempDir(), "good"), "--polarity", "A")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stdout, "1 connectors, 1 predicted, 0 without a prediction")

	code, _, stderr = runCmd("batch", "--mate-pairs", filepath.Join(dir, "none.csv"), "--out", out)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "none.csv")
}
