package gsf_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
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
	"github.com/mtgeo/mtgeo/geometry/gsf"
	"github.com/mtgeo/mtgeo/geometry/gwy"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/mtgeo/mtgeo/geometry/internal/gwyref"
)

// buildGSF returns a GSF file with the given header lines (after the magic
// line) and float32 values, NUL-padded as the specification says.
func buildGSF(lines []string, vals []float32) []byte {
	var b bytes.Buffer
	b.WriteString(gsf.Magic)
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.Write(make([]byte, 4-b.Len()%4))
	for _, v := range vals {
		_ = binary.Write(&b, binary.LittleEndian, v)
	}
	return b.Bytes()
}

// ramp returns n values 0, 1, 2, ...
func ramp(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i)
	}
	return v
}

// gwyddionZ is the height, µm, that testdata/mkgsf.c writes at (c, r).
func gwyddionZ(c, r int) float64 {
	return 0.5 + 0.02*float64(c) - 0.03*float64(r) + 0.1*math.Sin(float64(c)/5)*math.Cos(float64(r)/7)
}

// TestGwyddionFile reads a file written by Gwyddion 2.62's GSF exporter
// (testdata/README.md) and compares it with the values mkgsf.c set.
func TestGwyddionFile(t *testing.T) {
	raw, err := os.ReadFile("testdata/gwyddion-64x48.gsf")
	require.NoError(t, err)
	for name, r := range decodetest.Readers(raw) {
		t.Run(name, func(t *testing.T) {
			m, err := gsf.Decode(r(), nil)
			require.NoError(t, err)
			require.Equal(t, 64, m.Cols())
			require.Equal(t, 48, m.Rows())
			// mkgsf.c: xreal 320e-6 m / 64, yreal 360e-6 m / 48, offset (-100e-6, 50e-6) m.
			require.InDelta(t, 5, m.Pitch.X, 1e-12)
			require.InDelta(t, 7.5, m.Pitch.Y, 1e-12)
			require.InDelta(t, -100, m.Offset.X, 1e-12)
			require.InDelta(t, 50, m.Offset.Y, 1e-12)
			require.Len(t, m.Z, m.Stride*m.Rows())
			// Gwyddion's GSF exporter ignores the mask mkgsf.c sets: all valid.
			require.Equal(t, 64*48, m.ValidCount())
			for r := 0; r < 48; r++ {
				for c := 0; c < 64; c++ {
					// float32 storage: |z| < 2 µm, so rounding < 2·2⁻²⁴ µm ≈ 1.2e-7 µm.
					require.InDelta(t, gwyddionZ(c, r), m.At(c, r), 2e-7, "pixel (%d, %d)", c, r)
				}
			}

			cfg, err := gsf.DecodeConfig(r(), nil)
			require.NoError(t, err)
			require.Equal(t, geometry.Config{Format: "gsf", Cols: 64, Rows: 48, Pitch: m.Pitch, Offset: m.Offset}, cfg)
		})
	}
}

func TestRegistered(t *testing.T) {
	// Gwyddion writes XReal, YReal, XYUnits and ZUnits: nothing assumed,
	// so Strict reads it.
	m, name, err := geometry.ReadFile("testdata/gwyddion-64x48.gsf", &geometry.Options{Strict: true})
	require.NoError(t, err)
	require.Equal(t, "gsf", name)
	require.Equal(t, 64*48, m.ValidCount())
	require.Empty(t, m.Warnings)

	raw, err := os.ReadFile("testdata/gwyddion-64x48.gsf")
	require.NoError(t, err)
	cfg, err := geometry.DecodeConfig(decodetest.StreamOnly{Reader: bytes.NewReader(raw)}, nil)
	require.NoError(t, err)
	require.Equal(t, "gsf", cfg.Format)
	require.Equal(t, 64, cfg.Cols)
}

