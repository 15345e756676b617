package decodetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/geometry"
)

// fakeT records failures instead of failing the test that runs it. The
// embedded testing.TB supplies what fakeT does not override.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) FailNow()              { f.failed = true; runtime.Goexit() }

// fails reports whether check fails; it runs check in its own goroutine
// so that FailNow can stop it as it stops a test.
func fails(t *testing.T, check func(t testing.TB)) bool {
	ft := &fakeT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(ft)
	}()
	<-done
	return ft.failed
}

// heightMap returns a cols×1 map holding z.
func heightMap(z ...float64) *geometry.HeightMap {
	m := geometry.New(len(z), 1, r2.Vec{X: 1, Y: 1})
	copy(m.Z, z)
	return m
}

func TestRequireHeights(t *testing.T) {
	nan := math.NaN()
	m := heightMap(1, nan, -2)
	for _, tc := range []struct {
		name      string
		want      []float64
		abs, rel  float64
		wantFails bool
	}{
		{"equal", []float64{1, nan, -2}, 0, 0, false},
		{"within abs", []float64{1.1, nan, -2}, 0.1 + 1e-15, 0, false},
		{"beyond abs", []float64{1.1, nan, -2}, 0.09, 0, true},
		{"within rel", []float64{1, nan, -2.2}, 0, 0.1 + 1e-15, false},
		{"beyond rel", []float64{1, nan, -2.2}, 0, 0.09, true},
		{"NaN wanted", []float64{nan, nan, -2}, 1, 0, true},
		{"NaN got", []float64{1, 0, -2}, 1, 0, true},
		{"short want", []float64{1, nan}, 1, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fails(t, func(t testing.TB) { RequireHeightsRel(t, tc.want, m, tc.abs, tc.rel) })
			require.Equal(t, tc.wantFails, got)
			if tc.rel == 0 {
				got = fails(t, func(t testing.TB) { RequireHeights(t, tc.want, m, tc.abs) })
				require.Equal(t, tc.wantFails, got, "RequireHeights")
			}
		})
	}
}

func TestRequireError(t *testing.T) {
	// The decoders wrap geometry's errors in a message of their own.
	wrapped := func(err error) error { return fmt.Errorf("x: reading: %w", err) }
	var fe geometry.FormatError
	var ue geometry.UnsupportedError
	for _, tc := range []struct {
		name      string
		err       error
		is        error
		as        any
		wantFails bool
	}{
		{"prefix only", errors.New("x: bad"), nil, nil, false},
		{"nil error", nil, nil, nil, true},
		{"no prefix", errors.New("bad"), nil, nil, true},
		{"other prefix", errors.New("xy: bad"), nil, nil, true},
		{"is", wrapped(io.ErrUnexpectedEOF), io.ErrUnexpectedEOF, nil, false},
		{"is not", wrapped(io.EOF), io.ErrUnexpectedEOF, nil, true},
		{"as", wrapped(geometry.FormatError("f")), nil, &fe, false},
		{"as not", wrapped(geometry.FormatError("f")), nil, &ue, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.wantFails, fails(t, func(t testing.TB) { RequireError(t, tc.err, "x", tc.is, tc.as) }))
		})
	}
}

func TestKnownKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{geometry.FormatError("f"), true},
		{geometry.UnsupportedError("u"), true},
		{errors.Join(errors.New("x: reading"), io.ErrUnexpectedEOF), true},
		{errors.Join(errors.New("x: 1e9 pixels"), geometry.ErrTooLarge), true},
		{io.EOF, false},
		{errors.New("x: other"), false},
	} {
		require.Equal(t, tc.want, knownKind(tc.err), "%v", tc.err)
	}
}

