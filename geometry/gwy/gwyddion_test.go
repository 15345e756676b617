package gwy_test

import (
	"bytes"
	"flag"
	"math"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/gwy"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/mtgeo/mtgeo/geometry/internal/gwyref"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.gwy built here and, with gwyddion installed, their Gwyddion goldens")

// sample is a committed test file that the test builds, with what the
// decoder must make of it.
type sample struct {
	raw        func() []byte
	cols, rows int
	pitch      [2]float64             // µm
	z          func(c, r int) float64 // µm
	masked     func(c, r int) bool
	warnings   []string // a substring of each warning, in order
	gwyref     gwyref.Options
}

// samples are the builder files of testdata/README.md.
var samples = map[string]sample{
	// A Gwyddion 1 file (GWYO) as Gwyddion 1.x wrote it: units m, a mask
	// with units m too (a new Gwyddion 1 field had both units m), every
	// item type of a Gwyddion 1 container.
	"gwyddion1.gwy": {
		raw: func() []byte {
			data, mask := grid(12, 8, func(c, r int) float64 { return 1e-9 * g1Z(c, r) }), grid(12, 8, func(c, r int) float64 { return b2f(g1Masked(c, r)) })
			d := df{xres: 12, yres: 8, xreal: 60e-6, yreal: 32e-6, unitXY: "m", unitZ: "m", data: data}
			m := d
			m.data = mask
			return file1(gwyddion1Items(comp{"/0/data", 'o', dataField(d)}, comp{"/0/mask", 'o', dataField(m)})...)
		},
		cols: 12, rows: 8, pitch: [2]float64{5, 4},
		z: func(c, r int) float64 { return 1e-3 * g1Z(c, r) }, masked: g1Masked,
	},
	// A Gwyddion file from before 1.0 (GWYO, svn r1364 added units in
	// March 2004): a data field without si_unit_xy or si_unit_z.
	"gwyddion1-nounits.gwy": {
		raw: func() []byte {
			d := df{xres: 6, yres: 4, xreal: 12e-6, yreal: 6e-6, data: grid(6, 4, func(c, r int) float64 { return 1e-8 * float64(c-r) })}
			return file1(comp{"/0/data/title", 's', "Pre-1.0"}, comp{"/0/data", 'o', dataField(d)})
		},
		cols: 6, rows: 4, pitch: [2]float64{2, 1.5},
		z:        func(c, r int) float64 { return 1e-2 * float64(c-r) },
		warnings: []string{"/0/data has no lateral unit", "/0/data has no value unit"},
		gwyref:   gwyref.Options{NoUnitZ: true},
	},
	// A GWYP file from a writer that put prefixed units in the GwySIUnits
	// but, as Gwyddion requires, the numbers in metres.
	"prefixed-units.gwy": {
		raw: func() []byte {
			d := df{xres: 8, yres: 6, xreal: 16e-6, yreal: 9e-6, unitXY: "\u00b5m", unitZ: "nm",
				data: grid(8, 6, func(c, r int) float64 { return 1e-9 * float64(c*r-5) })}
			return file(comp{"/0/data", 'o', dataField(d)}, comp{"/0/data/title", 's', "Prefixed"})
		},
		cols: 8, rows: 6, pitch: [2]float64{2, 1.5},
		z:        func(c, r int) float64 { return 1e-3 * float64(c*r-5) },
		warnings: []string{`lateral unit "µm" is not the base unit m`, `value unit "nm" is not the base unit m`},
	},
}

// g1Z is the height, nm, of pixel (c, r) of gwyddion1.gwy.
func g1Z(c, r int) float64 { return float64(100 + 10*c - 7*r + 3*(c*r%5)) }

// g1Masked reports whether gwyddion1.gwy masks pixel (c, r): columns 3–5
// of rows 2–3, and the last pixel.
func g1Masked(c, r int) bool { return (c >= 3 && c < 6 && r >= 2 && r < 4) || (c == 11 && r == 7) }

func grid(cols, rows int, f func(c, r int) float64) []float64 {
	v := make([]float64, 0, cols*rows)
	for r := range rows {
		for c := range cols {
			v = append(v, f(c, r))
		}
	}
	return v
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestGwyddionGolden decodes the committed builder files, checks them
// against the values built in, and compares them with what Gwyddion 2.62
// read from the same files (testdata/*.gwyddion.json). With -update the
// files are rewritten and, if gwyddion is installed, the goldens too.
func TestGwyddionGolden(t *testing.T) {
	for name, s := range samples {
		t.Run(name, func(t *testing.T) {
			b := decodetest.Testdata(t, name, s.raw(), *update)
			m, err := gwy.Decode(bytes.NewReader(b), nil)
			require.NoError(t, err)
			require.Equal(t, s.cols, m.Cols())
			require.Equal(t, s.rows, m.Rows())
			require.InDelta(t, s.pitch[0], m.Pitch.X, 1e-12)
			require.InDelta(t, s.pitch[1], m.Pitch.Y, 1e-12)
			for r := range s.rows {
				for c := range s.cols {
					if s.masked != nil && s.masked(c, r) {
						require.True(t, math.IsNaN(m.At(c, r)), "pixel (%d, %d) not masked", c, r)
						continue
					}
					require.InDelta(t, s.z(c, r), m.At(c, r), 1e-12, "pixel (%d, %d)", c, r) // float64 metres × 1e6
				}
			}
			require.Len(t, m.Warnings, len(s.warnings), "%q", m.Warnings)
			for i, w := range s.warnings {
				require.Contains(t, m.Warnings[i], w)
			}
			decodetest.GwyddionGolden(t, name, b, m, *update, s.gwyref)
		})
	}
}

// TestGwyddionLive has Gwyddion read more files built here, mostly
// Gwyddion 1 ones, and compares its channel /0/data with the decoder's
// default channel (skipped without gwyddion).
func TestGwyddionLive(t *testing.T) {
	d := df{xres: 5, yres: 3, xreal: 10e-6, yreal: 3e-6, unitXY: "m", unitZ: "m",
		data: grid(5, 3, func(c, r int) float64 { return 1e-7 * math.Sin(float64(c*3+r)) })}
	m := d
	m.data = grid(5, 3, func(c, r int) float64 { return b2f(c == r) })
	for name, raw := range map[string][]byte{
		"mask-first.gwy":   file1(comp{"/0/mask", 'o', dataField(m)}, comp{"/0/data", 'o', dataField(d)}),
		"all-items.gwy":    file1(gwyddion1Items(comp{"/0/data", 'o', dataField(d)}, comp{"/0/mask", 'o', dataField(m)})...),
		"two-channels.gwy": file1(comp{"/1/data", 'o', dataField(m)}, comp{"/0/data/title", 's', "zero"}, comp{"/0/data", 'o', dataField(d)}),
		"gwyddion-2.gwy":   file(comp{"/0/data", 'o', dataField(d)}, comp{"/0/mask", 'o', dataField(m)}),
		"no-mask-gwy1.gwy": file1(comp{"/0/data", 'o', dataField(d)}),
	} {
		t.Run(name, func(t *testing.T) {
			decodetest.GwyddionLive(t, name, raw, gwy.Decode, gwyref.Options{})
		})
	}
}

// unitSpellings are unit strings a GWY writer may put in a GwySIUnit, with
// the base unit Gwyddion 2.62 keeps of each (it drops the power of ten and
// keeps the stored numbers; TestUnitSpellingsGwyddion checks this column
// against Gwyddion) and whether the decoder reads the numbers as metres.
var unitSpellings = []struct {
	unit, gwyddion string
	metre          bool
}{
	{"m", "m", true}, {"nm", "m", true}, {"um", "m", true}, {"\u00b5m", "m", true}, {"\u03bcm", "m", true},
	{"~m", "m", true}, {"\xb5m", "m", true}, {"mm", "m", true}, {"cm", "m", true}, {"km", "m", true},
	{"Mm", "m", true}, {"pm", "m", true}, {"fm", "m", true}, {"am", "m", true}, {" nm ", "m", true},
	{"\u00c5", "m", true}, {"\u212b", "m", true}, {"\xc5", "m", true}, {"AA", "m", true}, {"ang", "m", true},
	{"Ang", "m", true}, {"Angstrom", "m", true}, {"angstroms", "m", true}, {"\u043c", "m", true},
	{"metre", "m", true}, {"Meter", "m", true}, {"metres", "m", true}, {"nanometre", "m", true},
	{"Nanometers", "m", true}, {"micrometer", "m", true}, {"MILLIMETRE", "m", true}, {"femtometre", "m", true},
	{"mum", "m", true}, {"micron", "m", true}, {"microns", "m", true}, {"ANGSTROM", "m", true},
	// Metres to Gwyddion too, but refused here (isMetre): a power of one
	// or a multiplier in the unit string.
	{"m^1", "m", false}, {"m1", "m", false}, {"nm^1", "m", false}, {"1e-9 m", "m", false}, {"10^-9 m", "m", false},
	// Not lengths to Gwyddion either.
	{"dm", "dm", false}, {"NM", "NM", false}, {"Um", "Um", false}, {"micro m", "micro m", false},
	{"\u00b5 m", "\u00b5 m", false}, {"mil", "il", false}, {"mM", "M", false}, {"A", "A", false},
	{"V", "V", false}, {"m^2", "m^2", false}, {"m m", "m^2", false}, {"m/s", "m/s", false},
	{"nanoangstrom", "n\u212b", false}, {"ANG", "ANG", false}, {"Micron", "Micron", false},
}

// spelt is a one-pixel field of 4 µm × 1 µm, height 5 nm, with both units u.
func spelt(u string) []byte {
	return file(comp{"/0/data", 'o', dataField(df{xres: 1, yres: 1, xreal: 4e-6, yreal: 1e-6, unitXY: u, unitZ: u, data: []float64{5e-9}})})
}

// TestUnitSpellings checks that the decoder reads as metres exactly the
// spellings of unitSpellings marked so, warning unless the unit is "m".
func TestUnitSpellings(t *testing.T) {
	var unsupported geometry.UnsupportedError
	for _, tc := range unitSpellings {
		t.Run(tc.unit, func(t *testing.T) {
			require.False(t, tc.metre && tc.gwyddion != "m", "the table reads as metres what Gwyddion does not")
			m, err := gwy.Decode(bytes.NewReader(spelt(tc.unit)), nil)
			if !tc.metre {
				require.ErrorAs(t, err, &unsupported)
				return
			}
			require.NoError(t, err)
			require.InDelta(t, 4, m.Pitch.X, 1e-12)     // 4e-6 m
			require.InDelta(t, 5e-3, m.At(0, 0), 1e-15) // 5e-9 m
			if tc.unit == "m" {
				require.Empty(t, m.Warnings)
				return
			}
			require.Len(t, m.Warnings, 2)
			require.Contains(t, m.Warnings[1], "value unit")
		})
	}
}

// TestUnitSpellingsGwyddion has Gwyddion read each spelling of
// unitSpellings (skipped without gwyddion) and checks the base unit it
// keeps and that it keeps the stored numbers: 5e-9 with unit "nm" is
// 5e-9 m, not 5e-9 nm.
func TestUnitSpellingsGwyddion(t *testing.T) {
	if _, err := exec.LookPath("gwyddion"); err != nil {
		t.Skip("gwyddion not installed (Debian: apt-get install gwyddion)")
	}
	for _, tc := range unitSpellings {
		t.Run(tc.unit, func(t *testing.T) {
			t.Parallel() // one Gwyddion process each
			data, _ := gwyref.Load(t, "unit.gwy", spelt(tc.unit))
			require.Equal(t, tc.gwyddion, data.UnitZ)
			require.Equal(t, tc.gwyddion, data.UnitXY)
			require.Equal(t, []float64{5e-9}, data.Data)
			require.Equal(t, 4e-6, data.XReal)
		})
	}
}

// TestZUnit checks that Options.ZUnit scales only heights without a unit
// and must be positive and finite.
func TestZUnit(t *testing.T) {
	raw := func(unitZ string) []byte {
		return file(comp{"/0/data", 'o', dataField(df{xres: 1, yres: 1, xreal: 1e-6, yreal: 1e-6, unitXY: "m", unitZ: unitZ, data: []float64{3}})})
	}
	m, err := gwy.Decode(bytes.NewReader(raw("m")), &geometry.Options{ZUnit: 1e-3})
	require.NoError(t, err)
	require.InDelta(t, 3e6, m.At(0, 0), 1e-6) // 3 m: the file's unit wins
	m, err = gwy.Decode(bytes.NewReader(raw("")), &geometry.Options{ZUnit: 1e-3})
	require.NoError(t, err)
	require.InDelta(t, 3e-3, m.At(0, 0), 1e-15) // 3 nm
	require.Empty(t, m.Warnings)
	for _, z := range []float64{-1, math.NaN(), math.Inf(1)} {
		_, err = gwy.Decode(bytes.NewReader(raw("")), &geometry.Options{ZUnit: z})
		decodetest.RequireError(t, err, "gwy", nil, nil)
		require.ErrorContains(t, err, "Options.ZUnit")
	}
}

// TestRealFiles reads the real GWY files committed in testdata (see
// README.md there for source and licence) and checks them against the
// figures of their own reader's tests and against Gwyddion 2.62.
func TestRealFiles(t *testing.T) {
	b, err := os.ReadFile("testdata/gwyfile-test.gwy")
	require.NoError(t, err)
	m, err := gwy.Decode(bytes.NewReader(b), nil)
	require.NoError(t, err)
	// gwyfile's tests/test_gwyobject.py: channel "Test", data.shape
	// (128, 128), data[0][0] ≈ 0.00082494 and data[44][33] ≈ 0.00085301
	// (row, column; pytest.approx rel 1e-5). Its GwySIUnits are empty, so
	// the numbers are read as metres, with the two warnings.
	require.Equal(t, 128, m.Cols())
	require.Equal(t, 128, m.Rows())
	require.InEpsilon(t, 0.00082494e6, m.At(0, 0), 1e-5)
	require.InEpsilon(t, 0.00085301e6, m.At(33, 44), 1e-5)
	require.InDelta(t, 1e6, m.Pitch.X, 1e-6) // xreal 128, no unit: 1 m
	require.InDelta(t, 1e6, m.Pitch.Y, 1e-6)
	require.Equal(t, 128*128, m.ValidCount())
	require.Len(t, m.Warnings, 2)
	require.Contains(t, m.Warnings[0], "/0/data has no lateral unit")
	require.Contains(t, m.Warnings[1], "/0/data has no value unit")
	// Gwyddion 2.62 reads the same numbers, without a unit.
	decodetest.GwyddionLive(t, "gwyfile-test.gwy", b, gwy.Decode, gwyref.Options{NoUnitZ: true})
}
