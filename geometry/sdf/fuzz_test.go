package sdf

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
	"github.com/stretchr/testify/require"
)

// fuzzMaxPixels keeps each fuzz input cheap: larger headers are only
// checked by DecodeConfig.
const fuzzMaxPixels = 1 << 16

func FuzzDecode(f *testing.F) {
	var seeds [][]byte
	for dtype := range byte(numTypes) {
		for _, v := range []string{"bISO-1.0", "bISO-2.0", "bBCR-1.0"} {
			seeds = append(seeds, small(v, dtype, 1, -2, 3, 127, 255, -128).bytes())
		}
	}
	olympus := small("bISO-1.0", typeInt16, 1, 2, 3, 4, 5, 6)
	olympus.extra = olympusExtra
	seeds = append(seeds, olympus.bytes(), []byte(isoExample), []byte(bcrExample))
	seeds = append(seeds, decodetest.ReadFiles(f, filepath.Join("testdata", "*.sdf"),
		filepath.Join("testdata", "gwyddion_read", "*.sdf"))...)
	for _, s := range seeds {
		decodetest.AddTruncations(f, s, 1, 8, 40, headerLenV1, headerLenV2, len(s)/2, len(s)-1)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := DecodeConfig(bytes.NewReader(b), nil)
		if errors.Is(err, geometry.ErrTooLarge) || (err == nil && cfg.Cols*cfg.Rows > fuzzMaxPixels) {
			return
		}
		m, err := Decode(bytes.NewReader(b), nil)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "sdf: "), err.Error())
			return
		}
		require.NoError(t, err, "DecodeConfig failed where Decode did not")
		require.Equal(t, cfg.Cols, m.Cols())
		require.Equal(t, cfg.Rows, m.Rows())
		require.Equal(t, cfg.Pitch, m.Pitch)
		require.Len(t, m.Z, m.Stride*m.Rect.Dy())
		require.True(t, positive(m.Pitch.X) && positive(m.Pitch.Y), "pitch %v", m.Pitch)
		for i, z := range m.Z {
			require.Falsef(t, math.IsInf(z, 0), "pixel %d is %g", i, z)
		}

		// Round trip through a float64 bISO-2.0 file holding the heights
		// in µm (Zscale 1e-6 m).
		raw := make([]float64, len(m.Z))
		copy(raw, m.Z)
		rt := binFile{version: "bISO-2.0", cols: m.Cols(), rows: m.Rows(), xscale: m.Pitch.X / umPerM,
			yscale: m.Pitch.Y / umPerM, zscale: 1 / umPerM, dtype: typeFloat64, data: encode(typeFloat64, raw...)}
		m2, err := Decode(bytes.NewReader(rt.bytes()), nil)
		require.NoError(t, err)
		require.Equal(t, m.Rect, m2.Rect)
		for i, z := range m.Z {
			if math.IsNaN(z) || z == -math.MaxFloat64 {
				require.True(t, math.IsNaN(m2.Z[i]))
				continue
			}
			require.InDelta(t, z, m2.Z[i], 1e-12*math.Abs(z)+1e-300)
		}
	})
}
