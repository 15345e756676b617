package ferrule

import (
	"math"
	"math/bits"

	"github.com/mtgeo/mtgeo/fit"
	"gonum.org/v1/gonum/spatial/r2"
)

// Cladding-edge search (SPEC §5), µm: the edge is looked for within
// edgeSearchWidth of the cladding radius around the current centre, against
// the ferrule level of the ring edgeRingIn…edgeRingOut from it.
const (
	edgeSearchWidth = 12
	edgeRingIn      = 80
	edgeRingOut     = 100
	// edgeMinStepNM is the smallest height step (nm) between the tip at the
	// cladding radius and the ferrule that counts as a visible edge; below
	// it (or below 10 times the tip-fit RMS, where a pixel half-way is 5σ
	// from either side) the step is lost in the noise and the edge shows
	// only as a ring of invalid pixels, if at all.
	edgeMinStepNM = 40
	// edgeMinPoints is the fewest edge points a cladding circle needs.
	edgeMinPoints = 24
)

// claddingEdge finds the cladding edge around ferrule-frame point c (the
// current centre estimate, with t the tip fitted there) and returns the
// centre of the least-squares circle through it (SPEC §5).
//
// The edge points are sub-pixel: between two neighbouring valid pixels on
// either side of the threshold half-way between the tip (extrapolated to
// the cladding radius) and the ferrule level around the fiber (a plane
// fitted to the ring edgeRingIn…edgeRingOut), the crossing of the linear
// interpolation; next to a ring of invalid pixels (chamfer, epoxy gap: a
// band of radii at least half invalid and well above the background
// dropout rate), half-way between the fiber's last valid pixel and the
// first invalid one. The circle is refitted without points more than
// 1.5 px (or 3 RMS) off and, if precise, refined to the circle that
// passes most clearly between the pixels of every pair (widestCircle). It
// reports false when the edge does not show: no
// step or ring, too few points, points on too small an arc, or a circle
// far from the cladding's size.
func (an *analysis) claddingEdge(c r2.Vec, t *tip, precise bool) (r2.Vec, edgeFit, bool) {
	m := an.m
	rf := an.layout.FiberDiameter / 2
	lo, hi := rf-edgeSearchWidth, rf+edgeSearchWidth
	pix := max(m.Pitch.X, m.Pitch.Y)

	// The ferrule level around the fiber, above the reference plane.
	an.xs, an.ys, an.zs = an.xs[:0], an.ys[:0], an.zs[:0]
	an.ringVisit(c, edgeRingIn, edgeRingOut, func(x, y, dX, dY, z float64) {
		if z == z {
			an.xs, an.ys, an.zs = append(an.xs, dX), append(an.ys, dY), append(an.zs, z-an.planeM.At(x, y))
		}
	})
	level, ok := robustPlane(an.xs, an.ys, an.zs)
	if !ok {
		return c, edgeFit{}, false
	}
	// The step at the cladding radius, averaged over 16 directions.
	var step float64
	for k := 0; k < 16; k++ {
		s, co := math.Sincos(float64(k) * math.Pi / 8)
		u := r2.Vec{X: rf * co, Y: rf * s}
		step += math.Abs(t.height(r2.Add(c, u))-level.At(u.X, u.Y)) / 16
	}
	// A step must stand out of the noise, and out of the change of the tip
	// itself over two pixels next to the edge: where the tip's slope makes
	// up the step within that distance, the edge is no sharper than the
	// tip and the pixels near it cannot be told apart.
	slope := 0.0
	if !t.flat {
		slope = rf / math.Abs(t.sphere.R)
	}
	minStep := max(max(edgeMinStepNM/nmPerUM, 10*t.rms), 2*slope*pix)
	if precise {
		minStep *= 0.75 // an edge seen once stays seen when its step is at the limit
	}
	stepVisible := step >= minStep

	// The window of pixels around c: g is the signed distance from the
	// threshold half-way between the tip and the ferrule level at the
	// pixel, positive on the tip's side; NaN for an invalid pixel; +Inf
	// outside the search band or off the map; −Inf where tip and ferrule
	// are too close to tell apart (a tip whose sag carries it through the
	// ferrule's level) or the pixel is further from both than they are from
	// each other (dust, a spike).
	pm, c0, c1, r0, r1 := an.pixelBox(c, hi+pix)
	nc, nr := c1-c0+1, r1-r0+1
	if cap(an.win) < nc*nr {
		an.win = make([]float64, nc*nr)
	}
	g := an.win[:nc*nr]
	sin, cos := math.Sincos(an.frame.Rotation)
	offset := func(i, j int) r2.Vec { // frame offset from c of window pixel (i, j), fractional
		ddx := m.Offset.X + (float64(c0)+float64(i))*m.Pitch.X - pm.X
		ddy := m.Offset.Y + (float64(r0)+float64(j))*m.Pitch.Y - pm.Y
		return r2.Vec{X: cos*ddx + sin*ddy, Y: -sin*ddx + cos*ddy}
	}
	nbins := int(math.Ceil((hi - lo) / pix))
	var invalidBin, totalBin [64]int
	nbins = min(nbins, len(invalidBin))
	for j := 0; j < nr; j++ {
		r := r0 + j
		row := m.Row(r)
		for i := 0; i < nc; i++ {
			k := j*nc + i
			d := offset(i, j)
			rho := math.Sqrt(d.X*d.X + d.Y*d.Y)
			col := c0 + i
			if rho < lo-pix || rho > hi+pix || row == nil || col < m.Rect.Min.X || col >= m.Rect.Max.X {
				g[k] = math.Inf(1)
				continue
			}
			z := row[col-m.Rect.Min.X]
			if b := int((rho - lo) / pix); rho >= lo && b < nbins {
				totalBin[b]++
				if z != z {
					invalidBin[b]++
				}
			}
			if z != z {
				g[k] = math.NaN()
				continue
			}
			v := z - an.planeM.At(m.Offset.X+float64(col)*m.Pitch.X, m.Offset.Y+float64(r)*m.Pitch.Y)
			tv, lv := t.height(r2.Add(c, d)), level.At(d.X, d.Y)
			if step := math.Abs(tv - lv); step < minStep/2 || min(math.Abs(v-tv), math.Abs(v-lv)) > step+5*t.rms {
				g[k] = math.Inf(-1) // valid, but neither side: too close to tell, or far off both (dust, a spike)
				continue
			}
			g[k] = math.Copysign(1, tv-lv) * (v - (tv+lv)/2)
		}
	}
	// A ring of invalid pixels: radial bins at least half invalid and well
	// above the dropout rate of the tip annulus.
	background := 1 - t.valid
	var ringLo, ringHi = math.Inf(1), math.Inf(-1)
	for b := 0; b < nbins; b++ {
		if totalBin[b] >= 8 {
			if f := float64(invalidBin[b]) / float64(totalBin[b]); f > 0.5 && f > background+0.3 {
				ringLo, ringHi = min(ringLo, lo+float64(b)*pix), max(ringHi, lo+float64(b+1)*pix)
			}
		}
	}
	ring := ringLo < ringHi
	if !stepVisible && !ring {
		return c, edgeFit{}, false
	}

	xs, ys, pairs := an.xs[:0], an.ys[:0], an.pairs[:0]
	finite := func(v float64) bool { return v-v == 0 }
	valid := func(v float64) bool { return v == v && !math.IsInf(v, 1) }
	for j := 0; j < nr; j++ {
		for i := 0; i < nc; i++ {
			k := j*nc + i
			for _, nb := range [2][2]int{{1, 0}, {0, 1}} {
				i2, j2 := i+nb[0], j+nb[1]
				if i2 >= nc || j2 >= nr {
					continue
				}
				k2 := j2*nc + i2
				g1, g2 := g[k], g[k2]
				var p r2.Vec
				var pair edgePair
				switch {
				case stepVisible && finite(g1) && finite(g2) && (g1 > 0) != (g2 > 0):
					f := g1 / (g1 - g2)
					pair = edgePair{in: offset(i, j), out: offset(i2, j2)}
					p = r2.Add(pair.in, r2.Scale(f, r2.Sub(pair.out, pair.in)))
					if g2 > 0 {
						pair.in, pair.out = pair.out, pair.in
					}
				case ring && (valid(g1) && g2 != g2 || g1 != g1 && valid(g2)):
					// The fiber's side of the ring: the valid pixel lies
					// inside the invalid one (and above the threshold when
					// there is a step), the invalid one in the ring.
					pv, pn, gv := offset(i, j), offset(i2, j2), g1
					ni, nj := i2, j2
					if g1 != g1 {
						pv, pn, gv = pn, pv, g2
						ni, nj = i, j
					}
					rn := r2.Norm(pn)
					if rn < ringLo-pix || rn > ringHi+pix || r2.Norm(pv) >= rn || (stepVisible && !(gv > 0 && finite(gv))) {
						continue
					}
					// A ring's pixel has invalid neighbours along the ring; a
					// lone dropout by the edge has none.
					lone := true
					for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
						if a, b := ni+d[0], nj+d[1]; a >= 0 && a < nc && b >= 0 && b < nr && g[b*nc+a] != g[b*nc+a] {
							lone = false
						}
					}
					if lone {
						continue
					}
					p = r2.Scale(0.5, r2.Add(pv, pn))
					pair = edgePair{in: pv, out: pn, ring: true}
				default:
					continue
				}
				pair.mid = p
				xs, ys, pairs = append(xs, p.X), append(ys, p.Y), append(pairs, pair)
			}
		}
	}
	an.xs, an.ys, an.pairs = xs, ys, pairs
	if len(xs) < edgeMinPoints {
		return c, edgeFit{}, false
	}
	circ, err := robustCircle(xs, ys, 1.5*pix)
	open := math.NaN()
	if err == nil && precise {
		lim := max(1.5*pix, 3*circ.RMS)
		kept := pairs[:0]
		for _, p := range pairs {
			if !p.ring && math.Abs(math.Hypot(p.mid.X-circ.X0, p.mid.Y-circ.Y0)-circ.R) <= lim {
				kept = append(kept, p)
			}
		}
		if len(kept) >= edgeMinPoints {
			circ, open = an.widestCircle(kept, circ)
		}
	}
	if err != nil || circ.N < edgeMinPoints || math.Abs(circ.R-rf) > 0.6*edgeSearchWidth {
		return c, edgeFit{}, false
	}
	// The points must go round the fiber: 12 of 16 sectors.
	var sectors uint16
	for i := range xs[:circ.N] {
		a := math.Atan2(ys[i]-circ.Y0, xs[i]-circ.X0)
		sectors |= 1 << (int(math.Floor((a+math.Pi)/(math.Pi/8))) & 15)
	}
	if n := bits.OnesCount16(sectors); n < 12 {
		return c, edgeFit{}, false
	}
	return r2.Add(c, r2.Vec{X: circ.X0, Y: circ.Y0}), edgeFit{circ: circ, open: open}, true
}

