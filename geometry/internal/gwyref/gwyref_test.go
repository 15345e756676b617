package gwyref

import (
	"encoding/binary"
	"math"
	"runtime"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// The helpers below serialise GWY objects as the Gwyddion user guide
// describes them ("GWY file format"), independently of the parser.

type comp struct {
	name string
	typ  byte
	val  []byte // serialised value
}

func obj(typ string, comps ...comp) []byte {
	var body []byte
	for _, c := range comps {
		body = append(body, c.name...)
		body = append(body, 0, c.typ)
		body = append(body, c.val...)
	}
	b := append([]byte(typ), 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(body)))
	return append(b, body...)
}

func i32(name string, v int32) comp {
	return comp{name, 'i', binary.LittleEndian.AppendUint32(nil, uint32(v))}
}

func f64(name string, v float64) comp {
	return comp{name, 'd', binary.LittleEndian.AppendUint64(nil, math.Float64bits(v))}
}

func str(name, s string) comp { return comp{name, 's', append([]byte(s), 0)} }

func sub(name string, o []byte) comp { return comp{name, 'o', o} }

func array(name string, typ byte, n int, elems []byte) comp {
	return comp{name, typ, append(binary.LittleEndian.AppendUint32(nil, uint32(n)), elems...)}
}

func f64s(name string, v ...float64) comp {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return array(name, 'D', len(v), b)
}

func unit(name, u string) comp { return sub(name, obj("GwySIUnit", str("unitstr", u))) }

func field(xres, yres int, xreal, yreal float64, data ...float64) []byte {
	return obj("GwyDataField", i32("xres", int32(xres)), i32("yres", int32(yres)),
		f64("xreal", xreal), f64("yreal", yreal), f64("xoff", 1e-6), f64("yoff", -2e-6),
		unit("si_unit_xy", "m"), unit("si_unit_z", "m"), f64s("data", data...))
}

// sample is a container with a 3×2 channel, its mask and one component of
// every other type the parser must walk over.
func sample() []byte {
	return append([]byte("GWYP"), obj("GwyContainer",
		comp{"/0/data/visible", 'b', []byte{1}},
		comp{"/0/base/palette-char", 'c', []byte{'x'}},
		comp{"/0/meta/q", 'q', binary.LittleEndian.AppendUint64(nil, 1<<40)},
		str("/0/data/title", "Height"),
		sub("/0/data", field(3, 2, 3e-6, 2e-6, 1e-9, -2e-9, 3.0000004e-9, 4e-9, 5e-9, 6e-9)),
		array("/0/bytes", 'C', 3, []byte{7, 8, 9}),
		array("/0/ints", 'I', 2, make([]byte, 8)),
		array("/0/longs", 'Q', 1, make([]byte, 8)),
		array("/0/strings", 'S', 2, []byte("a\x00bc\x00")),
		array("/0/objects", 'O', 1, obj("GwySIUnit", str("unitstr", "V"))),
		sub("/0/mask", field(3, 2, 3e-6, 2e-6, 0, 1, 0, 0, 0, 1)),
	)...)
}

func TestChannel(t *testing.T) {
	data, mask, err := channel(sample())
	require.NoError(t, err)
	require.Equal(t, &Field{XRes: 3, YRes: 2, XReal: 3e-6, YReal: 2e-6, XOff: 1e-6, YOff: -2e-6,
		UnitXY: "m", UnitZ: "m", Data: []float64{1e-9, -2e-9, 3.0000004e-9, 4e-9, 5e-9, 6e-9}}, data)
	require.Equal(t, []float64{0, 1, 0, 0, 0, 1}, mask.Data)

	root, err := parse(sample())
	require.NoError(t, err)
	require.Equal(t, 1, root.Items["/0/data/visible"])
	require.Equal(t, int('x'), root.Items["/0/base/palette-char"])
	q := int64(1) << 40
	require.Equal(t, int(q), root.Items["/0/meta/q"]) // as parse converts it (truncated where int is 32 bits)
	require.Equal(t, []byte{7, 8, 9}, root.Items["/0/bytes"])

	g := GoldenFrom(data, mask)
	require.Equal(t, 3, g.XRes)
	require.Equal(t, 2, g.YRes)
	require.Equal(t, "m", g.UnitZ)
	require.Len(t, g.ZNm, 6)
	require.Nil(t, g.ZNm[1])
	require.Nil(t, g.ZNm[5])
	require.Equal(t, 1.0, *g.ZNm[0])                      // 1e-9 m
	require.Equal(t, 3.0, *g.ZNm[2])                      // 3.0000004 nm rounded to 1e-6 nm
	require.Equal(t, 4.0, *g.ZNm[3])                      // 4e-9 m
	require.Equal(t, -2.0, *GoldenFrom(data, nil).ZNm[1]) // no mask: every value kept
}

