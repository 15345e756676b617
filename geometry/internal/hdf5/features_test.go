package hdf5

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The files of testdata/ are written by testdata/mkfeatures.py (h5py on
// libhdf5 1.10); every expected value below is the closed form in that
// script.

func open(t testing.TB, name string) *File {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	return f
}

func dataset(t testing.TB, f *File, path string) *Dataset {
	o, err := f.OpenPath(path)
	require.NoError(t, err, path)
	require.True(t, o.IsDataset(), path)
	d, err := o.Dataset()
	require.NoError(t, err, path)
	return d
}

func TestDatasets(t *testing.T) {
	f := open(t, "features.h5")
	require.Equal(t, 0, f.SuperblockVersion())
	idx := func(n int, fn func(i int) float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = fn(i)
		}
		return v
	}
	for _, tc := range []struct {
		path string
		dims []uint64
		want []float64
	}{
		{"ints/i8", []uint64{10}, idx(10, func(i int) float64 { return float64(i - 3) })},
		{"ints/u16be", []uint64{10}, idx(10, func(i int) float64 { return float64(i * 1000) })},
		{"ints/i32", []uint64{3, 4}, idx(12, func(i int) float64 { return float64(-i * 100000) })},
		{"ints/i64", []uint64{10}, idx(10, func(i int) float64 { return float64(int64(i) << 40) })},
		{"floats/f32be", []uint64{3, 5}, idx(15, func(i int) float64 { return float64(i/5) + float64(i%5)/8 })},
		{"floats/f64", []uint64{7}, idx(7, func(i int) float64 { return float64(i) * 0.1 })},
		{"layouts_compact", []uint64{6}, idx(6, func(i int) float64 { return float64(i) * 1.5 })},
		{"layouts/chunked_plain", []uint64{10, 10}, idx(100, func(i int) float64 { return float64(i) })},
		{"layouts/chunked_fletcher", []uint64{20}, idx(20, func(i int) float64 { return float64(i*7 - 50) })},
		{"layouts/sparse", []uint64{100}, idx(100, func(i int) float64 {
			if i >= 20 && i < 30 || i >= 70 && i < 75 {
				return float64(i)
			}
			return -1 // fill value of unwritten chunks
		})},
		{"layouts/cube", []uint64{5, 6, 7}, idx(210, func(i int) float64 { return float64(i) })},
		{"layouts/manychunks", []uint64{64, 64}, idx(4096, func(i int) float64 { return float64(i % 251) })},
		{"typed", []uint64{2}, []float64{1.25, -2.5}},
		{"biggroup/l123", []uint64{7}, idx(7, func(i int) float64 { return float64(i) * 0.1 })},
	} {
		t.Run(tc.path, func(t *testing.T) {
			d := dataset(t, f, tc.path)
			require.Equal(t, tc.dims, d.Dims)
			got, err := d.Float64s(1 << 20)
			require.NoError(t, err)
			require.Equal(t, tc.want, got) // all values exact in binary, or computed as the script did
		})
	}
}

func TestLimits(t *testing.T) {
	f := open(t, "features.h5")
	d := dataset(t, f, "layouts/manychunks")
	_, err := d.Float64s(4095) // one element fewer than the dataset's 64×64
	var fe FormatError
	require.ErrorAs(t, err, &fe)
}

