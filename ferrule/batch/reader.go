package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
)

// ErrInternal is wrapped by the error of a Result whose analysis panicked
// (a bug, not bad data) in AnalyzeBytes.
var ErrInternal = errors.New("internal error")

// AnalyzeBytes reads, analyses and grades one height map held in data, as
// AnalyzeFile does for a file: name stands for the path in the report's
// file field and in every error message, so the errors read as
// AnalyzeFile's would for a file of that name. name is never opened. The
// format is recognised from the content alone (a file's extension only
// breaks ties between text formats, and there is one of those). It never
// panics on bad data: a panic inside the analysis is returned as an error
// wrapping ErrInternal. The Result's SHA256 is that of data.
func AnalyzeBytes(an *ferrule.Analyzer, name string, data []byte, cfg *Config) (res Result) {
	res.File = name
	sum := sha256.Sum256(data)
	res.SHA256 = hex.EncodeToString(sum[:])
	defer func() {
		if p := recover(); p != nil {
			res.Report = nil
			res.Err = fmt.Errorf("batch: %s: %w (please report it): %v", name, ErrInternal, p)
		}
	}()
	m, format, err := geometry.Decode(bytes.NewReader(data), cfg.Read)
	res.Format = format
	if m != nil {
		res.Meta = m.Meta
	}
	if err != nil {
		res.Err = &geometry.FileError{Path: name, Err: err}
		return res
	}
	rep, err := an.Analyze(m, cfg.Analysis)
	if err != nil {
		res.Err = fmt.Errorf("%s: %w", name, err)
		return res
	}
	rep.File, rep.Format = name, format
	prof := cfg.Profile
	if cfg.ProfileFor != nil {
		if prof, err = cfg.ProfileFor(rep); err != nil {
			res.Err = fmt.Errorf("%s: %w", name, err)
			return res
		}
	}
	if prof != nil {
		if _, err := prof.Grade(rep); err != nil {
			res.Err = fmt.Errorf("%s: %w", name, err)
			return res
		}
	}
	res.Report = rep
	return res
}
