package mate

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/spatial/r2"
)

// Polarities (Params.Polarity).
const (
	// PolarityB is key-up to key-up, the usual "Type B" trunk: B's (x, y)
	// lies at (−x, y) in A's frame.
	PolarityB = "B"
	// PolarityA is key-up to key-down ("Type A"): B's (x, y) lies at
	// (x, −y).
	PolarityA = "A"
)

// Model defaults (SPEC §10).
const (
	DefaultForceN          = 10  // spring force; IEC 61754-7 gives 7.8–11.8 N
	DefaultStiffnessNPerUM = 2   // per fiber pair
	DefaultCoreDipRiskNM   = 50  // CD_A + CD_B above which a contact pair is at risk
	nmPerUM                = 1e3 // nanometres per micrometre
)

// Params are the model's parameters. The zero value of a number means its
// SPEC default.
type Params struct {
	// Polarity is PolarityB (default) or PolarityA.
	Polarity string
	// ForceN is the connector's spring force, N.
	ForceN float64
	// StiffnessNPerUM is the stiffness of one fiber pair, N/µm.
	StiffnessNPerUM float64
	// MFDUM is the mode-field diameter, µm; WavelengthNM the wavelength,
	// nm; GlassIndex the glass's refractive index.
	MFDUM, WavelengthNM, GlassIndex float64
	// MMLossDBPerUM is the multimode calibration factor, dB per µm of
	// offset (0: none; a multimode pair's loss is then null).
	MMLossDBPerUM float64
	// CoreDipRiskNM is the limit on CD_A + CD_B, nm.
	CoreDipRiskNM float64
	// LayoutA and LayoutB are the parts' layouts; nil looks the report's
	// layout name up among the built-in ones (a user layout must be given).
	LayoutA, LayoutB *ferrule.Layout
}

// withDefaults fills the zero numbers of p.
func (p Params) withDefaults() Params {
	set := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if p.Polarity == "" {
		p.Polarity = PolarityB
	}
	set(&p.ForceN, DefaultForceN)
	set(&p.StiffnessNPerUM, DefaultStiffnessNPerUM)
	set(&p.MFDUM, ferrule.DefaultMFDUM)
	set(&p.WavelengthNM, ferrule.DefaultWavelengthNM)
	set(&p.GlassIndex, ferrule.DefaultGlassIndex)
	set(&p.CoreDipRiskNM, DefaultCoreDipRiskNM)
	return p
}

// Validate checks the parameters (with defaults filled in) against their
// physical ranges: polarity A or B, force in (0, 100] N (MPO springs are
// ~10 N), stiffness in (0, 1000] N/µm, MFD in [1, 100] µm, wavelength in
// [400, 2000] nm, glass index in (1, 2], core-dip limit in (0, 1000] nm,
// multimode factor in [0, 10] dB/µm.
func (p Params) Validate() error {
	p = p.withDefaults()
	for _, c := range []struct {
		name, flag string
		v, lo, hi  float64
		loOpen     bool
	}{
		{"force", "force-n", p.ForceN, 0, 100, true},
		{"stiffness", "stiffness-n-per-um", p.StiffnessNPerUM, 0, 1000, true},
		{"mode-field diameter", "mfd-um", p.MFDUM, ferrule.MinMFDUM, ferrule.MaxMFDUM, false},
		{"wavelength", "wavelength-nm", p.WavelengthNM, ferrule.MinWavelengthNM, ferrule.MaxWavelengthNM, false},
		{"glass index", "glass-index", p.GlassIndex, 1, 2, true},
		{"core-dip risk limit", "core-dip-risk-nm", p.CoreDipRiskNM, 0, 1000, true},
		{"multimode loss", "mm-loss-db-per-um", p.MMLossDBPerUM, 0, ferrule.MaxMMLossDBPerUM, false},
	} {
		if !(c.v >= c.lo && c.v <= c.hi) || (c.loOpen && c.v == c.lo) {
			lo := "["
			if c.loOpen {
				lo = "("
			}
			return fmt.Errorf("mate: %s %g (--%s) is outside %s%g, %g]", c.name, c.v, c.flag, lo, c.lo, c.hi)
		}
	}
	if p.Polarity != PolarityA && p.Polarity != PolarityB {
		return fmt.Errorf("mate: polarity %q (--polarity) is not A or B", p.Polarity)
	}
	return nil
}