// edgeFit is what the centre's uncertainty needs of the cladding edge: its
// circle, offsets from the centre estimate it was found around.
type edgeFit struct {
	circ fit.Circle
	// open is the variance of each centre coordinate that the pixels leave
	// open to the widest circle (widestCircle), NaN where it was not used.
	open float64
}

// lin is the distance of a point from c0 + δ, linear in δ: r − u·δ.
type lin struct{ r, ux, uy float64 }

func linearise(p, c0 r2.Vec) lin {
	d := r2.Sub(p, c0)
	r := math.Sqrt(d.X*d.X + d.Y*d.Y)
	return lin{r, d.X / r, d.Y / r}
}

// edgePair is two neighbouring pixel centres on either side of the
// cladding edge (in on the fiber's side) and the edge point between them.
type edgePair struct {
	in, out, mid r2.Vec
	// ring: out is an invalid pixel of a ring, which a dropout inside the
	// fiber can imitate: the pair gives a midpoint, not an interval.
	ring bool
}

// widestCircle refines circ, the least-squares circle through the edge
// points, with what the pixels themselves say: the edge passes between the
// two pixel centres of every pair. Point-sampled edge points are only known
// to that interval, and a circle through their midpoints is biased by where
// the circle falls on the pixel grid (up to 0.1 px in the centre). Of the
// circles that pass between the pixels of every pair, it returns the one
// with the widest clearance: the centre c maximising
//
//	gap(c) = min_out |out − c| − max_in |in − c|,
//
// R half-way between the two, each extreme taken as the second of its side
// so that one misread pixel does not decide. gap is concave (a concave
// minus a convex function), and over the micrometre that c moves the
// distances are linear in it (the error is below (1 µm)²/(2·62.5 µm)), so
// a grid search (±0.5 µm) refined twice by a factor of five finds its
// maximum.
// Where no circle passes between all pairs (gap < 0 at best), the widest
// still has the least overlap.
//
// It also returns the variance of each centre coordinate that the pixels
// leave open (NaN where no circle passes between all pairs): see
// clearanceVar.
func (an *analysis) widestCircle(pairs []edgePair, circ fit.Circle) (fit.Circle, float64) {
	if len(pairs) < 4 {
		return circ, math.NaN()
	}
	c0 := r2.Vec{X: circ.X0, Y: circ.Y0}
	n := len(pairs)
	if cap(an.lins) < 4*n {
		an.lins = make([]lin, 4*n)
	}
	ins, outs := an.lins[:n], an.lins[n:2*n]
	for i, p := range pairs {
		ins[i], outs[i] = linearise(p.in, c0), linearise(p.out, c0)
	}
	gapOf := func(ins, outs []lin) func(dx, dy float64) (float64, float64) {
		return func(dx, dy float64) (float64, float64) {
			in1, in2 := math.Inf(-1), math.Inf(-1) // largest two
			out1, out2 := math.Inf(1), math.Inf(1) // smallest two
			for i := range ins {
				if a := ins[i].r - ins[i].ux*dx - ins[i].uy*dy; a > in2 {
					in1, in2 = max(in1, a), min(in1, a)
				}
			}
			for i := range outs {
				if b := outs[i].r - outs[i].ux*dx - outs[i].uy*dy; b < out2 {
					out1, out2 = min(out1, b), max(out1, b)
				}
			}
			return out2 - in2, (out2 + in2) / 2
		}
	}
	gap := gapOf(ins, outs)
	// Each level of the grid search moves the centre by at most 5 steps in
	// each coordinate from the level's centre (cx, cy), so every distance
	// by at most √2 of that from its value there: a pixel whose distance
	// lies more than twice that beyond the second extreme of its side can
	// never be one of the two extremes within the level, and is left out
	// of it (which finds the same circle, bit for bit, faster).
	near := func(dst, src []lin, sign, cx, cy, reach float64) []lin {
		e1, e2 := math.Inf(-1), math.Inf(-1) // second extreme of sign·distance at the centre
		for _, l := range src {
			if v := sign * (l.r - l.ux*cx - l.uy*cy); v > e2 {
				e1, e2 = max(e1, v), min(e1, v)
			}
		}
		dst = dst[:0]
		for _, l := range src {
			if sign*(l.r-l.ux*cx-l.uy*cy) >= e2-2*reach-1e-9 {
				dst = append(dst, l)
			}
		}
		return dst
	}
	var bx, by float64
	best, bestR := gap(0, 0)
	for step := 0.1; step > 0.001; step /= 5 {
		cx, cy := bx, by
		reach := 5 * step * math.Sqrt2
		searchGap := gapOf(near(an.lins[2*n:2*n], ins, 1, cx, cy, reach), near(an.lins[3*n:3*n], outs, -1, cx, cy, reach))
		for i := -5; i <= 5; i++ {
			for j := -5; j <= 5; j++ {
				x, y := cx+float64(i)*step, cy+float64(j)*step
				if g, r := searchGap(x, y); g > best {
					best, bestR, bx, by = g, r, x, y
				}
			}
		}
	}
	circ.X0, circ.Y0, circ.R = c0.X+bx, c0.Y+by, bestR
	return circ, clearanceVar(best, bx, by, func(x, y float64) float64 { g, _ := gap(x, y); return g })
}

