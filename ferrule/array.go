package ferrule

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/mtgeo/mtgeo/fit"
	"gonum.org/v1/gonum/spatial/r2"
)

// arrayResults fills the per-row and whole-ferrule results of SPEC §6 from
// the measured fibers. Unmeasured fibers are left out; a statistic that
// needs more fibers than were measured is NaN.
func (an *analysis) arrayResults(rep *Report) {
	l := an.layout
	rep.Rows = make([]Row, l.Rows)
	var all fiberSet
	adjAll := nan
	for j := 1; j <= l.Rows; j++ {
		fs := measuredFibers(rep, l, j)
		all.x, all.y, all.h = append(all.x, fs.x...), append(all.y, fs.y...), append(all.h, fs.h...)
		row := Row{Row: j, HeightDifferentialNM: heightDifferential(fs.h), AdjacentDifferentialNM: adjacentDifferential(rep, l, j),
			MinusCoplanarityNM: nan, LineSlopeNMPerMM: nan, LineInterceptNM: nan, LineRadiusMM: an.lineRadius(fs)}
		if line, err := fit.LinePoints(fs.x, fs.h); err == nil {
			row.LineSlopeNMPerMM, row.LineInterceptNM = Num(line.B), Num(line.A)
			below, worst := minusCoplanarity(fs.h, func(i int) float64 { return line.At(fs.x[i]) })
			row.MinusCoplanarityNM = Num(below)
			if worst >= 0 {
				row.LowestFiber = fs.index[worst]
			}
		}
		if row.AdjacentDifferentialNM.Valid() && !(adjAll >= row.AdjacentDifferentialNM) {
			adjAll = row.AdjacentDifferentialNM
		}
		rep.Rows[j-1] = row
	}
	var sum Summary
	SetNaN(&sum)
	sum.HeightDifferentialNM, sum.AdjacentDifferentialNM = heightDifferential(all.h), adjAll
	sum.MeasuredFibers, sum.Fibers = len(all.h), l.Fibers()
	if len(all.h) > 0 {
		lo, hi := minMax(all.h)
		sum.MinHeightNM, sum.MaxHeightNM = Num(lo), Num(hi)
	}
	sum.MinusCoplanarityNM, sum.FiberPlaneXAngleDeg = fiberPlane(all, rowsMeasured(rep) >= 2, rep.Ferrule.XAngleDeg)
	an.alignment(rep, &sum)
	rep.Summary = sum
}

// fiberSet holds measured fibers: X and Y in mm, heights H in nm, and
// their indices.
type fiberSet struct {
	x, y, h []float64
	index   []int
}

// measuredFibers returns the measured fibers of row j, at their measured X
// (nominal X for flat tips).
func measuredFibers(rep *Report, l Layout, j int) fiberSet {
	var fs fiberSet
	for c := 1; c <= l.FibersPerRow; c++ {
		f := &rep.Fibers[(j-1)*l.FibersPerRow+c-1]
		if !f.Measured() {
			continue
		}
		x, y := fiberXY(l, f)
		fs.x, fs.y, fs.h = append(fs.x, x/umPerMM), append(fs.y, y/umPerMM), append(fs.h, float64(f.HeightNM))
		fs.index = append(fs.index, f.Index)
	}
	return fs
}

// heightDifferential is SPEC §6's overall height differential: max H −
// min H, NaN without a height.
func heightDifferential(h []float64) Num {
	if len(h) == 0 {
		return nan
	}
	lo, hi := minMax(h)
	return Num(hi - lo)
}

// adjacentDifferential is SPEC §6's adjacent differential of row j: the
// largest |H(c+1) − H(c)| over neighbouring columns that are both
// measured, NaN without such a pair.
func adjacentDifferential(rep *Report, l Layout, j int) Num {
	adj := nan
	for c := 2; c <= l.FibersPerRow; c++ {
		f, prev := &rep.Fibers[(j-1)*l.FibersPerRow+c-1], &rep.Fibers[(j-1)*l.FibersPerRow+c-2]
		if f.Measured() && prev.Measured() {
			if d := Num(math.Abs(float64(f.HeightNM - prev.HeightNM))); !(adj >= d) {
				adj = d
			}
		}
	}
	return adj
}