// Warnings for what a header does not say (package documentation).
const (
	warnXReal   = "no XReal in the header: a pixel pitch of 1 µm assumed along x (set --pitch)"
	warnYReal   = "no YReal in the header: a pixel pitch of 1 µm assumed along y (set --pitch)"
	warnXYUnits = "no XYUnits in the header: XReal, YReal and the offsets read as µm (set --xy-unit)"
	warnZUnits  = "no ZUnits in the header: heights read as µm (set --z-unit)"
)

func TestDecode(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	for _, tc := range []struct {
		name    string
		lines   []string
		vals    []float32
		opts    *geometry.Options
		pitch   r2.Vec    // µm
		offset  r2.Vec    // µm
		z       []float64 // µm
		trailer int       // extra bytes after the data
		warn    []string  // exact, in order
	}{
		{
			name:  "metres",
			lines: []string{"XRes = 3", "YRes = 2", "XReal = 3e-6", "YReal = 4e-6", "XOffset = 1e-3", "YOffset = -2e-6", "XYUnits = m", "ZUnits = m"},
			vals:  []float32{1e-6, 2e-6, 0, -1e-6, 5e-7, 0},
			pitch: r2.Vec{X: 1, Y: 2}, offset: r2.Vec{X: 1000, Y: -2},
			// float32(1e-6) is 1e-6 to 2⁻²⁴ relative.
			z: []float64{1, 2, 0, -1, 0.5, 0},
		},
		{
			name:  "prefixed units and spaces",
			lines: []string{"  XRes=2", "YRes =1  ", "XReal = 4", "YReal = 3", "XYUnits = mm", "ZUnits = nm", "Title = x = y"},
			vals:  []float32{250, -1500},
			pitch: r2.Vec{X: 2000, Y: 3000},
			z:     []float64{0.25, -1.5},
		},
		{
			name:  "micro sign, Greek mu, Angstrom",
			lines: []string{"XRes = 2", "YRes = 1", "XReal = 2", "YReal = 1", "XYUnits = \u00b5m", "ZUnits = \u00c5"},
			vals:  []float32{10000, 5},
			pitch: r2.Vec{X: 1, Y: 1},
			z:     []float64{1, 5e-4},
		},
		{
			name:  "Greek mu, Angstrom sign, u",
			lines: []string{"XRes = 1", "YRes = 1", "XReal = 3", "YReal = 2", "XYUnits = \u03bcm", "ZUnits = \u212b"},
			vals:  []float32{2e4},
			pitch: r2.Vec{X: 3, Y: 2},
			z:     []float64{2},
		},
		{
			name:  "no units: lateral µm, heights times ZUnit",
			lines: []string{"XRes = 2", "YRes = 1", "XReal = 8", "YReal = 3"},
			vals:  []float32{1, 2},
			opts:  &geometry.Options{ZUnit: 1e-3},
			pitch: r2.Vec{X: 4, Y: 3},
			z:     []float64{1e-3, 2e-3},
			warn:  []string{warnXYUnits}, // Options.ZUnit given: no ZUnits warning
		},
		{
			name:  "no XYUnits: Options.XYUnit",
			lines: []string{"XRes = 2", "YRes = 1", "XReal = 8e-3", "YReal = 3e-3", "XOffset = 1e-3", "ZUnits = nm"},
			vals:  []float32{1, 2},
			opts:  &geometry.Options{XYUnit: 1e3},                                     // mm
			pitch: r2.Vec{X: 4, Y: 3}, offset: r2.Vec{X: 1}, z: []float64{1e-3, 2e-3}, // 8e-3 mm / 2, 3e-3 mm / 1, 1e-3 mm
		},
		{
			name:  "no XYUnits, zero offsets only: nothing read in that unit",
			lines: []string{"XRes = 1", "YRes = 1", "XOffset = 0", "YOffset = 0", "ZUnits = m"},
			vals:  []float32{1e-6},
			opts:  &geometry.Options{Pitch: r2.Vec{X: 2, Y: 2}},
			pitch: r2.Vec{X: 2, Y: 2}, z: []float64{1},
		},
		{
			name:  "no XYUnits, an offset",
			lines: []string{"XRes = 1", "YRes = 1", "YOffset = -4", "ZUnits = m"},
			vals:  []float32{1e-6},
			opts:  &geometry.Options{Pitch: r2.Vec{X: 2, Y: 2}},
			pitch: r2.Vec{X: 2, Y: 2}, offset: r2.Vec{Y: -4}, z: []float64{1},
			warn: []string{warnXYUnits},
		},
		{
			name:  "XReal but no YReal",
			lines: []string{"XRes = 2", "YRes = 1", "XReal = 8", "XYUnits = um", "ZUnits = um"},
			vals:  []float32{1, 2},
			pitch: r2.Vec{X: 4, Y: 1}, z: []float64{1, 2},
			warn: []string{warnYReal},
		},
		{
			name:  "no size: pitch from options",
			lines: []string{"XRes = 2", "YRes = 1", "ZUnits = um"},
			vals:  []float32{1, 2},
			opts:  &geometry.Options{Pitch: r2.Vec{X: 2.5, Y: 3.5}, ZUnit: 7},
			pitch: r2.Vec{X: 2.5, Y: 3.5},
			z:     []float64{1, 2}, // ZUnits wins over Options.ZUnit
		},
		{
			name:  "no size, no options: 1 µm",
			lines: []string{"XRes = 1", "YRes = 2"},
			vals:  []float32{1, 2},
			pitch: r2.Vec{X: 1, Y: 1},
			z:     []float64{1, 2},
			warn:  []string{warnXReal, warnYReal, warnZUnits},
		},
		{
			name:  "non-finite values are invalid",
			lines: []string{"XRes = 2", "YRes = 2", "ZUnits = um"},
			vals:  []float32{nan, inf, -inf, 4},
			pitch: r2.Vec{X: 1, Y: 1},
			z:     []float64{math.NaN(), math.NaN(), math.NaN(), 4},
			warn:  []string{warnXReal, warnYReal},
		},
		{
			name:    "trailing bytes ignored, with a warning",
			lines:   []string{"XRes = 1", "YRes = 1"},
			vals:    []float32{3},
			pitch:   r2.Vec{X: 1, Y: 1},
			z:       []float64{3},
			trailer: 5,
			warn:    []string{warnXReal, warnYReal, warnZUnits, "bytes after the pixel data: ignored (Gwyddion 2.62 refuses the file)"},
		},
		{
			name:  "duplicate field: last wins",
			lines: []string{"XRes = 5", "XRes = 1", "YRes = 1"},
			vals:  []float32{3},
			pitch: r2.Vec{X: 1, Y: 1},
			z:     []float64{3},
			warn:  []string{warnXReal, warnYReal, warnZUnits},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := append(buildGSF(tc.lines, tc.vals), make([]byte, tc.trailer)...)
			for _, r := range decodetest.Readers(raw) {
				m, err := gsf.Decode(r(), tc.opts)
				require.NoError(t, err)
				require.InDelta(t, tc.pitch.X, m.Pitch.X, 1e-9)
				require.InDelta(t, tc.pitch.Y, m.Pitch.Y, 1e-9)
				require.InDelta(t, tc.offset.X, m.Offset.X, 1e-9)
				require.InDelta(t, tc.offset.Y, m.Offset.Y, 1e-9)
				// float32 values: 2⁻²⁴ relative, and |z| ≤ 5 µm.
				decodetest.RequireHeights(t, tc.z, m, 5*0x1p-24)
				require.Equal(t, tc.warn, m.Warnings)
			}
			// Through the registry under Strict: refused exactly when warned.
			opts := geometry.Options{Strict: true}
			if tc.opts != nil {
				opts = *tc.opts
				opts.Strict = true
			}
			m, _, err := geometry.Decode(bytes.NewReader(raw), &opts)
			if tc.warn == nil {
				require.NoError(t, err)
				require.Empty(t, m.Warnings)
				return
			}
			var se geometry.StrictError
			require.ErrorAs(t, err, &se)
			require.Equal(t, geometry.StrictError(tc.warn), se)
		})
	}
}

