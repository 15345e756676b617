package x3p

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/md5"
	"encoding/hex"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"path"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/inflate"
)

// splitMembers returns the main.xml and the point data member of an
// 800×800 map of float64 heights (metres, a dome with noise in every
// mantissa), deflated by compress/flate at its default level: dynamic
// blocks, as zlib writes them, and more than splitMinSize bytes, so that
// an archive held in memory is inflated in two parts at once.
func splitMembers(t testing.TB) (mainMember, data rawMember) {
	return deflatedMembers(t, 800, 800)
}

// deflatedMembers is splitMembers for a map of cols×rows.
func deflatedMembers(t testing.TB, cols, rows int) (mainMember, data rawMember) {
	rnd := rand.New(rand.NewPCG(7, 7))
	v := make([]float64, cols*rows)
	for i := range v {
		c, r := float64(i%cols-cols/2), float64(i/cols-rows/2)
		v[i] = 1e-7*(1-(c*c+r*r)/4e5) + 2e-9*rnd.NormFloat64()
	}
	raw := raw("D", v)
	sum := md5.Sum(raw)
	mainXML := []byte(spec{cols: cols, rows: rows, pointMD5: hex.EncodeToString(sum[:]), checksum: "-"}.mainXML())
	deflated := deflate(t, raw, flate.DefaultCompression)
	require.Greater(t, len(deflated), splitMinSize)
	return rawMember{name: "main.xml", method: zip.Store, data: mainXML, size: uint64(len(mainXML)), crc: crc32.ChecksumIEEE(mainXML)},
		rawMember{name: "bin/data.bin", method: zip.Deflate, data: deflated, size: uint64(len(raw)), crc: crc32.ChecksumIEEE(raw)}
}

// readSplitOf opens file in memory and reads its point data as readSplit
// does, reporting whether it could.
func readSplitOf(t *testing.T, file []byte) (*geometry.HeightMap, bool) {
	a, err := openArchive(geometry.NewBytesReader(file))
	require.NoError(t, err)
	defer a.close()
	mainFile, err := a.findMain()
	require.NoError(t, err)
	p := &parser{withData: true}
	_, err = p.parseMain(a, mainFile, true)
	require.NoError(t, err)
	f := a.find(p.h.pointLink, path.Dir(a.name(mainFile)))
	require.NotNil(t, f)
	return a.readSplit(f, p.h)
}

// TestDecodeSplit: a member inflated in two parts reads bit for bit as
// the same member inflated whole by klauspost's reader (an archive read
// through ReadAt).
func TestDecodeSplit(t *testing.T) {
	mainMember, data := splitMembers(t)
	file := rawZip(t, mainMember, data)
	half := len(data.data) / 2
	require.GreaterOrEqual(t, inflate.FindBlock(data.data, half, half+splitSearch), 0, "no boundary to cut at")
	split, ok := readSplitOf(t, file)
	require.True(t, ok, "not read in two parts")
	whole, err := Decode(bytes.NewReader(file), nil)
	require.NoError(t, err)
	inPlace, err := Decode(geometry.NewBytesReader(file), nil)
	require.NoError(t, err)
	requireSameBits(t, whole.Z, split.Z, "split")
	requireSameBits(t, whole.Z, inPlace.Z, "in place")
}

// TestDecodeSplitDamaged: a split member damaged in its head or its tail,
// or with a wrong CRC-32 or MD5, is not read in two parts, and Decode
// reports it as it does reading the member whole.
func TestDecodeSplitDamaged(t *testing.T) {
	mainMember, data := splitMembers(t)
	damage := func(at int) rawMember {
		d := data
		d.data = bytes.Clone(data.data)
		d.data[at] ^= 0x10
		return d
	}
	badCRC := data
	badCRC.crc ^= 1
	badMD5 := mainMember
	badMD5.data = bytes.Clone(mainMember.data)
	at := bytes.Index(badMD5.data, []byte("<MD5ChecksumPointData>")) + len("<MD5ChecksumPointData>")
	copy(badMD5.data[at:at+32], bytes.Repeat([]byte("0"), 32))
	badMD5.crc = crc32.ChecksumIEEE(badMD5.data)
	for name, members := range map[string][]rawMember{
		"head":    {mainMember, damage(len(data.data) / 4)},
		"tail":    {mainMember, damage(3 * len(data.data) / 4)},
		"CRC-32":  {mainMember, badCRC},
		"MD5":     {badMD5, data},
		"the end": {mainMember, damage(len(data.data) - 3)},
	} {
		t.Run(name, func(t *testing.T) {
			file := rawZip(t, members...)
			_, ok := readSplitOf(t, file)
			require.False(t, ok)
			_, err := Decode(bytes.NewReader(file), nil)
			require.Error(t, err)
			_, errInPlace := Decode(geometry.NewBytesReader(file), nil)
			require.EqualError(t, errInPlace, err.Error())
		})
	}
}

// BenchmarkDecodeSplit4MP decodes a 2048×2048 float64 map whose point
// data compress/flate deflated at its default level (dynamic blocks, as
// zlib writes them, not Go's BestSpeed that Encode uses): "in-place" from
// memory, inflated by geometry/internal/inflate in two parts at once,
// beside "readat", read through ReadAt and inflated whole by klauspost.
func BenchmarkDecodeSplit4MP(b *testing.B) {
	mainMember, data := deflatedMembers(b, 2048, 2048)
	file := rawZip(b, mainMember, data)
	for _, c := range []struct {
		name string
		open func() io.Reader
	}{
		{"in-place", func() io.Reader { return geometry.NewBytesReader(file) }},
		{"readat", func() io.Reader { return bytes.NewReader(file) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(data.size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(c.open(), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
