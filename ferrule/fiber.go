package ferrule

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/mtgeo/mtgeo/fit"
	"gonum.org/v1/gonum/spatial/r2"
)

// coreCentreTolerance is how far (µm) the fitted fiber centre may be from
// the true one. Pixels whose centres lie within it of the core rim are
// assigned to a step core by their depth when the dip stands out of the
// noise, so that one pixel entering or leaving the disc does not move the
// core dip by dip/n (SPEC §9).
const coreCentreTolerance = 0.5

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

// Centre methods (Fiber.CentreMethod, SPEC §5).
const (
	CentreEdge    = "edge"
	CentreApex    = "apex"
	CentreNominal = "nominal"
)

// pixelVisit calls fn for every pixel position within radius rad (µm) of
// ferrule-frame point c, with the pixel's map coordinates (x, y), its offset
// (dX, dY) from c in the ferrule frame and its height z. Positions off the
// map are visited too, with z NaN: they are unmeasured, so a fiber cut by
// the map's edge shows it in its valid fraction. It returns how many
// positions lay off the map.
func (an *analysis) pixelVisit(c r2.Vec, rad float64, fn func(x, y, dX, dY, z float64)) (off int) {
	m := an.m
	p := an.frame.ToMap(c)
	pc, pr := m.MapToPixel(p)
	c0, c1 := int(math.Floor(pc-rad/m.Pitch.X)), int(math.Ceil(pc+rad/m.Pitch.X))
	r0, r1 := int(math.Floor(pr-rad/m.Pitch.Y)), int(math.Ceil(pr+rad/m.Pitch.Y))
	sin, cos := math.Sincos(an.frame.Rotation)
	rad2 := rad * rad
	nan := math.NaN()
	for r := r0; r <= r1; r++ {
		y := m.Offset.Y + float64(r)*m.Pitch.Y
		row := m.Row(r) // nil off the map
		for col := c0; col <= c1; col++ {
			x := m.Offset.X + float64(col)*m.Pitch.X
			ddx, ddy := x-p.X, y-p.Y
			if ddx*ddx+ddy*ddy > rad2 {
				continue
			}
			z := nan
			if row != nil && col >= m.Rect.Min.X && col < m.Rect.Max.X {
				z = row[col-m.Rect.Min.X]
			} else {
				off++
			}
			fn(x, y, cos*ddx+sin*ddy, -sin*ddx+cos*ddy, z)
		}
	}
	return off
}

// tip is a fiber's fitted tip: a sphere, or for a tip too flat to have an
// apex a plane, fitted to z − reference plane over the annulus around the
// ferrule-frame point at, in ferrule-frame offsets from it.
type tip struct {
	at       r2.Vec
	sphere   fit.Sphere
	plane    fit.Plane
	flat     bool
	rms      float64 // µm
	points   int     // valid annulus pixels fitted
	outliers int     // valid annulus pixels left out as outliers
	valid    float64 // valid fraction of the annulus
	offMap   bool    // the fit disc is cut by the map's edge
}

// height is the tip's height above the reference plane at ferrule-frame
// point p, µm.
func (t *tip) height(p r2.Vec) float64 {
	d := r2.Sub(p, t.at)
	return t.at0(d.X, d.Y)
}

// apex is the ferrule-frame position of the sphere's apex.
func (t *tip) apex() r2.Vec { return r2.Add(t.at, r2.Vec{X: t.sphere.X0, Y: t.sphere.Y0}) }

// discMean is the mean of the tip over the disc of radius a about p, µm:
// its value at p less the mean sag of a sphere over a disc about its apex.
// Off the apex by e the sag adds e²/(2R), which the value at p already
// holds; the cross terms are of order e²a²/R³, far below a picometre.
func (t *tip) discMean(p r2.Vec, a float64) float64 {
	if t.flat {
		return t.height(p) // a plane's disc mean is its value at the centre
	}
	return t.height(p) - meanSag(t.sphere.R, a)
}

// fiberError is why a fiber could not be measured: its flag and message.
type fiberError struct{ flag, msg string }

