package batch

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mtgeo/mtgeo/ferrule"
)

// WriteTables reads dir's results.jsonl and writes, beside it,
// ferrules.csv, fibers.csv, summary.json and summary.txt, all in the order
// of results.jsonl, with Cpk against prof's limits (see
// Summarizer.Summary). It streams the results: memory does not grow with
// the batch. It returns the summary.
func WriteTables(dir string, prof *ferrule.Profile) (*Summary, error) {
	in, err := os.Open(filepath.Join(dir, ResultsFile))
	if err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	defer in.Close()

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
	z := NewSummarizer()
	if err := ReadResults(in, func(r Result) error {
		cw.Write(r)
		z.Add(r)
		return nil
	}); err != nil {
		return nil, err
	}
	sum := z.Summary(prof)

	jw, err := create(SummaryJSON)
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(jw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sum); err != nil {
		return nil, fmt.Errorf("batch: %s: %w", SummaryJSON, err)
	}
	tw, err := create(SummaryText)
	if err != nil {
		return nil, err
	}
	if err := sum.WriteText(tw); err != nil {
		return nil, err
	}
	if err := cw.Flush(); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	for _, w := range []*bufio.Writer{fw, bw, jw, tw} {
		if err := w.Flush(); err != nil {
			return nil, fmt.Errorf("batch: %w", err)
		}
	}
	if err := closeAll(); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	return sum, nil
}
