package fit

import (
	"fmt"
	"math"

	"github.com/mtgeo/mtgeo/geometry"
)

// PlaneMap fits the plane z = A + B·x + C·y, in map coordinates (µm), to
// the valid pixels of m selected by mask. mask is nil (use every valid
// pixel) or holds one entry per pixel of m.Rect, row-major:
// mask[(r−Rect.Min.Y)·Dx + (c−Rect.Min.X)], true = use. NaN pixels are
// skipped. m may be a sub-view (SubMap).
//
// It returns ErrTooFewPoints for fewer than 3 usable pixels and
// ErrIllConditioned if they are collinear. It panics if mask is non-nil and
// its length is not m.Rect.Dx()·m.Rect.Dy().
func PlaneMap(m *geometry.HeightMap, mask []bool) (Plane, error) {
	p, _, err := surfaceMap(m, mask, wantPlane)
	return p, err
}

// QuadricMap fits the quadric z = A + B·x + C·y + D·x² + E·y² + F·x·y, in
// map coordinates (µm), to the valid pixels of m selected by mask (as for
// PlaneMap). It returns ErrTooFewPoints for fewer than 6 usable pixels and
// ErrIllConditioned if they do not determine a quadric. It panics if mask
// is non-nil and has the wrong length.
func QuadricMap(m *geometry.HeightMap, mask []bool) (Quadric, error) {
	_, q, err := surfaceMap(m, mask, wantQuadric)
	return q, err
}

// SurfaceMap fits both the plane and the quadric of PlaneMap and QuadricMap
// in one pass over the pixels: the plane's normal equations are a sub-block
// of the quadric's. If the plane fit fails, both results are zero (bar
// Quality) and the error is the plane's. If only the quadric fails (fewer
// than 6 pixels, or pixels that determine a plane but not a quadric, such as
// a single row), the plane is valid and the error is the quadric's.
// It panics if mask is non-nil and has the wrong length.
func SurfaceMap(m *geometry.HeightMap, mask []bool) (Plane, Quadric, error) {
	return surfaceMap(m, mask, wantPlane|wantQuadric)
}

// mapMoments are the sums of a map fit in the scaled frame
// u = (c−cc)/hc, v = (r−rc)/hr (pixel units), w = z − z0.
type mapMoments struct {
	n  int
	m  [5][5]float64 // m[i][j] = Σ uⁱ·vʲ, i+j ≤ 4
	t  [3][3]float64 // t[i][j] = Σ w·uⁱ·vʲ, i+j ≤ 2
	ww float64       // Σ w²
}

// exps are the exponents (of u, v) of the basis 1, u, v, u², v², uv.
var exps = [maxParams][2]int{{0, 0}, {1, 0}, {0, 1}, {2, 0}, {0, 2}, {1, 1}}

// normal returns the normal equations of the first p basis functions.
func (mm *mapMoments) normal(p int) normalEq {
	ne := normalEq{p: p}
	for k := 0; k < p; k++ {
		ek := exps[k]
		ne.b[k] = mm.t[ek[0]][ek[1]]
		for l := k; l < p; l++ {
			el := exps[l]
			ne.a[k*maxParams+l] = mm.m[ek[0]+el[0]][ek[1]+el[1]]
		}
	}
	return ne
}

// What surfaceMap fits.
const (
	wantPlane = 1 << iota
	wantQuadric
)

