package ferrule

import (
	"errors"
	"fmt"
	"image"
	"math"
	"sync/atomic"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

const (
	nmPerUM = 1e3
	umPerMM = 1e3
	degree  = math.Pi / 180

	// highResidualNM flags a tip fit whose RMS residual says the end is not
	// a smooth cap (chipped, dirty or broken fiber).
	highResidualNM = 20
	// brokenResidualNM is the tip-fit RMS above which the end is no
	// polished fiber at all: it is reported unmeasured.
	brokenResidualNM = 50
	// minValidFraction of the fit annulus below which a fiber is missing.
	minValidFraction = 0.3
	// minFitPoints is the fewest annulus points a tip fit accepts.
	minFitPoints = 30
	// multimodeHintUM is the median depth (µm) 6–9.5 µm from the fiber
	// centres above which a single-mode analysis warns of a multimode part.
	multimodeHintUM = 0.015
	// multimodeCoreDiameter is the core Ø of multimode fiber, µm (SPEC §2).
	multimodeCoreDiameter = 50
)

// ErrNoData is returned for maps with too few valid pixels to analyse.
var ErrNoData = errors.New("ferrule: map has too few valid pixels")

// Analyzer analyses end faces, reusing its buffers between calls. It is
// safe for concurrent use: a call that finds the buffers in use by another
// goroutine works on buffers of its own (so one Analyzer per goroutine is
// still the fast way).
type Analyzer struct {
	busy       atomic.Bool
	mask       []bool
	xs, ys, zs []float64
	cells      []int32 // hole-finding grid
	stack      []int
	core       []corePixel // core pixels of one fiber
	win        []float64   // cladding-edge window of one fiber
	pairs      []edgePair  // cladding-edge pairs of one fiber
	lins       []lin       // their linearised distances
	wideDips   []float64   // single-mode analysis: depth just outside the core, per fiber
	spikeIdx   []int       // isolated spikes of the map
	res        []float64   // residuals of one fit
	scratch    []float64   // their copy for a median
}

// Analyze analyses one end face with a fresh Analyzer.
func Analyze(m *geometry.HeightMap, opts Options) (*Report, error) {
	var a Analyzer
	return a.Analyze(m, opts)
}

// analysis carries the state of one run.
type analysis struct {
	*Analyzer
	m           *geometry.HeightMap
	layout      Layout
	reg         Regions
	frame       Frame
	holes       []Hole
	planeM      fit.Plane   // reference plane, map coordinates
	quadM       fit.Quadric // reference quadric, map coordinates
	flatMM      float64
	fixture     float64
	frameFlags  []string // flags of the frame (orientation_ambiguous)
	userRegions Regions  // the regions of the options, zero fields for defaults
	// surfaceOutliers is how many pixels the robust reference-surface fit
	// left out.
	surfaceOutliers int
}

// Analyze measures the end face in m (SPEC §3–§6). It returns an error when
// the map cannot be analysed at all (no data, guide holes missing or cut
// off without a frame given, no ferrule surface); problems with single
// fibers are reported per fiber, and the rest of the ferrule is analysed.
//
// Infinite heights are taken as invalid. A panic inside the analysis (a bug)
// is returned as an error rather than stopping a test station.
func (a *Analyzer) Analyze(m *geometry.HeightMap, opts Options) (*Report, error) {
	if !a.busy.CompareAndSwap(false, true) {
		var own Analyzer // a is analysing in another goroutine
		return own.Analyze(m, opts)
	}
	defer a.busy.Store(false)
	return a.analyze(m, opts)
}

func (a *Analyzer) analyze(m *geometry.HeightMap, opts Options) (rep *Report, err error) {
	defer func() {
		if r := recover(); r != nil {
			rep, err = nil, fmt.Errorf("ferrule: internal error, please report: %v", r)
		}
	}()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if m == nil || m.Rect.Empty() || len(m.Z) == 0 {
		return nil, fmt.Errorf("%w: empty map", ErrNoData)
	}
	if !(m.Pitch.X > 0 && m.Pitch.Y > 0) || math.IsInf(m.Pitch.X+m.Pitch.Y, 0) {
		return nil, fmt.Errorf("ferrule: invalid pixel pitch %v µm", m.Pitch)
	}
	valid, inf := count(m)
	total := m.Rect.Dx() * m.Rect.Dy()
	if valid < 1000 {
		return nil, fmt.Errorf("%w: %d of %d", ErrNoData, valid, total)
	}
	// Infinite heights and isolated spikes are invalid pixels: they are
	// cleared in a compact copy (the caller's map is never changed), made
	// only when there is something to clear.
	if inf > 0 {
		m = finite(m)
	}
	spikes, spikesOK := a.findSpikes(m, valid)
	if len(spikes) > 0 {
		if inf == 0 {
			m = m.Clone()
		}
		for _, i := range spikes {
			m.Z[i] = math.NaN()
		}
		valid -= len(spikes)
	}
	an := &analysis{Analyzer: a, m: m, fixture: opts.FixtureAngleDeg, flatMM: opts.FlatRadiusMM, userRegions: opts.Regions}
	if an.flatMM <= 0 {
		an.flatMM = defaultFlatRadiusMM
	}
	rep = &Report{
		PixelUM:         [2]Num{Num(m.Pitch.X), Num(m.Pitch.Y)},
		SizePx:          [2]int{m.Rect.Dx(), m.Rect.Dy()},
		ValidFraction:   Num(float64(valid) / float64(total)),
		FixtureAngleDeg: Num(opts.FixtureAngleDeg),
		Software:        ThisSoftware(),
		Warnings:        append([]string{}, m.Warnings...),
		Spikes:          len(spikes),
	}
	if !spikesOK {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("more than %.0f %% of the valid pixels stand out from all their neighbours by over %g µm: a surface too rough or noisy to measure reliably; they were kept", 100*maxSpikeFraction, spikeUM))
	}

	if err := plausible(m, opts); err != nil {
		return nil, err
	}

	// Frame and holes.
	if opts.Frame != nil {
		an.frame = *opts.Frame
	} else {
		holes, err := a.findHoles(m, opts.Layout)
		if err != nil {
			return nil, err
		}
		var ambiguous bool
		an.frame, ambiguous = frameFromHoles(&holes, opts.OrientationDeg*degree)
		an.holes = holes[:]
		if ambiguous {
			an.frameFlags = append(an.frameFlags, "orientation_ambiguous")
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("orientation_ambiguous: the guide-hole axis lies within %d° of perpendicular to the map's declared orientation (%g°), so +X and the fiber numbering could as well be the other way round (set the orientation option to the instrument's)", ambiguousOrientationDeg, opts.OrientationDeg))
		}
	}

	// Layout.
	if opts.Layout != nil {
		if err := an.checkLayout(*opts.Layout); err != nil {
			return nil, err
		}
		an.layout = *opts.Layout
	} else {
		l, err := an.identifyLayout()
		if err != nil {
			return nil, err
		}
		an.layout = l
	}
	if opts.Multimode && !an.layout.Multimode {
		an.layout.Multimode, an.layout.CoreDiameter = true, multimodeCoreDiameter
	}
	an.reg = opts.Regions.withDefaults(an.layout)
	if err := an.reg.validate(an.layout); err != nil {
		return nil, err
	}
	rep.Layout = an.layout.Name
	rep.Regions = an.reg
	an.fillFrame(rep)

	// Reference surface.
	plane, quad, err := an.fitSurface(an.layout)
	if err != nil {
		return nil, err
	}
	an.setSurface(plane, quad, rep)

	// Fibers, rows, summary.
	rep.Fibers = make([]Fiber, an.layout.Fibers())
	an.wideDips = an.wideDips[:0]
	for i := range rep.Fibers {
		rep.Fibers[i] = an.measureFiber(i + 1)
	}
	if d := median(an.wideDips); d > multimodeHintUM {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the fibers dip %.0f nm (median) 6–9.5 µm from their centres, outside a 9 µm single-mode core: a multimode part? analysed as single-mode (use the multimode option)", d*nmPerUM))
	}
	an.arrayResults(rep)
	return rep, nil
}