// TestPadding checks every header length modulo 4: the data must start at
// the next multiple of 4 after 1–4 NULs.
func TestPadding(t *testing.T) {
	for extra := 0; extra < 4; extra++ {
		t.Run(fmt.Sprint(extra), func(t *testing.T) {
			raw := buildGSF([]string{"XRes = 2", "YRes = 1", "Title = " + strings.Repeat("x", extra)}, []float32{7, 8})
			m, err := gsf.Decode(bytes.NewReader(raw), nil)
			require.NoError(t, err)
			require.Equal(t, []float64{7, 8}, m.Z)
		})
	}
}

func TestErrors(t *testing.T) {
	var (
		formatErr      geometry.FormatError
		unsupportedErr geometry.UnsupportedError
	)
	good := []string{"XRes = 2", "YRes = 1"}
	for _, tc := range []struct {
		name   string
		raw    []byte
		is     error // for errors.Is
		as     any   // for errors.As
		stream bool  // the error shows only when Seek is hidden (or only when it is not)
		opts   *geometry.Options
	}{
		{name: "empty", raw: nil, as: &formatErr},
		{name: "not gsf", raw: []byte("GWYP\x00\x00\x00\x00"), as: &formatErr},
		{name: "version 2", raw: []byte("Gwyddion Simple Field 2.0\nXRes = 1\nYRes = 1\n\x00\x00\x00\x00\x00\x00"), as: &unsupportedErr},
		{name: "no XRes", raw: buildGSF([]string{"YRes = 1"}, ramp(1)), as: &formatErr},
		{name: "no YRes", raw: buildGSF([]string{"XRes = 1"}, ramp(1)), as: &formatErr},
		{name: "XRes zero", raw: buildGSF([]string{"XRes = 0", "YRes = 1"}, nil), as: &formatErr},
		{name: "XRes negative", raw: buildGSF([]string{"XRes = -3", "YRes = 1"}, nil), as: &formatErr},
		{name: "XRes not integer", raw: buildGSF([]string{"XRes = 2.5", "YRes = 1"}, ramp(2)), as: &formatErr},
		{name: "XRes overflows", raw: buildGSF([]string{"XRes = 99999999999999999999999", "YRes = 1"}, nil), as: &formatErr},
		{name: "too large", raw: buildGSF([]string{"XRes = 100000", "YRes = 100000"}, nil), is: geometry.ErrTooLarge},
		{name: "XReal zero", raw: buildGSF(append(good, "XReal = 0"), ramp(2)), as: &formatErr},
		{name: "YReal negative", raw: buildGSF(append(good, "YReal = -1"), ramp(2)), as: &formatErr},
		{name: "XReal NaN", raw: buildGSF(append(good, "XReal = nan"), ramp(2)), as: &formatErr},
		{name: "XReal text", raw: buildGSF(append(good, "XReal = wide"), ramp(2)), as: &formatErr},
		{name: "XReal overflows in µm", raw: buildGSF(append(good, "XReal = 1e306", "XYUnits = m"), ramp(2)), as: &formatErr},
		{name: "XOffset inf", raw: buildGSF(append(good, "XOffset = inf"), ramp(2)), as: &formatErr},
		{name: "ZUnits volt", raw: buildGSF(append(good, "ZUnits = V"), ramp(2)), as: &unsupportedErr},
		{name: "ZUnits ampere", raw: buildGSF(append(good, "ZUnits = A"), ramp(2)), as: &unsupportedErr},
		{name: "XYUnits square metre", raw: buildGSF(append(good, "XYUnits = m^2"), ramp(2)), as: &unsupportedErr},
		{name: "Options.XYUnit negative", raw: buildGSF(append(good, "XReal = 2"), ramp(2)), opts: &geometry.Options{XYUnit: -1}},
		{name: "line without =", raw: buildGSF(append(good, "garbage"), ramp(2)), as: &formatErr},
		{name: "padding not NUL, data short", raw: []byte(gsf.Magic + "XRes = 1\nYRes = 1\n\x00x\x00\x00\x00\x00"), is: io.ErrUnexpectedEOF},
		{name: "no NUL", raw: []byte(gsf.Magic + "XRes = 1\nYRes = 1\n"), is: io.ErrUnexpectedEOF},
		{name: "padding cut", raw: []byte(gsf.Magic + "XRes = 1\nYRes = 1\n\x00"), is: io.ErrUnexpectedEOF},
		{name: "header too long", raw: []byte(gsf.Magic + strings.Repeat("A = b\n", gsf.MaxHeader/6+1) + "\x00"), as: &formatErr},
		{name: "no data", raw: buildGSF(good, nil), is: io.ErrUnexpectedEOF},
		{name: "short data", raw: buildGSF(good, ramp(1)), is: io.ErrUnexpectedEOF},
		{name: "short data, large header size", raw: buildGSF([]string{"XRes = 10000", "YRes = 10000"}, ramp(10)), is: io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, r := range decodetest.Readers(tc.raw) {
				_, err := gsf.Decode(r(), tc.opts)
				decodetest.RequireError(t, err, "gsf", tc.is, tc.as, name)
			}
		})
	}
}

