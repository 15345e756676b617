package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
)

// Truth is what a perfect analysis of a generated map would report, in the
// units and key names of the project's JSON report (SPEC §8): lengths in the
// map plane µm, heights nm, radii mm, angles degrees. A quantity that does
// not exist (the radius of a flat ferrule, the height of a missing fiber, the
// line through fewer than two fibers) is NaN in Go and null in JSON.
// XAngleDeg and YAngleDeg are the input tilt of the ferrule plane; SPEC's
// Sx, Sy are ReferencePlane's angles, equal to them on a flat ferrule and
// within the curvature fit's slope (see the package documentation) of them
// on a curved one.
type Truth struct {
	Layout          string       `json:"layout"`
	PixelUm         [2]float64   `json:"pixel_um"`
	SizePx          [2]int       `json:"size_px"`
	XAngleDeg       float64      `json:"x_angle_deg"`
	YAngleDeg       float64      `json:"y_angle_deg"`
	RotationDeg     float64      `json:"rotation_deg"`
	ShiftUm         [2]float64   `json:"shift_um"`
	XRadiusMM       float64      `json:"x_radius_mm"` // NaN (null) when flat
	YRadiusMM       float64      `json:"y_radius_mm"` // NaN (null) when flat
	OriginMapUm     [2]float64   `json:"origin_map_um"`
	HoleSpacingUm   float64      `json:"hole_spacing_um"`
	CoreDiameterUm  float64      `json:"core_diameter_um"`
	NoiseRMSNm      float64      `json:"noise_rms_nm"`
	DropoutFraction float64      `json:"dropout_fraction"`
	Seed            uint64       `json:"seed"`
	CoreDipProfile  string       `json:"core_dip_profile"` // "step" or "parabolic"
	EdgeRingUm      [2]float64   `json:"edge_ring_um,omitempty"`
	ReferencePlane  PlaneTruth   `json:"reference_plane"`
	GuideHoles      []HoleTruth  `json:"guide_holes"`
	Fibers          []FiberTruth `json:"fibers"`
	Rows            []RowTruth   `json:"rows"`
	Summary         SummaryTruth `json:"summary"`
	Dust            []DustTruth  `json:"dust,omitempty"`
}

// PlaneTruth is SPEC §4's reference plane z = Z0 + XSlope·X + YSlope·Y
// (ferrule frame, z in nm at the origin, slopes dimensionless): the
// least-squares plane through the noiseless ferrule surface (tilt and
// curvature, no fibers) at the map's pixel centres in the default fitting
// region. XAngleDeg and YAngleDeg are its angles atan(slope) (SPEC's Sx,
// Sy); on a flat ferrule they are the input angles and Z0 is 0. Sampling
// says where the fit's Points lie: "map" (the map's pixel centres in the
// region, whenever the map holds the region whole), "region" (a lattice
// over the region, for a map that does not hold it; see the package
// documentation) or "none" (a flat ferrule: no fit needed, Points = 0).
type PlaneTruth struct {
	Z0Nm      float64 `json:"z0_nm"`
	XSlope    float64 `json:"x_slope"`
	YSlope    float64 `json:"y_slope"`
	XAngleDeg float64 `json:"x_angle_deg"`
	YAngleDeg float64 `json:"y_angle_deg"`
	Sampling  string  `json:"sampling"`
	Points    int     `json:"points"`
}

// HoleTruth is one guide hole: its centre in the ferrule frame and in the
// map's own coordinates (SPEC §1, pixel (0, 0) at (0, 0)), and its diameter.
type HoleTruth struct {
	XUm        float64 `json:"x_um"`
	YUm        float64 `json:"y_um"`
	MapXUm     float64 `json:"map_x_um"`
	MapYUm     float64 `json:"map_y_um"`
	DiameterUm float64 `json:"diameter_um"`
}

