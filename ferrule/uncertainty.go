package ferrule

import (
	"fmt"
	"math"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// The standard uncertainties of SPEC §11 (the method is in the package
// documentation, section Uncertainty, and docs/uncertainty.md).

// window is a rectangle of the pixel lattice around a point, holding one
// value per pixel (a residual, a weight), row-major: v[(row−r0)·nc +
// (col−c0)], columns and rows absolute like the map's.
type window struct {
	c0, r0, nc, nr int
	v              []float64
}

// window returns the lattice window covering every pixel pixelVisit visits
// within rad of ferrule-frame point c, its values set to fill, in buf
// (grown if needed).
func (an *analysis) window(c r2.Vec, rad float64, buf []float64, fill float64) window {
	_, c0, c1, r0, r1 := an.pixelBox(c, rad)
	w := window{c0: c0, r0: r0, nc: c1 - c0 + 1, nr: r1 - r0 + 1}
	n := w.nc * w.nr
	if cap(buf) < n {
		buf = make([]float64, n)
	}
	w.v = buf[:n]
	for i := range w.v {
		w.v[i] = fill
	}
	return w
}

// at returns the index in w.v of the pixel at map point (x, y), a pixel
// centre that pixelVisit gave.
func (an *analysis) at(w *window, x, y float64) int {
	m := an.m
	col := int(math.Round((x-m.Offset.X)/m.Pitch.X)) - w.c0
	row := int(math.Round((y-m.Offset.Y)/m.Pitch.Y)) - w.r0
	if col < 0 || col >= w.nc || row < 0 || row >= w.nr {
		panic(fmt.Sprintf("ferrule: pixel (%g, %g) outside its uncertainty window", x, y)) // a bug: the window is too small
	}
	return row*w.nc + col
}

// tipNoise estimates the correlation of the tip fit's residuals on the
// pixel grid (fit.GridCorrelation over the annulus, the outliers the fit
// left out excluded) into t.corr, and sets t.covc, the covariance of the
// tip's parameters for the uncertainties: the fit's own where the
// residuals are independent, else the sandwich of fit.Covariance.Correlated
// with JᵀRJ over the fitted pixels (J the tip's derivatives, R the
// residuals' correlation), by separable convolution on the window.
func (an *analysis) tipNoise(t *tip) {
	w := an.window(t.at, an.reg.FitRadius, an.win, math.NaN())
	an.win = w.v
	in2, out2 := sq(an.reg.CoreExclusionRadius), sq(an.reg.FitRadius)
	// The window's pixels in the annulus, as pixelVisit finds them, by a
	// direct loop: the frame offset of pixel (i, j) is o + i·ex + j·ey.
	m := an.m
	p0 := an.frame.ToMap(t.at)
	sin, cos := math.Sincos(an.frame.Rotation)
	ddx0 := m.Offset.X + float64(w.c0)*m.Pitch.X - p0.X
	ddy0 := m.Offset.Y + float64(w.r0)*m.Pitch.Y - p0.Y
	off := func(i, j int) (float64, float64) {
		ddx, ddy := ddx0+float64(i)*m.Pitch.X, ddy0+float64(j)*m.Pitch.Y
		return cos*ddx + sin*ddy, -sin*ddx + cos*ddy
	}
	for j := 0; j < w.nr; j++ {
		row := m.Row(w.r0 + j)
		if row == nil {
			continue
		}
		y := m.Offset.Y + float64(w.r0+j)*m.Pitch.Y
		out := w.v[j*w.nc : (j+1)*w.nc]
		for i := range out {
			col := w.c0 + i - m.Rect.Min.X
			if col < 0 || col >= len(row) {
				continue
			}
			z := row[col]
			if z != z {
				continue
			}
			dX, dY := off(i, j)
			if rho2 := dX*dX + dY*dY; rho2 < in2 || rho2 > out2 {
				continue
			}
			x := m.Offset.X + float64(w.c0+i)*m.Pitch.X
			if r := z - an.planeM.At(x, y) - t.at0(dX, dY); r <= t.clip && r >= -t.clip {
				out[i] = r
			}
		}
	}
	t.corr = fit.GridCorrelation(w.v, w.nc, w.nr, w.nc)
	raw := t.sphere.Cov
	if t.flat {
		raw = t.plane.Cov
	}
	t.covc = raw
	if t.corr.KX == 0 && t.corr.KY == 0 || raw == nil {
		return
	}
	p, n := raw.P, len(w.v)
	if cap(an.scratch) < (p+2)*n {
		an.scratch = make([]float64, (p+2)*n)
	}
	buf := an.scratch[:(p+2)*n]
	clear(buf[:p*n])
	var count int
	for k, r := range w.v {
		if r != r {
			continue
		}
		g := t.grad(off(k%w.nc, k/w.nc))
		for a := 0; a < p; a++ {
			buf[a*n+k] = g.g[a]
		}
		count++
	}
	var jrj [16]float64
	dst, tmp := buf[p*n:(p+1)*n], buf[(p+1)*n:]
	for b := 0; b < p; b++ {
		dst, tmp = t.corr.Convolve(dst, buf[b*n:(b+1)*n], w.nc, w.nr, tmp)
		for a := 0; a < p; a++ {
			var s float64
			for i, v := range buf[a*n : (a+1)*n] {
				s += v * dst[i]
			}
			jrj[a*p+b] = s
		}
	}
	if c := raw.Correlated(jrj[:p*p], count); c != nil {
		t.covc = c
	} else {
		t.covc = raw.Scale(t.corr.Factor())
	}
}

// tipGrad is the derivative of the tip's height at an offset from t.at
// with respect to its parameters: (∂/∂X0, ∂/∂Y0, ∂/∂Z0, ∂/∂R) for a
// sphere, (∂/∂A, ∂/∂B, ∂/∂C) for a flat tip, in its first n entries.
type tipGrad struct {
	g [4]float64
	n int
}

// grad returns the derivative of t.at0 at offset (dX, dY). For the sphere
// z = Z0 − R + sign(R)·s, s = √(R² − ρ²): ∂z/∂X0 = sign(R)·(dX − X0)/s,
// likewise Y0, ∂z/∂Z0 = 1 and ∂z/∂R = |R|/s − 1 = ρ²/(s·(|R| + s)),
// written without cancellation.
func (t *tip) grad(dX, dY float64) tipGrad {
	if t.flat {
		return tipGrad{g: [4]float64{1, dX, dY}, n: 3}
	}
	s := t.sphere
	ex, ey := dX-s.X0, dY-s.Y0
	rho2 := ex*ex + ey*ey
	ar := math.Abs(s.R)
	q := math.Sqrt(max(s.R*s.R-rho2, 0))
	sg := math.Copysign(1, s.R)
	return tipGrad{g: [4]float64{sg * ex / q, sg * ey / q, 1, rho2 / (q * (ar + q))}, n: 4}
}

// moments are the sums Σw, Σw·X, Σw·Y, Σw·(X² + Y²) of weighted points.
type moments struct{ w, x, y, rr float64 }

func (m *moments) add(w, x, y float64) {
	m.w += w
	m.x += w * x
	m.y += w * y
	m.rr += w * (x*x + y*y)
}

// gradSum returns Σw·grad over the points whose moments m holds, with the
// sphere's derivatives taken to first order in ρ²/R² (∂z/∂X0 ≈
// (X − X0)/R, ∂z/∂R ≈ ρ²/(2R²)): within the averaging disc (ρ ≲ 30 µm,
// R ≥ 1 mm) that is within 0.1 % of the exact derivative, on a term that
// nearly cancels anyway. A flat tip's derivatives are linear: exact.
func (t *tip) gradSum(m *moments) tipGrad {
	if t.flat {
		return tipGrad{g: [4]float64{m.w, m.x, m.y}, n: 3}
	}
	s := t.sphere
	rho2 := m.rr - 2*s.X0*m.x - 2*s.Y0*m.y + (s.X0*s.X0+s.Y0*s.Y0)*m.w
	return tipGrad{g: [4]float64{(m.x - s.X0*m.w) / s.R, (m.y - s.Y0*m.w) / s.R, m.w, rho2 / (2 * s.R * s.R)}, n: 4}
}

func (g *tipGrad) add(w float64, o tipGrad) {
	g.n = o.n
	for i := 0; i < o.n; i++ {
		g.g[i] += w * o.g[i]
	}
}

// variance returns gᵀ·C·g, NaN without a covariance.
func (g *tipGrad) variance(c *fit.Covariance) float64 {
	if c == nil || c.P != g.n {
		return math.NaN()
	}
	return c.Var(g.g[:g.n]...)
}

// planeVarAt is the variance of the reference plane's height at
// ferrule-frame point p, µm² (0 without a covariance).
func (an *analysis) planeVarAt(p r2.Vec) float64 {
	c := an.planeM.Cov
	if c == nil {
		return 0
	}
	q := an.frame.ToMap(p)
	return c.Var(1, q.X, q.Y)
}

// planeSlopeVar is the mean of the variances of the reference plane's
// slopes along the ferrule frame's X and Y (0 without a covariance).
func (an *analysis) planeSlopeVar() float64 {
	c := an.planeM.Cov
	if c == nil {
		return 0
	}
	s, co := math.Sincos(an.frame.Rotation)
	return (c.Var(0, co, s) + c.Var(0, -s, co)) / 2
}

// uncertainties sets the fiber's standard uncertainties (SPEC §11) from
// the tip t fitted around centre, found by method (with the edge circle
// when from the edge), after coreDip (whose weights an.core holds) and
// fiberHeight have run with dip.
func (an *analysis) uncertainties(f *Fiber, t *tip, centre r2.Vec, method string, edge edgeFit, dip float64) {
	an.tipNoise(t)
	cov := t.covc
	if cov == nil {
		return // no residual degrees of freedom: no uncertainty to give
	}
	s2 := cov.Sigma2

	// Position, each coordinate alike.
	var uPos2 float64
	switch method {
	case CentreApex:
		// The apex (X0, Y0) of the tip fitted above the reference plane:
		// a plane slope error δ moves it by R·δ.
		uPos2 = (cov.At(0, 0)+cov.At(1, 1))/2 + sq(t.sphere.R)*an.planeSlopeVar()
	case CentreEdge:
		uPos2 = an.edgeVar(edge)
	}
	if method != CentreNominal {
		f.UPositionUM = Num(math.Sqrt(uPos2))
	}

	// Apex height: the tip at the centre, and the plane there; an edge
	// centre's uncertainty moves it along the tip's slope.
	d := r2.Sub(centre, t.at)
	g := t.grad(d.X, d.Y)
	v := g.variance(cov) + an.planeVarAt(centre)
	if method == CentreEdge && !t.flat {
		e := r2.Sub(d, r2.Vec{X: t.sphere.X0, Y: t.sphere.Y0})
		v += (sq(e.X) + sq(e.Y)) / sq(t.sphere.R) * uPos2
	}
	f.UApexHeightNM = Num(math.Sqrt(v) * nmPerUM)

	if f.RadiusMM.Valid() {
		f.URadiusMM = Num(math.Sqrt(cov.At(3, 3)) / umPerMM)
	}

	// Core dip: Σ c_j·(tip_j − z_j) over the core pixels, so its variance
	// is the tip's, through Σ c_j·∇tip_j, plus the pixels' noise (not in
	// the tip fit, so independent of it), σ²·cᵀRc with R the residuals'
	// correlation on the grid.
	coreShare := 0.0
	// The core pixels are those coreDip visits: within this of centre.
	coreReach := an.reg.CoreDiameter/2 + 1.5*max(an.m.Pitch.X, an.m.Pitch.Y)
	if f.CorePixels > 0 && !math.IsNaN(dip) {
		var gc tipGrad
		w := an.window(centre, coreReach, an.win, 0)
		an.win = w.v
		for _, p := range an.core {
			if p.coef != 0 {
				gc.add(p.coef, t.grad(p.dX, p.dY))
				w.v[an.at(&w, p.x, p.y)] += p.coef
			}
		}
		q, tmp := t.corr.QuadForm(w.v, w.nc, w.nr, an.scratch)
		an.scratch = tmp
		f.UCoreDipNM = Num(math.Sqrt(gc.variance(cov)+s2*q) * nmPerUM)
		coreShare = min(1, sq(an.reg.CoreDiameter/an.reg.AveragingDiameter))
	}

	// Height (see fiberHeight): the tip's exact disc mean, less the core
	// share of the dip, plus the mean departure of the pixels from the tip
	// over the rest of the disc. As a function of the pixels' noise that is
	// the weighted sum a = coreShare·c (core pixels) + (1 − coreShare)·w/Σw
	// (the other disc pixels), plus the tip's parameters through
	// d = ∇(disc mean) − coreShare·Σc∇tip − (1 − coreShare)·Σ(w/Σw)∇tip,
	// which nearly vanishes (the disc mean of the tip is nearly the pixel
	// mean): the height is in effect an average of the pixels.
	if f.HeightNM.Valid() {
		a := an.reg.AveragingDiameter / 2
		pix := math.Sqrt(an.m.Pitch.X * an.m.Pitch.Y)
		// The window holds the disc and the core pixels of the dip, which
		// reach beyond it when the core is wider than the disc.
		r := a + pix
		if coreShare > 0 {
			r = max(r, coreReach)
		}
		w := an.window(centre, r, an.win, 0)
		an.win = w.v
		// One pass: the weights w, normalised by Σw after, and their
		// moments, from which Σw·∇tip follows (tip.gradSum).
		var gd tipGrad
		var mo moments
		an.discVisit(centre, coreShare, func(x, y, dX, dY, z, wt float64, inCore bool) {
			if !inCore {
				w.v[an.at(&w, x, y)] += wt
				mo.add(wt, d.X+dX, d.Y+dY)
			}
		})
		if mo.w > 0 {
			k := (1 - coreShare) / mo.w
			for i := range w.v {
				w.v[i] *= k
			}
			gd.add(-k, t.gradSum(&mo))
		}
		if coreShare > 0 {
			for _, p := range an.core {
				if p.coef != 0 {
					k := coreShare * p.coef
					w.v[an.at(&w, p.x, p.y)] += k
					gd.add(-k, t.grad(p.dX, p.dY))
				}
			}
		}
		gd.add(1, t.discMeanGrad(d, a))
		q, tmp := t.corr.QuadForm(w.v, w.nc, w.nr, an.scratch)
		an.scratch = tmp
		f.UHeightNM = Num(math.Sqrt(s2*q+gd.variance(cov)+an.planeVarAt(centre)) * nmPerUM)
	}
}

// discMeanGrad is the derivative of t.discMean about offset d from t.at
// (radius a) with respect to the tip's parameters: the tip's at d, less
// for a sphere the derivative of its mean sag over the disc with respect
// to R (by central difference: meanSag is smooth in R).
func (t *tip) discMeanGrad(d r2.Vec, a float64) tipGrad {
	g := t.grad(d.X, d.Y)
	if !t.flat {
		r := t.sphere.R
		h := 1e-4 * math.Abs(r)
		g.g[3] -= (meanSag(r+h, a) - meanSag(r-h, a)) / (2 * h)
	}
	return g
}

// edgeVar is the variance of each coordinate of a centre from the
// cladding edge's circle.
func (an *analysis) edgeVar(e edgeFit) float64 {
	if e.open == e.open {
		return e.open
	}
	c := e.circ
	if c.Cov == nil {
		return math.NaN()
	}
	return (c.Cov.At(0, 0) + c.Cov.At(1, 1)) / 2
}

// surfaceRows is how many consecutive rows of the fitting region, in each
// of two bands, the reference surface's residual correlation is estimated
// from: enough rows for every lag along y, and with the region's width
// some 10⁴ residuals per band, a lag estimate good to ~0.01.
const surfaceRows = fit.MaxLag + 4

// surfaceCov sets the covariance of the reference plane plane (fitted to
// the pixels of m selected by mask, beside the quadric quad) for the
// angles' uncertainty: σ²·(AᵀA)⁻¹ with σ² the quadric's residual variance
// (the plane's own residuals hold the ferrule's curvature, which is no
// noise), inflated by the correlation of the quadric's residuals on the
// grid, estimated from two bands of surfaceRows rows at a third and two
// thirds of the region's height.
func (an *analysis) surfaceCov(m *geometry.HeightMap, mask []bool, plane fit.Plane, quad fit.Quadric) fit.Plane {
	if plane.Cov == nil || quad.Cov == nil || !(plane.Cov.Sigma2 > 0) {
		return plane
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	rows := min(surfaceRows, h)
	corr := fit.White()
	var best int
	for _, at := range [2]int{h / 3, 2 * h / 3} {
		r0 := min(max(at-rows/2, 0), h-rows)
		n := rows * w
		if cap(an.res) < n {
			an.res = make([]float64, n)
		}
		res := an.res[:n]
		for j := 0; j < rows; j++ {
			r := m.Rect.Min.Y + r0 + j
			y := m.Offset.Y + float64(r)*m.Pitch.Y
			row := m.Row(r)
			mrow := mask[(r0+j)*w : (r0+j+1)*w]
			out := res[j*w : (j+1)*w]
			for i, ok := range mrow {
				out[i] = math.NaN()
				if z := row[i]; ok && z == z {
					out[i] = z - quad.At(m.Offset.X+float64(m.Rect.Min.X+i)*m.Pitch.X, y)
				}
			}
		}
		// The band with more residuals decides.
		if c := fit.GridCorrelation(res, w, rows, w); c.N > best {
			corr, best = c, c.N
		}
	}
	plane.Cov = plane.Cov.Scale(quad.Cov.Sigma2 / plane.Cov.Sigma2 * corr.Factor())
	return plane
}