// TestTruncated cuts the Gwyddion file at every length in the header and
// at a sample of lengths in the data: every cut must be an error (never a
// panic or a short map), a cut in the data io.ErrUnexpectedEOF.
func TestTruncated(t *testing.T) {
	raw, err := os.ReadFile("testdata/gwyddion-64x48.gsf")
	require.NoError(t, err)
	dataStart := len(raw) - 4*64*48
	for n := 0; n < len(raw); n++ {
		if n > dataStart+8 && n%37 != 0 && len(raw)-n > 8 {
			continue
		}
		for _, r := range decodetest.Readers(raw[:n]) {
			m, err := gsf.Decode(r(), nil)
			require.Error(t, err, "cut at %d", n)
			require.Nil(t, m)
			if n >= dataStart {
				require.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", n)
			}
		}
		if n < dataStart {
			_, err := gsf.DecodeConfig(bytes.NewReader(raw[:n]), nil)
			require.Error(t, err, "cut at %d", n)
		}
	}
}

// TestGwyddionReadsTheSame has Gwyddion read a GSF file built here (with
// invalid values, offsets and a non-square pitch) and write it as .gwy; the
// .gwy must decode to the same map, NaNs where Gwyddion put its mask. It
// needs the gwyddion program (Debian package gwyddion) and skips without it.
func TestGwyddionReadsTheSame(t *testing.T) {
	exe, err := exec.LookPath("gwyddion")
	if err != nil {
		t.Skip("gwyddion not installed")
	}
	const cols, rows = 7, 5
	vals := make([]float32, cols*rows)
	for i := range vals {
		vals[i] = float32(1e-7 * float64(i*i%11-4))
	}
	vals[3], vals[17], vals[34] = float32(math.NaN()), float32(math.Inf(1)), float32(math.NaN())
	raw := buildGSF([]string{"XRes = 7", "YRes = 5", "XReal = 3.5e-05", "YReal = 1e-05",
		"XOffset = 1.5e-05", "YOffset = -2.5e-06", "XYUnits = m", "ZUnits = m", "Title = cross-check"}, vals)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.gsf"), filepath.Join(dir, "out.gwy")
	require.NoError(t, os.WriteFile(in, raw, 0o644))
	cmd := exec.Command(exe, "--no-log-to-file", "--convert-to-gwy="+out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir) // keep Gwyddion's settings out of the real home
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", msg)

	want, err := gsf.Decode(bytes.NewReader(raw), nil)
	require.NoError(t, err)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	got, err := gwy.Decode(f, nil)
	require.NoError(t, err)
	require.Equal(t, want.Rect, got.Rect)
	require.InDelta(t, 5, got.Pitch.X, 1e-12) // 35 µm / 7
	require.InDelta(t, 2, got.Pitch.Y, 1e-12) // 10 µm / 5
	require.InDelta(t, want.Pitch.X, got.Pitch.X, 1e-12)
	require.InDelta(t, want.Pitch.Y, got.Pitch.Y, 1e-12)
	require.InDelta(t, want.Offset.X, got.Offset.X, 1e-12)
	require.InDelta(t, want.Offset.Y, got.Offset.Y, 1e-12)
	require.Equal(t, cols*rows-3, got.ValidCount())
	// NaN where Gwyddion masks; elsewhere both are the same float32
	// widened and scaled by 1e6.
	decodetest.RequireHeights(t, want.Z, got, 1e-12)
}

