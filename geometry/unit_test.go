package geometry

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLengthUnit(t *testing.T) {
	for _, tc := range []struct {
		unit string
		um   float64 // µm per unit, by definition of the SI prefixes; 0 = not a length
	}{
		{"m", 1e6}, {" m ", 1e6}, {"km", 1e9}, {"dm", 1e5}, {"cm", 1e4}, {"mm", 1e3},
		{"um", 1}, {"\u00b5m", 1}, {"\u03bcm", 1}, {"nm", 1e-3}, {"pm", 1e-6}, {"fm", 1e-9},
		{"\u00c5", 1e-4}, {"\u212b", 1e-4}, {"Angstrom", 1e-4},
		{"", 0}, {"A", 0}, {"V", 0}, {"deg", 0}, {"m^2", 0}, {"Mm", 0}, {"xm", 0}, {"m/s", 0},
	} {
		t.Run(tc.unit, func(t *testing.T) {
			got, ok := LengthUnit(tc.unit)
			require.Equal(t, tc.um != 0, ok)
			require.Equal(t, tc.um, got)
		})
	}
}
