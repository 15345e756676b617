package text

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// tol is the tolerance for heights, pitches and offsets, µm: values are
// parsed and scaled in float64 (relative error ~1e-16), far below 1e-9 µm.
const tol = 1e-9

var nan = math.NaN()

// gwyZ is the field testdata/gwyref.c fills (sdf/testdata/README.md):
// z(c, r) = (100r + c − 7)·1e-9 m · (1 if c+r is odd, else −1.5), in µm.
// Gwyddion prints it with %.5g, exactly.
func gwyZ(cols, rows int) []float64 {
	z := make([]float64, 0, cols*rows)
	for r := range rows {
		for c := range cols {
			f := -1.5
			if (c+r)%2 == 1 {
				f = 1
			}
			z = append(z, (100*float64(r)+float64(c)-7)*1e-3*f)
		}
	}
	return z
}

func scaled(z []float64, f float64) []float64 {
	out := make([]float64, len(z))
	for i, v := range z {
		out[i] = v * f
	}
	return out
}

// requireZ compares heights, µm, to tol plus 1e-12 relative: parsed
// decimal values, scaled by a unit.
func requireZ(t *testing.T, want []float64, m *geometry.HeightMap) {
	t.Helper()
	require.Len(t, m.Z, m.Stride*m.Rect.Dy())
	decodetest.RequireHeightsRel(t, want, m, tol, 1e-12)
}

func decodeString(t *testing.T, s string, opts *geometry.Options) *geometry.HeightMap {
	t.Helper()
	m, err := Decode(strings.NewReader(s), opts)
	require.NoError(t, err)
	cfg, err := DecodeConfig(strings.NewReader(s), opts)
	require.NoError(t, err)
	require.Equal(t, m.Cols(), cfg.Cols)
	require.Equal(t, m.Rows(), cfg.Rows)
	require.Equal(t, m.Pitch, cfg.Pitch)
	require.Equal(t, m.Offset, cfg.Offset)
	require.Equal(t, "text", cfg.Format)
	return m
}

// TestDecodeGwyddion reads Gwyddion 2.62 exports; see testdata/README.md.
func TestDecodeGwyddion(t *testing.T) {
	for _, tc := range []struct {
		file       string
		opts       *geometry.Options
		cols, rows int
		pitch      r2.Vec // µm
		offset     r2.Vec // µm
		want       []float64
		warn       []string
	}{
		// "# Width: 4.0 mm" over 4 columns, "# Value units: m".
		{"gwyddion_matrix_mm.txt", nil, 4, 3, r2.Vec{X: 1000, Y: 1000}, r2.Vec{}, gwyZ(4, 3), nil},
		// 12.5 µm × 5 µm exported as "13 µm" × "5 µm" (Gwyddion's rounding).
		{"gwyddion_matrix_um.txt", nil, 5, 2, r2.Vec{X: 13.0 / 5, Y: 2.5}, r2.Vec{}, gwyZ(5, 2), nil},
		// Three columns, but the Width header makes it a matrix.
		{"gwyddion_matrix_nm.txt", nil, 3, 3, r2.Vec{X: 0.1, Y: 0.05}, r2.Vec{}, gwyZ(3, 3), nil},
		// No header: the values are metres, the pitch comes from Options.
		{"gwyddion_matrix_noheader.txt", &geometry.Options{Pitch: r2.Vec{X: 2}, ZUnit: 1e6}, 4, 3, r2.Vec{X: 2, Y: 2}, r2.Vec{}, gwyZ(4, 3), nil},
		{"gwyddion_matrix_noheader.txt", nil, 4, 3, r2.Vec{X: 1, Y: 1}, r2.Vec{}, scaled(gwyZ(4, 3), 1e-6), []string{warnPitch, warnZUnit}},
		// XYZ export: metres in all three columns, pixel centres
		// (0.5e-6 + c·1e-6). x and y are read as µm (no XY unit option).
		{"gwyddion_points.xyz", &geometry.Options{ZUnit: 1e6}, 4, 3, r2.Vec{X: 1e-6, Y: 1e-6}, r2.Vec{X: 5e-7, Y: 5e-7}, gwyZ(4, 3),
			[]string{"no x/y unit in the file: µm assumed (set --xy-unit)"}},
		{"gwyddion_points.xyz", &geometry.Options{ZUnit: 1e6, XYUnit: 1e6}, 4, 3, r2.Vec{X: 1, Y: 1}, r2.Vec{X: 0.5, Y: 0.5}, gwyZ(4, 3), nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			require.NoError(t, err)
			require.True(t, match(b), "sniffed as text")
			m := decodeString(t, string(b), tc.opts)
			require.Equal(t, tc.cols, m.Cols())
			require.Equal(t, tc.rows, m.Rows())
			require.InDelta(t, tc.pitch.X, m.Pitch.X, tol)
			require.InDelta(t, tc.pitch.Y, m.Pitch.Y, tol)
			require.InDelta(t, tc.offset.X, m.Offset.X, tol)
			require.InDelta(t, tc.offset.Y, m.Offset.Y, tol)
			requireZ(t, tc.want, m)
			require.Equal(t, tc.warn, m.Warnings)
		})
	}
}

