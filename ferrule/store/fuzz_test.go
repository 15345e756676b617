package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// Metadata of any bytes (quotes, SQL, invalid UTF-8, NUL, a file name
// Linux allows) is stored as text and read back cleaned, never breaking
// the statement; the engines store the same.
func TestOddText(t *testing.T) {
	rep := testResult(t).Report
	odd := []string{`it's "quoted"`, `x'); DROP TABLE measurements; --`, "bad\xff\xfebytes", "nul\x00byte", "名前/ファイル.x3p", strings.Repeat("long", 1000)}
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		for i, v := range odd {
			m := meta(3, i, t0)
			m.File, m.Lot, m.Station, m.Serial, m.Operator = v, v, v, v, v
			id, _, err := s.Save(ctx, rep, m)
			require.NoError(t, err)
			got, err := s.Measurement(ctx, id)
			require.NoError(t, err)
			want := cleanText(v)
			require.True(t, utf8.ValidString(want) && !strings.Contains(want, "\x00"))
			require.Equal(t, want, got.File)
			require.Equal(t, want, got.Lot)
			require.Equal(t, want, got.Serial)
			ms, err := s.Measurements(ctx, Query{Lot: want})
			require.NoError(t, err)
			require.Len(t, ms, 1)
		}
		nm, _, _ := counts(t, s)
		require.Equal(t, len(odd), nm)
	})
}

// FuzzSaveMeta saves a measurement and a failure with fuzzed metadata
// into SQLite: no panic, no error from the text, and what is read back is
// the cleaned text.
func FuzzSaveMeta(f *testing.F) {
	for _, s := range []string{"", "a", "L'42", "\xff", "\x00", "%_\\", "?", "$1"} {
		f.Add(s, s, s)
	}
	rep := testResult(f).Report
	s := open(f, filepath.Join(f.TempDir(), "fuzz.db"))
	n := 0
	f.Fuzz(func(t *testing.T, file, lot, serial string) {
		n++
		m := meta(4, n, t0)
		if file != "" {
			m.File = file
		}
		m.Lot, m.Serial = lot, serial
		ctx := context.Background()
		id, _, err := s.Save(ctx, rep, m)
		require.NoError(t, err)
		got, err := s.Measurement(ctx, id)
		require.NoError(t, err)
		require.Equal(t, cleanText(m.File), got.File)
		require.Equal(t, cleanText(lot), got.Lot)
		require.Equal(t, cleanText(serial), got.Serial)
		m.SHA256 = ""
		_, _, err = s.SaveFailure(ctx, m, errors.New(lot))
		require.NoError(t, err)
		_, err = s.Show(ctx, serial)
		require.NoError(t, err)
	})
}
