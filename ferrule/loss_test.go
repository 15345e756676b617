package ferrule_test

import (
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

// Published and closed-form values of the SPEC §10 model.
func TestLossFormulas(t *testing.T) {
	// IEC 61755-2-2 / Marcuse, as quoted in SPEC §10 and issue 16: a 1 µm
	// lateral offset at MFD 9.2 µm costs 4.343·(1/4.6)² = 0.205 dB.
	require.InDelta(t, 0.205, ferrule.OffsetLossDB(1, 9.2), 0.0005)
	// Closed form, 10/ln10 = 4.3429…: 2 µm at MFD 10.4 µm (1550 nm).
	require.InDelta(t, 4.342945*4/(5.2*5.2), ferrule.OffsetLossDB(2, 10.4), 1e-6)
	require.Zero(t, ferrule.OffsetLossDB(0, 9.2))
	require.Panics(t, func() { ferrule.OffsetLossDB(1, 0) })

	// Fresnel: ((n−1)/(n+1))² for n = 1.447 is (0.447/2.447)² = 0.033369,
	// a single interface's return loss 14.77 dB (the "about 4 %, −14 dB"
	// of a glass–air end face quoted in fiber glossaries, e.g. Cables
	// Unlimited's "Fresnel Reflection Loss").
	r0 := ferrule.FresnelReflectance(1.447)
	require.InDelta(t, 0.033369, r0, 1e-6)
	require.InDelta(t, 14.766, ferrule.ReturnLossDB(r0), 0.001)

	// The two-interface gap: 0 at g = λ/2, 4·R0 at g = λ/4 (closed form of
	// 2·R0·(1 − cos(4πg/λ))).
	const lambda = 1.31 // µm
	require.InDelta(t, 0, ferrule.GapReflectance(lambda/2, lambda, 1.447), 1e-15)
	require.InDelta(t, 4*r0, ferrule.GapReflectance(lambda/4, lambda, 1.447), 1e-15)
	require.True(t, math.IsInf(ferrule.ReturnLossDB(0), 1))

	// J. M. Senior, Optical Fiber Communications (3rd ed.), problem 4.1:
	// the Fresnel loss of a small air gap between fibers of core index
	// 1.46 is 0.31 dB. Senior adds the two reflections incoherently; our
	// interfering gap's reflectance averages to the same 2·R0 over a
	// period of g, numerically here.
	var mean float64
	const steps = 1000
	for i := range steps {
		mean += ferrule.GapReflectance((float64(i)+0.5)/steps*lambda/2, lambda, 1.46) / steps
	}
	require.InDelta(t, 2*ferrule.FresnelReflectance(1.46), mean, 1e-12)
	require.InDelta(t, 0.31, ferrule.ReflectionLossDB(mean), 0.006)

	// Mode spreading: 10·log10(2) = 3.0103 dB where λ·g = 2π·w².
	w := 4.6
	g := 2 * math.Pi * w * w / lambda
	require.InDelta(t, 3.0103, ferrule.GapSpreadingLossDB(g, lambda, 2*w), 1e-4)
	require.Zero(t, ferrule.GapLossDB(0, lambda, 9.2, 1.447))
	// At g = λ/4 the gap loss is the reflection of 4·R0 plus the
	// spreading of a 0.33 µm gap.
	z := lambda * (lambda / 4) / (2 * math.Pi * w * w)
	require.InDelta(t, -10*math.Log10(1-4*r0)+10*math.Log10(1+z*z), ferrule.GapLossDB(lambda/4, lambda, 9.2, 1.447), 1e-12)

	// Multimode: the calibration factor, or nothing.
	require.InDelta(t, 0.3, ferrule.MultimodeOffsetLossDB(1.5, 0.2), 1e-15)
	require.True(t, math.IsNaN(ferrule.MultimodeOffsetLossDB(1.5, 0)))
}

// il_ideal_db of every fiber against the generator's true offsets, with
// the Gaussian formula written out here; the tolerance is the loss's
// change over the analysis's worst centre error (0.35 µm, README's
// accuracy table: 0.34 µm worst of the production sweep).
func TestIdealLossAgainstTruth(t *testing.T) {
	const tolCentre = 0.35 // µm
	for _, tc := range []struct {
		layout string
		mfd    float64
	}{{"MT-16", 0}, {"MT-24", 10.4}} {
		t.Run(tc.layout, func(t *testing.T) {
			p := synth.Random(tc.layout, 7)
			for i := range p.Offsets { // up to 2 µm off: 0.1–0.8 dB
				p.Offsets[i][0] *= 2
				p.Offsets[i][1] *= -1.5
			}
			m, truth, err := synth.Generate(p)
			require.NoError(t, err)
			rep, err := ferrule.Analyze(m, ferrule.Options{MFDUM: tc.mfd})
			require.NoError(t, err)
			mfd := tc.mfd
			if mfd == 0 {
				mfd = 9.2 // SPEC §10 default
			}
			w := mfd / 2
			require.InDelta(t, mfd, float64(rep.Loss.MFDUM), 0)
			worst, sum := 0.0, 0.0
			for i, ft := range truth.Fibers {
				d := math.Hypot(ft.DXUm, ft.DYUm)
				want := 10 / math.Ln10 * d * d / (w * w)
				tol := 10 / math.Ln10 * (2*d*tolCentre + tolCentre*tolCentre) / (w * w)
				got := float64(rep.Fibers[i].ILIdealDB)
				require.InDelta(t, want, got, tol, "fiber %d, offset %.2f µm", i+1, d)
				worst = math.Max(worst, got)
				sum += got
			}
			require.Equal(t, worst, float64(rep.Summary.MaxILIdealDB))
			require.InDelta(t, sum/float64(len(truth.Fibers)), float64(rep.Summary.MeanILIdealDB), 1e-12)

			// Gradable like any fiber field (SPEC §7).
			prof, err := ferrule.ParseProfile([]byte(`{"name": "il", "limits": {"il_ideal_db": {"max": 0.25}, "max_il_ideal_db": {"max": 0.25}}}`))
			require.NoError(t, err)
			g, err := prof.Grade(rep)
			require.NoError(t, err)
			fails := 0
			for _, c := range g.Checks {
				if c.Name == "il_ideal_db" && !c.Pass {
					fails++
				}
			}
			wantFails := 0
			for i := range rep.Fibers {
				if rep.Fibers[i].ILIdealDB > 0.25 {
					wantFails++
				}
			}
			require.Equal(t, wantFails, fails)
			require.Equal(t, worst <= 0.25, g.Pass)
		})
	}
}

// A multimode part has no Gaussian loss: il_ideal_db is the offset times a
// calibration factor when one is given, null otherwise.
func TestIdealLossMultimode(t *testing.T) {
	p := synth.Random("MT-12", 3)
	p.Multimode = true
	p.CoreDipProfile = synth.DipParabolic
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	rep, err := ferrule.Analyze(m, ferrule.Options{Multimode: true})
	require.NoError(t, err)
	require.True(t, rep.Loss.Multimode)
	for i := range rep.Fibers {
		require.False(t, rep.Fibers[i].ILIdealDB.Valid(), "fiber %d", i+1)
	}
	require.False(t, rep.Summary.MaxILIdealDB.Valid())

	const factor = 0.1 // dB/µm, a made-up plant calibration
	rep, err = ferrule.Analyze(m, ferrule.Options{Multimode: true, MMLossDBPerUM: factor})
	require.NoError(t, err)
	for i, ft := range truth.Fibers {
		require.InDelta(t, factor*math.Hypot(ft.DXUm, ft.DYUm), float64(rep.Fibers[i].ILIdealDB), factor*0.35, "fiber %d", i+1)
	}
}

func TestLossOptionsValidate(t *testing.T) {
	for _, o := range []ferrule.Options{
		{MFDUM: 0.5}, {MFDUM: math.NaN()}, {MFDUM: 1000},
		{WavelengthNM: 1.31}, {WavelengthNM: math.Inf(1)},
		{MMLossDBPerUM: -1}, {MMLossDBPerUM: 50}, {MMLossDBPerUM: math.NaN()},
	} {
		require.Error(t, o.Validate(), "%+v", o)
	}
	for _, o := range []ferrule.Options{{}, {MFDUM: 10.4, WavelengthNM: 1550}, {MMLossDBPerUM: 0.2}} {
		require.NoError(t, o.Validate(), "%+v", o)
	}
}