// TestWarnings: a pitch or unit the file does not give, and the options
// do not set, is assumed with a warning; geometry.Decode under
// Options.Strict refuses exactly those files (geometry.StrictError).
func TestWarnings(t *testing.T) {
	const (
		matrix = "1 2\n3 4\n"
		xyz    = "0 0 1\n2 0 2\n0 3 3\n2 3 4\n" // 2×2 grid, steps 2 and 3
		xyNone = "no x/y unit in the file: µm assumed (set --xy-unit)"
	)
	pitch := &geometry.Options{Pitch: r2.Vec{X: 2, Y: 2}}
	for _, tc := range []struct {
		name string
		in   string
		opts *geometry.Options
		warn []string // exact, in order
	}{
		{"matrix, nothing said", matrix, nil, []string{warnPitch, warnZUnit}},
		{"matrix, Options.Pitch", matrix, pitch, []string{warnZUnit}},
		{"matrix, Options.Pitch and ZUnit", matrix, &geometry.Options{Pitch: r2.Vec{X: 2}, ZUnit: 1e-3}, nil},
		{"matrix, Options.ZUnit", matrix, &geometry.Options{ZUnit: 1}, []string{warnPitch}}, // 1 µm, said by the user
		{"matrix, header", "# Width: 2 mm\n# Height: 1 mm\n# Value units: nm\n" + matrix, nil, nil},
		{"matrix, Width only", "# Width: 8 nm\n# Value units: nm\n" + matrix, nil,
			[]string{"header gives a Width but no Height: square pixels assumed (0.004 µm)"}},
		{"matrix, Height only", "#HEIGHT: 4 um\n" + matrix, pitch,
			[]string{"header gives a Height but no Width: square pixels assumed (2 µm)", warnZUnit}},
		{"matrix, empty Value units", "# Width: 2 um\n# Height: 2 um\n# Value units:\n" + matrix, nil, []string{warnZUnit}},
		{"xyz, nothing said", xyz, nil, []string{xyNone, warnZUnit}},
		{"xyz, Options.XYUnit and ZUnit", xyz, &geometry.Options{XYUnit: 1, ZUnit: 1}, nil},
		{"xyz, header names", "x y z\n" + xyz, &geometry.Options{ZUnit: 1e-3}, []string{xyNone}},
		{"xyz, header units", "x [mm] y [mm] z [nm]\n" + xyz, nil, nil},
		{"xyz, header x unit only", "x [mm] y z [nm]\n" + xyz, nil, []string{"no y unit in the file: µm assumed (set --xy-unit)"}},
		{"xyz, header y unit only", "x y (um) z (um)\n" + xyz, nil, []string{"no x unit in the file: µm assumed (set --xy-unit)"}},
		{"xyz, header z unit only", "x y z [um]\n" + xyz, &geometry.Options{XYUnit: 1e3}, nil},
		{"xyz, one point", "x [um] y [um] z [um]\n5 6 7\n", nil, []string{warnPitch}},
		{"xyz, one point, Options.Pitch", "x [um] y [um] z [um]\n5 6 7\n", pitch, nil},
		{"xyz, one column", "x [um] y [um] z [um]\n5 0 1\n5 2 2\n5 4 3\n", pitch,
			[]string{"the points lie in one column: the x pitch taken equal to the y step (2 µm)"}},
		{"xyz, one row", "x [um] y [um] z [um]\n0 1 1\n0.5 1 2\n", nil,
			[]string{"the points lie in one row: the y pitch taken equal to the x step (0.5 µm)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := decodeString(t, tc.in, tc.opts)
			require.Equal(t, tc.warn, m.Warnings)

			var opts geometry.Options
			if tc.opts != nil {
				opts = *tc.opts
			}
			opts.Strict = true
			g, name, err := geometry.Decode(strings.NewReader(tc.in), &opts)
			require.Equal(t, "text", name)
			if tc.warn == nil {
				require.NoError(t, err)
				require.Equal(t, m.Z, g.Z)
				return
			}
			require.Nil(t, g)
			var se geometry.StrictError
			require.ErrorAs(t, err, &se)
			require.Equal(t, geometry.StrictError(tc.warn), se)
		})
	}
}

