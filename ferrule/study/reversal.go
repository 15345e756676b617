package study

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/ferrule"
)

// DefaultSpacingToleranceUM is how far the hole spacings of A and B may
// differ for B to be A turned (see the package documentation).
const DefaultSpacingToleranceUM = 1.0

// ReversalOptions control Reverse.
type ReversalOptions struct {
	// SpacingToleranceUM is the largest difference of the two hole
	// spacings, µm; 0 means DefaultSpacingToleranceUM.
	SpacingToleranceUM float64
}

// ErrNotTurned is wrapped by Reverse's error when B cannot be A turned by
// 180°.
var ErrNotTurned = errors.New("study: B is not A turned by 180°")

// Reversal is the orientation-reversal result (SPEC §12), in A's hole
// frame.
type Reversal struct {
	A ReversalSide `json:"a"`
	B ReversalSide `json:"b"`
	// Part is the ferrule's own angles, Instrument the instrument's bias.
	Part       Angles `json:"part"`
	Instrument Angles `json:"instrument"`
	// FibersPaired counts the pairs with both fibers measured.
	FibersPaired int            `json:"fibers_paired"`
	Pairs        []ReversalPair `json:"pairs"`
	Warnings     []string       `json:"warnings"`
}

// ReversalSide is what Reverse read from one report.
type ReversalSide struct {
	File          string      `json:"file"`
	Layout        string      `json:"layout"`
	HoleSpacingUM ferrule.Num `json:"hole_spacing_um"`
	RotationDeg   ferrule.Num `json:"rotation_deg"`
	XAngleDeg     ferrule.Num `json:"x_angle_deg"`
	YAngleDeg     ferrule.Num `json:"y_angle_deg"`
}

// Angles are an X and a Y angle, degrees.
type Angles struct {
	XAngleDeg ferrule.Num `json:"x_angle_deg"`
	YAngleDeg ferrule.Num `json:"y_angle_deg"`
}

// ReversalPair is one part fiber seen in both measurements: fiber AFiber
// of A, BFiber = N + 1 − AFiber of B. B's position errors are turned into
// A's frame (negated: the part's own offsets then agree in sign).
type ReversalPair struct {
	AFiber int `json:"a_fiber"`
	BFiber int `json:"b_fiber"`
	// Measured is false when either fiber was not measured; the numbers
	// are then null.
	Measured           bool        `json:"measured"`
	HeightANM          ferrule.Num `json:"height_a_nm"`
	HeightBNM          ferrule.Num `json:"height_b_nm"`
	PartHeightNM       ferrule.Num `json:"part_height_nm"`
	InstrumentHeightNM ferrule.Num `json:"instrument_height_nm"`
	DXAUM              ferrule.Num `json:"dx_a_um"`
	DYAUM              ferrule.Num `json:"dy_a_um"`
	DXBUM              ferrule.Num `json:"dx_b_um"`
	DYBUM              ferrule.Num `json:"dy_b_um"`
	PartDXUM           ferrule.Num `json:"part_dx_um"`
	PartDYUM           ferrule.Num `json:"part_dy_um"`
	InstrumentDXUM     ferrule.Num `json:"instrument_dx_um"`
	InstrumentDYUM     ferrule.Num `json:"instrument_dy_um"`
}

