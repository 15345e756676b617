package x3p_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// Record2's date, creator and instrument reach the map's Meta; what the
// writer did not know ("unknown", "N/A") is no metadata.
func TestDecodeMetadata(t *testing.T) {
	m := geometry.New(4, 3, r2.Vec{X: 2, Y: 2})
	for i := range m.Z {
		m.Z[i] = float64(i)
	}
	date := time.Date(2026, 11, 30, 7, 15, 2, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		name string
		opts x3p.EncodeOptions
		want geometry.Metadata
	}{
		{"full", x3p.EncodeOptions{Date: date, Creator: "station-3",
			Instrument: x3p.Instrument{Manufacturer: "Acme", Model: "IFM-9", Serial: "SN42"}},
			geometry.Metadata{Time: date, Instrument: "Acme IFM-9, serial SN42", Creator: "station-3"}},
		{"serial unknown", x3p.EncodeOptions{Date: date, Instrument: x3p.Instrument{Manufacturer: "Acme"}},
			geometry.Metadata{Time: date, Instrument: "Acme", Creator: "mtgeo"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, x3p.Encode(&buf, m, &tc.opts))
			got, err := x3p.Decode(bytes.NewReader(buf.Bytes()), nil)
			require.NoError(t, err)
			require.True(t, tc.want.Time.Equal(got.Meta.Time), "time %v, want %v", got.Meta.Time, tc.want.Time)
			got.Meta.Time = tc.want.Time
			require.Equal(t, tc.want, got.Meta)
			require.Empty(t, got.Warnings)
		})
	}
}

// x3ptools writes N/A in every Record2 field: no metadata, no warning.
func TestDecodeMetadataNA(t *testing.T) {
	f, err := os.Open("testdata/x3ptools-testing.x3p")
	require.NoError(t, err)
	defer f.Close()
	m, err := x3p.Decode(f, nil)
	require.NoError(t, err)
	require.Equal(t, geometry.Metadata{}, m.Meta)
}
