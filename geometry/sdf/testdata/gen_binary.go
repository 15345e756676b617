//go:build ignore

// gen_binary writes the small binary SDF files of gwyddion_read/, one per
// data type, with the header layout of ../doc.go: 4 points × 3 profiles,
// Xscale 2e-6 m, Yscale 3e-6 m, Zscale 1e-9 m, the last point (and for
// bcr_i16 the last two) set to an invalid value. Run from testdata/:
//
//	go run gen_binary.go
package main

import (
	"encoding/binary"
	"log"
	"math"
	"os"
	"path/filepath"
)

func main() {
	base := []int{-5, 0, 1, 2, 100, 7, -100, 12, 50, 60, 70}
	abs := func(v int) int { return max(v, -v) }
	for _, f := range []struct {
		name    string
		version string
		dtype   byte
		last    []float64 // values after base[:11-len(last)+...]
	}{
		{"u8", "bISO-1.0", 0, []float64{255}},
		{"u16", "bISO-1.0", 1, []float64{65535}},
		{"u32", "bISO-1.0", 2, []float64{4294967295}},
		{"f32", "bISO-1.0", 3, []float64{-0.5}},
		{"i8", "bISO-1.0", 4, []float64{-128}},
		{"i16", "bISO-1.0", 5, []float64{-32768}},
		{"i32", "bISO-1.0", 6, []float64{-2147483648}},
		{"f64", "bISO-1.0", 7, []float64{-0.25}},
		{"bcr_i16", "bBCR-1.0", 5, []float64{32767, -32768}},
	} {
		var vals []float64
		for _, v := range base[:12-len(f.last)] {
			switch f.dtype {
			case 0, 1, 2:
				vals = append(vals, float64(abs(v)))
			case 3:
				vals = append(vals, float64(v)*0.5)
			case 7:
				vals = append(vals, float64(v)*0.25)
			default:
				vals = append(vals, float64(v))
			}
		}
		vals = append(vals, f.last...)
		le := binary.LittleEndian
		b := []byte(f.version + "gwyref\x00\x00\x00\x00" + "010120250000" + "010120250000")
		b = le.AppendUint16(le.AppendUint16(b, 4), 3)
		for _, s := range []float64{2e-6, 3e-6, 1e-9, -1} {
			b = le.AppendUint64(b, math.Float64bits(s))
		}
		b = append(b, 0, f.dtype, 0)
		for _, v := range vals {
			switch f.dtype {
			case 0:
				b = append(b, uint8(v))
			case 1:
				b = le.AppendUint16(b, uint16(v))
			case 2:
				b = le.AppendUint32(b, uint32(v))
			case 3:
				b = le.AppendUint32(b, math.Float32bits(float32(v)))
			case 4:
				b = append(b, uint8(int8(v)))
			case 5:
				b = le.AppendUint16(b, uint16(int16(v)))
			case 6:
				b = le.AppendUint32(b, uint32(int32(v)))
			case 7:
				b = le.AppendUint64(b, math.Float64bits(v))
			}
		}
		if err := os.WriteFile(filepath.Join("gwyddion_read", f.name+".sdf"), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
