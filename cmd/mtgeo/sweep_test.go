package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/internal/synth"
)

func TestSweepCommand(t *testing.T) {
	dir := t.TempDir()
	p := synth.Default("MT-12")
	p.Seed = 7
	f := filepath.Join(dir, "s.x3p")
	writeSynth(t, f, p)
	code, stdout, stderr := runCmd("sweep", f, "--vary", "averaging-diameter=40,60", "--vary", "fit-radius=45,50", "--spec", "auto", "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Points []struct {
			Settings []float64      `json:"settings_um"`
			Summary  map[string]any `json:"summary"`
			Verdict  string         `json:"verdict"`
		} `json:"points"`
		Profile string `json:"profile"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	require.Len(t, res.Points, 4)
	require.Equal(t, "iec-style-pc-12", res.Profile)
	require.Equal(t, []float64{60, 45}, res.Points[2].Settings)
	// The point equals 'mtgeo analyze' at the same settings.
	code, stdout, stderr = runCmd("analyze", "--averaging-diameter", "60", "--fit-radius", "45", "--spec", "auto", "--format", "json", f)
	require.Equal(t, exitOK, code, stderr)
	var single struct {
		Summary map[string]any `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &single))
	require.Equal(t, single.Summary, res.Points[2].Summary)
	require.Equal(t, "pass", res.Points[2].Verdict)

	code, stdout, stderr = runCmd("sweep", "--vary", "hole-margin=50:150:50", "--format", "csv", f)
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 4)
	require.True(t, strings.HasPrefix(lines[0], "hole_margin_um,x_angle_deg"), lines[0])

	code, _, stderr = runCmd("sweep", "--vary", "hole-size=1,2", f)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "no region option \"hole-size\"")
	code, _, _ = runCmd("sweep", f)
	require.Equal(t, exitError, code, "nothing to vary")
	code, _, stderr = runCmd("sweep", "--vary", "fit-radius=40,80", f)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "fit-radius=80 µm")
}
