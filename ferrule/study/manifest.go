package study

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Entry is one line of a gauge-study manifest: which file holds the
// measurement of which part by which operator in which trial.
type Entry struct {
	Part, Operator, Trial string
	// File is the height-map file, relative paths made relative to the
	// manifest's folder.
	File string
	// Line is the entry's line in the manifest (1 = the header), 0 when
	// the entry did not come from a manifest.
	Line int
}

// manifestColumns are the columns a manifest must have.
var manifestColumns = []string{"part", "operator", "trial", "file"}

// maxManifestEntries bounds a manifest: a study of 10 parts × 3 operators ×
// 3 trials has 90 lines; 100,000 is far beyond any gauge study.
const maxManifestEntries = 100000

// maxManifestBytes bounds the manifest read into memory (100,000 lines of
// paths fit easily).
const maxManifestBytes = 64 << 20

// ReadManifest reads a gauge-study manifest: CSV with a header naming the
// columns part, operator and trial and file (in any order, any case; other
// columns are ignored; a UTF-8 byte-order mark and lines starting with #
// are skipped). Every field of the four must be given; labels are
// compared as text, spaces around them trimmed ("1" and "01" are two
// trials). A relative file path is taken relative to dir. Errors name the
// line.
func ReadManifest(r io.Reader, dir string) ([]Entry, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("study: manifest: %w", err)
	}
	if len(b) > maxManifestBytes {
		return nil, fmt.Errorf("study: manifest is larger than %d MB: not a gauge study's", maxManifestBytes>>20)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("study: manifest is empty: it needs a header part,operator,trial,file and a line per measurement")
	}
	if err != nil {
		return nil, fmt.Errorf("study: manifest: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; dup && h != "" {
			return nil, fmt.Errorf("study: manifest header names column %q twice", h)
		}
		col[h] = i
	}
	var missing []string
	for _, c := range manifestColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("study: manifest header %q lacks column %s (it needs part, operator, trial, file, in any order)", strings.Join(header, ","), strings.Join(missing, ", "))
	}
	var out []Entry
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("study: manifest: %w", err)
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) (string, error) {
			i := col[name]
			if i >= len(rec) || strings.TrimSpace(rec[i]) == "" {
				return "", fmt.Errorf("study: manifest line %d: no %s", line, name)
			}
			return strings.TrimSpace(rec[i]), nil
		}
		var e Entry
		e.Line = line
		for _, f := range []struct {
			name string
			dst  *string
		}{{"part", &e.Part}, {"operator", &e.Operator}, {"trial", &e.Trial}, {"file", &e.File}} {
			if *f.dst, err = get(f.name); err != nil {
				return nil, err
			}
		}
		if !filepath.IsAbs(e.File) {
			e.File = filepath.Join(dir, e.File)
		}
		if len(out) == maxManifestEntries {
			return nil, fmt.Errorf("study: manifest has more than %d entries", maxManifestEntries)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, errors.New("study: manifest has a header but no measurements")
	}
	return out, nil
}

// ReadManifestFile reads the manifest at path (ReadManifest), relative
// file paths taken relative to its folder.
func ReadManifestFile(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	defer f.Close()
	es, err := ReadManifest(f, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return es, nil
}

// design is the layout of a crossed study: the parts and operators in the
// order they first appear, and for each cell its entries' indices.
type design struct {
	parts, operators []string
	trials           int
	cell             [][][]int // [part][operator] → indices, in input order
}

// where says where entry i came from, for error messages.
type labelled interface {
	label(i int) string
	key(i int) (part, operator, trial string)
	n() int
}

type entries []Entry

func (es entries) n() int { return len(es) }
func (es entries) key(i int) (string, string, string) {
	return es[i].Part, es[i].Operator, es[i].Trial
}
func (es entries) label(i int) string {
	if es[i].Line > 0 {
		return fmt.Sprintf("line %d", es[i].Line)
	}
	return es[i].File
}

// CheckDesign checks that the entries form a balanced crossed study (every
// part × operator cell with the same number r ≥ 2 of distinct trials,
// p ≥ 2 parts, o ≥ 2 operators), so that a manifest is refused before any
// file is analysed. The error wraps ErrDesign and names the cells that are
// missing, duplicated or short.
func CheckDesign(es []Entry) error {
	_, err := checkDesign(entries(es))
	return err
}

func checkDesign(es labelled) (*design, error) {
	d := &design{}
	pi, oi := map[string]int{}, map[string]int{}
	type k struct{ p, o, t string }
	seen := map[k]int{}
	var dups []string
	for i := range es.n() {
		p, o, t := es.key(i)
		if j, ok := seen[k{p, o, t}]; ok {
			dups = append(dups, fmt.Sprintf("part %s operator %s trial %s (%s and %s)", p, o, t, es.label(j), es.label(i)))
			continue
		}
		seen[k{p, o, t}] = i
		if _, ok := pi[p]; !ok {
			pi[p] = len(d.parts)
			d.parts = append(d.parts, p)
		}
		if _, ok := oi[o]; !ok {
			oi[o] = len(d.operators)
			d.operators = append(d.operators, o)
		}
	}
	if len(dups) > 0 {
		return nil, fmt.Errorf("%w: a trial is given twice: %s", ErrDesign, limitList(dups))
	}
	if len(d.parts) < 2 || len(d.operators) < 2 {
		return nil, fmt.Errorf("%w: %d parts × %d operators: a gauge study needs at least 2 of each", ErrDesign, len(d.parts), len(d.operators))
	}
	d.cell = make([][][]int, len(d.parts))
	for i := range d.cell {
		d.cell[i] = make([][]int, len(d.operators))
	}
	for i := range es.n() {
		p, o, t := es.key(i)
		if seen[k{p, o, t}] != i {
			continue
		}
		c := &d.cell[pi[p]][oi[o]]
		*c = append(*c, i)
	}
	// r is the most common trial count; every cell with another is named.
	count := map[int]int{}
	for i := range d.cell {
		for j := range d.cell[i] {
			count[len(d.cell[i][j])]++
		}
	}
	for n, c := range count {
		if c > count[d.trials] || (c == count[d.trials] && n > d.trials) {
			d.trials = n
		}
	}
	var bad []string
	for i, p := range d.parts {
		for j, o := range d.operators {
			n := len(d.cell[i][j])
			switch {
			case n == 0:
				bad = append(bad, fmt.Sprintf("part %s × operator %s is missing", p, o))
			case n != d.trials:
				bad = append(bad, fmt.Sprintf("part %s × operator %s has %d trials", p, o, n))
			}
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%w: %d parts × %d operators, most cells with %d trials, but %s", ErrDesign, len(d.parts), len(d.operators), d.trials, limitList(bad))
	}
	if d.trials < 2 {
		return nil, fmt.Errorf("%w: %d trial per part and operator: repeatability needs at least 2", ErrDesign, d.trials)
	}
	return d, nil
}

// limitList joins items, the first 10 of them and a count of the rest.
func limitList(items []string) string {
	const show = 10
	if len(items) <= show {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:show], "; ") + fmt.Sprintf("; and %d more", len(items)-show)
}