func TestDecodeMatrix(t *testing.T) {
	// Two columns, three rows (a three-column block would be a point list).
	want := []float64{1, 2.5, -3, 4e-3, nan, 6}
	for _, tc := range []struct {
		name string
		in   string
		opts *geometry.Options
		want []float64
	}{
		{"spaces", "1 2.5\n-3 4e-3\nNaN 6\n", nil, want},
		{"tabs-crlf", "1\t2.5\r\n-3\t4e-3\r\nnan\t6\r\n", nil, want},
		{"cr-only", "1 2.5\r-3 4e-3\r-nan 6\r", nil, want},
		{"no-final-newline", "1 2.5\n-3 4e-3\nNAN 6", nil, want},
		{"bom", "\xEF\xBB\xBF1 2.5\n-3 4e-3\n- 6\n", nil, want},
		{"comma", "1,2.5\n-3,4e-3\n,6\n", nil, want},
		{"comma-space", "1, 2.5,\n-3, 4e-3,\nBAD, 6,\n", nil, want},
		{"semicolon", "1;2.5\n-3;4e-3\n;6\n", nil, want},
		{"comments", "# exported\n# by hand\n1 2.5\n-3 4e-3\nnan 6\n\n\n", nil, want},
		{"leading-blank", "\n\n  1 2.5\n  -3 4e-3\n  nan 6\n", nil, want},
		{"inf-is-invalid", "1 2.5\n-3 4e-3\n-inf 6\n", nil, want},
		{"overflow-is-invalid", "1 2.5\n-3 4e-3\n1e999 6\n", nil, want},
		{"zunit", "1 2.5\n-3 4e-3\nnan 6\n", &geometry.Options{ZUnit: 1e-3}, scaled(want, 1e-3)},
		{"value-units-nm", "# Value units: nm\n1 2.5\n-3 4e-3\nnan 6\n", &geometry.Options{ZUnit: 7}, scaled(want, 1e-3)},
		{"empty-value-units", "# Value units:\n1 2.5\n-3 4e-3\nnan 6\n", nil, want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := decodeString(t, tc.in, tc.opts)
			require.Equal(t, 2, m.Cols())
			require.Equal(t, 3, m.Rows())
			require.Equal(t, r2.Vec{X: 1, Y: 1}, m.Pitch)
			require.Equal(t, r2.Vec{}, m.Offset)
			requireZ(t, tc.want, m)
		})
	}
}

func TestDecodeMatrixPitch(t *testing.T) {
	const in = "1 2 3 4\n5 6 7 8\n"
	for _, tc := range []struct {
		name   string
		header string
		opts   *geometry.Options
		want   r2.Vec
	}{
		{"default", "", nil, r2.Vec{X: 1, Y: 1}},
		{"options", "", &geometry.Options{Pitch: r2.Vec{X: 0.5, Y: 0.25}}, r2.Vec{X: 0.5, Y: 0.25}},
		{"options-y-only", "", &geometry.Options{Pitch: r2.Vec{Y: 3}}, r2.Vec{X: 3, Y: 3}},
		{"width-height", "# Width: 2 mm\n# Height: 1 mm\n", &geometry.Options{Pitch: r2.Vec{X: 9, Y: 9}}, r2.Vec{X: 500, Y: 500}},
		{"width-only", "# width: 8 nm\n", nil, r2.Vec{X: 2e-3, Y: 2e-3}},
		{"height-only", "#HEIGHT: 4 um\n", nil, r2.Vec{X: 2, Y: 2}},
		{"greek-mu", "# Width: 4 \u03bcm\n# Height: 1 \u00c5\n", nil, r2.Vec{X: 1, Y: 0.5e-4}},
		{"metres", "# Width: 0.004 m\n# Height: 0.3 cm\n", nil, r2.Vec{X: 1000, Y: 1500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := decodeString(t, tc.header+in, tc.opts)
			require.InDelta(t, tc.want.X, m.Pitch.X, tol)
			require.InDelta(t, tc.want.Y, m.Pitch.Y, tol)
		})
	}
}

