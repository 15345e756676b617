package batch_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/mtgeo/mtgeo/internal/synth"
)

// writeSynth writes the synthetic end face p as X3P (float32 heights, as
// the committed testdata) at path and returns the file's bytes.
func writeSynth(tb testing.TB, path string, p synth.Params) []byte {
	tb.Helper()
	m, _, err := synth.Generate(p)
	require.NoError(tb, err)
	var buf bytes.Buffer
	require.NoError(tb, x3p.Encode(&buf, m, &x3p.EncodeOptions{Float32: true}))
	require.NoError(tb, os.MkdirAll(filepath.Dir(path), 0o777))
	require.NoError(tb, os.WriteFile(path, buf.Bytes(), 0o666))
	return buf.Bytes()
}

// Verdicts of the test folder's files against iec-style-pc-16, by
// construction (SPEC §7 limits in ferrule/profiles.json): "pass", a failed
// check's name, or "error". d-image.x3p, a PNG no format recognises, is
// skipped in the folder ("not a height map") and an error when named.
var folderVerdicts = map[string]string{
	"a-pass.x3p":      "pass",
	"b-low.x3p":       "height_nm", // fiber 3 at 0.5 µm, below the 1 µm minimum
	"c-corrupt.x3p":   "error",     // a zip: recognised as X3P, then damaged
	"d-image.x3p":     "error",
	"e-truncated.x3p": "error",
	"sub/f-tilt.x3p":  "x_angle_deg", // 0.3°, beyond ±0.15°
	"sub/g-pass.x3p":  "pass",
}

var (
	folderOnce sync.Once
	folderDir  string
	folderErr  error
)

// testFolder returns a folder of synthetic MT-16 end faces with known
// verdicts (folderVerdicts) mixed with damaged and foreign files, made once
// per test binary:
//
//	a-pass.x3p  b-low.x3p  c-corrupt.x3p  d-image.x3p  e-truncated.x3p
//	sub/f-tilt.x3p  sub/g-pass.x3p  .hidden.x3p  notes.txt  readme.md
func testFolder(t *testing.T) string {
	t.Helper()
	folderOnce.Do(func() {
		folderDir, folderErr = os.MkdirTemp("", "batch-test-")
		if folderErr != nil {
			return
		}
		p := func(seed uint64) synth.Params {
			q := synth.Default("MT-16")
			q.Seed = seed
			return q
		}
		good := writeSynth(t, filepath.Join(folderDir, "a-pass.x3p"), p(1))
		low := p(2)
		low.Heights = make([]float64, 16)
		for i := range low.Heights {
			low.Heights[i] = 2
		}
		low.Heights[2] = 0.5
		writeSynth(t, filepath.Join(folderDir, "b-low.x3p"), low)
		tilt := p(3)
		tilt.XAngleDeg = 0.3
		writeSynth(t, filepath.Join(folderDir, "sub", "f-tilt.x3p"), tilt)
		rot := p(4)
		rot.RotationDeg, rot.ShiftUm = 1, [2]float64{50, -30}
		writeSynth(t, filepath.Join(folderDir, "sub", "g-pass.x3p"), rot)

		// A zip header followed by garbage.
		corrupt := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 500)...)
		// The PNG signature and an IHDR chunk start: an image renamed .x3p.
		png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 200)...)
		for name, b := range map[string][]byte{
			"c-corrupt.x3p":   corrupt,
			"d-image.x3p":     png,
			"e-truncated.x3p": good[:len(good)*6/10],
			".hidden.x3p":     corrupt,
			"notes.txt":       []byte("measured on line 3, operator J.\nnot a height map\n"),
			"readme.md":       []byte("# lot 42\n"),
		} {
			if folderErr = os.WriteFile(filepath.Join(folderDir, name), b, 0o666); folderErr != nil {
				return
			}
		}
	})
	require.NoError(t, folderErr)
	return folderDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if folderDir != "" {
		os.RemoveAll(folderDir)
	}
	os.Exit(code)
}
