package decodetest

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/geometry"
)

// DecodeFunc is the signature of a decoder's Decode.
type DecodeFunc func(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error)

// ConfigFunc is the signature of a decoder's DecodeConfig.
type ConfigFunc func(r io.Reader, opts *geometry.Options) (geometry.Config, error)

// RequireHeights requires m.Z to hold want: len(m.Z) == len(want), a NaN
// wherever want has one, and |m.Z[i] − want[i]| ≤ tol elsewhere (µm).
func RequireHeights(t testing.TB, want []float64, m *geometry.HeightMap, tol float64) {
	t.Helper()
	RequireHeightsRel(t, want, m, tol, 0)
}

// RequireHeightsRel is RequireHeights with the tolerance abs + rel·|want[i]|
// for pixel i, for heights that span many orders of magnitude.
func RequireHeightsRel(t testing.TB, want []float64, m *geometry.HeightMap, abs, rel float64) {
	t.Helper()
	require.Len(t, m.Z, len(want))
	for i, w := range want {
		if math.IsNaN(w) {
			require.Truef(t, math.IsNaN(m.Z[i]), "pixel %d: want NaN, got %g", i, m.Z[i])
			continue
		}
		tol := abs
		if rel != 0 {
			tol += rel * math.Abs(w)
		}
		require.InDeltaf(t, w, m.Z[i], tol, "pixel %d", i)
	}
}

// RequireError requires err to be an error of the decoder package pkg: not
// nil, its message starting with pkg + ": " (STYLE R6), and, where is or
// as is not nil, errors.Is(err, is) and errors.As(err, as). msgAndArgs, as
// in testify, annotates the failures of those three checks.
func RequireError(t testing.TB, err error, pkg string, is error, as any, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Truef(t, strings.HasPrefix(err.Error(), pkg+": "), "error %q lacks the package prefix %q", err, pkg+": ")
	if is != nil {
		require.ErrorIs(t, err, is, msgAndArgs...)
	}
	if as != nil {
		require.ErrorAs(t, err, as, msgAndArgs...)
	}
}

// IsFormat requires err to be a geometry.FormatError. IsFormat,
// IsUnsupported, IsUnexpectedEOF and IsTooLarge fit the check column of an
// error table.
func IsFormat(t *testing.T, err error) {
	t.Helper()
	var fe geometry.FormatError
	require.ErrorAs(t, err, &fe)
}

// IsUnsupported requires err to be a geometry.UnsupportedError.
func IsUnsupported(t *testing.T, err error) {
	t.Helper()
	var ue geometry.UnsupportedError
	require.ErrorAs(t, err, &ue)
}

// IsUnexpectedEOF requires err to wrap io.ErrUnexpectedEOF.
func IsUnexpectedEOF(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// IsTooLarge requires err to wrap geometry.ErrTooLarge.
func IsTooLarge(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, geometry.ErrTooLarge)
}

// knownKind reports whether err is one of the kinds a decoder returns for
// bad input: a FormatError, an UnsupportedError, io.ErrUnexpectedEOF or
// geometry.ErrTooLarge.
func knownKind(err error) bool {
	var fe geometry.FormatError
	var ue geometry.UnsupportedError
	return errors.As(err, &fe) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, geometry.ErrTooLarge)
}

// Patch returns a copy of b with the bytes at off replaced by v.
func Patch(b []byte, off int, v ...byte) []byte {
	c := append([]byte(nil), b...)
	copy(c[off:], v)
	return c
}

// RealSample returns the bytes of a real file too large to commit, from the
// folder $MTGEO_REAL_SAMPLES, and skips the test where that is not set or
// the file is not in it. An env argument names another variable to read
// the folder from (only the first is used).
func RealSample(t testing.TB, name string, env ...string) []byte {
	t.Helper()
	v := "MTGEO_REAL_SAMPLES"
	if len(env) > 0 {
		v = env[0]
	}
	dir := os.Getenv(v)
	if dir == "" {
		t.Skipf("set %s to a folder holding %s", v, name)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if os.IsNotExist(err) {
		t.Skipf("%s not in %s", name, dir)
	}
	require.NoError(t, err)
	return b
}

// RealCase is what other readers say of a real sample file (see
// RequireReal): its size, pitch and the statistics of its valid heights,
// with the tolerances each figure is known to.
type RealCase struct {
	File           string
	Cols, Rows     int
	PitchX, PitchY float64 // µm
	PitchRTol      float64 // relative tolerance of both pitches
	Valid          int
	Min, Max       float64 // µm
	Mean, RMS      float64 // µm
	TolExtrema     float64 // absolute tolerance of Min and Max, µm
	TolMean        float64 // absolute tolerance of Mean, µm
	TolRMS         float64 // absolute tolerance of RMS, µm, where RTolRMS is 0
	RTolRMS        float64 // relative tolerance of RMS, if not 0
}

// RequireReal decodes c.File, read by RealSample (and so skipped where it
// is absent), with default options and requires a map without warnings
// that matches c.
func RequireReal(t *testing.T, decode DecodeFunc, c RealCase) {
	t.Helper()
	m, err := decode(bytes.NewReader(RealSample(t, c.File)), nil)
	require.NoError(t, err)
	require.Empty(t, m.Warnings)
	require.Equal(t, c.Cols, m.Cols())
	require.Equal(t, c.Rows, m.Rows())
	require.InEpsilon(t, c.PitchX, m.Pitch.X, c.PitchRTol)
	require.InEpsilon(t, c.PitchY, m.Pitch.Y, c.PitchRTol)
	s := m.Stats()
	require.Equal(t, c.Valid, s.Valid)
	require.InDelta(t, c.Min, s.Min, c.TolExtrema)
	require.InDelta(t, c.Max, s.Max, c.TolExtrema)
	require.InDelta(t, c.Mean, s.Mean, c.TolMean)
	if c.RTolRMS != 0 {
		require.InEpsilon(t, c.RMS, s.RMS, c.RTolRMS)
	} else {
		require.InDelta(t, c.RMS, s.RMS, c.TolRMS)
	}
}
