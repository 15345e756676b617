package ferrule

import (
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
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
	// Serial keeps each analysis on the calling goroutine: no fibers,
	// pixel scan, surface clip or layout probes on other processors, even
	// idle ones. A batch sets it for its workers, each of which is one
	// processor's share of the work. The results are the same either way,
	// bit for bit.
	Serial bool

	busy       atomic.Bool
	mask       []bool
	xs, ys, zs []float64
	cells      []int32 // hole-finding grid
	stack      []int
	core       []corePixel // core pixels of one fiber
	win        []float64   // pixel window of one fiber: cladding edge, tip residuals, uncertainty weights
	pairs      []edgePair  // cladding-edge pairs of one fiber
	lins       []lin       // their linearised distances
	helpers    []*Analyzer // buffers of the goroutines that measure fibers beside this one
	spikeIdx   []int       // isolated spikes of the map
	scans      []pixelScan // those of each block of rows, and its pixel counts
	res        []float64   // residuals of one fit
	scratch    []float64   // their copy for a median; tipNoise's Jacobian and convolution buffers, QuadForm's
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
	running.Add(1)
	defer running.Add(-1)
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
	valid, inf, spikes, spikesOK := a.scanPixels(m)
	total := m.Rect.Dx() * m.Rect.Dy()
	if valid < 1000 {
		return nil, fmt.Errorf("%w: %d of %d", ErrNoData, valid, total)
	}
	if err := plausible(m, opts); err != nil {
		return nil, err
	}
	// Infinite heights and isolated spikes are invalid pixels: they are
	// cleared in a compact copy (the caller's map is never changed), made
	// only when there is something to clear.
	if inf > 0 {
		m = finite(m)
	}
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
	wide := make([]float64, len(rep.Fibers))
	an.measureFibers(rep.Fibers, wide)
	if d := median(wide); d > multimodeHintUM {
		// The dips reach beyond a single-mode core: a multimode part. Unless
		// the core was given by option, it is measured as one.
		if opts.Regions.CoreDiameter != 0 || opts.Regions.CoreExclusionRadius != 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("the fibers dip %.0f nm (median) 6–9.5 µm from their centres, outside a 9 µm single-mode core: a multimode part? analysed with the core regions given", d*nmPerUM))
		} else {
			an.layout.Multimode, an.layout.CoreDiameter = true, multimodeCoreDiameter
			an.reg = opts.Regions.withDefaults(an.layout)
			if err := an.reg.validate(an.layout); err != nil {
				return nil, err
			}
			rep.Regions = an.reg
			an.measureFibers(rep.Fibers, wide)
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("the fibers dip %.0f nm (median) 6–9.5 µm from their centres, beyond a 9 µm single-mode core: measured as multimode (50 µm cores; give the multimode option to say so, or the core diameter to insist on another)", d*nmPerUM))
		}
	}
	an.arrayResults(rep)
	an.idealLoss(rep, opts)
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
		fiberD = min(fiberD, l.FiberDiameter)
		span := l.HoleSpacing // both hole centres, with half of each hole on the map
		if opts.Frame != nil {
			span = l.FiberDiameter
		}
		need = min(need, span)
	}
	if pitch := max(m.Pitch.X, m.Pitch.Y); pitch > fiberD/minFiberPixels {
		return fmt.Errorf("%w: pixel pitch %.4g µm is too coarse to measure %g µm fibers (at most %.3g µm; is the pitch in the file right?)", ErrImplausible, pitch, fiberD, fiberD/minFiberPixels)
	}
	w, h := float64(m.Rect.Dx())*m.Pitch.X, float64(m.Rect.Dy())*m.Pitch.Y
	if max(w, h) < need {
		what := "both guide holes"
		if opts.Frame != nil {
			what = "a fiber"
		}
		return fmt.Errorf("%w: the map is %.0f × %.0f µm, too small to hold %s (%.0f µm across)", ErrImplausible, w, h, what, need)
	}
	return nil
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
		lo = max(lo, x)
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
