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
// assigned to the core by their depth when the dip stands out of the
// noise, so that one pixel entering or leaving the disc does not move the
// core dip by dip/n (SPEC §9).
const coreCentreTolerance = 0.5

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

// gatherAnnulus collects the valid pixels of the tip-fit annulus around c
// into an.xs, an.ys (ferrule-frame offsets from c) and an.zs (height above
// the reference quadric) and returns how many pixel positions the annulus
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
			an.zs = append(an.zs, z-an.quadM.At(x, y))
		}
	})
	return total, off
}

// fail marks the fiber unmeasured: a flag, the reason, and no geometry
// (the valid fraction and fit RMS, which were measured, stay).
func (f *Fiber) fail(flag, msg string) Fiber {
	f.Flags = append(f.Flags, flag)
	f.Error = msg
	f.XUM, f.YUM, f.DXUM, f.DYUM = nan, nan, nan, nan
	f.HeightNM, f.ApexHeightNM, f.RadiusMM, f.CoreDipNM = nan, nan, nan, nan
	f.CorePixels = 0
	return *f
}

// rimPixel is a pixel near the core rim: its depth below the tip and its
// squared distance from the fiber centre.
type rimPixel struct{ depth, rho2 float64 }

// measureFiber measures fiber index (SPEC §5).
//
// The tip sphere is fitted to the height above the reference quadric,
// which is the reference plane plus the ferrule's own curvature: on a
// curved ferrule the plane would tilt the cap locally and move its apex by
// R·slope. Centre, radius and core dip come from that fit; the fiber
// height and the apex height are taken above the reference plane, as
// SPEC §5 defines them.
func (an *analysis) measureFiber(index int) Fiber {
	nom, row, col := an.layout.Nominal(index)
	f := Fiber{Index: index, Row: row, Col: col,
		XUM: nan, YUM: nan, DXUM: nan, DYUM: nan, HeightNM: nan, ApexHeightNM: nan,
		RadiusMM: nan, CoreDipNM: nan, FitRMSNM: nan, ValidFraction: nan, Flags: []string{}}

	// Find the apex: fit, move the annulus onto the fitted apex, refit.
	var (
		s      fit.Sphere
		gather = nom // centre the current fit's points are relative to
		centre = nom
		flat   bool
	)
	if pc, pr := an.m.MapToPixel(an.frame.ToMap(nom)); !(image.Point{int(math.Round(pc)), int(math.Round(pr))}.In(an.m.Rect)) {
		return f.fail("off_map", "the fiber's nominal position lies outside the map")
	}
	for iter := 0; iter < 4; iter++ {
		gather = centre
		total, off := an.gatherAnnulus(gather)
		if off > 0 && iter == 0 {
			f.Flags = append(f.Flags, "partly_off_map")
		}
		f.ValidFraction = Num(float64(len(an.zs)) / float64(total))
		f.FitPoints = len(an.zs)
		if float64(len(an.zs)) < minValidFraction*float64(total) {
			return f.fail("missing", "too few valid pixels around the fiber: missing, broken or dirty")
		}
		if len(an.zs) < minFitPoints {
			return f.fail("few_points", "too few valid pixels for the tip fit")
		}
		var err error
		s, err = fit.SpherePoints(an.xs, an.ys, an.zs)
		if errors.Is(err, fit.ErrIllConditioned) {
			// A flat tip has no apex: keep the nominal centre.
			flat = true
			break
		}
		if err != nil {
			return f.fail("fit_failed", "tip fit: "+err.Error())
		}
		shift := r2.Vec{X: s.X0, Y: s.Y0}
		if r2.Norm(r2.Sub(r2.Add(gather, shift), nom)) > an.reg.FitRadius/2 {
			return f.fail("centre_not_found", "the fitted tip apex lies far from the nominal fiber position")
		}
		centre = r2.Add(gather, shift)
		if r2.Norm(shift) < 0.02 {
			break
		}
	}

	var (
		tipAt func(x, y, dX, dY float64) float64 // fitted tip surface, µm
		apex  float64                            // tip above the quadric at the centre, µm
		sag   float64                            // mean sag of the tip over the averaging disc, µm
	)
	a := an.reg.AveragingDiameter / 2
	if flat {
		p, err := fit.PlanePoints(an.xs, an.ys, an.zs)
		if err != nil {
			return f.fail("fit_failed", "tip fit: "+err.Error())
		}
		f.Flags = append(f.Flags, "flat_tip", "centre_nominal")
		f.FitRMSNM = Num(p.RMS * nmPerUM)
		tipAt = func(x, y, dX, dY float64) float64 { return an.quadM.At(x, y) + p.At(dX, dY) }
		apex = p.A
	} else {
		off := r2.Sub(centre, gather)
		tipAt = func(x, y, dX, dY float64) float64 { return an.quadM.At(x, y) + s.At(dX+off.X, dY+off.Y) }
		f.XUM, f.YUM = Num(centre.X), Num(centre.Y)
		f.DXUM, f.DYUM = Num(centre.X-nom.X), Num(centre.Y-nom.Y)
		f.RadiusMM = an.radiusMM(s.R)
		if !f.RadiusMM.Valid() {
			f.Flags = append(f.Flags, "flat_tip")
		}
		f.FitRMSNM = Num(s.RMS * nmPerUM)
		apex, sag = s.Z0, meanSag(s.R, a)
	}
	pm := an.frame.ToMap(centre)
	surf := an.quadM.At(pm.X, pm.Y) - an.planeM.At(pm.X, pm.Y) // quadric above the plane at the centre
	f.ApexHeightNM = Num((apex + surf) * nmPerUM)
	if float64(f.FitRMSNM) > brokenResidualNM {
		return f.fail("broken", fmt.Sprintf("tip surface too rough for a polished fiber end (fit RMS %.0f nm): broken, chipped or dirty", float64(f.FitRMSNM)))
	}
	if float64(f.FitRMSNM) > highResidualNM {
		f.Flags = append(f.Flags, "high_residual")
	}

	// Core dip (SPEC §5): mean of (fitted tip − z) over the core disc.
	rc := an.reg.CoreDiameter / 2
	inner, outer := sq(math.Max(0, rc-coreCentreTolerance)), sq(rc+coreCentreTolerance)
	var nIn int
	var sumIn float64
	an.rim = an.rim[:0]
	an.pixelVisit(centre, rc+coreCentreTolerance, func(x, y, dX, dY, z float64) {
		if z != z {
			return
		}
		d := tipAt(x, y, dX, dY) - z
		switch rho2 := dX*dX + dY*dY; {
		case rho2 <= inner:
			nIn++
			sumIn += d
		case rho2 <= outer:
			an.rim = append(an.rim, rimPixel{d, rho2})
		}
	})
	sigma := float64(f.FitRMSNM) / nmPerUM
	sum, n := sumIn, nIn
	dipIn := sumIn / float64(max(nIn, 1))
	for _, p := range an.rim {
		var in bool
		if nIn > 0 && dipIn > 4*sigma {
			in = p.depth > dipIn/2 // depth says which side of the rim it is
		} else {
			in = p.rho2 <= rc*rc
		}
		if in {
			sum += p.depth
			n++
		}
	}
	f.CorePixels = n
	dip := math.NaN()
	if n > 0 {
		dip = sum / float64(n)
		f.CoreDipNM = Num(dip * nmPerUM)
	} else {
		f.Flags = append(f.Flags, "no_core_pixels")
	}
	// A flat "tip" is a fiber only if something shows one: a step against
	// the surface around the cladding, or a core dip out of the noise.
	// Otherwise there is no fiber end here to measure.
	if flat && !(dip > 4*sigma) && !an.fiberSeen(centre) {
		return f.fail("not_found", "no fiber end at the nominal position: the surface there is flat and level with the ferrule")
	}

	// Height (SPEC §5): the mean of z − plane over the averaging disc,
	// taken in its continuous limit, so the pixel grid does not bias it:
	// the exact disc mean of the fitted tip above the plane (closed form; a
	// pixel-centre mean is off by ~2 nm at 1 mm tip radius), less the core
	// dip over the core's exact share (rc/a)² of the disc (a pixel count
	// gets that share wrong by up to a pixel's area), plus the mean of the
	// data's departure from the tip over the rest of the disc (dust, and
	// whatever the sphere does not follow), each pixel weighted by the
	// fraction of its area inside the disc.
	pix := math.Sqrt(an.m.Pitch.X * an.m.Pitch.Y)
	coreShare := 0.0
	if !math.IsNaN(dip) {
		coreShare = math.Min(1, sq(rc/a))
	}
	var valid, sw, swr float64
	an.pixelVisit(centre, a+pix, func(x, y, dX, dY, z float64) {
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
		swr += w * (z - tipAt(x, y, dX, dY))
	})
	if valid < minValidFraction*math.Pi*a*a/(pix*pix) {
		return f.fail("missing", "too few valid pixels in the averaging disc")
	}
	// Disc mean of the quadric above the plane: its value at the centre
	// plus (D+E)·a²/4, the trace being the same in every rotated frame.
	h := surf + (an.quadM.D+an.quadM.E)*a*a/4 + apex - sag
	if coreShare > 0 {
		h -= coreShare * dip
	}
	if sw > 0 {
		h += (1 - coreShare) * swr / sw
	}
	f.HeightNM = Num(h * nmPerUM)
	return f
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