// ErrCannotMate is wrapped by the errors of two parts that cannot be mated.
var ErrCannotMate = errors.New("mate: the parts cannot be mated")

// MaxHoleSpacingMismatchUM is the largest difference of the two parts'
// measured guide-hole spacings that still mates: the 6 µm width of IEC
// 61754-7's spacing band (package documentation).
const MaxHoleSpacingMismatchUM = 6

// Result is a mated-pair prediction, the JSON of `mtgeo mate --format json`
// (SPEC §10). Warnings and the pairs' flags are additions to SPEC's keys.
type Result struct {
	A          Side       `json:"a"`
	B          Side       `json:"b"`
	Prediction string     `json:"prediction"`
	Parameters Parameters `json:"parameters"`
	Pairs      []Pair     `json:"pairs"`
	Summary    Summary    `json:"summary"`
	Warnings   []string   `json:"warnings"`
}

// Side names one part.
type Side struct {
	File   string `json:"file"`
	Layout string `json:"layout"`
	// Interface is the part's interface as mated: "PC", "APC" or "lensed".
	Interface string `json:"interface"`
	// Key is the side of its frame the key is on.
	Key string `json:"key"`
}

// Parameters are the model's parameters as used.
type Parameters struct {
	Polarity        string      `json:"polarity"`
	ForceN          ferrule.Num `json:"force_n"`
	StiffnessNPerUM ferrule.Num `json:"stiffness_n_per_um"`
	MFDUM           ferrule.Num `json:"mfd_um"`
	WavelengthNM    ferrule.Num `json:"wavelength_nm"`
	GlassIndex      ferrule.Num `json:"glass_index"`
	CoreDipRiskNM   ferrule.Num `json:"core_dip_risk_nm"`
	// MMLossDBPerUM is the multimode calibration, null when none.
	MMLossDBPerUM ferrule.Num `json:"mm_loss_db_per_um"`
	// Multimode says the offset loss is the calibrated multimode one.
	Multimode bool `json:"multimode"`
	// ContactModel is false for lensed parts (offset loss only).
	ContactModel bool `json:"contact_model"`
}

// Pair is one fiber pair.
type Pair struct {
	AFiber        int         `json:"a_fiber"`
	BFiber        int         `json:"b_fiber"`
	OffsetUM      ferrule.Num `json:"offset_um"`
	ILDB          ferrule.Num `json:"il_db"`
	InContact     bool        `json:"in_contact"`
	GapNM         ferrule.Num `json:"gap_nm"`
	ContactForceN ferrule.Num `json:"contact_force_n"`
	RLDB          ferrule.Num `json:"rl_db"`
	CoreDipRisk   bool        `json:"core_dip_risk"`
	// Flags say why a value is missing: a_unmeasured, b_unmeasured,
	// a_position_unknown, b_position_unknown, core_dip_unknown.
	Flags []string `json:"flags"`
}

// Summary is the whole connector.
type Summary struct {
	Pairs           int `json:"pairs"`
	FibersInContact int `json:"fibers_in_contact"`
	// LargestGapNM is the largest gap of an open pair, 0 when all touch,
	// null without a contact model.
	LargestGapNM ferrule.Num `json:"largest_gap_nm"`
	WorstILDB    ferrule.Num `json:"worst_il_db"`
	MeanILDB     ferrule.Num `json:"mean_il_db"`
	// ApproachNM is δ, how far the ferrules close past first contact, nm.
	ApproachNM ferrule.Num `json:"approach_nm"`
}

var nan = ferrule.Num(math.NaN())