func TestDecodeBlocks(t *testing.T) {
	// Gwyddion's "concatenate exports of all images": one block per
	// channel, each with its own header, separated by a blank line.
	const in = "# Channel: Height\n# Width: 2 µm\n# Height: 1 µm\n# Value units: m\n1e-6 2e-6\n\n" +
		"# Channel: Other\n# Width: 3 µm\n# Height: 2 µm\n# Value units: nm\n1 2 3\n4 5 6\n\n" +
		"7 8\n"
	for _, tc := range []struct {
		channel int
		cols    int
		rows    int
		pitch   r2.Vec
		want    []float64
	}{
		{0, 2, 1, r2.Vec{X: 1, Y: 1}, []float64{1, 2}},
		{1, 3, 2, r2.Vec{X: 1, Y: 1}, []float64{1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3}},
		// A block without its own header gets none of the previous one's.
		{2, 2, 1, r2.Vec{X: 1, Y: 1}, []float64{7, 8}},
	} {
		m := decodeString(t, in, &geometry.Options{Channel: tc.channel})
		require.Equal(t, tc.cols, m.Cols())
		require.Equal(t, tc.rows, m.Rows())
		require.Equal(t, tc.pitch, m.Pitch)
		requireZ(t, tc.want, m)
	}
	_, err := Decode(strings.NewReader(in), &geometry.Options{Channel: 3})
	require.ErrorContains(t, err, "3 blocks")
	// Decoding stops at the end of the wanted block.
	m := decodeString(t, "1 2\n3 4\n\nnot numbers at all\n", nil)
	require.Equal(t, 2, m.Rows())
}

// xyzGrid returns the points of a 4×3 grid, x0 = -1, y0 = 2, steps 0.5 and
// 0.25, z = 10·row + col, in row-major order.
func xyzGrid() [][3]float64 {
	var p [][3]float64
	for r := range 3 {
		for c := range 4 {
			p = append(p, [3]float64{-1 + 0.5*float64(c), 2 + 0.25*float64(r), 10*float64(r) + float64(c)})
		}
	}
	return p
}

func xyzText(p [][3]float64, sep string) string {
	var sb strings.Builder
	for _, q := range p {
		sb.WriteString(strings.Join([]string{fmtG(q[0]), fmtG(q[1]), fmtG(q[2])}, sep))
		sb.WriteString("\n")
	}
	return sb.String()
}

