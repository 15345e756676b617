package text

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/stretchr/testify/require"
)

func FuzzDecode(f *testing.F) {
	seeds := []string{
		"1 2.5\n-3 4e-3\nNaN 6\n",
		"1;2;3;4\r\n5;;7;8\r\n",
		"# Width: 2 mm\n# Height: 1 mm\n# Value units: nm\n1,2,3\n4,5,6\n\n# Channel: b\n7 8\n",
		"x [mm] y [mm] z [nm]\n0 0 1\n0.5 0 2\n0 0.5 3\n0.5 0.5 nan\n",
		xyzText(xyzGrid(), " "),
		sparseCross(),
		"\xEF\xBB\xBF1\r2\r3\r",
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		if strings.HasSuffix(name, ".md") {
			continue
		}
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		seeds = append(seeds, string(b))
	}
	for _, s := range seeds {
		decodetest.AddTruncations(f, []byte(s), 1, 5, len(s)/3, len(s)/2, len(s)-1)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		match(b) // must not panic
		m, err := Decode(bytes.NewReader(b), nil)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "text: "), err.Error())
			return
		}
		require.Len(t, m.Z, m.Stride*m.Rect.Dy())
		require.NoError(t, geometry.CheckSize(m.Cols(), m.Rows()))
		require.True(t, positive(m.Pitch.X) && positive(m.Pitch.Y), "pitch %v", m.Pitch)
		for i, z := range m.Z {
			require.Falsef(t, math.IsInf(z, 0), "pixel %d is %g", i, z)
		}
		cfg, err := DecodeConfig(bytes.NewReader(b), nil)
		require.NoError(t, err)
		require.Equal(t, m.Cols(), cfg.Cols)
		require.Equal(t, m.Rows(), cfg.Rows)
		require.Equal(t, m.Pitch, cfg.Pitch)

		// Round trip: write the map as a matrix with its pitch in a
		// Gwyddion header and read it back. One or three columns would be
		// read as a point list, so only check other widths.
		if m.Cols() == 3 {
			return
		}
		var buf bytes.Buffer
		buf.WriteString("# Width: " + strconv.FormatFloat(m.Pitch.X*float64(m.Cols()), 'g', -1, 64) + " um\n")
		buf.WriteString("# Height: " + strconv.FormatFloat(m.Pitch.Y*float64(m.Rows()), 'g', -1, 64) + " um\n")
		for r := range m.Rows() {
			for c, z := range m.Row(r) {
				if c > 0 {
					buf.WriteByte('\t')
				}
				buf.WriteString(strconv.FormatFloat(z, 'g', -1, 64))
			}
			buf.WriteByte('\n')
		}
		m2, err := Decode(&buf, nil)
		require.NoError(t, err)
		require.Equal(t, m.Rect, m2.Rect)
		require.InDelta(t, m.Pitch.X, m2.Pitch.X, 1e-12*m.Pitch.X)
		require.InDelta(t, m.Pitch.Y, m2.Pitch.Y, 1e-12*m.Pitch.Y)
		for i, z := range m.Z {
			if math.IsNaN(z) {
				require.True(t, math.IsNaN(m2.Z[i]))
			} else {
				require.Equal(t, z, m2.Z[i])
			}
		}
	})
}
