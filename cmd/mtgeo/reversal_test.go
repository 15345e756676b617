package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule/study"
	"github.com/mtgeo/mtgeo/internal/synth"
)

func TestReversalCommand(t *testing.T) {
	dir := t.TempDir()
	p := synth.Default("MT-12")
	p.XAngleDeg, p.YAngleDeg, p.Seed = 0.06, -0.04, 1
	a := filepath.Join(dir, "a.x3p")
	writeSynth(t, a, p)
	p.RotationDeg, p.Seed = 180, 2
	b := filepath.Join(dir, "b.x3p")
	writeSynth(t, b, p)
	code, stdout, stderr := runCmd("reversal", "--format", "json", a, b)
	require.Equal(t, exitOK, code, stderr)
	var rev study.Reversal
	require.NoError(t, json.Unmarshal([]byte(stdout), &rev))
	// No instrument tilt here: the part's angles, b 0, within 1e-5°
	// (what the analysis is good to).
	require.InDelta(t, 0.06, float64(rev.Part.XAngleDeg), 1e-5)
	require.InDelta(t, -0.04, float64(rev.Part.YAngleDeg), 1e-5)
	require.InDelta(t, 0, float64(rev.Instrument.XAngleDeg), 1e-5)
	require.Equal(t, 12, rev.FibersPaired)
	require.Equal(t, 12, rev.Pairs[0].BFiber)

	code, stdout, stderr = runCmd("reversal", a, b)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stdout, "12 fibers paired")

	p16 := synth.Default("MT-16")
	p16.Seed = 3
	c := filepath.Join(dir, "c16.x3p")
	writeSynth(t, c, p16)
	code, _, stderr = runCmd("reversal", a, c)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "is not A turned")
	code, _, _ = runCmd("reversal", a)
	require.Equal(t, exitError, code)
	code, _, stderr = runCmd("reversal", a, filepath.Join(dir, "none.x3p"))
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "none.x3p")
}
