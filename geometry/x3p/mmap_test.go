package x3p

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// noisyFile writes a 512×512 map of noise (2 MiB of point data that
// deflate barely shrinks) to an X3P file and returns its path and the map.
func noisyFile(t *testing.T) (string, *geometry.HeightMap) {
	t.Helper()
	m := geometry.New(512, 512, r2.Vec{X: 2, Y: 2})
	rnd := rand.New(rand.NewPCG(3, 3))
	for i := range m.Z {
		m.Z[i] = rnd.NormFloat64()
	}
	m.Z[7] = math.NaN()
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, m, nil))
	path := filepath.Join(t.TempDir(), "noise.x3p")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path, m
}

// mapsMembers reports whether this system maps archives (mapFile).
func mapsMembers() bool {
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		return true
	}
	return false
}

// TestDecodeMappedFile: a file is mapped (where the system allows it) and
// read in place, pipelined and in turn, to the same heights as the same
// bytes in memory; nothing of the mapping outlives Decode.
func TestDecodeMappedFile(t *testing.T) {
	path, want := noisyFile(t)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	a, err := openArchive(f)
	require.NoError(t, err)
	require.Equal(t, mapsMembers(), a.data != nil, "mapped")
	a.close()
	require.Nil(t, a.data)

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	inMemory, err := Decode(bytes.NewReader(data), nil)
	require.NoError(t, err)
	for _, serial := range []bool{false, true} {
		_, err := f.Seek(0, 0)
		require.NoError(t, err)
		m, err := Decode(f, &geometry.Options{Serial: serial})
		require.NoError(t, err)
		requireSameBits(t, inMemory.Z, m.Z, "mapped")
		for i, z := range m.Z {
			// Written in metres, read back in µm: within a few ulps.
			if w := want.Z[i]; !(w != w && z != z) && math.Abs(z-w) > 1e-15*(1+math.Abs(w)) {
				t.Fatalf("pixel %d: %v read, %v written", i, z, w)
			}
		}
	}
}

// TestDecodeBytesInPlace: an archive in memory as a geometry.BytesReader
// (as batch.AnalyzeBytes and the service hand it over) is read from its
// own bytes, not copied and not mapped, at its start or inside a larger
// buffer, to the heights a plain bytes.Reader gives.
func TestDecodeBytesInPlace(t *testing.T) {
	path, _ := noisyFile(t)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	want, err := Decode(bytes.NewReader(data), nil)
	require.NoError(t, err)
	const prefix = 777
	inside := append(make([]byte, prefix), data...)
	for _, tc := range []struct {
		name string
		buf  []byte
		at   int64
	}{{"whole", data, 0}, {"inside", inside, prefix}} {
		t.Run(tc.name, func(t *testing.T) {
			r := geometry.NewBytesReader(tc.buf)
			_, err := r.Seek(tc.at, io.SeekStart)
			require.NoError(t, err)
			a, err := openArchive(r)
			require.NoError(t, err)
			require.NotNil(t, a.data)
			require.Nil(t, a.unmap, "in memory, nothing to unmap")
			require.Same(t, &tc.buf[tc.at], &a.data[0], "read in place")
			a.close()
			_, err = r.Seek(tc.at, io.SeekStart)
			require.NoError(t, err)
			m, err := Decode(r, nil)
			require.NoError(t, err)
			requireSameBits(t, want.Z, m.Z, "in place")
		})
	}
}

// TestDecodeMappedFileOffset: an archive that starts inside a file (the
// reader positioned past a prefix not a multiple of the page size) is
// mapped from the page it starts in and read from its first byte.
func TestDecodeMappedFileOffset(t *testing.T) {
	path, _ := noisyFile(t)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	const prefix = 12345
	joined := filepath.Join(t.TempDir(), "prefixed.bin")
	require.NoError(t, os.WriteFile(joined, append(make([]byte, prefix), data...), 0o644))
	f, err := os.Open(joined)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Seek(prefix, 0)
	require.NoError(t, err)
	a, err := openArchive(f)
	require.NoError(t, err)
	require.Equal(t, mapsMembers(), a.data != nil, "mapped")
	if a.data != nil {
		require.Equal(t, data[:64], a.data[:64])
	}
	a.close()
	_, err = f.Seek(prefix, 0)
	require.NoError(t, err)
	m, err := Decode(f, nil)
	require.NoError(t, err)
	inMemory, err := Decode(bytes.NewReader(data), nil)
	require.NoError(t, err)
	requireSameBits(t, inMemory.Z, m.Z, "mapped")
}

// TestMappedFileDamaged: damage inside the point data of a mapped file
// is reported as it is for the same bytes in memory: corrupt deflate data
// or a CRC-32 mismatch, naming the member, pipelined and in turn.
func TestMappedFileDamaged(t *testing.T) {
	path, _ := noisyFile(t)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	a, err := openArchive(bytes.NewReader(data))
	require.NoError(t, err)
	point := a.find("bin/data.bin", ".")
	require.NotNil(t, point)
	off, err := point.DataOffset()
	require.NoError(t, err)
	for _, at := range []int64{off + int64(point.CompressedSize64)/2, off + int64(point.CompressedSize64) - 3} {
		bad := bytes.Clone(data)
		bad[at] ^= 0x55
		damaged := filepath.Join(t.TempDir(), "damaged.x3p")
		require.NoError(t, os.WriteFile(damaged, bad, 0o644))
		_, memErr := Decode(bytes.NewReader(bad), nil)
		require.Error(t, memErr)
		for _, serial := range []bool{false, true} {
			f, err := os.Open(damaged)
			require.NoError(t, err)
			_, fileErr := Decode(f, &geometry.Options{Serial: serial})
			f.Close()
			require.Error(t, fileErr)
			require.Contains(t, fileErr.Error(), "bin/data.bin")
			require.Equal(t, memErr.Error(), fileErr.Error())
		}
		require.True(t, errors.Is(memErr, zip.ErrChecksum) || strings.Contains(memErr.Error(), "flate: corrupt input"), memErr.Error())
	}
}

// TestMappedFileCutShort: a file cut short after it was mapped (its writer
// truncating it) faults where the pages are gone; Decode returns an error
// saying so, pipelined and in turn, instead of the process dying of
// SIGBUS.
func TestMappedFileCutShort(t *testing.T) {
	if !mapsMembers() {
		t.Skip("archives are not mapped on " + runtime.GOOS)
	}
	for _, serial := range []bool{false, true} {
		path, _ := noisyFile(t)
		f, err := os.Open(path)
		require.NoError(t, err)
		a, err := openArchive(f)
		require.NoError(t, err)
		mainFile, err := a.findMain()
		require.NoError(t, err)
		p := &parser{withData: true}
		_, err = p.parseMain(a, mainFile, true)
		require.NoError(t, err)
		point := a.find(p.h.pointLink, ".")
		require.NotNil(t, point)
		off, err := point.DataOffset()
		require.NoError(t, err)
		require.NoError(t, os.Truncate(path, off+8192)) // the point data's first pages stay

		read := func() (err error) {
			defer a.guard()()
			defer catchFault(&err)
			_, err = a.readPoints(point, p.h, serial)
			return err
		}
		err = read()
		require.ErrorIs(t, err, errFileShrank)
		require.Contains(t, err.Error(), "became shorter while it was read")
		a.close()
		f.Close()
	}
}
