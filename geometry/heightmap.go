package geometry

import (
	"fmt"
	"image"
	"math"
	"time"

	"gonum.org/v1/gonum/spatial/r2"
)

// HeightMap is a raster of heights in µm. See the package documentation for
// indexing and coordinates.
type HeightMap struct {
	// Z holds the heights, µm; NaN marks an invalid pixel.
	// Z[(r-Rect.Min.Y)*Stride + (c-Rect.Min.X)] is pixel (c, r).
	Z      []float64
	Stride int
	Rect   image.Rectangle
	// Pitch is the pixel size along x and y, µm.
	Pitch r2.Vec
	// Offset is the map position of pixel (0, 0), µm.
	Offset r2.Vec
	// Warnings lists what the decoder read but found suspect, one sentence
	// each (a stale checksum, a non-standard element, an assumed unit).
	// Empty for a clean file; Options.Strict turns them into errors.
	Warnings []string
	// Meta is what the file says about the measurement itself, where its
	// format carries it (X3P Record2); zero fields where it does not.
	Meta Metadata
}

// Metadata is what a file says about how it was measured.
type Metadata struct {
	// Time is when the map was measured (X3P Record2/Date); zero when the
	// file does not say.
	Time time.Time
	// Instrument names the instrument: manufacturer, model and serial
	// number as the file gives them ("Zygo NewView 9000, serial 123").
	Instrument string
	// Creator is who or what made the file (X3P Record2/Creator).
	Creator string
}

// Warn adds a warning to m (see Warnings), formatted as fmt.Sprintf.
func (m *HeightMap) Warn(format string, args ...any) {
	m.Warnings = append(m.Warnings, fmt.Sprintf(format, args...))
}

// New returns a height map of cols×rows pixels, all NaN, with the given pixel
// pitch in µm and zero offset. It panics if a size is negative or a pitch is
// not positive and finite.
func New(cols, rows int, pitch r2.Vec) *HeightMap {
	if cols < 0 || rows < 0 {
		panic("geometry: negative map size")
	}
	if !(pitch.X > 0 && pitch.Y > 0) || math.IsInf(pitch.X, 0) || math.IsInf(pitch.Y, 0) {
		panic("geometry: pixel pitch must be positive and finite")
	}
	z := make([]float64, cols*rows)
	for i := range z {
		z[i] = math.NaN()
	}
	return &HeightMap{Z: z, Stride: cols, Rect: image.Rect(0, 0, cols, rows), Pitch: pitch}
}

// Cols returns the number of columns.
func (m *HeightMap) Cols() int { return m.Rect.Dx() }

// Rows returns the number of rows.
func (m *HeightMap) Rows() int { return m.Rect.Dy() }

// Index returns the index in Z of pixel (c, r). It does not check bounds.
func (m *HeightMap) Index(c, r int) int {
	return (r-m.Rect.Min.Y)*m.Stride + (c - m.Rect.Min.X)
}

// At returns the height of pixel (c, r), or NaN outside the map.
func (m *HeightMap) At(c, r int) float64 {
	if !(image.Point{c, r}.In(m.Rect)) {
		return math.NaN()
	}
	return m.Z[m.Index(c, r)]
}

// Set sets the height of pixel (c, r). It panics outside the map.
func (m *HeightMap) Set(c, r int, z float64) {
	if !(image.Point{c, r}.In(m.Rect)) {
		panic("geometry: pixel out of range")
	}
	m.Z[m.Index(c, r)] = z
}

// Row returns the pixels of row r as a slice that shares Z, or nil if r is
// outside the map.
func (m *HeightMap) Row(r int) []float64 {
	if r < m.Rect.Min.Y || r >= m.Rect.Max.Y {
		return nil
	}
	i := m.Index(m.Rect.Min.X, r)
	return m.Z[i : i+m.Rect.Dx() : i+m.Rect.Dx()]
}

// SubMap returns a view of the part of m inside rect. The view shares Z with
// m and keeps absolute pixel indices and map coordinates.
func (m *HeightMap) SubMap(rect image.Rectangle) *HeightMap {
	rect = rect.Intersect(m.Rect)
	if rect.Empty() {
		return &HeightMap{Pitch: m.Pitch, Offset: m.Offset}
	}
	i := m.Index(rect.Min.X, rect.Min.Y)
	n := (rect.Dy()-1)*m.Stride + rect.Dx()
	return &HeightMap{Z: m.Z[i : i+n : i+n], Stride: m.Stride, Rect: rect, Pitch: m.Pitch, Offset: m.Offset, Warnings: m.Warnings[:len(m.Warnings):len(m.Warnings)], Meta: m.Meta}
}

// Clone returns a compact deep copy of m with the same Rect.
func (m *HeightMap) Clone() *HeightMap {
	c := &HeightMap{Z: make([]float64, m.Rect.Dx()*m.Rect.Dy()), Stride: m.Rect.Dx(), Rect: m.Rect, Pitch: m.Pitch, Offset: m.Offset,
		Warnings: append([]string(nil), m.Warnings...), Meta: m.Meta}
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		copy(c.Row(r), m.Row(r))
	}
	return c
}

// PixelToMap returns the map coordinates in µm of the (fractional) pixel
// position (c, r).
func (m *HeightMap) PixelToMap(c, r float64) r2.Vec {
	return r2.Vec{X: m.Offset.X + c*m.Pitch.X, Y: m.Offset.Y + r*m.Pitch.Y}
}

// MapToPixel returns the fractional pixel position (c, r) of map point p.
func (m *HeightMap) MapToPixel(p r2.Vec) (c, r float64) {
	return (p.X - m.Offset.X) / m.Pitch.X, (p.Y - m.Offset.Y) / m.Pitch.Y
}

// Stats summarises the valid heights of a map, µm.
type Stats struct {
	Valid, Invalid int
	Min, Max, Mean float64
	// RMS is the root-mean-square deviation from Mean (Gwyddion's Sq).
	RMS float64
}

// Stats returns statistics of the valid heights of m; ±Inf counts as
// invalid. With no valid pixel,
// Min, Max, Mean and RMS are NaN.
func (m *HeightMap) Stats() Stats {
	s := Stats{Min: math.Inf(1), Max: math.Inf(-1)}
	var sum float64
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		for _, z := range m.Row(r) {
			if z-z != 0 { // NaN or ±Inf
				s.Invalid++
				continue
			}
			s.Valid++
			sum += z
			if z < s.Min { // z is finite: no NaN or signed-zero cases for math.Min
				s.Min = z
			}
			if z > s.Max {
				s.Max = z
			}
		}
	}
	if s.Valid == 0 {
		nan := math.NaN()
		s.Min, s.Max, s.Mean, s.RMS = nan, nan, nan, nan
		return s
	}
	s.Mean = sum / float64(s.Valid)
	// Second pass about the mean: no cancellation for maps with a large offset.
	var ss float64
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		for _, z := range m.Row(r) {
			if z-z == 0 {
				d := z - s.Mean
				ss += d * d
			}
		}
	}
	s.RMS = math.Sqrt(ss / float64(s.Valid))
	return s
}

// ValidCount returns the number of valid (finite) pixels of m.
func (m *HeightMap) ValidCount() int {
	n := 0
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		for _, z := range m.Row(r) {
			if z-z == 0 {
				n++
			}
		}
	}
	return n
}

// String describes the map's size and pitch.
func (m *HeightMap) String() string {
	return fmt.Sprintf("%d×%d px, %.4g×%.4g µm", m.Rect.Dx(), m.Rect.Dy(), m.Pitch.X, m.Pitch.Y)
}
