package text

import (
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         "text",
		Weak:         true,
		Extensions:   []string{".txt", ".asc", ".csv", ".xyz", ".dat"},
		Match:        match,
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

// Decode reads a height matrix or an XYZ point list; see the package
// documentation. opts may be nil.
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	return decode(r, opts, false)
}

// DecodeConfig returns the size and pitch of the map Decode would return.
// It reads the whole input (text has no size header), keeping the values
// only for a point list, whose grid it must find.
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	m, err := decode(r, opts, true)
	if err != nil {
		return geometry.Config{}, err
	}
	return geometry.Config{Format: "text", Cols: m.Cols(), Rows: m.Rows(), Pitch: m.Pitch, Offset: m.Offset}, nil
}

// settings are the resolved Options.
type settings struct {
	channel int
	pitch   r2.Vec  // µm, both positive
	zunit   float64 // µm per file unit
	xyunit  float64 // µm per file unit of XYZ coordinates
	// What the user set: a value the file lacks and the user did not set
	// is assumed with a warning.
	pitchSet, zunitSet, xyunitSet bool
}

// Warnings for values assumed because neither the file nor the options
// give them (package documentation).
const (
	warnPitch  = "no pixel pitch in the file: 1 µm assumed (set --pitch)"
	warnZUnit  = "no height unit in the file: µm assumed (set --z-unit)"
	warnXYUnit = "no %s unit in the file: µm assumed (set --xy-unit)"
)

func resolve(opts *geometry.Options) (settings, error) {
	s := settings{pitch: r2.Vec{X: 1, Y: 1}, zunit: 1, xyunit: 1}
	if opts == nil {
		return s, nil
	}
	s.channel = opts.Channel
	p := opts.Pitch
	switch {
	case p.X == 0 && p.Y == 0:
	case p.X == 0:
		p.X = p.Y
	case p.Y == 0:
		p.Y = p.X
	}
	if p != (r2.Vec{}) {
		if !positive(p.X) || !positive(p.Y) {
			return s, fmt.Errorf("text: Options.Pitch %v µm is not positive and finite", opts.Pitch)
		}
		s.pitch, s.pitchSet = p, true
	}
	if opts.ZUnit != 0 {
		if !positive(opts.ZUnit) {
			return s, fmt.Errorf("text: Options.ZUnit %g µm is not positive and finite", opts.ZUnit)
		}
		s.zunit, s.zunitSet = opts.ZUnit, true
	}
	if opts.XYUnit != 0 {
		if !positive(opts.XYUnit) {
			return s, fmt.Errorf("text: Options.XYUnit %g µm is not positive and finite", opts.XYUnit)
		}
		s.xyunit, s.xyunitSet = opts.XYUnit, true
	}
	if s.channel < 0 {
		return s, fmt.Errorf("text: Options.Channel %d is negative", s.channel)
	}
	return s, nil
}

func positive(v float64) bool { return v > 0 && !math.IsInf(v, 1) }

// block is one matrix block: its header keys and values.
type block struct {
	hdr        map[string]string
	cols, rows int
	z          []float64 // nil when only counting
	firstLine  int
}

