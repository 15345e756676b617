package gwy_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/gwy"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
)

// gwyddionZ is the height, µm, that testdata/mkgwy.c writes at (c, r) of
// channel 0.
func gwyddionZ(c, r int) float64 {
	return 0.5 + 0.02*float64(c) - 0.03*float64(r) + 0.1*math.Sin(float64(c)/5)*math.Cos(float64(r)/7)
}

// gwyddionMasked reports whether mkgwy.c masks pixel (c, r) of channel 0:
// columns 10–19 of rows 5–14, and the last pixel.
func gwyddionMasked(c, r int) bool {
	return (c >= 10 && c < 20 && r >= 5 && r < 15) || (c == 63 && r == 47)
}

// TestGwyddionFile reads a file written by Gwyddion 2.62 (testdata/mkgwy.c,
// testdata/README.md) and compares every channel with the values set.
func TestGwyddionFile(t *testing.T) {
	raw, err := os.ReadFile("testdata/gwyddion-3ch.gwy")
	require.NoError(t, err)
	for name, r := range decodetest.Readers(raw) {
		t.Run(name, func(t *testing.T) {
			// Channel 0 (/0/data), the default.
			m, err := gwy.Decode(r(), nil)
			require.NoError(t, err)
			require.Equal(t, 64, m.Cols())
			require.Equal(t, 48, m.Rows())
			require.Len(t, m.Z, m.Stride*m.Rows())
			// mkgwy.c: xreal 320e-6 m / 64, yreal 360e-6 m / 48, offset (-100e-6, 50e-6) m.
			require.InDelta(t, 5, m.Pitch.X, 1e-12)
			require.InDelta(t, 7.5, m.Pitch.Y, 1e-12)
			require.InDelta(t, -100, m.Offset.X, 1e-12)
			require.InDelta(t, 50, m.Offset.Y, 1e-12)
			require.Equal(t, 64*48-101, m.ValidCount()) // 10×10 + 1 masked
			for r := 0; r < 48; r++ {
				for c := 0; c < 64; c++ {
					if gwyddionMasked(c, r) {
						require.True(t, math.IsNaN(m.At(c, r)), "pixel (%d, %d) not masked", c, r)
						continue
					}
					// Stored as float64 metres: 1e6·z rounds to a few 1e-16 µm.
					require.InDelta(t, gwyddionZ(c, r), m.At(c, r), 1e-12, "pixel (%d, %d)", c, r)
				}
			}
			cfg, err := gwy.DecodeConfig(r(), nil)
			require.NoError(t, err)
			require.Equal(t, geometry.Config{Format: "gwy", Cols: 64, Rows: 48, Pitch: m.Pitch, Offset: m.Offset}, cfg)

			// Channel 1 is /3/data: 16×12, 8 µm × 6 µm, z = c·r nm, no mask.
			opts := &geometry.Options{Channel: 1}
			m, err = gwy.Decode(r(), opts)
			require.NoError(t, err)
			require.Equal(t, 16, m.Cols())
			require.Equal(t, 12, m.Rows())
			require.InDelta(t, 0.5, m.Pitch.X, 1e-12)
			require.InDelta(t, 0.5, m.Pitch.Y, 1e-12)
			require.Equal(t, r2.Vec{}, m.Offset)
			require.Equal(t, 16*12, m.ValidCount())
			for r := 0; r < 12; r++ {
				for c := 0; c < 16; c++ {
					require.InDelta(t, 1e-3*float64(c*r), m.At(c, r), 1e-12, "pixel (%d, %d)", c, r)
				}
			}
			cfg, err = gwy.DecodeConfig(r(), opts)
			require.NoError(t, err)
			require.Equal(t, 16, cfg.Cols)

			// Channel 2 is /7/data, a current in A: not a height.
			var unsupported geometry.UnsupportedError
			_, err = gwy.Decode(r(), &geometry.Options{Channel: 2})
			require.ErrorAs(t, err, &unsupported)
			require.ErrorContains(t, err, "/7/data")
			_, err = gwy.DecodeConfig(r(), &geometry.Options{Channel: 2})
			require.ErrorAs(t, err, &unsupported)

			for _, k := range []int{3, -1} {
				_, err = gwy.Decode(r(), &geometry.Options{Channel: k})
				require.ErrorContains(t, err, "file has 3: /0/data, /3/data, /7/data")
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	m, name, err := geometry.ReadFile("testdata/gwyddion-3ch.gwy", &geometry.Options{Channel: 1})
	require.NoError(t, err)
	require.Equal(t, "gwy", name)
	require.Equal(t, 16, m.Cols())

	cfg, err := geometry.ReadFileConfig("testdata/gwyddion-3ch.gwy", nil)
	require.NoError(t, err)
	require.Equal(t, "gwy", cfg.Format)
	require.Equal(t, 64, cfg.Cols)

	raw, err := os.ReadFile("testdata/gwyddion-3ch.gwy")
	require.NoError(t, err)
	m, name, err = geometry.Decode(decodetest.StreamOnly{Reader: bytes.NewReader(raw)}, nil)
	require.NoError(t, err)
	require.Equal(t, "gwy", name)
	require.Equal(t, 64*48-101, m.ValidCount())

	// A Gwyddion 1 file is found by its magic GWYO, and Options.Strict
	// reaches the decoder through the registry.
	old := file1(comp{"/0/data", 'o', dataField(df{xres: 1, yres: 1, xreal: 1e-6, yreal: 1e-6, data: []float64{2e-6}})})
	m, name, err = geometry.Decode(bytes.NewReader(old), nil)
	require.NoError(t, err)
	require.Equal(t, "gwy", name)
	require.InDelta(t, 2, m.At(0, 0), 1e-12) // 2e-6 m
	require.Len(t, m.Warnings, 2)            // no units
	_, _, err = geometry.Decode(bytes.NewReader(old), &geometry.Options{Strict: true})
	var se geometry.StrictError
	require.ErrorAs(t, err, &se)
	require.Equal(t, geometry.StrictError(m.Warnings), se)
}

// allTypes is a container item of every component type, nested objects
// and object arrays included, for the decoder to skip.
var allTypes = []comp{
	{"/b", 'b', byte(1)}, {"/c", 'c', byte('x')}, {"/i", 'i', int32(-7)}, {"/q", 'q', int64(1) << 40},
	{"/d", 'd', 2.5}, {"/s", 's', "text"}, {"/C", 'C', []byte{1, 2, 3}}, {"/I", 'I', []int32{1, 2}},
	{"/Q", 'Q', []int64{3}}, {"/D", 'D', []float64{1, 2, 3}}, {"/S", 'S', []string{"a", "", "bc"}},
	{"/0/meta", 'o', object("GwyContainer", comp{"Operator", 's', "x"}, comp{"nested", 'o', object("GwyContainer",
		comp{"deeper", 'o', object("GwyContainer", comp{"O", 'O', [][]byte{object("GwySIUnit")}})})})},
	{"/0/graph/graph/1", 'o', object("GwyGraphModel", comp{"curves", 'O', [][]byte{
		object("GwyGraphCurveModel", comp{"xdata", 'D', []float64{0, 1}}, comp{"ydata", 'D', []float64{1, 0}}),
		object("GwyGraphCurveModel", comp{"xdata", 'D', []float64{}}, comp{"ydata", 'D', []float64{}}),
	}})},
	{"/brick/0", 'o', object("GwyBrick", comp{"data", 'D', []float64{1, 2, 3, 4}})},
	{"/empty", 'O', [][]byte{}},
}

func TestDecode(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	// small is a one-row field of 1 µm pixels (xreal, yreal in metres).
	small := func(unitXY, unitZ string, data ...float64) []byte {
		return dataField(df{xres: int32(len(data)), yres: 1, xreal: float64(len(data)) * 1e-6, yreal: 1e-6, unitXY: unitXY, unitZ: unitZ, data: data})
	}
	one := r2.Vec{X: 1, Y: 1}
	for _, tc := range []struct {
		name   string
		raw    []byte
		opts   *geometry.Options
		cols   int
		pitch  r2.Vec    // µm
		offset r2.Vec    // µm
		z      []float64 // µm, row-major
		warn   []string  // a substring of each warning, in order
	}{
		{
			name: "metres, offset, rows top to bottom",
			raw: file(comp{"/0/data", 'o', dataField(df{xres: 2, yres: 3, xreal: 4e-6, yreal: 9e-6, xoff: -1e-3, yoff: 2e-6,
				unitXY: "m", unitZ: "m", data: []float64{1e-6, 2e-6, 3e-6, 4e-6, 5e-6, 6e-6}})}),
			cols: 2, pitch: r2.Vec{X: 2, Y: 3}, offset: r2.Vec{X: -1000, Y: 2},
			z: []float64{1, 2, 3, 4, 5, 6},
		},
		{
			// Gwyddion 2.62 reads "mm" and "nm" as m and keeps the numbers
			// (TestUnitSpellings): 250e-9 is 250 nm, not 250e-9 nm.
			name: "prefixed units: numbers are metres all the same",
			raw:  file(comp{"/0/data", 'o', small("mm", "nm", 250e-9, -1.5e-6)}),
			cols: 2, pitch: one, z: []float64{0.25, -1.5},
			warn: []string{`lateral unit "mm" is not the base unit m`, `value unit "nm" is not the base unit m`},
		},
		{
			name: "micro sign and Angstrom",
			raw:  file(comp{"/0/data", 'o', small("\u00b5m", "\u00c5", 1e-6, 5e-10)}),
			cols: 2, pitch: one, z: []float64{1, 5e-4},
			warn: []string{`lateral unit "µm"`, `value unit "Å"`},
		},
		{
			name: "no units: metres, with a warning each",
			raw:  file(comp{"/0/data", 'o', small("", "", 1e-6, 2e-6)}),
			cols: 2, pitch: one, z: []float64{1, 2},
			warn: []string{"/0/data has no lateral unit (si_unit_xy absent or empty): xreal, yreal, xoff and yoff read as metres",
				"/0/data has no value unit (si_unit_z absent or empty): heights read as metres"},
		},
		{
			name: "no value unit, Options.ZUnit given: no assumption",
			raw:  file(comp{"/0/data", 'o', small("m", "", 1, 2)}),
			opts: &geometry.Options{ZUnit: 1e-3},
			cols: 2, pitch: one, z: []float64{1e-3, 2e-3},
		},
		{
			name: "blank unit string is no unit",
			raw:  file(comp{"/0/data", 'o', small(" ", " \t", 1e-6, 2e-6)}),
			cols: 2, pitch: one, z: []float64{1, 2},
			warn: []string{"no lateral unit", "no value unit"},
		},
		{
			name: "unit without unitstr is no unit",
			raw: file(comp{"/0/data", 'o', object("GwyDataField", comp{"xres", 'i', int32(1)}, comp{"yres", 'i', int32(1)},
				comp{"xreal", 'd', 1e-6}, comp{"yreal", 'd', 1e-6}, comp{"si_unit_xy", 'o', object("GwySIUnit")},
				comp{"si_unit_z", 'o', siUnit("m")}, comp{"data", 'D', []float64{3e-6}})}),
			cols: 1, pitch: one, z: []float64{3},
			warn: []string{"no lateral unit"},
		},
		{
			name: "non-finite values are invalid",
			raw:  file(comp{"/0/data", 'o', small("m", "m", nan, inf, -inf, 1e-6)}),
			cols: 4, pitch: one, z: []float64{nan, nan, nan, 1},
		},
		{
			name: "mask first, any non-zero value masks",
			raw: file(
				comp{"/0/mask", 'o', small("m", "", 0, 1, 0.5, -1, nan, 0)},
				comp{"/0/data", 'o', small("m", "m", 1e-6, 2e-6, 3e-6, 4e-6, 5e-6, 6e-6)},
			),
			cols: 6, pitch: one, z: []float64{1, nan, nan, nan, nan, 6},
		},
		{
			name: "channels ordered by number, not by key",
			raw: file(
				comp{"/10/data", 'o', small("m", "m", 10e-6)},
				comp{"/2/data", 'o', small("m", "m", 2e-6)},
			),
			cols: 1, pitch: one, z: []float64{2},
		},
		{
			name: "channel option counts channels in order",
			raw: file(
				comp{"/10/data", 'o', small("m", "m", 10e-6)},
				comp{"/2/data", 'o', small("m", "m", 2e-6)},
				comp{"/2/mask", 'o', small("m", "", 1)},
			),
			opts: &geometry.Options{Channel: 1},
			cols: 1, pitch: one, z: []float64{10},
		},
		{
			name: "skips every other component type",
			raw: file(append(append([]comp{},
				allTypes...),
				comp{"/1/data", 'o', small("m", "m", 7e-6)},
				comp{"/1/data/title", 's', "Height"},
				comp{"/01/data", 'o', small("m", "m", 99)},            // not canonical: not a channel
				comp{"/x/data", 'o', small("m", "m", 99)},             // not a number
				comp{"/0/data", 's', "not an object"},                 // not an object
				comp{"/3/data", 'o', object("GwyBrick", allTypes...)}, // not a GwyDataField
				comp{"/4/mask", 'o', small("m", "", 1)},               // mask without data
				comp{"/" + strings.Repeat("9", 200) + "/data", 'o', small("m", "m", 99)},
			)...),
			cols: 1, pitch: one, z: []float64{7},
		},
		{
			name: "unknown data-field components skipped",
			raw: file(comp{"/0/data", 'o', object("GwyDataField", append([]comp{
				{"data", 'D', []float64{3e-6}}, {"yres", 'i', int32(1)}, {"xres", 'i', int32(1)},
				{"si_unit_z", 'o', object("GwySIUnit", comp{"power10", 'i', int32(0)}, comp{"unitstr", 's', "m"})},
				{"si_unit_xy", 'o', siUnit("m")},
				{"yreal", 'd', 1e-6}, {"xreal", 'd', 2e-6},
				{"cache", 'D', []float64{1, 2}}, {"a very long component name indeed", 'i', int32(0)},
			}, allTypes...)...)}),
			cols: 1, pitch: r2.Vec{X: 2, Y: 1}, z: []float64{3},
		},
		{
			name: "Gwyddion 1: data, mask and every item type",
			raw: file1(gwyddion1Items(
				comp{"/0/mask", 'o', small("m", "m", 0, 1, 0)},
				comp{"/0/data", 'o', small("m", "m", 1e-6, 2e-6, 3e-6)},
			)...),
			cols: 3, pitch: one, z: []float64{1, nan, 3},
		},
		{
			name: "Gwyddion 1 before 1.0: no units",
			raw:  file1(comp{"/0/data", 'o', small("", "", 4e-6)}),
			cols: 1, pitch: one, z: []float64{4},
			warn: []string{"no lateral unit", "no value unit"},
		},
		{
			name: "Gwyddion 1: channels by number",
			raw:  file1(comp{"/7/data", 'o', small("m", "m", 7e-6)}, comp{"/0/data/title", 's', "x"}, comp{"/1/data", 'o', small("m", "m", 1e-6)}),
			opts: &geometry.Options{Channel: 1},
			cols: 1, pitch: one, z: []float64{7},
		},
		{
			name: "Gwyddion 1: empty container items skipped",
			raw:  file1(comp{"", 's', ""}, comp{"/0/data", 'o', small("m", "m", 5e-6)}, comp{"/0/x", 'o', object("")}),
			cols: 1, pitch: one, z: []float64{5},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, r := range decodetest.Readers(tc.raw) {
				m, err := gwy.Decode(r(), tc.opts)
				require.NoError(t, err, name)
				require.Equal(t, tc.cols, m.Cols(), name)
				require.Len(t, m.Z, len(tc.z), name)
				require.InDelta(t, tc.pitch.X, m.Pitch.X, 1e-9, name)
				require.InDelta(t, tc.pitch.Y, m.Pitch.Y, 1e-9, name)
				require.InDelta(t, tc.offset.X, m.Offset.X, 1e-9, name)
				require.InDelta(t, tc.offset.Y, m.Offset.Y, 1e-9, name)
				for i, want := range tc.z {
					if math.IsNaN(want) {
						require.True(t, math.IsNaN(m.Z[i]), "%s: Z[%d] = %g, want NaN", name, i, m.Z[i])
						continue
					}
					require.InDelta(t, want, m.Z[i], 1e-12, "%s: Z[%d]", name, i) // float64 scaled by 1e6
				}
				require.Len(t, m.Warnings, len(tc.warn), "%s: %q", name, m.Warnings)
				for i, w := range tc.warn {
					require.Contains(t, m.Warnings[i], w, name)
				}
				cfg, err := gwy.DecodeConfig(r(), tc.opts)
				require.NoError(t, err, name)
				require.Equal(t, geometry.Config{Format: "gwy", Cols: m.Cols(), Rows: m.Rows(), Pitch: m.Pitch, Offset: m.Offset}, cfg, name)

				// Strict reading (geometry.Decode) refuses exactly the files
				// with warnings.
				strict := geometry.Options{Strict: true}
				if tc.opts != nil {
					strict = *tc.opts
					strict.Strict = true
				}
				sm, _, err := geometry.Decode(r(), &strict)
				if len(tc.warn) == 0 {
					require.NoError(t, err, name)
					decodetest.RequireHeights(t, m.Z, sm, 0)
					continue
				}
				var se geometry.StrictError
				require.ErrorAs(t, err, &se, name)
				require.Equal(t, geometry.StrictError(m.Warnings), se, name)
				require.Nil(t, sm, name)
			}
		})
	}
}

// gwyddion1Items returns items around which a Gwyddion 1 container holds
// one of every item type it writes (GLib types uchar, boolean, int, int64,
// double, string, object), with keys Gwyddion 1.x used: a presentation
// field at /0/show (not a channel), a palette, a selection and a graph.
func gwyddion1Items(channel ...comp) []comp {
	items := []comp{
		{"/0/data/title", 's', "Topography"},
		{"/0/base/palette", 's', "Gray"},
		{"/0/show", 'o', dataField(df{xres: 1, yres: 1, xreal: 1e-6, yreal: 1e-6, unitXY: "m", unitZ: "m", data: []float64{99}})},
		{"/0/select/pointer/x", 'd', 1.5e-6},
		{"/0/graph/lastid", 'i', int32(1)},
		{"/0/base/range-type", 'q', int64(-2)},
		{"/0/mask/visible", 'b', byte(1)},
		{"/0/c", 'c', byte('x')},
	}
	items = append(items[:3], append(channel, items[3:]...)...)
	return append(items, comp{"/0/graph/graph/1", 'o', object("GwyGraphModel", comp{"curves", 'O', [][]byte{
		object("GwyGraphCurveModel", comp{"xdata", 'D', []float64{0, 1}}, comp{"ydata", 'D', []float64{1, 0}}),
	}})})
}

func TestErrors(t *testing.T) {
	var (
		formatErr      geometry.FormatError
		unsupportedErr geometry.UnsupportedError
	)
	good := df{xres: 2, yres: 1, xreal: 2e-6, yreal: 1e-6, unitXY: "m", unitZ: "m", data: []float64{1e-6, 2e-6}}
	with := func(f func(*df)) []byte {
		d := good
		f(&d)
		return file(comp{"/0/data", 'o', dataField(d)})
	}
	without := func(name string) []byte {
		var comps []comp
		for _, c := range []comp{{"xres", 'i', int32(2)}, {"yres", 'i', int32(1)}, {"xreal", 'd', 2.0}, {"yreal", 'd', 1.0}, {"data", 'D', []float64{1, 2}}} {
			if c.name != name {
				comps = append(comps, c)
			}
		}
		return file(comp{"/0/data", 'o', object("GwyDataField", comps...)})
	}
	// patch returns raw with the little-endian uint32 at off replaced.
	patch := func(raw []byte, off int, v uint32) []byte {
		raw = bytes.Clone(raw)
		binary.LittleEndian.PutUint32(raw[off:], v)
		return raw
	}
	oneItem := func(c comp) []byte { return file(c, comp{"/0/data", 'o', dataField(good)}) }
	top := file(comp{"/0/data", 'o', dataField(good)})
	const topSize = 4 + len("GwyContainer\x00") // offset of the container's size
	huge := uint32(math.MaxUint32)
	// hugeCount returns raw with the array length of item "/x" set to huge.
	hugeCount := func(raw []byte) []byte { return patch(raw, bytes.Index(raw, []byte("/x\x00"))+4, huge) }

	// A container holding an object whose size runs 1 byte past the container.
	inner := object("GwyContainer", comp{"k", 'b', byte(0)})
	overrun := file(comp{"/x", 'o', inner}, comp{"/0/data", 'o', dataField(good)})
	at := bytes.Index(overrun, inner) + len("GwyContainer\x00")
	overrun = patch(overrun, at, uint32(len(overrun)-at-4+1))

	unknownType := oneItem(comp{"/x", 'b', byte(0)})
	unknownType[bytes.Index(unknownType, []byte("/x\x00"))+3] = 'z'

	// The data field's si_unit_xy object made 1 byte short, so that the NUL
	// of its unit string lies past its end.
	at = bytes.Index(top, []byte("GwySIUnit\x00")) + len("GwySIUnit\x00")
	unitPast := patch(top, at, binary.LittleEndian.Uint32(top[at:])-1)

	// Gwyddion 1 files: the good channel after one item, and the same with
	// the item's GLib type id (the first 4 bytes of the items) replaced.
	old1 := func(c comp) []byte { return file1(c, comp{"/0/data", 'o', dataField(good)}) }
	oldTop := old1(comp{"/0/a", 'i', int32(5)})
	oldType := func(id uint32) []byte { return patch(oldTop, topSize+4, id) }

	hugeData := with(func(d *df) { d.data = nil })
	hugeData = patch(hugeData, bytes.Index(hugeData, []byte("data\x00D"))+6, huge)

	for _, tc := range []struct {
		name string
		raw  []byte
		is   error // for errors.Is
		as   any   // for errors.As
	}{
		{name: "empty", raw: nil, as: &formatErr},
		{name: "short magic", raw: []byte("GW"), is: io.ErrUnexpectedEOF},
		{name: "not gwy", raw: []byte("Gwyddion Simple Field 1.0\n"), as: &formatErr},
		{name: "magic GWYQ", raw: append([]byte("GWYQ"), top[4:]...), as: &formatErr},
		{name: "gwyddion 1 without container", raw: []byte("GWYO\x00\x00\x00\x00"), is: io.ErrUnexpectedEOF},
		{name: "gwyddion 1 top not a container", raw: append([]byte("GWYO"), object("GwyDataField")...), as: &formatErr},
		{name: "gwyddion 1 no channel", raw: file1(comp{"/0/data/title", 's', "x"}), as: &unsupportedErr},
		{name: "gwyddion 1 GType uint", raw: oldType(7 << 2), as: &formatErr},         // G_TYPE_UINT: not written by Gwyddion 1
		{name: "gwyddion 1 GType char", raw: oldType(3 << 2), as: &formatErr},         // G_TYPE_CHAR: Gwyddion 1 writes uchar
		{name: "gwyddion 1 GType of a class", raw: oldType(0x5581c0), as: &formatErr}, // a dynamic type id, not G_TYPE_OBJECT
		{name: "gwyddion 1 GType cut", raw: oldTop[:topSize+4+3], is: io.ErrUnexpectedEOF},
		{name: "gwyddion 1 GType past container", raw: patch(oldTop, topSize, 3), as: &formatErr},
		{name: "gwyddion 1 key without NUL", raw: oldTop[:topSize+4+4+2], is: io.ErrUnexpectedEOF},
		{name: "gwyddion 1 value cut", raw: oldTop[:topSize+4+4+len("/0/a\x00")+2], is: io.ErrUnexpectedEOF},
		{name: "gwyddion 1 string past container", raw: patch(old1(comp{"/0/a", 's', "abc"}), topSize, uint32(4+len("/0/a\x00")+2)), as: &formatErr},
		{name: "gwyddion 1 huge container", raw: patch(oldTop, topSize, huge), is: io.ErrUnexpectedEOF},
		{name: "gwyddion 1 data count mismatch", raw: file1(comp{"/0/data", 'o', dataField(df{xres: 2, yres: 2, xreal: 1, yreal: 1, unitXY: "m", unitZ: "m", data: []float64{1}})}), as: &formatErr},
		{name: "top not a container", raw: append([]byte("GWYP"), object("GwyDataField")...), as: &formatErr},
		{name: "no channel", raw: file(allTypes...), as: &unsupportedErr},
		{name: "container size past end of file", raw: patch(top, topSize, uint32(len(top))), is: io.ErrUnexpectedEOF},
		{name: "container size huge", raw: patch(top, topSize, huge), is: io.ErrUnexpectedEOF},
		{name: "container cut", raw: top[:len(top)-3], is: io.ErrUnexpectedEOF},
		{name: "nested object overruns parent", raw: overrun, as: &formatErr},
		{name: "key without NUL", raw: append([]byte("GWYP"), object("GwyContainer", comp{"k", 'b', byte(0)})[:len("GwyContainer\x00")+4+1]...), is: io.ErrUnexpectedEOF},
		{name: "unknown type", raw: unknownType, as: &formatErr},
		{name: "huge double array", raw: hugeCount(oneItem(comp{"/x", 'D', []float64{}})), as: &formatErr},
		{name: "huge string array", raw: hugeCount(oneItem(comp{"/x", 'S', []string{}})), as: &formatErr},
		{name: "huge object array", raw: hugeCount(oneItem(comp{"/x", 'O', [][]byte{}})), as: &formatErr},
		{name: "huge data array", raw: hugeData, as: &formatErr},
		{name: "string runs past object", raw: unitPast, as: &formatErr},
		{name: "missing xres", raw: without("xres"), as: &formatErr},
		{name: "missing yres", raw: without("yres"), as: &formatErr},
		{name: "missing xreal", raw: without("xreal"), as: &formatErr},
		{name: "missing yreal", raw: without("yreal"), as: &formatErr},
		{name: "missing data", raw: without("data"), as: &formatErr},
		{name: "xres wrong type", raw: file(comp{"/0/data", 'o', object("GwyDataField", comp{"xres", 'd', 2.0})}), as: &formatErr},
		{name: "unit wrong class", raw: file(comp{"/0/data", 'o', object("GwyDataField", comp{"si_unit_z", 'o', object("GwyContainer")})}), as: &formatErr},
		{name: "unitstr wrong type", raw: file(comp{"/0/data", 'o', object("GwyDataField", comp{"si_unit_z", 'o', object("GwySIUnit", comp{"unitstr", 'i', int32(1)})})}), as: &formatErr},
		{name: "unitstr too long", raw: with(func(d *df) { d.unitZ = strings.Repeat("m", 300) }), as: &formatErr},
		{name: "data count mismatch", raw: with(func(d *df) { d.data = d.data[:1] }), as: &formatErr},
		{name: "xres zero", raw: with(func(d *df) { d.xres = 0 }), as: &formatErr},
		{name: "xres negative", raw: with(func(d *df) { d.xres = -2; d.yres = -1 }), as: &formatErr},
		{name: "too large", raw: with(func(d *df) { d.xres, d.yres = 100000, 100000 }), is: geometry.ErrTooLarge},
		{name: "xreal zero", raw: with(func(d *df) { d.xreal = 0 }), as: &formatErr},
		{name: "yreal negative", raw: with(func(d *df) { d.yreal = -1 }), as: &formatErr},
		{name: "xreal NaN", raw: with(func(d *df) { d.xreal = math.NaN() }), as: &formatErr},
		{name: "xreal overflows in µm", raw: with(func(d *df) { d.xreal = 1e306 }), as: &formatErr},
		{name: "xoff infinite", raw: with(func(d *df) { d.xoff = math.Inf(-1) }), as: &formatErr},
		{name: "z unit volt", raw: with(func(d *df) { d.unitZ = "V" }), as: &unsupportedErr},
		{name: "z unit dm", raw: with(func(d *df) { d.unitZ = "dm" }), as: &unsupportedErr}, // Gwyddion has no deci prefix
		{name: "z unit NM", raw: with(func(d *df) { d.unitZ = "NM" }), as: &unsupportedErr},
		{name: "xy unit micro m", raw: with(func(d *df) { d.unitXY = "micro m" }), as: &unsupportedErr},
		{name: "xy unit square metre", raw: with(func(d *df) { d.unitXY = "m^2" }), as: &unsupportedErr},
		{name: "mask size mismatch", raw: file(comp{"/0/data", 'o', dataField(good)}, comp{"/0/mask", 'o', dataField(df{xres: 1, yres: 2, xreal: 1, yreal: 1, data: []float64{0, 0}})}), as: &formatErr},
		{name: "mask broken", raw: file(comp{"/0/data", 'o', dataField(good)}, comp{"/0/mask", 'o', dataField(df{xres: 2, yres: 1, xreal: 1, yreal: 1, data: []float64{0}})}), as: &formatErr},
		{name: "duplicate key", raw: file(comp{"/0/data", 'o', dataField(good)}, comp{"/0/data", 'o', dataField(good)}), as: &formatErr},
	} {
		raw := tc.raw
		t.Run(tc.name, func(t *testing.T) {
			for name, r := range decodetest.Readers(raw) {
				for _, decode := range []func(io.Reader) error{
					func(r io.Reader) error { _, err := gwy.Decode(r, nil); return err },
					func(r io.Reader) error { _, err := gwy.DecodeConfig(r, nil); return err },
				} {
					decodetest.RequireError(t, decode(r()), "gwy", tc.is, tc.as, name)
				}
			}
		})
	}
}

// TestTruncated cuts the Gwyddion file at many lengths: every cut must be
// an error, never a panic or a map.
func TestTruncated(t *testing.T) {
	raw, err := os.ReadFile("testdata/gwyddion-3ch.gwy")
	require.NoError(t, err)
	for n := 0; n < len(raw); n++ {
		if n > 1024 && n%61 != 0 && len(raw)-n > 64 {
			continue // every cut in the first KiB and the last 64 bytes, a sample between
		}
		for name, r := range decodetest.Readers(raw[:n]) {
			m, err := gwy.Decode(r(), nil)
			require.Error(t, err, "%s cut at %d", name, n)
			require.Nil(t, m)
			if n >= 4 {
				require.ErrorIs(t, err, io.ErrUnexpectedEOF, "%s cut at %d", name, n)
			}
			_, err = gwy.DecodeConfig(r(), nil)
			require.Error(t, err, "%s cut at %d", name, n)
		}
	}
}

// countingSeeker counts the bytes read through it.
type countingSeeker struct {
	io.ReadSeeker
	n int64
}

func (c *countingSeeker) Read(p []byte) (int, error) {
	n, err := c.ReadSeeker.Read(p)
	c.n += int64(n)
	return n, err
}

// TestConfigSkipsData checks that DecodeConfig seeks over pixel data
// instead of reading it, and that Decode reads only the chosen channel.
func TestConfigSkipsData(t *testing.T) {
	const cols, rows = 512, 256 // 1 MiB of float64 per channel
	big := func() []byte {
		return dataField(df{xres: cols, yres: rows, xreal: 1, yreal: 1, unitXY: "m", unitZ: "m", data: make([]float64, cols*rows)})
	}
	raw := file(comp{"/0/data", 'o', big()}, comp{"/1/data", 'o', big()}, comp{"/2/data", 'o', big()})
	c := &countingSeeker{ReadSeeker: bytes.NewReader(raw)}
	cfg, err := gwy.DecodeConfig(c, nil)
	require.NoError(t, err)
	require.Equal(t, cols, cfg.Cols)
	require.Less(t, c.n, int64(4<<16), "read %d of %d bytes", c.n, len(raw)) // a few 64 KiB buffers

	c = &countingSeeker{ReadSeeker: bytes.NewReader(raw)}
	_, err = gwy.Decode(c, &geometry.Options{Channel: 2})
	require.NoError(t, err)
	require.Less(t, c.n, int64(8*cols*rows+6<<16), "read %d of %d bytes", c.n, len(raw))
}

// TestGwyddionReadsTheSame has Gwyddion read a file built here (mask,
// offsets, nested objects, several channels) and write it again; both
// must decode to the same map. It needs the gwyddion program (Debian
// package gwyddion) and skips without it.
func TestGwyddionReadsTheSame(t *testing.T) {
	exe, err := exec.LookPath("gwyddion")
	if err != nil {
		t.Skip("gwyddion not installed")
	}
	const cols, rows = 6, 4
	data := make([]float64, cols*rows)
	mask := make([]float64, cols*rows)
	for i := range data {
		data[i] = 1e-7 * float64(i*i%13-6)
	}
	mask[2], mask[11], mask[23] = 1, 1, 1
	d := df{xres: cols, yres: rows, xreal: 18e-6, yreal: 10e-6, xoff: 3e-6, yoff: -4e-6, unitXY: "m", unitZ: "m", data: data}
	md := d
	md.unitZ, md.data = "", mask
	raw := file([]comp{
		{"/5/data", 'o', dataField(d)},
		{"/5/mask", 'o', dataField(md)},
		{"/5/data/title", 's', "Height"},
		{"/9/data", 'o', dataField(df{xres: 1, yres: 1, xreal: 1, yreal: 1, unitXY: "m", unitZ: "V", data: []float64{1}})},
		{"/5/data/visible", 'b', byte(1)},
		{"/5/base/range-type", 'i', int32(0)},
		{"/5/meta", 'o', object("GwyContainer", comp{"Operator", 's', "gwy_test"}, comp{"Comment", 's', "cross-check"})},
	}...)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.gwy"), filepath.Join(dir, "out.gwy")
	require.NoError(t, os.WriteFile(in, raw, 0o644))
	cmd := exec.Command(exe, "--no-log-to-file", "--convert-to-gwy="+out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir) // keep Gwyddion's settings out of the real home
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", msg)
	require.Empty(t, strings.TrimSpace(string(msg)), "Gwyddion complained")

	want, err := gwy.Decode(bytes.NewReader(raw), nil)
	require.NoError(t, err)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	got, err := gwy.Decode(f, nil)
	require.NoError(t, err)
	require.Equal(t, want.Rect, got.Rect)
	require.InDelta(t, 3, got.Pitch.X, 1e-12)   // 18 µm / 6
	require.InDelta(t, 2.5, got.Pitch.Y, 1e-12) // 10 µm / 4
	require.InDelta(t, 3, got.Offset.X, 1e-12)
	require.InDelta(t, -4, got.Offset.Y, 1e-12)
	require.Equal(t, cols*rows-3, got.ValidCount())
	decodetest.RequireHeights(t, want.Z, got, 1e-12) // NaN where masked
}