// Mate predicts the connector made of the parts a and b (SPEC §10). It
// returns an error wrapping ErrCannotMate when their layouts or hole
// spacings do not mate, and an error for parameters out of range; an
// unmeasured fiber makes its pair's values null, flagged.
func Mate(a, b *ferrule.Report, params Params) (*Result, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	p := params.withDefaults()
	if a == nil || b == nil {
		return nil, errors.New("mate: a report is missing")
	}
	la, err := layoutOf(a, p.LayoutA)
	if err != nil {
		return nil, err
	}
	lb, err := layoutOf(b, p.LayoutB)
	if err != nil {
		return nil, err
	}
	if err := canMate(a, b, la, lb); err != nil {
		return nil, err
	}
	res := &Result{
		A:        Side{File: a.File, Layout: a.Layout, Interface: interfaceOf(la, a), Key: la.KeySide()},
		B:        Side{File: b.File, Layout: b.Layout, Interface: interfaceOf(lb, b), Key: lb.KeySide()},
		Warnings: []string{},
	}
	lensed := res.A.Interface == ferrule.InterfaceLensed
	if lensed != (res.B.Interface == ferrule.InterfaceLensed) {
		return nil, fmt.Errorf("%w: %s is %s and %s is %s: a lensed ferrule meets only a lensed one", ErrCannotMate, a.File, res.A.Interface, b.File, res.B.Interface)
	}
	if res.A.Interface != res.B.Interface {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s is %s and %s is %s: a PC part against an APC one, predicted as the field would see it", a.File, res.A.Interface, b.File, res.B.Interface))
	}
	res.Warnings = append(res.Warnings, interfaceWarnings(a, la)...)
	res.Warnings = append(res.Warnings, interfaceWarnings(b, lb)...)
	res.Warnings = append(res.Warnings, angleWarnings(a)...)
	res.Warnings = append(res.Warnings, angleWarnings(b)...)
	multimode := a.Loss.Multimode || b.Loss.Multimode || la.Multimode || lb.Multimode
	res.Parameters = Parameters{
		Polarity: p.Polarity, ForceN: ferrule.Num(p.ForceN), StiffnessNPerUM: ferrule.Num(p.StiffnessNPerUM),
		MFDUM: ferrule.Num(p.MFDUM), WavelengthNM: ferrule.Num(p.WavelengthNM), GlassIndex: ferrule.Num(p.GlassIndex),
		CoreDipRiskNM: ferrule.Num(p.CoreDipRiskNM), MMLossDBPerUM: nan, Multimode: multimode, ContactModel: !lensed,
	}
	if p.MMLossDBPerUM > 0 {
		res.Parameters.MMLossDBPerUM = ferrule.Num(p.MMLossDBPerUM)
	}
	res.Prediction = prediction(lensed, multimode)
	tr := transform(p.Polarity, la.KeySide() != lb.KeySide())
	pairs, err := pairFibers(la, lb, tr)
	if err != nil {
		return nil, err
	}
	s := protrusions(a, b, la, lb, tr, pairs)
	t := math.NaN()
	if !lensed {
		t = ContactLevel(s, p.ForceN, p.StiffnessNPerUM)
	}
	res.Pairs = predict(a, b, la, lb, tr, pairs, s, t, p, multimode, lensed)
	res.Summary = summarise(res.Pairs, lensed)
	if !math.IsNaN(t) {
		res.Summary.ApproachNM = ferrule.Num((floats.Max(finite(s)) - t) * nmPerUM)
	}
	return res, nil
}

// prediction is the one-line label of a Result.
func prediction(lensed, multimode bool) string {
	loss := "Gaussian-mode offset loss 4.343·(d/w)²"
	if multimode {
		loss = "multimode offset loss from the plant's calibration factor"
	}
	if lensed {
		return "prediction from the end-face geometry, not a measurement: lensed ferrules, " + loss + " only (no contact model)"
	}
	return "prediction from the end-face geometry, not a measurement: " + loss + ", rigid ferrules closing on their pins under the spring force with a linear stiffness per fiber pair, air-gap Fresnel reflection and mode spreading; ferrules float in their housings, so gaps predicted for parts near the angle limits are upper bounds"
}

