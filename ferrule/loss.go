package ferrule

import (
	"fmt"
	"math"
)

// The optical model of SPEC §10: single-mode coupling of Gaussian modes
// (Marcuse), the Fresnel reflections of an air gap and the gap's mode
// spreading. Lengths are µm (the wavelength too), losses dB, reflectances
// fractions of the incident power. The functions are the one copy of the
// formulas that the analysis (il_ideal_db) and the mated-pair prediction
// (ferrule/mate) share.

// Loss-model defaults (SPEC §10).
const (
	// DefaultMFDUM is the mode-field diameter of G.652 fiber (SMF-28) at
	// 1310 nm, µm (10.4 µm at 1550 nm).
	DefaultMFDUM = 9.2
	// DefaultWavelengthNM is the wavelength the loss is predicted at, nm.
	DefaultWavelengthNM = 1310
	// DefaultGlassIndex is the refractive index of the fiber's glass.
	DefaultGlassIndex = 1.447
)

// dbPerNeper10 is 10/ln 10: 10·log10(e^x) = dbPerNeper10·x, the 4.343 of
// SPEC §10.
const dbPerNeper10 = 10 / math.Ln10

// OffsetLossDB is the insertion loss of a lateral offset d between two
// single-mode fibers of mode-field diameter mfd (both µm): the overlap of
// two Gaussian modes of radius w = mfd/2, 4.343·(d/w)² dB. The pins keep
// the axes parallel, so there is no angle term. It panics if mfd ≤ 0.
func OffsetLossDB(d, mfd float64) float64 {
	if !(mfd > 0) {
		panic("ferrule: OffsetLossDB: mode-field diameter must be positive")
	}
	w := mfd / 2
	return dbPerNeper10 * (d / w) * (d / w)
}

// MultimodeOffsetLossDB is a multimode fiber's loss for an offset d (µm)
// from a plant's calibration factor dBPerUM (SPEC §10 has no model for
// multimode): d·dBPerUM, NaN when no factor is given (dBPerUM ≤ 0).
func MultimodeOffsetLossDB(d, dBPerUM float64) float64 {
	if !(dBPerUM > 0) {
		return math.NaN()
	}
	return d * dBPerUM
}

// FresnelReflectance is R0 = ((n−1)/(n+1))², the reflectance of one
// glass–air interface at normal incidence for glass of index n.
func FresnelReflectance(n float64) float64 {
	r := (n - 1) / (n + 1)
	return r * r
}

// GapReflectance is the reflectance of an air gap g between two glass end
// faces of index n at wavelength lambda (g and lambda in µm): the two
// interfaces' reflections interfering, 2·R0·(1 − cos(4π·g/λ)), between 0
// (g a multiple of λ/2) and 4·R0.
func GapReflectance(g, lambda, n float64) float64 {
	return 2 * FresnelReflectance(n) * (1 - math.Cos(4*math.Pi*g/lambda))
}

// ReturnLossDB is −10·log10(R): +Inf for R = 0.
func ReturnLossDB(r float64) float64 { return -10 * math.Log10(r) }

// ReflectionLossDB is the transmission loss of a reflectance R,
// −10·log10(1 − R).
func ReflectionLossDB(r float64) float64 { return -10 * math.Log10(1-r) }

// GapSpreadingLossDB is the loss of a Gaussian mode of diameter mfd
// spreading over an air gap g at wavelength lambda (all µm),
// 10·log10(1 + (λ·g/(2π·w²))²) with w = mfd/2.
func GapSpreadingLossDB(g, lambda, mfd float64) float64 {
	w := mfd / 2
	z := lambda * g / (2 * math.Pi * w * w)
	return 10 * math.Log10(1+z*z)
}

// GapLossDB is the insertion loss of an open pair's air gap g beyond its
// offset loss (SPEC §10): the reflection loss of GapReflectance plus the
// mode spreading, at wavelength lambda, mode-field diameter mfd (µm) and
// glass index n. It is 0 at g = 0.
func GapLossDB(g, lambda, mfd, n float64) float64 {
	return ReflectionLossDB(GapReflectance(g, lambda, n)) + GapSpreadingLossDB(g, lambda, mfd)
}

// LossModel is the optical model the report's il_ideal_db values were
// computed with (SPEC §10), as the report records it.
type LossModel struct {
	// MFDUM is the mode-field diameter, µm (single-mode).
	MFDUM Num `json:"mfd_um"`
	// WavelengthNM is the wavelength, nm.
	WavelengthNM Num `json:"wavelength_nm"`
	// MMLossDBPerUM is the multimode calibration factor, dB per µm of
	// offset; null when none was given (a multimode part's il_ideal_db is
	// then null too).
	MMLossDBPerUM Num `json:"mm_loss_db_per_um"`
	// Multimode says the part was measured as multimode, so il_ideal_db is
	// the offset times MMLossDBPerUM rather than the Gaussian-mode loss.
	Multimode bool `json:"multimode"`
}

