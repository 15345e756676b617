package datx

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode checks that no input makes the decoder panic, hang or return
// an inconsistent map. The seeds are the files of testdata/ and truncations
// of them; `go test` runs the seeds, `go test -fuzz FuzzDecode` explores.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if filepath.Ext(name) != ".datx" && filepath.Ext(name) != ".h5" {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, n := range []int{96, 512, 1024, 2048, len(b) / 2, len(b) - 8} {
			if n > 0 && n < len(b) {
				f.Add(b[:n])
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeConfig(bytes.NewReader(b), nil)
		if err != nil {
			return
		}
		if c.Cols*c.Rows > 1<<22 {
			return // valid but too large to decode quickly
		}
		m, err := Decode(bytes.NewReader(b), nil)
		if err != nil {
			return
		}
		if len(m.Z) != m.Stride*m.Rect.Dy() || m.Rect.Dx() != c.Cols || m.Rect.Dy() != c.Rows {
			t.Fatalf("map %v with %d values, stride %d; config %d×%d", m.Rect, len(m.Z), m.Stride, c.Cols, c.Rows)
		}
		if !(m.Pitch.X > 0 && m.Pitch.Y > 0) {
			t.Fatalf("pitch %v", m.Pitch)
		}
	})
}
