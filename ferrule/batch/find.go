package batch

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/mtgeo/mtgeo/geometry"
)

// FindOptions control which files List and Find take from folders.
type FindOptions struct {
	// All takes every regular file in the folders whose content a
	// registered format recognises, not only those with a registered
	// format's extension.
	All bool
	// Skip lists output folders (the batch's own, which may not hold a
	// previous run's files yet): they are skipped as ReasonOutput.
	Skip []string
}

// Skip is a path met by List and not taken, with the reason (one of the
// Reason constants).
type Skip struct {
	Path   string
	Reason string
}

// Reasons for which List skips a path met in a folder.
const (
	// ReasonHidden: a name starting with "." (".git", ".DS_Store"); a
	// hidden folder is not entered.
	ReasonHidden = "hidden"
	// ReasonOutput: the batch's output folder (FindOptions.Skip) or a
	// folder holding a previous run's outputs; not entered.
	ReasonOutput = "output folder"
	// ReasonDirectory: a folder named with a height-map extension ("a.x3p/",
	// e.g. an unpacked X3P archive), or a symbolic link to a folder;
	// neither is entered.
	ReasonDirectory = "directory"
	// ReasonDangling: a symbolic link whose target does not exist.
	ReasonDangling = "dangling symlink"
	// ReasonLoop: a symbolic link that leads back to itself.
	ReasonLoop = "symlink loop"
	// ReasonSpecial: a named pipe, socket or device.
	ReasonSpecial = "not a regular file"
	// ReasonExtension: a file without a registered format's extension
	// (without FindOptions.All).
	ReasonExtension = "not a height-map extension"
	// ReasonEmpty: a file of zero bytes.
	ReasonEmpty = "empty file"
	// ReasonNotMap: a file whose first bytes no registered format
	// recognises (notes, images, spreadsheets).
	ReasonNotMap = "not a height map"
)

// Listing is what List found: the files to analyse, in order, and the
// paths it met in folders and left out.
type Listing struct {
	Files   []string
	Skipped []Skip
}

// Find is List without the skipped paths.
func Find(paths []string, opt FindOptions) ([]string, error) {
	l, err := List(paths, opt)
	return l.Files, err
}

// List expands paths into the files to analyse, and accounts for every
// other path it meets: each is either in Files (and so becomes a result
// row) or in Skipped with its reason. The rules are those of the package
// documentation ("Which files"). List returns an error only when a folder
// cannot be walked at all.
func List(paths []string, opt FindOptions) (Listing, error) {
	l := &lister{all: opt.All, exts: map[string]bool{}, seen: map[string]bool{}, skipped: map[string]bool{},
		formats: geometry.Formats(), head: make([]byte, geometry.SniffLen)}
	for _, f := range l.formats {
		for _, e := range f.Extensions {
			l.exts[strings.ToLower(e)] = true
		}
	}
	for _, s := range opt.Skip {
		if fi, err := os.Stat(s); err == nil {
			l.outputs = append(l.outputs, fi)
		}
	}
	for _, root := range paths {
		fi, err := os.Stat(root)
		if err != nil || !fi.IsDir() {
			l.take(root) // named explicitly: a row, an error row if it cannot be read
			continue
		}
		root = filepath.Clean(root)
		if l.isOutput(root) {
			l.skip(root, ReasonOutput)
			continue
		}
		// WalkDir does not follow a root that is a symbolic link to a
		// folder: walk the folder, with paths under the name given.
		walk := root
		if li, err := os.Lstat(root); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			if walk, err = filepath.EvalSymlinks(root); err != nil {
				return Listing{}, fmt.Errorf("batch: %w", err)
			}
		}
		err = filepath.WalkDir(walk, func(p string, d fs.DirEntry, err error) error {
			if walk != root {
				p = filepath.Join(root, strings.TrimPrefix(p, walk))
			}
			return l.visit(root, p, d, err)
		})
		if err != nil {
			return Listing{}, fmt.Errorf("batch: %w", err)
		}
	}
	// A path skipped in a folder but named explicitly too is taken.
	var skipped []Skip
	for _, s := range l.out.Skipped {
		if !l.seen[s.Path] {
			skipped = append(skipped, s)
		}
	}
	l.out.Skipped = skipped
	return l.out, nil
}

type lister struct {
	all     bool
	exts    map[string]bool
	outputs []fs.FileInfo
	formats []geometry.Format
	head    []byte
	seen    map[string]bool // taken
	skipped map[string]bool
	out     Listing
}

func (l *lister) take(p string) {
	p = filepath.Clean(p)
	if !l.seen[p] {
		l.seen[p] = true
		l.out.Files = append(l.out.Files, p)
	}
}

func (l *lister) skip(p, reason string) {
	p = filepath.Clean(p)
	if !l.seen[p] && !l.skipped[p] {
		l.skipped[p] = true
		l.out.Skipped = append(l.out.Skipped, Skip{Path: p, Reason: reason})
	}
}