func TestLinks(t *testing.T) {
	f := open(t, "features.h5")
	g, err := f.OpenPath("/biggroup")
	require.NoError(t, err)
	require.True(t, g.IsGroup())
	links, err := g.Links()
	require.NoError(t, err)
	require.Len(t, links, 300) // the script's 300 hard links
	for i, l := range links {
		require.Equal(t, links[0].Addr, l.Addr)
		if i > 0 {
			require.Less(t, links[i-1].Name, l.Name)
		}
	}
	_, err = f.OpenPath("/soft")
	require.ErrorIs(t, err, ErrNotFound, "soft links are skipped")
	_, err = f.OpenPath("/no/such")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestAttributes(t *testing.T) {
	f := open(t, "features.h5")
	root, err := f.Root()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		want []any
	}{
		{"str_fixed", []any{"hello"}},
		{"str_space", []any{"ab"}},
		{"vlen_str", []any{"h\u00e9llo w\u00f6rld"}},
		{"scalar_f", []any{2.5}},
		{"arr_i", []any{int64(1), int64(2), int64(3)}},
		{"compound", []any{[]Field{
			{"a", int64(7)},
			{"b", []any{0.5, 1.5, 2.5}},
			{"c", "xyz"},
		}}},
		{"enum", []any{int64(42), int64(0)}},
		{"empty", []any{}},
		{"vlen_seq", []any{[]any{1.0, 2.0}, []any{3.0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := root.Attr(tc.name)
			require.NoError(t, err)
			v, err := a.Values()
			require.NoError(t, err)
			require.Equal(t, tc.want, v)
		})
	}
	_, err = root.Attr("missing")
	require.ErrorIs(t, err, ErrNotFound)

	typed, err := f.OpenPath("typed")
	require.NoError(t, err)
	a, err := typed.Attr("typed_attr")
	require.NoError(t, err)
	v, err := a.Values()
	require.NoError(t, err)
	require.Equal(t, []any{9.5}, v)
}

// TestDense reads links and attributes in dense storage (fractal heap and
// version-2 B-tree name index), from latest.h5 (20 of each, one heap block,
// one B-tree leaf) and dense.h5 (1500 links: a depth-2 B-tree and an
// indirect root block; creation order tracked; 204 attributes).
func TestDense(t *testing.T) {
	f := open(t, "latest.h5")
	g, err := f.OpenPath("dense_links")
	require.NoError(t, err)
	links, err := g.Links()
	require.NoError(t, err)
	require.Len(t, links, 20)
	for k, l := range links {
		require.Equal(t, fmt.Sprintf("d%02d", k), l.Name)
		got, err := dataset(t, f, "dense_links/"+l.Name).Float64s(10)
		require.NoError(t, err)
		require.Equal(t, []float64{float64(k)}, got)
	}
	o, err := f.OpenPath("attrs")
	require.NoError(t, err)
	attrs, err := o.Attrs()
	require.NoError(t, err)
	require.Len(t, attrs, 20)
	a, err := o.Attr("a07")
	require.NoError(t, err)
	v, err := a.Values()
	require.NoError(t, err)
	require.Equal(t, []any{int64(7)}, v)

	f = open(t, "dense.h5")
	target, err := f.OpenPath("target")
	require.NoError(t, err)
	g, err = f.OpenPath("many")
	require.NoError(t, err)
	heap, names, err := f.denseInfo(g.first(msgLinkInfo).data, "link info", 8)
	require.NoError(t, err)
	h, err := f.fractalHeap(heap)
	require.NoError(t, err)
	require.Greater(t, h.rootRows, 0, "root block is indirect")
	hb, err := f.readMeta(names, 16, "test")
	require.NoError(t, err)
	require.GreaterOrEqual(t, int(hb[12])|int(hb[13])<<8, 2, "B-tree depth")
	links, err = g.Links()
	require.NoError(t, err)
	require.Len(t, links, 1500)
	for k, l := range links {
		require.Equal(t, fmt.Sprintf("l%04d", k), l.Name)
		require.Equal(t, target.Addr, l.Addr)
	}
	got, err := dataset(t, f, "many/l0777").Float64s(10)
	require.NoError(t, err)
	require.Equal(t, []float64{0, 1, 2}, got)

	g, err = f.OpenPath("ordered")
	require.NoError(t, err)
	links, err = g.Links()
	require.NoError(t, err)
	require.Len(t, links, 12)
	for k, l := range links {
		require.Equal(t, fmt.Sprintf("z%02d", k), l.Name)
		got, err := dataset(t, f, "ordered/"+l.Name).Float64s(10)
		require.NoError(t, err)
		require.Equal(t, []float64{float64(11 - k)}, got)
	}

	o, err = f.OpenPath("attrs")
	require.NoError(t, err)
	attrs, err = o.Attrs()
	require.NoError(t, err)
	require.Len(t, attrs, 204)
	for _, tc := range []struct {
		name string
		want []any
	}{
		{"a000", []any{0.0}},
		{"a123", []any{61.5}},
		{"a199", []any{99.5}},
		{"Unit", []any{"NanoMeters"}},
		{"No Data", []any{float64(math.MaxFloat32)}},
		{"fixed", []any{"MicroMeters"}},
		{"vec", []any{int64(0), int64(1), int64(2), int64(3)}},
	} {
		a, err := o.Attr(tc.name)
		require.NoError(t, err, tc.name)
		v, err := a.Values()
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, v, tc.name)
	}
	o, err = f.OpenPath("tracked")
	require.NoError(t, err)
	for k := range 10 {
		a, err := o.Attr(fmt.Sprintf("b%d", 9-k))
		require.NoError(t, err)
		v, err := a.Values()
		require.NoError(t, err)
		require.Equal(t, []any{int64(k)}, v)
	}
}

