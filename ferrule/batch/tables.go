package batch

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/mtgeo/mtgeo/ferrule"
)

// skippedColumns is the header of skipped.csv.
var skippedColumns = []string{"path", "reason"}

// SkippedColumns returns the header of skipped.csv.
func SkippedColumns() []string { return append([]string(nil), skippedColumns...) }

// WriteSkipped writes skipped.csv into dir: a header row (SkippedColumns)
// and one row per skipped path, in order. A path that is not valid UTF-8
// is written with U+FFFD for its invalid bytes.
func WriteSkipped(dir string, skipped []Skip) error {
	f, err := os.Create(filepath.Join(dir, SkippedFile))
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	cw := csv.NewWriter(bw)
	cw.Write(skippedColumns)
	for _, s := range skipped {
		cw.Write(validUTF8([]string{s.Path, s.Reason}))
	}
	cw.Flush()
	err = errors.Join(cw.Error(), bw.Flush(), f.Close())
	if err != nil {
		return fmt.Errorf("batch: %s: %w", SkippedFile, err)
	}
	return nil
}

// readSkipped calls fn for each row of dir's skipped.csv; a missing file
// has no rows.
func readSkipped(dir string, fn func(Skip)) error {
	f, err := os.Open(filepath.Join(dir, SkippedFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	cr.FieldsPerRecord = len(skippedColumns)
	cr.ReuseRecord = true
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("batch: %s: %w", SkippedFile, err)
		}
		if line == 1 {
			if !slices.Equal(rec, skippedColumns) {
				return fmt.Errorf("batch: %s: header %q, want %q", SkippedFile, rec, skippedColumns)
			}
			continue
		}
		fn(Skip{Path: rec[0], Reason: rec[1]})
	}
}

// WriteTables reads dir's results.jsonl and writes, beside it,
// ferrules.csv, fibers.csv, summary.json and summary.txt, all in the order
// of results.jsonl, with Cpk against prof's limits (see
// Summarizer.Summary). The skipped paths the summary counts are those of
// dir's skipped.csv (WriteSkipped), if there is one. It streams the
// results: memory does not grow with the batch. each, if not nil, is
// called with every result as it is read, for whatever else the caller
// makes of the batch, so that results.jsonl is read once. It returns the
// summary.
func WriteTables(dir string, prof *ferrule.Profile, each func(Result)) (*Summary, error) {
	in, err := os.Open(filepath.Join(dir, ResultsFile))
	if err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	defer in.Close()
	z := NewSummarizer()
	if err := readSkipped(dir, z.AddSkipped); err != nil {
		return nil, err
	}

	var files []*os.File
	create := func(name string) (*bufio.Writer, error) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("batch: %w", err)
		}
		files = append(files, f)
		return bufio.NewWriterSize(f, 1<<16), nil
	}
	closeAll := func() error {
		var errs []error
		for _, f := range files {
			errs = append(errs, f.Close())
		}
		files = nil
		return errors.Join(errs...)
	}
	defer closeAll()

	fw, err := create(FerrulesFile)
	if err != nil {
		return nil, err
	}
	bw, err := create(FibersFile)
	if err != nil {
		return nil, err
	}
	cw := NewCSVWriter(fw, bw)
	if err := ReadResults(in, func(r Result) error {
		cw.Write(r)
		z.Add(r)
		if each != nil {
			each(r)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	sum := z.Summary(prof)
	if err := cw.Flush(); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	for _, w := range []*bufio.Writer{fw, bw} {
		if err := w.Flush(); err != nil {
			return nil, fmt.Errorf("batch: %w", err)
		}
	}
	if err := closeAll(); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	if err := writeSummary(dir, sum); err != nil {
		return nil, err
	}
	return sum, nil
}

// writeSummary writes sum into dir as summary.json (indented) and
// summary.txt (Summary.WriteText, then its pairs' PairSummary.WriteText
// when it has them).
func writeSummary(dir string, sum *Summary) error {
	write := func(name string, fn func(w io.Writer) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("batch: %w", err)
		}
		bw := bufio.NewWriterSize(f, 1<<16)
		if err := errors.Join(fn(bw), bw.Flush(), f.Close()); err != nil {
			return fmt.Errorf("batch: %s: %w", name, err)
		}
		return nil
	}
	if err := write(SummaryJSON, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}); err != nil {
		return err
	}
	return write(SummaryText, sum.WriteText)
}
