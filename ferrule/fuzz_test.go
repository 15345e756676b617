package ferrule_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/internal/synth"
	"gonum.org/v1/gonum/spatial/r2"
)

// FuzzAnalyze feeds arbitrary small maps to the analysis: it must return a
// report or an error, never panic or hang.
func FuzzAnalyze(f *testing.F) {
	f.Add(uint8(40), uint8(30), 3.0, []byte{1, 2, 3})
	f.Add(uint8(255), uint8(80), 25.0, []byte{0xff, 0xf8, 0, 0, 0, 0, 0, 1}) // NaN pattern
	f.Add(uint8(200), uint8(60), 30.0, make([]byte, 64))
	f.Fuzz(func(t *testing.T, cols, rows uint8, pitch float64, data []byte) {
		if cols == 0 || rows == 0 || !(pitch > 0.1 && pitch < 1000) {
			return
		}
		m := geometry.New(int(cols), int(rows), r2.Vec{X: pitch, Y: pitch})
		for i := range m.Z {
			if len(data) >= 8 {
				j := (i * 8) % (len(data) - 7)
				m.Z[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[j:]))
			} else {
				m.Z[i] = float64(i % 7)
			}
		}
		rep, err := ferrule.Analyze(m, ferrule.Options{})
		if err == nil && rep == nil {
			t.Fatal("nil report without error")
		}
	})
}

// TestAnalyzeHostileMaps: full-size maps that are not end faces.
func TestAnalyzeHostileMaps(t *testing.T) {
	p := synth.Random("MT-16", 31)
	m, _, err := synth.Generate(p)
	if err != nil {
		t.Fatal(err)
	}
	// Infinities and huge values sprinkled over a real end face.
	for i := 0; i < len(m.Z); i += 997 {
		m.Z[i] = math.Inf(1 - 2*(i%2))
	}
	for i := 5; i < len(m.Z); i += 1999 {
		m.Z[i] = 1e300
	}
	_, _ = ferrule.Analyze(m, ferrule.Options{}) // must not panic
	// Pure noise: no holes.
	n := geometry.New(1500, 500, r2.Vec{X: 3, Y: 3})
	for i := range n.Z {
		n.Z[i] = float64((i*7919)%1000) * 1e-3
	}
	if _, err := ferrule.Analyze(n, ferrule.Options{}); err == nil {
		t.Fatal("noise analysed as a ferrule")
	}
}