// visit is the WalkDir function of the walk from root.
func (l *lister) visit(root, p string, d fs.DirEntry, err error) error {
	if err != nil {
		if p == root {
			return err
		}
		l.take(p) // an unreadable entry: its error row says why
		if d != nil && d.IsDir() {
			return fs.SkipDir
		}
		return nil
	}
	if p == root {
		return nil
	}
	name := d.Name()
	if strings.HasPrefix(name, ".") {
		l.skip(p, ReasonHidden)
		if d.IsDir() {
			return fs.SkipDir
		}
		return nil
	}
	switch t := d.Type(); {
	case t.IsDir():
		switch {
		case l.isOutput(p):
			l.skip(p, ReasonOutput)
			return fs.SkipDir
		case l.exts[strings.ToLower(filepath.Ext(name))]:
			l.skip(p, ReasonDirectory)
			return fs.SkipDir
		}
		return nil
	case t&fs.ModeSymlink != 0:
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			if reason := brokenLink(p, err); reason != "" {
				l.skip(p, reason)
			} else {
				l.take(p) // e.g. no permission: an error row
			}
			return nil
		case fi.IsDir():
			l.skip(p, ReasonDirectory)
			return nil
		case !fi.Mode().IsRegular():
			l.skip(p, ReasonSpecial)
			return nil
		}
	case !t.IsRegular():
		l.skip(p, ReasonSpecial)
		return nil
	}
	if !l.all && !l.exts[strings.ToLower(filepath.Ext(name))] {
		l.skip(p, ReasonExtension)
		return nil
	}
	switch reason, err := l.sniff(p); {
	case err != nil:
		l.take(p) // unreadable: an error row
	case reason != "":
		l.skip(p, reason)
	default:
		l.take(p)
	}
	return nil
}

// isOutput reports whether the folder p is one of the output folders or
// holds a previous run's outputs: results.jsonl, or summary.json with
// summary.txt.
func (l *lister) isOutput(p string) bool {
	if len(l.outputs) > 0 {
		if fi, err := os.Stat(p); err == nil {
			for _, o := range l.outputs {
				if os.SameFile(fi, o) {
					return true
				}
			}
		}
	}
	exists := func(name string) bool {
		_, err := os.Lstat(filepath.Join(p, name))
		return err == nil
	}
	return exists(ResultsFile) || (exists(SummaryJSON) && exists(SummaryText))
}

// sniff returns ReasonEmpty or ReasonNotMap for a file that no registered
// format recognises by its first bytes (as geometry.ReadFile sniffs them),
// "" for one that a format recognises, or the error reading it.
func (l *lister) sniff(p string) (reason string, err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	n, err := io.ReadFull(f, l.head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", err
	}
	if n == 0 {
		return ReasonEmpty, nil
	}
	for _, ft := range l.formats {
		if ft.Match(l.head[:n]) {
			return "", nil
		}
	}
	return ReasonNotMap, nil
}

// maxLinks is how many symbolic links brokenLink follows before it calls
// the chain a loop (Linux gives up after 40).
const maxLinks = 255

// brokenLink returns ReasonDangling or ReasonLoop for the symbolic link p
// that os.Stat could not follow (with statErr), or "" when the link is
// neither (the error is another, such as a permission).
func brokenLink(p string, statErr error) string {
	if errors.Is(statErr, fs.ErrNotExist) || errors.Is(statErr, syscall.ENOTDIR) {
		return ReasonDangling
	}
	seen := map[string]bool{filepath.Clean(p): true}
	for range maxLinks {
		target, err := os.Readlink(p)
		if err != nil {
			return ""
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = filepath.Clean(target)
		if seen[p] {
			return ReasonLoop
		}
		seen[p] = true
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
			return ReasonDangling
		case err != nil:
			return ""
		case fi.Mode()&fs.ModeSymlink == 0:
			return "" // the chain ends at a real file: the error is elsewhere
		}
	}
	return ReasonLoop
}

// ReasonCount is the number of paths skipped for one reason.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// countReasons counts skipped paths by reason, most first, then by name.
func countReasons(by map[string]int) []ReasonCount {
	rc := []ReasonCount{}
	for r, n := range by {
		rc = append(rc, ReasonCount{r, n})
	}
	sort.Slice(rc, func(i, j int) bool {
		if rc[i].Count != rc[j].Count {
			return rc[i].Count > rc[j].Count
		}
		return rc[i].Reason < rc[j].Reason
	})
	return rc
}

// SkipSummary returns the line that summarises skipped paths: "3 skipped:
// 2 not a height map, 1 dangling symlink" ("0 skipped" for none).
func SkipSummary(skipped []Skip) string {
	by := map[string]int{}
	for _, s := range skipped {
		by[s.Reason]++
	}
	return skipLine(len(skipped), countReasons(by))
}

func skipLine(n int, rc []ReasonCount) string {
	s := fmt.Sprintf("%d skipped", n)
	if n == 0 {
		return s
	}
	parts := make([]string, len(rc))
	for i, r := range rc {
		parts[i] = fmt.Sprintf("%d %s", r.Count, r.Reason)
	}
	return s + ": " + strings.Join(parts, ", ")
}
