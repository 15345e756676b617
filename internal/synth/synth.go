package synth

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/geometry"
)

// Params describes one synthetic end face. Lengths are µm unless the name
// says otherwise; angles are degrees. The zero value of a field means "none"
// (no noise, no dropouts, no tilt, flat ferrule) except where noted; Default
// and Random fill in realistic values.
type Params struct {
	// Layout names a built-in layout (LayoutNames), e.g. "MT-16"; case is
	// ignored.
	Layout string
	// PixelUm is the pixel pitch in x and y, µm; 0 means 3 µm.
	PixelUm float64
	// Cols and Rows give the map size in pixels; 0 derives it from the
	// layout so that the field covers both guide holes with margin
	// (width = hole spacing + hole Ø + 850 µm, height = max(1800 µm, row
	// span + 1300 µm); MT-16 at 3 µm: 2233×600).
	Cols, Rows int

	// XAngleDeg and YAngleDeg tilt the ferrule surface: z rises by
	// tan(angle) per µm along the ferrule's +X / +Y.
	XAngleDeg, YAngleDeg float64
	// RotationDeg turns the whole end face counter-clockwise in the map
	// (the angle of the ferrule's +X in map coordinates).
	RotationDeg float64
	// ShiftUm moves the ferrule origin from the map centre, µm.
	ShiftUm [2]float64
	// RxMM and RyMM are the ferrule radii along X and Y in mm, positive for
	// a domed (convex) end face; 0 or ±Inf means flat.
	RxMM, RyMM float64

	// Heights are the fiber caps' heights at their apexes, µm, one per
	// fiber in index order, above the ferrule plane (tilt) lifted by the
	// curvature at the fiber centre: on a flat ferrule without apex
	// offsets, above the ferrule surface. nil means 2 µm for every fiber.
	Heights []float64
	// RadiiMM are the fiber tip radii, mm, one per fiber; nil means 10 mm
	// for every fiber. +Inf is a flat tip; a finite radius must exceed the
	// cladding radius (0.0625 mm).
	RadiiMM []float64
	// Offsets are the fiber centres' offsets from nominal, µm, ferrule
	// frame; nil means none.
	Offsets [][2]float64
	// ApexOffsets are the offsets of the tips' apexes from the fiber
	// centres, µm, ferrule frame, one per fiber; nil means none. The
	// cladding and core discs stay centred on the fiber centre; Heights are
	// the caps' heights at their apexes.
	ApexOffsets [][2]float64
	// CoreDipUm is the peak depth of the core dip of every fiber, µm
	// (positive = dip); CoreDipsUm, when not nil, gives one per fiber and
	// overrides it.
	CoreDipUm  float64
	CoreDipsUm []float64
	// CoreDipProfile is the dip's shape over the core disc (ρ ≤ rc from the
	// fiber centre): "" or DipStep for a flat bottom of depth d,
	// DipParabolic for d·(1 − ρ²/rc²), deepest at the centre (a graded-index
	// multimode core).
	CoreDipProfile string
	// Multimode selects a 50 µm core instead of a 9 µm one.
	Multimode bool
	// EdgeRingUm, when not zero, is the {inner, outer} radius of a ring of
	// NaN pixels around each fiber centre, µm (inner ≤ ρ ≤ outer; a chamfer
	// or an epoxy gap at the cladding edge, e.g. {61, 65}). It applies to
	// the fibers listed in EdgeRingFibers (1-based), or to every fiber that
	// is neither missing nor broken when that is nil.
	EdgeRingUm     [2]float64
	EdgeRingFibers []int

	// HoleSpacingUm and HoleDiameterUm override the layout's guide-hole
	// spacing and diameter, µm; 0 keeps the layout's.
	HoleSpacingUm, HoleDiameterUm float64

	// NoiseUm is the RMS of the Gaussian noise added to every valid pixel,
	// µm (realistic: 0.002).
	NoiseUm float64
	// NoiseCorrelationUm, when positive, makes the noise spatially
	// correlated with autocorrelation ρ(d) = exp(−d²/(2L²)) between pixels
	// d µm apart, L = NoiseCorrelationUm: white Gaussian noise drawn over
	// the map and a margin, filtered with a Gaussian kernel of σ = L/√2 and
	// rescaled to NoiseUm RMS. 0 keeps independent noise, the same draws as
	// without the field. At most 50 pixels.
	NoiseCorrelationUm float64
	// DropoutFraction is the probability that a pixel is set to NaN after
	// the noise (realistic: 0.01).
	DropoutFraction float64
	// Missing lists 1-based fiber indices whose cladding disc is NaN (the
	// instrument saw nothing). Broken lists fibers replaced by a pit
	// BrokenDepthUm below the ferrule surface with a rough (0.2 µm RMS)
	// bottom. A fiber may not be in both.
	Missing, Broken []int
	// BrokenDepthUm is the depth of a broken fiber's pit, µm; 0 means 5 µm.
	BrokenDepthUm float64
	// Dust is the number of dust particles scattered uniformly over the
	// map (see the package documentation).
	Dust int

	// Seed seeds every random draw of Generate (noise, dropouts, pit
	// roughness, dust); the same Params give the same map.
	Seed uint64
}

