package decodetest

import (
	"bytes"
	"io"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
)

// StreamOnly hides Seek, so a decoder reads the Reader as a pipe.
type StreamOnly struct{ io.Reader }

// Readers returns constructors of a seekable ("seekable") and a stream
// ("stream", StreamOnly) reader of raw, keyed by name for t.Run.
func Readers(raw []byte) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"seekable": func() io.Reader { return bytes.NewReader(raw) },
		"stream":   func() io.Reader { return StreamOnly{bytes.NewReader(raw)} },
	}
}

// DecodeBoth decodes raw from a seekable reader and from a StreamOnly one
// and requires the two to agree: both fail, or both succeed with the same
// heights (NaN where the other has NaN). It returns the seekable result.
func DecodeBoth(t testing.TB, raw []byte, decode DecodeFunc, opts *geometry.Options) (*geometry.HeightMap, error) {
	t.Helper()
	m, err := decode(bytes.NewReader(raw), opts)
	ms, errs := decode(StreamOnly{bytes.NewReader(raw)}, opts)
	require.Equal(t, err == nil, errs == nil, "seekable: %v, stream: %v", err, errs)
	if err != nil {
		return m, err
	}
	require.Equal(t, len(m.Z), len(ms.Z))
	for i := range m.Z {
		require.True(t, m.Z[i] == ms.Z[i] || (math.IsNaN(m.Z[i]) && math.IsNaN(ms.Z[i])), "Z[%d]", i)
	}
	return m, nil
}
