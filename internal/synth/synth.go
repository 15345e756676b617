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

	// Heights are the fiber apex heights above the ferrule surface, µm,
	// one per fiber in index order; nil means 2 µm for every fiber.
	Heights []float64
	// RadiiMM are the fiber tip radii, mm, one per fiber; nil means 10 mm
	// for every fiber. +Inf is a flat tip; a finite radius must exceed the
	// cladding radius (0.0625 mm).
	RadiiMM []float64
	// Offsets are the fiber centres' offsets from nominal, µm, ferrule
	// frame; nil means none.
	Offsets [][2]float64
	// CoreDipUm is the depth of the flat-bottomed core dip of every fiber,
	// µm (positive = dip); CoreDipsUm, when not nil, gives one per fiber and
	// overrides it.
	CoreDipUm  float64
	CoreDipsUm []float64
	// Multimode selects a 50 µm core instead of a 9 µm one.
	Multimode bool

	// HoleSpacingUm and HoleDiameterUm override the layout's guide-hole
	// spacing and diameter, µm; 0 keeps the layout's.
	HoleSpacingUm, HoleDiameterUm float64

	// NoiseUm is the RMS of the Gaussian noise added to every valid pixel,
	// µm (realistic: 0.002).
	NoiseUm float64
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
// fiber), fiber offsets ±1 µm on each axis, flat ferrule; all uniform. The
// returned Params carry the same seed for Generate. For an unknown layout
// the per-fiber slices stay nil and Generate reports the error.
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

// Streams of the PCG generator, one per independent use of the seed, so
// that switching one feature on does not change the draws of another.
const (
	streamParams  = 0x5eed_0001
	streamNoise   = 0x5eed_0002
	streamDropout = 0x5eed_0003
	streamPit     = 0x5eed_0004
	streamDust    = 0x5eed_0005
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
	h        float64 // apex height above the surface
	r        float64 // tip radius, +Inf for flat
	dip      float64 // core dip depth
	state    fiberState
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
		{"noise", p.NoiseUm}, {"dropout fraction", p.DropoutFraction},
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
		if math.IsNaN(f.h) || math.IsInf(f.h, 0) || math.IsNaN(f.dip) || math.IsInf(f.dip, 0) ||
			math.IsNaN(f.x) || math.IsInf(f.x, 0) || math.IsNaN(f.y) || math.IsInf(f.y, 0) {
			return nil, fmt.Errorf("synth: fiber %d: non-finite height, core dip or offset", i+1)
		}
		if !(f.r > claddingRadius) { // also rejects NaN and −Inf
			return nil, fmt.Errorf("synth: fiber %d: tip radius %g mm is not above the cladding radius %g mm",
				i+1, f.r/umPerMM, claddingRadius/umPerMM)
		}
		f.mx, f.my = m.toMap(f.x, f.y)
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
// (mx, my) misses every fiber's cladding disc.
func (m *model) clearOfFibers(mx, my, rad float64) bool {
	for _, f := range m.fibers {
		if math.Hypot(mx-f.mx, my-f.my) <= claddingRadius+rad {
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
					z := m.surface(m.toFrame(x, y)) + f.h - sag(f.r, rho2)
					if rho2 <= m.coreR2 {
						z -= f.dip
					}
					row[c] = z
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

// addNoise adds Gaussian noise to every valid pixel, in row-major order.
func (m *model) addNoise(hm *geometry.HeightMap) {
	if m.p.NoiseUm == 0 {
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
