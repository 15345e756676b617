package ferrule

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTagged(t *testing.T) {
	for v, want := range map[string]bool{
		"v0.4.0": true, "v1.2.3-rc.1": true,
		"": false, "(devel)": false,
		"v0.0.0-20261201124822-7062e4a69233":       false, // a commit's pseudo-version
		"v0.4.1-0.20261201124822-7062e4a69233":     false,
		"v0.0.0-20261201124822-7062e4a69233+dirty": false,
	} {
		require.Equal(t, want, tagged(v), v)
	}
	s := ThisSoftware()
	require.Equal(t, "mtgeo", s.Name)
	require.NotEmpty(t, s.Version)
}