func surfaceMap(hm *geometry.HeightMap, mask []bool, want int) (Plane, Quadric, error) {
	dx, dy := hm.Rect.Dx(), hm.Rect.Dy()
	if mask != nil && len(mask) != dx*dy {
		panic(fmt.Sprintf("fit: mask has %d entries, map has %d×%d pixels", len(mask), dx, dy))
	}
	quad := want&wantQuadric != 0
	c0, c1, r0, r1, z0, ok := usableBounds(hm, mask)
	if !ok {
		if want&wantPlane != 0 {
			return Plane{}, Quadric{}, tooFew("plane", 0, 3)
		}
		return Plane{}, Quadric{}, tooFew("quadric", 0, 6)
	}

	// Scaled frame: u = (c−cc)/hc spans [−1, 1] over the usable columns,
	// v = (r−rc)/hr over the usable rows; computed from integers, so exact
	// for half-integer centres.
	nc := c1 - c0 + 1
	ucol := make([]float64, nc)
	if nc > 1 {
		for j := range ucol {
			ucol[j] = float64(2*j-(nc-1)) / float64(nc-1)
		}
	}
	var tot [5]float64 // Σuᵏ over the columns
	for _, uj := range ucol {
		u2 := uj * uj
		tot[0]++
		tot[1] += uj
		tot[2] += u2
		tot[3] += u2 * uj
		tot[4] += u2 * u2
	}
	vrow := func(i int) float64 { // i = r − r0
		if r1 == r0 {
			return 0
		}
		return float64(2*i-(r1-r0)) / float64(r1-r0)
	}

	var mm mapMoments
	for r := r0; r <= r1; r++ { // r, like c0, relative to Rect.Min
		i := r*hm.Stride + c0
		row := hm.Z[i : i+nc : i+nc]
		var mrow []bool
		if mask != nil {
			k := r*dx + c0
			mrow = mask[k : k+nc : k+nc]
		}
		v := vrow(r - r0)
		if quad {
			var n int
			var s1, s2, s3, s4, t0, t1, t2, tt float64
			if mrow == nil {
				n, s1, s2, s3, s4, t0, t1, t2, tt = quadRow(row, ucol, &tot, z0)
			} else {
				n, s1, s2, s3, s4, t0, t1, t2, tt = quadRowMask(row, mrow, ucol, z0)
			}
			if n == 0 {
				continue
			}
			fn := float64(n)
			v2 := v * v
			v3, v4 := v2*v, v2*v2
			mm.n += n
			mm.m[0][0] += fn
			mm.m[1][0] += s1
			mm.m[2][0] += s2
			mm.m[3][0] += s3
			mm.m[4][0] += s4
			mm.m[0][1] += fn * v
			mm.m[1][1] += s1 * v
			mm.m[2][1] += s2 * v
			mm.m[3][1] += s3 * v
			mm.m[0][2] += fn * v2
			mm.m[1][2] += s1 * v2
			mm.m[2][2] += s2 * v2
			mm.m[0][3] += fn * v3
			mm.m[1][3] += s1 * v3
			mm.m[0][4] += fn * v4
			mm.t[0][0] += t0
			mm.t[1][0] += t1
			mm.t[2][0] += t2
			mm.t[0][1] += t0 * v
			mm.t[1][1] += t1 * v
			mm.t[0][2] += t0 * v2
			mm.ww += tt
		} else {
			var n int
			var s1, s2, t0, t1, tt float64
			if mrow == nil {
				n, s1, s2, t0, t1, tt = planeRow(row, ucol, &tot, z0)
			} else {
				n, s1, s2, t0, t1, tt = planeRowMask(row, mrow, ucol, z0)
			}
			if n == 0 {
				continue
			}
			fn := float64(n)
			mm.n += n
			mm.m[0][0] += fn
			mm.m[1][0] += s1
			mm.m[2][0] += s2
			mm.m[0][1] += fn * v
			mm.m[1][1] += s1 * v
			mm.m[0][2] += fn * v * v
			mm.t[0][0] += t0
			mm.t[1][0] += t1
			mm.t[0][1] += t0 * v
			mm.ww += tt
		}
	}

	// Back to map coordinates: x − xc = u·sx with sx = hc·Pitch.X (signed).
	cc := float64(hm.Rect.Min.X) + float64(c0+c1)/2
	rc := float64(hm.Rect.Min.Y) + float64(r0+r1)/2
	xc := hm.Offset.X + cc*hm.Pitch.X
	yc := hm.Offset.Y + rc*hm.Pitch.Y
	sx := float64(c1-c0) / 2 * hm.Pitch.X
	sy := float64(r1-r0) / 2 * hm.Pitch.Y
	if sx == 0 {
		sx = 1 // u ≡ 0: the fit is singular anyway
	}
	if sy == 0 {
		sy = 1
	}

	var plane Plane
	var quadric Quadric
	n := mm.n
	fn := float64(n)
	if want&wantPlane != 0 {
		if n < 3 {
			plane.N, quadric.N = n, n
			return plane, quadric, tooFew("plane", n, 3)
		}
		pe := mm.normal(3)
		beta, cond, err := pe.solve("plane")
		if err != nil {
			// A quadric is singular wherever its plane is.
			plane.Quality = Quality{N: n, Cond: cond}
			quadric.Quality = plane.Quality
			return plane, quadric, err
		}
		pq := fromScaled(&beta, xc, yc, z0, sx, sy)
		rss := pe.rss(&beta, mm.ww)
		plane = Plane{A: pq.A, B: pq.B, C: pq.C,
			Quality: Quality{N: n, RMS: math.Sqrt(rss / fn), Cond: cond, Cov: surfaceCov(&pe.a, 3, n, rss, xc, yc, z0, sx, sy)}}
	}
	if want&wantQuadric != 0 {
		if n < 6 {
			quadric.N = n
			return plane, quadric, tooFew("quadric", n, 6)
		}
		qe := mm.normal(6)
		beta, cond, err := qe.solve("quadric")
		if err != nil {
			quadric.Quality = Quality{N: n, Cond: cond}
			return plane, quadric, err
		}
		quadric = fromScaled(&beta, xc, yc, z0, sx, sy)
		rss := qe.rss(&beta, mm.ww)
		quadric.Quality = Quality{N: n, RMS: math.Sqrt(rss / fn), Cond: cond, Cov: surfaceCov(&qe.a, 6, n, rss, xc, yc, z0, sx, sy)}
	}
	return plane, quadric, nil
}