// ErrImplausible is wrapped by the errors of maps that cannot hold an MT
// end face: pixels too coarse for a fiber, a field of view too small.
var ErrImplausible = errors.New("ferrule: not a measurable MT end face")

// minFiberPixels is how many pixels a fiber's diameter must span at least:
// fewer leave the tip-fit annulus (10–50 µm) with under minFitPoints
// pixels and the cladding edge without a shape.
const minFiberPixels = 12

// plausible checks, before anything is searched for, that the map can hold
// an MT end face of the layout (of any built-in one when none is given):
// pixels fine enough to resolve a fiber, and a field of view wide enough
// for both guide holes (with the frame given, for one fiber: such maps
// may cut the array, and the fibers off the map are flagged).
// A map that fails is refused with the reason rather than analysed into a
// made-up ferrule.
func plausible(m *geometry.HeightMap, opts Options) error {
	layouts := builtinLayouts
	if opts.Layout != nil {
		layouts = []Layout{*opts.Layout}
	}
	fiberD, need := math.Inf(1), math.Inf(1)
	for _, l := range layouts {
		fiberD = math.Min(fiberD, l.FiberDiameter)
		span := l.HoleSpacing // both hole centres, with half of each hole on the map
		if opts.Frame != nil {
			span = l.FiberDiameter
		}
		need = math.Min(need, span)
	}
	if pitch := math.Max(m.Pitch.X, m.Pitch.Y); pitch > fiberD/minFiberPixels {
		return fmt.Errorf("%w: pixel pitch %.4g µm is too coarse to measure %g µm fibers (at most %.3g µm; is the pitch in the file right?)", ErrImplausible, pitch, fiberD, fiberD/minFiberPixels)
	}
	w, h := float64(m.Rect.Dx())*m.Pitch.X, float64(m.Rect.Dy())*m.Pitch.Y
	if math.Max(w, h) < need {
		what := "both guide holes"
		if opts.Frame != nil {
			what = "a fiber"
		}
		return fmt.Errorf("%w: the map is %.0f × %.0f µm, too small to hold %s (%.0f µm across)", ErrImplausible, w, h, what, need)
	}
	return nil
}

