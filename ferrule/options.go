package ferrule

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r2"
)

// Regions are the measurement regions of SPEC §4–§5, µm. The zero value of
// a field means its SPEC default; DefaultRegions gives them explicitly.
type Regions struct {
	// ArrayMarginY extends the ferrule fitting rectangle beyond the
	// outermost fiber-row centres in ±Y (default 250).
	ArrayMarginY float64 `json:"array_margin_y_um"`
	// FiberExclusionDiameter is the Ø of the disc left out of the ferrule
	// fit around every nominal fiber (default 1.5 × fiber Ø).
	FiberExclusionDiameter float64 `json:"fiber_exclusion_diameter_um"`
	// HoleMargin is the ring around each guide-hole rim left out of the
	// ferrule fit (default 100).
	HoleMargin float64 `json:"hole_margin_um"`
	// FitRadius is the outer radius of the tip-fit annulus (default 50).
	FitRadius float64 `json:"fit_radius_um"`
	// CoreExclusionRadius is the inner radius of the tip-fit annulus
	// (default 10 single-mode, 30 multimode).
	CoreExclusionRadius float64 `json:"core_exclusion_radius_um"`
	// CoreDiameter is the Ø of the core disc for the core dip (default the
	// layout's: 9 single-mode, 50 multimode).
	CoreDiameter float64 `json:"core_diameter_um"`
	// AveragingDiameter is the Ø of the disc over which the fiber height is
	// averaged (default 50).
	AveragingDiameter float64 `json:"averaging_diameter_um"`
}

// DefaultRegions returns the SPEC defaults for layout l.
func DefaultRegions(l Layout) Regions {
	r := Regions{
		ArrayMarginY:           250,
		FiberExclusionDiameter: 1.5 * l.FiberDiameter,
		HoleMargin:             100,
		FitRadius:              50,
		CoreExclusionRadius:    10,
		CoreDiameter:           l.CoreDiameter,
		AveragingDiameter:      50,
	}
	if l.Multimode {
		r.CoreExclusionRadius = 30
	}
	return r
}

// withDefaults fills the zero fields of r from DefaultRegions(l).
func (r Regions) withDefaults(l Layout) Regions {
	d := DefaultRegions(l)
	set := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	set(&r.ArrayMarginY, d.ArrayMarginY)
	set(&r.FiberExclusionDiameter, d.FiberExclusionDiameter)
	set(&r.HoleMargin, d.HoleMargin)
	set(&r.FitRadius, d.FitRadius)
	set(&r.CoreExclusionRadius, d.CoreExclusionRadius)
	set(&r.CoreDiameter, d.CoreDiameter)
	set(&r.AveragingDiameter, d.AveragingDiameter)
	return r
}

func (r Regions) validate() error {
	for _, v := range []float64{r.ArrayMarginY, r.FiberExclusionDiameter, r.HoleMargin, r.FitRadius, r.CoreExclusionRadius, r.CoreDiameter, r.AveragingDiameter} {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("ferrule: regions must be positive and finite: %+v", r)
		}
	}
	if r.CoreExclusionRadius >= r.FitRadius {
		return fmt.Errorf("ferrule: core-exclusion radius %g µm must be below the fitting radius %g µm", r.CoreExclusionRadius, r.FitRadius)
	}
	return nil
}

// Frame is a ferrule frame in map coordinates (SPEC §3).
type Frame struct {
	Origin   r2.Vec  // map µm
	Rotation float64 // angle of +X in the map, radians
}

// ToFrame returns the ferrule-frame coordinates of map point p.
func (f Frame) ToFrame(p r2.Vec) r2.Vec {
	s, c := math.Sincos(f.Rotation)
	d := r2.Sub(p, f.Origin)
	return r2.Vec{X: c*d.X + s*d.Y, Y: -s*d.X + c*d.Y}
}

// ToMap returns the map coordinates of ferrule-frame point p.
func (f Frame) ToMap(p r2.Vec) r2.Vec {
	s, c := math.Sincos(f.Rotation)
	return r2.Vec{X: f.Origin.X + c*p.X - s*p.Y, Y: f.Origin.Y + s*p.X + c*p.Y}
}

// Options control an analysis. The zero value analyses with the layout
// identified from the map and SPEC's default regions.
type Options struct {
	// Layout is the ferrule layout; nil identifies it from the guide-hole
	// spacing and the fiber rows found (SPEC §2 built-in layouts).
	Layout *Layout
	// Regions overrides the SPEC §4–§5 regions; zero fields take defaults.
	Regions Regions
	// FixtureAngleDeg is added to the Y angle, for APC parts measured in an
	// angled fixture (e.g. 8), degrees.
	FixtureAngleDeg float64
	// Frame, if not nil, is used instead of the frame from the guide holes,
	// for maps whose holes are cut off or missing.
	Frame *Frame
	// Multimode says the fibers are multimode: 50 µm cores (SPEC §2) and
	// the 30 µm core exclusion of SPEC §5, whatever the layout says.
	Multimode bool
	// FlatRadiusMM is the |radius| in mm above which a radius is reported
	// as flat (JSON null). Zero means 1e5 mm (SPEC §4).
	FlatRadiusMM float64
}

const defaultFlatRadiusMM = 1e5
