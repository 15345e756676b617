package al3d

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
)

// al3dFile describes an AL3D file for the tests; bytes writes it with the
// layout of doc.go.
type al3dFile struct {
	cols, rows     int
	pitchX, pitchY string // PixelSizeXMeter, PixelSizeYMeter, metres
	invalid        string // InvalidPixelValue; "" leaves the tag out
	z              []float32
	gap            int      // bytes between the comment and the depth image
	padding        float32  // value written in row padding (odd cols)
	extra          []string // more key, value pairs, written first
	omit           string   // a tag key to leave out
	depthOffset    string   // overrides the computed DepthImageOffset
}

func tag(b *bytes.Buffer, key, value string) {
	var rec [tagSize]byte
	copy(rec[:keySize-1], key)
	copy(rec[keySize:keySize+valueSize-1], value)
	rec[tagSize-2], rec[tagSize-1] = '\r', '\n'
	b.Write(rec[:])
}

func (f al3dFile) bytes() []byte {
	kv := append([]string(nil), f.extra...)
	kv = append(kv,
		"Cols", strconv.Itoa(f.cols),
		"Rows", strconv.Itoa(f.rows),
		"IconOffset", "0",
		"CreatingApplication", "mtgeo al3d test",
		"PixelSizeXMeter", f.pitchX,
		"PixelSizeYMeter", f.pitchY,
		"NumberOfPlanes", "0",
		"TextureImageOffset", "0",
		"DepthImageOffset", "",
	)
	if f.invalid != "" {
		kv = append(kv, "InvalidPixelValue", f.invalid)
	}
	var pairs [][2]string
	for i := 0; i < len(kv); i += 2 {
		if kv[i] != f.omit {
			pairs = append(pairs, [2]string{kv[i], kv[i+1]})
		}
	}
	size := headSize + len(pairs)*tagSize + commentSize
	var b bytes.Buffer
	b.WriteString(Magic)
	tag(&b, "Version", "1")
	tag(&b, "TagCount", strconv.Itoa(len(pairs)))
	for _, p := range pairs {
		if p[0] == "DepthImageOffset" {
			p[1] = f.depthOffset
			if p[1] == "" {
				p[1] = strconv.Itoa(size + f.gap)
			}
		}
		tag(&b, p[0], p[1])
	}
	var comment [commentSize]byte
	copy(comment[:], "built by the al3d tests")
	comment[commentSize-2], comment[commentSize-1] = '\r', '\n'
	b.Write(comment[:])
	b.Write(bytes.Repeat([]byte{0xAB}, f.gap))
	le := binary.LittleEndian
	for r := 0; r < f.rows; r++ {
		for c := 0; c < f.cols; c++ {
			b.Write(le.AppendUint32(nil, math.Float32bits(f.z[r*f.cols+c])))
		}
		if f.cols%2 == 1 {
			b.Write(le.AppendUint32(nil, math.Float32bits(f.padding)))
		}
	}
	return b.Bytes()
}

// ramp returns cols·rows heights in metres, z = (1 + c + 10·r)·1e-7, with
// the given pixels (index r·cols+c) set to v.
func ramp(cols, rows int, v float32, bad ...int) []float32 {
	z := make([]float32, cols*rows)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			z[r*cols+c] = float32(1+c+10*r) * 1e-7
		}
	}
	for _, i := range bad {
		z[i] = v
	}
	return z
}
