package hdf5

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// walk visits every object reachable from o (depth-limited), decoding all
// attributes and reading every dataset, and ignores errors: the fuzz target
// only checks that nothing panics or hangs.
func walk(f *File, o *Object, depth int) {
	if attrs, err := o.Attrs(); err == nil {
		for _, a := range attrs {
			_, _ = a.Values()
		}
	}
	if o.IsDataset() {
		if d, err := o.Dataset(); err == nil {
			if _, err := d.Raw(1 << 20); err == nil && d.Type.Numeric() {
				_, _ = d.Float64s(1 << 20)
			}
		}
	}
	if depth > 4 {
		return
	}
	links, err := o.Links()
	if err != nil || len(links) > 64 {
		links = links[:min(len(links), 64)]
	}
	for _, l := range links {
		if c, err := f.object(l.Addr); err == nil {
			walk(f, c, depth+1)
		}
	}
}

func FuzzOpen(f *testing.F) {
	for _, name := range []string{"features.h5", "latest.h5", "dense.h5"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, n := range []int{100, 1000, len(b) / 2} {
			f.Add(b[:n])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		root, err := file.Root()
		if err != nil {
			return
		}
		walk(file, root, 0)
	})
}