// Default returns the nominal part of the given layout as a realistic
// measurement would see it: 3 µm pixels, 2 nm RMS noise, 1 % dropouts, and
// everything else at its zero-value default (flat, untilted, centred ferrule;
// fibers 2 µm proud with 10 mm tips, no offsets, no core dip).
func Default(layout string) Params {
	return Params{Layout: layout, PixelUm: defaultPixelUm, NoiseUm: 0.002, DropoutFraction: 0.01}
}

// Random draws the parameters of an end face of the given layout from the
// ranges of the project's accuracy tests: 3 µm pixels, 2 nm noise, 1 %
// dropouts, rotation ±3°, shift ±200 µm on each axis, tilt ±0.3° in X and Y,
// apex heights −0.5…3.5 µm, tip radii 1…20 mm, core dips 0…80 nm (per
// fiber), fiber offsets ±1 µm on each axis, flat ferrule, single-mode step
// dips, no apex offsets; all uniform (RandomProduction adds curvature, apex
// offsets and multimode cores). The returned Params carry the same seed for
// Generate. For an unknown layout the per-fiber slices stay nil and
// Generate reports the error.
func Random(layout string, seed uint64) Params {
	p := Default(layout)
	p.Seed = seed
	rng := rand.New(rand.NewPCG(seed, streamParams))
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	p.RotationDeg = u(-maxRotationDeg, maxRotationDeg)
	p.ShiftUm = [2]float64{u(-maxShiftUm, maxShiftUm), u(-maxShiftUm, maxShiftUm)}
	p.XAngleDeg = u(-maxTiltDeg, maxTiltDeg)
	p.YAngleDeg = u(-maxTiltDeg, maxTiltDeg)
	l, ok := lookupLayout(layout)
	if !ok {
		return p
	}
	n := l.n()
	p.Heights = make([]float64, n)
	p.RadiiMM = make([]float64, n)
	p.CoreDipsUm = make([]float64, n)
	p.Offsets = make([][2]float64, n)
	for i := range n {
		p.Heights[i] = u(minApexUm, maxApexUm)
		p.RadiiMM[i] = u(minTipRadiusMM, maxTipRadiusMM)
		p.CoreDipsUm[i] = u(0, maxCoreDipUm)
		p.Offsets[i] = [2]float64{u(-maxFiberOffsetUm, maxFiberOffsetUm), u(-maxFiberOffsetUm, maxFiberOffsetUm)}
	}
	return p
}

// RandomProduction draws the end face a polishing line makes: the part
// Random(layout, seed) draws (same placement, tilt, heights, tip radii and
// fiber offsets), then, from a stream of its own, the ferrule's curvature,
// apex offsets and cores:
//
//   - Rx and Ry independently: flat with probability 1/3, else |R|
//     log-uniform in 1000…20000 mm, domed or concave with equal probability;
//   - each fiber's apex offset from its centre: none with probability 0.8,
//     else a length uniform in 0…5 µm in a uniform direction;
//   - multimode with probability 1/2: 50 µm cores with parabolic dips of
//     peak depth 0…300 nm per fiber; else 9 µm cores with step dips of
//     0…80 nm (Random's draw).
//
// Random's own draws are unchanged by it. For an unknown layout it returns
// Random's Params, which Generate rejects.
func RandomProduction(layout string, seed uint64) Params {
	p := Random(layout, seed)
	l, ok := lookupLayout(layout)
	if !ok {
		return p
	}
	rng := rand.New(rand.NewPCG(seed, streamProduction))
	radius := func() float64 {
		if rng.Float64() < prodFlatFraction {
			return 0
		}
		r := prodMinFerruleRadiusMM * math.Pow(prodMaxFerruleRadiusMM/prodMinFerruleRadiusMM, rng.Float64())
		if rng.Float64() < 0.5 {
			r = -r
		}
		return r
	}
	p.RxMM = radius()
	p.RyMM = radius()
	n := l.n()
	p.ApexOffsets = make([][2]float64, n)
	for i := range n {
		if rng.Float64() >= prodApexOffsetFraction {
			continue
		}
		e := prodMaxApexOffsetUm * rng.Float64()
		s, c := math.Sincos(2 * math.Pi * rng.Float64())
		p.ApexOffsets[i] = [2]float64{e * c, e * s}
	}
	if rng.Float64() < 0.5 {
		p.Multimode = true
		p.CoreDipProfile = DipParabolic
		for i := range n {
			p.CoreDipsUm[i] = prodMaxMMDipUm * rng.Float64()
		}
	}
	return p
}

// RandomProduction's ranges.
const (
	prodFlatFraction       = 1.0 / 3 // probability that a ferrule axis is flat
	prodMinFerruleRadiusMM = 1000
	prodMaxFerruleRadiusMM = 20000
	prodApexOffsetFraction = 0.2 // fibers with an offset apex
	prodMaxApexOffsetUm    = 5
	prodMaxMMDipUm         = 0.3 // peak depth of a parabolic multimode dip
)

// Core dip profiles (Params.CoreDipProfile).
const (
	DipStep      = "step"      // flat-bottomed, depth d over the core disc
	DipParabolic = "parabolic" // d·(1 − ρ²/rc²) over the core disc
)

// Streams of the PCG generator, one per independent use of the seed, so
// that switching one feature on does not change the draws of another.
const (
	streamParams  = 0x5eed_0001
	streamNoise   = 0x5eed_0002
	streamDropout = 0x5eed_0003
	streamPit     = 0x5eed_0004
	streamDust    = 0x5eed_0005
	// streamProduction draws RandomProduction's additions.
	streamProduction = 0x5eed_0006
)

