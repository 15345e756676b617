package synth

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCorrelatedNoise: with NoiseCorrelationUm = L the noise keeps its RMS
// and has the autocorrelation exp(−d²/(2L²)) the field documents, along
// rows and along columns.
func TestCorrelatedNoise(t *testing.T) {
	base := clean(Default("MT-12"))
	base.Cols, base.Rows = 1800, 400 // 5.4 × 1.2 mm: both holes, 720 000 pixels
	ref, _, err := Generate(base)
	require.NoError(t, err)
	const L = 9.0 // µm: 3 pixels of 3 µm
	p := base
	p.NoiseUm, p.NoiseCorrelationUm, p.Seed = 0.004, L, 7
	hm, _, err := Generate(p)
	require.NoError(t, err)
	d := make([]float64, len(hm.Z))
	var n int
	var s2 float64
	for i, z := range hm.Z {
		require.Equal(t, math.IsNaN(ref.Z[i]), math.IsNaN(z), "noise changed validity of pixel %d", i)
		d[i] = z - ref.Z[i]
		if z == z {
			n++
			s2 += d[i] * d[i]
		}
	}
	// The correlation area is 2πL² = 57 pixels, so the 690 000 valid pixels
	// are ~12 000 independent samples: the RMS's relative standard error is
	// 1/√(2·12 000) ≈ 0.65 %; 3 % is 4.6 of them.
	require.InEpsilon(t, 0.004, math.Sqrt(s2/float64(n)), 0.03)
	for _, k := range []int{1, 2, 3, 5} {
		var sx, sy float64
		var nx, ny int
		for r := 0; r+k < hm.Rect.Dy(); r++ {
			for c := 0; c+k < hm.Rect.Dx(); c++ {
				a, bx, by := d[r*hm.Stride+c], d[r*hm.Stride+c+k], d[(r+k)*hm.Stride+c]
				if a == a && bx == bx {
					sx += a * bx
					nx++
				}
				if a == a && by == by {
					sy += a * by
					ny++
				}
			}
		}
		c0 := s2 / float64(n)
		want := math.Exp(-sq(float64(k)*3) / (2 * L * L)) // the documented ρ at k pixels of 3 µm
		// A lag estimate's standard error is about √(correlation area / n)
		// = √(57/690 000) ≈ 0.009; 0.04 is 4.4 of them.
		require.InDelta(t, want, sx/float64(nx)/c0, 0.04, "lag %d along rows", k)
		require.InDelta(t, want, sy/float64(ny)/c0, 0.04, "lag %d along columns", k)
	}
	// The same seed gives the same map; another seed another noise.
	again, _, err := Generate(p)
	require.NoError(t, err)
	for i := range hm.Z {
		if hm.Z[i] == hm.Z[i] {
			require.Equal(t, hm.Z[i], again.Z[i])
		}
	}
	q := p
	q.Seed = p.Seed + 1
	other, _, err := Generate(q)
	require.NoError(t, err)
	differs := false
	for i := range hm.Z {
		if hm.Z[i] == hm.Z[i] && other.Z[i] != hm.Z[i] {
			differs = true
			break
		}
	}
	require.True(t, differs, "seed %d gave the same noise as seed %d", q.Seed, p.Seed)
	p.NoiseCorrelationUm = -1
	_, _, err = Generate(p)
	require.ErrorContains(t, err, "noise correlation")
	p.NoiseCorrelationUm = math.NaN()
	_, _, err = Generate(p)
	require.ErrorContains(t, err, "noise correlation")
	p.NoiseCorrelationUm = 51 * 3
	_, _, err = Generate(p)
	require.ErrorContains(t, err, "noise correlation")
}

func sq(x float64) float64 { return x * x }
