package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

// infoNum is a number of an info line: null when it is not finite (no
// valid pixel, or a statistic beyond float64), which encoding/json
// refuses to write.
type infoNum float64

func (n infoNum) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

type infoLine struct {
	File     string     `json:"file"`
	Format   string     `json:"format"`
	SizePx   [2]int     `json:"size_px"`
	PixelUM  [2]infoNum `json:"pixel_um"`
	OffsetUM [2]infoNum `json:"offset_um"`
	Valid    int        `json:"valid"`
	Invalid  int        `json:"invalid"`
	MinUM    infoNum    `json:"min_um"`
	MaxUM    infoNum    `json:"max_um"`
	MeanUM   infoNum    `json:"mean_um"`
	RMSUM    infoNum    `json:"rms_um"`
	// Warnings are the decoder's (what was read but is suspect: an assumed
	// unit, a stale checksum) and why a statistic is null (beyond the
	// range of float64, heights near ±1.8e308 µm).
	Warnings []string `json:"warnings,omitempty"`
}

type errorLine struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// newInfoLine returns the info line of the map m read from path.
func newInfoLine(path, format string, m *geometry.HeightMap) infoLine {
	s := m.Stats()
	line := infoLine{
		File: path, Format: format,
		SizePx:   [2]int{m.Rect.Dx(), m.Rect.Dy()},
		PixelUM:  [2]infoNum{infoNum(m.Pitch.X), infoNum(m.Pitch.Y)},
		OffsetUM: [2]infoNum{infoNum(m.Offset.X), infoNum(m.Offset.Y)},
		Valid:    s.Valid, Invalid: s.Invalid,
		MinUM: infoNum(s.Min), MaxUM: infoNum(s.Max), MeanUM: infoNum(s.Mean), RMSUM: infoNum(s.RMS),
		Warnings: append([]string(nil), m.Warnings...),
	}
	if s.Valid > 0 {
		var over []string
		for _, st := range []struct {
			name string
			v    float64
		}{{"min_um", s.Min}, {"max_um", s.Max}, {"mean_um", s.Mean}, {"rms_um", s.RMS}} {
			if math.IsNaN(st.v) || math.IsInf(st.v, 0) {
				over = append(over, st.name)
			}
		}
		if len(over) > 0 {
			line.Warnings = append(line.Warnings, fmt.Sprintf("%s overflow float64 (the heights reach %.4g…%.4g µm): written as null",
				strings.Join(over, ", "), s.Min, s.Max))
		}
	}
	return line
}

func runInfo(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("info", "FILE...", stderr)
	var rf readFlags
	rf.register(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(files) == 0 {
		fs.Usage()
		return exitError
	}
	if err := rf.validate(); err != nil {
		fmt.Fprintln(stderr, "mtgeo info:", err)
		return exitError
	}
	status := exitOK
	// write prints one line; a line that cannot be encoded is an error
	// line naming the file, and one that cannot be written ends the
	// command.
	write := func(path string, v any) bool {
		b, err := json.Marshal(v)
		if err != nil {
			status = exitError
			if b, err = json.Marshal(errorLine{File: path, Error: fmt.Sprintf("%s: %v", path, err)}); err != nil {
				fmt.Fprintf(stderr, "mtgeo info: %s: %v\n", path, err)
				return true
			}
		}
		if _, err := stdout.Write(append(b, '\n')); err != nil {
			fmt.Fprintln(stderr, "mtgeo info:", err)
			status = exitError
			return false
		}
		return true
	}
	for _, path := range files {
		m, format, err := geometry.ReadFile(path, rf.options())
		if err != nil {
			status = exitError
			if !write(path, errorLine{File: path, Error: err.Error()}) {
				break
			}
			continue
		}
		if !write(path, newInfoLine(path, format, m)) {
			break
		}
	}
	return status
}
