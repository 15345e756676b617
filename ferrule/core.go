package ferrule

import (
	"math"

	"gonum.org/v1/gonum/spatial/r2"
)

// coreCentreTolerance is how far (µm) the fitted fiber centre may be from
// the true one. Pixels whose centres lie within it of the core rim are
// assigned to a step core by their depth when the dip stands out of the
// noise, so that one pixel entering or leaving the disc does not move the
// core dip by dip/n (SPEC §9).
const coreCentreTolerance = 0.5

// corePixel is a valid pixel near the core: its depth below the tip (µm),
// its distance from the fiber centre, its map coordinates and ferrule-frame
// offset from the tip's centre, and its weight in the core dip (set by
// coreDip: the dip is Σ coef·depth), for the dip's uncertainty.
type corePixel struct {
	depth, rho float64
	x, y       float64
	dX, dY     float64
	coef       float64
}

// coreDip returns SPEC §5's core dip at the fiber centre c, µm: the mean of
// (fitted tip − z) over the core disc, and how many pixels it used.
//
// Two profiles are told apart by least squares over the pixels out to
// 1.5 px beyond the core rim: a step (single-mode: flat-bottomed) and a
// graded, parabolic dip D·(1 − ρ²/rc²) (multimode: the graded-index core
// polishes away faster at its centre). For a step, pixels whose centres
// lie within coreCentreTolerance of the rim are assigned to the core by
// their depth (deeper than half the inner dip) when the dip stands out of
// the noise, by their distance otherwise. For a graded dip, the mean over
// the pixels inside the disc is corrected by the fitted profile to the
// disc's continuous mean (D/2), so that where the few pixels of a small
// core fall does not change it. The better fit wins when it is better by
// more than 3σ of the tip fit's noise; otherwise (the few pixels of a
// small core at one or two radii) the fiber type decides: a step for
// single-mode, graded for multimode.
func (an *analysis) coreDip(c r2.Vec, t *tip) (float64, int) {
	rc := an.reg.CoreDiameter / 2
	pix := max(an.m.Pitch.X, an.m.Pitch.Y)
	an.core = an.core[:0]
	off := r2.Sub(c, t.at)
	an.pixelVisit(c, rc+1.5*pix, func(x, y, dX, dY, z float64) {
		if z == z {
			d := t.height(r2.Add(c, r2.Vec{X: dX, Y: dY})) - (z - an.planeM.At(x, y))
			an.core = append(an.core, corePixel{depth: d, rho: math.Hypot(dX, dY), x: x, y: y, dX: off.X + dX, dY: off.Y + dY})
		}
	})
	inner, outer := rc-coreCentreTolerance, rc+coreCentreTolerance
	var nIn int
	var sumIn float64
	for _, p := range an.core {
		if p.rho <= inner {
			nIn++
			sumIn += p.depth
		}
	}
	dipIn := sumIn / float64(max(nIn, 1))
	byDepth := nIn > 0 && dipIn > 4*t.rms
	inStep := func(p corePixel) bool {
		switch {
		case p.rho <= inner:
			return true
		case p.rho > outer:
			return false
		case byDepth:
			return p.depth > dipIn/2 // depth says which side of the rim it is
		default:
			return p.rho <= rc
		}
	}
	// Step: the mean of the pixels assigned to the core.
	var nStep int
	var sumStep float64
	for _, p := range an.core {
		if inStep(p) {
			nStep++
			sumStep += p.depth
		}
	}
	// Graded: the amplitude of the parabolic profile.
	graded := func(rho float64) float64 { return max(0, 1-rho*rho/(rc*rc)) }
	var smd, smm float64
	for _, p := range an.core {
		w := graded(p.rho)
		smd += w * p.depth
		smm += w * w
	}
	if nStep == 0 || smm == 0 {
		return math.NaN(), 0
	}
	dStep, amp := sumStep/float64(nStep), smd/smm
	var ssStep, ssGraded float64
	for _, p := range an.core {
		s := 0.0
		if inStep(p) {
			s = dStep
		}
		ssStep += sq(p.depth - s)
		ssGraded += sq(p.depth - amp*graded(p.rho))
	}
	// The better fit by more than 3σ of noise wins; where the pixels cannot
	// tell (a few pixels at one or two radii), the fiber type decides:
	// single-mode cores are step-index, multimode ones graded.
	useGraded := an.layout.Multimode
	if margin := 9 * t.rms * t.rms; ssGraded < ssStep-margin {
		useGraded = true
	} else if ssStep < ssGraded-margin {
		useGraded = false
	}
	stepCoefs := func() {
		for i := range an.core {
			if inStep(an.core[i]) {
				an.core[i].coef = 1 / float64(nStep)
			}
		}
	}
	if !useGraded {
		stepCoefs()
		return dStep, nStep
	}
	var n int
	var sum, sumW float64
	for _, p := range an.core {
		if p.rho <= rc {
			n++
			sum += p.depth
			sumW += graded(p.rho)
		}
	}
	if n == 0 {
		stepCoefs()
		return dStep, nStep
	}
	// dip = sum/n + amp·(0.5 − sumW/n), amp = Σ graded·depth / smm.
	k := (0.5 - sumW/float64(n)) / smm
	for i, p := range an.core {
		if p.rho <= rc {
			an.core[i].coef = 1 / float64(n)
		}
		an.core[i].coef += k * graded(p.rho)
	}
	return sum/float64(n) + amp*(0.5-sumW/float64(n)), n
}

// wideDip returns the mean depth below the tip (µm) of the pixels 6–9.5 µm
// from the centre: outside a single-mode core, inside a multimode one.
func (an *analysis) wideDip(c r2.Vec, t *tip) float64 {
	var sum float64
	var n int
	an.ringVisit(c, 6, 9.5, func(x, y, dX, dY, z float64) {
		if z == z {
			sum += t.height(r2.Add(c, r2.Vec{X: dX, Y: dY})) - (z - an.planeM.At(x, y))
			n++
		}
	})
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