func decode(r io.Reader, opts *geometry.Options, countOnly bool) (*geometry.HeightMap, error) {
	set, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	lr := newLineReader(r)
	var (
		hdr      = map[string]string{}
		hdrFresh bool // the next comment starts a new header
		inData   bool
		koala    bool // the file starts with a Koala header
		index    = -1 // block index
		cur      *block
		toks     []string
	)
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, eofErr(err, lr.n+1)
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' {
			if inData {
				inData = false
				hdrFresh = true
				if index == set.channel {
					break // the wanted block is complete
				}
			}
			if trimmed != "" {
				if hdrFresh {
					hdr, hdrFresh = map[string]string{}, false
				}
				if k, v, ok := headerField(trimmed[1:]); ok {
					hdr[k] = v
				}
			}
			continue
		}
		if index < 0 && !inData {
			// Before the first data line: a Koala header?
			if !koala {
				if rows, cols, ok := koalaSize(trimmed); ok {
					hdr[koalaRows], hdr[koalaCols], koala = rows, cols, true
					continue
				}
			} else if kv, ok := koalaField(trimmed); ok {
				for _, e := range kv {
					hdr[e[0]] = e[1]
				}
				continue
			}
		}
		if !inData {
			inData = true
			index++
			if hdrFresh {
				// No comment since the last block: this one has no header.
				hdr, hdrFresh = map[string]string{}, false
			}
			if index == 0 {
				// The first data line decides between matrix and points.
				toks = fields(toks[:0], line)
				if xyzHeader(toks) || (len(toks) == 3 && hdr["width"] == "" && hdr["height"] == "" && !koala && allNumbers(toks)) {
					if set.channel != 0 {
						return nil, fmt.Errorf("text: channel %d requested, a point list holds one map", set.channel)
					}
					return decodeXYZ(lr, line, set)
				}
			}
			if index == set.channel {
				cur = &block{hdr: hdr, firstLine: lr.n}
				if !countOnly {
					cur.z = make([]float64, 0, 1<<12)
				}
			}
			hdrFresh = true
		}
		if index != set.channel {
			continue
		}
		toks = fields(toks[:0], line)
		if cur.rows == 0 {
			cur.cols = len(toks)
		} else if len(toks) != cur.cols {
			return nil, formatErr("line %d has %d values, the first row of the block (line %d) %d", lr.n, len(toks), cur.firstLine, cur.cols)
		}
		if (cur.rows+1)*cur.cols > geometry.MaxPixels {
			return nil, fmt.Errorf("text: %w: more than %d values", geometry.ErrTooLarge, geometry.MaxPixels)
		}
		for i, tok := range toks {
			v, ok := value(tok)
			if !ok {
				return nil, formatErr("line %d, value %d: %q is not a number", lr.n, i+1, trunc(tok))
			}
			if cur.z != nil {
				cur.z = append(cur.z, v)
			}
		}
		cur.rows++
	}
	if cur == nil {
		if index < 0 {
			return nil, formatErr("no data lines")
		}
		return nil, fmt.Errorf("text: channel %d requested, the file has %d blocks", set.channel, index+1)
	}
	return cur.heightMap(set)
}

// heightMap applies the header or the settings to a complete block.
func (b *block) heightMap(set settings) (*geometry.HeightMap, error) {
	if err := geometry.CheckSize(b.cols, b.rows); err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	var warnings []string
	pitch := set.pitch
	ws, hasW := b.hdr["width"]
	hs, hasH := b.hdr["height"]
	if hasW {
		w, err := headerLength("Width", ws)
		if err != nil {
			return nil, err
		}
		pitch.X = w / float64(b.cols)
	}
	if hasH {
		h, err := headerLength("Height", hs)
		if err != nil {
			return nil, err
		}
		pitch.Y = h / float64(b.rows)
	}
	_, koala := b.hdr[koalaRows]
	if koala {
		if err := checkKoalaSize(b.hdr, b.cols, b.rows); err != nil {
			return nil, err
		}
	}
	ps, hasP := b.hdr[koalaPixel]
	if hasP {
		p, err := headerLength("pixel size", ps)
		if err != nil {
			return nil, err
		}
		pitch = r2.Vec{X: p, Y: p}
	}
	switch {
	case hasP:
	case hasW && !hasH:
		pitch.Y = pitch.X
		warnings = append(warnings, fmt.Sprintf("header gives a Width but no Height: square pixels assumed (%.6g µm)", pitch.X))
	case hasH && !hasW:
		pitch.X = pitch.Y
		warnings = append(warnings, fmt.Sprintf("header gives a Height but no Width: square pixels assumed (%.6g µm)", pitch.Y))
	case !hasW && !hasH && !set.pitchSet:
		warnings = append(warnings, warnPitch)
	}
	if err := geometry.CheckPitch(pitch); err != nil {
		return nil, fmt.Errorf("text: header Width/Height: %w", err)
	}
	zu := set.zunit
	if koala {
		f, err := koalaHeights(b.hdr)
		if err != nil {
			return nil, err
		}
		zu = f
	} else if s, ok := b.hdr["value units"]; ok && s != "" {
		f, ok := unit(s)
		if !ok {
			return nil, unsupportedErr("header Value units: %q is not a length", trunc(s))
		}
		zu = f
	} else if !set.zunitSet {
		warnings = append(warnings, warnZUnit)
	}
	m := &geometry.HeightMap{Stride: b.cols, Rect: image.Rect(0, 0, b.cols, b.rows), Pitch: pitch, Warnings: warnings}
	if b.z != nil {
		m.Z = b.z[: b.cols*b.rows : b.cols*b.rows]
		for i, v := range m.Z {
			v *= zu
			if math.IsInf(v, 0) {
				v = math.NaN()
			}
			m.Z[i] = v
		}
	}
	return m, nil
}

