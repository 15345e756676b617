package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAnalyzeStdin: 'mtgeo analyze -' prints for the bytes on stdin what
// it prints for the file, the file being named "stdin".
func TestAnalyzeStdin(t *testing.T) {
	data, err := os.ReadFile(sample16)
	require.NoError(t, err)
	_, want, _ := runCmd("analyze", "--format", "json", "--spec", "auto", sample16)
	stdin = bytes.NewReader(data)
	defer func() { stdin = os.Stdin }()
	code, got, stderr := runCmd("analyze", "--format", "json", "--spec", "auto", "-")
	require.Equal(t, exitOK, code, stderr)
	require.Equal(t, strings.Replace(want, `"file":"`+sample16+`"`, `"file":"stdin"`, 1), got)

	stdin = strings.NewReader("garbage")
	code, got, stderr = runCmd("analyze", "--format", "json", "-")
	require.Equal(t, exitError, code)
	require.Equal(t, "mtgeo analyze: stdin: geometry: unknown height-map format\n", stderr)
	require.Equal(t, `{"file":"stdin","error":"stdin: geometry: unknown height-map format"}`+"\n", got)

	code, _, stderr = runCmd("analyze", "-", sample16)
	require.Equal(t, exitError, code)
	require.Equal(t, "mtgeo analyze: - (stdin) is one file: give it alone\n", stderr)
}

// TestBatchFilesFrom: 'mtgeo batch --files-from -' takes the names on
// stdin, one per line.
func TestBatchFilesFrom(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	stdin = strings.NewReader(sample16 + "\r\n\n" + failing16 + "\n")
	defer func() { stdin = os.Stdin }()
	code, _, stderr := runCmd("batch", "--files-from", "-", "--out", out, "-j", "2")
	require.Equal(t, exitOK, code, stderr)
	b, err := os.ReadFile(filepath.Join(out, "results.jsonl"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], `"file":"`+sample16+`"`)
	require.Contains(t, lines[1], `"file":"`+failing16+`"`)

	stdin = strings.NewReader("\n\n")
	code, _, stderr = runCmd("batch", "--files-from", "-", "--out", out)
	require.Equal(t, exitError, code)
	require.Equal(t, "mtgeo batch: --files-from - names no file\n", stderr)
}
