package ferrule_test

import (
	"encoding/json"
	"math"
	"runtime"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

// TestParallelSameAsSerial: an analysis spread over processors (here four
// goroutines, whatever the machine has) gives the very report, bit for
// bit, that one goroutine gives: the blocks of rows and the fibers are
// cut the same way and summed in the same order however many run. The
// maps hold spikes and ±Inf so that every stage is exercised.
func TestParallelSameAsSerial(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, name := range []string{"MT-64", "MT-16"} {
		t.Run(name, func(t *testing.T) {
			p := synth.RandomProduction(name, 3)
			m, _, err := synth.Generate(p)
			require.NoError(t, err)
			m = spike(m, 0.001, 0, 2)
			m.Z[len(m.Z)/3] = math.Inf(1)
			opts := ferrule.Options{Multimode: p.Multimode}
			par, err := (&ferrule.Analyzer{}).Analyze(m, opts)
			require.NoError(t, err)
			ser, err := (&ferrule.Analyzer{Serial: true}).Analyze(m, opts)
			require.NoError(t, err)
			require.Positive(t, ser.Spikes)
			requireSameJSON(t, ser, par)
		})
	}
}

// requireSameJSON fails unless got marshals to the JSON of want: reports
// compared as JSON, where an unmeasured (NaN) value is null and equal to
// itself.
func requireSameJSON(t *testing.T, want, got any) {
	t.Helper()
	wj, err := json.Marshal(want)
	require.NoError(t, err)
	gj, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(wj), string(gj))
}
