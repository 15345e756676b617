package batch_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/stretchr/testify/require"
)

// TestAnalyzeBytesMatchesAnalyzeFile: the bytes of a file analysed under
// its own name give the report, byte for byte, and the error text that
// AnalyzeFile gives for the file (what stdin mode and the service rely on).
func TestAnalyzeBytesMatchesAnalyzeFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.x3p")
	require.NoError(t, os.WriteFile(bad, []byte("PK\x03\x04 not really a zip"), 0o644))
	empty := filepath.Join(dir, "empty.x3p")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	prof, err := ferrule.LoadProfile("iec-style-pc-16")
	require.NoError(t, err)
	for _, tc := range []struct {
		path string
		cfg  batch.Config
	}{
		{"../../testdata/mt16.x3p", batch.Config{}},
		{"../../testdata/mt16.x3p", batch.Config{Profile: prof}},
		{"../../testdata/mt12.x3p", batch.Config{Profile: prof}}, // profile not for MT-12: a grading error
		{"../../testdata/mt24-domed.x3p", batch.Config{}},
		{bad, batch.Config{}},
		{empty, batch.Config{}},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			data, err := os.ReadFile(tc.path)
			require.NoError(t, err)
			var an ferrule.Analyzer
			want := batch.AnalyzeFile(&an, tc.path, &tc.cfg)
			got := batch.AnalyzeBytes(&an, tc.path, data, &tc.cfg)
			require.Equal(t, want.Format, got.Format)
			if want.Err != nil {
				require.EqualError(t, got.Err, want.Err.Error())
				return
			}
			require.NoError(t, got.Err)
			wj, err := json.Marshal(want.Report)
			require.NoError(t, err)
			gj, err := json.Marshal(got.Report)
			require.NoError(t, err)
			require.Equal(t, string(wj), string(gj))
		})
	}
}