// gatherAnnulus collects the valid pixels of the tip-fit annulus around c
// into an.xs, an.ys (ferrule-frame offsets from c) and an.zs (height above
// the reference plane) and returns how many pixel positions the annulus
// holds, valid or not, on the map or off it, and how many positions of the
// disc it lies in are off the map.
func (an *analysis) gatherAnnulus(c r2.Vec) (total, off int) {
	an.xs, an.ys, an.zs = an.xs[:0], an.ys[:0], an.zs[:0]
	in2, out2 := sq(an.reg.CoreExclusionRadius), sq(an.reg.FitRadius)
	off = an.pixelVisit(c, an.reg.FitRadius, func(x, y, dX, dY, z float64) {
		rho2 := dX*dX + dY*dY
		if rho2 < in2 || rho2 > out2 {
			return
		}
		total++
		if z == z {
			an.xs = append(an.xs, dX)
			an.ys = append(an.ys, dY)
			an.zs = append(an.zs, z-an.planeM.At(x, y))
		}
	})
	return total, off
}

// fitTip fits the tip over the annulus around c (SPEC §5): a sphere to the
// height above the reference plane, a plane where the tip is too flat for
// an apex.
func (an *analysis) fitTip(c r2.Vec) (tip, *fiberError) {
	total, off := an.gatherAnnulus(c)
	t := tip{at: c, points: len(an.zs), offMap: off > 0}
	if total > 0 {
		t.valid = float64(len(an.zs)) / float64(total)
	}
	if float64(len(an.zs)) < minValidFraction*float64(total) {
		return t, &fiberError{"missing", "too few valid pixels around the fiber: missing, broken or dirty"}
	}
	if len(an.zs) < minFitPoints {
		return t, &fiberError{"few_points", "too few valid pixels for the tip fit"}
	}
	// The fit, robust: points more than clipSigmas robust σ (at least
	// tipClipFloorUM) off the fitted tip are left out and the tip refitted,
	// up to three times.
	for iter := 0; ; iter++ {
		s, err := fit.SpherePoints(an.xs, an.ys, an.zs)
		t.flat = errors.Is(err, fit.ErrIllConditioned)
		if t.flat {
			t.plane, err = fit.PlanePoints(an.xs, an.ys, an.zs)
		}
		if err != nil {
			return t, &fiberError{"fit_failed", "tip fit: " + err.Error()}
		}
		t.sphere = s
		t.rms = s.RMS
		if t.flat {
			t.rms = t.plane.RMS
		}
		if iter == 3 {
			break
		}
		res := an.res[:0]
		for i := range an.zs {
			res = append(res, an.zs[i]-t.at0(an.xs[i], an.ys[i]))
		}
		an.res = res
		an.scratch = append(an.scratch[:0], res...)
		lim := clipLimit(an.scratch, tipClipFloorUM)
		n := 0
		for i := range an.zs {
			if math.Abs(res[i]) <= lim {
				an.xs[n], an.ys[n], an.zs[n] = an.xs[i], an.ys[i], an.zs[i]
				n++
			}
		}
		if n == len(an.zs) || n < minFitPoints {
			break
		}
		t.outliers += len(an.zs) - n
		an.xs, an.ys, an.zs = an.xs[:n], an.ys[:n], an.zs[:n]
	}
	t.points = len(an.zs)
	return t, nil
}

// tipClipFloorUM is the least residual (µm) a tip fit takes as an outlier:
// ten times the noise of a good interferometer, so that a clean tip keeps
// all its points.
const tipClipFloorUM = 0.02

// at0 is the tip at offset (dX, dY) from t.at, µm above the plane.
func (t *tip) at0(dX, dY float64) float64 {
	if t.flat {
		return t.plane.At(dX, dY)
	}
	return t.sphere.At(dX, dY)
}

// brokenError is the failure of a tip too rough for a polished end.
func brokenError(rms float64) *fiberError {
	return &fiberError{"broken", fmt.Sprintf("tip surface too rough for a polished fiber end (fit RMS %.0f nm): broken, chipped or dirty", rms*nmPerUM)}
}

// fail marks the fiber unmeasured: a flag, the reason, and no geometry
// (the valid fraction and fit RMS, which were measured, stay).
func (f *Fiber) fail(e *fiberError) Fiber {
	f.Flags = append(f.Flags, e.flag)
	f.Error = e.msg
	f.XUM, f.YUM, f.DXUM, f.DYUM, f.ApexOffsetUM = nan, nan, nan, nan, nan
	f.HeightNM, f.ApexHeightNM, f.RadiusMM, f.CoreDipNM = nan, nan, nan, nan
	f.CorePixels = 0
	f.CentreMethod = ""
	return *f
}

