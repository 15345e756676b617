package inflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// splitRead inflates src cut at byte k: the head to its end, the tail
// resolved from the head's window.
func splitRead(t *testing.T, src []byte, k, limit int) ([]byte, error) {
	head, err := io.ReadAll(NewHead(src, k))
	if err != nil {
		return nil, err
	}
	var stop atomic.Bool
	tail, err := InflateTail(src[k:], limit, &stop)
	require.NoError(t, err)
	defer tail.Release()
	z := NewHead(src, k) // the window as the head leaves it
	_, err = io.Copy(io.Discard, z)
	require.NoError(t, err)
	require.True(t, tail.Resolve(z.Window()))
	return append(head, tail.Bytes...), nil
}

// TestSplit cuts streams of zlib (heights, text, runs) and compress/flate
// at every block boundary FindBlock finds and checks that the head and the
// resolved tail make the whole stream, and that a cut that is not a
// boundary is refused.
func TestSplit(t *testing.T) {
	streams := map[string][]byte{}
	for _, name := range []string{"heights-l6", "heights-l9", "text-l6", "runs-l6"} {
		streams[name] = readStream(t, name)
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.DefaultCompression)
	require.NoError(t, err)
	_, err = w.Write(bytes.Repeat(testInputs()["heights"], 2))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	streams["flate-heights"] = buf.Bytes()
	for name, src := range streams {
		want, err := klauspostRead(src)
		require.NoError(t, err)
		cuts, refused := 0, 0
		if k := FindBlock(src, 1, len(src)); k > 0 {
			_, err := io.ReadAll(NewHead(src, k+1)) // not a boundary
			require.ErrorIs(t, err, ErrNotBoundary, name)
		}
		for k := 1; k < len(src); {
			k = FindBlock(src, k, len(src))
			if k < 0 {
				break
			}
			got, err := splitRead(t, src, k, len(want))
			if errors.Is(err, ErrNotBoundary) {
				refused++
			} else {
				require.NoError(t, err, "%s at %d", name, k)
				require.True(t, bytes.Equal(want, got), "%s cut at %d", name, k)
				cuts++
			}
			k++
		}
		if name == "heights-l6" || name == "flate-heights" { // long enough to have boundaries on byte edges
			require.NotZero(t, cuts, name)
		}
		t.Logf("%s: %d cuts, %d refused", name, cuts, refused)
	}
}

// FuzzSplit cuts streams at the first block boundary FindBlock finds from
// an offset: where the head and the tail both read and the tail resolves,
// they must make what klauspost's inflater reads, if it reads the stream.
func FuzzSplit(f *testing.F) {
	for _, c := range zlibStreams {
		if src := readStream(f, c.name); len(src) < 1<<16 {
			f.Add(src, uint32(len(src)/3))
		}
	}
	f.Add(readStream(f, "heights-l6"), uint32(100000))
	f.Fuzz(func(t *testing.T, src []byte, from uint32) {
		if len(src) == 0 {
			return
		}
		k := FindBlock(src, int(from%uint32(len(src))), len(src))
		if k < 0 {
			return
		}
		head, herr := io.ReadAll(NewHead(src, k))
		var stop atomic.Bool
		tail, terr := InflateTail(src[k:], 1<<22, &stop)
		if herr != nil || terr != nil {
			return
		}
		defer tail.Release()
		z := NewHead(src, k)
		if _, err := io.Copy(io.Discard, z); err != nil || !tail.Resolve(z.Window()) {
			return
		}
		want, err := klauspostRead(src)
		if err == nil && !bytes.Equal(want, append(head, tail.Bytes...)) {
			t.Fatalf("cut at %d: %d+%d bytes, klauspost %d", k, len(head), len(tail.Bytes), len(want))
		}
	})
}
