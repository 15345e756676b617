package text

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/stretchr/testify/require"
)

// TestRealFiles reads the files of SurfaceTopography's test suite
// committed in testdata (see README.md there) and checks them against
// that reader's test expectations (test/IO/test_io.py
// test_gwyddion_txt_import, test/IO/test_asc.py test_example4).
func TestRealFiles(t *testing.T) {
	gwyHeights := []float64{1, 1.5, 3, -2, -3, -6, 0, 0, 0, 9, 9, 9} // m, row by row as in the file
	for _, lang := range []string{"english", "german"} {
		t.Run("gwyddion-export-"+lang, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "surfacetopography-gwyddion-export-"+lang+".txt"))
			require.NoError(t, err)
			require.True(t, match(b))
			m := decodeString(t, string(b), nil)
			// SurfaceTopography: physical sizes 12.34e-6 × 5678.9e-9 m,
			// unit m, heights as in the file (3 columns, 4 rows).
			require.Equal(t, 3, m.Cols())
			require.Equal(t, 4, m.Rows())
			require.InDelta(t, 12.34, m.Pitch.X*3, tol)
			require.InDelta(t, 5.6789, m.Pitch.Y*4, tol)
			requireZ(t, scaled(gwyHeights, 1e6), m)
			require.Empty(t, m.Warnings)
		})
	}
	t.Run("koala-matrix-4", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join("testdata", "surfacetopography-koala-matrix-4.txt"))
		require.NoError(t, err)
		require.True(t, match(b))
		m := decodeString(t, string(b), nil)
		// SurfaceTopography: nb_grid_pts (75, 305), physical sizes
		// 2.773965e-05 × 0.00011280791 m, rms_height_from_area
		// 1.1745891510991089e-07 m (rtol 1e-7, numpy's default).
		require.Equal(t, 75, m.Cols())
		require.Equal(t, 305, m.Rows())
		require.InEpsilon(t, 27.73965, m.Pitch.X*75, 1e-12)
		require.InEpsilon(t, 112.80791, m.Pitch.Y*305, 1e-12)
		require.Equal(t, 75*305, m.ValidCount())
		require.InEpsilon(t, 0.11745891510991089, rmsHeight(m), 1e-7)
		// The first value of the file, -4.448661 rad, times the header's
		// "height conversion factor (-> m)=2.91818e-008".
		require.InEpsilon(t, -4.448661*2.91818e-8*1e6, m.At(0, 0), 1e-12)
		require.Empty(t, m.Warnings)
	})
}

// rmsHeight is SurfaceTopography's rms_height_from_area: the root mean
// square of the valid heights about their mean, µm.
func rmsHeight(m *geometry.HeightMap) float64 {
	var sum, sum2, n float64
	for _, z := range m.Z {
		if !math.IsNaN(z) {
			sum += z
			n++
		}
	}
	mean := sum / n
	for _, z := range m.Z {
		if !math.IsNaN(z) {
			sum2 += (z - mean) * (z - mean)
		}
	}
	return math.Sqrt(sum2 / n)
}