// TestPaddingNotNUL: Gwyddion 2.62 (gsffile) reads the data from the
// multiple of 4 after the first NUL whatever the padding bytes hold; the
// decoder does too, with a warning. A file whose data are not where the
// padding puts them fails the size check instead.
func TestPaddingNotNUL(t *testing.T) {
	raw := []byte(gsf.Magic + "XRes = 1\nYRes = 1\nZUnits = m\nTitle = abcdefgh\n") // 72 bytes
	require.Zero(t, len(raw)%4)
	raw = append(raw, 0, 'x', 'y', 'z')
	raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(3e-6))
	for name, r := range decodetest.Readers(raw) {
		m, err := gsf.Decode(r(), nil)
		require.NoError(t, err, name)
		require.InDelta(t, 3, m.At(0, 0), 1e-6)
		require.Equal(t, []string{
			"header padding after offset 72 holds bytes other than NUL: ignored, the data read from offset 76",
			warnXReal, warnYReal,
		}, m.Warnings, name)
	}
	data, _ := gwyref.Load(t, "padding.gsf", raw)
	require.Equal(t, []float64{float64(float32(3e-6))}, data.Data)
}

// TestTrailingBytesGwyddion: Gwyddion 2.62 refuses a GSF file with bytes
// after the pixel data ("Expected data size calculated from file headers
// is 60 bytes, but the real size is 64 bytes"); the decoder reads it with
// a warning, which Options.Strict turns into a refusal.
func TestTrailingBytesGwyddion(t *testing.T) {
	raw := []byte(gsf.Magic + "XRes = 1\nYRes = 1\nZUnits = m\n\x00") // 56 bytes
	raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(3e-6))
	raw = append(raw, 0, 0, 0, 0)
	m, err := gsf.Decode(bytes.NewReader(raw), nil)
	require.NoError(t, err)
	require.Contains(t, m.Warnings, "bytes after the pixel data: ignored (Gwyddion 2.62 refuses the file)")
	m, err = gsf.Decode(struct{ io.Reader }{bytes.NewReader(raw)}, nil)
	require.NoError(t, err)
	require.Contains(t, m.Warnings, "bytes after the pixel data: ignored (Gwyddion 2.62 refuses the file)")
	_, _, err = geometry.Decode(bytes.NewReader(raw), &geometry.Options{Strict: true})
	var se geometry.StrictError
	require.ErrorAs(t, err, &se)
	if _, err := exec.LookPath("gwyddion"); err != nil {
		t.Skip("gwyddion not installed")
	}
	out := filepath.Join(t.TempDir(), "out.gwy")
	in := filepath.Join(t.TempDir(), "trailing.gsf")
	require.NoError(t, os.WriteFile(in, raw, 0o644))
	msg, _ := exec.Command("gwyddion", "--no-splash", "--convert-to-gwy="+out, in).CombinedOutput()
	require.NoFileExists(t, out, "Gwyddion read it: %s", msg)
	require.Contains(t, string(msg), "Expected data size")
}