// TestUnsupported checks that structures outside the subset are reported as
// UnsupportedError, not misread.
func TestUnsupported(t *testing.T) {
	f := open(t, "latest.h5")
	require.Equal(t, 3, f.SuperblockVersion())
	var ue UnsupportedError

	d := dataset(t, f, "contig") // layout version 4, contiguous: read
	v, err := d.Float64s(100)
	require.NoError(t, err)
	require.Equal(t, []float64{0, 1, 2, 3}, v)

	o, err := f.OpenPath("fa")
	require.NoError(t, err)
	_, err = o.Dataset()
	require.ErrorAs(t, err, &ue)
}

func TestTruncated(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "features.h5"))
	require.NoError(t, err)
	for _, n := range []int{0, 7, 8, 40, 200, 1000, len(b) / 2} {
		f, err := Open(bytes.NewReader(b[:n]), int64(n))
		if err != nil {
			continue
		}
		root, err := f.Root()
		if err != nil {
			require.True(t, errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, new(FormatError)), "%d: %v", n, err)
			continue
		}
		_, _ = root.Links()
	}
	// Cut the file one byte into the contiguous data of each dataset: where
	// the metadata leading to it comes first in the file, reading the data
	// is a truncated read.
	full := open(t, "features.h5")
	truncatedReads := 0
	for _, path := range []string{"ints/i8", "ints/u16be", "ints/i32", "ints/i64", "floats/f32be", "floats/f64"} {
		d := dataset(t, full, path)
		n := int(d.addr) + 1
		if int(d.Object.Addr) > n {
			continue // the object header lies after the data
		}
		f, err := Open(bytes.NewReader(b[:n]), int64(n))
		require.NoError(t, err)
		o, err := f.object(d.Object.Addr)
		require.NoError(t, err)
		d, err = o.Dataset()
		require.NoError(t, err)
		_, err = d.Float64s(100)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, path)
		truncatedReads++
	}
	require.NotZero(t, truncatedReads)
}

func TestUnshuffle(t *testing.T) {
	// Three 2-byte elements 0x0201, 0x0403, 0x0605 shuffle to low bytes then
	// high bytes; a trailing odd byte stays in place.
	in := []byte{0x01, 0x03, 0x05, 0x02, 0x04, 0x06, 0xFF}
	require.Equal(t, []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xFF}, unshuffle(in, 2))
}

func TestFloatDecode(t *testing.T) {
	be := &Datatype{Class: ClassFloat, Size: 4, BigEndian: true}
	v, ok := be.float([]byte{0x3F, 0xC0, 0, 0}) // 1.5 in IEEE binary32
	require.True(t, ok)
	require.Equal(t, 1.5, v)
	require.True(t, math.IsNaN(func() float64 {
		v, _ := (&Datatype{Class: ClassFloat, Size: 8}).float([]byte{1, 0, 0, 0, 0, 0, 0xF8, 0x7F})
		return v
	}()))
}
