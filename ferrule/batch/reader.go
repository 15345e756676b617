package batch

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
)

// AnalyzeBytes reads, analyses and grades one height map held in data, as
// AnalyzeFile does for a file: name stands for the path in the report's
// file field and in every error message, so the errors read as
// AnalyzeFile's would for a file of that name. name is never opened. The
// format is recognised from the content alone (a file's extension only
// breaks ties between text formats, and there is one of those). It never
// panics on bad data: a panic inside the analysis is returned as an error
// wrapping ErrInternal. With cfg.Hash, the Result's SHA256 is that of data.
func AnalyzeBytes(an *ferrule.Analyzer, name string, data []byte, cfg *Config) (res Result) {
	res.File = name
	if cfg.Hash {
		sum := sha256.Sum256(data)
		res.SHA256 = hex.EncodeToString(sum[:])
	}
	defer recoverInternal(&res)
	m, format, err := geometry.Decode(geometry.NewBytesReader(data), cfg.Read) // read in place, not copied
	res.Format = format
	if m != nil {
		res.Meta = m.Meta
	}
	if err != nil {
		res.Err = &geometry.FileError{Path: name, Err: err}
		return res
	}
	res.Report, res.Err = analyzeAndGrade(an, m, name, format, cfg)
	return res
}