// layoutOf returns the given layout, or the built-in one the report names.
func layoutOf(rep *ferrule.Report, l *ferrule.Layout) (ferrule.Layout, error) {
	if l != nil {
		if !strings.EqualFold(l.Name, rep.Layout) {
			return ferrule.Layout{}, fmt.Errorf("mate: %s was analysed as %s, not as the layout given (%s)", rep.File, rep.Layout, l.Name)
		}
		return *l, nil
	}
	out, err := ferrule.LayoutByName(rep.Layout)
	if err != nil {
		return ferrule.Layout{}, fmt.Errorf("mate: %s: %w (a user layout must be given to mate)", rep.File, err)
	}
	return out, nil
}

// canMate checks that the layouts and the measured hole spacings mate.
func canMate(a, b *ferrule.Report, la, lb ferrule.Layout) error {
	same := func(x, y float64) bool { return math.Abs(x-y) <= 1e-6*math.Max(1, math.Abs(x)) }
	switch {
	case la.Rows != lb.Rows || la.FibersPerRow != lb.FibersPerRow:
		return fmt.Errorf("%w: %s is %s (%d × %d fibers) and %s is %s (%d × %d)", ErrCannotMate, a.File, la.Name, la.Rows, la.FibersPerRow, b.File, lb.Name, lb.Rows, lb.FibersPerRow)
	case !same(la.Pitch, lb.Pitch) || (la.Rows > 1 && !same(la.RowPitch, lb.RowPitch)):
		return fmt.Errorf("%w: %s has a %g µm fiber pitch (rows %g µm) and %s %g µm (rows %g µm)", ErrCannotMate, a.File, la.Pitch, la.RowPitch, b.File, lb.Pitch, lb.RowPitch)
	case math.Abs(la.HoleSpacing-lb.HoleSpacing) > MaxHoleSpacingMismatchUM:
		return fmt.Errorf("%w: %s (%s) has its guide holes %g µm apart and %s (%s) %g µm", ErrCannotMate, a.File, la.Name, la.HoleSpacing, b.File, lb.Name, lb.HoleSpacing)
	}
	sa, sb := a.Frame.HoleSpacingUM, b.Frame.HoleSpacingUM
	if sa.Valid() && sb.Valid() && math.Abs(float64(sa-sb)) > MaxHoleSpacingMismatchUM {
		return fmt.Errorf("%w: the guide holes of %s are %.1f µm apart and those of %s %.1f µm: %.1f µm differ, more than the %d µm two parts within IEC 61754-7 can", ErrCannotMate, a.File, float64(sa), b.File, float64(sb), math.Abs(float64(sa-sb)), MaxHoleSpacingMismatchUM)
	}
	for _, r := range []*ferrule.Report{a, b} {
		if len(r.Fibers) != la.Fibers() {
			return fmt.Errorf("mate: %s has %d fibers in its report, its layout %s has %d", r.File, len(r.Fibers), la.Name, la.Fibers())
		}
		if !r.Ferrule.XAngleDeg.Valid() || !r.Ferrule.YAngleDeg.Valid() {
			return fmt.Errorf("mate: %s has no ferrule angles", r.File)
		}
	}
	return nil
}

// apcThresholdDeg is the |Y angle| beyond which a part is taken as APC
// when neither its layout nor a fixture angle says so: halfway between a
// PC part's ±0.2° and an APC part's 8°.
const apcThresholdDeg = 4

// interfaceOf is the part's interface: the layout's when it gives one,
// else APC for a part measured with a fixture angle (or whose Y angle is
// beyond 4°), PC otherwise.
func interfaceOf(l ferrule.Layout, rep *ferrule.Report) string {
	if l.Interface != "" {
		return l.Interface
	}
	return polishOf(rep)
}

func polishOf(rep *ferrule.Report) string {
	if fixtureAngled(rep) || math.Abs(float64(rep.Ferrule.YAngleDeg)) > apcThresholdDeg {
		return ferrule.InterfaceAPC
	}
	return ferrule.InterfacePC
}

// fixtureAngled says the part was measured with a non-zero fixture angle.
func fixtureAngled(rep *ferrule.Report) bool {
	return rep.FixtureAngleDeg.Valid() && rep.FixtureAngleDeg != 0
}

// apcAngleDeg is the nominal polish angle of an APC part.
const apcAngleDeg = 8