// lineRadius is SPEC §6's row radius: −1/(2s) of the least-squares
// H = p + qX + sX² with H and X in mm, positive for a convex row (its
// middle standing higher); it needs four fibers.
func (an *analysis) lineRadius(fs fiberSet) Num {
	quad, err := fit.QuadraticPoints(fs.x, fs.h)
	if err != nil || len(fs.x) < 4 {
		return nan
	}
	// s is in nm per mm², so H in mm makes it s/(nm per mm) per mm.
	return an.radiusMM(-umPerMM / (2 * quad.C / (nmPerUM * umPerMM)))
}

// fiberPlane returns SPEC §6's whole-array minus coplanarity and fiber
// plane X angle: against the least-squares plane H = p + qX + rY through
// all fibers when they were measured in two rows at least (plane), else
// the line H = p + qX; the angle is atan of q (H over X in one unit) added
// to the ferrule X angle. Both NaN when the fit is not possible.
func fiberPlane(all fiberSet, plane bool, xAngle Num) (minus, angle Num) {
	var slope, below float64 // nm per mm along X; nm
	if plane {
		p, err := fit.PlanePoints(all.x, all.y, all.h)
		if err != nil {
			return nan, nan
		}
		slope = p.B
		below, _ = minusCoplanarity(all.h, func(i int) float64 { return p.At(all.x[i], all.y[i]) })
	} else {
		line, err := fit.LinePoints(all.x, all.h)
		if err != nil {
			return nan, nan
		}
		slope = line.B
		below, _ = minusCoplanarity(all.h, func(i int) float64 { return line.At(all.x[i]) })
	}
	return Num(below), Num(math.Atan(slope/(nmPerUM*umPerMM))/degree) + xAngle
}

// minusCoplanarity returns SPEC §6's minus coplanarity of the heights h
// against the fiber line or plane, whose value for h[i] is fitted(i): the
// largest distance of a fiber below it, 0 if none is below, and the index
// of that fiber in h (−1 if none).
func minusCoplanarity(h []float64, fitted func(i int) float64) (below float64, worst int) {
	worst = -1
	for i := range h {
		if d := fitted(i) - h[i]; d > below {
			below, worst = d, i
		}
	}
	return below, worst
}

// rowsMeasured returns the number of rows with a measured fiber.
func rowsMeasured(rep *Report) int {
	seen := map[int]bool{}
	for i := range rep.Fibers {
		if rep.Fibers[i].Measured() {
			seen[rep.Fibers[i].Row] = true
		}
	}
	return len(seen)
}

// fiberXY is the fiber's measured centre, or its nominal one when the
// centre could not be found (flat tip).
func fiberXY(l Layout, f *Fiber) (x, y float64) {
	if f.XUM.Valid() {
		return float64(f.XUM), float64(f.YUM)
	}
	p, _, _ := l.Nominal(f.Index)
	return p.X, p.Y
}

