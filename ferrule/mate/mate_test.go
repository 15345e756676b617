package mate_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

// Measurement accuracy of the analysis on synthetic 3 µm / 2 nm maps (the
// README's accuracy table: fiber centre worst 0.34 µm, height worst
// 0.82 nm, angles within 1e-5°), rounded up: the tolerances of every
// comparison below come from these, propagated through the formulas.
const (
	tolPosUM    = 0.35  // one fiber centre, each coordinate's vector error, µm
	tolHeightUM = 0.002 // one fiber height, µm (2 nm: the worst 0.82 nm with margin for noise of 1 nm)
	tolAngleDeg = 2e-5  // one ferrule angle, degrees (README: within 1e-5°)
	tolCoreDip  = 4     // one core dip, nm (README: worst 4.0 nm)
)

// part is a synthetic end face with its truth and its analysis.
type part struct {
	p     synth.Params
	truth synth.Truth
	rep   *ferrule.Report
	fix   float64 // fixture angle the part was analysed with, degrees
}

// newPart draws a part of the layout with realistic angles (|Sx| ≤ 0.08°,
// |Sy| ≤ 0.1°), heights 1…3 µm, offsets ±1.5 µm, and analyses it with the
// fixture angle fix.
func newPart(t *testing.T, layout string, seed uint64, fix float64, edit func(*synth.Params)) part {
	t.Helper()
	p := synth.Random(layout, seed)
	rng := rand.New(rand.NewPCG(seed, 99))
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	p.XAngleDeg, p.YAngleDeg = u(-0.08, 0.08), u(-0.1, 0.1)
	for i := range p.Heights {
		p.Heights[i] = u(1, 3)
		p.Offsets[i] = [2]float64{u(-1.5, 1.5), u(-1.5, 1.5)}
	}
	if edit != nil {
		edit(&p)
	}
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	rep, err := ferrule.Analyze(m, ferrule.Options{FixtureAngleDeg: fix})
	require.NoError(t, err)
	rep.File = fmt.Sprintf("%s-seed%d", layout, seed)
	return part{p, truth, rep, fix}
}

// expected is one pair as SPEC §10 predicts it from the truth.
type expected struct {
	aFiber, bFiber int
	offset, s      float64 // µm
	contact        bool
	c, gap         float64 // µm: compression, gap
	il, rl         float64 // dB
	cdSum          float64 // nm
	tolS           float64 // µm: the tolerance of s from the measurement
}

