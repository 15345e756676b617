package ferrule

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/mtgeo/mtgeo/fit"
	"gonum.org/v1/gonum/spatial/r2"
)

// Centre methods (Fiber.CentreMethod, SPEC §5).
const (
	CentreEdge    = "edge"
	CentreApex    = "apex"
	CentreNominal = "nominal"
)

// pixelBox returns the map point p of ferrule-frame point c and the
// lattice columns c0…c1 and rows r0…r1 (inclusive, absolute like the
// map's, possibly off it) of the box that holds every pixel within rad
// (µm) of it: the pixels pixelVisit looks at.
func (an *analysis) pixelBox(c r2.Vec, rad float64) (p r2.Vec, c0, c1, r0, r1 int) {
	m := an.m
	p = an.frame.ToMap(c)
	pc, pr := m.MapToPixel(p)
	c0, c1 = int(math.Floor(pc-rad/m.Pitch.X)), int(math.Ceil(pc+rad/m.Pitch.X))
	r0, r1 = int(math.Floor(pr-rad/m.Pitch.Y)), int(math.Ceil(pr+rad/m.Pitch.Y))
	return p, c0, c1, r0, r1
}

// pixelVisit calls fn for every pixel position within radius rad (µm) of
// ferrule-frame point c, with the pixel's map coordinates (x, y), its offset
// (dX, dY) from c in the ferrule frame and its height z. Positions off the
// map are visited too, with z NaN: they are unmeasured, so a fiber cut by
// the map's edge shows it in its valid fraction. It returns how many
// positions lay off the map.
func (an *analysis) pixelVisit(c r2.Vec, rad float64, fn func(x, y, dX, dY, z float64)) (off int) {
	return an.ringVisit(c, 0, rad, fn)
}