// usableBounds returns the bounding box of the usable pixels (valid and
// selected by mask), as column and row indices relative to m.Rect.Min
// (inclusive), and the height of the first usable pixel. It scans each row
// from both ends only until it meets a usable pixel, so on a mostly valid
// map it reads little more than the border.
func usableBounds(m *geometry.HeightMap, mask []bool) (c0, c1, r0, r1 int, z0 float64, ok bool) {
	dx, dy := m.Rect.Dx(), m.Rect.Dy()
	c0, c1 = dx, -1
	for i := 0; i < dy; i++ {
		row := m.Z[i*m.Stride : i*m.Stride+dx]
		var mrow []bool
		if mask != nil {
			mrow = mask[i*dx : (i+1)*dx]
		}
		usable := func(j int) bool { return row[j]-row[j] == 0 && (mrow == nil || mrow[j]) }
		first := -1
		for j := 0; j < dx; j++ {
			if usable(j) {
				first = j
				break
			}
		}
		if first < 0 {
			continue
		}
		last := first
		for j := dx - 1; j > first; j-- {
			if usable(j) {
				last = j
				break
			}
		}
		if !ok {
			ok = true
			r0 = i
			z0 = row[first]
		}
		r1 = i
		c0 = min(c0, first)
		c1 = max(c1, last)
	}
	return c0, c1, r0, r1, z0, ok
}

// The row kernels accumulate, over the valid pixels of one row, the count,
// Σuᵏ and Σw·uᵏ with w = z − z0, and Σw². They are the only per-pixel code
// of the map fits.