// FiberTruth is one fiber, its heights relative to SPEC §4's reference
// plane (Truth.ReferencePlane). XUm, YUm are its true centre (the cladding's
// and the core's) in the ferrule frame and DXUm, DYUm its offset from
// nominal; MapXUm, MapYUm the centre in map coordinates. ApexXUm, ApexYUm
// are the cap's apex in the ferrule frame and ApexOffsetUm its distance
// from the centre. ApexHeightNm is SPEC's apex_height_nm: the cap at the
// fiber centre (no core dip) above the reference plane there; HeightNm is
// SPEC §5's averaged height, the continuous mean over the Ø 50 µm disc
// centred on the fiber of cap − core dip − reference plane; CoreDipNm is
// the continuous mean of the dip over the core disc (the peak depth for a
// step, half of it for a parabolic dip). See the package documentation for
// the formulas. Missing is true for a fiber that cannot be measured (a NaN
// disc, or a pit when Broken is also true); its heights, radius, core dip
// and apex are NaN (null).
type FiberTruth struct {
	Index        int     `json:"index"`
	Row          int     `json:"row"`
	Col          int     `json:"col"`
	XUm          float64 `json:"x_um"`
	YUm          float64 `json:"y_um"`
	DXUm         float64 `json:"dx_um"`
	DYUm         float64 `json:"dy_um"`
	MapXUm       float64 `json:"map_x_um"`
	MapYUm       float64 `json:"map_y_um"`
	ApexHeightNm float64 `json:"apex_height_nm"`
	HeightNm     float64 `json:"height_nm"`
	RadiusMM     float64 `json:"radius_mm"`
	CoreDipNm    float64 `json:"core_dip_nm"`
	ApexXUm      float64 `json:"apex_x_um"`
	ApexYUm      float64 `json:"apex_y_um"`
	ApexOffsetUm float64 `json:"apex_offset_um"`
	Missing      bool    `json:"missing"`
	Broken       bool    `json:"broken"`
}

// RowTruth holds SPEC §6's per-row results from the truth heights of the
// row's measurable fibers. Adjacent differentials pair only neighbouring
// columns that are both measurable. The line is the least-squares
// H = p + q·X through them (slope q in nm per mm of X), the radius is
// −1/(2s) of the fit H = p + q·X + s·X² with H and X both in mm, positive
// for a convex row (SPEC §6) (NaN when |1/(2s)| exceeds 1e5 mm, SPEC §4's flat limit).
type RowTruth struct {
	Row                    int     `json:"row"`
	HeightDifferentialNm   float64 `json:"height_differential_nm"`
	AdjacentDifferentialNm float64 `json:"adjacent_differential_nm"`
	MinusCoplanarityNm     float64 `json:"minus_coplanarity_nm"`
	LineSlopeNmPerMM       float64 `json:"line_slope_nm_per_mm"`
	LineRadiusMM           float64 `json:"line_radius_mm"`
}

// SummaryTruth holds SPEC §6's whole-ferrule results over the measurable
// fibers: the fiber plane is the row's line for a one-row layout and the
// plane H = p + q·X + r·Y otherwise; FiberPlaneXAngleDeg is atan(q) (H and X
// in the same unit) plus the ferrule X angle.
type SummaryTruth struct {
	HeightDifferentialNm   float64 `json:"height_differential_nm"`
	AdjacentDifferentialNm float64 `json:"adjacent_differential_nm"`
	MinusCoplanarityNm     float64 `json:"minus_coplanarity_nm"`
	FiberPlaneXAngleDeg    float64 `json:"fiber_plane_x_angle_deg"`
	MinHeightNm            float64 `json:"min_height_nm"`
	MaxHeightNm            float64 `json:"max_height_nm"`
}

// DustTruth is one dust particle, in map coordinates.
type DustTruth struct {
	MapXUm   float64 `json:"map_x_um"`
	MapYUm   float64 `json:"map_y_um"`
	RadiusUm float64 `json:"radius_um"`
	HeightNm float64 `json:"height_nm"`
}