func allNumbers(toks []string) bool {
	for _, t := range toks {
		if _, ok := value(t); !ok {
			return false
		}
	}
	return len(toks) > 0
}

// xyzHeader reports a line of three column names, each starting with a
// letter and not a number (nan, inf).
func xyzHeader(toks []string) bool {
	toks = joinUnits(toks)
	if len(toks) != 3 {
		return false
	}
	for _, t := range toks {
		if t == "" || !(t[0] >= 'A' && t[0] <= 'Z' || t[0] >= 'a' && t[0] <= 'z') {
			return false
		}
		if _, ok := value(t); ok {
			return false
		}
	}
	return true
}

// joinUnits attaches a field starting with '[' or '(' to the field before
// it, so that "x [mm] y [mm] z [nm]" has three names.
func joinUnits(toks []string) []string {
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if len(out) > 0 && t != "" && (t[0] == '[' || t[0] == '(') {
			out[len(out)-1] += " " + t
			continue
		}
		out = append(out, t)
	}
	return out
}

// eofErr adds the line number to a read error.
func eofErr(err error, line int) error {
	var fe geometry.FormatError
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("text: reading line %d: %w", line, err)
}

// match is the content sniffer of the package documentation.
func match(head []byte) bool {
	if len(head) >= 3 && string(head[:3]) == "\xEF\xBB\xBF" {
		head = head[3:]
	}
	cut := len(head) >= geometry.SniffLen-3 // the last line may be incomplete
	numbers := 0
	first := true  // no data line yet
	koala := false // a Koala size line met
	var toks []string
	for len(head) > 0 {
		i := 0
		for i < len(head) && head[i] != '\n' && head[i] != '\r' {
			i++
		}
		line, last := head[:i], i == len(head)
		if i < len(head) {
			head = head[i+1:]
		} else {
			head = nil
		}
		high := false
		for _, c := range line {
			if c == 0x7f || (c < 0x20 && c != '\t') {
				return false
			}
			high = high || c >= 0x80
		}
		s := strings.TrimSpace(string(line))
		if s == "" || isComment(s) {
			continue
		}
		if first && !koala {
			if _, _, ok := koalaSize(s); ok {
				koala = true
				continue
			}
		}
		if koala && first {
			if _, ok := koalaField(s); ok {
				continue // bytes ≥ 0x80 allowed, as in a unit
			}
		}
		toks = fields(toks[:0], s)
		if last && cut && len(toks) > 0 {
			toks = toks[:len(toks)-1]
		}
		if first && xyzHeader(toks) {
			first = false // bytes ≥ 0x80 allowed, as in "x [µm]"
			continue
		}
		if high {
			return false
		}
		first = false
		for _, t := range toks {
			v, ok := value(t)
			if !ok {
				return false
			}
			if !math.IsNaN(v) {
				numbers++
			}
		}
	}
	return numbers > 0
}