// alignment fills the pin-hole alignment of the fiber array: the largest
// distance of a fiber centre from nominal, and the rigid (shift and
// rotation) least-squares fit of the measured centres to the nominal grid.
func (an *analysis) alignment(rep *Report, sum *Summary) {
	var ps, ns []r2.Vec
	maxErr := math.Inf(-1)
	for i := range rep.Fibers {
		f := &rep.Fibers[i]
		if !f.XUM.Valid() {
			continue
		}
		nom, _, _ := an.layout.Nominal(f.Index)
		ps = append(ps, r2.Vec{X: float64(f.XUM), Y: float64(f.YUM)})
		ns = append(ns, nom)
		maxErr = max(maxErr, math.Hypot(float64(f.DXUM), float64(f.DYUM)))
	}
	if len(ps) == 0 {
		return
	}
	sum.MaxPositionErrorUM = Num(maxErr)
	if len(ps) < 2 {
		// One fiber fixes a shift but no rotation.
		d := r2.Sub(ps[0], ns[0])
		sum.ArrayDXUM, sum.ArrayDYUM = Num(d.X), Num(d.Y)
		return
	}
	var pc, nc r2.Vec
	for i := range ps {
		pc, nc = r2.Add(pc, ps[i]), r2.Add(nc, ns[i])
	}
	pc, nc = r2.Scale(1/float64(len(ps)), pc), r2.Scale(1/float64(len(ps)), nc)
	var sdot, scross float64
	for i := range ps {
		p, n := r2.Sub(ps[i], pc), r2.Sub(ns[i], nc)
		sdot += n.X*p.X + n.Y*p.Y
		scross += n.X*p.Y - n.Y*p.X
	}
	th := math.Atan2(scross, sdot)
	s, c := math.Sincos(th)
	// Shift t such that p ≈ R(θ)·n + t.
	sum.ArrayDXUM = Num(pc.X - (c*nc.X - s*nc.Y))
	sum.ArrayDYUM = Num(pc.Y - (s*nc.X + c*nc.Y))
	sum.ArrayRotationDeg = Num(th / degree)
}

func minMax(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// ErrLayoutMismatch is wrapped by the error of a map that is not the
// layout it was declared to be.
var ErrLayoutMismatch = errors.New("ferrule: layout mismatch")

// maxSpacingError is the relative difference between the measured and the
// declared guide-hole spacing beyond which the holes are another layout's:
// IEC 61754-7 holds the spacing to ±3 µm; the 12- and 16-wide families are
// 15 % apart.
const maxSpacingError = 0.03

// checkLayout checks a declared layout l against the map, when the guide
// holes were found: their spacing must be l's, and where l is of a built-in
// family (the same hole spacing) the fiber rows the map shows must be l's,
// so that fibers are never looked for on bare ferrule between the rows or
// fail to be found in rows l does not have. The error names the layout the
// map suggests.
func (an *analysis) checkLayout(l Layout) error {
	if len(an.holes) != 2 {
		return nil
	}
	spacing := an.holeSpacing()
	if math.Abs(spacing-l.HoleSpacing) > maxSpacingError*l.HoleSpacing {
		msg := fmt.Sprintf("%s was given, whose guide holes are %.0f µm apart, but they are %.0f µm apart here", l.Name, l.HoleSpacing, spacing)
		if c := layoutsWithSpacing(spacing, maxSpacingError*spacing); len(c) > 0 {
			msg += " (" + layoutNames(c) + ")"
		}
		return fmt.Errorf("%w: %s", ErrLayoutMismatch, msg)
	}
	if len(layoutsWithSpacing(l.HoleSpacing, maxSpacingError*l.HoleSpacing)) == 0 {
		return nil // a layout of its own: nothing to compare the rows with
	}
	saved := an.reg
	found, err := an.identifyLayout()
	an.reg = saved
	if err != nil || found.Rows == l.Rows {
		return nil
	}
	return fmt.Errorf("%w: %s was given (%d fiber row(s)), but the map shows %d row(s) of fibers: %s? (give that layout, or auto)", ErrLayoutMismatch, l.Name, l.Rows, found.Rows, found.Name)
}

// layoutNames lists the names of ls, "or"-separated.
func layoutNames(ls []Layout) string {
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.Name
	}
	return strings.Join(names, " or ") + "?"
}