func (an *analysis) fillFrame(rep *Report) {
	f := an.frame
	rep.Frame = FrameInfo{
		OriginMapUM:        [2]Num{Num(f.Origin.X), Num(f.Origin.Y)},
		RotationDeg:        Num(f.Rotation / degree),
		HoleSpacingUM:      nan,
		HoleSpacingErrorUM: nan,
		FromHoles:          len(an.holes) == 2,
		Flags:              append([]string{}, an.frameFlags...),
	}
	rep.GuideHoles = []HoleInfo{}
	if len(an.holes) != 2 {
		return
	}
	s := an.holeSpacing()
	rep.Frame.HoleSpacingUM = Num(s)
	rep.Frame.HoleSpacingErrorUM = Num(s - an.layout.HoleSpacing)
	for _, h := range an.holes {
		p := f.ToFrame(h.Center)
		rep.GuideHoles = append(rep.GuideHoles, HoleInfo{
			MapXUM: Num(h.Center.X), MapYUM: Num(h.Center.Y),
			XUM: Num(p.X), YUM: Num(p.Y),
			DiameterUM: Num(h.Diameter), FitRMSUM: Num(h.FitRMS), RimPoints: h.RimPoints, Outliers: h.Outliers,
		})
	}
}

// frameBox returns the pixel rectangle of m covering the ferrule-frame
// rectangle |X| ≤ hx, |Y| ≤ hy.
func (an *analysis) frameBox(cx, cy, hx, hy float64) image.Rectangle {
	m := an.m
	minC, minR := math.Inf(1), math.Inf(1)
	maxC, maxR := math.Inf(-1), math.Inf(-1)
	for _, s := range [4][2]float64{{-1, -1}, {-1, 1}, {1, -1}, {1, 1}} {
		c, r := m.MapToPixel(an.frame.ToMap(r2.Vec{X: cx + s[0]*hx, Y: cy + s[1]*hy}))
		minC, maxC = math.Min(minC, c), math.Max(maxC, c)
		minR, maxR = math.Min(minR, r), math.Max(maxR, r)
	}
	return image.Rect(int(math.Floor(minC)), int(math.Floor(minR)), int(math.Ceil(maxC))+1, int(math.Ceil(maxR))+1).Intersect(m.Rect)
}

