package decodetest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/gwyref"
)

// Testdata requires testdata/name to hold content, the bytes the test
// builds for that file, and returns them. With update (the package's
// -update flag) it first writes content there.
func Testdata(t testing.TB, name string, content []byte, update bool) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	if update {
		require.NoError(t, os.WriteFile(path, content, 0o644))
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, content, b, "testdata file differs from its sample; run go test -update")
	return b
}

// GwyddionGolden compares m, the map decoded from testdata/name, with
// testdata/name.gwyddion.json, what Gwyddion read from that file
// (gwyref.Golden). With update it first regenerates the golden by having
// Gwyddion read content (gwyref.Load: skipped without gwyddion).
func GwyddionGolden(t testing.TB, name string, content []byte, m *geometry.HeightMap, update bool, o gwyref.Options) {
	t.Helper()
	golden := filepath.Join("testdata", name+".gwyddion.json")
	if update {
		gwyref.WriteGolden(t, golden, gwyref.GoldenFrom(gwyref.Load(t, name, content)))
	}
	gwyref.Compare(t, gwyref.ReadGolden(t, golden), m, 1e-6, o) // goldens are rounded to 1e-6 nm
}

// GwyddionLive has Gwyddion read content as a file called name
// (gwyref.Load: skipped without gwyddion) and compares it with the map
// decode makes of content, to the 1e-6 nm of a golden.
func GwyddionLive(t testing.TB, name string, content []byte, decode DecodeFunc, o gwyref.Options) {
	t.Helper()
	data, mask := gwyref.Load(t, name, content)
	m, err := decode(bytes.NewReader(content), nil)
	require.NoError(t, err)
	gwyref.Compare(t, gwyref.GoldenFrom(data, mask), m, 1e-6, o)
}