// expect computes SPEC §10's prediction from the generator's truth,
// written out here (no ferrule or mate code): the pairing by column and
// row, the mirror, the heights at A's centre, the contact by bisection on
// δ (not the sorted solution of the package), the gap's optics.
func expect(a, b part, polarity string, force, k, mfd, lambdaNM, n float64) []expected {
	const deg = math.Pi / 180
	rows, cols := len(a.truth.Rows), len(a.truth.Fibers)/len(a.truth.Rows)
	sx, sy := -1.0, 1.0
	if polarity == "A" {
		sx, sy = 1, -1
	}
	angles := func(q part) (tx, ty float64) {
		return math.Tan(q.truth.ReferencePlane.XAngleDeg * deg), math.Tan((q.truth.ReferencePlane.YAngleDeg + q.fix) * deg)
	}
	txA, tyA := angles(a)
	txB, tyB := angles(b)
	out := make([]expected, len(a.truth.Fibers))
	for i, fa := range a.truth.Fibers {
		r, c := fa.Row, fa.Col
		if polarity == "A" {
			r = rows + 1 - r
		} else {
			c = cols + 1 - c
		}
		fb := b.truth.Fibers[(r-1)*cols+c-1]
		e := expected{aFiber: fa.Index, bFiber: fb.Index}
		e.offset = math.Hypot(fa.XUm-sx*fb.XUm, fa.YUm-sy*fb.YUm)
		X, Y := fa.XUm, fa.YUm
		zA := fa.HeightNm/1e3 + X*txA + Y*tyA
		zB := fb.HeightNm/1e3 + sx*X*txB + sy*Y*tyB
		e.s = zA + zB
		e.cdSum = fa.CoreDipNm + fb.CoreDipNm
		// Heights, the angles over the lever |X|, |Y|, and A's centre error
		// moving the evaluation point along both faces' slopes.
		e.tolS = 2*tolHeightUM + 2*(math.Abs(X)+math.Abs(Y))*math.Tan(tolAngleDeg*deg) +
			tolPosUM*(math.Abs(txA+sx*txB)+math.Abs(tyA+sy*tyB))
		out[i] = e
	}
	// δ by bisection on F = k·Σ max(0, s_i − (s_max − δ)).
	smax := math.Inf(-1)
	for _, e := range out {
		smax = math.Max(smax, e.s)
	}
	lo, hi := 0.0, force/k+1e3
	for range 200 {
		mid := (lo + hi) / 2
		sum := 0.0
		for _, e := range out {
			sum += math.Max(0, e.s-(smax-mid))
		}
		if k*sum > force {
			hi = mid
		} else {
			lo = mid
		}
	}
	level := smax - (lo+hi)/2
	w := mfd / 2
	lambda := lambdaNM / 1e3
	r0 := math.Pow((n-1)/(n+1), 2)
	for i := range out {
		e := &out[i]
		e.c = math.Max(0, e.s-level)
		e.contact = e.c > 0
		ilOffset := 4.342944819 * e.offset * e.offset / (w * w)
		e.il, e.rl = ilOffset, math.NaN()
		if !e.contact {
			e.gap = level - e.s
			e.il, e.rl = gapOptics(ilOffset, e.gap, lambda, w, r0)
		}
	}
	return out
}

// gapOptics is SPEC §10's loss and return loss of an open pair with an
// offset loss ilOffset and a gap g (µm).
func gapOptics(ilOffset, g, lambda, w, r0 float64) (il, rl float64) {
	R := 2 * r0 * (1 - math.Cos(4*math.Pi*g/lambda))
	spread := 10 * math.Log10(1+math.Pow(lambda*g/(2*math.Pi*w*w), 2))
	return ilOffset - 10*math.Log10(1-R) + spread, -10 * math.Log10(R)
}