// Reverse splits the measurements a and b of one ferrule, b turned by 180°
// in the fixture, into the part's angles, heights and positions and the
// instrument's (see the package documentation). It returns an error
// wrapping ErrNotTurned when b cannot be a turned: another layout or fiber
// count, hole spacings apart by more than the tolerance, or a frame not
// from the guide holes.
func Reverse(a, b *ferrule.Report, opts ReversalOptions) (*Reversal, error) {
	if a == nil || b == nil {
		return nil, errors.New("study: reversal needs two reports")
	}
	tol := opts.SpacingToleranceUM
	if tol == 0 {
		tol = DefaultSpacingToleranceUM
	}
	if !(tol > 0) || math.IsInf(tol, 0) {
		return nil, fmt.Errorf("study: hole-spacing tolerance %g µm must be positive", tol)
	}
	name := func(r *ferrule.Report, d string) string {
		if r.File != "" {
			return r.File
		}
		return d
	}
	na, nb := name(a, "A"), name(b, "B")
	for _, s := range []struct {
		r *ferrule.Report
		n string
	}{{a, na}, {b, nb}} {
		if !s.r.Frame.FromHoles || !s.r.Frame.HoleSpacingUM.Valid() {
			return nil, fmt.Errorf("%w: %s's frame is not from its guide holes (given by option), so it does not turn with the part", ErrNotTurned, s.n)
		}
		if !s.r.Ferrule.XAngleDeg.Valid() || !s.r.Ferrule.YAngleDeg.Valid() {
			return nil, fmt.Errorf("study: %s has no ferrule angles", s.n)
		}
	}
	if !strings.EqualFold(a.Layout, b.Layout) {
		return nil, fmt.Errorf("%w: %s is %s, %s is %s", ErrNotTurned, na, a.Layout, nb, b.Layout)
	}
	if len(a.Fibers) != len(b.Fibers) {
		return nil, fmt.Errorf("%w: %s has %d fibers, %s %d", ErrNotTurned, na, len(a.Fibers), nb, len(b.Fibers))
	}
	if d := float64(a.Frame.HoleSpacingUM - b.Frame.HoleSpacingUM); math.Abs(d) > tol {
		return nil, fmt.Errorf("%w: the hole spacings differ by %.2f µm (%s %.2f µm, %s %.2f µm), more than the %g µm the same part measured twice can differ by: another ferrule?",
			ErrNotTurned, math.Abs(d), na, float64(a.Frame.HoleSpacingUM), nb, float64(b.Frame.HoleSpacingUM), tol)
	}
	side := func(r *ferrule.Report) ReversalSide {
		return ReversalSide{File: r.File, Layout: r.Layout, HoleSpacingUM: r.Frame.HoleSpacingUM, RotationDeg: r.Frame.RotationDeg,
			XAngleDeg: r.Ferrule.XAngleDeg, YAngleDeg: r.Ferrule.YAngleDeg}
	}
	rev := &Reversal{A: side(a), B: side(b), Pairs: []ReversalPair{}, Warnings: []string{}}
	thA, thB := float64(a.Frame.RotationDeg)*math.Pi/180, float64(b.Frame.RotationDeg)*math.Pi/180
	if d := math.Abs(math.Remainder(thA-thB, 2*math.Pi)); d > math.Pi/2 {
		return nil, fmt.Errorf("%w: the frames' rotations in the map differ by %.1f° (should be near 0: both frames run from the hole with the smaller map x)", ErrNotTurned, d*180/math.Pi)
	}
	slope := func(r *ferrule.Report) r2.Vec {
		return r2.Vec{X: math.Tan(float64(r.Ferrule.XAngleDeg) * math.Pi / 180), Y: math.Tan(float64(r.Ferrule.YAngleDeg) * math.Pi / 180)}
	}
	part, inst := split(slope(a), slope(b), thA, thB)
	deg := func(s float64) ferrule.Num { return ferrule.Num(math.Atan(s) * 180 / math.Pi) }
	rev.Part = Angles{deg(part.X), deg(part.Y)}
	rev.Instrument = Angles{deg(inst.X), deg(inst.Y)}

	n := len(a.Fibers)
	nan := ferrule.Num(math.NaN())
	var heightsTurned, heightsSame []float64
	for i := range n {
		fa, fb := &a.Fibers[i], &b.Fibers[n-1-i]
		p := ReversalPair{AFiber: fa.Index, BFiber: fb.Index, HeightANM: nan, HeightBNM: nan, PartHeightNM: nan, InstrumentHeightNM: nan,
			DXAUM: nan, DYAUM: nan, DXBUM: nan, DYBUM: nan, PartDXUM: nan, PartDYUM: nan, InstrumentDXUM: nan, InstrumentDYUM: nan}
		if fa.Measured() && fb.Measured() {
			p.Measured = true
			rev.FibersPaired++
			p.HeightANM, p.HeightBNM = fa.HeightNM, fb.HeightNM
			p.PartHeightNM = (fa.HeightNM + fb.HeightNM) / 2
			p.InstrumentHeightNM = (fa.HeightNM - fb.HeightNM) / 2
			heightsTurned = append(heightsTurned, float64(fa.HeightNM-fb.HeightNM))
			if fs := &b.Fibers[i]; fs.Measured() {
				heightsSame = append(heightsSame, float64(fa.HeightNM-fs.HeightNM))
			}
			da, db := r2.Vec{X: float64(fa.DXUM), Y: float64(fa.DYUM)}, r2.Vec{X: float64(fb.DXUM), Y: float64(fb.DYUM)}
			if !math.IsNaN(da.X + da.Y + db.X + db.Y) {
				// B's vectors are reported turned into A's sense (−d_B), so
				// the part's own offset reads the same in both.
				p.DXAUM, p.DYAUM = ferrule.Num(da.X), ferrule.Num(da.Y)
				dbA := rotate(db, thB-thA)
				p.DXBUM, p.DYBUM = ferrule.Num(-dbA.X), ferrule.Num(-dbA.Y)
				pp, ip := split(da, db, thA, thB)
				p.PartDXUM, p.PartDYUM = ferrule.Num(pp.X), ferrule.Num(pp.Y)
				p.InstrumentDXUM, p.InstrumentDYUM = ferrule.Num(ip.X), ferrule.Num(ip.Y)
			}
		}
		rev.Pairs = append(rev.Pairs, p)
	}
	// The same fiber measured twice differs by the instrument only; if the
	// heights agree far better fiber i to fiber i than to fiber N + 1 − i,
	// B was most likely not turned.
	if rt, rs := rms(heightsTurned), rms(heightsSame); len(heightsSame) >= 3 && rt > 3*rs+5 {
		rev.Warnings = append(rev.Warnings, fmt.Sprintf("the fiber heights of B match A's fiber for fiber (RMS difference %.1f nm) far better than turned (%.1f nm): was B really turned by 180°?", rs, rt))
	}
	return rev, nil
}

// split solves a = s + R(−θa)·m and b = −s + R(−θb)·m for the part's
// vector s (in A's frame; −s in B's) and the instrument's m (in the map),
// returning s and R(−θa)·m, the instrument's vector in A's frame. For
// θa = θb it is s = (a − b)/2, instrument (a + b)/2.
func split(a, b r2.Vec, thA, thB float64) (part, inst r2.Vec) {
	// (R(−θa) + R(−θb))·m = a + b; R(−θa) + R(−θb) = 2cos(δ/2)·R(−(θa+θb)/2)
	// with δ = θa − θb, so R(−θa)·m = R(−δ/2)(a + b)/(2cos(δ/2)).
	d := thA - thB
	sum := r2.Scale(1/(2*math.Cos(d/2)), r2.Add(a, b))
	inst = rotate(sum, -d/2)
	return r2.Sub(a, inst), inst
}

// rotate turns v by th counter-clockwise.
func rotate(v r2.Vec, th float64) r2.Vec {
	s, c := math.Sincos(th)
	return r2.Vec{X: c*v.X - s*v.Y, Y: s*v.X + c*v.Y}
}

func rms(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s / float64(len(v)))
}