// fiberState says what is at a fiber's position.
type fiberState uint8

const (
	fiberPresent fiberState = iota
	fiberMissing            // NaN disc
	fiberBroken             // pit
)

// fiber is one fiber of the model, lengths in µm.
type fiber struct {
	row, col int
	x, y     float64 // true centre, ferrule frame
	mx, my   float64 // true centre, map coordinates
	ax, ay   float64 // the cap's apex, ferrule frame
	amx, amy float64 // the cap's apex, map coordinates
	seat     float64 // the ferrule's curvature term at the centre, −x²/(2Rx) − y²/(2Ry)
	h        float64 // cap height at its apex above the ferrule plane + seat
	r        float64 // tip radius, +Inf for flat
	dip      float64 // core dip peak depth
	state    fiberState
	ring     bool // has an edge ring of NaN
}

// hole is one guide hole, lengths in µm.
type hole struct {
	x, y, mx, my, d float64
}

// dust is one dust particle, lengths in µm.
type dust struct {
	mx, my, r, h float64
}

// model is Params resolved into the numbers the generator uses, all µm.
type model struct {
	p              Params
	lay            layout
	pitch          float64
	cols, rows     int
	cos, sin       float64 // of the rotation
	ox, oy         float64 // ferrule origin in map coordinates
	tx, ty         float64 // surface slopes, tan(angle)
	cx, cy         float64 // surface curvature terms, −1/(2R), 1/µm
	coreR          float64
	parabolic      bool    // parabolic core dips
	ringIn2        float64 // edge ring radii squared, 0 for none
	ringOut2       float64
	plane          refPlane // SPEC §4's reference plane
	pitDepth       float64
	holeSpacing    float64
	holeDiameter   float64
	fibers         []fiber
	holes          [2]hole
	dust           []dust
	cladR2, coreR2 float64
}

// Generate builds the height map described by p and returns it with its
// truth. The map's pixel (c, r) sits at map coordinates (c·PixelUm,
// r·PixelUm) (offset 0) and holds a height in µm, NaN where invalid. It
// returns an error for an unknown layout, per-fiber slices of the wrong
// length, out-of-range fiber indices, a tip radius not above the cladding
// radius, non-finite parameters or a map size geometry.CheckSize rejects.
func Generate(p Params) (*geometry.HeightMap, Truth, error) {
	m, err := resolve(p)
	if err != nil {
		return nil, Truth{}, err
	}
	hm := geometry.New(m.cols, m.rows, r2.Vec{X: m.pitch, Y: m.pitch})
	m.fillSurface(hm)
	m.fillFibers(hm)
	m.cutRings(hm)
	m.cutHoles(hm)
	m.addDust(hm)
	m.addNoise(hm)
	m.dropOut(hm)
	return hm, m.truth(), nil
}