// TestLocalizedHeader builds Gwyddion "ASCII data matrix" headers in every
// language of Gwyddion 2.62's message catalogue (the translations of
// asciiexport's "Channel:", "Width:", "Height:", "Value units:" in
// /usr/share/locale/*/LC_MESSAGES/gwyddion.mo): each is a 3-column matrix
// (not a point list) with the header's pitch and unit.
func TestLocalizedHeader(t *testing.T) {
	for _, tc := range []struct{ lang, channel, width, height, units string }{
		{"cs", "Kanál:", "Šířka:", "Výška:", "Jednotky hodnot:"},
		{"de", "Kanal:", "Breite:", "Höhe:", "Einheiten:"},
		{"de, older catalogue", "Kanal:", "Breite:", "Höhe:", "Value units:"},
		{"es", "Canal:", "Anchura:", "Altura:", "Value units:"},
		{"fr", "Canal :", "Largeur :", "Hauteur :", "Unités :"},
		{"it", "Canale:", "Larghezza:", "Altezza:", "unità valore:"},
		{"ja", "チャネル：", "幅:", "高さ：", "値の単位:"},
		{"ko", "채널:", "폭:", "높이:", "값 단위:"},
		{"pt_BR", "Canal:", "Largura:", "Altura:", "Unidades de valor:"},
		{"ru", "Канал:", "Ширина:", "Высота:", "Единицы измерения:"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			in := "# " + tc.channel + " Height\n# " + tc.width + " 3.0 µm\n# " + tc.height + " 2.0 mm\n# " + tc.units + " nm\n" +
				"1 2 3\n4 5 6\n"
			require.True(t, match([]byte(in)))
			m := decodeString(t, in, nil)
			require.Equal(t, 3, m.Cols())
			require.Equal(t, 2, m.Rows())
			require.InDelta(t, 1, m.Pitch.X, tol)
			require.InDelta(t, 1000, m.Pitch.Y, tol)
			requireZ(t, []float64{1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3}, m)
			require.Empty(t, m.Warnings)
		})
	}
}

// TestKoala builds Lyncée Tec Koala "Float/Txt" exports: "h=ROWS w=COLS",
// "pixel size=P m", "data unit=rad|m", "height conversion factor
// (-> m)=F", then the rows; z = value·F metres.
func TestKoala(t *testing.T) {
	const rows3 = "0.5 -1 2\n1e-1 0 -3\n"
	header := func(h, w, extra string) string {
		return "h=" + h + " w=" + w + "\npixel size=2.5e-007 m\n" + extra
	}
	for _, tc := range []struct {
		name string
		in   string
		want []float64 // µm
	}{
		{"phase", header("2", "3", "data unit=rad\nheight conversion factor (-> m)=2e-008\n") + rows3,
			[]float64{0.01, -0.02, 0.04, 0.002, 0, -0.06}},
		{"metres, no factor", header("2", "3", "data unit=m\n") + "1e-6 2e-6 3e-6\n4e-6 5e-6 6e-6\n",
			[]float64{1, 2, 3, 4, 5, 6}},
		{"factor to µm", header("2", "3", "data unit=rad\nheight conversion factor (-> um)=0.5\n") + rows3,
			[]float64{0.25, -0.5, 1, 0.05, 0, -1.5}},
		{"CRLF", strings.ReplaceAll(header("2", "3", "data unit=rad\nheight conversion factor (-> m)=2e-008\n")+rows3, "\n", "\r\n"),
			[]float64{0.01, -0.02, 0.04, 0.002, 0, -0.06}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.True(t, match([]byte(tc.in)))
			m := decodeString(t, tc.in, nil)
			require.Equal(t, 3, m.Cols()) // three columns: still a matrix
			require.Equal(t, 2, m.Rows())
			require.InDelta(t, 0.25, m.Pitch.X, tol)
			require.InDelta(t, 0.25, m.Pitch.Y, tol)
			requireZ(t, tc.want, m)
			require.Empty(t, m.Warnings)
		})
	}
	for _, tc := range []struct {
		name  string
		in    string
		check func(*testing.T, error)
	}{
		{"rows differ from h", header("3", "3", "data unit=m\n") + rows3, decodetest.IsFormat},
		{"columns differ from w", header("2", "4", "data unit=m\n") + rows3, decodetest.IsFormat},
		{"phase without a factor", header("2", "3", "data unit=rad\n") + rows3, decodetest.IsUnsupported},
		{"factor zero", header("2", "3", "data unit=rad\nheight conversion factor (-> m)=0\n") + rows3, decodetest.IsFormat},
		{"factor to volts", header("2", "3", "data unit=rad\nheight conversion factor (-> V)=1\n") + rows3, decodetest.IsUnsupported},
		{"pixel size in pixels", strings.Replace(header("2", "3", "data unit=m\n"), " m\n", " px\n", 1) + rows3, decodetest.IsUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.in), nil)
			decodetest.RequireError(t, err, "text", nil, nil)
			tc.check(t, err)
		})
	}
}
