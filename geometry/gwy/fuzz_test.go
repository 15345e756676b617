package gwy_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/gwy"
	"github.com/mtgeo/mtgeo/geometry/internal/decodetest"
)

// FuzzDecode checks that no input panics, that the seekable and stream
// paths and DecodeConfig agree, that strict reading refuses exactly the
// maps read with warnings, and that a decoded map survives an
// encode-decode round trip.
func FuzzDecode(f *testing.F) {
	for _, raw := range decodetest.ReadFiles(f, "testdata/*.gwy") {
		decodetest.AddTruncations(f, raw, len(raw)-1, len(raw)/2, 200, 40)
	}
	small := df{xres: 3, yres: 2, xreal: 3e-6, yreal: 4e-6, xoff: 1e-6, unitXY: "m", unitZ: "m",
		data: []float64{1e-6, math.NaN(), 3e-6, math.Inf(1), 5e-6, 6e-6}}
	mask := small
	mask.unitZ, mask.data = "", []float64{0, 0, 1, 0, 0, 0}
	f.Add(file(comp{"/0/data", 'o', dataField(small)}))
	f.Add(file(comp{"/0/mask", 'o', dataField(mask)}, comp{"/0/data", 'o', dataField(small)}))
	f.Add(file(append([]comp{{"/4/data", 'o', dataField(small)}}, allTypes...)...))
	f.Add(file(allTypes...))
	f.Add([]byte(gwy.Magic))
	// Gwyddion 1 (GWYO): every item type, a mask, no units.
	f.Add(file1(gwyddion1Items(comp{"/0/data", 'o', dataField(small)}, comp{"/0/mask", 'o', dataField(mask)})...))
	noUnits := small
	noUnits.unitXY, noUnits.unitZ = "", ""
	f.Add(file1(comp{"/0/data", 'o', dataField(noUnits)}))
	f.Add(file1(comp{"/0/data/title", 's', "x"}))
	f.Add([]byte(gwy.Magic1))
	prefixed := small
	prefixed.unitXY, prefixed.unitZ = "\u00b5m", "nm"
	f.Add(file(comp{"/0/data", 'o', dataField(prefixed)}))

	f.Fuzz(func(t *testing.T, raw []byte) {
		cfg, cfgErr := gwy.DecodeConfig(bytes.NewReader(raw), nil)
		if cfgErr == nil && cfg.Cols*cfg.Rows > decodetest.FuzzMaxPixels {
			return // a huge map: decoding it only costs time
		}
		m, err := decodetest.DecodeBoth(t, raw, gwy.Decode, nil)
		_, cfgErrs := gwy.DecodeConfig(decodetest.StreamOnly{Reader: bytes.NewReader(raw)}, nil)
		require.Equal(t, cfgErr == nil, cfgErrs == nil, "seekable: %v, stream: %v", cfgErr, cfgErrs)
		if err != nil {
			require.Nil(t, m)
			return
		}
		require.NoError(t, cfgErr)
		require.Equal(t, geometry.Config{Format: "gwy", Cols: m.Cols(), Rows: m.Rows(), Pitch: m.Pitch, Offset: m.Offset}, cfg)
		require.Len(t, m.Z, m.Stride*m.Rows())
		require.LessOrEqual(t, len(m.Z), geometry.MaxPixels)
		sm, _, err := geometry.Decode(bytes.NewReader(raw), &geometry.Options{Strict: true})
		if len(m.Warnings) == 0 {
			require.NoError(t, err)
			require.Equal(t, m.Rect, sm.Rect)
		} else {
			var se geometry.StrictError
			require.ErrorAs(t, err, &se)
			require.Equal(t, geometry.StrictError(m.Warnings), se)
		}

		back, err := gwy.Decode(bytes.NewReader(encode(m)), nil)
		if err != nil {
			// µm → m → µm can leave the float64 range only at its ends.
			require.ErrorContains(t, err, "pixel size")
			return
		}
		require.Equal(t, m.Rect, back.Rect)
		require.Empty(t, back.Warnings)        // encode writes units m
		near := func(want, got float64) bool { // a few roundings by 1e6 and by the size
			return want == got || math.Abs(got-want) <= 1e-14*math.Abs(want) || math.Abs(want) < 1e-290
		}
		require.True(t, near(m.Pitch.X, back.Pitch.X) && near(m.Pitch.Y, back.Pitch.Y), "pitch %v, back %v", m.Pitch, back.Pitch)
		require.True(t, near(m.Offset.X, back.Offset.X) && near(m.Offset.Y, back.Offset.Y), "offset %v, back %v", m.Offset, back.Offset)
		for i, z := range m.Z {
			if math.IsNaN(z) {
				require.True(t, math.IsNaN(back.Z[i]), "Z[%d] = %g, back %g", i, z, back.Z[i])
				continue
			}
			require.True(t, near(z, back.Z[i]) || math.IsInf(z*1e-6*1e6, 0), "Z[%d] = %g, back %g", i, z, back.Z[i])
		}
	})
}