// nominalYDeg is the part's nominal Y angle, agreeing with polishOf: the
// fixture angle when it has one, ±8° (the sign of its Y angle) for an APC
// part measured without one, 0 for a PC part.
func nominalYDeg(rep *ferrule.Report) float64 {
	switch {
	case fixtureAngled(rep):
		return float64(rep.FixtureAngleDeg)
	case polishOf(rep) == ferrule.InterfaceAPC:
		return math.Copysign(apcAngleDeg, float64(rep.Ferrule.YAngleDeg))
	}
	return 0
}

// interfaceWarnings names a contradiction between a layout's interface and
// the part's polish.
func interfaceWarnings(rep *ferrule.Report, l ferrule.Layout) []string {
	if l.Interface == "" || l.Interface == ferrule.InterfaceLensed || l.Interface == polishOf(rep) {
		return nil
	}
	return []string{fmt.Sprintf("%s: layout %s says %s, but the part was measured as %s (Y angle %.2f°, fixture angle %g°)", rep.File, l.Name, l.Interface, polishOf(rep), float64(rep.Ferrule.YAngleDeg), float64(rep.FixtureAngleDeg))}
}

// Two thirds of SPEC §7's angle limits: Sx ±0.15°, Sy ±0.2° about nominal.
const (
	nearXAngleDeg = 0.1
	nearYAngleDeg = 0.2 * 2 / 3
)

// angleWarnings names a part whose angles are near the limits, for which
// the rigid model's gaps are upper bounds.
func angleWarnings(rep *ferrule.Report) []string {
	sx, sy := float64(rep.Ferrule.XAngleDeg), float64(rep.Ferrule.YAngleDeg)-nominalYDeg(rep)
	if math.Abs(sx) <= nearXAngleDeg && math.Abs(sy) <= nearYAngleDeg {
		return nil
	}
	return []string{fmt.Sprintf("%s: end-face angles X %.3f°, Y %.3f° from nominal are near the limits: the predicted gaps are upper bounds (the ferrule floats in its housing)", rep.File, sx, sy)}
}

// diag is one of the diagonal maps B → A of the package documentation:
// (x, y) → (sx·x, sy·y), its own inverse.
type diag struct{ sx, sy float64 }

func (d diag) apply(p r2.Vec) r2.Vec { return r2.Vec{X: d.sx * p.X, Y: d.sy * p.Y} }

// transform is M∘K: the polarity's mirror after the 180° turn K when the
// keys are on opposite sides.
func transform(polarity string, turn bool) diag {
	d := diag{-1, 1}
	if polarity == PolarityA {
		d = diag{1, -1}
	}
	if turn {
		d.sx, d.sy = -d.sx, -d.sy
	}
	return d
}

// pairFibers returns, for every A fiber (0-based), the 0-based B fiber
// whose nominal centre the map takes onto A's.
func pairFibers(la, lb ferrule.Layout, tr diag) ([]int, error) {
	out := make([]int, la.Fibers())
	tol := la.Pitch / 4
	for i := range out {
		pa, _, _ := la.Nominal(i + 1)
		want := tr.apply(pa) // M⁻¹ = M
		out[i] = -1
		for j := 0; j < lb.Fibers(); j++ {
			if pb, _, _ := lb.Nominal(j + 1); math.Hypot(pb.X-want.X, pb.Y-want.Y) < tol {
				out[i] = j
				break
			}
		}
		if out[i] < 0 {
			return nil, fmt.Errorf("%w: fiber %d of %s has no partner in %s", ErrCannotMate, i+1, la.Name, lb.Name)
		}
	}
	return out, nil
}

// centre returns the fiber's measured centre, or its nominal one with
// known false.
func centre(f *ferrule.Fiber, l ferrule.Layout) (p r2.Vec, known bool) {
	if f.XUM.Valid() && f.YUM.Valid() {
		return r2.Vec{X: float64(f.XUM), Y: float64(f.YUM)}, true
	}
	p, _, _ = l.Nominal(f.Index)
	return p, false
}