// measureFiber measures fiber index (SPEC §5): its centre, then the tip
// fitted around it, the apex height, tip radius, core dip and height.
func (an *analysis) measureFiber(index int) Fiber {
	nom, row, col := an.layout.Nominal(index)
	f := Fiber{Index: index, Row: row, Col: col,
		XUM: nan, YUM: nan, DXUM: nan, DYUM: nan, ApexOffsetUM: nan, HeightNM: nan, ApexHeightNM: nan,
		RadiusMM: nan, CoreDipNM: nan, FitRMSNM: nan, ValidFraction: nan, Flags: []string{}}
	if pc, pr := an.m.MapToPixel(an.frame.ToMap(nom)); !(image.Point{X: int(math.Round(pc)), Y: int(math.Round(pr))}.In(an.m.Rect)) {
		return f.fail(&fiberError{"off_map", "the fiber's nominal position lies outside the map"})
	}
	t, ferr := an.fitTip(nom)
	f.ValidFraction, f.FitPoints, f.FitRMSNM = Num(t.valid), t.points, Num(t.rms*nmPerUM)
	if t.offMap {
		f.Flags = append(f.Flags, "partly_off_map")
	}
	if ferr != nil {
		return f.fail(ferr)
	}
	centre, method, ferr := an.fiberCentre(nom, &t)
	f.ValidFraction, f.FitPoints, f.FitRMSNM, f.Outliers = Num(t.valid), t.points, Num(t.rms*nmPerUM), t.outliers
	if ferr != nil {
		return f.fail(ferr)
	}
	if float64(t.outliers) > outlierFlagFraction*float64(t.points+t.outliers) {
		f.Flags = append(f.Flags, "outliers")
	}
	if t.rms*nmPerUM > brokenResidualNM {
		return f.fail(brokenError(t.rms))
	}
	f.CentreMethod = method
	switch method {
	case CentreApex:
		f.Flags = append(f.Flags, "centre_from_apex")
	case CentreNominal:
		f.Flags = append(f.Flags, "centre_nominal")
	}
	if method != CentreNominal {
		f.XUM, f.YUM = Num(centre.X), Num(centre.Y)
		f.DXUM, f.DYUM = Num(centre.X-nom.X), Num(centre.Y-nom.Y)
	}
	if t.flat {
		f.Flags = append(f.Flags, "flat_tip")
	} else {
		f.RadiusMM = an.radiusMM(t.sphere.R)
		if !f.RadiusMM.Valid() {
			f.Flags = append(f.Flags, "flat_tip")
		}
		if method == CentreEdge {
			f.ApexOffsetUM = Num(r2.Norm(r2.Sub(t.apex(), centre)))
		}
	}
	if t.rms*nmPerUM > highResidualNM {
		f.Flags = append(f.Flags, "high_residual")
	}
	f.ApexHeightNM = Num(t.height(centre) * nmPerUM)

	dip, n := an.coreDip(centre, &t)
	if !an.layout.Multimode {
		an.wideDips = append(an.wideDips, an.wideDip(centre, &t))
	}
	f.CorePixels = n
	if n > 0 {
		f.CoreDipNM = Num(dip * nmPerUM)
	} else {
		f.Flags = append(f.Flags, "no_core_pixels")
	}
	// A flat "tip" without an edge is a fiber only if something shows one:
	// a step against the surface around the cladding, or a core dip out of
	// the noise. Otherwise there is no fiber end here to measure.
	if method == CentreNominal && !(dip > 4*t.rms) && !an.fiberSeen(centre) {
		return f.fail(&fiberError{"not_found", "no fiber end at the nominal position: the surface there is flat and level with the ferrule"})
	}
	h, ferr := an.fiberHeight(centre, &t, dip)
	if ferr != nil {
		return f.fail(ferr)
	}
	f.HeightNM = Num(h * nmPerUM)
	return f
}