// resolve checks p and turns it into a model.
func resolve(p Params) (*model, error) {
	l, ok := lookupLayout(p.Layout)
	if !ok {
		return nil, fmt.Errorf("synth: unknown layout %q (have %v)", p.Layout, LayoutNames())
	}
	m := &model{p: p, lay: l, pitch: p.PixelUm, holeSpacing: l.holeSpacing, holeDiameter: l.holeDiameter}
	if m.pitch == 0 {
		m.pitch = defaultPixelUm
	}
	if !(m.pitch > 0) || math.IsInf(m.pitch, 0) {
		return nil, fmt.Errorf("synth: pixel pitch %g µm is not positive and finite", p.PixelUm)
	}
	for _, v := range []struct {
		name string
		x    float64
	}{
		{"x angle", p.XAngleDeg}, {"y angle", p.YAngleDeg}, {"rotation", p.RotationDeg},
		{"x shift", p.ShiftUm[0]}, {"y shift", p.ShiftUm[1]}, {"core dip", p.CoreDipUm},
		{"noise", p.NoiseUm}, {"noise correlation", p.NoiseCorrelationUm}, {"dropout fraction", p.DropoutFraction},
		{"hole spacing", p.HoleSpacingUm}, {"hole diameter", p.HoleDiameterUm}, {"pit depth", p.BrokenDepthUm},
	} {
		if math.IsNaN(v.x) || math.IsInf(v.x, 0) {
			return nil, fmt.Errorf("synth: %s is %g", v.name, v.x)
		}
	}
	if math.Abs(p.XAngleDeg) >= 90 || math.Abs(p.YAngleDeg) >= 90 {
		return nil, errors.New("synth: tilt angles must be within ±90°")
	}
	if p.NoiseUm < 0 || p.DropoutFraction < 0 || p.DropoutFraction > 1 || p.HoleSpacingUm < 0 ||
		p.HoleDiameterUm < 0 || p.BrokenDepthUm < 0 || p.Dust < 0 {
		return nil, errors.New("synth: negative noise, spacing, diameter, pit depth or dust count, or dropout fraction above 1")
	}
	if p.NoiseCorrelationUm < 0 || p.NoiseCorrelationUm > maxNoiseCorrelationPx*m.pitch {
		return nil, fmt.Errorf("synth: noise correlation length %g µm is outside 0…%d pixels", p.NoiseCorrelationUm, maxNoiseCorrelationPx)
	}
	if p.HoleSpacingUm > 0 {
		m.holeSpacing = p.HoleSpacingUm
	}
	if p.HoleDiameterUm > 0 {
		m.holeDiameter = p.HoleDiameterUm
	}
	m.pitDepth = p.BrokenDepthUm
	if m.pitDepth == 0 {
		m.pitDepth = defaultPitDepth
	}

	// Map size.
	m.cols, m.rows = p.Cols, p.Rows
	if m.cols < 0 || m.rows < 0 {
		return nil, fmt.Errorf("synth: negative map size %d×%d", p.Cols, p.Rows)
	}
	if m.cols == 0 {
		m.cols = int(math.Round((m.holeSpacing + m.holeDiameter + fieldMarginX) / m.pitch))
	}
	if m.rows == 0 {
		h := math.Max(minFieldHeight, float64(l.rows-1)*l.rowPitch+fieldMarginY)
		m.rows = int(math.Round(h / m.pitch))
	}
	if err := geometry.CheckSize(m.cols, m.rows); err != nil {
		return nil, fmt.Errorf("synth: map size %d×%d: %w", m.cols, m.rows, err)
	}

	// Frame: map point = centre + Rot(θ)·P + shift.
	th := p.RotationDeg * math.Pi / 180
	m.sin, m.cos = math.Sincos(th)
	m.ox = float64(m.cols-1)/2*m.pitch + p.ShiftUm[0]
	m.oy = float64(m.rows-1)/2*m.pitch + p.ShiftUm[1]

	// Surface.
	m.tx = math.Tan(p.XAngleDeg * math.Pi / 180)
	m.ty = math.Tan(p.YAngleDeg * math.Pi / 180)
	var err error
	if m.cx, err = curvature("x", p.RxMM); err != nil {
		return nil, err
	}
	if m.cy, err = curvature("y", p.RyMM); err != nil {
		return nil, err
	}

	m.coreR = coreRadiusSM
	if p.Multimode {
		m.coreR = coreRadiusMM
	}
	m.cladR2 = claddingRadius * claddingRadius
	m.coreR2 = m.coreR * m.coreR
	switch p.CoreDipProfile {
	case "", DipStep:
	case DipParabolic:
		m.parabolic = true
	default:
		return nil, fmt.Errorf("synth: unknown core dip profile %q (want %q or %q)", p.CoreDipProfile, DipStep, DipParabolic)
	}
	if in, out := p.EdgeRingUm[0], p.EdgeRingUm[1]; in != 0 || out != 0 {
		if !(in >= 0 && in <= out) || math.IsInf(out, 0) {
			return nil, fmt.Errorf("synth: edge ring %g…%g µm is not 0 ≤ inner ≤ outer, finite", in, out)
		}
		m.ringIn2, m.ringOut2 = in*in, out*out
	}

	// Guide holes.
	for i, sx := range [2]float64{-1, 1} {
		x := sx * m.holeSpacing / 2
		mx, my := m.toMap(x, 0)
		m.holes[i] = hole{x: x, y: 0, mx: mx, my: my, d: m.holeDiameter}
	}

	// Fibers.
	n := l.n()
	if err := checkLen("heights", len(p.Heights), n); err != nil {
		return nil, err
	}
	if err := checkLen("radii", len(p.RadiiMM), n); err != nil {
		return nil, err
	}
	if err := checkLen("offsets", len(p.Offsets), n); err != nil {
		return nil, err
	}
	if err := checkLen("core dips", len(p.CoreDipsUm), n); err != nil {
		return nil, err
	}
	if err := checkLen("apex offsets", len(p.ApexOffsets), n); err != nil {
		return nil, err
	}
	m.fibers = make([]fiber, n)
	for i := range m.fibers {
		f := &m.fibers[i]
		f.row, f.col = i/l.perRow+1, i%l.perRow+1
		f.x, f.y = l.nominal(f.row, f.col)
		f.h, f.r, f.dip = defaultHeightUm, defaultRadiusMM*umPerMM, p.CoreDipUm
		if p.Heights != nil {
			f.h = p.Heights[i]
		}
		if p.RadiiMM != nil {
			f.r = p.RadiiMM[i] * umPerMM
		}
		if p.Offsets != nil {
			f.x += p.Offsets[i][0]
			f.y += p.Offsets[i][1]
		}
		if p.CoreDipsUm != nil {
			f.dip = p.CoreDipsUm[i]
		}
		f.ax, f.ay = f.x, f.y
		if p.ApexOffsets != nil {
			f.ax += p.ApexOffsets[i][0]
			f.ay += p.ApexOffsets[i][1]
		}
		if math.IsNaN(f.h) || math.IsInf(f.h, 0) || math.IsNaN(f.dip) || math.IsInf(f.dip, 0) ||
			math.IsNaN(f.x) || math.IsInf(f.x, 0) || math.IsNaN(f.y) || math.IsInf(f.y, 0) ||
			math.IsNaN(f.ax) || math.IsInf(f.ax, 0) || math.IsNaN(f.ay) || math.IsInf(f.ay, 0) {
			return nil, fmt.Errorf("synth: fiber %d: non-finite height, core dip, offset or apex offset", i+1)
		}
		// The sphere must cover the whole cladding disc: every point of it is
		// within claddingRadius + e of the apex.
		e := math.Hypot(f.ax-f.x, f.ay-f.y)
		if !(f.r > claddingRadius+e) { // also rejects NaN and −Inf
			return nil, fmt.Errorf("synth: fiber %d: tip radius %g mm is not above the cladding radius %g mm plus the apex offset %g µm",
				i+1, f.r/umPerMM, claddingRadius/umPerMM, e)
		}
		f.mx, f.my = m.toMap(f.x, f.y)
		f.amx, f.amy = m.toMap(f.ax, f.ay)
		f.seat = m.curvatureAt(f.x, f.y)
	}
	for _, set := range []struct {
		idx   []int
		state fiberState
		name  string
	}{{p.Missing, fiberMissing, "missing"}, {p.Broken, fiberBroken, "broken"}} {
		for _, k := range set.idx {
			if k < 1 || k > n {
				return nil, fmt.Errorf("synth: %s fiber %d out of range 1…%d", set.name, k, n)
			}
			f := &m.fibers[k-1]
			if f.state != fiberPresent && f.state != set.state {
				return nil, fmt.Errorf("synth: fiber %d is both missing and broken", k)
			}
			f.state = set.state
		}
	}
	if m.ringOut2 > 0 {
		for i := range m.fibers {
			m.fibers[i].ring = p.EdgeRingFibers == nil && m.fibers[i].state == fiberPresent
		}
		for _, k := range p.EdgeRingFibers {
			if k < 1 || k > n {
				return nil, fmt.Errorf("synth: edge-ring fiber %d out of range 1…%d", k, n)
			}
			m.fibers[k-1].ring = true
		}
	}
	if m.plane, err = m.referencePlane(); err != nil {
		return nil, err
	}

	// Dust: drawn here so that the truth knows it before the map exists.
	if p.Dust > 0 {
		rng := rand.New(rand.NewPCG(p.Seed, streamDust))
		w, h := float64(m.cols-1)*m.pitch, float64(m.rows-1)*m.pitch
		m.dust = make([]dust, p.Dust)
		for i := range m.dust {
			d := &m.dust[i]
			d.r = dustMinRadius + (dustMaxRadius-dustMinRadius)*rng.Float64()
			d.h = dustMinHeight + (dustMaxHeight-dustMinHeight)*rng.Float64()
			// Redraw the centre until the particle keeps clear of every
			// fiber, so every fiber's truth stays what a perfect analysis
			// would find. Fibers cover a few % of the map: the attempt limit
			// is only a guard for absurd maps (then the last draw stays).
			for range dustAttempts {
				d.mx, d.my = w*rng.Float64(), h*rng.Float64()
				if m.clearOfFibers(d.mx, d.my, d.r+dustGapUm) {
					break
				}
			}
		}
	}
	return m, nil
}