// check compares a prediction with the truth's, pair by pair. A pair whose
// compression lies within the tolerance of s of zero may go either way;
// every other is checked for its contact state, gap, force and losses.
func check(t *testing.T, res *mate.Result, want []expected, k, mfd, lambdaNM, n float64) (contact, open int) {
	t.Helper()
	require.Len(t, res.Pairs, len(want))
	// The contact level moves with every s: by at most the largest tolerance.
	var tolLevel float64
	for _, e := range want {
		tolLevel = math.Max(tolLevel, e.tolS)
	}
	w := mfd / 2
	r0 := math.Pow((n-1)/(n+1), 2)
	var force float64
	for i, e := range want {
		got := res.Pairs[i]
		name := fmt.Sprintf("pair %d–%d", e.aFiber, e.bFiber)
		require.Equal(t, e.aFiber, got.AFiber, name)
		require.Equal(t, e.bFiber, got.BFiber, name)
		require.InDelta(t, e.offset, float64(got.OffsetUM), 2*tolPosUM, name)
		force += float64(got.ContactForceN)
		tol := e.tolS + tolLevel
		ilTol := 4.343 * (2*e.offset*2*tolPosUM + 4*tolPosUM*tolPosUM) / (w * w)
		switch {
		case e.c > tol:
			contact++
			require.True(t, got.InContact, "%s: compression %.1f nm", name, e.c*1e3)
			require.InDelta(t, 0, float64(got.GapNM), 0, name)
			require.InDelta(t, k*e.c, float64(got.ContactForceN), k*tol, name)
			require.False(t, got.RLDB.Valid(), name)
			require.InDelta(t, e.il, float64(got.ILDB), ilTol, name)
			if math.Abs(e.cdSum-50) > 2*tolCoreDip {
				require.Equal(t, e.cdSum > 50, got.CoreDipRisk, "%s: core dips %.0f nm", name, e.cdSum)
			}
		case !e.contact && e.gap > tol:
			open++
			require.False(t, got.InContact, "%s: gap %.1f nm", name, e.gap*1e3)
			require.False(t, got.CoreDipRisk, name)
			require.InDelta(t, e.gap*1e3, float64(got.GapNM), tol*1e3, name)
			require.InDelta(t, 0, float64(got.ContactForceN), 0, name)
			// Loss and return loss over the box of offset and gap
			// tolerances (both vary slowly there except RL near R = 0).
			lo, hi := math.Inf(1), math.Inf(-1)
			rlLo, rlHi := math.Inf(1), math.Inf(-1)
			for _, dd := range []float64{-1, -0.5, 0, 0.5, 1} {
				for _, dg := range []float64{-1, -0.5, 0, 0.5, 1} {
					d := math.Max(0, e.offset+dd*2*tolPosUM)
					il, rl := gapOptics(4.342944819*d*d/(w*w), math.Max(0, e.gap+dg*tol), lambdaNM/1e3, w, r0)
					lo, hi = math.Min(lo, il), math.Max(hi, il)
					rlLo, rlHi = math.Min(rlLo, rl), math.Max(rlHi, rl)
				}
			}
			require.GreaterOrEqual(t, float64(got.ILDB), lo-1e-3, name)
			require.LessOrEqual(t, float64(got.ILDB), hi+1e-3, name)
			if rlHi-rlLo < 3 { // away from a null of R, where RL is steep
				require.InDelta(t, e.rl, float64(got.RLDB), rlHi-rlLo+1e-3, name)
			}
		}
	}
	// The fibers carry the spring force, exactly.
	require.InDelta(t, 10, force, 1e-9)
	return contact, open
}

// Pairs of synthetic PC end faces in both polarities: offsets, contact
// set, gaps, forces and losses against the truth.
func TestMatePCTruth(t *testing.T) {
	for _, layout := range []string{"MT-12", "MT-32"} {
		a := newPart(t, layout, 11, 0, nil)
		b := newPart(t, layout, 12, 0, nil)
		for _, pol := range []string{"B", "A"} {
			t.Run(layout+"/polarity"+pol, func(t *testing.T) {
				res, err := mate.Mate(a.rep, b.rep, mate.Params{Polarity: pol})
				require.NoError(t, err)
				want := expect(a, b, pol, 10, 2, 9.2, 1310, 1.447)
				contact, open := check(t, res, want, 2, 9.2, 1310, 1.447)
				require.Positive(t, contact, "the test should see pairs in contact")
				require.Positive(t, open, "the test should see open pairs")
				require.Equal(t, res.Summary.FibersInContact, countContact(res))
				require.Equal(t, "PC", res.A.Interface)
			})
		}
	}
}

func countContact(r *mate.Result) int {
	n := 0
	for _, p := range r.Pairs {
		if p.InContact {
			n++
		}
	}
	return n
}

// APC parts (8° faces measured in an 8° fixture): key-up to key-down keeps
// the faces parallel, key-up to key-up opens a gap of 2·tan 8°·Δy between
// rows (140 µm for two rows 500 µm apart).
func TestMateAPCTruth(t *testing.T) {
	a := newPart(t, "MT-24", 21, 8, nil)
	b := newPart(t, "MT-24", 22, 8, nil)
	for _, pol := range []string{"A", "B"} {
		t.Run("polarity"+pol, func(t *testing.T) {
			res, err := mate.Mate(a.rep, b.rep, mate.Params{Polarity: pol})
			require.NoError(t, err)
			require.Equal(t, "APC", res.A.Interface)
			want := expect(a, b, pol, 10, 2, 9.2, 1310, 1.447)
			contact, _ := check(t, res, want, 2, 9.2, 1310, 1.447)
			require.Positive(t, contact)
			if pol == "B" {
				// One row touches, the other stands 2·tan(8°)·500 µm off.
				require.InDelta(t, 2*math.Tan(8*math.Pi/180)*500e3, float64(res.Summary.LargestGapNM), 10e3)
				require.LessOrEqual(t, res.Summary.FibersInContact, 12)
			} else {
				require.Less(t, float64(res.Summary.LargestGapNM), 5e3)
			}
		})
	}
}