// fiberCentre finds the fiber's geometric centre (SPEC §5), starting from
// its nominal position with the tip t fitted there, and leaves in t the tip
// fitted around the centre found: the cladding edge's circle where the
// edge shows; else the apex of the tip above the reference plane; else,
// for a flat tip, the nominal position.
func (an *analysis) fiberCentre(nom r2.Vec, t *tip) (r2.Vec, string, *fiberError) {
	if c, ok := an.claddingEdge(nom, t, false); ok {
		// Refit around the edge's centre and find the edge again with that
		// tip's better threshold, to the pixels' precision; if it does not
		// show then, it was too faint to trust, and the apex decides.
		nt, ferr := an.fitTip(c)
		if ferr != nil {
			return c, CentreEdge, ferr
		}
		*t = nt
		if c2, ok := an.claddingEdge(c, t, true); ok {
			if r2.Norm(r2.Sub(c2, c)) > 0.02 {
				if nt, ferr = an.fitTip(c2); ferr != nil {
					return c2, CentreEdge, ferr
				}
				*t = nt
			}
			return c2, CentreEdge, nil
		}
	}
	if t.rms*nmPerUM > brokenResidualNM {
		return nom, "", brokenError(t.rms)
	}
	if t.flat {
		return nom, CentreNominal, nil
	}
	// The apex, with the annulus moved onto it until it stays.
	for iter := 0; iter < 4; iter++ {
		a := t.apex()
		if r2.Norm(r2.Sub(a, nom)) > an.reg.FitRadius/2 {
			return nom, "", &fiberError{"centre_not_found", "the fitted tip apex lies far from the nominal fiber position"}
		}
		if r2.Norm(r2.Sub(a, t.at)) < 0.02 {
			break
		}
		nt, ferr := an.fitTip(a)
		if ferr != nil {
			return a, CentreApex, ferr
		}
		if nt.flat {
			break
		}
		*t = nt
	}
	return t.apex(), CentreApex, nil
}

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
func (an *analysis) claddingEdge(c r2.Vec, t *tip, precise bool) (r2.Vec, bool) {
	m := an.m
	rf := an.layout.FiberDiameter / 2
	lo, hi := rf-edgeSearchWidth, rf+edgeSearchWidth
	pix := math.Max(m.Pitch.X, m.Pitch.Y)

	// The ferrule level around the fiber, above the reference plane.
	an.xs, an.ys, an.zs = an.xs[:0], an.ys[:0], an.zs[:0]
	an.pixelVisit(c, edgeRingOut, func(x, y, dX, dY, z float64) {
		if z == z && dX*dX+dY*dY >= edgeRingIn*edgeRingIn {
			an.xs, an.ys, an.zs = append(an.xs, dX), append(an.ys, dY), append(an.zs, z-an.planeM.At(x, y))
		}
	})
	level, ok := robustPlane(an.xs, an.ys, an.zs)
	if !ok {
		return c, false
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
	minStep := math.Max(math.Max(edgeMinStepNM/nmPerUM, 10*t.rms), 2*slope*pix)
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
	pm := an.frame.ToMap(c)
	pc, pr := m.MapToPixel(pm)
	c0, r0 := int(math.Floor(pc-(hi+pix)/m.Pitch.X)), int(math.Floor(pr-(hi+pix)/m.Pitch.Y))
	nc, nr := int(math.Ceil(pc+(hi+pix)/m.Pitch.X))-c0+1, int(math.Ceil(pr+(hi+pix)/m.Pitch.Y))-r0+1
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
			if step := math.Abs(tv - lv); step < minStep/2 || math.Min(math.Abs(v-tv), math.Abs(v-lv)) > step+5*t.rms {
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
				ringLo, ringHi = math.Min(ringLo, lo+float64(b)*pix), math.Max(ringHi, lo+float64(b+1)*pix)
			}
		}
	}
	ring := ringLo < ringHi
	if !stepVisible && !ring {
		return c, false
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
					if g1 != g1 {
						pv, pn, gv = pn, pv, g2
					}
					rn := r2.Norm(pn)
					if rn < ringLo-pix || rn > ringHi+pix || r2.Norm(pv) >= rn || (stepVisible && !(gv > 0 && finite(gv))) {
						continue
					}
					p = r2.Scale(0.5, r2.Add(pv, pn))
					pair = edgePair{in: pv, out: pn}
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
		return c, false
	}
	circ, err := robustCircle(xs, ys, 1.5*pix)
	if err == nil && precise {
		lim := math.Max(1.5*pix, 3*circ.RMS)
		kept := pairs[:0]
		for _, p := range pairs {
			if math.Abs(math.Hypot(p.mid.X-circ.X0, p.mid.Y-circ.Y0)-circ.R) <= lim {
				kept = append(kept, p)
			}
		}
		circ = an.widestCircle(kept, circ)
	}
	if err != nil || circ.N < edgeMinPoints || math.Abs(circ.R-rf) > 0.6*edgeSearchWidth {
		return c, false
	}
	// The points must go round the fiber: 12 of 16 sectors.
	var sectors uint16
	for i := range xs[:circ.N] {
		a := math.Atan2(ys[i]-circ.Y0, xs[i]-circ.X0)
		sectors |= 1 << (int(math.Floor((a+math.Pi)/(math.Pi/8))) & 15)
	}
	if n := popcount16(sectors); n < 12 {
		return c, false
	}
	return r2.Add(c, r2.Vec{X: circ.X0, Y: circ.Y0}), true
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
type edgePair struct{ in, out, mid r2.Vec }

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
func (an *analysis) widestCircle(pairs []edgePair, circ fit.Circle) fit.Circle {
	if len(pairs) < 4 {
		return circ
	}
	c0 := r2.Vec{X: circ.X0, Y: circ.Y0}
	if cap(an.lins) < 2*len(pairs) {
		an.lins = make([]lin, 2*len(pairs))
	}
	ins, outs := an.lins[:len(pairs)], an.lins[len(pairs):2*len(pairs)]
	for i, p := range pairs {
		ins[i], outs[i] = linearise(p.in, c0), linearise(p.out, c0)
	}
	gap := func(dx, dy float64) (float64, float64) {
		in1, in2 := math.Inf(-1), math.Inf(-1) // largest two
		out1, out2 := math.Inf(1), math.Inf(1) // smallest two
		for i := range ins {
			a := ins[i].r - ins[i].ux*dx - ins[i].uy*dy
			if a > in2 {
				in1, in2 = math.Max(in1, a), math.Min(in1, a)
			}
			b := outs[i].r - outs[i].ux*dx - outs[i].uy*dy
			if b < out2 {
				out1, out2 = math.Min(out1, b), math.Max(out1, b)
			}
		}
		return out2 - in2, (out2 + in2) / 2
	}
	var bx, by float64
	best, bestR := gap(0, 0)
	for step := 0.1; step > 0.001; step /= 5 {
		cx, cy := bx, by
		for i := -5; i <= 5; i++ {
			for j := -5; j <= 5; j++ {
				x, y := cx+float64(i)*step, cy+float64(j)*step
				if g, r := gap(x, y); g > best {
					best, bestR, bx, by = g, r, x, y
				}
			}
		}
	}
	circ.X0, circ.Y0, circ.R = c0.X+bx, c0.Y+by, bestR
	return circ
}

