package decodetest

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
)

// FuzzMaxPixels is the largest map a fuzz target decodes: a header that
// DecodeConfig accepts with more pixels is decodable but slow (4 Mpx is
// 32 MiB of float64 per input), and the size check itself is tested
// elsewhere.
const FuzzMaxPixels = 1 << 22

// FuzzOptions are the per-format parts of Fuzz. The zero value decodes
// with nil options and checks what every decoder must do.
type FuzzOptions struct {
	// Options is passed to Decode and DecodeConfig, for formats whose
	// files may lack a pitch or a height unit.
	Options *geometry.Options

	// Offset also requires DecodeConfig's Offset to be the map's.
	Offset bool

	// Finite also requires every height to be finite or NaN.
	Finite bool
}

// Fuzz runs f with the fuzz target of the binary decoders. For every input
// it calls config, then decode, with o.Options, and requires that:
//   - an input that config accepts with more than FuzzMaxPixels pixels is
//     skipped;
//   - when decode fails, it returns a nil map and an error that is a
//     geometry.FormatError or geometry.UnsupportedError or wraps
//     io.ErrUnexpectedEOF or geometry.ErrTooLarge;
//   - when decode succeeds, config succeeded too, with the map's columns,
//     rows and pitch (and offset, with o.Offset), len(Z) is
//     Stride·Rect.Dy(), and (with o.Finite) no height is ±Inf.
//
// Seed f (f.Add, AddTruncations) before calling Fuzz.
func Fuzz(f *testing.F, decode DecodeFunc, config ConfigFunc, o FuzzOptions) {
	f.Helper()
	f.Fuzz(func(t *testing.T, b []byte) {
		c, cerr := config(bytes.NewReader(b), o.Options)
		if cerr == nil && c.Cols*c.Rows > FuzzMaxPixels {
			return
		}
		m, err := decode(bytes.NewReader(b), o.Options)
		if err != nil {
			require.Nil(t, m)
			if !knownKind(err) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		require.NoError(t, cerr, "Decode succeeded where DecodeConfig failed")
		require.Equal(t, c.Cols, m.Cols())
		require.Equal(t, c.Rows, m.Rows())
		require.Equal(t, c.Pitch, m.Pitch)
		if o.Offset {
			require.Equal(t, c.Offset, m.Offset)
		}
		require.Len(t, m.Z, m.Stride*m.Rect.Dy())
		if o.Finite {
			for i, z := range m.Z {
				require.Falsef(t, math.IsInf(z, 0), "pixel %d is %g", i, z)
			}
		}
	})
}

// AddTruncations adds b to f's seed corpus, then its first n bytes for
// every n in cuts with 0 ≤ n < len(b) (a cut past the end is dropped).
func AddTruncations(f *testing.F, b []byte, cuts ...int) {
	f.Add(b)
	for _, n := range cuts {
		if n >= 0 && n < len(b) {
			f.Add(b[:n])
		}
	}
}

// ReadFiles returns the content of every file matching each of patterns
// (filepath.Glob), in pattern order and, within a pattern, in lexical
// order. A file it cannot read fails t.
func ReadFiles(t testing.TB, patterns ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range patterns {
		names, err := filepath.Glob(p)
		require.NoError(t, err)
		for _, name := range names {
			b, err := os.ReadFile(name)
			require.NoError(t, err)
			out = append(out, b)
		}
	}
	return out
}
