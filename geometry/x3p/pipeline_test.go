package x3p

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
)

// TestDecodeManyChunks checks point data that span several chunks of the
// inflate pipeline (pipeChunkSize bytes) and end inside one: every data
// type reads back, and a member truncated or with a wrong CRC-32 is
// reported past the first chunk, with the next Decode unaffected; alike
// with the pipeline and in turn (Options.Serial).
func TestDecodeManyChunks(t *testing.T) {
	for _, serial := range []bool{false, true} {
		t.Run(map[bool]string{false: "pipelined", true: "serial"}[serial], func(t *testing.T) {
			testDecodeManyChunks(t, &geometry.Options{Serial: serial})
		})
	}
}

func testDecodeManyChunks(t *testing.T, opts *geometry.Options) {
	const cols, rows = 701, 499 // 349,799 values: 10.7 chunks of float64, 2.7 of int16
	rnd := rand.New(rand.NewPCG(1, 1))
	v := make([]float64, cols*rows)
	for i := range v {
		v[i] = math.Round(1000 * rnd.NormFloat64()) // raw values, exact in every type
	}
	require.NotZero(t, len(v)*2%pipeChunkSize, "the last chunk must be partial")
	for _, typ := range []string{"D", "F", "L", "I"} {
		t.Run(typ, func(t *testing.T) {
			s := spec{cols: cols, rows: rows, zType: typ, zInc: "1e-9", data: raw(typ, v), method: zip.Deflate}
			m, err := Decode(bytes.NewReader(s.build(t)), opts)
			require.NoError(t, err)
			require.Len(t, m.Z, len(v))
			for i, r := range v {
				if math.Abs(m.Z[i]-r*1e-3) > 1e-12 { // µm: r·1e-9 m
					require.InDelta(t, r*1e-3, m.Z[i], 1e-12, "value %d", i)
				}
			}
		})
	}

	noise := make([]float64, len(v))
	for i := range noise {
		noise[i] = 1e-8 * rnd.NormFloat64() // metres: deflates by a few per cent
	}
	data := raw("D", noise)
	mainXML := []byte(spec{cols: cols, rows: rows, pointMD5: "-", checksum: "-"}.mainXML())
	mainMember := rawMember{name: "main.xml", method: zip.Store, data: mainXML, size: uint64(len(mainXML)), crc: crc32.ChecksumIEEE(mainXML)}
	good := rawMember{name: "bin/data.bin", method: zip.Deflate, data: deflate(t, data, flate.BestSpeed), size: uint64(len(data)), crc: crc32.ChecksumIEEE(data)}
	truncated := good
	truncated.data = good.data[:len(good.data)/2]
	badCRC := good
	badCRC.crc ^= 1
	for _, tc := range []struct {
		name string
		data rawMember
		kind error
		msg  string
	}{
		{name: "truncated", data: truncated, kind: io.ErrUnexpectedEOF, msg: "at value"},
		{name: "bad CRC", data: badCRC, kind: zip.ErrChecksum, msg: "CRC-32 mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(rawZip(t, mainMember, tc.data)), opts)
			require.ErrorIs(t, err, tc.kind)
			require.Contains(t, err.Error(), tc.msg)
			require.Contains(t, err.Error(), "bin/data.bin")
			// In memory, inflated by geometry/internal/inflate: the same error.
			_, errInPlace := Decode(geometry.NewBytesReader(rawZip(t, mainMember, tc.data)), opts)
			require.EqualError(t, errInPlace, err.Error())

			m, err := Decode(bytes.NewReader(rawZip(t, mainMember, good)), opts)
			require.NoError(t, err)
			require.InDelta(t, noise[len(v)-1]*1e6, m.Z[len(v)-1], 1e-12) // µm
			inPlace, err := Decode(geometry.NewBytesReader(rawZip(t, mainMember, good)), opts)
			require.NoError(t, err)
			requireSameBits(t, m.Z, inPlace.Z, "in place")
		})
	}
}
