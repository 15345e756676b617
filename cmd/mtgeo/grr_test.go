package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule/study"
	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// writeSynth writes the synthetic end face p as X3P at path.
func writeSynth(t *testing.T, path string, p synth.Params) {
	t.Helper()
	m, _, err := synth.Generate(p)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, x3p.Encode(&buf, m, &x3p.EncodeOptions{Float32: true}))
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o777))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o666))
}

// TestGRRCommand runs a 2 parts × 2 operators × 2 trials study of MT-12
// end faces (part 2 tilted 0.05° more than part 1, operator B's fixture
// 0.01° more than A's) from a manifest with relative paths.
func TestGRRCommand(t *testing.T) {
	dir := t.TempDir()
	var man strings.Builder
	man.WriteString("file,trial,operator,part\n")
	for p := range 2 {
		for o := range 2 {
			for k := range 2 {
				s := synth.Default("MT-12")
				s.Seed = uint64(100*p + 10*o + k + 1)
				s.XAngleDeg = 0.05*float64(p) + 0.01*float64(o) + 0.002*float64(k)
				name := fmt.Sprintf("maps/p%d-o%d-t%d.x3p", p, o, k)
				writeSynth(t, filepath.Join(dir, name), s)
				fmt.Fprintf(&man, "%s,%d,%c,P%d\n", name, k+1, 'A'+o, p+1)
			}
		}
	}
	manifest := filepath.Join(dir, "study.csv")
	require.NoError(t, os.WriteFile(manifest, []byte(man.String()), 0o666))

	out := filepath.Join(t.TempDir(), "grr")
	code, stdout, stderr := runCmd("grr", "--manifest", manifest, "--spec", "iec-style-pc-12", "--format", "json", "-o", out, "-j", "2")
	require.Equal(t, exitOK, code, stderr)
	var g study.GRR
	require.NoError(t, json.Unmarshal([]byte(stdout), &g))
	require.Equal(t, []int{2, 2, 2}, []int{g.Parts, g.Operators, g.Trials})
	require.Equal(t, "iec-style-pc-12", g.Profile)
	x, err := g.Parameter("x_angle_deg")
	require.NoError(t, err)
	// Trials differ by 0.002° in every cell: SS_E = 4 cells × 2·0.001² =
	// 8e-6 over 4 dfs; the interaction is 0 by construction, so it is
	// pooled (1 df more): EV² = 8e-6/5. The analysis's own scatter
	// (1e-5°) is the tolerance.
	require.True(t, x.InteractionPooled)
	require.InDelta(t, 0.0012649, float64(x.EV), 2e-5)
	require.True(t, x.PctTolerance.Valid(), "x_angle_deg is limited on both sides by the profile")
	for _, f := range []string{"grr.html", "grr.json", "grr.csv"} {
		require.FileExists(t, filepath.Join(out, f))
	}
	page, err := os.ReadFile(filepath.Join(out, "grr.html"))
	require.NoError(t, err)
	require.Contains(t, string(page), "height_nm[12]")
	require.NotContains(t, string(page), "<script")
	require.NotContains(t, string(page), "src=\"http")
	b, err := os.ReadFile(filepath.Join(out, "grr.csv"))
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, study.GRRCSVHeader, rows[0])
	require.Len(t, rows, len(g.Parameters)+1)

	code, stdout, stderr = runCmd("grr", "--manifest", manifest)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stdout, "worst 10 of")

	// An analysis flag reaches every file: these are no MT-16s.
	code, _, stderr = runCmd("grr", "--manifest", manifest, "--layout", "MT-16")
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "p0-o0-t0.x3p")

	// A missing cell is named before anything is analysed.
	lines := strings.Split(strings.TrimSpace(man.String()), "\n")
	short := filepath.Join(dir, "short.csv")
	require.NoError(t, os.WriteFile(short, []byte(strings.Join(append(lines[:7:7], lines[8:]...), "\n")), 0o666))
	code, _, stderr = runCmd("grr", "--manifest", short)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "part P2 × operator B has 1 trials")
	// A file that is not there is named with its manifest line.
	gone := filepath.Join(dir, "gone.csv")
	require.NoError(t, os.WriteFile(gone, []byte(strings.Replace(man.String(), "p1-o1-t1", "nothere", 1)), 0o666))
	code, _, stderr = runCmd("grr", "--manifest", gone)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "nothere.x3p (manifest line 9)")
	// Usage.
	code, _, _ = runCmd("grr")
	require.Equal(t, exitError, code)
	code, _, stderr = runCmd("grr", "--manifest", manifest, "--format", "xml")
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "--format must be text, json or csv")
}
