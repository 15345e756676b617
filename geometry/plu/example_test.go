package plu_test

import (
	"fmt"
	"log"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats" // every format, "plu" and "plux" among them
	"github.com/stretchr/testify/require"
)

func Example() {
	// testdata/topo.plu is a small synthetic SensoSCAN topography that
	// Gwyddion 2.62 reads the same way (see testdata/README.md).
	m, format, err := geometry.ReadFile("testdata/topo.plu", nil)
	if err != nil {
		log.Fatal(err)
	}
	s := m.Stats()
	fmt.Println(format, m)
	fmt.Printf("%d valid, %d invalid (stored as 1000001)\n", s.Valid, s.Invalid)
	// Pixel (0, 0) is the first height stored: 2·(−0.02·(3² + 2.5²)) µm
	// in float32 (see surface in build_test.go).
	fmt.Printf("z(0,0) = %.4f µm\n", m.At(0, 0))
	// Output:
	// plu 6×5 px, 0.332×0.332 µm
	// 28 valid, 2 invalid (stored as 1000001)
	// z(0,0) = -0.6100 µm
}

// TestFormats reads the test files through the registry with every format
// of the module registered. The x3p matcher accepts any zip archive, so a
// .plux is told from an X3P by its extension here; without a file name
// (geometry.Decode) the first matching registration wins, which in a
// program importing geometry/formats is plux (Go initialises
// geometry/plu before geometry/x3p, in import-path order), but not
// necessarily in this test binary, where testify's dependencies delay
// geometry/plu.
func TestFormats(t *testing.T) {
	for name, want := range map[string]string{"topo.plu": "plu", "layers.plu": "plu", "topo.plux": "plux", "layers.plux": "plux"} {
		m, format, err := geometry.ReadFile(filepath.Join("testdata", name), nil)
		require.NoError(t, err)
		require.Equal(t, want, format, name)
		require.Empty(t, m.Warnings)
		c, err := geometry.ReadFileConfig(filepath.Join("testdata", name), nil)
		require.NoError(t, err)
		require.Equal(t, want, c.Format, name)
	}
}
