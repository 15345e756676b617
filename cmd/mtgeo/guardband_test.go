package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule"
)

// --guard-band K: a value within K·u of a limit is marginal (SPEC §11).
// The limit is set on the lowest fiber's own height, so its margin is 0:
// it passes without a guard band and is marginal with one; exit status 1.
func TestAnalyzeGuardBand(t *testing.T) {
	code, out, errOut := runCmd("analyze", "--format", "json", "../../testdata/mt16.x3p")
	require.Equal(t, exitOK, code, errOut)
	var rep ferrule.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	low := rep.Fibers[0]
	for _, f := range rep.Fibers {
		if f.HeightNM < low.HeightNM {
			low = f
		}
	}
	h := float64(low.HeightNM)
	require.Greater(t, float64(low.UHeightNM), 0.0, "the fiber has a height uncertainty")
	prof := filepath.Join(t.TempDir(), "edge.json")
	require.NoError(t, os.WriteFile(prof, fmt.Appendf(nil,
		`{"name": "edge", "limits": {"height_nm": {"min": %v}}}`, h), 0o666))

	code, out, errOut = runCmd("analyze", "--format", "json", "--spec", prof, "../../testdata/mt16.x3p")
	require.Equal(t, exitOK, code, errOut)
	var plain ferrule.Report
	require.NoError(t, json.Unmarshal([]byte(out), &plain))
	require.True(t, plain.Grade.Pass)

	code, out, _ = runCmd("analyze", "--format", "json", "--spec", prof, "--guard-band", "2", "../../testdata/mt16.x3p")
	require.Equal(t, exitFail, code)
	var gb ferrule.Report
	require.NoError(t, json.Unmarshal([]byte(out), &gb))
	require.False(t, gb.Grade.Pass)
	require.True(t, gb.Grade.Marginal)
	require.Equal(t, 2.0, gb.Grade.GuardBand)
	var marginal []int
	for _, c := range gb.Grade.Checks {
		if c.Marginal {
			marginal = append(marginal, *c.Fiber)
		}
	}
	require.Contains(t, marginal, low.Index)

	code, _, errOut = runCmd("analyze", "--guard-band", "2", "../../testdata/mt16.x3p")
	require.Equal(t, exitError, code)
	require.Contains(t, errOut, "--guard-band needs a profile")
	code, _, errOut = runCmd("analyze", "--spec", "auto", "--guard-band", "-1", "../../testdata/mt16.x3p")
	require.Equal(t, exitError, code)
	require.Contains(t, errOut, "--guard-band")
}

// --spec auto --guard-band K grades with the built-in profile of the
// layout and K: a small K leaves mt16 passing, a K far beyond every
// margin makes it marginal (exit status 1), and the built-in profiles are
// left without a guard band for the next --spec auto.
func TestAnalyzeAutoGuardBand(t *testing.T) {
	grade := func(args ...string) (int, *ferrule.Grade) {
		t.Helper()
		code, out, errOut := runCmd(append([]string{"analyze", "--format", "json", "--spec", "auto"}, append(args, "../../testdata/mt16.x3p")...)...)
		var rep ferrule.Report
		require.NoError(t, json.Unmarshal([]byte(out), &rep), errOut)
		require.NotNil(t, rep.Grade)
		return code, rep.Grade
	}
	code, g := grade("--guard-band", "0.5")
	require.Equal(t, exitOK, code)
	require.Equal(t, 0.5, g.GuardBand)
	require.True(t, g.Pass)
	require.False(t, g.Marginal)

	code, g = grade("--guard-band", "1000")
	require.Equal(t, exitFail, code)
	require.Equal(t, 1000.0, g.GuardBand)
	require.False(t, g.Pass)
	require.True(t, g.Marginal, "no check failed, some are marginal")
	marginal := 0
	for _, c := range g.Checks {
		if c.Marginal {
			marginal++
			require.False(t, c.Pass, c.Name)
			require.Positive(t, float64(c.Margin), "%s: inside its limits, within K·u of one", c.Name)
		}
	}
	require.Positive(t, marginal)

	code, g = grade()
	require.Equal(t, exitOK, code)
	require.Zero(t, g.GuardBand)
	require.True(t, g.Pass)
}