func popcount16(v uint16) int {
	n := 0
	for ; v != 0; v &= v - 1 {
		n++
	}
	return n
}

// robustPlane fits a plane to the points and refits it once without those
// more than 3 RMS (at least 10 nm) off, dust and edge remnants.
func robustPlane(xs, ys, zs []float64) (fit.Plane, bool) {
	p, err := fit.PlanePoints(xs, ys, zs)
	if err != nil {
		return p, false
	}
	tol := math.Max(3*p.RMS, 0.01)
	n := 0
	for i := range zs {
		if math.Abs(zs[i]-p.At(xs[i], ys[i])) <= tol {
			xs[n], ys[n], zs[n] = xs[i], ys[i], zs[i]
			n++
		}
	}
	if n == len(zs) {
		return p, true
	}
	p, err = fit.PlanePoints(xs[:n], ys[:n], zs[:n])
	return p, err == nil
}

// robustCircle fits a circle to the points, then up to three times drops
// the points more than tol (or 3 RMS) off and refits. The points kept are
// moved to the front of xs and ys; the circle's N says how many.
func robustCircle(xs, ys []float64, tol float64) (fit.Circle, error) {
	circ, err := fit.CirclePoints(xs, ys)
	if err != nil {
		return circ, err
	}
	for iter := 0; iter < 3; iter++ {
		lim := math.Max(tol, 3*circ.RMS)
		n := 0
		for i := range xs {
			if math.Abs(math.Hypot(xs[i]-circ.X0, ys[i]-circ.Y0)-circ.R) <= lim {
				xs[n], ys[n] = xs[i], ys[i]
				n++
			}
		}
		if n == len(xs) {
			break
		}
		xs, ys = xs[:n], ys[:n]
		if circ, err = fit.CirclePoints(xs, ys); err != nil {
			return circ, err
		}
	}
	return circ, nil
}