// quadRow is the kernel of a row without mask. tot holds Σuᵏ, k ≤ 4, over
// the whole row: the pixel sums of u are those of tot less those over the
// (rare) NaN pixels, so a valid pixel costs only the sums of w. It takes
// two pixels a step with two sets of accumulators, halving the chains of
// dependent additions, and leaves pairs holding a NaN to rowRest.
func quadRow(z, u []float64, tot *[5]float64, z0 float64) (n int, s1, s2, s3, s4, t0, t1, t2, tt float64) {
	u = u[:len(z)]
	var rest rowRest
	var t0b, t1b, t2b, ttb float64
	j := 0
	for j+1 < len(z) {
		// The inner loop makes no call, so the accumulators can stay in
		// registers.
		for ; j+1 < len(z); j += 2 {
			za, zb := z[j], z[j+1]
			if za-za != 0 || zb-zb != 0 {
				break
			}
			ua := u[j]
			w := za - z0
			t0 += w
			tt += w * w
			w *= ua
			t1 += w
			t2 += w * ua
			ub := u[j+1]
			w = zb - z0
			t0b += w
			ttb += w * w
			w *= ub
			t1b += w
			t2b += w * ub
		}
		if j+1 < len(z) {
			rest.add(z[j:j+2], u[j:j+2], z0)
			j += 2
		}
	}
	rest.add(z[j:], u[j:], z0)
	return len(z) - rest.bad, tot[1] - rest.b[1], tot[2] - rest.b[2], tot[3] - rest.b[3], tot[4] - rest.b[4],
		t0 + t0b + rest.t[0], t1 + t1b + rest.t[1], t2 + t2b + rest.t[2], tt + ttb + rest.tt
}

// rowRest accumulates the pixels the row kernels leave aside: the sums of
// u over NaN pixels, the sums of w over valid ones.
type rowRest struct {
	bad int
	b   [5]float64 // Σuᵏ over NaN pixels
	t   [3]float64 // Σw·uᵏ over valid pixels
	tt  float64    // Σw² over valid pixels
}

// add is kept out of line so that its variables do not crowd the
// registers of the kernels' loops.
//
//go:noinline
func (r *rowRest) add(z, u []float64, z0 float64) {
	for k, zk := range z {
		uk := u[k]
		u2 := uk * uk
		if zk-zk != 0 {
			r.bad++
			r.b[1] += uk
			r.b[2] += u2
			r.b[3] += u2 * uk
			r.b[4] += u2 * u2
			continue
		}
		w := zk - z0
		r.t[0] += w
		r.t[1] += w * uk
		r.t[2] += w * u2
		r.tt += w * w
	}
}

func quadRowMask(z []float64, mask []bool, u []float64, z0 float64) (n int, s1, s2, s3, s4, t0, t1, t2, tt float64) {
	u = u[:len(z)]
	mask = mask[:len(z)]
	for j, zj := range z {
		if zj-zj != 0 || !mask[j] {
			continue
		}
		uj := u[j]
		u2 := uj * uj
		w := zj - z0
		wu := w * uj
		n++
		s1 += uj
		s2 += u2
		s3 += u2 * uj
		s4 += u2 * u2
		t0 += w
		t1 += wu
		t2 += wu * uj
		tt += w * w
	}
	return
}

// planeRow is quadRow for the plane.
func planeRow(z, u []float64, tot *[5]float64, z0 float64) (n int, s1, s2, t0, t1, tt float64) {
	u = u[:len(z)]
	var rest rowRest
	var t0b, t1b, ttb float64
	j := 0
	for j+1 < len(z) {
		for ; j+1 < len(z); j += 2 {
			za, zb := z[j], z[j+1]
			if za-za != 0 || zb-zb != 0 {
				break
			}
			w := za - z0
			t0 += w
			tt += w * w
			t1 += w * u[j]
			w = zb - z0
			t0b += w
			ttb += w * w
			t1b += w * u[j+1]
		}
		if j+1 < len(z) {
			rest.add(z[j:j+2], u[j:j+2], z0)
			j += 2
		}
	}
	rest.add(z[j:], u[j:], z0)
	return len(z) - rest.bad, tot[1] - rest.b[1], tot[2] - rest.b[2],
		t0 + t0b + rest.t[0], t1 + t1b + rest.t[1], tt + ttb + rest.tt
}

func planeRowMask(z []float64, mask []bool, u []float64, z0 float64) (n int, s1, s2, t0, t1, tt float64) {
	u = u[:len(z)]
	mask = mask[:len(z)]
	for j, zj := range z {
		if zj-zj != 0 || !mask[j] {
			continue
		}
		uj := u[j]
		w := zj - z0
		n++
		s1 += uj
		s2 += uj * uj
		t0 += w
		t1 += w * uj
		tt += w * w
	}
	return
}
