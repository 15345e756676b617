package x3p

import (
	"archive/zip"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
)

// fuzzSeeds returns small valid files of every kind the decoder reads.
func fuzzSeeds(t testing.TB) [][]byte {
	seeds := [][]byte{
		smallFile(t),
		spec{cols: 3, rows: 2, data: raw("D", []float64{1e-6, math.NaN(), 3e-6, -4e-6, 0, 6e-6})}.build(t),
		spec{cols: 2, rows: 2, zType: "F", method: zip.Store, data: raw("F", []float64{1e-6, 2e-6, 3e-6, 4e-6})}.build(t),
		spec{cols: 5, rows: 1, zType: "I", zInc: "1e-8", data: raw("I", []float64{-2, -1, 0, 1, 2}),
			valid: bitmap([]bool{true, false, true, true, false})}.build(t),
		spec{cols: 2, rows: 2, dir: "top/", datums: []string{"1e-6", "", "2e-6", "-1"}}.build(t),
	}
	var enc bytes.Buffer
	if err := Encode(&enc, testMap(5, 4, 9), &EncodeOptions{ValidBitmap: true}); err != nil {
		t.Fatal(err)
	}
	seeds = append(seeds, enc.Bytes())
	files, _ := filepath.Glob("testdata/*.x3p")
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && len(b) < 1<<16 {
			seeds = append(seeds, b)
		}
	}
	return seeds
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
		for _, n := range []int{0, 4, 30, len(s) / 3, len(s) / 2, len(s) - 22, len(s) - 1} {
			if n >= 0 && n < len(s) {
				f.Add(s[:n])
			}
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := DecodeConfig(bytes.NewReader(in), nil)
		if err == nil {
			if geometry.CheckSize(c.Cols, c.Rows) != nil {
				t.Fatalf("DecodeConfig accepted %d×%d", c.Cols, c.Rows)
			}
			if !(c.Pitch.X > 0 && c.Pitch.Y > 0) || math.IsInf(c.Pitch.X, 0) || math.IsInf(c.Pitch.Y, 0) {
				t.Fatalf("DecodeConfig pitch %v", c.Pitch)
			}
		}
		m, err := Decode(bytes.NewReader(in), nil)
		// Bytes in memory are read in place, and their point data inflated
		// by geometry/internal/inflate rather than klauspost's reader: the
		// same map, or an error (worded as the reads of the zip structure
		// from a slice or a section say it).
		inPlace, errInPlace := Decode(geometry.NewBytesReader(in), nil)
		if (err == nil) != (errInPlace == nil) {
			t.Fatalf("error %v, in place %v", err, errInPlace)
		}
		if err != nil {
			if m != nil {
				t.Fatal("map returned with an error")
			}
			return
		}
		requireSameBits(t, m.Z, inPlace.Z, "in place")
		if len(m.Z) != m.Stride*m.Rect.Dy() || m.Stride != m.Rect.Dx() {
			t.Fatalf("len(Z) %d, Stride %d, Rect %v", len(m.Z), m.Stride, m.Rect)
		}
		if err := geometry.CheckSize(m.Rect.Dx(), m.Rect.Dy()); err != nil {
			t.Fatal(err)
		}
		if c.Cols != m.Cols() || c.Rows != m.Rows() || c.Pitch != m.Pitch || c.Offset != m.Offset {
			t.Fatalf("DecodeConfig %+v disagrees with Decode %v", c, m)
		}
		for i, z := range m.Z {
			if math.IsInf(z, 0) {
				t.Fatalf("pixel %d is %g", i, z)
			}
		}
		// Encode → Decode gives the same map back.
		var buf bytes.Buffer
		if err := Encode(&buf, m, nil); err != nil {
			t.Fatal(err)
		}
		m2, err := Decode(bytes.NewReader(buf.Bytes()), nil)
		if err != nil {
			t.Fatal(err)
		}
		if m2.Rect != m.Rect || !close(m2.Pitch.X, m.Pitch.X) || !close(m2.Pitch.Y, m.Pitch.Y) {
			t.Fatalf("round trip changed %v to %v", m, m2)
		}
		for i, z := range m.Z {
			if math.IsNaN(z) != math.IsNaN(m2.Z[i]) || !math.IsNaN(z) && !close(z, m2.Z[i]) {
				t.Fatalf("round trip changed pixel %d from %g to %g", i, z, m2.Z[i])
			}
		}
	})
}

// close reports whether a and b agree to relTol relative, or are both
// tiny (the conversion to metres can flush subnormal results to 0).
func close(a, b float64) bool {
	return math.Abs(a-b) <= relTol*math.Max(math.Abs(a), math.Abs(b)) || math.Abs(a-b) < 1e-290
}