// MeanHeight returns the mean, over the disc of radius a centred on a fiber,
// of a spherical cap of apex height h and radius r standing on a flat
// surface, less a flat-bottomed core dip of depth dip over the concentric
// disc of radius rc ≤ a; all µm, r = +Inf for a flat tip. It is SPEC §5's
// averaged fiber height in the continuous limit:
//
//	h − r + (2/(3a²))·(r³ − (r² − a²)^{3/2}) − dip·(rc/a)²
//
// evaluated as h − a²·(r + 2s)/(3·(r + s)²) − dip·(rc/a)², s = √(r² − a²),
// which has no cancellation (≈ h − a²/(4r) − dip·(rc/a)² for r ≫ a).
// It panics unless 0 ≤ rc ≤ a ≤ r and a > 0.
func MeanHeight(h, r, dip, rc, a float64) float64 {
	if !(rc >= 0 && rc <= a && a > 0 && a <= r) {
		panic("synth: MeanHeight needs 0 ≤ rc ≤ a ≤ r, a > 0")
	}
	return h - meanSagCentred(r, a) - dip*(rc/a)*(rc/a)
}

// meanSagCentred returns the mean over the disc of radius a ≤ r of the sag
// of a sphere of radius r whose apex is over the disc's centre; 0 for
// r = +Inf.
func meanSagCentred(r, a float64) float64 {
	if math.IsInf(r, 1) {
		return 0
	}
	// Mean sag = r − (2/(3a²))·(r³ − s³), s = √(r² − a²). With r³ − s³ =
	// (r − s)(r² + rs + s²) and r − s = a²/(r + s) it becomes
	// a²·(r + 2s)/(3·(r + s)²): no difference of nearly equal numbers.
	s := math.Sqrt((r - a) * (r + a))
	return a * a * (r + 2*s) / (3 * (r + s) * (r + s))
}

// MeanCapHeight is MeanHeight for a cap whose apex is offset by e ≥ 0 from
// the disc's centre, with a dip of the given profile ("", DipStep or
// DipParabolic) centred on the disc: the mean over the disc of radius a of
// h − sag(|p − apex|) − dip(|p|), all µm, r = +Inf for a flat tip. For
// e = 0 and a step dip it is MeanHeight. It panics unless 0 ≤ rc ≤ a,
// a > 0, e ≥ 0, a + e ≤ r and the profile is known.
func MeanCapHeight(h, r, e, dip, rc, a float64, profile string) float64 {
	if !(rc >= 0 && rc <= a && a > 0 && e >= 0 && a+e <= r) {
		panic("synth: MeanCapHeight needs 0 ≤ rc ≤ a, a > 0, e ≥ 0, a + e ≤ r")
	}
	return h - meanSag(r, e, a) - meanDip(dip, rc, a, profile)
}

// meanDip returns the mean over the disc of radius a > 0 of a core dip of
// depth dip and the given profile ("", DipStep or DipParabolic) on the
// centred core disc of radius rc ≤ a. It panics if the profile is unknown.
func meanDip(dip, rc, a float64, profile string) float64 {
	switch profile {
	case "", DipStep:
		return dip * (rc / a) * (rc / a)
	case DipParabolic:
		// (1/(πa²))·∫₀^rc d·(1 − ρ²/rc²)·2πρ dρ = d·rc²/(2a²).
		return dip * (rc / a) * (rc / a) / 2
	default:
		panic(fmt.Sprintf("synth: unknown core dip profile %q", profile))
	}
}

// meanSag returns the mean, over the disc of radius a centred on the
// origin, of the sag below its apex of a sphere of radius r ≥ a + e whose
// apex is at distance e from the origin; 0 for r = +Inf.
//
// For e = 0 it is the closed form of MeanHeight. Otherwise it integrates in
// polar coordinates about the disc's centre: Gauss–Legendre in the radius
// (weight ρ dρ) and the trapezoid rule in the angle, both converging
// geometrically for this integrand, which is analytic on the disc (its
// nearest singularity, where the sphere turns vertical, lies at distance
// r − e ≥ a from the centre). With 24 × 64 nodes the error is at the level
// of float64 rounding for r ≥ a + e + 10 µm (tested against the closed form
// and a brute-force sum), and below 1e-9 µm down to r = a + e + 1 µm.
func meanSag(r, e, a float64) float64 {
	if math.IsInf(r, 1) {
		return 0
	}
	if e == 0 {
		return meanSagCentred(r, a)
	}
	return meanSagQuad(r, e, a)
}

