package main

import (
	"encoding/json"
	"io"

	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

type infoLine struct {
	File     string     `json:"file"`
	Format   string     `json:"format"`
	SizePx   [2]int     `json:"size_px"`
	PixelUM  [2]float64 `json:"pixel_um"`
	OffsetUM [2]float64 `json:"offset_um"`
	Valid    int        `json:"valid"`
	Invalid  int        `json:"invalid"`
	MinUM    *float64   `json:"min_um"`
	MaxUM    *float64   `json:"max_um"`
	MeanUM   *float64   `json:"mean_um"`
	RMSUM    *float64   `json:"rms_um"`
}

type errorLine struct {
	File  string `json:"file"`
	Error string `json:"error"`
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
	enc := json.NewEncoder(stdout)
	status := exitOK
	for _, path := range files {
		m, format, err := geometry.ReadFile(path, rf.options())
		if err != nil {
			enc.Encode(errorLine{File: path, Error: err.Error()})
			status = exitError
			continue
		}
		s := m.Stats()
		line := infoLine{
			File: path, Format: format,
			SizePx:   [2]int{m.Rect.Dx(), m.Rect.Dy()},
			PixelUM:  [2]float64{m.Pitch.X, m.Pitch.Y},
			OffsetUM: [2]float64{m.Offset.X, m.Offset.Y},
			Valid:    s.Valid, Invalid: s.Invalid,
		}
		if s.Valid > 0 {
			line.MinUM, line.MaxUM, line.MeanUM, line.RMSUM = &s.Min, &s.Max, &s.Mean, &s.RMS
		}
		enc.Encode(line)
	}
	return status
}