// A missing fiber's pair is null and flagged, not a crash; the others are
// predicted without it.
func TestMateUnmeasured(t *testing.T) {
	a := newPart(t, "MT-12", 31, 0, func(p *synth.Params) { p.Missing = []int{3} })
	b := newPart(t, "MT-12", 32, 0, nil)
	res, err := mate.Mate(a.rep, b.rep, mate.Params{})
	require.NoError(t, err)
	pr := res.Pairs[2]
	require.Equal(t, 3, pr.AFiber)
	require.Equal(t, 10, pr.BFiber) // column 3 meets 12 + 1 − 3
	require.Contains(t, pr.Flags, "a_unmeasured")
	require.False(t, pr.InContact)
	for _, v := range []ferrule.Num{pr.OffsetUM, pr.ILDB, pr.GapNM, pr.ContactForceN, pr.RLDB} {
		require.False(t, v.Valid())
	}
	var force float64
	for _, p := range res.Pairs {
		if p.ContactForceN.Valid() {
			force += float64(p.ContactForceN)
		}
	}
	require.InDelta(t, 10, force, 1e-9)
	b2, err := json.Marshal(res)
	require.NoError(t, err)
	require.Contains(t, string(b2), `"a_fiber":3,"b_fiber":10,"offset_um":null,"il_db":null,"in_contact":false,"gap_nm":null`)
}

// Parts that cannot mate are refused with an error naming them.
func TestMateCannot(t *testing.T) {
	a := newPart(t, "MT-12", 41, 0, nil)
	b := newPart(t, "MT-16", 42, 0, nil)
	_, err := mate.Mate(a.rep, b.rep, mate.Params{})
	require.ErrorIs(t, err, mate.ErrCannotMate)
	require.ErrorContains(t, err, "MT-12-seed41")

	// Guide holes 10 µm further apart than the mate's: beyond the 6 µm of
	// IEC 61754-7's band.
	c := newPart(t, "MT-12", 43, 0, func(p *synth.Params) { p.HoleSpacingUm = 4610 })
	_, err = mate.Mate(a.rep, c.rep, mate.Params{})
	require.ErrorIs(t, err, mate.ErrCannotMate)
	require.ErrorContains(t, err, "guide holes")
	// 4 µm: within the band, mates.
	d := newPart(t, "MT-12", 44, 0, func(p *synth.Params) { p.HoleSpacingUm = 4604 })
	_, err = mate.Mate(a.rep, d.rep, mate.Params{})
	require.NoError(t, err)

	for _, p := range []mate.Params{{Polarity: "C"}, {ForceN: -1}, {StiffnessNPerUM: math.NaN()}, {GlassIndex: 0.5}, {WavelengthNM: 10}} {
		_, err := mate.Mate(a.rep, a.rep, p)
		require.Error(t, err, "%+v", p)
	}
}

