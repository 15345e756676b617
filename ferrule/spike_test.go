package ferrule_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

// spike replaces a fraction of the valid pixels of a copy of m by spikes of
// ±1 µm…±1 mm (log-uniform) and n of them by ±1e30, as phase-unwrapping
// errors and dust leave them (issue #11).
func spike(m *geometry.HeightMap, fraction float64, n int, seed uint64) *geometry.HeightMap {
	s := m.Clone()
	rng := rand.New(rand.NewPCG(seed, 11))
	sign := func() float64 {
		if rng.IntN(2) == 0 {
			return -1
		}
		return 1
	}
	for i, z := range s.Z {
		if z != z {
			continue
		}
		if rng.Float64() < fraction {
			s.Z[i] = z + sign()*math.Pow(10, rng.Float64()*3) // 1…1000 µm
		}
	}
	for k := 0; k < n; k++ {
		s.Z[rng.IntN(len(s.Z))] = sign() * 1e30
	}
	return s
}

// TestSpikes: with 0.1 % of the pixels replaced by spikes from ±1 µm to
// ±1 mm and a few at ±1e30, every result stays within the analysis
// tolerances of the clean map (3 nm heights, 0.002°, 0.5 µm) and every
// fiber stays measured (issue #11 §1).
func TestSpikes(t *testing.T) {
	for _, name := range []string{"MT-16", "MT-32", "MT-12"} {
		t.Run(name, func(t *testing.T) {
			p := synth.RandomProduction(name, 7)
			m, _, err := synth.Generate(p)
			require.NoError(t, err)
			opts := ferrule.Options{Multimode: p.Multimode}
			clean, err := ferrule.Analyze(m, opts)
			require.NoError(t, err)
			rep, err := ferrule.Analyze(spike(m, 0.001, 5, 1), opts)
			require.NoError(t, err)
			requireAsClean(t, clean, rep, true)
		})
	}
}

// TestSpikeClusters: spikes of 2×2 pixels (dust specks, which the
// isolated-spike test leaves alone) are left out by the robust fits: the
// results stay within the tolerances of the clean map.
func TestSpikeClusters(t *testing.T) {
	p := synth.Random("MT-16", 12)
	m, _, err := synth.Generate(p)
	require.NoError(t, err)
	clean, err := ferrule.Analyze(m, ferrule.Options{})
	require.NoError(t, err)
	s := m.Clone()
	rng := rand.New(rand.NewPCG(2, 12))
	for k := 0; k < 300; k++ { // 1200 pixels: 0.09 % of the map
		c, r := 1+rng.IntN(s.Rect.Dx()-2), 1+rng.IntN(s.Rect.Dy()-2)
		h := 5 + 45*rng.Float64() // µm
		for _, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
			if z := s.At(c+d[0], r+d[1]); z == z {
				s.Set(c+d[0], r+d[1], z+h)
			}
		}
	}
	rep, err := ferrule.Analyze(s, ferrule.Options{})
	require.NoError(t, err)
	require.Positive(t, rep.Ferrule.Outliers)
	// Specks on a tip are there, so the disc mean and core dip may see
	// them: only the fitted tip and the centre must not.
	requireAsClean(t, clean, rep, false)
}

// requireAsClean checks rep against clean, the report of the same map
// without spikes: angles within 0.002°, every fiber measured, apex heights
// within 3 nm and centres within 0.5 µm, and with discs the averaged
// height and the core dip within 3 nm too.
func requireAsClean(t *testing.T, clean, rep *ferrule.Report, discs bool) {
	t.Helper()
	require.InDelta(t, float64(clean.Ferrule.XAngleDeg), float64(rep.Ferrule.XAngleDeg), tolAngleDeg)
	require.InDelta(t, float64(clean.Ferrule.YAngleDeg), float64(rep.Ferrule.YAngleDeg), tolAngleDeg)
	for i, c := range clean.Fibers {
		f := rep.Fibers[i]
		require.True(t, f.Measured(), "fiber %d: %s", c.Index, f.Error)
		if discs {
			require.InDelta(t, float64(c.HeightNM), float64(f.HeightNM), tolHeightNM, "fiber %d height", c.Index)
			require.InDelta(t, float64(c.CoreDipNM), float64(f.CoreDipNM), tolHeightNM, "fiber %d core dip", c.Index)
		}
		require.InDelta(t, float64(c.ApexHeightNM), float64(f.ApexHeightNM), tolHeightNM, "fiber %d apex height", c.Index)
		require.Less(t, math.Hypot(float64(c.XUM-f.XUM), float64(c.YUM-f.YUM)), tolCentreUM, "fiber %d centre", c.Index)
	}
}

// TestInfIsNaN: infinite heights are invalid pixels like NaN ones, for the
// spike scan too: a map with ±Inf pixels among spikes gives the very report
// the same map with those pixels NaN gives.
func TestInfIsNaN(t *testing.T) {
	p := synth.RandomProduction("MT-16", 9)
	m, _, err := synth.Generate(p)
	require.NoError(t, err)
	withInf := spike(m, 0.001, 0, 3)
	// Beside 100 of the spikes (pixels the spiking moved by over 1 µm),
	// where a scan taking Inf for a neighbour would go wrong, and at 100
	// random places.
	rng := rand.New(rand.NewPCG(9, 9))
	beside := 0
	for i := 1; i < len(withInf.Z)-1 && beside < 100; i++ {
		if d := withInf.Z[i] - m.Z[i]; d > 1 || d < -1 {
			withInf.Z[i+1] = math.Inf(1 - 2*rng.IntN(2))
			beside++
			i++
		}
	}
	require.Equal(t, 100, beside)
	for k := 0; k < 100; k++ {
		withInf.Z[rng.IntN(len(withInf.Z))] = math.Inf(1 - 2*rng.IntN(2))
	}
	withNaN := withInf.Clone()
	for i, z := range withNaN.Z {
		if math.IsInf(z, 0) {
			withNaN.Z[i] = math.NaN()
		}
	}
	opts := ferrule.Options{Multimode: p.Multimode}
	a, err := ferrule.Analyze(withInf, opts)
	require.NoError(t, err)
	b, err := ferrule.Analyze(withNaN, opts)
	require.NoError(t, err)
	require.Positive(t, a.Spikes)
	requireSameJSON(t, b, a)
}