// holeSpacing is the distance between the hole centres found, or the
// layout's when the frame was given.
func (an *analysis) holeSpacing() float64 {
	if len(an.holes) == 2 {
		return r2.Norm(r2.Sub(an.holes[1].Center, an.holes[0].Center))
	}
	return an.layout.HoleSpacing
}

// fitSurface fits the reference plane and quadric, in map coordinates, over
// the fitting region of SPEC §4 for layout l.
func (an *analysis) fitSurface(l Layout) (fit.Plane, fit.Quadric, error) {
	reg := an.reg
	hx := an.holeSpacing() / 2
	hy := l.arrayHalfHeight() + reg.ArrayMarginY
	box := an.frameBox(0, 0, hx, hy)
	if box.Empty() {
		return fit.Plane{}, fit.Quadric{}, errors.New("ferrule: the fitting region lies outside the map")
	}
	sub := an.m.SubMap(box)
	n := box.Dx() * box.Dy()
	if cap(an.mask) < n {
		an.mask = make([]bool, n)
	}
	mask := an.mask[:n]
	// The region in map coordinates: per map row, the interval where the
	// rotated rectangle holds, less the intervals of the exclusion discs
	// (discs stay discs under rotation): the nominal fibers, and the holes
	// found (or, with a frame given, where the layout puts them) with their
	// margin.
	type disc struct {
		c r2.Vec
		r float64
	}
	discs := make([]disc, 0, l.Fibers()+2)
	for i := 1; i <= l.Fibers(); i++ {
		p, _, _ := l.Nominal(i)
		discs = append(discs, disc{an.frame.ToMap(p), reg.FiberExclusionDiameter / 2})
	}
	for _, h := range an.holes {
		discs = append(discs, disc{h.Center, h.Diameter/2 + reg.HoleMargin})
	}
	if len(an.holes) == 0 {
		for _, x := range [2]float64{-hx, hx} {
			discs = append(discs, disc{an.frame.ToMap(r2.Vec{X: x}), l.HoleDiameter/2 + reg.HoleMargin})
		}
	}
	sin, cos := math.Sincos(an.frame.Rotation)
	m := an.m
	for r := box.Min.Y; r < box.Max.Y; r++ {
		row := mask[(r-box.Min.Y)*box.Dx() : (r-box.Min.Y+1)*box.Dx()]
		clear(row)
		y := m.Offset.Y + float64(r)*m.Pitch.Y
		// X = cos·dx + sin·dy, Y = −sin·dx + cos·dy with d = p − origin:
		// each bound is linear in dx.
		dy := y - an.frame.Origin.Y
		lo, hi := math.Inf(-1), math.Inf(1)
		clip := func(k, c, h float64) { // |k·dx + c| ≤ h
			if k == 0 {
				if math.Abs(c) > h {
					lo, hi = 1, 0
				}
				return
			}
			a, b := (-h-c)/k, (h-c)/k
			if a > b {
				a, b = b, a
			}
			lo, hi = math.Max(lo, a), math.Min(hi, b)
		}
		clip(cos, sin*dy, hx)
		clip(-sin, cos*dy, hy)
		c0, c1 := an.colRange(box, an.frame.Origin.X+lo, an.frame.Origin.X+hi)
		for c := c0; c <= c1; c++ {
			row[c-box.Min.X] = true
		}
		for _, d := range discs {
			if h := d.r*d.r - sq(y-d.c.Y); h > 0 {
				w := math.Sqrt(h)
				c0, c1 := an.colRange(box, d.c.X-w, d.c.X+w)
				for c := c0; c <= c1; c++ {
					row[c-box.Min.X] = false
				}
			}
		}
	}
	plane, quad, err := fit.SurfaceMap(sub, mask)
	if err != nil || !(quad.RMS < grossRMSUM) {
		// Heights far off the rest (clustered spikes that the despiking
		// could not take) swamp least squares: leave them out first.
		an.surfaceOutliers += an.grossClip(sub, mask)
		plane, quad, err = fit.SurfaceMap(sub, mask)
	}
	if err != nil {
		return plane, quad, fmt.Errorf("ferrule: reference surface: %w", err)
	}
	// Robust: pixels more than clipSigmas robust σ (at least
	// surfaceClipFloorUM) off the quadric, which follows the ferrule's
	// curvature, are left out of both fits, up to three times.
	for iter := 0; iter < 3; iter++ {
		n := an.clipSurface(sub, mask, quad)
		if n == 0 {
			break
		}
		an.surfaceOutliers += n
		if plane, quad, err = fit.SurfaceMap(sub, mask); err != nil {
			return plane, quad, fmt.Errorf("ferrule: reference surface: %w", err)
		}
	}
	return plane, quad, nil
}