// The ideal mate: in contact, a pair's loss is the part's il_ideal_db.
func TestAgainstIdeal(t *testing.T) {
	largest := map[string][]float64{} // by polarity, per fixture
	for _, fix := range []float64{0, 8} {
		a := newPart(t, "MT-16", 51, fix, nil)
		for _, pol := range []string{"A", "B"} {
			res, err := mate.AgainstIdeal(a.rep, mate.Params{Polarity: pol})
			require.NoError(t, err)
			require.Equal(t, "ideal", res.B.File)
			for i, p := range res.Pairs {
				if p.InContact {
					require.InDelta(t, float64(a.rep.Fibers[i].ILIdealDB), float64(p.ILDB), 1e-12)
				}
			}
			// The complement of the nominal face: an APC part's gaps are its
			// own heights' and angle errors', never the 8° face's (140 µm
			// over the array): far below 3 µm, as without a fixture.
			require.Less(t, float64(res.Summary.LargestGapNM), 3e3, "fixture %g, polarity %s", fix, pol)
			largest[pol] = append(largest[pol], float64(res.Summary.LargestGapNM))
		}
	}
	// The same end face generated at 0° and at 8° (the generator's truth
	// is the same, the fixture only tilts the face) mates an ideal part
	// with the same gaps, within the gap accuracy of twice 0.6 nm.
	for pol, g := range largest {
		require.InDelta(t, g[0], g[1], 1.2, "polarity %s: largest gap at 0° and 8°", pol)
	}
}

// A part analysed with its frame turned 180° and the key on the bottom
// mates as the same part analysed key-top: the key side undoes the turn.
func TestMateKeySide(t *testing.T) {
	a := newPart(t, "MT-12", 61, 0, nil)
	b := newPart(t, "MT-12", 62, 0, nil)
	want, err := mate.Mate(a.rep, b.rep, mate.Params{})
	require.NoError(t, err)
	m, _, err := synth.Generate(b.p)
	require.NoError(t, err)
	bottom, err := ferrule.LayoutByName("MT-12")
	require.NoError(t, err)
	bottom.Key = ferrule.KeyBottom
	turned, err := ferrule.Analyze(m, ferrule.Options{OrientationDeg: 180, Layout: &bottom})
	require.NoError(t, err)
	got, err := mate.Mate(a.rep, turned, mate.Params{LayoutB: &bottom})
	require.NoError(t, err)
	n := len(want.Pairs)
	for i := range want.Pairs {
		w, g := want.Pairs[i], got.Pairs[i]
		require.Equal(t, n+1-w.BFiber, g.BFiber) // numbered from the other end
		require.InDelta(t, float64(w.OffsetUM), float64(g.OffsetUM), 0.05)
		require.Equal(t, w.InContact, g.InContact)
		require.InDelta(t, float64(w.GapNM), float64(g.GapNM), 1)
	}
}

// Lensed ferrules: offset loss only.
func TestMateLensed(t *testing.T) {
	l, err := ferrule.LayoutByName("MT-12")
	require.NoError(t, err)
	l.Name, l.Interface = "MT-12-lensed", ferrule.InterfaceLensed
	parts := make([]*ferrule.Report, 2)
	truths := make([]synth.Truth, 2)
	for i := range parts {
		m, truth, err := synth.Generate(synth.Random("MT-12", uint64(70+i)))
		require.NoError(t, err)
		parts[i], err = ferrule.Analyze(m, ferrule.Options{Layout: &l})
		require.NoError(t, err)
		truths[i] = truth
	}
	const mfd = 50 // µm, an expanded beam
	res, err := mate.Mate(parts[0], parts[1], mate.Params{LayoutA: &l, LayoutB: &l, MFDUM: mfd})
	require.NoError(t, err)
	require.False(t, res.Parameters.ContactModel)
	for i, p := range res.Pairs {
		require.False(t, p.InContact)
		require.False(t, p.GapNM.Valid())
		fa, fb := truths[0].Fibers[i], truths[1].Fibers[12-i-1]
		d := math.Hypot(fa.XUm+fb.XUm, fa.YUm-fb.YUm)
		require.InDelta(t, 4.342944819*d*d/(mfd*mfd/4), float64(p.ILDB), 4.343*(2*d*0.7+0.49)/(mfd*mfd/4))
	}
	// A lensed part does not meet a contact one.
	m, _, _ := synth.Generate(synth.Random("MT-12", 79))
	pc, err := ferrule.Analyze(m, ferrule.Options{})
	require.NoError(t, err)
	_, err = mate.Mate(parts[0], pc, mate.Params{LayoutA: &l})
	require.ErrorIs(t, err, mate.ErrCannotMate)
}

