package synth

import (
	"slices"
	"strings"
)

// layout is this package's own copy of the built-in MT layouts of SPEC §2.
// It is deliberately not shared with the analysis packages, so that a
// mistake in their table cannot hide behind the same mistake here.
type layout struct {
	name         string
	rows, perRow int
	pitch        float64 // fiber pitch along X, µm
	rowPitch     float64 // row pitch along Y, µm (unused for one row)
	holeSpacing  float64 // centre-to-centre guide-hole spacing, µm
	holeDiameter float64 // guide-hole diameter, µm
}

// layouts is SPEC §2's table.
var layouts = []layout{
	{name: "MT-12", rows: 1, perRow: 12, pitch: 250, rowPitch: 500, holeSpacing: 4600, holeDiameter: 700},
	{name: "MT-16", rows: 1, perRow: 16, pitch: 250, rowPitch: 500, holeSpacing: 5300, holeDiameter: 550},
	{name: "MT-24", rows: 2, perRow: 12, pitch: 250, rowPitch: 500, holeSpacing: 4600, holeDiameter: 700},
	{name: "MT-32", rows: 2, perRow: 16, pitch: 250, rowPitch: 500, holeSpacing: 5300, holeDiameter: 550},
	{name: "MT-48", rows: 4, perRow: 12, pitch: 250, rowPitch: 500, holeSpacing: 4600, holeDiameter: 700},
	{name: "MT-64", rows: 4, perRow: 16, pitch: 250, rowPitch: 500, holeSpacing: 5300, holeDiameter: 550},
	{name: "MT-72", rows: 6, perRow: 12, pitch: 250, rowPitch: 500, holeSpacing: 4600, holeDiameter: 700},
}

// Fiber geometry shared by all layouts (SPEC §2), µm.
const (
	claddingRadius   = 62.5 // 125 µm cladding
	coreRadiusSM     = 4.5  // 9 µm single-mode core
	coreRadiusMM     = 25   // 50 µm multimode core
	averagingRadius  = 25   // SPEC §5 default averaging disc, Ø 50 µm
	defaultPixelUm   = 3
	defaultHeightUm  = 2
	defaultRadiusMM  = 10
	defaultPitDepth  = 5   // depth of a broken fiber's pit below the surface, µm
	pitRoughnessUm   = 0.2 // RMS roughness of a broken fiber's pit bottom, µm
	fieldMarginX     = 850 // field width = hole spacing + hole Ø + this, µm
	minFieldHeight   = 1800
	fieldMarginY     = 1300 // field height = max(minFieldHeight, rows span + this), µm
	flatRadiusLimit  = 1e5  // mm; SPEC §4's default limit for reporting a radius as flat
	nmPerUm          = 1e3
	umPerMM          = 1e3
	maxShiftUm       = 200
	maxRotationDeg   = 3
	maxTiltDeg       = 0.3
	minApexUm        = -0.5
	maxApexUm        = 3.5
	minTipRadiusMM   = 1
	maxTipRadiusMM   = 20
	maxCoreDipUm     = 0.08
	maxFiberOffsetUm = 1
)

// lookupLayout finds a layout by name, ignoring case.
func lookupLayout(name string) (layout, bool) {
	for _, l := range layouts {
		if strings.EqualFold(l.name, name) {
			return l, true
		}
	}
	return layout{}, false
}

// LayoutNames returns the names of the built-in layouts, in table order.
func LayoutNames() []string {
	names := make([]string, len(layouts))
	for i, l := range layouts {
		names[i] = l.name
	}
	return slices.Clip(names)
}

// nominal returns the nominal ferrule-frame centre of the fiber in the given
// 1-based row and column (SPEC §2/§3: rows centred on the X axis, fibers of a
// row centred on the Y axis, row 1 at the most negative Y, column 1 at the
// most negative X).
func (l layout) nominal(row, col int) (x, y float64) {
	x = (float64(col) - float64(l.perRow+1)/2) * l.pitch
	y = (float64(row) - float64(l.rows+1)/2) * l.rowPitch
	return x, y
}

// n returns the number of fibers.
func (l layout) n() int { return l.rows * l.perRow }
