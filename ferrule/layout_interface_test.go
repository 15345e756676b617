package ferrule_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/stretchr/testify/require"
)

// The interface and key of a layout (SPEC §10's mating): built-in layouts
// are key-top with the interface left to the polish; a user layout may say
// PC, APC or lensed and top or bottom, nothing else.
func TestLayoutInterfaceAndKey(t *testing.T) {
	for _, l := range ferrule.Layouts() {
		require.Equal(t, ferrule.KeyTop, l.Key, l.Name)
		require.Empty(t, l.Interface, l.Name)
	}
	l, err := ferrule.LayoutByName("MT-12")
	require.NoError(t, err)
	for _, tc := range []struct {
		iface, key string
		ok         bool
	}{
		{"PC", "top", true}, {"APC", "bottom", true}, {"lensed", "", true}, {"", "", true},
		{"pc", "top", false}, {"UPC", "", false}, {"", "left", false},
	} {
		l.Interface, l.Key = tc.iface, tc.key
		if tc.ok {
			require.NoError(t, l.Validate(), "%+v", tc)
		} else {
			require.Error(t, l.Validate(), "%+v", tc)
		}
	}
	l.Key = ""
	require.Equal(t, ferrule.KeyTop, l.KeySide())

	// The VSFF example reads, as a lensed, key-top layout whose source
	// says its numbers are the user's to confirm.
	vsff, err := ferrule.ReadLayoutFile(filepath.Join("..", "examples", "layouts", "vsff-16.json"))
	require.NoError(t, err)
	require.Equal(t, ferrule.InterfaceLensed, vsff.Interface)
	require.Equal(t, ferrule.KeyTop, vsff.Key)
	require.Contains(t, vsff.Source, "Replace every number")

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"name":"x","rows":1,"fibers_per_row":12,"pitch_um":250,"hole_spacing_um":4600,"hole_diameter_um":700,"fiber_diameter_um":125,"core_diameter_um":9,"interface":"flat"}`), 0o666))
	_, err = ferrule.ReadLayoutFile(bad)
	require.ErrorContains(t, err, "interface")
}