// meanSagQuad is meanSag by quadrature, for any e ≥ 0.
func meanSagQuad(r, e, a float64) float64 {
	nodes, weights := gaussLegendre()
	var sum float64
	for k, t := range nodes {
		rho := a * (t + 1) / 2
		var ring float64
		for j := range quadAngles {
			// The apex on the +x axis: |p − apex|² = ρ² + e² − 2ρe·cos θ.
			th := 2 * math.Pi * float64(j) / quadAngles
			ring += sag(r, rho*rho+e*e-2*rho*e*math.Cos(th))
		}
		sum += weights[k] * rho * ring / quadAngles
	}
	// ∫₀^a f ρ dρ = (a/2)·Σ wₖ f(ρₖ) ρₖ; divide by a²/2 for the mean.
	return sum / a
}

// quadAngles is the number of angles of meanSag's trapezoid rule.
const quadAngles = 64

// gaussLegendre returns the 24-point Gauss–Legendre nodes and weights on
// [−1, 1], computed once by Newton's method on the Legendre recurrence.
var gaussLegendre = sync.OnceValues(func() (x, w []float64) {
	const n = 24
	x, w = make([]float64, n), make([]float64, n)
	for i := range n {
		t := math.Cos(math.Pi * (float64(i) + 0.75) / (n + 0.5)) // Tricomi's first guess
		var dp float64
		for range 100 {
			p0, p1 := 1.0, t
			for k := 2; k <= n; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*t*p1-(float64(k)-1)*p0)/float64(k)
			}
			dp = n * (t*p1 - p0) / (t*t - 1)
			dt := p1 / dp
			t -= dt
			if math.Abs(dt) < 1e-16 {
				break
			}
		}
		x[i], w[i] = t, 2/((1-t*t)*dp*dp)
	}
	return x, w
})

// truth assembles the Truth of a resolved model.
func (m *model) truth() Truth {
	p := m.p
	t := Truth{
		Layout:          m.lay.name,
		PixelUm:         [2]float64{m.pitch, m.pitch},
		SizePx:          [2]int{m.cols, m.rows},
		XAngleDeg:       p.XAngleDeg,
		YAngleDeg:       p.YAngleDeg,
		RotationDeg:     p.RotationDeg,
		ShiftUm:         p.ShiftUm,
		XRadiusMM:       radiusOrNaN(p.RxMM),
		YRadiusMM:       radiusOrNaN(p.RyMM),
		OriginMapUm:     [2]float64{m.ox, m.oy},
		HoleSpacingUm:   m.holeSpacing,
		CoreDiameterUm:  2 * m.coreR,
		NoiseRMSNm:      p.NoiseUm * nmPerUm,
		DropoutFraction: p.DropoutFraction,
		Seed:            p.Seed,
	}
	for _, h := range m.holes {
		t.GuideHoles = append(t.GuideHoles, HoleTruth{XUm: h.x, YUm: h.y, MapXUm: h.mx, MapYUm: h.my, DiameterUm: h.d})
	}
	t.CoreDipProfile = DipStep
	if m.parabolic {
		t.CoreDipProfile = DipParabolic
	}
	if m.ringOut2 > 0 {
		t.EdgeRingUm = p.EdgeRingUm
	}
	// Reference plane = tilt + the fit through the curvature; its angles are
	// the input angles plus the fit's share (exactly the input when flat).
	deg := 180 / math.Pi
	pl := m.plane
	t.ReferencePlane = PlaneTruth{
		Z0Nm:      pl.a * nmPerUm,
		XSlope:    m.tx + pl.b,
		YSlope:    m.ty + pl.c,
		XAngleDeg: p.XAngleDeg + (math.Atan(m.tx+pl.b)-math.Atan(m.tx))*deg,
		YAngleDeg: p.YAngleDeg + (math.Atan(m.ty+pl.c)-math.Atan(m.ty))*deg,
		Sampling:  pl.sampling,
		Points:    pl.n,
	}
	nan := math.NaN()
	t.Fibers = make([]FiberTruth, len(m.fibers))
	for i, f := range m.fibers {
		nx, ny := m.lay.nominal(f.row, f.col)
		ft := FiberTruth{
			Index: i + 1, Row: f.row, Col: f.col,
			XUm: f.x, YUm: f.y, DXUm: f.x - nx, DYUm: f.y - ny, MapXUm: f.mx, MapYUm: f.my,
			ApexHeightNm: nan, HeightNm: nan, RadiusMM: nan, CoreDipNm: nan,
			ApexXUm: nan, ApexYUm: nan, ApexOffsetUm: nan,
			Missing: f.state != fiberPresent, Broken: f.state == fiberBroken,
		}
		if !ft.Missing {
			// The fiber's seat above the reference plane: the curvature at
			// its centre less the plane's share of the curvature there (the
			// tilt cancels). Both means over a disc centred on the fiber
			// keep it unchanged, the plane being linear.
			lift := f.seat - pl.at(f.x, f.y)
			e := math.Hypot(f.ax-f.x, f.ay-f.y)
			ft.ApexHeightNm = (f.h - sag(f.r, e*e) + lift) * nmPerUm
			ft.HeightNm = (MeanCapHeight(f.h, f.r, e, f.dip, m.coreR, averagingRadius, t.CoreDipProfile) + lift) * nmPerUm
			ft.RadiusMM = f.r / umPerMM
			ft.CoreDipNm = meanDip(f.dip, m.coreR, m.coreR, t.CoreDipProfile) * nmPerUm // over the core disc
			ft.ApexXUm, ft.ApexYUm, ft.ApexOffsetUm = f.ax, f.ay, e
		}
		t.Fibers[i] = ft
	}
	t.Rows, t.Summary = arrayResults(t.Fibers, m.lay.rows, t.ReferencePlane.XAngleDeg)
	for _, d := range m.dust {
		t.Dust = append(t.Dust, DustTruth{MapXUm: d.mx, MapYUm: d.my, RadiusUm: d.r, HeightNm: d.h * nmPerUm})
	}
	return t
}