// Dust particle ranges, µm.
const (
	dustMinRadius  = 3
	dustMaxRadius  = 15
	dustMinHeight  = 0.5
	dustMaxHeight  = 3
	dustValidInner = 0.8 // the outer 20 % of a particle's radius is NaN (too steep to measure)
	dustGapUm      = 10  // least gap between a particle and a fiber's cladding
	dustAttempts   = 1000
)

// clearOfFibers reports whether the disc of radius rad around map point
// (mx, my) misses every fiber's cladding disc and edge ring.
func (m *model) clearOfFibers(mx, my, rad float64) bool {
	reach := claddingRadius
	if m.ringOut2 > m.cladR2 {
		reach = math.Sqrt(m.ringOut2)
	}
	for _, f := range m.fibers {
		if math.Hypot(mx-f.mx, my-f.my) <= reach+rad {
			return false
		}
	}
	return true
}

// curvature returns the surface's second-order coefficient −1/(2R) in 1/µm
// for a radius in mm (positive = dome); 0 and ±Inf are flat.
func curvature(axis string, rMM float64) (float64, error) {
	switch {
	case math.IsNaN(rMM):
		return 0, fmt.Errorf("synth: ferrule %s radius is NaN", axis)
	case rMM == 0 || math.IsInf(rMM, 0):
		return 0, nil
	}
	return -1 / (2 * rMM * umPerMM), nil
}

func checkLen(name string, got, want int) error {
	if got != 0 && got != want {
		return fmt.Errorf("synth: %d %s for %d fibers", got, name, want)
	}
	return nil
}

// toMap returns the map coordinates of ferrule-frame point (x, y).
func (m *model) toMap(x, y float64) (mx, my float64) {
	return m.ox + m.cos*x - m.sin*y, m.oy + m.sin*x + m.cos*y
}

// toFrame returns the ferrule-frame coordinates of map point (mx, my).
func (m *model) toFrame(mx, my float64) (x, y float64) {
	dx, dy := mx-m.ox, my-m.oy
	return m.cos*dx + m.sin*dy, -m.sin*dx + m.cos*dy
}

// surface returns the ferrule surface height at ferrule-frame (x, y), µm.
func (m *model) surface(x, y float64) float64 {
	return x*(m.tx+m.cx*x) + y*(m.ty+m.cy*y)
}

// tilt returns the ferrule plane's height (tilt only) at ferrule-frame
// (x, y), µm.
func (m *model) tilt(x, y float64) float64 {
	return x*m.tx + y*m.ty
}

// curvatureAt returns the ferrule surface's curvature term
// −x²/(2Rx) − y²/(2Ry) at ferrule-frame (x, y), µm.
func (m *model) curvatureAt(x, y float64) float64 {
	return m.cx*x*x + m.cy*y*y
}

// sag returns the depth of a sphere of radius r below its apex at squared
// distance rho2 from the apex axis, written without cancellation; 0 for a
// flat tip (r = +Inf).
func sag(r, rho2 float64) float64 {
	return rho2 / (r + math.Sqrt(r*r-rho2))
}