// surfaceClipFloorUM is the least residual (µm) the reference-surface fit
// takes as an outlier.
const surfaceClipFloorUM = 0.02

// grossRMSUM is a quadric fit RMS (µm) that no polished end face has: the
// fit holds heights that are not the surface's.
const grossRMSUM = 1

// grossClip leaves out of the fit mask the pixels of m whose height is far
// from all the others: more than 20 robust σ of the region's heights plus
// 100 µm from their median, far beyond any tilt or curvature of an end face
// (0.5° over 6 mm is 52 µm) but not beyond a cluster of spikes, whose
// squares would swamp a least-squares fit.
func (an *analysis) grossClip(m *geometry.HeightMap, mask []bool) int {
	z := an.sample(m, mask, func(x, y, v float64) float64 { return v })
	if len(z) == 0 {
		return 0
	}
	med := median(z)
	lim := clipLimit(z, 0)*20/clipSigmas + 100
	return an.maskOut(m, mask, func(x, y, v float64) bool { return math.Abs(v-med) > lim })
}

// clipSurface leaves out of mask the pixels more than the clip limit off
// quad and returns how many.
func (an *analysis) clipSurface(m *geometry.HeightMap, mask []bool, quad fit.Quadric) int {
	res := an.sample(m, mask, func(x, y, v float64) float64 { return v - quad.At(x, y) })
	if len(res) == 0 {
		return 0
	}
	lim := clipLimit(res, surfaceClipFloorUM)
	return an.maskOut(m, mask, func(x, y, v float64) bool { return math.Abs(v-quad.At(x, y)) > lim })
}

// sample returns f of the valid pixels selected by mask in every k-th row
// of m, k chosen for about 20,000 of them, in an.res.
func (an *analysis) sample(m *geometry.HeightMap, mask []bool, f func(x, y, z float64) float64) []float64 {
	w := m.Rect.Dx()
	k := max(1, m.Rect.Dy()*w/40000) // ~half the region is masked in
	out := an.res[:0]
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r += k {
		y := m.Offset.Y + float64(r)*m.Pitch.Y
		row := m.Row(r)
		for i, ok := range mask[(r-m.Rect.Min.Y)*w : (r-m.Rect.Min.Y+1)*w] {
			if z := row[i]; ok && z == z {
				out = append(out, f(m.Offset.X+float64(m.Rect.Min.X+i)*m.Pitch.X, y, z))
			}
		}
	}
	an.res = out
	return out
}

// maskOut clears the mask of the valid pixels for which drop is true and
// returns how many it cleared.
func (an *analysis) maskOut(m *geometry.HeightMap, mask []bool, drop func(x, y, z float64) bool) int {
	return an.eachMasked(m, mask, func(x, y, z float64) bool { return z == z && drop(x, y, z) })
}

