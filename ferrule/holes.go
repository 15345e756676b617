package ferrule

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// Hole is a guide hole found in the map.
type Hole struct {
	Center    r2.Vec  // map µm
	Diameter  float64 // µm
	FitRMS    float64 // µm, RMS distance of the rim points from the circle
	RimPoints int     // rim points fitted
	Outliers  int     // rim points left out of the fit (dropouts by the rim, valid islands)
}

// ErrHoles is wrapped by errors about the guide holes (missing, cut off,
// not a pair).
var ErrHoles = errors.New("ferrule: guide holes")

// blob is a connected region of invalid cells of the coarse grid.
type blob struct {
	cells       int
	sumC, sumR  float64 // cell-centre sums, in map pixels
	minC, minR  int     // bounding box, cells
	maxC, maxR  int
	touchesEdge bool
}

// holeCandidate is a round blob of about a guide hole's area.
type holeCandidate struct {
	center   r2.Vec  // map µm
	diameter float64 // equivalent-area diameter, µm
}

// findHoleBlobs labels the invalid regions of m on a grid of b×b-pixel cells
// and returns the blobs whose equivalent diameter lies in [dMin, dMax] µm:
// the round ones inside the map, and separately those touching the map
// edge. A cell is invalid when at least half the pixels of its middle row
// are: a hole spans some 20 cells, so one row in b tells as well as all of
// them, and the random dropouts of a measurement never fill half a row.
func (a *Analyzer) findHoleBlobs(m *geometry.HeightMap, dMin, dMax float64, hole holeTest) (inside []holeCandidate, cut []holeCandidate) {
	b := int(dMin / (20 * max(m.Pitch.X, m.Pitch.Y)))
	if b < 1 {
		b = 1
	}
	cols, rows := m.Rect.Dx(), m.Rect.Dy()
	gc, gr := (cols+b-1)/b, (rows+b-1)/b
	if cap(a.cells) < gc*gr {
		a.cells = make([]int32, gc*gr)
	}
	// label: -1 invalid and unlabelled, 0 valid, 1 labelled.
	label := a.cells[:gc*gr]
	for gy := 0; gy < gr; gy++ {
		r := m.Rect.Min.Y + min(gy*b+b/2, rows-1)
		row := m.Row(r)
		for gx := 0; gx < gc; gx++ {
			seg := row[gx*b : min((gx+1)*b, cols)]
			n := 0
			if hole.deep == nil {
				for _, z := range seg {
					if z != z {
						n++
					}
				}
			} else {
				for i := range seg {
					if hole.is(m, m.Rect.Min.X+gx*b+i, r) {
						n++
					}
				}
			}
			label[gy*gc+gx] = 0
			if 2*n >= len(seg) {
				label[gy*gc+gx] = -1
			}
		}
	}
	stack := a.stack[:0]
	defer func() { a.stack = stack }()
	cellArea := float64(b*b) * m.Pitch.X * m.Pitch.Y
	for start := range label {
		if label[start] != -1 {
			continue
		}
		bl := blob{minC: gc, minR: gr, maxC: -1, maxR: -1}
		label[start] = 1
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			gx, gy := i%gc, i/gc
			bl.cells++
			bl.sumC += float64(gx*b) + float64(min(b, cols-gx*b)-1)/2
			bl.sumR += float64(gy*b) + float64(min(b, rows-gy*b)-1)/2
			bl.minC, bl.maxC = min(bl.minC, gx), max(bl.maxC, gx)
			bl.minR, bl.maxR = min(bl.minR, gy), max(bl.maxR, gy)
			if gx == 0 || gy == 0 || gx == gc-1 || gy == gr-1 {
				bl.touchesEdge = true
			}
			for _, j := range [4]int{i - 1, i + 1, i - gc, i + gc} {
				if j < 0 || j >= len(label) || (j == i-1 && gx == 0) || (j == i+1 && gx == gc-1) {
					continue
				}
				if label[j] == -1 {
					label[j] = 1
					stack = append(stack, j)
				}
			}
		}
		d := 2 * math.Sqrt(float64(bl.cells)*cellArea/math.Pi)
		if bl.touchesEdge {
			// A cut-off hole shows less than its full area.
			if d >= 0.4*dMin && d <= 1.2*dMax {
				c := m.PixelToMap(float64(m.Rect.Min.X)+bl.sumC/float64(bl.cells), float64(m.Rect.Min.Y)+bl.sumR/float64(bl.cells))
				cut = append(cut, holeCandidate{center: c, diameter: d})
			}
			continue
		}
		if d < dMin || d > dMax {
			continue
		}
		w := float64(bl.maxC-bl.minC+1) * float64(b) * m.Pitch.X
		h := float64(bl.maxR-bl.minR+1) * float64(b) * m.Pitch.Y
		fill := float64(bl.cells) * cellArea / (w * h)
		if w < 0.7*d || w > 1.4*d || h < 0.7*d || h > 1.4*d || fill < 0.6 {
			continue // not round
		}
		c := m.PixelToMap(float64(m.Rect.Min.X)+bl.sumC/float64(bl.cells), float64(m.Rect.Min.Y)+bl.sumR/float64(bl.cells))
		inside = append(inside, holeCandidate{center: c, diameter: d})
	}
	return inside, cut
}

