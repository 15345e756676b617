package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func runRenderCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = runRender(args, &o, &e)
	return code, o.String(), e.String()
}

func TestRender(t *testing.T) {
	dir := t.TempDir()
	// The default output is FILE with .png: work on a copy in dir.
	src, err := os.ReadFile(failing16)
	require.NoError(t, err)
	in := filepath.Join(dir, "mt16.x3p")
	require.NoError(t, os.WriteFile(in, src, 0o644))

	t.Run("default png", func(t *testing.T) {
		code, out, errOut := runRenderCmd(in, "--width", "800")
		require.Equal(t, exitOK, code, errOut)
		want := filepath.Join(dir, "mt16.png")
		require.Equal(t, want+"\n", out)
		f, err := os.Open(want)
		require.NoError(t, err)
		defer f.Close()
		cfg, err := png.DecodeConfig(f)
		require.NoError(t, err)
		require.Equal(t, 800, cfg.Width)
	})
	t.Run("svg and chart, graded", func(t *testing.T) {
		svg, chart, tiles := filepath.Join(dir, "face.svg"), filepath.Join(dir, "heights.png"), filepath.Join(dir, "tips.svg")
		// The low-fiber part fails the built-in 16-fiber profile.
		code, out, errOut := runRenderCmd(in, "-o", svg, "--chart", chart, "--tiles", tiles, "--spec", "auto", "--width", "600")
		require.Equal(t, exitFail, code, errOut)
		require.Equal(t, svg+"\n"+chart+"\n"+tiles+"\n", out)
		b, err := os.ReadFile(svg)
		require.NoError(t, err)
		require.Contains(t, string(b), "<svg")
		require.Contains(t, string(b), "FAIL")
		f, err := os.Open(chart)
		require.NoError(t, err)
		defer f.Close()
		_, err = png.DecodeConfig(f)
		require.NoError(t, err)
	})
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"bad extension", []string{in, "-o", filepath.Join(dir, "x.gif")}, ".png or .svg"},
		{"missing file", []string{filepath.Join(dir, "none.x3p")}, "none.x3p"},
		{"bad spec", []string{in, "--spec", "no-such-profile"}, "no-such-profile"},
		{"bad width", []string{in, "--width", "0"}, "--width"},
		{"two files", []string{in, in}, "usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runRenderCmd(tc.args...)
			require.Equal(t, exitError, code)
			require.Contains(t, errOut, tc.msg)
		})
	}
	_, err = os.Stat(filepath.Join(dir, "x.gif"))
	require.True(t, os.IsNotExist(err), "no file written on error")
}
