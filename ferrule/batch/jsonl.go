package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mtgeo/mtgeo/ferrule"
)

// Names of the files WriteTables and the Journal use in an output folder.
const (
	ResultsFile  = "results.jsonl"
	FerrulesFile = "ferrules.csv"
	FibersFile   = "fibers.csv"
	SummaryJSON  = "summary.json"
	SummaryText  = "summary.txt"
)

// errorJSON is the results.jsonl line of a file that was not analysed.
type errorJSON struct {
	File   string `json:"file"`
	Format string `json:"format,omitempty"`
	Error  string `json:"error"`
}

// MarshalJSON writes the report (SPEC §8) of an analysed file, or
// {"file", "format", "error"} for one that was not; format is left out when
// the file's format was not recognised.
func (r Result) MarshalJSON() ([]byte, error) {
	if r.Err != nil || r.Report == nil {
		msg := "no report"
		if r.Err != nil {
			msg = r.Err.Error()
		}
		return json.Marshal(errorJSON{File: r.File, Format: r.Format, Error: msg})
	}
	return json.Marshal(r.Report)
}

// UnmarshalJSON reads what MarshalJSON writes: an object with an "error"
// key is an error result, any other a report.
func (r *Result) UnmarshalJSON(b []byte) error {
	var probe struct {
		File   string  `json:"file"`
		Format string  `json:"format"`
		Error  *string `json:"error"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if probe.Error != nil {
		*r = Result{File: probe.File, Format: probe.Format, Err: errors.New(*probe.Error)}
		return nil
	}
	rep := new(ferrule.Report)
	if err := json.Unmarshal(b, rep); err != nil {
		return err
	}
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
				File *string `json:"file"`
			}
			perr := json.Unmarshal(b, &probe)
			if perr == nil && probe.File == nil {
				perr = errors.New(`no "file" key`)
			}
			switch {
			case perr != nil && !complete:
				// Cut short by an interrupted write: drop it.
				return j.truncate(end)
			case perr != nil:
				return fmt.Errorf("line %d: %w", line, perr)
			}
			j.done[*probe.File] = true
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
// path as the batch named it).
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