// fillSurface writes the ferrule surface into every pixel.
func (m *model) fillSurface(hm *geometry.HeightMap) {
	for r := range m.rows {
		row := hm.Row(r)
		for c := range row {
			row[c] = m.surface(m.toFrame(float64(c)*m.pitch, float64(r)*m.pitch))
		}
	}
}

// box returns the pixel range [c0, c1]×[r0, r1] covering the disc of radius
// rad around map point (mx, my), clipped to the map; empty if c0 > c1 or
// r0 > r1.
func (m *model) box(mx, my, rad float64) (c0, c1, r0, r1 int) {
	clip := func(v float64, hi int) int {
		return int(math.Max(-1, math.Min(float64(hi), v)))
	}
	c0 = clip(math.Ceil((mx-rad)/m.pitch), m.cols)
	c1 = clip(math.Floor((mx+rad)/m.pitch), m.cols-1)
	r0 = clip(math.Ceil((my-rad)/m.pitch), m.rows)
	r1 = clip(math.Floor((my+rad)/m.pitch), m.rows-1)
	return max(c0, 0), c1, max(r0, 0), r1
}

// fillFibers writes every fiber's cap (or its pit or NaN disc) over its
// cladding disc.
func (m *model) fillFibers(hm *geometry.HeightMap) {
	var pit *rand.Rand
	for i := range m.fibers {
		f := &m.fibers[i]
		if f.state == fiberBroken && pit == nil {
			pit = rand.New(rand.NewPCG(m.p.Seed, streamPit))
		}
		c0, c1, r0, r1 := m.box(f.mx, f.my, claddingRadius)
		for r := r0; r <= r1; r++ {
			y := float64(r) * m.pitch
			dy := y - f.my
			row := hm.Row(r)
			for c := c0; c <= c1; c++ {
				x := float64(c) * m.pitch
				dx := x - f.mx
				rho2 := dx*dx + dy*dy
				if rho2 > m.cladR2 {
					continue
				}
				switch f.state {
				case fiberMissing:
					row[c] = math.NaN()
				case fiberBroken:
					row[c] = m.surface(m.toFrame(x, y)) - m.pitDepth + pitRoughnessUm*pit.NormFloat64()
				default:
					// The cap stands on the ferrule plane lifted by the
					// curvature at the fiber centre, symmetric about its
					// apex; the core dip is centred on the fiber.
					ax, ay := x-f.amx, y-f.amy
					z := m.tilt(m.toFrame(x, y)) + f.seat + f.h - sag(f.r, ax*ax+ay*ay)
					if rho2 <= m.coreR2 {
						if m.parabolic {
							z -= f.dip * (1 - rho2/m.coreR2)
						} else {
							z -= f.dip
						}
					}
					row[c] = z
				}
				if f.ring && rho2 >= m.ringIn2 && rho2 <= m.ringOut2 {
					row[c] = math.NaN()
				}
			}
		}
	}
}

// cutRings sets the part of each edge ring beyond the cladding disc to NaN
// (fillFibers cuts the part on the fiber).
func (m *model) cutRings(hm *geometry.HeightMap) {
	if m.ringOut2 <= m.cladR2 {
		return
	}
	lo := math.Max(m.ringIn2, m.cladR2)
	for _, f := range m.fibers {
		if !f.ring {
			continue
		}
		c0, c1, r0, r1 := m.box(f.mx, f.my, math.Sqrt(m.ringOut2))
		for r := r0; r <= r1; r++ {
			dy := float64(r)*m.pitch - f.my
			row := hm.Row(r)
			for c := c0; c <= c1; c++ {
				dx := float64(c)*m.pitch - f.mx
				if rho2 := dx*dx + dy*dy; rho2 > m.cladR2 && rho2 >= lo && rho2 <= m.ringOut2 {
					row[c] = math.NaN()
				}
			}
		}
	}
}

// cutHoles sets the guide-hole discs to NaN.
func (m *model) cutHoles(hm *geometry.HeightMap) {
	for _, h := range m.holes {
		rad := h.d / 2
		c0, c1, r0, r1 := m.box(h.mx, h.my, rad)
		for r := r0; r <= r1; r++ {
			dy := float64(r)*m.pitch - h.my
			row := hm.Row(r)
			for c := c0; c <= c1; c++ {
				dx := float64(c)*m.pitch - h.mx
				if dx*dx+dy*dy <= rad*rad {
					row[c] = math.NaN()
				}
			}
		}
	}
}

// addDust adds every dust particle: a half-ellipsoid bump of height h and
// radius r on valid pixels, NaN over its outer rim.
func (m *model) addDust(hm *geometry.HeightMap) {
	for _, d := range m.dust {
		c0, c1, r0, r1 := m.box(d.mx, d.my, d.r)
		for r := r0; r <= r1; r++ {
			dy := float64(r)*m.pitch - d.my
			row := hm.Row(r)
			for c := c0; c <= c1; c++ {
				dx := float64(c)*m.pitch - d.mx
				q := (dx*dx + dy*dy) / (d.r * d.r)
				switch {
				case q > 1:
				case q > dustValidInner*dustValidInner:
					row[c] = math.NaN()
				default:
					row[c] += d.h * math.Sqrt(1-q)
				}
			}
		}
	}
}

