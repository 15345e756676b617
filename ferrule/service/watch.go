package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
)

// Folders and suffixes of the watch folder.
const (
	DoneDir     = "done"
	FailedDir   = "failed"
	ReportExt   = ".json"      // done/NAME.json: the report
	ErrorExt    = ".error.txt" // failed/NAME.error.txt: the error
	defaultPoll = 500 * time.Millisecond
	// emptyPolls is how many polls an empty file must stay empty before it
	// is taken (and fails as empty): an instrument may create a file a
	// moment before it writes it.
	emptyPolls = 10
)

// errCrash stops a watcher between two steps in tests (a simulated kill).
var errCrash = errors.New("service: watcher stopped between steps (test)")

// Watch analyses the files dropped into dir until ctx is done, with the
// service's default options (Config.Defaults) and store, one file at a
// time and taking one of the service's analysis slots for each. It polls
// dir every interval (0: 500 ms). A file is taken when its size and
// modification time are the same at two polls in a row (a file renamed
// into place is so at once); names starting with "." and ending in .tmp or
// .part are left alone, as are folders. A taken file NAME is analysed and
// then, in this order, its report is written to dir/done/NAME.json (or the
// error to dir/failed/NAME.error.txt) through a temporary file and a
// rename, the result is stored, and the file is moved to dir/done/NAME (or
// dir/failed/NAME). A file whose report or error file already exists, from
// a run stopped before the move, is moved (and stored again, which the
// store takes as the same measurement) without being analysed again; a
// name already in done/ or failed/ from an earlier file gets a suffix
// before its extension (a.x3p, a-2.x3p, a-3.x3p, ...). Files present at
// start are taken like new ones. Watch returns nil when ctx is done, after
// finishing the file in hand, or an error if dir cannot be watched.
func (s *Server) Watch(ctx context.Context, dir string, interval time.Duration) error {
	if interval <= 0 {
		interval = defaultPoll
	}
	w, err := s.newWatcher(dir)
	if err != nil {
		return err
	}
	s.log.Info("watching", "dir", dir, "interval_s", interval.Seconds())
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := w.poll(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

type observation struct {
	size  int64
	mtime time.Time
	polls int // consecutive polls with this size and time
}

// newWatcher checks that dir is a folder, makes its done/ and failed/
// and returns its watcher, which has seen nothing yet.
func (s *Server) newWatcher(dir string) (*watcher, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("service: watch folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("service: watch folder %s is not a folder", dir)
	}
	for _, sub := range []string{DoneDir, FailedDir} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o777); err != nil {
			return nil, fmt.Errorf("service: watch folder: %w", err)
		}
	}
	return &watcher{s: s, dir: dir, cfg: s.defaults, canon: s.defaultsCanon, seen: map[string]observation{}}, nil
}

type watcher struct {
	s     *Server
	dir   string
	cfg   batch.Config
	canon string
	seen  map[string]observation
}

// skipName reports whether a name in the watch folder is not an input.
func skipName(name string) bool {
	l := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasSuffix(l, ".tmp") || strings.HasSuffix(l, ".part")
}

// poll looks at the folder once and takes the files that are complete.
func (w *watcher) poll(ctx context.Context) error {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		w.s.log.Error("watch folder unreadable", "dir", w.dir, "error", err.Error())
		return nil // a network share may come back
	}
	present := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if skipName(name) || !e.Type().IsRegular() {
			continue
		}
		present[name] = true
		fi, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		prev, ok := w.seen[name]
		obs := observation{size: fi.Size(), mtime: fi.ModTime(), polls: 1}
		if ok && prev.size == obs.size && prev.mtime.Equal(obs.mtime) {
			obs.polls = prev.polls + 1
		}
		w.seen[name] = obs
		if obs.polls < 2 || (obs.size == 0 && obs.polls < emptyPolls) {
			continue
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := w.take(ctx, name); err != nil {
			return err
		}
		delete(w.seen, name)
	}
	for name := range w.seen {
		if !present[name] {
			delete(w.seen, name)
		}
	}
	return nil
}