func fmtG(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func TestDecodeXYZ(t *testing.T) {
	gridZ := []float64{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}
	rowMajor := xyzGrid()
	colMajor := make([][3]float64, 0, 12)
	for c := range 4 {
		for r := range 3 {
			colMajor = append(colMajor, rowMajor[4*r+c])
		}
	}
	shuffled := append([][3]float64(nil), rowMajor...)
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	missing := append(append([][3]float64(nil), rowMajor[:5]...), rowMajor[6:]...) // node (1, 1)
	missingZ := append([]float64(nil), gridZ...)
	missingZ[5] = nan
	jitter := append([][3]float64(nil), rowMajor...)
	for i := range jitter {
		jitter[i][0] += 1e-6 * float64(i%3-1) // print rounding, 2e-6 of a 0.5 step
	}
	gnuplot := xyzText(rowMajor[:4], " ") + "\n" + xyzText(rowMajor[4:8], " ") + "\n" + xyzText(rowMajor[8:], " ")

	for _, tc := range []struct {
		name   string
		in     string
		opts   *geometry.Options
		pitch  r2.Vec
		offset r2.Vec
		want   []float64
	}{
		{"row-major", xyzText(rowMajor, " "), nil, r2.Vec{X: 0.5, Y: 0.25}, r2.Vec{X: -1, Y: 2}, gridZ},
		{"column-major", xyzText(colMajor, "\t"), nil, r2.Vec{X: 0.5, Y: 0.25}, r2.Vec{X: -1, Y: 2}, gridZ},
		{"shuffled-csv", xyzText(shuffled, ","), nil, r2.Vec{X: 0.5, Y: 0.25}, r2.Vec{X: -1, Y: 2}, gridZ},
		{"missing", xyzText(missing, ";"), nil, r2.Vec{X: 0.5, Y: 0.25}, r2.Vec{X: -1, Y: 2}, missingZ},
		{"jitter", xyzText(jitter, " "), nil, r2.Vec{X: 0.5, Y: 0.25}, r2.Vec{X: -1, Y: 2}, gridZ},
		{"gnuplot-blank-lines", "# x y z\n" + gnuplot, nil, r2.Vec{X: 0.5, Y: 0.25}, r2.Vec{X: -1, Y: 2}, gridZ},
		{"header", "x y z\n" + xyzText(rowMajor, " "), nil, r2.Vec{X: 0.5, Y: 0.25}, r2.Vec{X: -1, Y: 2}, gridZ},
		{"header-units-spaced", "x [mm]\ty [mm]\tz [\u00b5m]\n" + xyzText(rowMajor, "\t"), nil, r2.Vec{X: 500, Y: 250}, r2.Vec{X: -1000, Y: 2000}, gridZ},
		{"header-units", "X [mm],Y [mm],Z (nm)\n" + xyzText(rowMajor, ","), &geometry.Options{ZUnit: 5}, r2.Vec{X: 500, Y: 250}, r2.Vec{X: -1000, Y: 2000}, scaled(gridZ, 1e-3)},
		{"zunit", xyzText(rowMajor, " "), &geometry.Options{ZUnit: 1e-3}, r2.Vec{X: 0.5, Y: 0.25}, r2.Vec{X: -1, Y: 2}, scaled(gridZ, 1e-3)},
		{"nan-z", "0 0 1\n1 0 nan\n", nil, r2.Vec{X: 1, Y: 1}, r2.Vec{}, []float64{1, nan}},
		{"one-column", "5 0 1\n5 2 2\n5 4 3\n", nil, r2.Vec{X: 2, Y: 2}, r2.Vec{X: 5}, []float64{1, 2, 3}},
		{"one-point", "5 6 7\n", &geometry.Options{Pitch: r2.Vec{X: 3, Y: 4}}, r2.Vec{X: 3, Y: 4}, r2.Vec{X: 5, Y: 6}, []float64{7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := decodeString(t, tc.in, tc.opts)
			require.InDelta(t, tc.pitch.X, m.Pitch.X, tol)
			require.InDelta(t, tc.pitch.Y, m.Pitch.Y, tol)
			require.InDelta(t, tc.offset.X, m.Offset.X, tol)
			require.InDelta(t, tc.offset.Y, m.Offset.Y, tol)
			requireZ(t, tc.want, m)
		})
	}
}

func TestMatch(t *testing.T) {
	long := strings.Repeat("1.2345678 ", 1000) // one 10 kB line, cut by the sniffer
	for _, tc := range []struct {
		name string
		head string
		want bool
	}{
		{"matrix", "1 2 3\n4 5 6\n", true},
		{"csv", "1,2,3\r\n4,5,6\r\n", true},
		{"gwyddion-header", "# Channel: Höhe\n# Width: 4 µm\n1e-9\t2e-9\n", true},
		{"xyz-header", "x [µm]\ty [µm]\tz [nm]\n1 2 3\n", true},
		{"xyz-header-only", "x y z\n", false},
		{"xyz-header-ascii", "X(um),Y(um),Z(nm)\n0,0,1\n", true},
		{"long-line-cut", long[:geometry.SniffLen], true},
		{"nan-only", "nan nan\n", false},
		{"one-number", "42", true},
		{"comments-only", "# nothing\n# here\n", false},
		{"empty", "", false},
		{"words", "Hello world\n1 2 3\n", false},
		{"two-headers", "x y z\nx y z\n1 2 3\n", false},
		{"sdf-ascii", "aISO-1.0\nManufacID = x\n", false},
		{"binary-nul", "1 2\x00 3\n", false},
		{"binary-high", "1 2 \xb5\n", false},
		{"png", "\x89PNG\r\n\x1a\n", false},
		{"control", "1 2\x1b3\n", false},
		{"decimal-comma", "1,5;2,5\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, match([]byte(tc.head)))
		})
	}
	// Random bytes never match (seeded; 8 of 256 byte values are allowed
	// controls, so a run of printable bytes is vanishingly rare).
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		b := make([]byte, 64)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		require.False(t, match(b))
	}
}

