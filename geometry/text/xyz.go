package text

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

const (
	// gridTol is how far, in steps, a coordinate may lie from its grid line.
	gridTol = 0.1
	// minFill: a point list must fill at least 1/minFill of its grid nodes.
	minFill = 100
)

// points is a point list being read, coordinates in µm.
type points struct {
	x, y, z  []float64
	warnings []string // for the map
}

func (p *points) warn(format string, a ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, a...))
}

func decodeXYZ(lr *lineReader, first string, set settings) (*geometry.HeightMap, error) {
	units := [3]float64{set.xyunit, set.xyunit, set.zunit} // µm per file unit of x, y, z
	var named [3]bool                                      // the header gives the column's unit
	var p points
	toks := fields(nil, first)
	header := xyzHeader(toks)
	// Three numbers a line may also be a height matrix three pixels wide:
	// without a header naming the columns, the values are kept as they
	// are, and a list whose x, y are not coordinates on a grid is read as
	// that matrix instead.
	var raw []float64
	var listErr error
	keep := func(toks []string) bool {
		if header || len(toks) != 3 {
			return false
		}
		for _, t := range toks {
			v, ok := value(t)
			if !ok {
				return false
			}
			raw = append(raw, v)
		}
		return true
	}
	if header {
		for i, t := range joinUnits(toks) {
			name, ok := bracketed(t)
			if !ok {
				continue
			}
			f, ok := unit(name)
			if !ok {
				return nil, unsupportedErr("line %d: unit %q of column %q is not a length", lr.n, trunc(name), trunc(t))
			}
			units[i], named[i] = f, true
		}
	} else {
		keep(toks)
		if err := p.add(toks, lr.n, units); err != nil {
			listErr = err
		}
	}
	switch {
	case set.xyunitSet || named[0] && named[1]:
	case named[1]:
		p.warn(warnXYUnit, "x")
	case named[0]:
		p.warn(warnXYUnit, "y")
	default:
		p.warn(warnXYUnit, "x/y")
	}
	if !named[2] && !set.zunitSet {
		p.warn("%s", warnZUnit)
	}
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, eofErr(err, lr.n+1)
		}
		if s := strings.TrimSpace(line); s == "" || s[0] == '#' {
			continue
		}
		toks = fields(toks[:0], line)
		if len(raw) > 3*geometry.MaxPixels {
			return nil, fmt.Errorf("text: %w: more than %d values", geometry.ErrTooLarge, 3*geometry.MaxPixels)
		}
		if !keep(toks) {
			raw = nil
			if listErr != nil || header {
				if listErr == nil {
					listErr = p.add(toks, lr.n, units)
				}
				if listErr != nil {
					return nil, listErr
				}
				continue
			}
		}
		if listErr == nil {
			listErr = p.add(toks, lr.n, units)
		}
	}
	var m *geometry.HeightMap
	if listErr == nil {
		m, listErr = p.grid(set)
	}
	if listErr == nil || raw == nil || !likeHeights(raw) {
		return m, listErr
	}
	b := block{hdr: map[string]string{}, cols: 3, rows: len(raw) / 3, z: raw}
	m, err := b.heightMap(set)
	if err != nil {
		return nil, listErr
	}
	m.Warn("three numbers a line whose first two are not x, y on a grid (%v): read as a height matrix 3 pixels wide", listErr)
	return m, nil
}

// bracketed returns the text inside [] or () at the end of a column name.
func bracketed(s string) (string, bool) {
	for _, b := range []string{"[]", "()"} {
		i := strings.LastIndexByte(s, b[0])
		j := strings.LastIndexByte(s, b[1])
		if i >= 0 && j > i {
			return s[i+1 : j], true
		}
	}
	return "", false
}

func (p *points) add(toks []string, line int, units [3]float64) error {
	if len(toks) != 3 {
		return formatErr("line %d has %d values, a point list has 3 (x y z)", line, len(toks))
	}
	if len(p.x) >= geometry.MaxPixels {
		return fmt.Errorf("text: %w: more than %d points", geometry.ErrTooLarge, geometry.MaxPixels)
	}
	var v [3]float64
	for i, t := range toks {
		f, ok := value(t)
		if !ok {
			return formatErr("line %d, value %d: %q is not a number", line, i+1, trunc(t))
		}
		v[i] = f * units[i]
	}
	for i, name := range []string{"x", "y"} {
		if math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
			return formatErr("line %d: %s = %q is not a coordinate", line, name, trunc(toks[i]))
		}
	}
	if math.IsInf(v[2], 0) {
		v[2] = math.NaN()
	}
	p.x, p.y, p.z = append(p.x, v[0]), append(p.y, v[1]), append(p.z, v[2])
	return nil
}

