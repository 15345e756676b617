package ferrule_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/stretchr/testify/require"
)

func TestBuiltinLayouts(t *testing.T) {
	// SPEC §2's table: rows × fibers, hole spacing, hole Ø.
	want := map[string][4]float64{
		"MT-12": {1, 12, 4600, 700}, "MT-16": {1, 16, 5300, 550}, "MT-24": {2, 12, 4600, 700},
		"MT-32": {2, 16, 5300, 550}, "MT-48": {4, 12, 4600, 700}, "MT-64": {4, 16, 5300, 550},
		"MT-72": {6, 12, 4600, 700},
	}
	require.Len(t, ferrule.Layouts(), len(want))
	for name, w := range want {
		l, err := ferrule.LayoutByName(name)
		require.NoError(t, err)
		require.Equal(t, w, [4]float64{float64(l.Rows), float64(l.FibersPerRow), l.HoleSpacing, l.HoleDiameter}, name)
	}
	// Numbering (SPEC §3): fiber 1 at the most negative X of row 1, the
	// row with the most negative Y; IEC 61754-7 puts 12-wide fibers at
	// X = ±0.125…±1.375 mm.
	l, _ := ferrule.LayoutByName("MT-24")
	p, row, col := l.Nominal(1)
	require.Equal(t, [2]float64{-1375, -250}, [2]float64{p.X, p.Y})
	require.Equal(t, [2]int{1, 1}, [2]int{row, col})
	p, row, col = l.Nominal(24)
	require.Equal(t, [2]float64{1375, 250}, [2]float64{p.X, p.Y})
	require.Equal(t, [2]int{2, 12}, [2]int{row, col})
	l.MirrorNumbering = true
	p, _, _ = l.Nominal(1)
	require.Equal(t, 1375.0, p.X)
	_, err := ferrule.LayoutByName("MT-99")
	require.ErrorContains(t, err, "MT-16")
}

func TestReadLayoutFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "mt8.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"name":"MT-8","rows":1,"fibers_per_row":8,"pitch_um":250,
		"hole_spacing_um":4600,"hole_diameter_um":700,"fiber_diameter_um":125,"core_diameter_um":50,"multimode":true}`), 0o644))
	l, err := ferrule.ReadLayoutFile(good)
	require.NoError(t, err)
	require.Equal(t, 8, l.Fibers())
	require.True(t, l.Multimode)
	for name, body := range map[string]string{
		"typo.json":    `{"name":"x","rowz":1}`,
		"overlap.json": `{"name":"x","rows":1,"fibers_per_row":40,"pitch_um":250,"hole_spacing_um":4600,"hole_diameter_um":700,"fiber_diameter_um":125,"core_diameter_um":9}`,
		"nohole.json":  `{"name":"x","rows":1,"fibers_per_row":4,"pitch_um":250,"fiber_diameter_um":125,"core_diameter_um":9}`,
	} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		_, err := ferrule.ReadLayoutFile(path)
		require.Error(t, err, name)
		require.ErrorContains(t, err, path, "the error names the file")
	}
}
