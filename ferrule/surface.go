package ferrule

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// frameBox returns the pixel rectangle of m covering the ferrule-frame
// rectangle |X| ≤ hx, |Y| ≤ hy.
func (an *analysis) frameBox(cx, cy, hx, hy float64) image.Rectangle {
	m := an.m
	minC, minR := math.Inf(1), math.Inf(1)
	maxC, maxR := math.Inf(-1), math.Inf(-1)
	for _, s := range [4][2]float64{{-1, -1}, {-1, 1}, {1, -1}, {1, 1}} {
		c, r := m.MapToPixel(an.frame.ToMap(r2.Vec{X: cx + s[0]*hx, Y: cy + s[1]*hy}))
		minC, maxC = min(minC, c), max(maxC, c)
		minR, maxR = min(minR, r), max(maxR, r)
	}
	return image.Rect(int(math.Floor(minC)), int(math.Floor(minR)), int(math.Ceil(maxC))+1, int(math.Ceil(maxR))+1).Intersect(m.Rect)
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
			lo, hi = max(lo, a), min(hi, b)
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
	return an.surfaceCov(sub, mask, plane, quad), quad, nil
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
	med := median(z) // z is finite (analyze clears ±Inf), so clipLimit's median is this one
	lim := clipAbout(z, med, 0)*20/clipSigmas + 100
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
	return an.clipOff(m, mask, quad, lim)
}

// clipOff clears the mask of the valid pixels of m more than lim off quad
// and returns how many it cleared: blocks of rows spread over the
// processors this analysis may use (each block writes its own rows of the
// mask), the one per-pixel pass of the robust surface fit.
func (an *analysis) clipOff(m *geometry.HeightMap, mask []bool, quad fit.Quadric, lim float64) int {
	w, rows := m.Rect.Dx(), m.Rect.Dy()
	nb := (rows + scanBlockRows - 1) / scanBlockRows
	cleared := make([]int, nb)
	parallel(an.share(nb, 4), nb, func(_, b int) {
		for r := m.Rect.Min.Y + b*scanBlockRows; r < min(m.Rect.Min.Y+(b+1)*scanBlockRows, m.Rect.Max.Y); r++ {
			y := m.Offset.Y + float64(r)*m.Pitch.Y
			row := m.Row(r)
			mrow := mask[(r-m.Rect.Min.Y)*w : (r-m.Rect.Min.Y+1)*w]
			row = row[:len(mrow)]
			for i, ok := range mrow {
				if z := row[i]; ok && z == z && math.Abs(z-quad.At(m.Offset.X+float64(m.Rect.Min.X+i)*m.Pitch.X, y)) > lim {
					mrow[i] = false
					cleared[b]++
				}
			}
		}
	})
	n := 0
	for _, c := range cleared {
		n += c
	}
	return n
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
	// The angles' uncertainties: the slopes' (surfaceCov) through
	// d(atan s)/ds = 1/(1 + s²).
	ux, uy := nan, nan
	if pf.Cov != nil {
		ux = Num(pf.Cov.Std(1) / (1 + pf.B*pf.B) / degree)
		uy = Num(pf.Cov.Std(2) / (1 + pf.C*pf.C) / degree)
	}
	rep.Ferrule = Surface{
		XAngleDeg:       Num(math.Atan(pf.B) / degree),
		YAngleDeg:       Num(math.Atan(pf.C)/degree + an.fixture),
		XRadiusMM:       an.radiusMM(-1 / (2 * qf.D)),
		YRadiusMM:       an.radiusMM(-1 / (2 * qf.E)),
		UXAngleDeg:      ux,
		UYAngleDeg:      uy,
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
	c0 = int(max(float64(box.Min.X), math.Ceil(a)))
	c1 = int(min(float64(box.Max.X-1), math.Floor(b)))
	return c0, c1
}
