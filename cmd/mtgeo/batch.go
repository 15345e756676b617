package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/render"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

const batchUsage = `usage: mtgeo batch [--spec NAME|FILE|auto] [-j N] [--out DIR] [--resume] [--all] [analysis flags] DIR|FILE...

Analyses (and with --spec grades) every height map found: a FILE is taken
whatever its name or content; a DIR is searched recursively, in sorted
order, for files with the extension of a readable format (--all: every
file) whose content a readable format recognises. Every other path met in
a DIR is skipped with its reason, listed in skipped.csv and counted in the
summary: hidden (a name starting with "."), output folder (--out, or a
folder holding results.jsonl or summary.json with summary.txt: outputs are
never inputs), directory (a folder named like a map, a link to a folder),
dangling symlink, symlink loop, not a regular file, not a height-map
extension, empty file, not a height map. Files are analysed N at a time,
with at most N maps in memory; a file that cannot be read or analysed
becomes an error row and the batch goes on. Results do not depend on N.

Writes into --out:
  results.jsonl   one SPEC §8 report per file ({"file","error"} for errors),
                  appended as files finish, in input order; a path that is
                  not UTF-8 also has "file_b64", its bytes in base64
  skipped.csv     path,reason of every path met and not taken
  ferrules.csv    one row per file: status, verdict, failed checks, frame,
                  ferrule angles and radii, summary fields
  fibers.csv      one row per fiber: position, heights, radius, core dip,
                  fit quality, flags, the fiber's own verdict
  summary.json    counts, yield, failures by check, and per parameter n,
  summary.txt     mean, σ, min, max and Cpk against the profile's limits
  lot.html        with --report: the lot's page (yield, failures by check,
                  a histogram and a run chart per parameter), self-contained
  pairs.csv       with --mate-pairs: one row per fiber pair of each connector
                  (the fields of 'mtgeo mate'); the IL distribution goes to
                  the summaries
CSV: header row, units in the column names, '.' decimals, empty cell = not
measured, inf = a radius measured flat. --resume skips the files already in
results.jsonl (matched byte for byte; keeping their results as they are,
errors included, even if the flags changed), appends the others and
rewrites the tables and summaries from the whole results.jsonl. To retry
files that failed, remove their lines first.

--spec auto grades each file with the built-in profile for its layout: PC,
or APC when --fixture-angle is not 0.

Progress goes to stderr: a bar on a terminal, a line every 10 % or 5 s
otherwise; the summary goes to stdout. Interrupt (Ctrl-C) stops after the
files in progress; run again with --resume to go on.

--db URL also saves every result (and every file that could not be
analysed, with its error) in a database: a SQLite file or postgres://...;
--lot, --station, --operator, --serial, or --meta REGEX with named groups
lot, serial, station, operator matched against each path, say where it came
from. The database is opened before any file is analysed; a file stored
before (same contents, software, layout, profile, options) is not stored
again. With --mate-pairs, every predicted connector is stored too, after
its two measurements (a file analysed by an earlier run, --resume, is
found by its contents), once for the same measurements, parameters and
software. Query it with 'mtgeo db' ('mtgeo db connectors' lists them).

Exit status: 0 all files analysed (and passed, with --spec), 1 a file failed
grading, 2 a file could not be analysed or graded, a --mate-pairs connector
could not be predicted, or the batch could not run.

flags:
`

