package geometry

import (
	"bytes"
	"errors"
	"image"
	"io"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

func TestHeightMapIndexingAndSubMap(t *testing.T) {
	m := New(5, 4, r2.Vec{X: 2, Y: 3})
	m.Offset = r2.Vec{X: 10, Y: -5}
	for r := 0; r < 4; r++ {
		for c := 0; c < 5; c++ {
			m.Set(c, r, float64(10*r+c))
		}
	}
	require.Equal(t, 23.0, m.Z[2*5+3]) // row 2, column 3
	sub := m.SubMap(image.Rect(1, 1, 4, 3))
	require.Equal(t, 3, sub.Cols())
	require.Equal(t, 2, sub.Rows())
	require.Equal(t, 12.0, sub.At(2, 1)) // absolute indices
	require.True(t, math.IsNaN(sub.At(0, 0)))
	sub.Set(3, 2, -1)
	require.Equal(t, -1.0, m.At(3, 2), "sub-view shares pixels")
	// Map coordinates: x = x0 + c·dx, y = y0 + r·dy (SPEC §1).
	p := sub.PixelToMap(3, 2)
	require.Equal(t, r2.Vec{X: 16, Y: 1}, p)
	c, r := sub.MapToPixel(p)
	require.InDelta(t, 3, c, 1e-12)
	require.InDelta(t, 2, r, 1e-12)
	require.Len(t, sub.Row(2), 3)
	require.Nil(t, sub.Row(0))
	require.True(t, sub.SubMap(image.Rect(10, 10, 12, 12)).Rect.Empty())
	cl := sub.Clone()
	cl.Set(3, 2, 7)
	require.Equal(t, -1.0, m.At(3, 2), "clone is a copy")
	require.Panics(t, func() { New(-1, 2, r2.Vec{X: 1, Y: 1}) })
	require.Panics(t, func() { New(1, 2, r2.Vec{X: 0, Y: 1}) })
}

func TestStats(t *testing.T) {
	m := New(2, 2, r2.Vec{X: 1, Y: 1})
	// Closed form: values 1, 2, 3 (one NaN): mean 2, population RMS sqrt(2/3).
	copy(m.Z, []float64{1, 2, math.NaN(), 3})
	s := m.Stats()
	require.Equal(t, 3, s.Valid)
	require.Equal(t, 1, s.Invalid)
	require.Equal(t, 1.0, s.Min)
	require.Equal(t, 3.0, s.Max)
	require.InDelta(t, 2, s.Mean, 1e-15)
	require.InDelta(t, math.Sqrt(2.0/3), s.RMS, 1e-15)
	require.Equal(t, 3, m.ValidCount())
	empty := New(2, 1, r2.Vec{X: 1, Y: 1}).Stats()
	require.Equal(t, 0, empty.Valid)
	require.True(t, math.IsNaN(empty.Mean))
}

func TestCheckSize(t *testing.T) {
	require.NoError(t, CheckSize(2048, 2048))
	require.ErrorIs(t, CheckSize(1<<20, 1<<20), ErrTooLarge)
	require.ErrorIs(t, CheckSize(MaxPixels+1, 1), ErrTooLarge)
	var fe FormatError
	require.ErrorAs(t, CheckSize(0, 5), &fe)
}

func TestRegistrySniffsContent(t *testing.T) {
	decode := func(tag float64) func(io.Reader, *Options) (*HeightMap, error) {
		return func(io.Reader, *Options) (*HeightMap, error) {
			m := New(1, 1, r2.Vec{X: 1, Y: 1})
			m.Z[0] = tag
			return m, nil
		}
	}
	cfg := func(io.Reader, *Options) (Config, error) { return Config{Cols: 1, Rows: 1}, nil }
	RegisterFormat(Format{Name: "test-a", Match: MagicMatcher("TSTA?x"), Decode: decode(1), DecodeConfig: cfg})
	RegisterFormat(Format{Name: "test-b", Match: MagicMatcher("TSTB"), Decode: decode(2), DecodeConfig: cfg})
	m, name, err := Decode(bytes.NewReader([]byte("TSTB....")), nil)
	require.NoError(t, err)
	require.Equal(t, "test-b", name)
	require.Equal(t, 2.0, m.Z[0])
	_, name, err = Decode(io.MultiReader(bytes.NewReader([]byte("TSTA9x"))), nil) // not seekable
	require.NoError(t, err)
	require.Equal(t, "test-a", name)
	c, err := DecodeConfig(bytes.NewReader([]byte("TSTA0x")), nil)
	require.NoError(t, err)
	require.Equal(t, "test-a", c.Format)
	_, _, err = Decode(bytes.NewReader([]byte("nothing")), nil)
	require.True(t, errors.Is(err, ErrFormat))
	_, _, err = Decode(bytes.NewReader(nil), nil)
	require.ErrorIs(t, err, ErrEmpty)
	_, err = DecodeConfig(io.MultiReader(), nil)
	require.ErrorIs(t, err, ErrEmpty)
	require.Panics(t, func() { RegisterFormat(Format{Name: "x"}) })
}

func TestMatrixAdapter(t *testing.T) {
	m := New(3, 2, r2.Vec{X: 1, Y: 1})
	copy(m.Z, []float64{1, 2, 3, 4, 5, 6})
	sub := m.SubMap(image.Rect(1, 0, 3, 2))
	a := sub.Matrix()
	r, c := a.Dims()
	require.Equal(t, [2]int{2, 2}, [2]int{r, c})
	require.Equal(t, 6.0, a.At(1, 1)) // pixel (2, 1)
	require.Equal(t, 5.0, a.T().At(0, 1))
	require.Panics(t, func() { a.At(2, 0) })
}

func TestReadFull(t *testing.T) {
	data := bytes.Repeat([]byte{7}, 3<<20+5)
	b, err := ReadFull(bytes.NewReader(data), len(data))
	require.NoError(t, err)
	require.Equal(t, data, b)
	_, err = ReadFull(bytes.NewReader(data[:10]), 1<<30) // absurd header size
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	_, err = ReadFull(bytes.NewReader(nil), 4)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	b, err = ReadFull(bytes.NewReader(nil), 0)
	require.NoError(t, err)
	require.Empty(t, b)
}

// TestSniffTiers: a weak format never beats a format with a signature, even
// when it owns the file's extension; within a tier the extension decides.
func TestSniffTiers(t *testing.T) {
	cfg := func(io.Reader, *Options) (Config, error) { return Config{}, nil }
	dec := func(io.Reader, *Options) (*HeightMap, error) { return New(1, 1, r2.Vec{X: 1, Y: 1}), nil }
	RegisterFormat(Format{Name: "tier-weak", Extensions: []string{".tw"}, Weak: true, Match: MagicMatcher("TIER"), Decode: dec, DecodeConfig: cfg})
	RegisterFormat(Format{Name: "tier-strong-a", Extensions: []string{".ta"}, Match: MagicMatcher("TIER"), Decode: dec, DecodeConfig: cfg})
	RegisterFormat(Format{Name: "tier-strong-b", Extensions: []string{".tb"}, Match: MagicMatcher("TIER"), Decode: dec, DecodeConfig: cfg})
	RegisterFormat(Format{Name: "tier-weak-only", Extensions: []string{".wo"}, Weak: true, Match: MagicMatcher("WEAK"), Decode: dec, DecodeConfig: cfg})
	for _, tc := range []struct{ content, ext, want string }{
		{"TIER", ".tw", "tier-strong-a"},
		{"TIER", ".tb", "tier-strong-b"},
		{"TIER", "", "tier-strong-a"},
		{"WEAK", ".tw", "tier-weak-only"},
	} {
		_, name, err := decode(bytes.NewReader([]byte(tc.content)), tc.ext, nil)
		require.NoError(t, err)
		require.Equal(t, tc.want, name, "%s%s", tc.content, tc.ext)
	}
}

func TestReaderAt(t *testing.T) {
	_, _, err := ReaderAt(struct{ io.Reader }{bytes.NewReader(make([]byte, 11))}, 10)
	require.ErrorIs(t, err, ErrTooLarge)
	_, n, err := ReaderAt(struct{ io.Reader }{bytes.NewReader(make([]byte, 10))}, 10)
	require.NoError(t, err)
	require.EqualValues(t, 10, n)
	// A seekable reader is used from its current position.
	r := bytes.NewReader([]byte("junkPK"))
	r.Seek(4, io.SeekStart)
	ra, n, err := ReaderAt(r, 10)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	b := make([]byte, 2)
	ra.ReadAt(b, 0)
	require.Equal(t, "PK", string(b))
}

// TestBytesReader: a BytesReader reads like a bytes.Reader and hands out
// all its bytes; ReaderAt gives one for an input it reads into memory.
func TestBytesReader(t *testing.T) {
	b := []byte("0123456789")
	r := NewBytesReader(b)
	head := make([]byte, 4)
	_, err := io.ReadFull(r, head)
	require.NoError(t, err)
	require.Equal(t, "0123", string(head))
	require.Equal(t, b, r.Bytes(), "all the bytes, whatever has been read")
	ra, size, err := ReaderAt(struct{ io.Reader }{bytes.NewReader(b)}, 100)
	require.NoError(t, err)
	require.EqualValues(t, len(b), size)
	br, ok := ra.(*BytesReader)
	require.True(t, ok, "%T", ra)
	require.Equal(t, b, br.Bytes())
}