// clearanceVar returns the mean squared error of each coordinate of the
// widest circle's centre (best clearance at offset bx, by) that the pixels
// leave: every centre whose circles still pass between the pixels of the
// pairs (gap > 0) explains them, and for each such centre the radii that
// do span an interval as long as gap. With the part's placement on the
// grid and the cladding's exact radius unknown (uniform priors), the true
// (centre, radius) is uniformly distributed over that set, so the centre
// has the density gap(c)₊. Per coordinate that is
//
//	½·∫∫ |c − c*|²·gap dA / ∫∫ gap dA,
//
// about the widest centre c* (so the estimate's offset from the mean is
// included), integrated in polar coordinates along eight directions. Along
// each, gap is concave and piecewise linear, and falls by at most twice
// the step (every distance moves by at most the centre's step), so it is
// still ≥ 0 at r = best/2; the edge ρ where it reaches 0 follows by a
// secant from there (which, gap being concave, lands beyond it) and four
// Illinois steps, and gap is integrated as the broken line through
// (0, best), (best/2, g), (ρ, 0). It is NaN when no circle clears every
// pair.
func clearanceVar(best, bx, by float64, gap func(x, y float64) float64) float64 {
	if !(best > 0) {
		return math.NaN()
	}
	var i1, i3 float64
	a := best / 2
	for k := 0; k < 8; k++ {
		s, c := math.Sincos(float64(k) * math.Pi / 4)
		g := func(r float64) float64 { return gap(bx+r*c, by+r*s) }
		ga := max(g(a), 0)
		// Secant through (0, best) and (a, ga), extended to 0.
		b := 2 * a
		if ga < best {
			b = a * best / (best - ga)
		}
		gb := g(b)
		for gb > 0 && b < 4 { // only where gap is flat: widen
			b *= 2
			gb = g(b)
		}
		lo, glo, hi, ghi := a, ga, b, gb
		side := 0
		for range 4 {
			m := hi - ghi*(hi-lo)/(ghi-glo)
			if !(m > lo && m < hi) {
				m = (lo + hi) / 2
			}
			gm := g(m)
			if gm > 0 {
				lo, glo = m, gm
				if side == 1 {
					ghi /= 2
				}
				side = 1
			} else {
				hi, ghi = m, gm
				if side == -1 {
					glo /= 2
				}
				side = -1
			}
		}
		rho := lo
		if ghi != glo {
			rho = lo - glo*(hi-lo)/(ghi-glo)
		}
		rho = max(rho, a)
		// ∫ r·gap dr and ∫ r³·gap dr over the broken line, segment by
		// segment: on [u, v] with gap linear from p to q.
		seg := func(u, v, p, q float64) {
			w := v - u
			if w <= 0 {
				return
			}
			// r = u + w·t, gap = p + (q − p)·t, t ∈ [0, 1]; the integrands
			// have degree ≤ 4, which three Gauss–Legendre points integrate
			// exactly.
			for i, x := range gl3x {
				t := (x + 1) / 2
				r := u + w*t
				f := gl3w[i] / 2 * w * (p + (q-p)*t) * r
				i1 += f
				i3 += f * r * r
			}
		}
		seg(0, a, best, ga)
		seg(a, rho, ga, 0)
	}
	if !(i1 > 0) {
		return math.NaN()
	}
	return i3 / i1 / 2
}

// gl3x, gl3w are the three-point Gauss–Legendre nodes and weights on
// [−1, 1]: exact for polynomials up to degree 5.
var (
	gl3x = [3]float64{-0.7745966692414834, 0, 0.7745966692414834}
	gl3w = [3]float64{5.0 / 9, 8.0 / 9, 5.0 / 9}
)
