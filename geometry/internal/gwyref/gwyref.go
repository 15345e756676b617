package gwyref

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/stretchr/testify/require"
)

// Load has Gwyddion load content as a file called name (Gwyddion picks its
// import module by content and name) and returns channel 0 and its mask
// (nil when Gwyddion made none). It skips the test when gwyddion is not
// installed and fails it when Gwyddion fails or writes an unreadable file.
func Load(t testing.TB, name string, content []byte) (data, mask *Field) {
	t.Helper()
	bin, err := exec.LookPath("gwyddion")
	if err != nil {
		t.Skip("gwyddion not installed (Debian: apt-get install gwyddion)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, name)
	out := filepath.Join(dir, "out.gwy")
	if err := os.WriteFile(in, content, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--no-splash", "--convert-to-gwy="+out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir) // no settings of the user's
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gwyddion failed: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("gwyddion wrote no output: %v\n%s", err, msg)
	}
	data, mask, err = channel(b)
	if err != nil {
		t.Fatal(err)
	}
	return data, mask
}

// Golden is what Gwyddion made of a test file (channel 0), kept as JSON
// next to it so that the comparison runs without Gwyddion installed.
type Golden struct {
	Source string     `json:"source"`
	XRes   int        `json:"xres"`
	YRes   int        `json:"yres"`
	XRealM float64    `json:"xreal_m"`
	YRealM float64    `json:"yreal_m"`
	UnitZ  string     `json:"unit_z"`
	ZNm    []*float64 `json:"z_nm"` // row-major in Gwyddion's order, null = masked by Gwyddion
}

// GoldenFrom makes a Golden from the channel and mask returned by Load:
// heights in nm rounded to 1e-6 nm, null where the mask is set.
func GoldenFrom(data, mask *Field) Golden {
	g := Golden{Source: "gwyddion 2.62 --convert-to-gwy (Debian), channel /0/data and /0/mask",
		XRes: data.XRes, YRes: data.YRes, XRealM: data.XReal, YRealM: data.YReal, UnitZ: data.UnitZ}
	for i, v := range data.Data {
		if mask != nil && mask.Data[i] != 0 {
			g.ZNm = append(g.ZNm, nil)
			continue
		}
		x := math.Round(v*1e15) / 1e6 // m → nm, rounded to 1e-6 nm
		g.ZNm = append(g.ZNm, &x)
	}
	return g
}

// WriteGolden writes g to path as indented JSON (tabs, final newline).
func WriteGolden(t testing.TB, path string, g Golden) {
	t.Helper()
	j, err := json.MarshalIndent(g, "", "\t")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, append(j, '\n'), 0o644))
}

// ReadGolden reads a Golden written by WriteGolden.
func ReadGolden(t testing.TB, path string) Golden {
	t.Helper()
	j, err := os.ReadFile(path)
	require.NoError(t, err)
	var g Golden
	require.NoError(t, json.Unmarshal(j, &g))
	return g
}

// Options describes how a format's map relates to Gwyddion's reading of
// the same file. The zero value means: same row order, and Gwyddion's mask
// marks exactly the invalid pixels.
type Options struct {
	// BottomUp is set when Gwyddion's row R is the map's row Rows−1−R
	// (Gwyddion draws the first value of each OPD column at the bottom).
	BottomUp bool

	// NonMeasured, when not nil, reports whether the map's pixel (c, r)
	// is one the file marks as not measured although Gwyddion does not
	// mask it (Gwyddion 2.62's SUR reader). Those pixels must be NaN in the
	// map and Gwyddion's value there is not compared; every other pixel
	// must be unmasked in Gwyddion. When nil, Gwyddion's mask decides
	// which pixels must be NaN.
	NonMeasured func(c, r int) bool

	// NoUnitZ is set when Gwyddion reads the heights without a unit (a GWY
	// channel without si_unit_z, whose numbers the decoder takes as
	// metres): the golden's unit must then be empty instead of "m".
	NoUnitZ bool
}

// Compare checks a decoded map against Gwyddion's reading of the same file:
// size, height unit (m, or none with o.NoUnitZ), pixel size, heights within
// tolNm nanometres and invalid pixels.
func Compare(t testing.TB, g Golden, m *geometry.HeightMap, tolNm float64, o Options) {
	t.Helper()
	require.Equal(t, g.XRes, m.Cols())
	require.Equal(t, g.YRes, m.Rows())
	require.Len(t, g.ZNm, g.XRes*g.YRes)
	if o.NoUnitZ {
		require.Empty(t, g.UnitZ)
	} else {
		require.Equal(t, "m", g.UnitZ)
	}
	// Gwyddion stores the real size xres·pitch as a double, in metres:
	// dividing it back costs a few ulps (~1e-15 µm at these pitches), far
	// below 1e-9 µm.
	require.InDelta(t, g.XRealM/float64(g.XRes)*1e6, m.Pitch.X, 1e-9)
	require.InDelta(t, g.YRealM/float64(g.YRes)*1e6, m.Pitch.Y, 1e-9)
	for R := range g.YRes {
		r := R
		if o.BottomUp {
			r = g.YRes - 1 - R
		}
		for c := range g.XRes {
			z, got := g.ZNm[R*g.XRes+c], m.At(c, r)
			invalid := z == nil
			if o.NonMeasured != nil {
				invalid = o.NonMeasured(c, r)
			}
			if invalid {
				require.Truef(t, math.IsNaN(got), "pixel (%d, %d): invalid, got %g", c, r, got)
				continue
			}
			require.NotNilf(t, z, "pixel (%d, %d): Gwyddion masks it", c, r)
			require.InDeltaf(t, *z, got*1e3, tolNm, "pixel (%d, %d) (nm)", c, r)
		}
	}
}
