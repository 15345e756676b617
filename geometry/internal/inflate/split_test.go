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
