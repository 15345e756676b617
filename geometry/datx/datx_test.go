package datx

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/geometry"
)

// pixel is a (column, row) position.
type pixel struct{ c, r int }

// fileCase describes a file written by testdata/mkdatx.py: every number
// here is copied from its CASES table.
type fileCase struct {
	name       string
	cols, rows int
	pitch      r2.Vec     // µm: dx, dy of the script (m) × 1e6
	coef       [4]float64 // z = A + B·c + C·r + D·c·r in the file's unit
	float32    bool       // stored as float32
	zScale     float64    // µm per file unit
	invalid    []pixel    // "No Data" pixels
	nan        []pixel    // NaN pixels
}

var cases = []fileCase{
	{
		name: "mx_f32_contig.datx", cols: 40, rows: 30,
		pitch: r2.Vec{X: 2.5, Y: 3.0}, coef: [4]float64{1.5, 0.25, -0.125, 0.001},
		float32: true, zScale: 1, // MicroMeters
		invalid: []pixel{{0, 0}, {39, 29}, {7, 11}}, nan: []pixel{{3, 4}},
	},
	{
		name: "mx_f64_gzip.datx", cols: 50, rows: 37,
		pitch: r2.Vec{X: 0.87, Y: 0.87}, coef: [4]float64{-250.0, 12.5, 7.25, -0.5},
		zScale:  1e-3, // NanoMeters
		invalid: []pixel{{49, 36}, {16, 16}},
	},
	{
		name: "nx_fringes.datx", cols: 24, rows: 20,
		pitch: r2.Vec{X: 5, Y: 5}, coef: [4]float64{0.1, 0.01, -0.02, 0.0005},
		float32: true,
		// Fringes: wavelength 632.8e-9 m × scale factor 0.5 × obliquity 1, in µm.
		zScale:  632.8e-9 * 0.5 * 1 * 1e6,
		invalid: []pixel{{5, 5}},
	},
	{
		// Surface attributes and /Data/Surface links in dense storage.
		name: "mx_dense.datx", cols: 16, rows: 12,
		pitch: r2.Vec{X: 1.25, Y: 1.25}, coef: [4]float64{3.0, -0.5, 0.25, 0.01},
		float32: true, zScale: 1, // MicroMeters
		invalid: []pixel{{15, 0}},
	},
}

// want returns the height in µm that the script stored at (c, r).
func (tc fileCase) want(c, r int) float64 {
	a, b, cc, d := tc.coef[0], tc.coef[1], tc.coef[2], tc.coef[3]
	fc, fr := float64(c), float64(r)
	z := a + b*fc + cc*fr + d*fc*fr
	if tc.float32 {
		z = float64(float32(z))
	}
	return z * tc.zScale
}

// tol is the comparison tolerance in µm: the storage precision (half an
// ulp of float32 or float64 at |z|, doubled for the unit scaling).
func (tc fileCase) tol(z float64) float64 {
	eps := 0x1p-52
	if tc.float32 {
		eps = 0x1p-23
	}
	return math.Abs(z)*eps + 1e-12
}

func testdata(name string) string { return filepath.Join("testdata", name) }

func TestDecode(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Open(testdata(tc.name))
			require.NoError(t, err)
			defer f.Close()
			m, err := Decode(f, nil)
			require.NoError(t, err)
			require.Equal(t, tc.cols, m.Cols())
			require.Equal(t, tc.rows, m.Rows())
			require.Equal(t, tc.cols*tc.rows, len(m.Z))
			require.InDelta(t, tc.pitch.X, m.Pitch.X, 1e-12) // µm, exact up to m→µm rounding
			require.InDelta(t, tc.pitch.Y, m.Pitch.Y, 1e-12)
			bad := map[pixel]bool{}
			for _, p := range append(append([]pixel(nil), tc.invalid...), tc.nan...) {
				bad[p] = true
			}
			for r := 0; r < tc.rows; r++ {
				for c := 0; c < tc.cols; c++ {
					got := m.At(c, r)
					if bad[pixel{c, r}] {
						require.Truef(t, math.IsNaN(got), "(%d,%d) = %g, want NaN", c, r, got)
						continue
					}
					want := tc.want(c, r)
					require.InDeltaf(t, want, got, tc.tol(want), "(%d,%d)", c, r)
				}
			}
			require.Equal(t, tc.cols*tc.rows-len(bad), m.ValidCount())
		})
	}
}

func TestDecodeConfig(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Open(testdata(tc.name))
			require.NoError(t, err)
			defer f.Close()
			c, err := DecodeConfig(f, nil)
			require.NoError(t, err)
			require.Equal(t, "datx", c.Format)
			require.Equal(t, tc.cols, c.Cols)
			require.Equal(t, tc.rows, c.Rows)
			require.InDelta(t, tc.pitch.X, c.Pitch.X, 1e-12)
			require.InDelta(t, tc.pitch.Y, c.Pitch.Y, 1e-12)
		})
	}
}