// identifyLayout picks the built-in layout whose hole spacing matches the
// holes found and whose fiber rows match the rows where fibers are seen.
func (an *analysis) identifyLayout() (Layout, error) {
	if len(an.holes) != 2 {
		return Layout{}, fmt.Errorf("ferrule: the layout can only be identified from the guide holes; give the layout")
	}
	spacing := an.holeSpacing()
	cands := layoutsWithSpacing(spacing, 0.08*spacing)
	if len(cands) == 0 {
		return Layout{}, fmt.Errorf("ferrule: guide-hole spacing %.0f µm matches no built-in layout; give the layout", spacing)
	}
	// A layout with a row every half row pitch covers every candidate's rows.
	maxRows, base := 0, cands[0]
	for _, c := range cands {
		maxRows = max(maxRows, c.Rows)
		if c.RowPitch > 0 {
			base.RowPitch = c.RowPitch
		}
	}
	union := base
	union.Rows = 2*maxRows - 1
	union.RowPitch = base.RowPitch / 2
	if union.Rows == 1 {
		return base, nil
	}
	an.reg = an.userRegions.withDefaults(union) // the user's fitting radius reaches the probes too
	// Eight columns spread over each row tell as well as all of them.
	const probes = 8
	seen := make([]bool, union.Rows*probes)
	an.each(len(seen), probes, func(wa *analysis, i int) {
		j, k := i/probes, i%probes
		p, _, _ := union.Nominal(j*union.FibersPerRow + 1 + k*(union.FibersPerRow-1)/(probes-1))
		seen[i] = wa.fiberSeen(p)
	})
	present := make([]bool, union.Rows)
	for j := range present {
		n := 0
		for _, s := range seen[j*probes : (j+1)*probes] {
			if s {
				n++
			}
		}
		present[j] = 2*n >= probes
	}
	best, bestScore := Layout{}, -1
	for _, c := range cands {
		score := 0
		for j := 0; j < union.Rows; j++ {
			y := (float64(j) - float64(union.Rows-1)/2) * union.RowPitch
			member := math.Abs(y) <= c.arrayHalfHeight()+1e-6 && math.Mod(math.Abs(y-c.arrayHalfHeight())+1e-6, max(c.RowPitch, 1)) < 2e-6
			if member == present[j] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	anyRow := false
	for _, p := range present {
		anyRow = anyRow || p
	}
	if !anyRow {
		return Layout{}, fmt.Errorf("ferrule: no fiber row found near the nominal positions; give the layout")
	}
	return best, nil
}

// fiberSeen reports whether a fiber end shows at ferrule-frame point p:
// relative to a plane fitted to the ring 70–95 µm out (outside the
// cladding), the disc of the fitting radius stands more than 50 nm proud or
// sunk, or it is curved like a cap of |R| < 200 mm. It needs no reference
// surface, so it runs before the layout is known.
func (an *analysis) fiberSeen(p r2.Vec) bool {
	const ringIn, ringOut = 70, 95
	rf := an.reg.FitRadius
	var inside, total int
	an.xs, an.ys, an.zs = an.xs[:0], an.ys[:0], an.zs[:0]
	an.pixelVisit(p, ringOut, func(x, y, dX, dY, z float64) {
		rho2 := dX*dX + dY*dY
		if rho2 <= rf*rf {
			total++
			if z == z {
				inside++
			}
		}
		if z == z && rho2 >= ringIn*ringIn {
			an.xs, an.ys, an.zs = append(an.xs, dX), append(an.ys, dY), append(an.zs, z)
		}
	})
	if total == 0 || 2*inside < total || len(an.zs) < 20 {
		return false
	}
	ring, err := fit.PlanePoints(an.xs, an.ys, an.zs)
	if err != nil {
		return false
	}
	an.xs, an.ys, an.zs = an.xs[:0], an.ys[:0], an.zs[:0]
	var sum float64
	an.pixelVisit(p, rf, func(x, y, dX, dY, z float64) {
		if z == z {
			h := z - ring.At(dX, dY)
			sum += h
			an.xs, an.ys, an.zs = append(an.xs, dX), append(an.ys, dY), append(an.zs, h)
		}
	})
	if math.Abs(sum/float64(len(an.zs))) > 0.05 {
		return true
	}
	// A cap z = −ρ²/(2R) has D + E = −1/R.
	q, err := fit.QuadricPoints(an.xs, an.ys, an.zs)
	return err == nil && math.Abs(q.D+q.E) > 1/(200*umPerMM)
}
