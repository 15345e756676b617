package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func runReportCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = runReport(args, &o, &e)
	return code, o.String(), e.String()
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.x3p")
	require.NoError(t, os.WriteFile(bad, []byte("PK\x03\x04 truncated"), 0o644))
	// The same file twice under one base name: the pages get distinct names.
	other := filepath.Join(dir, "copy")
	require.NoError(t, os.MkdirAll(other, 0o755))
	src, err := os.ReadFile(sample16)
	require.NoError(t, err)
	twin := filepath.Join(other, "mt16.x3p")
	require.NoError(t, os.WriteFile(twin, src, 0o644))

	out := filepath.Join(dir, "report")
	code, stdout, stderr := runReportCmd("-o", out, "--width", "400", sample16, twin, bad)
	require.Equal(t, exitError, code, "a file could not be read")
	require.Contains(t, stderr, "broken.x3p")
	want := []string{filepath.Join(out, "mt16.html"), filepath.Join(out, "mt16-2.html"), filepath.Join(out, "index.html")}
	require.Equal(t, strings.Join(want, "\n")+"\n", stdout)
	page, err := os.ReadFile(want[0])
	require.NoError(t, err)
	require.Contains(t, string(page), `href="index.html"`)
	require.Contains(t, string(page), "not graded")
	require.NotContains(t, strings.ToLower(string(page)), "<script")
	lot, err := os.ReadFile(want[2])
	require.NoError(t, err)
	require.Contains(t, string(lot), `<a href="mt16.html">../../testdata/mt16.x3p</a>`)
	require.Contains(t, string(lot), `<a href="mt16-2.html">`)
	require.Contains(t, string(lot), "broken.x3p")

	t.Run("one file, graded", func(t *testing.T) {
		out := filepath.Join(dir, "one")
		code, stdout, stderr := runReportCmd(failing16, "-o", out, "--spec", "iec-style-pc-16", "--width", "400")
		require.Equal(t, exitFail, code, stderr)
		require.Equal(t, filepath.Join(out, "mt16-fail-low-fiber.html")+"\n", stdout, "no lot page for one file")
		page, err := os.ReadFile(filepath.Join(out, "mt16-fail-low-fiber.html"))
		require.NoError(t, err)
		require.Contains(t, string(page), `id="verdict">FAIL<`)
		require.Contains(t, string(page), "iec-style-pc-16")
	})
	t.Run("usage", func(t *testing.T) {
		code, _, stderr := runReportCmd(sample16)
		require.Equal(t, exitError, code)
		require.Contains(t, stderr, "-o DIR")
	})
}

func TestPageNames(t *testing.T) {
	require.Equal(t, []string{"a.html", "a-2.html", "index-2.html", "A-3.html", "b.html"},
		pageNames([]string{"x/a.x3p", "y/a.datx", "index.x3p", "A.x3p", "b"}))
}