// refineHole fits a circle to the rim of the invalid region around the
// candidate. Rim points lie half-way between the last invalid pixel of a row
// or column scan from the centre and its valid neighbour (SPEC §3), so the
// diameter carries no half-pixel bias. Points more than 1.5 px or 3 RMS from
// the first circle (dropouts next to the rim, valid islands inside) are
// dropped and the circle refitted.
func refineHole(m *geometry.HeightMap, hc holeCandidate, hole holeTest) (Hole, error) {
	c0, r0 := m.MapToPixel(hc.center)
	rad := hc.diameter / 2
	var xs, ys []float64
	add := func(c, r float64) {
		p := m.PixelToMap(c, r)
		xs = append(xs, p.X)
		ys = append(ys, p.Y)
	}
	invalid := func(c, r int) bool { return hole.is(m, c, r) }
	maxRun := int(2*rad/min(m.Pitch.X, m.Pitch.Y)) + 2
	// Row scans.
	ci := int(math.Round(c0))
	span := int(1.3*rad/m.Pitch.Y) + 1
	for r := int(math.Round(r0)) - span; r <= int(math.Round(r0))+span; r++ {
		if r < m.Rect.Min.Y || r >= m.Rect.Max.Y || !invalid(ci, r) {
			continue
		}
		for _, step := range [2]int{-1, 1} {
			c := ci
			for n := 0; n < maxRun && invalid(c+step, r); n++ {
				c += step
			}
			if next := c + step; next >= m.Rect.Min.X && next < m.Rect.Max.X && !invalid(next, r) {
				add(float64(c)+float64(step)/2, float64(r))
			}
		}
	}
	// Column scans.
	ri := int(math.Round(r0))
	span = int(1.3*rad/m.Pitch.X) + 1
	for c := int(math.Round(c0)) - span; c <= int(math.Round(c0))+span; c++ {
		if c < m.Rect.Min.X || c >= m.Rect.Max.X || !invalid(c, ri) {
			continue
		}
		for _, step := range [2]int{-1, 1} {
			r := ri
			for n := 0; n < maxRun && invalid(c, r+step); n++ {
				r += step
			}
			if next := r + step; next >= m.Rect.Min.Y && next < m.Rect.Max.Y && !invalid(c, next) {
				add(float64(c), float64(r)+float64(step)/2)
			}
		}
	}
	circ, err := robustCircle(xs, ys, 1.5*max(m.Pitch.X, m.Pitch.Y))
	if err != nil {
		return Hole{}, fmt.Errorf("%w: rim fit near map (%.0f, %.0f) µm: %v", ErrHoles, hc.center.X, hc.center.Y, err)
	}
	return Hole{Center: r2.Vec{X: circ.X0, Y: circ.Y0}, Diameter: 2 * circ.R, FitRMS: circ.RMS, RimPoints: circ.N, Outliers: len(xs) - circ.N}, nil
}