// radiusOrNaN maps the flat radii 0 and ±Inf to NaN.
func radiusOrNaN(r float64) float64 {
	if r == 0 || math.IsInf(r, 0) {
		return math.NaN()
	}
	return r
}

// arrayResults computes SPEC §6 per row and for the whole ferrule from the
// fibers' truth heights, skipping missing fibers.
func arrayResults(fibers []FiberTruth, nrows int, xAngleDeg float64) ([]RowTruth, SummaryTruth) {
	nan := math.NaN()
	rows := make([]RowTruth, nrows)
	var all []FiberTruth
	for i := range rows {
		var in []FiberTruth
		for _, f := range fibers {
			if f.Row == i+1 && !f.Missing {
				in = append(in, f)
			}
		}
		all = append(all, in...)
		rt := RowTruth{Row: i + 1, AdjacentDifferentialNm: nan, MinusCoplanarityNm: nan, LineSlopeNmPerMM: nan, LineRadiusMM: nan}
		rt.HeightDifferentialNm, _, _ = spread(in)
		for j := 1; j < len(in); j++ {
			if in[j].Col == in[j-1].Col+1 {
				d := math.Abs(in[j].HeightNm - in[j-1].HeightNm)
				if math.IsNaN(rt.AdjacentDifferentialNm) || d > rt.AdjacentDifferentialNm {
					rt.AdjacentDifferentialNm = d
				}
			}
		}
		if p, q, ok := fitLine(in); ok {
			rt.LineSlopeNmPerMM = q * umPerMM // nm/µm → nm/mm
			rt.MinusCoplanarityNm = minusCoplanarity(in, func(f FiberTruth) float64 { return p + q*f.XUm })
		}
		if s, ok := fitQuadratic(in); ok && s != 0 {
			// H_mm = H_nm·1e−6 and X_mm = X_µm·1e−3, so s in nm/µm² is s in
			// 1/mm; −1/(2s) is positive for a convex row, as SPEC §6 signs it.
			if r := -1 / (2 * s); math.Abs(r) <= flatRadiusLimit {
				rt.LineRadiusMM = r
			}
		}
		rows[i] = rt
	}

	var s SummaryTruth
	s.HeightDifferentialNm, s.MinHeightNm, s.MaxHeightNm = spread(all)
	s.AdjacentDifferentialNm = nan
	for _, r := range rows {
		if !math.IsNaN(r.AdjacentDifferentialNm) && (math.IsNaN(s.AdjacentDifferentialNm) || r.AdjacentDifferentialNm > s.AdjacentDifferentialNm) {
			s.AdjacentDifferentialNm = r.AdjacentDifferentialNm
		}
	}
	s.MinusCoplanarityNm, s.FiberPlaneXAngleDeg = nan, nan
	if nrows == 1 {
		if p, q, ok := fitLine(all); ok {
			s.MinusCoplanarityNm = minusCoplanarity(all, func(f FiberTruth) float64 { return p + q*f.XUm })
			s.FiberPlaneXAngleDeg = math.Atan(q/nmPerUm)*180/math.Pi + xAngleDeg
		}
	} else if p, q, r, ok := fitPlane(all); ok {
		s.MinusCoplanarityNm = minusCoplanarity(all, func(f FiberTruth) float64 { return p + q*f.XUm + r*f.YUm })
		s.FiberPlaneXAngleDeg = math.Atan(q/nmPerUm)*180/math.Pi + xAngleDeg
	}
	return rows, s
}