func TestRegistry(t *testing.T) {
	m, name, err := geometry.Decode(strings.NewReader("1 2\n3 4\n"), nil)
	require.NoError(t, err)
	require.Equal(t, "text", name)
	require.Equal(t, 2, m.Cols())
}

func TestDecodeErrors(t *testing.T) {
	var (
		errFormat      geometry.FormatError
		errUnsupported geometry.UnsupportedError
	)
	volt, err := os.ReadFile(filepath.Join("testdata", "gwyddion_matrix_volt.txt"))
	require.NoError(t, err)
	grid := xyzText(xyzGrid(), " ")
	for _, tc := range []struct {
		name string
		in   string
		opts *geometry.Options
		is   error
		as   any
		msg  string
	}{
		{"empty", "", nil, nil, &errFormat, "no data lines"},
		{"comments-only", "# a\n\n# b\n", nil, nil, &errFormat, "no data lines"},
		{"ragged", "1 2 3 4\n5 6 7\n", nil, nil, &errFormat, "line 2 has 3 values"},
		{"not-a-number", "1 2 3 4\n5 6 x 8\n", nil, nil, &errFormat, `line 2, value 3: "x"`},
		{"decimal-comma", "1,5;2,5;3,5;4,5\n", nil, nil, &errFormat, "is not a number"},
		{"word-header", "a b c d\n1 2 3 4\n", nil, nil, &errFormat, "is not a number"},
		{"volt", string(volt), nil, nil, &errUnsupported, "not a length"},
		{"width-unit", "# Width: 3 px\n1 2 3 4\n", nil, nil, &errUnsupported, "not a length"},
		{"width-number", "# Width: wide\n1 2 3 4\n", nil, nil, &errFormat, "not a positive length"},
		{"width-zero", "# Width: 0 mm\n1 2 3 4\n", nil, nil, &errFormat, "not a positive length"},
		{"long-line", strings.Repeat("1 ", maxLineLen/2+10), nil, nil, &errFormat, "longer than"},
		{"xyz-irregular", "0 0 1\n1 0 1\n2.5 0 1\n", nil, nil, &errFormat, "not on a regular grid"},
		{"xyz-random", randomPoints(), nil, nil, &errFormat, "not on a regular grid"},
		{"xyz-duplicate", grid + "-1 2 5\n", nil, nil, &errFormat, "grid node (0, 0)"},
		{"xyz-four-columns", "x y z\n1 2 3 4\n", nil, nil, &errFormat, "has 4 values"},
		{"xyz-nan-x", "x y z\n0 0 1\nnan 1 2\n", nil, nil, &errFormat, "not a coordinate"}, // the header says x, y, z
		{"xyz-bad-unit", "x[V] y z\n0 0 1\n", nil, nil, &errUnsupported, "not a length"},
		{"xyz-too-large", sparseCross(), nil, geometry.ErrTooLarge, nil, "20001×20001"},
		{"xyz-sparse", "0 0 1\n1 0 1\n0 1 1\n1000 0 1\n0 1000 1\n", nil, nil, &errFormat, "cover under 1/100"},
		{"xyz-channel", grid, &geometry.Options{Channel: 1}, nil, nil, "point list holds one map"},
		{"header-only", "x y z\n", nil, nil, &errFormat, "no points"},
		{"bad-pitch", "1 2\n", &geometry.Options{Pitch: r2.Vec{X: -1}}, nil, nil, "Options.Pitch"},
		{"bad-zunit", "1 2\n", &geometry.Options{ZUnit: math.Inf(1)}, nil, nil, "Options.ZUnit"},
		{"bad-channel", "1 2\n", &geometry.Options{Channel: -1}, nil, nil, "negative"},
		{"reader-error", "", nil, io.ErrClosedPipe, nil, "reading line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r io.Reader = strings.NewReader(tc.in)
			if tc.is == io.ErrClosedPipe {
				r = errReader{}
			}
			_, err := Decode(r, tc.opts)
			decodetest.RequireError(t, err, "text", tc.is, tc.as)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}

// sparseCross returns points along x = 0 and y = 0 at 0, 1, 1000, 2000,
// …, 20000: a regular grid of step 1 with 20001×20001 nodes.
func sparseCross() string {
	var sb strings.Builder
	for _, v := range []int{0, 1, 1000, 2000, 5000, 10000, 15000, 20000} {
		sb.WriteString(strconv.Itoa(v) + " 0 1\n")
		if v > 0 {
			sb.WriteString("0 " + strconv.Itoa(v) + " 1\n")
		}
	}
	return sb.String()
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

// randomPoints returns 200 points scattered uniformly over a square.
func randomPoints() string {
	rng := rand.New(rand.NewPCG(3, 4))
	var p [][3]float64
	for range 200 {
		p = append(p, [3]float64{rng.Float64() * 100, rng.Float64() * 100, rng.Float64()})
	}
	return xyzText(p, " ")
}

func BenchmarkDecodeMatrix(b *testing.B) {
	// 1000×1000 heights printed with %g, as Gwyddion writes them.
	var buf bytes.Buffer
	for r := range 1000 {
		for c := range 1000 {
			if c > 0 {
				buf.WriteByte('\t')
			}
			buf.WriteString(strconv.FormatFloat(float64(r*c)*1.234e-9, 'g', 5, 64))
		}
		buf.WriteByte('\n')
	}
	decodetest.Benchmark(b, buf.Bytes(), Decode, 1000*1000)
}

// TestXYUnit: coordinates in metres, as Gwyddion's XYZ export writes them,
// read with Options.XYUnit = 1e6 µm per unit; pitch 2 µm by construction.
func TestXYUnit(t *testing.T) {
	in := "0 0 1\n2e-6 0 2\n0 2e-6 3\n2e-6 2e-6 4\n"
	m, err := Decode(strings.NewReader(in), &geometry.Options{XYUnit: 1e6})
	require.NoError(t, err)
	require.InDelta(t, 2, m.Pitch.X, 1e-9)
	require.InDelta(t, 2, m.Pitch.Y, 1e-9)
	require.Equal(t, 4.0, m.At(1, 1))
	_, err = Decode(strings.NewReader(in), &geometry.Options{XYUnit: -1})
	require.Error(t, err)
}

// TestAbsurdPitch: a point list spanning 1e308 µm is refused, not turned
// into a map whose coordinates overflow (found by fuzzing).
func TestAbsurdPitch(t *testing.T) {
	_, err := Decode(strings.NewReader("0 0 0\n1"+strings.Repeat("0", 300)+" 0 0\n"), nil)
	var fe geometry.FormatError
	require.ErrorAs(t, err, &fe)
}

// TestThreeColumnMatrix: three numbers a line are a height matrix three
// pixels wide when the first two cannot be x and y on a grid and the three
// columns look alike (issue #11: such matrices were read as point lists),
// and stay a point list when they are a grid.
func TestThreeColumnMatrix(t *testing.T) {
	for _, tc := range []struct {
		name       string
		in         string
		cols, rows int
		matrix     bool
	}{
		{"heights", "1.21 1.25 1.22\n1.24 1.20 1.23\n1.26 1.22 1.27\n1.23 1.28 1.21\n", 3, 4, true},
		{"invalid in the first column", "0.5 0.4 0.6\nnan 0.45 0.55\n", 3, 2, true},
		{"a 2×2 grid of points", "0 0 1.5\n1 0 1.6\n0 1 1.7\n1 1 1.8\n", 2, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(strings.NewReader(tc.in), nil)
			require.NoError(t, err)
			require.Equal(t, tc.cols, m.Rect.Dx())
			require.Equal(t, tc.rows, m.Rect.Dy())
			found := false
			for _, w := range m.Warnings {
				found = found || strings.Contains(w, "height matrix 3 pixels wide")
			}
			require.Equal(t, tc.matrix, found, "warnings %q", m.Warnings)
			if tc.matrix {
				require.InDelta(t, firstValue(tc.in), m.At(0, 0), 1e-12) // the file's first value, µm
			}
		})
	}
}

func firstValue(s string) float64 {
	v, _ := strconv.ParseFloat(strings.Fields(s)[0], 64)
	return v
}