func TestPatch(t *testing.T) {
	b := []byte{1, 2, 3, 4}
	require.Equal(t, []byte{1, 9, 8, 4}, Patch(b, 1, 9, 8))
	require.Equal(t, []byte{1, 2, 3, 4}, b, "the input is not changed")
	require.Equal(t, []byte{1, 2, 3, 7}, Patch(b, 3, 7, 6), "bytes past the end are dropped")
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"b.x": "bb", "a.x": "a", "c.y": "c"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	got := ReadFiles(t, filepath.Join(dir, "*.x"), filepath.Join(dir, "*.y"), filepath.Join(dir, "*.none"))
	require.Equal(t, [][]byte{[]byte("a"), []byte("bb"), []byte("c")}, got)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "d.x"), 0o755))
	require.True(t, fails(t, func(t testing.TB) { ReadFiles(t, filepath.Join(dir, "*.x")) }), "a directory is not readable")
}

func TestReaders(t *testing.T) {
	rs := Readers([]byte("abc"))
	require.Len(t, rs, 2)
	_, ok := rs["seekable"]().(io.Seeker)
	require.True(t, ok)
	s := rs["stream"]()
	_, ok = s.(io.Seeker)
	require.False(t, ok)
	b, err := io.ReadAll(s)
	require.NoError(t, err)
	require.Equal(t, "abc", string(b))
}

func TestDecodeBoth(t *testing.T) {
	nan := math.NaN()
	// decoder returns heights that depend on the kind of reader.
	decoder := func(seekable, stream []float64, streamErr error) DecodeFunc {
		return func(r io.Reader, _ *geometry.Options) (*geometry.HeightMap, error) {
			if _, ok := r.(io.Seeker); ok {
				return heightMap(seekable...), nil
			}
			if streamErr != nil {
				return nil, streamErr
			}
			return heightMap(stream...), nil
		}
	}
	for _, tc := range []struct {
		name      string
		decode    DecodeFunc
		wantFails bool
	}{
		{"same", decoder([]float64{1, nan}, []float64{1, nan}, nil), false},
		{"different height", decoder([]float64{1, nan}, []float64{2, nan}, nil), true},
		{"NaN on one side", decoder([]float64{1, nan}, []float64{1, 0}, nil), true},
		{"different size", decoder([]float64{1, nan}, []float64{1}, nil), true},
		{"stream fails", decoder([]float64{1}, nil, io.ErrUnexpectedEOF), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.wantFails, fails(t, func(t testing.TB) { DecodeBoth(t, nil, tc.decode, nil) }))
		})
	}
	failing := func(io.Reader, *geometry.Options) (*geometry.HeightMap, error) { return nil, io.ErrUnexpectedEOF }
	m, err := DecodeBoth(t, nil, failing, nil)
	require.Nil(t, m)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// FuzzToy runs Fuzz on a toy format: its input is the heights, one byte
// a pixel in one row, 'x' is a truncated file, and empty input is not the
// format. AddTruncations seeds "abcx" and its cuts "", "ab", "abc" (5 and
// −1 are dropped), so the seeds take both of Fuzz's paths.
func FuzzToy(f *testing.F) {
	AddTruncations(f, []byte("abcx"), 0, 2, 3, 5, -1)
	config := func(r io.Reader, _ *geometry.Options) (geometry.Config, error) {
		b, err := io.ReadAll(r)
		if err != nil || len(b) == 0 {
			return geometry.Config{}, geometry.FormatError("toy: empty")
		}
		return geometry.Config{Format: "toy", Cols: len(b), Rows: 1, Pitch: r2.Vec{X: 1, Y: 1}}, nil
	}
	decode := func(r io.Reader, _ *geometry.Options) (*geometry.HeightMap, error) {
		b, err := io.ReadAll(r)
		if err != nil || len(b) == 0 {
			return nil, geometry.FormatError("toy: empty")
		}
		if bytes.IndexByte(b, 'x') >= 0 {
			return nil, fmt.Errorf("toy: reading heights: %w", io.ErrUnexpectedEOF)
		}
		m := geometry.New(len(b), 1, r2.Vec{X: 1, Y: 1})
		for i, v := range b {
			m.Z[i] = float64(v)
		}
		return m, nil
	}
	Fuzz(f, decode, config, FuzzOptions{Offset: true, Finite: true})
}