// findHoles finds the two guide holes. With a layout, the pair must match
// its hole spacing and diameter within 15 %; without, any built-in layout's.
// The holes are returned in order of increasing map x.
func (a *Analyzer) findHoles(m *geometry.HeightMap, l *Layout) ([2]Hole, error) {
	var spacings, diams []float64
	// The blobs are searched for over the diameters of every built-in
	// layout (and of l), whatever layout is given: the search grid's cell
	// size follows the smallest diameter, and the rim scans start from the
	// blob's centroid on that grid, so a window narrowed to l's diameter
	// would move the rim points and give a layout named explicitly other
	// numbers than the same layout identified automatically.
	dLo, dHi := math.Inf(1), 0.0
	for _, bl := range builtinLayouts {
		spacings = append(spacings, bl.HoleSpacing)
		diams = append(diams, bl.HoleDiameter)
		dLo, dHi = min(dLo, bl.HoleDiameter), max(dHi, bl.HoleDiameter)
	}
	if l != nil {
		// Only l's pair is taken.
		spacings, diams = []float64{l.HoleSpacing}, []float64{l.HoleDiameter}
		dLo, dHi = min(dLo, l.HoleDiameter), max(dHi, l.HoleDiameter)
	}
	type pair struct {
		i, j  int
		score float64
	}
	var (
		best        *pair
		hole        holeTest
		inside, cut []holeCandidate
	)
	for attempt := 0; attempt < 2 && best == nil; attempt++ {
		if attempt == 1 {
			// No pair of invalid holes: look for deep ones, below the surface.
			deep, ok := a.roughPlane(m)
			if !ok {
				break
			}
			hole.deep = &deep
		}
		inside, cut = a.findHoleBlobs(m, 0.6*dLo, 1.4*dHi, hole)
		for i := range inside {
			for j := i + 1; j < len(inside); j++ {
				dist := r2.Norm(r2.Sub(inside[i].center, inside[j].center))
				for k, s := range spacings {
					d := diams[k]
					score := math.Abs(dist-s)/s + math.Abs(inside[i].diameter-d)/d + math.Abs(inside[j].diameter-d)/d
					if math.Abs(dist-s) > 0.15*s || score > 0.6 {
						continue
					}
					if best == nil || score < best.score {
						best = &pair{i, j, score}
					}
				}
			}
		}
	}
	if best == nil {
		switch {
		case len(cut) > 0:
			return [2]Hole{}, fmt.Errorf("%w: %d complete hole(s) found; a hole-sized invalid region at map (%.0f, %.0f) µm touches the map edge: guide hole cut off by the field of view (give the frame by option to analyse anyway)", ErrHoles, len(inside), cut[0].center.X, cut[0].center.Y)
		case len(inside) == 0:
			return [2]Hole{}, fmt.Errorf("%w: no guide hole found (no round invalid region of Ø %.0f–%.0f µm)", ErrHoles, 0.6*dLo, 1.4*dHi)
		default:
			if l != nil {
				// A pair at another built-in layout's spacing: the layout
				// given is not the map's.
				for i := range inside {
					for j := i + 1; j < len(inside); j++ {
						d := r2.Norm(r2.Sub(inside[i].center, inside[j].center))
						if c := layoutsWithSpacing(d, maxSpacingError*d); len(c) > 0 {
							return [2]Hole{}, fmt.Errorf("%w: %s was given, whose guide holes are %.0f µm apart, but two holes %.0f µm apart were found (%s)", ErrLayoutMismatch, l.Name, l.HoleSpacing, d, layoutNames(c))
						}
					}
				}
			}
			return [2]Hole{}, fmt.Errorf("%w: %d hole-like region(s) found but no pair at a guide-hole spacing of %v µm", ErrHoles, len(inside), spacings)
		}
	}
	var holes [2]Hole
	for k, idx := range [2]int{best.i, best.j} {
		h, err := refineHole(m, inside[idx], hole)
		if err != nil {
			return holes, err
		}
		holes[k] = h
	}
	sort.Slice(holes[:], func(a, b int) bool { return holes[a].Center.X < holes[b].Center.X })
	return holes, nil
}