// lossModel returns the options' loss model with defaults filled in.
func (o Options) lossModel(multimode bool) LossModel {
	m := LossModel{MFDUM: Num(o.MFDUM), WavelengthNM: Num(o.WavelengthNM), MMLossDBPerUM: nan, Multimode: multimode}
	if o.MFDUM == 0 {
		m.MFDUM = DefaultMFDUM
	}
	if o.WavelengthNM == 0 {
		m.WavelengthNM = DefaultWavelengthNM
	}
	if o.MMLossDBPerUM > 0 {
		m.MMLossDBPerUM = Num(o.MMLossDBPerUM)
	}
	return m
}

// OffsetLoss is the loss of an offset d µm under the model: the Gaussian
// single-mode loss, or for a multimode part the calibrated one (NaN
// without a calibration factor).
func (m LossModel) OffsetLoss(d float64) float64 {
	if m.Multimode {
		return MultimodeOffsetLossDB(d, float64(m.MMLossDBPerUM))
	}
	return OffsetLossDB(d, float64(m.MFDUM))
}

// Physical ranges of the loss options (Options.Validate, and mate.Params
// for the same quantities).
const (
	// Mode-field diameters of single-mode fibers run from ~3 µm (bend-
	// insensitive, short-wavelength) to ~13 µm (1625 nm); lensed
	// expanded-beam ferrules reach tens of µm. Anything beyond the core of
	// a multimode fiber is a typing error.
	MinMFDUM, MaxMFDUM = 1, 100
	// Fiber-optic wavelengths: 400 nm (visible) to 2000 nm.
	MinWavelengthNM, MaxWavelengthNM = 400, 2000
	// A multimode offset calibration beyond 10 dB/µm would lose the whole
	// signal within a micrometre.
	MaxMMLossDBPerUM = 10
)

// validateLoss checks the loss options against their ranges.
func (o Options) validateLoss() error {
	if o.MFDUM != 0 && !(o.MFDUM >= MinMFDUM && o.MFDUM <= MaxMFDUM) {
		return fmt.Errorf("ferrule: mode-field diameter %g µm (--mfd-um) is outside [%d, %d] µm", o.MFDUM, MinMFDUM, MaxMFDUM)
	}
	if o.WavelengthNM != 0 && !(o.WavelengthNM >= MinWavelengthNM && o.WavelengthNM <= MaxWavelengthNM) {
		return fmt.Errorf("ferrule: wavelength %g nm (--wavelength-nm) is outside [%d, %d] nm", o.WavelengthNM, MinWavelengthNM, MaxWavelengthNM)
	}
	if !(o.MMLossDBPerUM >= 0 && o.MMLossDBPerUM <= MaxMMLossDBPerUM) {
		return fmt.Errorf("ferrule: multimode loss %g dB/µm (--mm-loss-db-per-um) is outside [0, %d] dB/µm (0: none)", o.MMLossDBPerUM, MaxMMLossDBPerUM)
	}
	return nil
}

// idealLoss records the loss model of the options in rep and fills every
// fiber's il_ideal_db from its position error (SPEC §10: d = |(dx, dy)|
// against the nominal place in the hole frame, no array refit) and the
// summary's worst and mean over the fibers that have one.
func (an *analysis) idealLoss(rep *Report, opts Options) {
	m := opts.lossModel(an.layout.Multimode)
	rep.Loss = m
	var sum float64
	n := 0
	rep.Summary.MaxILIdealDB, rep.Summary.MeanILIdealDB = nan, nan
	for i := range rep.Fibers {
		f := &rep.Fibers[i]
		f.ILIdealDB = nan
		if !f.DXUM.Valid() || !f.DYUM.Valid() {
			continue
		}
		il := m.OffsetLoss(math.Hypot(float64(f.DXUM), float64(f.DYUM)))
		if math.IsNaN(il) {
			continue
		}
		f.ILIdealDB = Num(il)
		sum += il
		n++
		if !(rep.Summary.MaxILIdealDB >= f.ILIdealDB) {
			rep.Summary.MaxILIdealDB = f.ILIdealDB
		}
	}
	if n > 0 {
		rep.Summary.MeanILIdealDB = Num(sum / float64(n))
	}
}
