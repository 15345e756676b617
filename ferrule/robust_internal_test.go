package ferrule

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMedian checks the selection-based median against sorting, for odd
// and even lengths, duplicates and NaN (skipped).
func TestMedian(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n < 200; n++ {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Round(rng.NormFloat64() * 5) // many ties
		}
		w := append([]float64(nil), v...)
		sort.Float64s(w)
		want := w[n/2]
		if n%2 == 0 {
			want = (w[n/2-1] + w[n/2]) / 2
		}
		require.Equal(t, want, median(append(v, math.NaN())), "n = %d", n)
	}
	require.True(t, math.IsNaN(median([]float64{math.NaN()})))
	require.True(t, math.IsNaN(median(nil)))
}

// TestClipLimit: for Gaussian residuals of σ the limit is clipSigmas·σ
// (1.4826·MAD estimates σ), and never below the floor.
func TestClipLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	res := make([]float64, 100000)
	for i := range res {
		res[i] = 0.003 * rng.NormFloat64()
	}
	// MAD of 1e5 normal draws: relative standard error about 0.4 %.
	require.InEpsilon(t, clipSigmas*0.003, clipLimit(res, 0), 0.02)
	require.Equal(t, 1.0, clipLimit([]float64{0, 0, 0}, 1))
}

// TestUnmarshalMissingNaN: numbers a report's JSON lacks (written before
// they existed) read as NaN, not 0; those it has are kept.
func TestUnmarshalMissingNaN(t *testing.T) {
	var r Row
	require.NoError(t, json.Unmarshal([]byte(`{"row": 2, "line_slope_nm_per_mm": 1.5}`), &r))
	require.Equal(t, 2, r.Row)
	require.Equal(t, Num(1.5), r.LineSlopeNMPerMM)
	require.True(t, math.IsNaN(float64(r.LineInterceptNM)))
	var f Fiber
	require.NoError(t, json.Unmarshal([]byte(`{"index": 3, "height_nm": 2000, "flags": []}`), &f))
	require.Equal(t, 3, f.Index)
	require.Equal(t, Num(2000), f.HeightNM)
	require.True(t, math.IsNaN(float64(f.ApexOffsetUM)))
}
