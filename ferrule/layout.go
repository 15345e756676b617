package ferrule

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"gonum.org/v1/gonum/spatial/r2"
)

// Layout is the nominal geometry of an MT ferrule (SPEC §2). Lengths in µm.
type Layout struct {
	Name            string  `json:"name"`
	Rows            int     `json:"rows"`
	FibersPerRow    int     `json:"fibers_per_row"`
	Pitch           float64 `json:"pitch_um"`
	RowPitch        float64 `json:"row_pitch_um"`
	HoleSpacing     float64 `json:"hole_spacing_um"`
	HoleDiameter    float64 `json:"hole_diameter_um"`
	FiberDiameter   float64 `json:"fiber_diameter_um"`
	CoreDiameter    float64 `json:"core_diameter_um"`
	Multimode       bool    `json:"multimode,omitempty"`
	MirrorNumbering bool    `json:"mirror_numbering,omitempty"`
	// Interface is how the ferrule meets its mate: "PC" or "APC" (physical
	// contact of the fibers), "lensed" (lenses in front of the fibers, no
	// fiber contact: offset loss only). Empty, as in the built-in layouts,
	// means a physical-contact ferrule whose polish decides between PC and
	// APC (an APC part is measured with a fixture angle): the same MT body
	// is polished either way, while a lensed part is another ferrule.
	Interface string `json:"interface,omitempty"`
	// Key is the side of the ferrule frame the key is on: "top" (+Y, the
	// built-in layouts' and the default) or "bottom" (−Y, for instruments
	// or fixtures that show the end face key-down). Mating (SPEC §10) turns
	// a part whose key is on the other side than its mate's by 180° before
	// pairing the fibers.
	Key string `json:"key,omitempty"`
	// Source says where the dimensions come from (free text).
	Source string `json:"source,omitempty"`
}

// Interfaces of Layout.Interface.
const (
	InterfacePC     = "PC"
	InterfaceAPC    = "APC"
	InterfaceLensed = "lensed"
)

// Key sides of Layout.Key.
const (
	KeyTop    = "top"
	KeyBottom = "bottom"
)

// KeySide returns the layout's key side, KeyTop when none is given.
func (l Layout) KeySide() string {
	if l.Key == "" {
		return KeyTop
	}
	return l.Key
}

//go:embed layouts.json
var builtinLayoutsJSON []byte

var builtinLayouts = mustParseLayouts(builtinLayoutsJSON)

func mustParseLayouts(b []byte) []Layout {
	var doc struct {
		Layouts []Layout `json:"layouts"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		panic("ferrule: embedded layouts.json: " + err.Error())
	}
	for _, l := range doc.Layouts {
		if err := l.Validate(); err != nil {
			panic("ferrule: embedded layouts.json: " + err.Error())
		}
	}
	return doc.Layouts
}

// Layouts returns the built-in layouts of SPEC §2.
func Layouts() []Layout { return append([]Layout(nil), builtinLayouts...) }

// LayoutByName returns the built-in layout with the given name (case
// insensitive).
func LayoutByName(name string) (Layout, error) {
	for _, l := range builtinLayouts {
		if strings.EqualFold(l.Name, name) {
			return l, nil
		}
	}
	names := make([]string, len(builtinLayouts))
	for i, l := range builtinLayouts {
		names[i] = l.Name
	}
	return Layout{}, fmt.Errorf("ferrule: unknown layout %q (built-in: %s; or give a layout JSON file)", name, strings.Join(names, ", "))
}

// ReadLayoutFile reads a layout from a JSON file holding one layout object
// with the keys of layouts.json.
func ReadLayoutFile(path string) (Layout, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Layout{}, err
	}
	var l Layout
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Layout{}, fmt.Errorf("ferrule: layout file %s: %w", path, err)
	}
	if err := l.Validate(); err != nil {
		return Layout{}, fmt.Errorf("ferrule: layout file %s: %w", path, err)
	}
	return l, nil
}

// Validate checks that l describes a possible ferrule.
func (l Layout) Validate() error {
	switch {
	case l.Name == "":
		return errors.New("layout has no name")
	case l.Rows < 1 || l.Rows > 16 || l.FibersPerRow < 1 || l.FibersPerRow > 64:
		return fmt.Errorf("layout %s: %d rows × %d fibers is out of range", l.Name, l.Rows, l.FibersPerRow)
	case !(l.Pitch > 0) || (l.Rows > 1 && !(l.RowPitch > 0)):
		return fmt.Errorf("layout %s: fiber and row pitch must be positive", l.Name)
	case !(l.HoleSpacing > 0) || !(l.HoleDiameter > 0) || l.HoleDiameter >= l.HoleSpacing:
		return fmt.Errorf("layout %s: bad guide-hole spacing %g µm or diameter %g µm", l.Name, l.HoleSpacing, l.HoleDiameter)
	case !(l.FiberDiameter > 0) || !(l.CoreDiameter > 0) || l.CoreDiameter >= l.FiberDiameter:
		return fmt.Errorf("layout %s: bad fiber diameter %g µm or core diameter %g µm", l.Name, l.FiberDiameter, l.CoreDiameter)
	case float64(l.FibersPerRow-1)*l.Pitch+l.FiberDiameter >= l.HoleSpacing-l.HoleDiameter:
		return fmt.Errorf("layout %s: fiber row overlaps the guide holes", l.Name)
	case l.Interface != "" && l.Interface != InterfacePC && l.Interface != InterfaceAPC && l.Interface != InterfaceLensed:
		return fmt.Errorf("layout %s: interface %q is not PC, APC or lensed", l.Name, l.Interface)
	case l.Key != "" && l.Key != KeyTop && l.Key != KeyBottom:
		return fmt.Errorf("layout %s: key %q is not top or bottom", l.Name, l.Key)
	}
	return nil
}

// Fibers returns the number of fibers.
func (l Layout) Fibers() int { return l.Rows * l.FibersPerRow }

// Nominal returns the nominal centre of fiber index (1-based, SPEC §3) in
// the ferrule frame, µm, with its row and column. Rows are centred on the X
// axis and fibers in a row on the Y axis; row 1 has the most negative Y and
// column 1 the most negative X (the most positive X when MirrorNumbering).
func (l Layout) Nominal(index int) (p r2.Vec, row, col int) {
	row = (index-1)/l.FibersPerRow + 1
	col = (index-1)%l.FibersPerRow + 1
	x := (float64(col) - float64(l.FibersPerRow+1)/2) * l.Pitch
	if l.MirrorNumbering {
		x = -x
	}
	y := (float64(row) - float64(l.Rows+1)/2) * l.RowPitch
	return r2.Vec{X: x, Y: y}, row, col
}

// arrayHalfHeight is the largest |Y| of a nominal fiber centre.
func (l Layout) arrayHalfHeight() float64 { return float64(l.Rows-1) / 2 * l.RowPitch }

// layoutsWithSpacing returns the built-in layouts whose hole spacing is
// within tol µm of spacing, fewest rows first.
func layoutsWithSpacing(spacing, tol float64) []Layout {
	var out []Layout
	for _, l := range builtinLayouts {
		if math.Abs(l.HoleSpacing-spacing) <= tol {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rows < out[j].Rows })
	return out
}