// ringVisit is pixelVisit over the ring rIn ≤ |(dX, dY)| ≤ rOut: the
// positions well inside rIn are not even looked at.
func (an *analysis) ringVisit(c r2.Vec, rIn, rOut float64, fn func(x, y, dX, dY, z float64)) (off int) {
	m := an.m
	p, c0, c1, r0, r1 := an.pixelBox(c, rOut)
	sin, cos := math.Sincos(an.frame.Rotation)
	out2, in2 := rOut*rOut, rIn*rIn
	nan := math.NaN()
	for r := r0; r <= r1; r++ {
		y := m.Offset.Y + float64(r)*m.Pitch.Y
		row := m.Row(r) // nil off the map
		// The columns certainly inside rIn (by a nanometre's margin over
		// the rounding of the rotated offsets) are skipped.
		skip0, skip1 := c1+1, c1
		if h := in2 - sq(y-p.Y); rIn > 0 && h > 0 {
			w := math.Sqrt(h) - 1e-3
			skip0 = int(math.Floor((p.X-w-m.Offset.X)/m.Pitch.X)) + 1
			skip1 = int(math.Ceil((p.X+w-m.Offset.X)/m.Pitch.X)) - 1
		}
		for col := c0; col <= c1; col++ {
			if col == skip0 && skip0 <= skip1 {
				col = skip1
				continue
			}
			x := m.Offset.X + float64(col)*m.Pitch.X
			ddx, ddy := x-p.X, y-p.Y
			if ddx*ddx+ddy*ddy > out2 {
				continue
			}
			dX, dY := cos*ddx+sin*ddy, -sin*ddx+cos*ddy
			if dX*dX+dY*dY < in2 {
				continue
			}
			z := nan
			if row != nil && col >= m.Rect.Min.X && col < m.Rect.Max.X {
				z = row[col-m.Rect.Min.X]
			} else {
				off++
			}
			fn(x, y, dX, dY, z)
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
	// clip is the residual (µm) beyond which the last pass of the robust
	// fit left points out, +Inf if it left none.
	clip float64
	// corr is the correlation of the fit's residuals on the pixel grid and
	// covc the covariance of the tip's parameters (sphere X0, Y0, Z0, R;
	// flat tip A, B, C) allowing for it, set by tipNoise for the
	// uncertainties; covc is nil if the fit had none.
	corr fit.Correlation
	covc *fit.Covariance
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
	t := tip{at: c, points: len(an.zs), offMap: off > 0, clip: math.Inf(1)}
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
		t.clip = lim
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

// setFit records the quality of the tip fit t in the fiber.
func (f *Fiber) setFit(t *tip) {
	f.ValidFraction, f.FitPoints, f.FitRMSNM, f.Outliers = Num(t.valid), t.points, Num(t.rms*nmPerUM), t.outliers
}

// fail marks the fiber unmeasured: a flag, the reason, and no geometry
// (the valid fraction and fit RMS, which were measured, stay).
func (f *Fiber) fail(e *fiberError) Fiber {
	f.Flags = append(f.Flags, e.flag)
	f.Error = e.msg
	f.XUM, f.YUM, f.DXUM, f.DYUM, f.ApexOffsetUM = nan, nan, nan, nan, nan
	f.HeightNM, f.ApexHeightNM, f.RadiusMM, f.CoreDipNM = nan, nan, nan, nan
	f.UHeightNM, f.UApexHeightNM, f.URadiusMM, f.UCoreDipNM, f.UPositionUM, f.ILIdealDB = nan, nan, nan, nan, nan, nan
	f.CorePixels = 0
	f.CentreMethod = ""
	return *f
}

// fibersPerWorker is the fewest fibers worth a goroutine of their own.
const fibersPerWorker = 8

// measureFibers measures every fiber into out (and their depth outside the
// core into wide), on the processors this analysis may use (share), each
// goroutine with buffers of its own; a fiber's result does not depend on
// which one measures it. A panic in one is raised again here, for Analyze
// to turn into an error.
func (an *analysis) measureFibers(out []Fiber, wide []float64) {
	for i := range wide {
		wide[i] = math.NaN()
	}
	an.each(len(out), fibersPerWorker, func(wa *analysis, i int) {
		out[i] = wa.measureFiber(i+1, &wide[i])
	})
}

// measureFiber measures fiber index (SPEC §5): its centre, then the tip
// fitted around it, the apex height, tip radius, core dip and height.
// For a single-mode analysis it sets *wide to the fiber's depth just
// outside the core (wideDip), left NaN otherwise.
func (an *analysis) measureFiber(index int, wide *float64) Fiber {
	nom, row, col := an.layout.Nominal(index)
	f := Fiber{Index: index, Row: row, Col: col,
		XUM: nan, YUM: nan, DXUM: nan, DYUM: nan, ApexOffsetUM: nan, HeightNM: nan, ApexHeightNM: nan,
		RadiusMM: nan, CoreDipNM: nan, FitRMSNM: nan, ValidFraction: nan,
		UHeightNM: nan, UApexHeightNM: nan, URadiusMM: nan, UCoreDipNM: nan, UPositionUM: nan, ILIdealDB: nan, Flags: []string{}}
	if pc, pr := an.m.MapToPixel(an.frame.ToMap(nom)); !(image.Point{X: int(math.Round(pc)), Y: int(math.Round(pr))}.In(an.m.Rect)) {
		return f.fail(&fiberError{"off_map", "the fiber's nominal position lies outside the map"})
	}
	t, ferr := an.fitTip(nom)
	f.setFit(&t)
	if t.offMap {
		f.Flags = append(f.Flags, "partly_off_map")
	}
	if ferr != nil {
		return f.fail(ferr)
	}
	centre, method, edge, ferr := an.fiberCentre(nom, &t)
	f.setFit(&t) // the tip refitted around the centre
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
	f.RadiusMM = an.tipRadius(&t)
	if !f.RadiusMM.Valid() {
		f.Flags = append(f.Flags, "flat_tip")
	}
	if !t.flat && method == CentreEdge {
		f.ApexOffsetUM = Num(apexOffset(&t, centre))
	}
	if t.rms*nmPerUM > highResidualNM {
		f.Flags = append(f.Flags, "high_residual")
	}
	f.ApexHeightNM = Num(apexHeight(&t, centre) * nmPerUM)

	dip, n := an.coreDip(centre, &t)
	if !an.layout.Multimode {
		*wide = an.wideDip(centre, &t)
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
	an.uncertainties(&f, &t, centre, method, edge, dip)
	return f
}

// apexHeight is SPEC §5's apex height at the fiber centre c, µm: the
// fitted tip there minus the reference plane (no averaging, no core dip).
func apexHeight(t *tip, c r2.Vec) float64 { return t.height(c) }

// tipRadius is SPEC §5's fiber radius RF, mm: the radius of the fitted
// sphere, NaN (flat) beyond the flat limit or for a flat tip.
func (an *analysis) tipRadius(t *tip) Num {
	if t.flat {
		return nan
	}
	return an.radiusMM(t.sphere.R)
}

// apexOffset is SPEC §5's apex offset, µm: the distance from the fiber
// centre c to the apex of the fitted tip.
func apexOffset(t *tip, c r2.Vec) float64 { return r2.Norm(r2.Sub(t.apex(), c)) }

// fiberCentre finds the fiber's geometric centre (SPEC §5), starting from
// its nominal position with the tip t fitted there, and leaves in t the tip
// fitted around the centre found: the cladding edge's circle where the
// edge shows (returned too, for its uncertainty); else the apex of the tip
// above the reference plane; else, for a flat tip, the nominal position.
func (an *analysis) fiberCentre(nom r2.Vec, t *tip) (r2.Vec, string, edgeFit, *fiberError) {
	if c, _, ok := an.claddingEdge(nom, t, false); ok {
		// Refit around the edge's centre and find the edge again with that
		// tip's better threshold, to the pixels' precision; if it does not
		// show then, it was too faint to trust, and the apex decides.
		nt, ferr := an.fitTip(c)
		if ferr != nil {
			return c, CentreEdge, edgeFit{}, ferr
		}
		*t = nt
		if c2, e, ok := an.claddingEdge(c, t, true); ok {
			if r2.Norm(r2.Sub(c2, c)) > 0.02 {
				if nt, ferr = an.fitTip(c2); ferr != nil {
					return c2, CentreEdge, e, ferr
				}
				*t = nt
			}
			return c2, CentreEdge, e, nil
		}
	}
	if t.rms*nmPerUM > brokenResidualNM {
		return nom, "", edgeFit{}, brokenError(t.rms)
	}
	if t.flat {
		return nom, CentreNominal, edgeFit{}, nil
	}
	// The apex, with the annulus moved onto it until it stays.
	for iter := 0; iter < 4; iter++ {
		a := t.apex()
		if r2.Norm(r2.Sub(a, nom)) > an.reg.FitRadius/2 {
			return nom, "", edgeFit{}, &fiberError{"centre_not_found", "the fitted tip apex lies far from the nominal fiber position"}
		}
		if r2.Norm(r2.Sub(a, t.at)) < 0.02 {
			break
		}
		nt, ferr := an.fitTip(a)
		if ferr != nil {
			return a, CentreApex, edgeFit{}, ferr
		}
		if nt.flat {
			break
		}
		*t = nt
	}
	return t.apex(), CentreApex, edgeFit{}, nil
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
		coreShare = min(1, sq(rc/a))
	}
	var valid, sw, swr float64
	an.discVisit(c, coreShare, func(x, y, dX, dY, z, w float64, inCore bool) {
		valid += w
		if inCore {
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

// discVisit calls fn for every valid pixel of the averaging disc about
// centre c with the fraction w of its area inside the disc (linear edge
// approximation, w > 0) and whether it lies in the core, whose share of the
// disc the height takes through the core dip (only when coreShare > 0): the
// pixels of fiberHeight's mean.
func (an *analysis) discVisit(c r2.Vec, coreShare float64, fn func(x, y, dX, dY, z, w float64, inCore bool)) {
	a := an.reg.AveragingDiameter / 2
	rc := an.reg.CoreDiameter / 2
	pix := math.Sqrt(an.m.Pitch.X * an.m.Pitch.Y)
	an.pixelVisit(c, a+pix, func(x, y, dX, dY, z float64) {
		if z != z {
			return
		}
		rho := math.Hypot(dX, dY)
		w := min(1, (a-rho)/pix+0.5)
		if w <= 0 {
			return
		}
		fn(x, y, dX, dY, z, w, coreShare > 0 && rho <= rc+coreCentreTolerance)
	})
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