// eachMasked calls fn with the map coordinates and height of every pixel
// of m selected by mask (compact over m.Rect); where fn returns true the
// pixel is taken out of the mask. It returns how many were.
func (an *analysis) eachMasked(m *geometry.HeightMap, mask []bool, fn func(x, y, z float64) bool) int {
	out := 0
	w := m.Rect.Dx()
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		y := m.Offset.Y + float64(r)*m.Pitch.Y
		row := m.Row(r)
		mrow := mask[(r-m.Rect.Min.Y)*w : (r-m.Rect.Min.Y+1)*w]
		for i, ok := range mrow {
			if ok && fn(m.Offset.X+float64(m.Rect.Min.X+i)*m.Pitch.X, y, row[i]) {
				mrow[i] = false
				out++
			}
		}
	}
	return out
}

// setSurface makes plane and quad (map coordinates) the reference surface
// and reports it in the ferrule frame.
func (an *analysis) setSurface(plane fit.Plane, quad fit.Quadric, rep *Report) {
	an.planeM, an.quadM = plane, quad
	rep.Plane = plane
	pf := plane.Transform(an.frame.Origin.X, an.frame.Origin.Y, an.frame.Rotation)
	qf := quad.Transform(an.frame.Origin.X, an.frame.Origin.Y, an.frame.Rotation)
	rep.Ferrule = Surface{
		XAngleDeg:       Num(math.Atan(pf.B) / degree),
		YAngleDeg:       Num(math.Atan(pf.C)/degree + an.fixture),
		XRadiusMM:       an.radiusMM(-1 / (2 * qf.D)),
		YRadiusMM:       an.radiusMM(-1 / (2 * qf.E)),
		FitRMSNM:        Num(plane.RMS * nmPerUM),
		QuadricFitRMSNM: Num(quad.RMS * nmPerUM),
		FitPoints:       plane.N,
		Outliers:        an.surfaceOutliers,
	}
}

// colRange returns the columns of box whose pixel centres lie in the map x
// interval [x0, x1]; c0 > c1 when none do.
func (an *analysis) colRange(box image.Rectangle, x0, x1 float64) (c0, c1 int) {
	m := an.m
	a, b := (x0-m.Offset.X)/m.Pitch.X, (x1-m.Offset.X)/m.Pitch.X
	if !(a <= b) {
		return 1, 0
	}
	c0 = int(math.Max(float64(box.Min.X), math.Ceil(a)))
	c1 = int(math.Min(float64(box.Max.X-1), math.Floor(b)))
	return c0, c1
}

// radiusMM converts a radius in µm to mm, NaN (flat) beyond the flat limit.
func (an *analysis) radiusMM(rUM float64) Num {
	r := rUM / umPerMM
	if math.IsNaN(r) || math.Abs(r) > an.flatMM {
		return nan
	}
	return Num(r)
}

func sq(x float64) float64 { return x * x }

// median returns the median of the finite values of v (reordering v), NaN
// if there are none.
func median(v []float64) float64 {
	n := 0
	for _, x := range v {
		if x-x == 0 {
			v[n] = x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	v = v[:n]
	hi := selectK(v, n/2)
	if n%2 == 1 {
		return hi
	}
	lo := v[0] // the largest of the lower half, which selectK left below n/2
	for _, x := range v[1 : n/2] {
		lo = math.Max(lo, x)
	}
	return (lo + hi) / 2
}

// selectK reorders v so that v[k] is its k-th smallest value, the ones
// before it no larger and the ones after it no smaller, and returns v[k]
// (Hoare's selection with the median of three as pivot: linear time).
func selectK(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}

// count returns the numbers of valid (finite) and infinite pixels of m.
func count(m *geometry.HeightMap) (valid, inf int) {
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r++ {
		for _, z := range m.Row(r) {
			if d := z - z; d == 0 {
				valid++
			} else if z == z {
				inf++ // Inf − Inf is NaN, NaN ≠ NaN
			}
		}
	}
	return valid, inf
}