// target is the name the file gets in done/ or failed/: name, or name
// with a suffix when an earlier file of that name was moved there.
func (w *watcher) target(name string) string {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for k := 1; ; k++ {
		t := name
		if k > 1 {
			t = fmt.Sprintf("%s-%d%s", stem, k, ext)
		}
		if !exists(filepath.Join(w.dir, DoneDir, t)) && !exists(filepath.Join(w.dir, FailedDir, t)) {
			return t
		}
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// step stops the watcher before the step name when a test asks
// (Server.crashAt).
func (w *watcher) step(name string) error {
	if w.s.crashAt == name {
		return errCrash
	}
	return nil
}

// take processes one complete file: analyse (unless an earlier run did),
// write the report or error, store, move.
func (w *watcher) take(ctx context.Context, name string) error {
	src := filepath.Join(w.dir, name)
	t := w.target(name)
	reportPath := filepath.Join(w.dir, DoneDir, t+ReportExt)
	errorPath := filepath.Join(w.dir, FailedDir, t+ErrorExt)
	var res batch.Result
	var rep *ferrule.Report
	var anErr error
	recovered := false
	switch {
	case exists(reportPath):
		recovered = true
		b, err := os.ReadFile(reportPath)
		if err == nil {
			rep = new(ferrule.Report)
			err = json.Unmarshal(b, rep)
		}
		if err != nil {
			// Not the report of a finished analysis: analyse again.
			rep, recovered = nil, false
		}
	case exists(errorPath):
		recovered = true
		b, err := os.ReadFile(errorPath)
		if err != nil {
			recovered = false
		} else {
			anErr = errors.New(strings.TrimSuffix(string(b), "\n"))
		}
	}
	if !recovered {
		data, err := os.ReadFile(src)
		if err != nil {
			w.s.log.Warn("watch: cannot read", "file", src, "error", err.Error())
			return nil
		}
		if err := w.step("analyse"); err != nil {
			return err
		}
		select {
		case w.s.slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		res, _ = w.s.analyse(src, data, &w.cfg)
		<-w.s.slots
		rep, anErr = res.Report, res.Err
		if err := w.step("write"); err != nil {
			return err
		}
		if anErr == nil {
			var buf bytes.Buffer
			if err := json.NewEncoder(&buf).Encode(rep); err != nil {
				anErr = err
			} else if err := writeAtomic(reportPath, buf.Bytes()); err != nil {
				return fmt.Errorf("service: watch folder: %w", err)
			}
		}
		if anErr != nil {
			if err := writeAtomic(errorPath, []byte(anErr.Error()+"\n")); err != nil {
				return fmt.Errorf("service: watch folder: %w", err)
			}
		}
	} else if w.s.cfg.Store != nil {
		// No analysis, but the file is read again for what is stored of it
		// beside the report: its SHA-256, date, instrument and creator.
		res = batch.Describe(src, &w.cfg)
		if res.SHA256 == "" {
			w.s.log.Warn("watch: cannot read", "file", src)
			return nil
		}
	}
	if err := w.step("store"); err != nil {
		return err
	}
	id, err := w.s.save(rep, measurementMeta(&res, w.canon, w.s.cfg.Meta), anErr)
	if err != nil {
		w.s.log.Error("watch: storing failed", "file", src, "error", err.Error())
	}
	if err := w.step("move"); err != nil {
		return err
	}
	destDir, outcome := DoneDir, "done"
	if anErr != nil {
		destDir, outcome = FailedDir, "failed"
	}
	if err := os.Rename(src, filepath.Join(w.dir, destDir, t)); err != nil {
		return fmt.Errorf("service: watch folder: %w", err)
	}
	if recovered {
		outcome = "recovered"
	}
	w.s.metrics.watchedFile(outcome)
	attrs := []any{"file", src, "moved_to", filepath.Join(destDir, t), "outcome", outcome}
	if id != 0 {
		attrs = append(attrs, "measurement_id", id)
	}
	if anErr != nil {
		attrs = append(attrs, "error", anErr.Error())
	} else {
		attrs = append(attrs, "layout", rep.Layout)
	}
	w.s.log.Info("watch", attrs...)
	return nil
}

// writeAtomic writes data to path through a hidden temporary file in the
// same folder and a rename, so path holds either nothing or all of data.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