// likeHeights reports whether the three columns of raw (three values a
// line) look like one surface's heights rather than x, y and z: an invalid
// value in the first two columns (no coordinate is NaN, a height may be),
// or three columns alike, their spans within a factor of 10 and their
// means within the largest span of each other.
func likeHeights(raw []float64) bool {
	var lo, hi, sum [3]float64
	var n [3]int
	for k := range lo {
		lo[k], hi[k] = math.Inf(1), math.Inf(-1)
	}
	for i, v := range raw {
		k := i % 3
		if v != v {
			if k < 2 {
				return true
			}
			continue
		}
		lo[k], hi[k], sum[k], n[k] = math.Min(lo[k], v), math.Max(hi[k], v), sum[k]+v, n[k]+1
	}
	spanLo, spanHi := math.Inf(1), 0.0
	meanLo, meanHi := math.Inf(1), math.Inf(-1)
	for k := range lo {
		if n[k] == 0 {
			return false
		}
		s := hi[k] - lo[k]
		spanLo, spanHi = math.Min(spanLo, s), math.Max(spanHi, s)
		mean := sum[k] / float64(n[k])
		meanLo, meanHi = math.Min(meanLo, mean), math.Max(meanHi, mean)
	}
	return spanLo > 0 && spanHi < 10*spanLo && meanHi-meanLo <= spanHi
}

// axis finds the grid of one coordinate: origin (the smallest value), step
// and number of grid lines; step is 0 for a single line. See doc.go.
func axis(name string, v []float64) (origin, step float64, n int, err error) {
	s := slices.Clone(v)
	slices.Sort(s)
	if s[0] == s[len(s)-1] {
		return s[0], 0, 1, nil
	}
	var gmax float64
	for i := 1; i < len(s); i++ {
		gmax = max(gmax, s[i]-s[i-1])
	}
	// Merge values closer than eps (print rounding: %g keeps 6 digits, an
	// error up to 5e-6 of the value) into their mean, in place: cluster k
	// is written to s[k] once its members are summed.
	eps := min(gmax/1000, 1e-5*max(math.Abs(s[0]), math.Abs(s[len(s)-1])))
	k, start := 0, 0
	for i := 1; i <= len(s); i++ {
		if i < len(s) && s[i]-s[i-1] <= eps {
			continue
		}
		var sum float64
		for _, x := range s[start:i] {
			sum += x - s[start]
		}
		s[k] = s[start] + sum/float64(i-start)
		k, start = k+1, i
	}
	c := s[:k]
	d := math.Inf(1)
	for i := 1; i < len(c); i++ {
		d = min(d, c[i]-c[i-1])
	}
	span := c[len(c)-1] - c[0]
	if span/d > geometry.MaxPixels {
		return 0, 0, 0, formatErr("points are not on a regular grid: %s spacing down to %.4g µm over %.4g µm", name, d, span)
	}
	steps := math.Round(span / d)
	step = span / steps
	for _, x := range c {
		if off := (x - c[0]) / step; math.Abs(off-math.Round(off)) > gridTol {
			return 0, 0, 0, formatErr("points are not on a regular grid: %s = %.6g µm is %.2f steps off %.6g + i·%.6g µm",
				name, x, math.Abs(off-math.Round(off)), c[0], step)
		}
	}
	return c[0], step, int(steps) + 1, nil
}

func (p *points) grid(set settings) (*geometry.HeightMap, error) {
	if len(p.x) == 0 {
		return nil, formatErr("no points")
	}
	x0, dx, nx, err := axis("x", p.x)
	if err != nil {
		return nil, err
	}
	y0, dy, ny, err := axis("y", p.y)
	if err != nil {
		return nil, err
	}
	if err := geometry.CheckSize(nx, ny); err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	// A few points far apart would make a huge, nearly empty map: the
	// memory must stay proportional to the input.
	if nx*ny > minFill*len(p.x) {
		return nil, formatErr("points are not on a regular grid: %d points cover under 1/%d of the %d×%d grid nodes",
			len(p.x), minFill, nx, ny)
	}
	switch {
	case dx == 0 && dy == 0:
		dx, dy = set.pitch.X, set.pitch.Y
		if !set.pitchSet {
			p.warn("%s", warnPitch)
		}
	case dx == 0:
		dx = dy
		p.warn("the points lie in one column: the x pitch taken equal to the y step (%.6g µm)", dy)
	case dy == 0:
		dy = dx
		p.warn("the points lie in one row: the y pitch taken equal to the x step (%.6g µm)", dx)
	}
	if err := geometry.CheckPitch(r2.Vec{X: dx, Y: dy}); err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	m := geometry.New(nx, ny, r2.Vec{X: dx, Y: dy})
	m.Offset = r2.Vec{X: x0, Y: y0}
	m.Warnings = p.warnings
	seen := make([]bool, nx*ny)
	for i := range p.x {
		c, r := (p.x[i]-x0)/dx, (p.y[i]-y0)/dy
		ci, ri := math.Round(c), math.Round(r)
		if math.Abs(c-ci) > gridTol || math.Abs(r-ri) > gridTol || ci < 0 || ri < 0 || int(ci) >= nx || int(ri) >= ny {
			return nil, formatErr("points are not on a regular grid: point %d (%.6g, %.6g) µm is off the grid", i+1, p.x[i], p.y[i])
		}
		j := int(ri)*nx + int(ci)
		if seen[j] {
			return nil, formatErr("points %d and an earlier one both lie on grid node (%d, %d)", i+1, int(ci), int(ri))
		}
		seen[j] = true
		m.Z[j] = p.z[i]
	}
	return m, nil
}
