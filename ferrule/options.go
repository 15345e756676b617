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

// validate checks r, with its defaults filled in, against the physical
// ranges of the layout l (the package documentation lists them): the tip
// annulus and the averaging and core discs on the fiber, the fiber
// exclusion between the fiber and its neighbours, the margins within a
// millimetre.
func (r Regions) validate(l Layout) error {
	fd, pitch := l.FiberDiameter, l.Pitch
	for _, c := range []struct {
		name, option string
		v, lo, hi    float64
		loOpen       bool
	}{
		{"fitting radius", "fit-radius", r.FitRadius, 0, fd / 2, true},
		{"core-exclusion radius", "core-exclusion", r.CoreExclusionRadius, 0, r.FitRadius, false},
		{"core diameter", "core-diameter", r.CoreDiameter, 0, fd, true},
		{"averaging diameter", "averaging-diameter", r.AveragingDiameter, 0, fd, true},
		{"fiber-exclusion diameter", "fiber-exclusion", r.FiberExclusionDiameter, fd, pitch, false},
		{"hole margin", "hole-margin", r.HoleMargin, 0, maxMarginUM, true},
		{"array margin", "array-margin", r.ArrayMarginY, 0, maxMarginUM, true},
	} {
		if c.v != c.v || c.v < c.lo || (c.loOpen && c.v == c.lo) || c.v > c.hi {
			lo := "["
			if c.loOpen {
				lo = "("
			}
			return fmt.Errorf("ferrule: %s %g µm (--%s) is outside %s%g, %g] µm for %s (fiber Ø %g µm, pitch %g µm)",
				c.name, c.v, c.option, lo, c.lo, c.hi, l.Name, fd, pitch)
		}
	}
	if r.CoreExclusionRadius >= r.FitRadius {
		return fmt.Errorf("ferrule: core-exclusion radius %g µm must be below the fitting radius %g µm", r.CoreExclusionRadius, r.FitRadius)
	}
	return nil
}

// maxMarginUM bounds the hole and array margins, µm.
const maxMarginUM = 1000

// maxFixtureAngleDeg bounds the fixture angle: APC parts are polished at 8°
// (IEC 61754-7), no MT fixture tilts beyond a few degrees more.
const maxFixtureAngleDeg = 15

// Validate checks the options against their physical ranges (the package
// documentation lists them), so that a mistyped option is refused before
// any file is read: the layout, the regions for it (for the built-in
// layouts when none is given: all have 125 µm fibers at a 250 µm pitch),
// the fixture angle within ±15°, the flat-radius limit positive, the frame
// finite.
func (o Options) Validate() error {
	if !(math.Abs(o.FixtureAngleDeg) <= maxFixtureAngleDeg) {
		return fmt.Errorf("ferrule: fixture angle %g° (--fixture-angle) is outside ±%d°", o.FixtureAngleDeg, maxFixtureAngleDeg)
	}
	if !(math.Abs(o.OrientationDeg) <= 360) {
		return fmt.Errorf("ferrule: orientation %g° (--orientation) is outside ±360°", o.OrientationDeg)
	}
	if !(o.FlatRadiusMM >= 0) || math.IsInf(o.FlatRadiusMM, 0) {
		return fmt.Errorf("ferrule: flat-radius limit %g mm (--flat-radius) must be positive and finite (0 for the default)", o.FlatRadiusMM)
	}
	if err := o.validateLoss(); err != nil {
		return err
	}
	if f := o.Frame; f != nil && (math.IsNaN(f.Origin.X+f.Origin.Y+f.Rotation) || math.IsInf(f.Origin.X+f.Origin.Y+f.Rotation, 0)) {
		return fmt.Errorf("ferrule: the given frame is not finite: %+v", *f)
	}
	l := builtinLayouts[0]
	if o.Layout != nil {
		if err := o.Layout.Validate(); err != nil {
			return fmt.Errorf("ferrule: %w", err)
		}
		l = *o.Layout
	}
	if o.Multimode && !l.Multimode {
		l.Multimode, l.CoreDiameter = true, multimodeCoreDiameter
	}
	return o.Regions.withDefaults(l).validate(l)
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
	// OrientationDeg is the direction in the map, degrees counter-clockwise
	// from +x, nearest to which the ferrule's +X is taken along the guide
	// hole axis: 0 (the default) for maps stored with the ferrule's X along
	// the map's x, 90, 180 or 270 for instruments that store them turned.
	OrientationDeg float64
	// MFDUM is the fibers' mode-field diameter for il_ideal_db (SPEC §10),
	// µm; zero means 9.2 (G.652 at 1310 nm).
	MFDUM float64
	// WavelengthNM is the wavelength of the loss prediction, nm; zero means
	// 1310. il_ideal_db does not depend on it (the MFD does); it is
	// recorded with the report for the mated-pair prediction.
	WavelengthNM float64
	// MMLossDBPerUM is a plant's calibration of multimode loss per µm of
	// offset; zero means none, and a multimode part's il_ideal_db is null.
	MMLossDBPerUM float64
}

const defaultFlatRadiusMM = 1e5
