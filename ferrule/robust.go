package ferrule

import (
	"math"

	"github.com/mtgeo/mtgeo/fit"
	"github.com/mtgeo/mtgeo/geometry"
)

// spikeUM is how far (µm) a pixel must stand above all its valid
// neighbours, or below all of them, to be a spike: far beyond the change
// between neighbouring pixels of any polished surface (a 1 mm tip at its
// edge changes by 0.2 µm over 3 µm, a 0.5° tilt by 0.03 µm) and beyond any
// core dip a single pixel can hold, far short of the micrometres of a
// phase-unwrapping error or a dust speck.
const spikeUM = 0.5

// maxSpikeFraction is the share of the valid pixels beyond which isolated
// outliers are not spikes on a surface but a surface too rough or noisy to
// measure: they are then left in, with a warning.
const maxSpikeFraction = 0.02

// scanBlockRows is how many map rows one goroutine of scanPixels takes
// at a time.
const scanBlockRows = 64

// pixelScan is what scanPixels finds in one block of rows.
type pixelScan struct {
	valid, inf int
	spikes     []int
	overflow   bool // more spikes than any limit allows
}

// scanPixels counts the valid (finite) and infinite pixels of m and finds
// its isolated spikes, in one pass over blocks of rows spread over the
// processors this analysis may use; the result does not depend on how
// many there are. The spikes are valid pixels with at least three valid
// neighbours (of eight) that stand more than spikeUM above the highest of
// them or below the lowest, as compact indices (r−Rect.Min.Y)·Dx +
// (c−Rect.Min.X). An edge pixel, a step or a slope always has a neighbour
// on its own level, so only pixels that no neighbour supports are taken;
// spikes of several pixels are left to the robust fits. ok is false, and
// no index returned, when more than maxSpikeFraction of the valid pixels
// are spikes. Infinite pixels are invalid: neither spikes nor anyone's
// neighbours.
func (a *Analyzer) scanPixels(m *geometry.HeightMap) (valid, inf int, spikes []int, ok bool) {
	blocks := a.scanBlocks(m)
	for i := range blocks {
		valid += blocks[i].valid
		inf += blocks[i].inf
	}
	spikes, ok = a.mergeSpikes(blocks, valid)
	return valid, inf, spikes, ok
}

// scanBlocks scans m's rows block by block (see scanPixels).
func (a *Analyzer) scanBlocks(m *geometry.HeightMap) []pixelScan {
	rows := m.Rect.Dy()
	n := (rows + scanBlockRows - 1) / scanBlockRows
	if cap(a.scans) < n {
		a.scans = make([]pixelScan, n)
	}
	blocks := a.scans[:n]
	// No limit can exceed maxSpikeFraction of all the pixels: a block with
	// more stops collecting.
	bound := int(maxSpikeFraction * float64(rows*m.Rect.Dx()))
	parallel(a.share(n, 4), n, func(_, b int) {
		r0 := m.Rect.Min.Y + b*scanBlockRows
		blocks[b] = scanRows(m, r0, min(r0+scanBlockRows, m.Rect.Max.Y), bound, blocks[b].spikes[:0])
	})
	return blocks
}

// mergeSpikes joins the spikes of the blocks in order, of a map with
// valid valid pixels; ok is false beyond maxSpikeFraction of them.
func (a *Analyzer) mergeSpikes(blocks []pixelScan, valid int) ([]int, bool) {
	limit := int(maxSpikeFraction * float64(valid))
	out := a.spikeIdx[:0]
	ok := true
	for i := range blocks {
		ok = ok && !blocks[i].overflow
		if ok {
			out = append(out, blocks[i].spikes...)
		}
	}
	a.spikeIdx = out[:0]
	if !ok || len(out) > limit {
		return nil, false
	}
	return out, true
}

// scanRows counts the valid and infinite pixels of rows r0 ≤ r < r1 of m
// and appends their spikes to out (up to bound, then overflow).
func scanRows(m *geometry.HeightMap, r0, r1, bound int, out []int) pixelScan {
	s := pixelScan{spikes: out}
	w := m.Rect.Dx()
	classify := func(z float64) {
		if z-z == 0 {
			s.valid++
		} else if z == z {
			s.inf++ // Inf − Inf is NaN, NaN ≠ NaN
		}
	}
	for r := r0; r < r1; r++ {
		row := m.Row(r)
		if r == m.Rect.Min.Y || r == m.Rect.Max.Y-1 || len(row) < 3 {
			for _, z := range row { // spikes need a row either side
				classify(z)
			}
			continue
		}
		classify(row[0])
		classify(row[len(row)-1])
		up, down := m.Row(r-1), m.Row(r+1)
		up, down = up[:len(row)], down[:len(row)]
		for c := 1; c < len(row)-1; c++ {
			z := row[c]
			// A neighbour on z's own level supports it: the common case,
			// decided by one comparison, which also shows z finite
			// (false for NaN and ±Inf).
			if d := z - row[c-1]; d <= spikeUM && d >= -spikeUM {
				s.valid++
				continue
			}
			if z-z != 0 {
				if z == z {
					s.inf++
				}
				continue
			}
			s.valid++
			if s.overflow {
				continue
			}
			lo, hi, n := math.Inf(1), math.Inf(-1), 0
			for _, v := range [8]float64{up[c-1], up[c], up[c+1], row[c-1], row[c+1], down[c-1], down[c], down[c+1]} {
				if v-v == 0 { // finite: NaN and ±Inf are no neighbours
					if v < lo {
						lo = v
					}
					if v > hi {
						hi = v
					}
					n++
				}
			}
			if n >= 3 && (z > hi+spikeUM || z < lo-spikeUM) {
				if len(s.spikes) >= bound {
					s.overflow = true
					continue
				}
				s.spikes = append(s.spikes, (r-m.Rect.Min.Y)*w+c)
			}
		}
	}
	return s
}

// finite returns a compact copy of m with infinite heights set to NaN.
func finite(m *geometry.HeightMap) *geometry.HeightMap {
	c := m.Clone()
	for i, z := range c.Z {
		if math.IsInf(z, 0) {
			c.Z[i] = math.NaN()
		}
	}
	return c
}

// clipSigmas is how many robust standard deviations (1.4826·MAD, the σ of
// Gaussian noise) a residual may stray before it is an outlier and left
// out of a fit.
const clipSigmas = 5

// outlierFlagFraction is the share of a fit's points above which a fiber
// is flagged "outliers": more than a few stray pixels is something on the
// tip (dust, a chip, a scratch) worth a look.
const outlierFlagFraction = 0.02

// clipLimit returns the residual beyond which a point is an outlier:
// clipSigmas robust standard deviations of res (which it reorders), at
// least floor.
func clipLimit(res []float64, floor float64) float64 {
	return clipAbout(res, median(res), floor)
}

// clipAbout is clipLimit for a caller that has the median med of res
// already: clipSigmas·1.4826·MAD about med, at least floor. It overwrites
// res with the absolute deviations.
func clipAbout(res []float64, med, floor float64) float64 {
	for i, r := range res {
		res[i] = math.Abs(r - med)
	}
	return max(clipSigmas*1.4826*median(res), floor)
}

// robustPlane fits a plane to the points and refits it once without those
// more than 3 RMS (at least 10 nm) off, dust and edge remnants.
func robustPlane(xs, ys, zs []float64) (fit.Plane, bool) {
	p, err := fit.PlanePoints(xs, ys, zs)
	if err != nil {
		return p, false
	}
	tol := max(3*p.RMS, 0.01)
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
		lim := max(tol, 3*circ.RMS)
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