// maxNoiseCorrelationPx bounds Params.NoiseCorrelationUm, pixels.
const maxNoiseCorrelationPx = 50

// addNoise adds Gaussian noise to every valid pixel, in row-major order;
// correlated noise when Params.NoiseCorrelationUm is set.
func (m *model) addNoise(hm *geometry.HeightMap) {
	if m.p.NoiseUm == 0 {
		return
	}
	if m.p.NoiseCorrelationUm > 0 {
		m.addCorrelatedNoise(hm)
		return
	}
	rng := rand.New(rand.NewPCG(m.p.Seed, streamNoise))
	s := m.p.NoiseUm
	for i, z := range hm.Z {
		if z == z {
			hm.Z[i] = z + s*rng.NormFloat64()
		}
	}
}

// addCorrelatedNoise adds Gaussian noise of RMS NoiseUm whose
// autocorrelation between pixels d µm apart is exp(−d²/(2L²)),
// L = NoiseCorrelationUm: white noise w drawn, row-major, over the map
// padded by the kernel's reach (so that pixels at the map's edge are
// filtered like the others), convolved along rows and then columns with
// the 1-D kernel g(k) ∝ exp(−k²p²/(2σ²)), σ = L/√2, p the pitch, |k| ≤ 4σ/p,
// scaled to Σg² = 1. The 2-D kernel g(i)·g(j) then has unit energy, so the
// filtered noise has unit variance exactly, and its autocorrelation is the
// kernel's, Σ g(i)g(i+k), which for a Gaussian of σ is the Gaussian of
// √2·σ = L (to the kernel's truncation at 4σ and its sampling).
func (m *model) addCorrelatedNoise(hm *geometry.HeightMap) {
	sig := m.p.NoiseCorrelationUm / math.Sqrt2 / m.pitch // kernel σ, pixels
	reach := int(math.Ceil(4 * sig))
	g := make([]float64, 2*reach+1)
	var e float64
	for k := -reach; k <= reach; k++ {
		v := math.Exp(-float64(k*k) / (2 * sig * sig))
		g[k+reach] = v
		e += v * v
	}
	for k := range g {
		g[k] /= math.Sqrt(e)
	}
	rng := rand.New(rand.NewPCG(m.p.Seed, streamNoise))
	pc, pr := m.cols+2*reach, m.rows+2*reach
	w := make([]float64, pc*pr)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	// Along rows: pr rows of m.cols filtered values.
	h := make([]float64, pr*m.cols)
	for r := 0; r < pr; r++ {
		src, dst := w[r*pc:(r+1)*pc], h[r*m.cols:(r+1)*m.cols]
		for c := range dst {
			var v float64
			for k, gk := range g {
				v += gk * src[c+k]
			}
			dst[c] = v
		}
	}
	// Along columns, into the map's valid pixels.
	s := m.p.NoiseUm
	for r := 0; r < m.rows; r++ {
		row := hm.Row(r)
		for c := range row {
			if row[c] != row[c] {
				continue
			}
			var v float64
			for k, gk := range g {
				v += gk * h[(r+k)*m.cols+c]
			}
			row[c] += s * v
		}
	}
}

// dropOut sets each pixel to NaN with probability DropoutFraction,
// independently. It draws the gaps between dropped pixels (geometric
// distribution) instead of one number per pixel.
func (m *model) dropOut(hm *geometry.HeightMap) {
	f := m.p.DropoutFraction
	switch {
	case f == 0:
		return
	case f >= 1:
		for i := range hm.Z {
			hm.Z[i] = math.NaN()
		}
		return
	}
	rng := rand.New(rand.NewPCG(m.p.Seed, streamDropout))
	l1f := math.Log1p(-f)
	n := len(hm.Z)
	for i := -1; ; {
		// P(gap = k) = (1−f)^k·f for k ≥ 0 pixels kept before the next drop.
		g := math.Floor(math.Log(1-rng.Float64()) / l1f)
		if g >= float64(n-i) {
			return
		}
		i += int(g) + 1
		if i >= n {
			return
		}
		hm.Z[i] = math.NaN()
	}
}

// refPlane is the least-squares plane a + b·X + c·Y (µm, ferrule frame)
// through the ferrule's curvature term over SPEC §4's default fitting
// region; the reference plane is the ferrule plane (tilt) plus it. n is the
// number of points used and sampling says where they lie (see
// referencePlane); a flat ferrule needs no fit (all zero, n = 0).
type refPlane struct {
	a, b, c  float64
	n        int
	sampling string
}

// Where the reference plane was sampled (PlaneTruth.Sampling).
const (
	samplingNone   = "none"   // flat ferrule: no fit
	samplingMap    = "map"    // the map's pixel centres in the region
	samplingRegion = "region" // a lattice over the region, which the map does not hold whole
)

// SPEC §4's default fitting region.
const (
	regionYMarginUm    = 250   // beyond the outermost fiber row, µm
	regionFiberRadius  = 93.75 // exclusion disc around each nominal fiber: Ø 1.5 × 125 µm
	regionHoleMarginUm = 100   // exclusion beyond each hole rim, µm
	regionLatticeUm    = 2     // finest lattice pitch when the map does not hold the region, µm
)

// regionHalf returns the half-sizes of the fitting region's rectangle:
// half the hole spacing along X, the outermost row's |Y| + 250 µm along Y.
func (m *model) regionHalf() (hx, hy float64) {
	return m.holeSpacing / 2, float64(m.lay.rows-1)/2*m.lay.rowPitch + regionYMarginUm
}

