package batch

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mtgeo/mtgeo/ferrule"
)

// Names of the files WriteTables and the Journal use in an output folder.
const (
	ResultsFile  = "results.jsonl"
	FerrulesFile = "ferrules.csv"
	FibersFile   = "fibers.csv"
	SummaryJSON  = "summary.json"
	SummaryText  = "summary.txt"
	SkippedFile  = "skipped.csv"
)

// errorJSON is the results.jsonl line of a file that was not analysed.
type errorJSON struct {
	File    string `json:"file"`
	FileB64 string `json:"file_b64,omitempty"`
	Format  string `json:"format,omitempty"`
	Error   string `json:"error"`
}

// fileB64 returns the "file_b64" value of a path: the standard base64
// (RFC 4648, padded) of its bytes when they are not valid UTF-8 (which
// "file" cannot hold: JSON writes such bytes as U+FFFD), else "".
func fileB64(path string) string {
	if utf8.ValidString(path) {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(path))
}

// readable returns s with each run of bytes that are not valid UTF-8
// replaced by U+FFFD: the readable form of a file name in JSON and the
// tables.
func readable(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// exactFile returns the path a line names: file_b64 decoded when present,
// else file.
func exactFile(file string, b64 *string) (string, error) {
	if b64 == nil {
		return file, nil
	}
	b, err := base64.StdEncoding.DecodeString(*b64)
	if err != nil {
		return "", fmt.Errorf("file_b64: %w", err)
	}
	return string(b), nil
}

// MarshalJSON writes the report (SPEC §8) of an analysed file, or
// {"file", "format", "error"} for one that was not; format is left out when
// the file's format was not recognised. A path that is not valid UTF-8 is
// written readable, each run of invalid bytes as U+FFFD (as are such bytes
// in the error), and gets "file_b64", its exact bytes in base64, right
// after "file".
func (r Result) MarshalJSON() ([]byte, error) {
	if r.Err != nil || r.Report == nil {
		msg := "no report"
		if r.Err != nil {
			msg = r.Err.Error()
		}
		return json.Marshal(errorJSON{File: readable(r.File), FileB64: fileB64(r.File), Format: r.Format, Error: readable(msg)})
	}
	enc := fileB64(r.Report.File)
	if enc == "" {
		return json.Marshal(r.Report)
	}
	rep := *r.Report
	rep.File = readable(rep.File)
	b, err := json.Marshal(&rep)
	if err != nil {
		return nil, err
	}
	// Insert "file_b64" after "file", the report's first key (or first of
	// all, should the report's field order change).
	field := []byte(`"file_b64":"` + enc + `"`)
	at := 1
	if name, err := json.Marshal(rep.File); err == nil {
		if prefix := append([]byte(`{"file":`), name...); bytes.HasPrefix(b, prefix) && len(b) > len(prefix) && b[len(prefix)] == ',' {
			at = len(prefix) + 1
		}
	}
	out := make([]byte, 0, len(b)+len(field)+1)
	out = append(out, b[:at]...)
	out = append(out, field...)
	out = append(out, ',')
	return append(out, b[at:]...), nil
}

// UnmarshalJSON reads what MarshalJSON writes: an object with an "error"
// key is an error result, any other a report. The file is the exact path
// of "file_b64" when present.
func (r *Result) UnmarshalJSON(b []byte) error {
	var probe struct {
		File    string  `json:"file"`
		FileB64 *string `json:"file_b64"`
		Format  string  `json:"format"`
		Error   *string `json:"error"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	file, err := exactFile(probe.File, probe.FileB64)
	if err != nil {
		return err
	}
	if probe.Error != nil {
		*r = Result{File: file, Format: probe.Format, Err: errors.New(*probe.Error)}
		return nil
	}
	rep := new(ferrule.Report)
	if err := json.Unmarshal(b, rep); err != nil {
		return err
	}
	rep.File = file
	*r = Result{File: rep.File, Format: rep.Format, Report: rep}
	return nil
}

// ReadResults reads a results.jsonl stream and calls fn for each result,
// in order, stopping at fn's first error. A line that is not a result is an
// error naming its line number. Blank lines are skipped.
func ReadResults(r io.Reader, fn func(Result) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			var res Result
			if err := json.Unmarshal(b, &res); err != nil {
				return fmt.Errorf("batch: %s line %d: %w", ResultsFile, line, err)
			}
			if err := fn(res); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("batch: %s line %d: %w", ResultsFile, line, err)
		}
	}
}

// Journal appends results to a results.jsonl file, one line per result,
// each written whole and at once so that an interrupted batch leaves every
// finished file on record.
type Journal struct {
	f    *os.File
	done map[string]bool
}

// OpenJournal opens the results.jsonl file at path for appending. Without
// resume the file is created empty (replacing one that exists). With
// resume, its results are kept and Done reports the files they name; a
// last line cut short by an interrupted write is removed. A damaged line
// elsewhere is an error: the file was not written by a batch.
func OpenJournal(path string, resume bool) (*Journal, error) {
	if !resume {
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("batch: %w", err)
		}
		return &Journal{f: f, done: map[string]bool{}}, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	j := &Journal{f: f, done: map[string]bool{}}
	if err := j.load(); err != nil {
		f.Close()
		return nil, fmt.Errorf("batch: %s: %w", path, err)
	}
	return j, nil
}

// load reads the journal's results into done and leaves the file offset
// at the end of the last complete line.
func (j *Journal) load() error {
	br := bufio.NewReaderSize(j.f, 1<<16)
	var end int64 // offset after the last good line
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return err
		}
		complete := err == nil
		if len(bytes.TrimSpace(b)) > 0 {
			var probe struct {
				File    *string `json:"file"`
				FileB64 *string `json:"file_b64"`
			}
			perr := json.Unmarshal(b, &probe)
			if perr == nil && probe.File == nil {
				perr = errors.New(`no "file" key`)
			}
			var file string
			if perr == nil {
				file, perr = exactFile(*probe.File, probe.FileB64)
			}
			switch {
			case perr != nil && !complete:
				// Cut short by an interrupted write: drop it.
				return j.truncate(end)
			case perr != nil:
				return fmt.Errorf("line %d: %w", line, perr)
			}
			j.done[file] = true
		}
		end += int64(len(b))
		if !complete {
			if len(b) > 0 && len(bytes.TrimSpace(b)) > 0 {
				// A whole object without its newline: complete it.
				if _, err := j.f.Seek(end, io.SeekStart); err != nil {
					return err
				}
				_, err := j.f.Write([]byte{'\n'})
				return err
			}
			return j.truncate(end)
		}
	}
}

func (j *Journal) truncate(end int64) error {
	if err := j.f.Truncate(end); err != nil {
		return err
	}
	_, err := j.f.Seek(end, io.SeekStart)
	return err
}

// Done reports whether the journal already holds a result for file (the
// path as the batch named it, byte for byte: a line's "file_b64" when it
// has one, else its "file").
func (j *Journal) Done(file string) bool { return j.done[file] }

// Append writes r as one line.
func (j *Journal) Append(r Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("batch: %s: %w", r.File, err)
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	j.done[r.File] = true
	return nil
}

// Close closes the file.
func (j *Journal) Close() error { return j.f.Close() }