// TestRegistry reads through geometry.ReadFile, which sniffs the HDF5
// signature, and through a plain io.Reader that is read into memory.
func TestRegistry(t *testing.T) {
	tc := cases[1]
	m, name, err := geometry.ReadFile(testdata(tc.name), nil)
	require.NoError(t, err)
	require.Equal(t, "datx", name)
	require.Equal(t, tc.cols, m.Cols())

	b, err := os.ReadFile(testdata(tc.name))
	require.NoError(t, err)
	m2, name, err := geometry.Decode(struct{ io.Reader }{bytes.NewReader(b)}, nil)
	require.NoError(t, err)
	require.Equal(t, "datx", name)
	require.Equal(t, len(m.Z), len(m2.Z))
	for i := range m.Z {
		if math.IsNaN(m.Z[i]) {
			require.True(t, math.IsNaN(m2.Z[i]))
			continue
		}
		require.Equal(t, m.Z[i], m2.Z[i])
	}

	// A reader positioned after a prefix: offsets are relative to it.
	r := bytes.NewReader(append([]byte("junk"), b...))
	_, err = r.Seek(4, io.SeekStart)
	require.NoError(t, err)
	c, err := DecodeConfig(r, nil)
	require.NoError(t, err)
	require.Equal(t, tc.rows, c.Rows)
}

func TestErrors(t *testing.T) {
	good, err := os.ReadFile(testdata("mx_f32_contig.datx"))
	require.NoError(t, err)
	plain, err := os.ReadFile(testdata("plain.h5"))
	require.NoError(t, err)

	var fe geometry.FormatError
	var ue geometry.UnsupportedError

	_, err = Decode(bytes.NewReader(plain), nil)
	require.ErrorAs(t, err, &fe, "an HDF5 file without a surface")

	_, err = Decode(bytes.NewReader([]byte("not an HDF5 file at all")), nil)
	require.ErrorAs(t, err, &fe)

	_, err = Decode(bytes.NewReader(good), &geometry.Options{Channel: 1})
	require.ErrorAs(t, err, &ue)

	// Truncations: an error, never a panic; past the metadata it is a
	// truncated read.
	for _, n := range []int{0, 8, 64, 500, 2000, len(good) / 2, len(good) - 1} {
		_, err := Decode(bytes.NewReader(good[:n]), nil)
		require.Errorf(t, err, "truncated to %d bytes", n)
	}
	_, err = Decode(bytes.NewReader(good[:len(good)-1]), nil)
	require.True(t, errors.Is(err, io.ErrUnexpectedEOF), "%v", err)
}

func TestOptionsPitchFallback(t *testing.T) {
	// With converters present, opts.Pitch is ignored.
	f, err := os.Open(testdata(cases[0].name))
	require.NoError(t, err)
	defer f.Close()
	c, err := DecodeConfig(f, &geometry.Options{Pitch: r2.Vec{X: 9, Y: 9}})
	require.NoError(t, err)
	require.InDelta(t, cases[0].pitch.X, c.Pitch.X, 1e-12)
}

// TestFillPitch: a pixel size the file lacks is the other axis's, else
// Options.Pitch, else 1 µm; what was assumed without the user's say is a
// warning.
func TestFillPitch(t *testing.T) {
	const (
		noX    = "no X Converter resolution in the file: the Y pixel size, 2.5 µm, assumed for X"
		noY    = "no Y Converter resolution in the file: the X pixel size, 0.87 µm, assumed for Y"
		noSize = "no pixel size in the file (X/Y Converter resolution): 1 µm assumed (set --pitch)"
	)
	set := &geometry.Options{Pitch: r2.Vec{X: 4, Y: 6}}
	for _, tc := range []struct {
		name string
		p    [2]float64 // µm from the file, 0 = none
		opts *geometry.Options
		want r2.Vec
		warn []string
	}{
		{"both given", [2]float64{2.5, 3}, nil, r2.Vec{X: 2.5, Y: 3}, nil},
		{"both given, option ignored", [2]float64{2.5, 3}, set, r2.Vec{X: 2.5, Y: 3}, nil},
		{"no X", [2]float64{0, 2.5}, nil, r2.Vec{X: 2.5, Y: 2.5}, []string{noX}},
		{"no Y", [2]float64{0.87, 0}, set, r2.Vec{X: 0.87, Y: 0.87}, []string{noY}},
		{"none", [2]float64{}, nil, r2.Vec{X: 1, Y: 1}, []string{noSize}},
		{"none, Options.Pitch", [2]float64{}, set, r2.Vec{X: 4, Y: 6}, nil},
		{"none, Options.Pitch infinite", [2]float64{}, &geometry.Options{Pitch: r2.Vec{X: math.Inf(1), Y: 1}}, r2.Vec{X: 1, Y: 1}, []string{noSize}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, warn := fillPitch(tc.p, tc.opts)
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.warn, warn)
		})
	}
}

// TestNoWarnings: the test files give both pixel sizes and a height unit,
// so they read without warnings.
func TestNoWarnings(t *testing.T) {
	for _, tc := range cases {
		b, err := os.ReadFile(testdata(tc.name))
		require.NoError(t, err)
		m, _, err := geometry.Decode(bytes.NewReader(b), &geometry.Options{Strict: true})
		require.NoError(t, err, tc.name)
		require.Empty(t, m.Warnings, tc.name)
	}
}
