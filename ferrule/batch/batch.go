package batch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/geometry"
)

// Config says how to analyse and grade each file of a batch. The zero
// value analyses with NumCPU workers, the layout identified from each map
// and no grading.
type Config struct {
	// Workers is the number of files analysed at once; 0 or less means
	// runtime.NumCPU().
	Workers int
	// Read is passed to geometry.ReadFile (channel, pitch and height unit
	// of files that do not say); nil means the defaults.
	Read *geometry.Options
	// Analysis is passed to ferrule.Analyzer.Analyze for every file.
	Analysis ferrule.Options
	// Profile grades every report; nil leaves reports ungraded. A report
	// whose layout the profile is not for is an error (ferrule.ErrLayout).
	Profile *ferrule.Profile
	// ProfileFor, when not nil, picks the profile for each report instead
	// of Profile (see AutoProfile); a nil profile leaves the report
	// ungraded and an error makes the file an error.
	ProfileFor func(rep *ferrule.Report) (*ferrule.Profile, error)
	// Hash computes each Result's SHA256 (for a results store): a second
	// read of the file, some 25 ms for a 32 MB file.
	Hash bool
}

// Result is the outcome of one file: a report, or the error that kept it
// from being analysed or graded.
type Result struct {
	File string
	// Format is the name of the file's format, when it was recognised.
	Format string
	// Report is nil when Err is not nil.
	Report *ferrule.Report
	Err    error
	// SHA256 is the hex SHA-256 of the file's bytes, the identity of a
	// stored measurement (ferrule/store), with Config.Hash; empty without,
	// or when the file could not be read.
	SHA256 string
	// Meta is what the file says about the measurement (its date,
	// instrument, creator), where its format carries it.
	Meta geometry.Metadata
}

// OK reports whether the file was analysed (and graded, if asked).
func (r *Result) OK() bool { return r.Err == nil && r.Report != nil }

// Graded reports whether the file was analysed and graded.
func (r *Result) Graded() bool { return r.OK() && r.Report.Grade != nil }

// Passed reports whether the file was graded and passed.
func (r *Result) Passed() bool { return r.Graded() && r.Report.Grade.Pass }

// AnalyzeFile reads, analyses and grades one file as Run does, with an's
// buffers. It never panics on bad data: a panic inside the analysis is
// returned as the Result's error.
func AnalyzeFile(an *ferrule.Analyzer, path string, cfg *Config) Result {
	_, res := AnalyzeMap(an, path, cfg)
	return res
}

// AnalyzeMap is AnalyzeFile that also returns the decoded height map (nil
// when the file could not be read), for pictures of the result.
func AnalyzeMap(an *ferrule.Analyzer, path string, cfg *Config) (m *geometry.HeightMap, res Result) {
	res.File = path
	defer recoverInternal(&res)
	if m, res = readFile(path, cfg); res.Err != nil {
		return nil, res
	}
	res.Report, res.Err = analyzeAndGrade(an, m, path, res.Format, cfg)
	return m, res
}

// Describe returns what AnalyzeFile records of a file besides its report
// (its format, metadata and, with cfg.Hash, SHA-256; the error of reading
// it), for a file analysed before: a watch folder's, whose report a
// restart finds written.
func Describe(path string, cfg *Config) (res Result) {
	res.File = path
	defer recoverInternal(&res)
	_, res = readFile(path, cfg)
	return res
}

// readFile reads the named file as cfg says: the map (nil when it cannot
// be read) and the Result of a file not yet analysed.
func readFile(path string, cfg *Config) (*geometry.HeightMap, Result) {
	res := Result{File: path}
	m, format, err := geometry.ReadFile(path, cfg.Read)
	res.Format, res.Err = format, err
	// Hashed after decoding, from the page cache: 4 ms for the 4.8 MB of a
	// 2233×600 px map (1.2 GB/s, BenchmarkFileHash) against the 120 ms of
	// its analysis (BenchmarkFile), 3 %.
	if cfg.Hash {
		res.SHA256 = hashFile(path)
	}
	if m != nil {
		res.Meta = m.Meta
	}
	return m, res
}

// ErrInternal is wrapped by the error of a Result whose analysis panicked
// (a bug, not bad data).
var ErrInternal = errors.New("internal error")

// recoverInternal turns a panic of the analysis of res.File into res's
// error; deferred, so that no input can end the process.
func recoverInternal(res *Result) {
	if p := recover(); p != nil {
		res.Report = nil
		res.Err = fmt.Errorf("batch: %s: %w (please report it): %v", res.File, ErrInternal, p)
	}
}