func runBatch(args []string, stdout, stderr io.Writer) int {
	fs := newUsageFlagSet("batch", batchUsage, stderr)
	var af analyzeFlags
	af.register(fs)
	var sf storeFlags
	sf.register(fs)
	workers := fs.Int("j", runtime.NumCPU(), "number of files analysed at once")
	out := fs.String("out", "mtgeo-batch", "output folder (created if needed)")
	resume := fs.Bool("resume", false, "skip the files already in OUT/results.jsonl and append the others")
	all := fs.Bool("all", false, "in folders, try every file, not only those with a height-map extension")
	report := fs.Bool("report", false, "also write OUT/"+lotPage+": the lot's HTML page (yield, failures by check, histograms and run charts)")
	matePairs := fs.String("mate-pairs", "", "a CSV of connectors (header a,b; paths relative to the CSV's folder): analyse their files too and write OUT/"+batch.PairsFile+" and the predicted IL distribution (see 'mtgeo mate')")
	var mf mateFlags
	mf.register(fs)
	filesFrom := fs.String("files-from", "", "also analyse the files named in this file, one per line (- for stdin, read to its end)")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "mtgeo batch:", err)
		return exitError
	}
	if *filesFrom != "" {
		named, err := readNames(*filesFrom)
		if err != nil {
			return fail(err)
		}
		if len(named) == 0 && len(paths) == 0 && *matePairs == "" {
			return fail(fmt.Errorf("--files-from %s names no file", *filesFrom))
		}
		paths = append(paths, named...)
	}
	if len(paths) == 0 && *matePairs == "" {
		fs.Usage()
		return exitError
	}
	if *workers < 1 {
		return fail(fmt.Errorf("-j must be at least 1, not %d", *workers))
	}
	cfg, err := af.config()
	if err != nil {
		return fail(err)
	}
	cfg.Workers = *workers
	db, err := sf.open(context.Background(), cfg) // before any file: a bad database stops here
	cfg.Hash = db != nil
	if err != nil {
		return fail(err)
	}
	if db != nil {
		defer db.Close()
	}
	limits := cfg.Profile // nil with --spec auto: the single built-in profile used, if any
	pairs, mateParams, err := readMatePairs(*matePairs, &mf, &af, &cfg)
	if err != nil {
		return fail(err)
	}
	paths = append(paths, batch.PairFiles(pairs)...)

	list, err := batch.List(paths, batch.FindOptions{All: *all, Skip: []string{*out}})
	if err != nil {
		return fail(err)
	}
	files := list.Files
	if len(files) == 0 && !*resume {
		return fail(fmt.Errorf("no height-map files in %s (%s; use --all to try every file)", strings.Join(paths, " "), batch.SkipSummary(list.Skipped)))
	}
	if err := os.MkdirAll(*out, 0o777); err != nil {
		return fail(err)
	}
	if err := batch.WriteSkipped(*out, list.Skipped); err != nil {
		return fail(err)
	}
	journal, err := batch.OpenJournal(filepath.Join(*out, batch.ResultsFile), *resume)
	if err != nil {
		return fail(err)
	}
	var todo []string
	for _, f := range files {
		if !journal.Done(f) {
			todo = append(todo, f)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	prog := newBatchProgress(stderr, len(todo), len(files)-len(todo), min(*workers, max(1, len(todo))))
	var writeErr error
	runErr := batch.Run(ctx, todo, cfg, func(i int, r batch.Result) {
		if writeErr == nil {
			// The database first: a result journaled is skipped by
			// --resume, so it must be stored already (a result stored
			// twice is one row).
			if writeErr = sf.save(context.Background(), db, r); writeErr != nil {
				cancel()
			} else if writeErr = journal.Append(r); writeErr != nil {
				cancel()
			}
		}
		prog.add(r)
	})
	prog.finish()
	if err := journal.Close(); err != nil && writeErr == nil {
		writeErr = err
	}
	if writeErr != nil {
		return fail(writeErr)
	}

	// One pass over the whole results.jsonl (a resumed batch's too): the
	// tables, and what the connectors and the lot page need of it.
	var (
		mated *pairResults
		reps  []*ferrule.Report
	)
	if pairs != nil {
		mated = newPairResults(pairs)
	}
	sum, err := batch.WriteTables(*out, limits, func(r batch.Result) {
		if mated != nil {
			mated.add(r)
		}
		if *report && r.OK() {
			reps = append(reps, r.Report)
		}
	})
	if err != nil {
		return fail(err)
	}
	connectors := ""
	if pairs != nil {
		lookup := mated.lookup
		predicted := batch.MatePairs(pairs, lookup, mateParams)
		if err := batch.WritePairs(*out, predicted, sum); err != nil {
			return fail(err)
		}
		if db != nil {
			// As pairs.csv has them, after their two measurements.
			stored, created, err := sf.saveConnectors(context.Background(), db, predicted, lookup)
			if err != nil {
				return fail(err)
			}
			connectors = fmt.Sprintf("connectors in the database: %d stored, %d of them new\n", stored, created)
		}
	}
	sum.WriteText(stdout)
	fmt.Fprintf(stdout, "\nresults in %s: %s, %s, %s, %s, %s, %s\n", *out, batch.ResultsFile, batch.FerrulesFile,
		batch.FibersFile, batch.SummaryJSON, batch.SummaryText, batch.SkippedFile)
	fmt.Fprint(stdout, connectors)
	if *report {
		if err := writeLotPage(*out, sum, reps); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "lot page: %s\n", filepath.Join(*out, lotPage))
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "mtgeo batch: interrupted after %d of %d files; run again with --resume to go on\n", prog.done, len(todo))
		return exitError
	}
	switch {
	case sum.Errors > 0 || (sum.Pairs != nil && sum.Pairs.Errors > 0):
		return exitError
	case sum.Failed > 0:
		return exitFail
	}
	return exitOK
}