// spread returns max − min, min and max of the fibers' heights, NaN for
// none.
func spread(fs []FiberTruth) (diff, lo, hi float64) {
	if len(fs) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, f := range fs {
		lo, hi = math.Min(lo, f.HeightNm), math.Max(hi, f.HeightNm)
	}
	return hi - lo, lo, hi
}

// minusCoplanarity returns max(0, max over fibers of fitted − H).
func minusCoplanarity(fs []FiberTruth, fitted func(FiberTruth) float64) float64 {
	var m float64
	for _, f := range fs {
		m = math.Max(m, fitted(f)-f.HeightNm)
	}
	return m
}

// fitLine returns the least-squares line H = p + q·X (H nm, X µm) through
// the fibers; ok is false for fewer than two distinct X.
func fitLine(fs []FiberTruth) (p, q float64, ok bool) {
	if len(fs) < 2 {
		return 0, 0, false
	}
	var mx, mh float64
	for _, f := range fs {
		mx += f.XUm
		mh += f.HeightNm
	}
	n := float64(len(fs))
	mx, mh = mx/n, mh/n
	var sxx, sxh float64
	for _, f := range fs {
		dx := f.XUm - mx
		sxx += dx * dx
		sxh += dx * (f.HeightNm - mh)
	}
	if sxx == 0 {
		return 0, 0, false
	}
	q = sxh / sxx
	return mh - q*mx, q, true
}

// fitQuadratic returns the second-order coefficient s of the least-squares
// H = p + q·X + s·X² (H nm, X µm) through the fibers; ok is false for fewer
// than three points or a singular system.
func fitQuadratic(fs []FiberTruth) (s float64, ok bool) {
	if len(fs) < 3 {
		return 0, false
	}
	var mx float64
	for _, f := range fs {
		mx += f.XUm
	}
	mx /= float64(len(fs))
	// Centred u = X − mx leaves s unchanged and conditions the system.
	var a [3][3]float64
	var b [3]float64
	for _, f := range fs {
		u := f.XUm - mx
		v := [3]float64{1, u, u * u}
		for i := range 3 {
			for j := range 3 {
				a[i][j] += v[i] * v[j]
			}
			b[i] += v[i] * f.HeightNm
		}
	}
	x, ok := solve3(a, b)
	return x[2], ok
}

