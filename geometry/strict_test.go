package geometry

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// TestStrict checks the central Strict mechanism of Decode and ReadFile on
// a registered test format whose decoder warns for input "STRW", reads
// "STRC" cleanly and fails on "STRE".
func TestStrict(t *testing.T) {
	warnings := []string{"first suspect thing", "second suspect thing"}
	errBad := errors.New("strict-test: bad file")
	dec := func(r io.Reader, _ *Options) (*HeightMap, error) {
		b, _ := io.ReadAll(r)
		m := New(1, 1, r2.Vec{X: 1, Y: 1})
		switch string(b[:4]) {
		case "STRW":
			for _, w := range warnings {
				m.Warn("%s", w)
			}
		case "STRE":
			m.Warn("warned before failing")
			return nil, errBad
		}
		return m, nil
	}
	cfg := func(io.Reader, *Options) (Config, error) { return Config{Cols: 1, Rows: 1}, nil }
	RegisterFormat(Format{Name: "strict-test", Match: MagicMatcher("STR?"), Decode: dec, DecodeConfig: cfg})

	for _, tc := range []struct {
		name    string
		in      string
		opts    *Options
		warn    []string // on the map; nil for none
		refused bool     // StrictError
		err     error
	}{
		{"warned, nil options", "STRW", nil, warnings, false, nil},
		{"warned, not strict", "STRW", &Options{}, warnings, false, nil},
		{"warned, strict", "STRW", &Options{Strict: true}, nil, true, nil},
		{"clean, strict", "STRC", &Options{Strict: true}, nil, false, nil},
		{"decoder error, strict", "STRE", &Options{Strict: true}, nil, false, errBad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, name, err := Decode(bytes.NewReader([]byte(tc.in)), tc.opts)
			require.Equal(t, "strict-test", name)
			switch {
			case tc.err != nil:
				require.ErrorIs(t, err, tc.err)
				var se StrictError
				require.False(t, errors.As(err, &se))
			case tc.refused:
				require.Nil(t, m)
				var se StrictError
				require.ErrorAs(t, err, &se)
				require.Equal(t, StrictError(warnings), se)
				require.EqualError(t, err, "refused under strict reading: first suspect thing; second suspect thing")
			default:
				require.NoError(t, err)
				require.Equal(t, tc.warn, m.Warnings)
			}

			// ReadFile: the same, a refusal wrapped in a *FileError.
			path := filepath.Join(t.TempDir(), "in.str")
			require.NoError(t, os.WriteFile(path, []byte(tc.in), 0o644))
			m, _, err = ReadFile(path, tc.opts)
			switch {
			case tc.err != nil:
				require.ErrorIs(t, err, tc.err)
			case tc.refused:
				require.Nil(t, m)
				var fe *FileError
				require.ErrorAs(t, err, &fe)
				require.Equal(t, path, fe.Path)
				var se StrictError
				require.ErrorAs(t, err, &se)
				require.Equal(t, StrictError(warnings), se)
			default:
				require.NoError(t, err)
				require.Equal(t, tc.warn, m.Warnings)
			}
		})
	}
}

// TestWarnCarried: SubMap and Clone keep the warnings of the map they come
// from, so a region of a suspect map is still marked suspect.
func TestWarnCarried(t *testing.T) {
	m := New(4, 3, r2.Vec{X: 1, Y: 1})
	m.Warn("assumed %d µm", 1)
	require.Equal(t, []string{"assumed 1 µm"}, m.Warnings)
	require.Equal(t, m.Warnings, m.SubMap(m.Rect.Inset(1)).Warnings)
	require.Equal(t, m.Warnings, m.Clone().Warnings)
}