// deepHoleUM is how far below the ferrule surface a valid pixel counts as
// the inside of a guide hole: far beyond any fiber undercut or ferrule
// curvature, far short of a hole's depth.
const deepHoleUM = 20

// holeTest says which pixels belong to a guide hole: invalid ones, and
// with deep set, also those deeper than deepHoleUM below that plane (map
// coordinates).
type holeTest struct{ deep *fit.Plane }

func (h holeTest) is(m *geometry.HeightMap, c, r int) bool {
	z := m.At(c, r)
	if z != z {
		return true
	}
	if h.deep == nil {
		return false
	}
	p := m.PixelToMap(float64(c), float64(r))
	return z < h.deep.At(p.X, p.Y)-deepHoleUM
}

// roughPlane fits a plane to a 100×100 sample of the valid pixels of m,
// twice dropping those more than deepHoleUM/2 off, so hole bottoms and
// spikes do not pull it.
func (a *Analyzer) roughPlane(m *geometry.HeightMap) (fit.Plane, bool) {
	xs, ys, zs := a.xs[:0], a.ys[:0], a.zs[:0]
	defer func() { a.xs, a.ys, a.zs = xs, ys, zs }()
	sc, sr := max(1, m.Rect.Dx()/100), max(1, m.Rect.Dy()/100)
	for r := m.Rect.Min.Y; r < m.Rect.Max.Y; r += sr {
		for c := m.Rect.Min.X; c < m.Rect.Max.X; c += sc {
			if z := m.At(c, r); z == z {
				p := m.PixelToMap(float64(c), float64(r))
				xs, ys, zs = append(xs, p.X), append(ys, p.Y), append(zs, z)
			}
		}
	}
	var pl fit.Plane
	for iter := 0; iter < 3; iter++ {
		var err error
		if pl, err = fit.PlanePoints(xs, ys, zs); err != nil {
			return pl, false
		}
		n := 0
		for i := range zs {
			if math.Abs(zs[i]-pl.At(xs[i], ys[i])) <= deepHoleUM/2 {
				xs[n], ys[n], zs[n] = xs[i], ys[i], zs[i]
				n++
			}
		}
		xs, ys, zs = xs[:n], ys[:n], zs[:n]
	}
	return pl, true
}

// ambiguousOrientationDeg is how close (degrees) the hole axis may come to
// perpendicular to the declared orientation before the choice of +X between
// its two directions is flagged: a map turned by about 90° could be either.
const ambiguousOrientationDeg = 5

// frameFromHoles returns the ferrule frame of SPEC §3: origin midway between
// the hole centres, +X along the hole axis in the direction nearer to
// orientation (radians, the direction of +X declared for the map: 0 is the
// map's +x, so +X runs from the hole with the smaller map x to the other).
// It orders h so that h[0] is at −X, and reports whether the axis lies
// within ambiguousOrientationDeg of perpendicular to the orientation.
func frameFromHoles(h *[2]Hole, orientation float64) (f Frame, ambiguous bool) {
	d := r2.Sub(h[1].Center, h[0].Center)
	s, c := math.Sincos(orientation)
	if d.X*c+d.Y*s < 0 {
		h[0], h[1] = h[1], h[0]
		d = r2.Scale(-1, d)
	}
	rot := math.Atan2(d.Y, d.X)
	off := math.Remainder(rot-orientation, 2*math.Pi) // in (−π, π], within ±90° by the choice above
	ambiguous = math.Abs(math.Abs(off)-math.Pi/2) < ambiguousOrientationDeg*degree
	return Frame{Origin: r2.Scale(0.5, r2.Add(h[0].Center, h[1].Center)), Rotation: rot}, ambiguous
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

// holeSpacing is the distance between the hole centres found, or the
// layout's when the frame was given.
func (an *analysis) holeSpacing() float64 {
	if len(an.holes) == 2 {
		return r2.Norm(r2.Sub(an.holes[1].Center, an.holes[0].Center))
	}
	return an.layout.HoleSpacing
}
