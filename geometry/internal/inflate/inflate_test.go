package inflate

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	kflate "github.com/klauspost/compress/flate"
	"github.com/stretchr/testify/require"
)

// zlibStreams are the streams of testdata, written by zlib 1.2.13 through
// Python (testdata/make.py), with the length, CRC-32 and SHA-256 of their
// contents as Python computed them from the input it deflated.
var zlibStreams = []struct {
	name   string
	size   int
	crc    uint32
	sha256 string
}{
	{"heights-l6", 262144, 0xb47e73d7, "36fd004e9f3924c49fce0fd3292152117df8e8993896ceb0467dfde4dbcd95e3"},
	{"heights-l1", 65536, 0xb4efd13b, "b75d15dc27f5741eafe1da0375b60c9257f186d62d6ef04bf4ddd1e9d9dcbe8f"},
	{"heights-l9", 65536, 0x088f8d43, "12ef47272178dadfdf6db5ab6df258a8257f71cfd3549217033ba90c97cc0c62"},
	{"heights-huffman", 65536, 0xe336f350, "bf51e2c074683689c218bfb7ce82e6fa6d89f574261491373cd7e29e18782271"},
	{"text-l6", 99999, 0x1620afa3, "d9f0df4190a645e73062097265958e232d84eca578436368a3a20fe4aaf93240"},
	{"text-fixed", 20000, 0xe0cabbfe, "6c3ee66b1b7501ba1f81ad6de786e598ba1aa1f0a3cdbddc4f10a97dbc01790a"},
	{"runs-rle", 100000, 0x420d6922, "e0d1dabc715a72df0f1a8ee4178ad5f62dba506002fd2ea601f641a172c2517a"},
	{"runs-l6", 100000, 0x0b9fa719, "fc494de6d3a6e843ed0b5d19853b42fcb798c55af66877ec17d4b85cd18c4857"},
	{"random-stored", 70000, 0xca1f35ef, "c9578083730843e325300990b97c9bfabb649b2ad689476e0b4a28bedc6fc6b3"},
	{"empty", 0, 0x00000000, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
}

func readStream(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name+".deflate"))
	require.NoError(t, err)
	return b
}