// ContactLevel against hand-solved cases.
func TestContactLevel(t *testing.T) {
	for _, tc := range []struct {
		s    []float64
		f, k float64
		want float64
	}{
		{[]float64{3, 2, 1}, 2, 2, 2},            // F/k = 1: the top pair alone takes 1 µm, reaching the next
		{[]float64{3, 2, 1}, 6, 2, 1},            // F/k = 3: (3 + 2 − 3)/2 = 1, the third just touches
		{[]float64{3, 2, 1}, 12, 2, 0},           // F/k = 6: all three, (6 − 6)/3
		{[]float64{1, math.NaN(), 1}, 1, 1, 0.5}, // two equal, NaN skipped
		{[]float64{5}, 10, 2, 0},                 // one pair takes 5 µm
	} {
		require.InDelta(t, tc.want, mate.ContactLevel(tc.s, tc.f, tc.k), 1e-12, "%v", tc.s)
	}
	require.True(t, math.IsNaN(mate.ContactLevel([]float64{math.NaN()}, 1, 1)))
	require.Panics(t, func() { mate.ContactLevel([]float64{1}, 0, 1) })
}

// An APC part measured without a fixture angle (its Y angle ≈ 8°) meets
// the ideal APC complement of its ±8° nominal face: both sides APC, no
// PC-against-APC warning, and the pairs, gaps (≈ 0 beside the face's 8°)
// included, as the truth predicts them against that complement.
func TestAgainstIdealAPCWithoutFixture(t *testing.T) {
	a := newPart(t, "MT-24", 52, 0, func(p *synth.Params) { p.YAngleDeg += 8 })
	l, err := ferrule.LayoutByName("MT-24")
	require.NoError(t, err)
	for _, pol := range []string{"A", "B"} {
		t.Run("polarity"+pol, func(t *testing.T) {
			res, err := mate.AgainstIdeal(a.rep, mate.Params{Polarity: pol})
			require.NoError(t, err)
			require.Equal(t, "APC", res.A.Interface)
			require.Equal(t, "APC", res.B.Interface)
			for _, w := range res.Warnings {
				require.NotContains(t, w, "a PC part against an APC one")
				require.NotContains(t, w, "near the limits")
			}
			// The ideal's truth: fibers at their nominal centres, no height
			// or core dip, its face the complement of A's nominal 8°.
			sy := 1.0
			if pol == "A" {
				sy = -1
			}
			ideal := part{truth: a.truth}
			ideal.truth.ReferencePlane = synth.PlaneTruth{YAngleDeg: -sy * 8}
			ideal.truth.Fibers = append([]synth.FiberTruth(nil), a.truth.Fibers...)
			for j := range ideal.truth.Fibers {
				f := &ideal.truth.Fibers[j]
				nom, _, _ := l.Nominal(f.Index)
				f.XUm, f.YUm, f.HeightNm, f.CoreDipNm = nom.X, nom.Y, 0, 0
			}
			want := expect(a, ideal, pol, 10, 2, 9.2, 1310, 1.447)
			contact, _ := check(t, res, want, 2, 9.2, 1310, 1.447)
			require.Positive(t, contact)
			for i, p := range res.Pairs {
				if p.InContact {
					require.InDelta(t, float64(a.rep.Fibers[i].ILIdealDB), float64(p.ILDB), 1e-12)
				}
			}
			// The part's own heights and angle errors, never the 8° face's
			// 2·tan 8°·500 µm = 140 µm between its rows.
			require.Less(t, float64(res.Summary.LargestGapNM), 10e3)
		})
	}
}
