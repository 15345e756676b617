package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry/x3p"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

// writeDated writes a synthetic MT-12 end face as X3P with a Record2 date.
func writeDated(tb testing.TB, path string, date time.Time) []byte {
	tb.Helper()
	m, _, err := synth.Generate(synth.Default("MT-12"))
	require.NoError(tb, err)
	var buf bytes.Buffer
	require.NoError(tb, x3p.Encode(&buf, m, &x3p.EncodeOptions{Float32: true, Date: date, Creator: "test"}))
	require.NoError(tb, os.WriteFile(path, buf.Bytes(), 0o666))
	return buf.Bytes()
}

// With Config.Hash a result carries the SHA-256 of the file's bytes (as
// sha256sum would print it); it always carries the file's own date. An
// unreadable file has neither; without Hash, no file has a hash.
func TestResultHashAndMeta(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.x3p")
	date := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	b := writeDated(t, path, date)
	sum := sha256.Sum256(b)
	res := AnalyzeFile(new(ferrule.Analyzer), path, &Config{Hash: true})
	require.NoError(t, res.Err)
	require.Equal(t, hex.EncodeToString(sum[:]), res.SHA256)
	require.True(t, res.Meta.Time.Equal(date), "%v", res.Meta.Time)
	require.Equal(t, "test", res.Meta.Creator)

	missing := AnalyzeFile(new(ferrule.Analyzer), filepath.Join(dir, "missing.x3p"), &Config{Hash: true})
	require.Error(t, missing.Err)
	require.Empty(t, missing.SHA256)

	unhashed := AnalyzeFile(new(ferrule.Analyzer), path, &Config{})
	require.NoError(t, unhashed.Err)
	require.Empty(t, unhashed.SHA256)
	require.True(t, unhashed.Meta.Time.Equal(date))
}

// BenchmarkFileHash is the cost of hashing a map file of the size of a
// 2233×600 px float32 X3P (as BenchmarkFile reads), from the page cache.
func BenchmarkFileHash(b *testing.B) {
	path := filepath.Join(b.TempDir(), "mt16.x3p")
	m, _, err := synth.Generate(synth.Random("MT-16", 100))
	require.NoError(b, err)
	var buf bytes.Buffer
	require.NoError(b, x3p.Encode(&buf, m, &x3p.EncodeOptions{Float32: true}))
	require.NoError(b, os.WriteFile(path, buf.Bytes(), 0o666))
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if hashFile(path) == "" {
			b.Fatal("no hash")
		}
	}
}