// analyzeAndGrade analyses the decoded map m of the file name (format as
// recognised) and grades it as cfg says: the one step AnalyzeMap and
// AnalyzeBytes share. Errors start with name.
func analyzeAndGrade(an *ferrule.Analyzer, m *geometry.HeightMap, name, format string, cfg *Config) (*ferrule.Report, error) {
	rep, err := an.Analyze(m, cfg.Analysis)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rep.File, rep.Format = name, format
	if err := Grade(rep, cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rep, nil
}

// Grade grades rep as cfg says: with cfg.ProfileFor's profile for it, else
// with cfg.Profile; a nil profile leaves it ungraded.
func Grade(rep *ferrule.Report, cfg *Config) error {
	prof := cfg.Profile
	if cfg.ProfileFor != nil {
		var err error
		if prof, err = cfg.ProfileFor(rep); err != nil {
			return err
		}
	}
	if prof == nil {
		return nil
	}
	_, err := prof.Grade(rep)
	return err
}

// hashFile returns the hex SHA-256 of the named file, or "" when it
// cannot be read.
func hashFile(path string) string {
	sum, _ := HashFile(path)
	return sum
}

// HashFile returns the hex SHA-256 of the named file's bytes, as sha256sum
// prints it: the identity of a stored measurement (ferrule/store).
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// window is how many files per worker Run starts ahead of the first one
// not yet delivered: it bounds the finished results waiting for an
// earlier, slower file.
const window = 16

// Run analyses files over cfg.Workers goroutines and calls onResult (if
// not nil) for each file from the calling goroutine, in the order of
// files, with the file's index. It returns when every file is done, or,
// when ctx is cancelled, when the files already started are done and
// reported (as far as they continue the files delivered in order); it then
// returns ctx.Err(), unless every file was done by then. Errors of single
// files are in their Results.
//
// Memory is bounded by the number of workers: each worker reads, decodes
// and analyses one map and drops it before it takes the next file, so at
// most cfg.Workers maps are decoded at a time; only results (reports, not
// maps) wait to be delivered in order, and at most 16×cfg.Workers files
// are started and not yet delivered.
//
// Each worker is one processor's share of the work: with more than one
// file, a worker decodes and analyses on its own goroutine alone
// (ferrule.Analyzer.Serial, geometry.Options.Serial), so that N workers
// do N times the work of one; a single file is analysed on every
// processor, as AnalyzeFile does, and so are the last N−1 files of a
// batch, on the processors the workers that have finished leave idle.
// The results are the same either way, bit for bit.
func Run(ctx context.Context, files []string, cfg Config, onResult func(i int, r Result)) error {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(1, min(workers, len(files)))
	serial := len(files) > 1
	// The last workers−1 files, which the workers finish one after the
	// other with nothing left to take, are read and analysed on the
	// processors their idle neighbours leave (ferrule.Analyzer's share of
	// them), so that the batch's tail does not wait on one core.
	tailCfg := cfg
	if serial {
		read := geometry.Options{}
		if cfg.Read != nil {
			read = *cfg.Read
		}
		read.Serial = true
		cfg.Read = &read
	}
	tail := len(files) - (workers - 1)

	type done struct {
		i int
		r Result
	}
	jobs := make(chan int)
	out := make(chan done, workers)
	// A token per file started and not yet delivered.
	tokens := make(chan struct{}, window*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			an := &ferrule.Analyzer{}
			for i := range jobs {
				c := &cfg
				an.Serial = serial && i < tail
				if !an.Serial {
					c = &tailCfg
				}
				r := AnalyzeFile(an, files[i], c)
				if r.Err != nil {
					an = &ferrule.Analyzer{} // no state left from a failed run
				}
				out <- done{i, r}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range files {
			if ctx.Err() != nil { // select picks at random among ready cases
				return
			}
			select {
			case <-ctx.Done():
				return
			case tokens <- struct{}{}:
			}
			select {
			case <-ctx.Done():
				return
			case jobs <- i:
			}
		}
	}()
	go func() {
		wg.Wait()
		close(out)
	}()

	// Deliver in input order: hold results that finish early.
	pending := map[int]Result{}
	next := 0
	for d := range out {
		pending[d.i] = d.r
		for { // after a cancel, what was started still finishes and is delivered
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if onResult != nil {
				onResult(next, r)
			}
			next++
			<-tokens
		}
	}
	if next < len(files) {
		return ctx.Err()
	}
	return nil
}

// ErrNoProfile is returned by an AutoProfile function for a layout no
// built-in profile of the polish is for.
var ErrNoProfile = errors.New("batch: no built-in profile for this layout")

// AutoProfile returns a Config.ProfileFor that grades each report with the
// first built-in profile (ferrule.Profiles order) of the given polish ("PC"
// or "APC", any case) listing the report's layout: the single-mode
// IEC-style profile of the layout's family. A layout without one is an
// error wrapping ErrNoProfile.
func AutoProfile(polish string) func(rep *ferrule.Report) (*ferrule.Profile, error) {
	return AutoProfileGuardBand(polish, 0)
}

// AutoProfileGuardBand is AutoProfile grading with a guard band of k
// standard uncertainties (ferrule.Profile.GuardBand, SPEC §11): a check
// whose value lies within k·u of a limit is marginal. k is set once on the
// copies of the built-in profiles it hands out; 0 leaves them as built.
func AutoProfileGuardBand(polish string, k float64) func(rep *ferrule.Report) (*ferrule.Profile, error) {
	profiles := ferrule.Profiles()
	if k > 0 {
		for _, p := range profiles {
			p.GuardBand = k
		}
	}
	return func(rep *ferrule.Report) (*ferrule.Profile, error) {
		for _, p := range profiles {
			if !strings.EqualFold(p.Polish, polish) {
				continue
			}
			for _, l := range p.Layouts {
				if strings.EqualFold(l, rep.Layout) {
					return p, nil
				}
			}
		}
		return nil, fmt.Errorf("%w: %s %s", ErrNoProfile, polish, rep.Layout)
	}
}