// readNames reads file names one per line from path ("-": stdin), with
// a trailing "\r" dropped and empty lines skipped; a name is taken as it
// is, spaces included.
func readNames(path string) ([]string, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("--files-from: %w", err)
		}
		defer f.Close()
		r = f
	}
	var names []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20) // a path is at most a few KiB
	for sc.Scan() {
		if name := strings.TrimSuffix(sc.Text(), "\r"); name != "" {
			names = append(names, name)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--files-from %s: %w", path, err)
	}
	return names, nil
}

// batchProgress reports a batch's progress on stderr: a bar redrawn in
// place on a terminal, a plain line every 10 % or 5 s otherwise.
type batchProgress struct {
	w                   io.Writer
	tty                 bool
	total, done         int
	errors, failed      int
	start, last         time.Time
	lastTenth, drawn    int
	minRedraw, minPlain time.Duration
}

func newBatchProgress(w io.Writer, total, skipped, workers int) *batchProgress {
	p := &batchProgress{w: w, total: total, start: time.Now(), minRedraw: 100 * time.Millisecond, minPlain: 5 * time.Second}
	p.last = p.start
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	msg := fmt.Sprintf("mtgeo batch: %d files to analyse with %d workers", total, workers)
	if skipped > 0 {
		msg += fmt.Sprintf(" (%d already in results, skipped)", skipped)
	}
	fmt.Fprintln(w, msg)
	return p
}

func (p *batchProgress) add(r batch.Result) {
	p.done++
	if !r.OK() {
		p.errors++
	} else if r.Graded() && !r.Passed() {
		p.failed++
	}
	now := time.Now()
	if p.tty {
		if now.Sub(p.last) >= p.minRedraw || p.done == p.total {
			p.last = now
			p.draw(now)
		}
		return
	}
	tenth := 10 * p.done / max(1, p.total)
	if tenth > p.lastTenth || now.Sub(p.last) >= p.minPlain {
		p.lastTenth, p.last = tenth, now
		fmt.Fprintln(p.w, "mtgeo batch:", p.status(now))
	}
}

// status is "done/total files (pct), errors, failed, rate, ETA".
func (p *batchProgress) status(now time.Time) string {
	el := now.Sub(p.start).Seconds()
	rate := float64(p.done) / max(el, 1e-9)
	s := fmt.Sprintf("%d/%d files (%.0f %%), %d errors, %d failed, %.2f files/s", p.done, p.total,
		100*float64(p.done)/float64(max(1, p.total)), p.errors, p.failed, rate)
	if p.done > 0 && p.done < p.total {
		eta := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
		s += ", ETA " + eta.Round(time.Second).String()
	}
	return s
}

func (p *batchProgress) draw(now time.Time) {
	const width = 30
	n := width * p.done / max(1, p.total)
	bar := strings.Repeat("=", n) + strings.Repeat(" ", width-n)
	fmt.Fprintf(p.w, "\r[%s] %s\x1b[K", bar, p.status(now))
	p.drawn = p.done
}

func (p *batchProgress) finish() {
	now := time.Now()
	if p.tty {
		if p.drawn != p.done || p.done == 0 {
			p.draw(now)
		}
		fmt.Fprintln(p.w)
		return
	}
	if p.done != p.total || p.lastTenth < 10 {
		fmt.Fprintln(p.w, "mtgeo batch:", p.status(now))
	}
}

// lotPage is the file name of the lot's HTML page in the output folder.
const lotPage = "lot.html"

// writeLotPage draws the lot page of dir from sum, its summary.json, and
// reps, the reports of its whole results.jsonl, so a resumed batch gets
// the page of all its files.
func writeLotPage(dir string, sum *batch.Summary, reps []*ferrule.Report) error {
	out, err := os.Create(filepath.Join(dir, lotPage))
	if err != nil {
		return err
	}
	if err := render.WriteLotPage(out, sum, reps); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