// fitPlane returns the least-squares plane H = p + q·X + r·Y (H nm, X and
// Y µm) through the fibers; ok is false for fewer than three points or
// points on one line.
func fitPlane(fs []FiberTruth) (p, q, r float64, ok bool) {
	if len(fs) < 3 {
		return 0, 0, 0, false
	}
	var mx, my float64
	for _, f := range fs {
		mx += f.XUm
		my += f.YUm
	}
	n := float64(len(fs))
	mx, my = mx/n, my/n
	var a [3][3]float64
	var b [3]float64
	for _, f := range fs {
		v := [3]float64{1, f.XUm - mx, f.YUm - my}
		for i := range 3 {
			for j := range 3 {
				a[i][j] += v[i] * v[j]
			}
			b[i] += v[i] * f.HeightNm
		}
	}
	x, ok := solve3(a, b)
	if !ok {
		return 0, 0, 0, false
	}
	return x[0] - x[1]*mx - x[2]*my, x[1], x[2], true
}

// solve3 solves the symmetric 3×3 system a·x = b by Cramer's rule; ok is
// false when a is singular relative to its scale.
func solve3(a [3][3]float64, b [3]float64) (x [3]float64, ok bool) {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
			m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(a)
	if !(math.Abs(d) > 1e-12*a[0][0]*a[1][1]*a[2][2]) {
		return x, false
	}
	for k := range 3 {
		c := a
		for i := range 3 {
			c[i][k] = b[i]
		}
		x[k] = det(c) / d
	}
	return x, true
}

// JSON: NaN is written as null and read back as NaN. The report types
// marshal through nanJSON and unnanJSON, which keep the field order and
// leave every other value to encoding/json.

func (t Truth) MarshalJSON() ([]byte, error)         { return nanJSON(t) }
func (t *Truth) UnmarshalJSON(b []byte) error        { return unnanJSON(b, t) }
func (f FiberTruth) MarshalJSON() ([]byte, error)    { return nanJSON(f) }
func (f *FiberTruth) UnmarshalJSON(b []byte) error   { return unnanJSON(b, f) }
func (r RowTruth) MarshalJSON() ([]byte, error)      { return nanJSON(r) }
func (r *RowTruth) UnmarshalJSON(b []byte) error     { return unnanJSON(b, r) }
func (s SummaryTruth) MarshalJSON() ([]byte, error)  { return nanJSON(s) }
func (s *SummaryTruth) UnmarshalJSON(b []byte) error { return unnanJSON(b, s) }
func (p PlaneTruth) MarshalJSON() ([]byte, error)    { return nanJSON(p) }
func (p *PlaneTruth) UnmarshalJSON(b []byte) error   { return unnanJSON(b, p) }

// jsonKey returns the JSON key of a struct field and whether it is omitted
// when empty; "" for a field not in the JSON.
func jsonKey(f reflect.StructField) (key string, omitEmpty bool) {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() {
		return "", false
	}
	key, opts, _ := strings.Cut(tag, ",")
	if key == "" {
		key = f.Name
	}
	return key, opts == "omitempty"
}

// nanJSON encodes the struct v as encoding/json would, in field order, but
// writes NaN and ±Inf float64 fields as null.
func nanJSON(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	var b bytes.Buffer
	b.WriteByte('{')
	for i := 0; i < rv.NumField(); i++ {
		key, omit := jsonKey(rv.Type().Field(i))
		fv := rv.Field(i)
		if key == "" || omit && fv.IsZero() {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		if fv.Kind() == reflect.Float64 && (math.IsNaN(fv.Float()) || math.IsInf(fv.Float(), 0)) {
			b.WriteString("null")
			continue
		}
		val, err := json.Marshal(fv.Interface())
		if err != nil {
			return nil, err
		}
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// unnanJSON decodes data into the struct *v, reading null float64 fields
// as NaN.
func unnanJSON(data []byte, v any) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	rv := reflect.ValueOf(v).Elem()
	for i := 0; i < rv.NumField(); i++ {
		key, _ := jsonKey(rv.Type().Field(i))
		msg, ok := raw[key]
		if key == "" || !ok {
			continue
		}
		fv := rv.Field(i)
		if fv.Kind() == reflect.Float64 && string(bytes.TrimSpace(msg)) == "null" {
			fv.SetFloat(math.NaN())
			continue
		}
		if err := json.Unmarshal(msg, fv.Addr().Interface()); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}