func TestChannelErrors(t *testing.T) {
	good := sample()
	for n := range len(good) {
		_, _, err := channel(good[:n])
		require.Errorf(t, err, "truncated to %d bytes", n)
	}
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"no magic", append([]byte("GWYQ"), good[4:]...)},
		{"unknown component type", append([]byte("GWYP"), obj("GwyContainer", comp{"x", 'z', nil})...)},
		{"size past the end", append([]byte("GWYP"), obj("GwyContainer", array("a", 'D', 1<<30, nil))...)},
		{"no channel", append([]byte("GWYP"), obj("GwyContainer", str("x", "y"))...)},
		{"data of the wrong length", append([]byte("GWYP"), obj("GwyContainer", sub("/0/data", field(2, 2, 1, 1, 1)))...)},
		{"mask of another size", append([]byte("GWYP"), obj("GwyContainer", sub("/0/data", field(1, 1, 1, 1, 1)),
			sub("/0/mask", field(1, 2, 1, 1, 0, 0)))...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := channel(tc.in)
			require.ErrorIs(t, err, errGWY)
		})
	}
}

// recorder is a testing.TB that records a failure instead of failing the
// test, so that Compare's failures can be tested.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) FailNow()              { r.failed = true; runtime.Goexit() }

// fails reports whether Compare fails on these arguments.
func fails(t *testing.T, g Golden, m *geometry.HeightMap, o Options) bool {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Compare(r, g, m, 1e-6, o)
	}()
	<-done
	return r.failed
}

func TestCompare(t *testing.T) {
	// A 2×2 map, µm, with its lower-right pixel invalid, and Gwyddion's
	// readings of it in nm: top-down with the pixel masked, bottom-up, and
	// top-down with the pixel unmasked (as Gwyddion reads SUR files).
	m := geometry.New(2, 2, r2.Vec{X: 0.5, Y: 0.25})
	m.Z = []float64{0.001, 0.002, 0.003, math.NaN()}
	v := func(x float64) *float64 { return &x }
	g := Golden{XRes: 2, YRes: 2, XRealM: 1e-6, YRealM: 0.5e-6, UnitZ: "m"}
	topDown, bottomUp := g, g
	topDown.ZNm = []*float64{v(1), v(2), v(3), nil}
	bottomUp.ZNm = []*float64{v(3), nil, v(1), v(2)}
	unmasked := g
	unmasked.ZNm = []*float64{v(1), v(2), v(3), v(-7)}
	unitless := topDown
	unitless.UnitZ = ""
	nonMeasured := func(c, r int) bool { return c == 1 && r == 1 }
	flip := Options{BottomUp: true}
	sur := Options{NonMeasured: nonMeasured}
	for _, tc := range []struct {
		name  string
		g     Golden
		o     Options
		fails bool
	}{
		{"top-down", topDown, Options{}, false},
		{"bottom-up", bottomUp, flip, false},
		{"bottom-up read top-down", bottomUp, Options{}, true},
		{"top-down read bottom-up", topDown, flip, true},
		{"non-measured, unmasked", unmasked, sur, false},
		{"non-measured ignored", unmasked, Options{}, true},
		{"masked but measured", topDown, Options{NonMeasured: func(int, int) bool { return false }}, true},
		{"no unit, expected", unitless, Options{NoUnitZ: true}, false},
		{"no unit, unexpected", unitless, Options{}, true},
		{"unit m, none expected", topDown, Options{NoUnitZ: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.fails, fails(t, tc.g, m, tc.o))
		})
	}
	// Size, unit and pitch are checked too.
	for _, change := range []func(*Golden){
		func(g *Golden) { g.XRes, g.YRes = 4, 1 },
		func(g *Golden) { g.UnitZ = "V" },
		func(g *Golden) { g.XRealM *= 1 + 1e-6 },
		func(g *Golden) { g.ZNm = g.ZNm[:3] },
	} {
		g := topDown
		change(&g)
		require.True(t, fails(t, g, m, Options{}))
	}
}