// corePixel is a valid pixel near the core: its depth below the tip (µm)
// and its distance from the fiber centre.
type corePixel struct{ depth, rho float64 }

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
	pix := math.Max(an.m.Pitch.X, an.m.Pitch.Y)
	an.core = an.core[:0]
	an.pixelVisit(c, rc+1.5*pix, func(x, y, dX, dY, z float64) {
		if z == z {
			d := t.height(r2.Add(c, r2.Vec{X: dX, Y: dY})) - (z - an.planeM.At(x, y))
			an.core = append(an.core, corePixel{d, math.Hypot(dX, dY)})
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
	graded := func(rho float64) float64 { return math.Max(0, 1-rho*rho/(rc*rc)) }
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
	if !useGraded {
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
		return dStep, nStep
	}
	return sum/float64(n) + amp*(0.5-sumW/float64(n)), n
}

// wideDip returns the mean depth below the tip (µm) of the pixels 6–9.5 µm
// from the centre: outside a single-mode core, inside a multimode one.
func (an *analysis) wideDip(c r2.Vec, t *tip) float64 {
	var sum float64
	var n int
	an.pixelVisit(c, 9.5, func(x, y, dX, dY, z float64) {
		if z == z && dX*dX+dY*dY >= 36 {
			sum += t.height(r2.Add(c, r2.Vec{X: dX, Y: dY})) - (z - an.planeM.At(x, y))
			n++
		}
	})
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// fiberHeight returns SPEC §5's fiber height at centre c, µm: the mean of
// z − plane over the averaging disc, in its continuous limit so the pixel
// grid does not bias it. It is the exact disc mean of the fitted tip (a
// pixel-centre mean is off by ~2 nm at 1 mm tip radius), less the core dip
// over the core's exact share (rc/a)² of the disc (a pixel count gets that
// share wrong by up to a pixel's area), plus the mean departure of the
// data from the tip over the rest of the disc (dust, and whatever the
// sphere does not follow), each pixel weighted by the fraction of its area
// inside the disc. Invalid pixels are bridged by the tip.
func (an *analysis) fiberHeight(c r2.Vec, t *tip, dip float64) (float64, *fiberError) {
	a := an.reg.AveragingDiameter / 2
	rc := an.reg.CoreDiameter / 2
	pix := math.Sqrt(an.m.Pitch.X * an.m.Pitch.Y)
	coreShare := 0.0
	if !math.IsNaN(dip) {
		coreShare = math.Min(1, sq(rc/a))
	}
	var valid, sw, swr float64
	an.pixelVisit(c, a+pix, func(x, y, dX, dY, z float64) {
		if z != z {
			return
		}
		rho := math.Hypot(dX, dY)
		w := math.Min(1, (a-rho)/pix+0.5)
		if w <= 0 {
			return
		}
		valid += w
		if coreShare > 0 && rho <= rc+coreCentreTolerance {
			return // counted through the core dip
		}
		sw += w
		swr += w * (z - an.planeM.At(x, y) - t.height(r2.Add(c, r2.Vec{X: dX, Y: dY})))
	})
	if valid < minValidFraction*math.Pi*a*a/(pix*pix) {
		return 0, &fiberError{"missing", "too few valid pixels in the averaging disc"}
	}
	h := t.discMean(c, a)
	if coreShare > 0 {
		h -= coreShare * dip
	}
	if sw > 0 {
		h += (1 - coreShare) * swr / sw
	}
	return h, nil
}

// meanSag returns the mean over a disc of radius a, centred on the apex, of
// the sag of a sphere of radius r (negative for a concave one, whose sag is
// negative): sign(r)·a²(|r| + 2s)/(3(|r| + s)²) with s = √(r² − a²), the
// closed form of (2/a²)∫₀ᵃ (|r| − √(r² − ρ²)) ρ dρ without cancellation.
// For |r| < a the cap ends inside the disc and the sag at the cap edge, |r|,
// continues outward (the fit is meaningless there anyway).
func meanSag(r, a float64) float64 {
	ar := math.Abs(r)
	if ar < a {
		return math.Copysign(ar, r)
	}
	s := math.Sqrt((ar - a) * (ar + a))
	return math.Copysign(a*a*(ar+2*s)/(3*(ar+s)*(ar+s)), r)
}
