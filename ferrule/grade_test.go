package ferrule_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

func TestParseProfileErrors(t *testing.T) {
	for _, tc := range []struct{ name, json, want string }{
		{"unknown field", `{"name":"p","limits":{"bogus_nm":{"max":1}}}`, "names no report field"},
		{"ambiguous", `{"name":"p","limits":{"fit_rms_nm":{"max":1}}}`, "ambiguous"},
		{"no bound", `{"name":"p","limits":{"height_nm":{"source":"x"}}}`, "neither min nor max"},
		{"min above max", `{"name":"p","limits":{"height_nm":{"min":2,"max":1}}}`, "above max"},
		{"typo in a limit", `{"name":"p","limits":{"height_nm":{"min":1000,"mx":1500}}}`, "unknown field"},
		{"no name", `{"limits":{"height_nm":{"max":1}}}`, "no name"},
		{"unknown key", `{"name":"p","colour":"red","limits":{"height_nm":{"max":1}}}`, "unknown field"},
		{"no limits", `{"name":"p"}`, "no limits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ferrule.ParseProfile([]byte(tc.json))
			require.ErrorContains(t, err, tc.want)
		})
	}
	p, err := ferrule.ParseProfile([]byte(`{"name":"q","limits":{"ferrule.fit_rms_nm":{"max":5},"fibers[].fit_rms_nm":{"max":9},"height_nm":{"min":0}}}`))
	require.NoError(t, err)
	require.Equal(t, []string{"ferrule.fit_rms_nm", "fibers.fit_rms_nm", "height_nm"}, []string{p.Limits[0].Field, p.Limits[1].Field, p.Limits[2].Field}, "profile order kept, names canonical")
}

func TestLoadProfile(t *testing.T) {
	require.NotEmpty(t, ferrule.Profiles())
	for _, p := range ferrule.Profiles() {
		for _, l := range p.Limits {
			require.NotEmpty(t, l.Source, "%s: %s has no source", p.Name, l.Field)
		}
		// Round trip through the file format.
		b, err := json.Marshal(p)
		require.NoError(t, err)
		q, err := ferrule.ParseProfile(b)
		require.NoError(t, err)
		require.Equal(t, p, q)
	}
	_, err := ferrule.LoadProfile("no-such-profile")
	require.ErrorContains(t, err, "built-in")
	path := filepath.Join(t.TempDir(), "mine.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"name":"mine","limits":{"x_angle_deg":{"min":-1,"max":1}}}`), 0o644))
	p, err := ferrule.LoadProfile(path)
	require.NoError(t, err)
	require.Equal(t, "mine", p.Name)
}

// TestGrade builds an MT-12 with known fiber heights: fiber 5 sunk to
// 0.5 µm apex and fiber 9 missing. Averaged heights follow from
// synth.MeanHeight, so the verdicts and margins are known.
func TestGrade(t *testing.T) {
	p := synth.Default("MT-12")
	p.Seed = 5
	p.Heights = []float64{2, 2, 2, 2, 0.5, 2, 2, 2, 2, 2, 2, 2}
	p.RadiiMM = []float64{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}
	p.Missing = []int{9}
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	rep, err := ferrule.Analyze(m, ferrule.Options{})
	require.NoError(t, err)

	prof, err := ferrule.ParseProfile([]byte(`{"name":"t","layouts":["MT-12"],"limits":{
		"height_nm": {"min": 1000, "max": 3500},
		"x_radius_mm": {"min": 2000},
		"x_angle_deg": {"min": -0.15, "max": 0.15}}}`))
	require.NoError(t, err)
	g, err := prof.Grade(rep)
	require.NoError(t, err)
	require.Same(t, g, rep.Grade)
	require.False(t, g.Pass)
	// 1 measured_fibers + 12 fibers + 1 radius + 1 angle.
	require.Len(t, g.Checks, 15)
	require.Equal(t, "measured_fibers", g.Checks[0].Name)
	require.False(t, g.Checks[0].Pass)
	require.Contains(t, g.Checks[0].Reason, "fiber 9")
	for _, c := range g.Checks[1:13] {
		require.Equal(t, "height_nm", c.Name)
		require.NotNil(t, c.Fiber)
		want := *c.Fiber != 5 && *c.Fiber != 9
		require.Equal(t, want, c.Pass, "fiber %d", *c.Fiber)
		if *c.Fiber == 5 {
			// Margin = value − min, the value within the 3 nm height tolerance.
			require.InDelta(t, truth.Fibers[4].HeightNm-1000, float64(c.Margin), tolHeightNM)
		}
		if *c.Fiber == 9 {
			require.Contains(t, c.Reason, "not measured")
		}
	}
	// A flat ferrule's radius is null: infinite, so it passes a minimum.
	require.Equal(t, "x_radius_mm", g.Checks[13].Name)
	require.True(t, g.Checks[13].Pass)
	require.True(t, g.Checks[14].Pass, "untilted ferrule")

	other, err := ferrule.LoadProfile("iec-style-pc-16")
	require.NoError(t, err)
	_, err = other.Grade(rep)
	require.ErrorIs(t, err, ferrule.ErrLayout)
}

// TestProfilesAreCopies: changing a profile handed out by Profiles or
// LoadProfile does not change the built-in one (issue #12).
func TestProfilesAreCopies(t *testing.T) {
	p, err := ferrule.LoadProfile("iec-style-pc-16")
	require.NoError(t, err)
	*p.Limits[0].Max = 99
	p.Limits[1].Field = "changed"
	p.Layouts[0] = "changed"
	for _, q := range []func() *ferrule.Profile{
		func() *ferrule.Profile { q, _ := ferrule.LoadProfile("iec-style-pc-16"); return q },
		func() *ferrule.Profile {
			for _, q := range ferrule.Profiles() {
				if q.Name == "iec-style-pc-16" {
					return q
				}
			}
			return nil
		},
	} {
		fresh := q()
		require.Equal(t, 0.15, *fresh.Limits[0].Max)
		require.NotEqual(t, "changed", fresh.Limits[1].Field)
		require.Equal(t, "MT-16", fresh.Layouts[0])
	}
}