// inRegion reports whether ferrule-frame (x, y) lies in SPEC §4's default
// fitting region: |X| ≤ hole spacing/2, |Y| ≤ outermost row |Y| + 250 µm,
// outside the discs of radius 93.75 µm around every nominal fiber centre
// and of radius hole Ø/2 + 100 µm around each hole centre. The rectangle is
// closed, the discs are closed (a point on a disc's rim is excluded).
func (m *model) inRegion(x, y float64) bool {
	l := m.lay
	hx, hy := m.regionHalf()
	if math.Abs(x) > hx || math.Abs(y) > hy {
		return false
	}
	// The exclusion discs do not overlap (93.75 µm < half the pitch), so
	// only the nearest nominal fiber can hold (x, y).
	col := min(max(math.Round(x/l.pitch+float64(l.perRow+1)/2), 1), float64(l.perRow))
	row := min(max(math.Round(y/l.rowPitch+float64(l.rows+1)/2), 1), float64(l.rows))
	nx, ny := l.nominal(int(row), int(col))
	if dx, dy := x-nx, y-ny; dx*dx+dy*dy <= regionFiberRadius*regionFiberRadius {
		return false
	}
	hr := m.holeDiameter/2 + regionHoleMarginUm
	for _, h := range m.holes {
		if dx, dy := x-h.x, y-h.y; dx*dx+dy*dy <= hr*hr {
			return false
		}
	}
	return true
}

// planeSums accumulates the normal equations of the least-squares plane
// z = a + b·u + c·v, in mm (u = X/1000, v = Y/1000) for conditioning.
type planeSums struct {
	a [3][3]float64
	b [3]float64
	n int
}

func (s *planeSums) add(x, y, z float64) {
	v := [3]float64{1, x * (1 / umPerMM), y * (1 / umPerMM)}
	for i := range 3 {
		for j := i; j < 3; j++ {
			s.a[i][j] += v[i] * v[j]
		}
		s.b[i] += v[i] * z
	}
	s.n++
}

// solve returns the plane in µm per µm; ok is false for fewer than three
// points or points on one line.
func (s *planeSums) solve() (p refPlane, ok bool) {
	if s.n < 3 {
		return p, false
	}
	a := s.a
	for i := range 3 {
		for j := range i {
			a[i][j] = a[j][i]
		}
	}
	x, ok := solve3(a, s.b)
	return refPlane{a: x[0], b: x[1] / umPerMM, c: x[2] / umPerMM, n: s.n}, ok
}

// referencePlane fits refPlane by least squares to the noiseless
// curvature term over the fitting region (SPEC §4). When the map holds the
// region's whole rectangle (its four corners lie within the pixel centres'
// extent, as in every default-size map) it samples the map's pixel centres
// in the region, as an analysis of the map would. Otherwise (a crop) it
// samples the region on a square lattice in the ferrule frame through the
// origin, of the map's pitch but no finer than 2 µm: the plane a full map
// would give, to within the lattice's ≈ 0.1 nm. It returns an error only if
// the samples cannot fit a plane.
func (m *model) referencePlane() (refPlane, error) {
	if m.cx == 0 && m.cy == 0 {
		return refPlane{sampling: samplingNone}, nil
	}
	hx, hy := m.regionHalf()
	w, h := float64(m.cols-1)*m.pitch, float64(m.rows-1)*m.pitch
	inMap := true
	x0, x1, y0, y1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1) // the rectangle's bounding box in the map
	for _, c := range [4][2]float64{{-hx, -hy}, {hx, -hy}, {-hx, hy}, {hx, hy}} {
		mx, my := m.toMap(c[0], c[1])
		inMap = inMap && mx >= 0 && mx <= w && my >= 0 && my <= h
		x0, x1, y0, y1 = math.Min(x0, mx), math.Max(x1, mx), math.Min(y0, my), math.Max(y1, my)
	}
	var s planeSums
	sampling := samplingMap
	if inMap {
		// Only the pixels in the box can be in the region (inRegion decides).
		c0, c1 := int(math.Floor(x0/m.pitch)), min(int(math.Ceil(x1/m.pitch)), m.cols-1)
		r0, r1 := int(math.Floor(y0/m.pitch)), min(int(math.Ceil(y1/m.pitch)), m.rows-1)
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				if x, y := m.toFrame(float64(c)*m.pitch, float64(r)*m.pitch); m.inRegion(x, y) {
					s.add(x, y, m.curvatureAt(x, y))
				}
			}
		}
	} else {
		sampling = samplingRegion
		q := math.Max(m.pitch, regionLatticeUm)
		ni, nj := int(math.Floor(hx/q)), int(math.Floor(hy/q))
		for j := -nj; j <= nj; j++ {
			for i := -ni; i <= ni; i++ {
				if x, y := float64(i)*q, float64(j)*q; m.inRegion(x, y) {
					s.add(x, y, m.curvatureAt(x, y))
				}
			}
		}
	}
	p, ok := s.solve()
	if !ok {
		return refPlane{}, errors.New("synth: the fitting region holds too few points for the reference plane")
	}
	p.sampling = sampling
	return p, nil
}

// at returns the plane's height at ferrule-frame (x, y), µm.
func (p refPlane) at(x, y float64) float64 { return p.a + p.b*x + p.c*y }