// readAll reads r to its end in reads of step bytes.
func readAll(r io.Reader, step int) ([]byte, error) {
	var out []byte
	buf := make([]byte, step)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// TestZlibStreams inflates zlib's streams of every block type and
// strategy (stored, fixed and dynamic codes, copies 1 to 32768 bytes back)
// to the contents Python recorded, in reads large and small, without
// handing over to klauspost's inflater.
func TestZlibStreams(t *testing.T) {
	z := NewReader(nil)
	for _, c := range zlibStreams {
		for _, step := range []int{1 << 20, 4093, 1} {
			src := readStream(t, c.name)
			z.Reset(src)
			got, err := readAll(z, step)
			require.NoError(t, err, c.name)
			require.Nil(t, z.fallback, "%s: the decoder gave up", c.name)
			require.Len(t, got, c.size, c.name)
			require.Equal(t, c.crc, crc32.ChecksumIEEE(got), c.name)
			sum := sha256.Sum256(got)
			require.Equal(t, c.sha256, hex.EncodeToString(sum[:]), c.name)
		}
	}
}

// testInputs returns inputs of the kinds deflate treats differently.
func testInputs() map[string][]byte {
	rnd := rand.New(rand.NewPCG(3, 3))
	heights := make([]byte, 8*200000) // float64 metres with noise: mostly literals
	for i := range 200000 {
		z := 1e-7*math.Sin(float64(i)/300) + 2e-9*rnd.NormFloat64()
		binary.LittleEndian.PutUint64(heights[8*i:], math.Float64bits(z))
	}
	quantised := make([]byte, 2*300000) // int16 steps: long copies
	for i := range 300000 {
		binary.LittleEndian.PutUint16(quantised[2*i:], uint16(int16(100*math.Sin(float64(i)/5000))))
	}
	random := make([]byte, 300000)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	var text []byte
	words := []string{"ferrule ", "fiber ", "pin ", "hole ", "apex ", "radius ", "core ", "dip "}
	for len(text) < 500000 {
		text = append(text, words[rnd.IntN(len(words))]...)
	}
	return map[string][]byte{
		"heights": heights, "quantised": quantised, "random": random, "text": text,
		"zeros": make([]byte, 1<<20), "one": {42}, "empty": {},
	}
}

// TestAgainstFlate inflates what compress/flate writes at every level,
// with flushes (empty stored blocks) in the middle, back to the input.
func TestAgainstFlate(t *testing.T) {
	z := NewReader(nil)
	for name, in := range testInputs() {
		for _, level := range []int{flate.HuffmanOnly, flate.NoCompression, flate.BestSpeed, 4, flate.DefaultCompression, flate.BestCompression} {
			var buf bytes.Buffer
			w, err := flate.NewWriter(&buf, level)
			require.NoError(t, err)
			for i := 0; i < len(in); i += 100003 {
				_, err := w.Write(in[i:min(len(in), i+100003)])
				require.NoError(t, err)
				require.NoError(t, w.Flush())
			}
			require.NoError(t, w.Close())
			z.Reset(buf.Bytes())
			got, err := io.ReadAll(z)
			require.NoError(t, err, "%s level %d", name, level)
			require.Nil(t, z.fallback, "%s level %d: the decoder gave up", name, level)
			require.True(t, bytes.Equal(in, got), "%s level %d", name, level)
		}
	}
}

// klauspostRead is what klauspost's inflater reads from src: the bytes
// and the error that ends them.
func klauspostRead(src []byte) ([]byte, error) {
	return readAll(kflate.NewReader(bytes.NewReader(src)), 1<<16)
}

// TestDamagedSameAsKlauspost checks that streams cut short or with a byte
// changed read as klauspost's inflater reads them: the same bytes, then
// the same error (or none, where the change still makes a valid stream).
func TestDamagedSameAsKlauspost(t *testing.T) {
	z := NewReader(nil)
	for _, c := range zlibStreams {
		src := readStream(t, c.name)
		var damaged [][]byte
		for _, n := range []int{0, 1, 2, 5, len(src) / 3, len(src) / 2, len(src) - 1} {
			if n >= 0 && n < len(src) {
				damaged = append(damaged, src[:n])
			}
		}
		for _, at := range []int{0, 1, 3, 17, len(src) / 4, len(src) / 2, len(src) - 2} {
			if at >= 0 && at < len(src) {
				b := bytes.Clone(src)
				b[at] ^= 0x5a
				damaged = append(damaged, b)
			}
		}
		for i, b := range damaged {
			want, wantErr := klauspostRead(b)
			z.Reset(b)
			got, err := readAll(z, 1<<16)
			require.True(t, bytes.Equal(want, got), "%s #%d: %d bytes, klauspost %d", c.name, i, len(got), len(want))
			if wantErr == nil {
				require.NoError(t, err, "%s #%d", c.name, i)
			} else {
				require.EqualError(t, err, wantErr.Error(), "%s #%d", c.name, i)
			}
		}
	}
}

// TestCopies checks copies at every distance from 1 to 300 bytes and of
// every length, against a byte-by-byte copy.
func TestCopies(t *testing.T) {
	for distance := 1; distance <= 300; distance++ {
		for length := 3; length <= 258; length += 1 + length/16 {
			dst := make([]byte, 600+length+8)
			for i := range 600 {
				dst[i] = byte(i*7 + i/13)
			}
			want := bytes.Clone(dst)
			for i := range length {
				want[600+i] = want[600-distance+i]
			}
			copyMatch(dst, 600, distance, length)
			require.Equal(t, want[:600+length], dst[:600+length], "distance %d, length %d", distance, length)
		}
	}
}

// TestCodes checks which code lengths make a code: complete ones, none,
// or a single code of one bit, as RFC 1951 decoders (zlib, compress/flate)
// accept them.
func TestCodes(t *testing.T) {
	var tb table
	for _, c := range []struct {
		lengths []uint8
		ok      bool
	}{
		{[]uint8{1, 1}, true},
		{[]uint8{1, 2, 2}, true},
		{[]uint8{2, 2, 2, 2}, true},
		{[]uint8{0, 1, 0}, true},  // a single one-bit code
		{[]uint8{0, 0, 0}, true},  // no code (a block without copies)
		{[]uint8{1, 2}, false},    // incomplete
		{[]uint8{2}, false},       // a single code of two bits
		{[]uint8{1, 1, 1}, false}, // over-subscribed
	} {
		require.Equal(t, c.ok, tb.build(c.lengths, distRootBits, distEntry), "%v", c.lengths)
	}
}

func FuzzReader(f *testing.F) {
	for _, c := range zlibStreams {
		if src := readStream(f, c.name); len(src) < 1<<15 {
			f.Add(src)
		}
	}
	for _, in := range [][]byte{{}, {1}, {3, 0}, {0, 0, 0, 0xff, 0xff}, {0xff, 0xff, 0xff}} {
		f.Add(in)
	}
	z := NewReader(nil)
	f.Fuzz(func(t *testing.T, src []byte) {
		want, wantErr := klauspostRead(src)
		z.Reset(src)
		got, err := readAll(z, 1<<16)
		if !bytes.Equal(want, got) {
			t.Fatalf("%d bytes, klauspost %d", len(got), len(want))
		}
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("error %v, klauspost %v", err, wantErr)
		}
	})
}

// BenchmarkReader inflates zlib's level-6 stream of float64 heights with
// noise (as X3P writers deflate measured maps), beside klauspost's
// inflater on the same stream.
func BenchmarkReader(b *testing.B) {
	src := readStream(b, "heights-l6")
	buf := make([]byte, 256<<10)
	b.Run("inflate", func(b *testing.B) {
		b.SetBytes(262144)
		b.ReportAllocs()
		z := NewReader(src)
		for b.Loop() {
			z.Reset(src)
			for {
				if _, err := z.Read(buf); err != nil {
					break
				}
			}
		}
	})
	b.Run("klauspost", func(b *testing.B) {
		b.SetBytes(262144)
		b.ReportAllocs()
		for b.Loop() {
			z := kflate.NewReader(bytes.NewReader(src))
			for {
				if _, err := z.Read(buf); err != nil {
					break
				}
			}
		}
	})
}

// TestCutAtChunk cuts a stream at every byte around where its output
// crosses the first chunk, so that the careful loop meets the end of the
// input as the chunk fills: what is read before the error is what
// klauspost's inflater reads, no byte decoded from past the end.
func TestCutAtChunk(t *testing.T) {
	in := testInputs()["text"]
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.HuffmanOnly) // about one input byte per output byte
	require.NoError(t, err)
	_, err = w.Write(in)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	src := buf.Bytes()
	at := int(int64(len(src)) * chunk / int64(len(in)))
	z := NewReader(nil)
	w0, _ := klauspostRead(src[:at-150])
	w1, _ := klauspostRead(src[:at+150])
	t.Logf("%d %d %d", len(w0), len(w1), len(src))
	for n := at - 150; n <= at+150; n++ {
		want, wantErr := klauspostRead(src[:n])
		z.Reset(src[:n])
		got, err := readAll(z, 1<<16)
		require.True(t, bytes.Equal(want, got), "cut at %d: %d bytes, klauspost %d", n, len(got), len(want))
		require.EqualError(t, err, wantErr.Error(), "cut at %d", n)
	}
}