// faceHeight is z = H + X·tan(Sx) + Y·tan(Sy) at p of the face's own
// frame, µm.
func faceHeight(rep *ferrule.Report, f *ferrule.Fiber, p r2.Vec) float64 {
	const deg = math.Pi / 180
	return float64(f.HeightNM)/nmPerUM + p.X*math.Tan(float64(rep.Ferrule.XAngleDeg)*deg) + p.Y*math.Tan(float64(rep.Ferrule.YAngleDeg)*deg)
}

// protrusions returns the combined protrusion s_i (µm) of every pair, NaN
// for a pair with an unmeasured fiber.
func protrusions(a, b *ferrule.Report, la, lb ferrule.Layout, tr diag, pairs []int) []float64 {
	s := make([]float64, len(pairs))
	for i, j := range pairs {
		fa, fb := &a.Fibers[i], &b.Fibers[j]
		if !fa.Measured() || !fb.Measured() {
			s[i] = math.NaN()
			continue
		}
		pa, _ := centre(fa, la)
		s[i] = faceHeight(a, fa, pa) + faceHeight(b, fb, tr.apply(pa))
	}
	return s
}

// ContactLevel solves SPEC §10's F = k·Σ max(0, s_i − t) for the level
// t = s_max − δ, exactly, over the finite values of s (µm; NaN skipped),
// for a force f (N) and stiffness k (N/µm). It returns NaN when no s is
// finite. It panics if f or k is not positive.
func ContactLevel(s []float64, f, k float64) float64 {
	if !(f > 0 && k > 0) {
		panic("mate: ContactLevel: force and stiffness must be positive")
	}
	v := finite(s)
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(v)))
	// With the top m in contact, Σ_{i<m}(v_i − t) = f/k gives t; it holds
	// when the next pair stays at or below t.
	sum := 0.0
	for m := 1; ; m++ {
		sum += v[m-1]
		t := (sum - f/k) / float64(m)
		if m == len(v) || t >= v[m] {
			return t
		}
	}
}

// predict makes the pairs from the combined protrusions s (µm, NaN for an
// unmeasured pair) and the contact level t (NaN for lensed parts).
func predict(a, b *ferrule.Report, la, lb ferrule.Layout, tr diag, pairs []int, s []float64, t float64, p Params, multimode, lensed bool) []Pair {
	lambda := p.WavelengthNM / nmPerUM
	loss := ferrule.LossModel{MFDUM: ferrule.Num(p.MFDUM), MMLossDBPerUM: ferrule.Num(p.MMLossDBPerUM), Multimode: multimode}
	out := make([]Pair, len(pairs))
	for i, j := range pairs {
		fa, fb := &a.Fibers[i], &b.Fibers[j]
		pr := Pair{AFiber: fa.Index, BFiber: fb.Index, OffsetUM: nan, ILDB: nan, GapNM: nan, ContactForceN: nan, RLDB: nan, Flags: []string{}}
		pa, knownA := centre(fa, la)
		pb, knownB := centre(fb, lb)
		if !fa.Measured() {
			pr.Flags = append(pr.Flags, "a_unmeasured")
		}
		if !fb.Measured() {
			pr.Flags = append(pr.Flags, "b_unmeasured")
		}
		if !knownA && fa.Measured() {
			pr.Flags = append(pr.Flags, "a_position_unknown")
		}
		if !knownB && fb.Measured() {
			pr.Flags = append(pr.Flags, "b_position_unknown")
		}
		il := math.NaN()
		if knownA && knownB {
			q := tr.apply(pb)
			d := math.Hypot(pa.X-q.X, pa.Y-q.Y)
			pr.OffsetUM = ferrule.Num(d)
			il = loss.OffsetLoss(d)
		}
		switch {
		case lensed:
			pr.ILDB = ferrule.Num(il)
		case math.IsNaN(s[i]):
			// unmeasured: no contact, no gap
		default:
			c := s[i] - t
			if c > 0 {
				pr.InContact = true
				pr.GapNM = 0
				pr.ContactForceN = ferrule.Num(p.StiffnessNPerUM * c)
				pr.ILDB = ferrule.Num(il)
				cd := fa.CoreDipNM + fb.CoreDipNM
				if cd.Valid() {
					pr.CoreDipRisk = float64(cd) > p.CoreDipRiskNM
				} else {
					pr.Flags = append(pr.Flags, "core_dip_unknown")
				}
				break
			}
			g := -c // µm
			pr.GapNM = ferrule.Num(g * nmPerUM)
			pr.ContactForceN = 0
			r := ferrule.GapReflectance(g, lambda, p.GlassIndex)
			pr.RLDB = ferrule.Num(ferrule.ReturnLossDB(r))
			gapLoss := ferrule.ReflectionLossDB(r)
			if !multimode {
				gapLoss += ferrule.GapSpreadingLossDB(g, lambda, p.MFDUM)
			}
			pr.ILDB = ferrule.Num(il + gapLoss)
		}
		out[i] = pr
	}
	return out
}

func summarise(pairs []Pair, lensed bool) Summary {
	// LargestGapNM stays null without a contact model and when no pair is
	// measured on both sides; else it is the largest gap, 0 when all touch.
	s := Summary{Pairs: len(pairs), LargestGapNM: nan, WorstILDB: nan, MeanILDB: nan, ApproachNM: nan}
	var sum float64
	n := 0
	for _, p := range pairs {
		if p.InContact {
			s.FibersInContact++
		}
		if !lensed && p.GapNM.Valid() {
			if !s.LargestGapNM.Valid() {
				s.LargestGapNM = 0
			}
			if p.GapNM > s.LargestGapNM {
				s.LargestGapNM = p.GapNM
			}
		}
		if p.ILDB.Valid() {
			sum += float64(p.ILDB)
			n++
			if !(s.WorstILDB >= p.ILDB) {
				s.WorstILDB = p.ILDB
			}
		}
	}
	if n > 0 {
		s.MeanILDB = ferrule.Num(sum / float64(n))
	}
	return s
}

// AgainstIdeal predicts part a mated with an ideal part of its own layout:
// fibers at their nominal centres, all of one height, no core dip, and the
// end face the exact complement of a's nominal one (angles 0, the Y angle
// a's nominal one: its fixture angle, or ±8° for an APC part measured
// without one), so that a's il_db in contact is its il_ideal_db and its
// gaps come from its own heights and angle errors.
// The ideal is named "ideal" in the Result.
func AgainstIdeal(a *ferrule.Report, params Params) (*Result, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	p := params.withDefaults()
	if a == nil {
		return nil, errors.New("mate: the report is missing")
	}
	la, err := layoutOf(a, p.LayoutA)
	if err != nil {
		return nil, err
	}
	nominal := nominalYDeg(a)
	// B's Y term at M⁻¹(p) = (sx·X, sy·Y) is sy·Y·tan(Sy_B): the complement
	// of A's nominal Y·tan(nominal) has Sy_B = −sy·nominal.
	tr := transform(p.Polarity, false)
	ideal := &ferrule.Report{
		File: "ideal", Layout: a.Layout, FixtureAngleDeg: ferrule.Num(-tr.sy * nominal), Loss: a.Loss,
		Frame:   ferrule.FrameInfo{HoleSpacingUM: a.Frame.HoleSpacingUM},
		Ferrule: ferrule.Surface{XAngleDeg: 0, YAngleDeg: ferrule.Num(-tr.sy * nominal)},
		Fibers:  make([]ferrule.Fiber, la.Fibers()),
	}
	for j := range ideal.Fibers {
		nom, row, col := la.Nominal(j + 1)
		ideal.Fibers[j] = ferrule.Fiber{Index: j + 1, Row: row, Col: col, XUM: ferrule.Num(nom.X), YUM: ferrule.Num(nom.Y),
			HeightNM: 0, CoreDipNM: 0, CentreMethod: "nominal", Flags: []string{}}
	}
	p.LayoutB = &la
	if p.LayoutA == nil {
		p.LayoutA = &la
	}
	return Mate(a, ideal, p)
}

// finite returns a new slice of the values of s that are not NaN.
func finite(s []float64) []float64 {
	v := make([]float64, 0, len(s))
	for _, x := range s {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	return v
}
