package synth

import (
	"archive/zip"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The outside generator's samples (/work/shared/samples, see its README):
// an X3P map and a truth file per end face, made by code that shares nothing
// with this package. Tests that need them skip when they are absent.
const sampleDir = "/work/shared/samples"

// sampleNames are the outside samples: two flat single-mode parts, a domed
// MT-24 with offset apexes and a concave multimode MT-12 with parabolic
// dips.
var sampleNames = []string{"mt16-sample", "mt32-sample", "mt24-domed-sample", "mt12-mm-concave-sample"}

// sampleTruth is the part of an outside *.truth.json these tests read.
type sampleTruth struct {
	Layout  string   `json:"layout"`
	PixelUm float64  `json:"pixel_um"`
	NX      int      `json:"nx"`
	NY      int      `json:"ny"`
	XRadius *float64 `json:"x_radius_mm"` // null when flat
	YRadius *float64 `json:"y_radius_mm"` // absent when flat
	Fibers  []struct {
		Index, Row, Col int
		XUm             float64  `json:"x_um"`
		YUm             float64  `json:"y_um"`
		ApexXUm         *float64 `json:"apex_x_um"` // the curved samples only
		ApexYUm         *float64 `json:"apex_y_um"`
	} `json:"fibers"`
	GuideHoles []struct {
		XUm        float64 `json:"x_um"`
		YUm        float64 `json:"y_um"`
		MapXUm     float64 `json:"map_x_um"` // from the map centre
		MapYUm     float64 `json:"map_y_um"`
		DiameterUm float64 `json:"diameter_um"`
	} `json:"guide_holes"`
	Case struct {
		Layout     string       `json:"layout"`
		Seed       uint64       `json:"seed"`
		XAngleDeg  float64      `json:"x_angle_deg"`
		YAngleDeg  float64      `json:"y_angle_measured_deg"`
		RotDeg     float64      `json:"rot_deg"`
		ShiftUm    [2]float64   `json:"shift_um"`
		HeightsUm  []float64    `json:"heights_um"`
		RadiiUm    []float64    `json:"radii_um"`
		OffsetsUm  [][2]float64 `json:"offsets_um"`
		CoreDipUm  float64      `json:"core_dip_um"`
		NoiseUm    float64      `json:"noise_um"`
		Dropout    float64      `json:"dropout_fraction"`
		PixelUm    float64      `json:"pixel_um"`
		HoleDUm    float64      `json:"hole_d_um"`
		FerruleC2  *float64     `json:"ferrule_c2_per_um"`  // −1/(2Rx), 1/µm
		FerruleC2Y *float64     `json:"ferrule_c2y_per_um"` // −1/(2Ry), 1/µm
		FixtureDeg float64      `json:"fixture_angle_deg"`
		ApexOffs   [][2]float64 `json:"apex_offsets_um"`
		Multimode  bool         `json:"multimode"`
		CoreDUm    float64      `json:"core_d_um"`
		Profile    string       `json:"core_dip_profile"`
	} `json:"case"`
}

// radiusMM turns the outside generator's coefficient c2 of X² (1/µm) into
// a ferrule radius in mm signed as SPEC §4 (positive = dome): c2 = −1/(2R),
// so R = −1/(2·c2) µm; nil is flat (0).
func radiusMM(c2 *float64) float64 {
	if c2 == nil || *c2 == 0 {
		return 0
	}
	return -1 / (2 * *c2) / 1000 // µm → mm
}

// readSample reads name.truth.json from sampleDir, skipping the test if it
// is absent, and returns it with Params rebuilt from its case.
func readSample(t *testing.T, name string) (sampleTruth, Params) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleDir, name+".truth.json"))
	if os.IsNotExist(err) {
		t.Skipf("%s not present", name)
	}
	require.NoError(t, err)
	var s sampleTruth
	require.NoError(t, json.Unmarshal(b, &s))
	c := s.Case
	require.Zero(t, c.FixtureDeg, "an APC fixture angle is not modelled")
	if c.Multimode {
		require.Equal(t, 2.0*coreRadiusMM, c.CoreDUm, "the multimode core is 50 µm (SPEC §2)")
	}
	p := Params{
		Layout: c.Layout, PixelUm: c.PixelUm, XAngleDeg: c.XAngleDeg, YAngleDeg: c.YAngleDeg,
		RotationDeg: c.RotDeg, ShiftUm: c.ShiftUm, Heights: c.HeightsUm, Offsets: c.OffsetsUm,
		CoreDipUm: c.CoreDipUm, NoiseUm: c.NoiseUm, DropoutFraction: c.Dropout, HoleDiameterUm: c.HoleDUm,
		RxMM: radiusMM(c.FerruleC2), RyMM: radiusMM(c.FerruleC2Y), ApexOffsets: c.ApexOffs,
		Multimode: c.Multimode, CoreDipProfile: c.Profile, Seed: c.Seed,
		Cols: s.NX, Rows: s.NY, // the curved samples are 2000 px wide, not this package's default
	}
	for _, r := range c.RadiiUm {
		p.RadiiMM = append(p.RadiiMM, r/1000) // µm → mm
	}
	return s, p
}

// TestSampleConventions rebuilds the outside samples from their case
// parameters and checks that this package places the guide holes and fibers
// where the outside generator says it did.
func TestSampleConventions(t *testing.T) {
	for _, name := range sampleNames {
		t.Run(name, func(t *testing.T) {
			s, p := readSample(t, name)
			_, tr, err := Generate(p)
			require.NoError(t, err)
			require.Equal(t, [2]int{s.NX, s.NY}, tr.SizePx)
			if name == "mt16-sample" || name == "mt32-sample" {
				// The default size derivation reproduces the flat samples' size.
				q := p
				q.Cols, q.Rows = 0, 0
				m, err := resolve(q)
				require.NoError(t, err)
				require.Equal(t, [2]int{s.NX, s.NY}, [2]int{m.cols, m.rows})
			}
			cx := float64(s.NX-1) / 2 * s.PixelUm // sample map coordinates are centre-relative
			cy := float64(s.NY-1) / 2 * s.PixelUm
			require.Len(t, tr.GuideHoles, len(s.GuideHoles))
			for i, h := range s.GuideHoles {
				got := tr.GuideHoles[i]
				require.InDelta(t, h.XUm, got.XUm, 1e-9)
				require.InDelta(t, h.YUm, got.YUm, 1e-9)
				// The sample prints 1e-13-µm digits; 1e-6 µm is far below a pixel.
				require.InDelta(t, h.MapXUm+cx, got.MapXUm, 1e-6)
				require.InDelta(t, h.MapYUm+cy, got.MapYUm, 1e-6)
				require.InDelta(t, h.DiameterUm, got.DiameterUm, 1e-9)
			}
			require.Len(t, tr.Fibers, len(s.Fibers))
			for i, f := range s.Fibers {
				got := tr.Fibers[i]
				require.Equal(t, [3]int{f.Index, f.Row, f.Col}, [3]int{got.Index, got.Row, got.Col})
				// The sample rounds positions to 1e-3 µm.
				require.InDelta(t, f.XUm, got.XUm, 1e-3, "fiber %d", f.Index)
				require.InDelta(t, f.YUm, got.YUm, 1e-3, "fiber %d", f.Index)
				if f.ApexXUm != nil {
					require.InDelta(t, *f.ApexXUm, got.ApexXUm, 1e-3, "fiber %d apex", f.Index)
					require.InDelta(t, *f.ApexYUm, got.ApexYUm, 1e-3, "fiber %d apex", f.Index)
				}
			}
			// Radii: the sample's from its c2 coefficients, ours from RxMM, RyMM
			// (null/absent = flat = NaN here).
			for _, r := range []struct {
				want *float64
				got  float64
			}{{s.XRadius, tr.XRadiusMM}, {s.YRadius, tr.YRadiusMM}} {
				if r.want == nil {
					require.True(t, math.IsNaN(r.got))
				} else {
					require.InEpsilon(t, *r.want, r.got, 1e-12)
				}
			}
		})
	}
}

// mapDiff summarises the pixel-by-pixel difference of two maps of the same
// size.
type mapDiff struct {
	n, bothNaN, onlyOurs, onlyTheirs int
	mean, rms, worst                 float64 // µm
}

func diffMaps(ours, theirs []float64) mapDiff {
	var d mapDiff
	var sum, sum2 float64
	for i, z := range ours {
		r := theirs[i]
		switch {
		case math.IsNaN(z) && math.IsNaN(r):
			d.bothNaN++
		case math.IsNaN(z):
			d.onlyOurs++
		case math.IsNaN(r):
			d.onlyTheirs++
		default:
			e := z - r
			d.n++
			sum += e
			sum2 += e * e
			d.worst = math.Max(d.worst, math.Abs(e))
		}
	}
	d.mean = sum / float64(d.n)
	d.rms = math.Sqrt(sum2/float64(d.n) - d.mean*d.mean)
	return d
}

// TestSampleMap compares the generated map pixel by pixel with the outside
// generator's X3P file. The two differ by their independent noise (2 nm RMS
// each, so √2·2 nm for the difference) and dropouts; any disagreement in
// the model (frame, sign of a tilt or a curvature, cap seat and symmetry,
// apex offset, core size and dip profile, hole) shows as a residual far
// above that.
func TestSampleMap(t *testing.T) {
	for _, name := range sampleNames {
		t.Run(name, func(t *testing.T) {
			_, p := readSample(t, name)
			ref := readX3P(t, filepath.Join(sampleDir, name+".x3p"), p)
			hm, _, err := Generate(p)
			require.NoError(t, err)
			require.Equal(t, len(hm.Z), len(ref))
			d := diffMaps(hm.Z, ref)
			t.Logf("%d px compared: mean %.3g µm, rms %.3g µm, max |d| %.3g µm; NaN both %d, ours only %d, theirs only %d",
				d.n, d.mean, d.rms, d.worst, d.bothNaN, d.onlyOurs, d.onlyTheirs)
			sigma := math.Sqrt2 * p.NoiseUm
			require.InDelta(t, 0, d.mean, 0.1*sigma) // standard error of the mean is σ/√n ≈ 3e-6 µm
			require.InDelta(t, sigma, d.rms, 0.05*sigma)
			// Gaussian differences over ~1.3 Mpx stay below 6σ (P ≈ 2e-9 per pixel).
			require.Less(t, d.worst, 6*sigma)
			// Each side drops 1 % independently; pixels NaN on one side only
			// are ≈ 1 % of the map each, holes agree exactly up to rim pixels.
			total := float64(len(hm.Z))
			require.InDelta(t, p.DropoutFraction, float64(d.onlyOurs)/total, 0.2*p.DropoutFraction)
			require.InDelta(t, p.DropoutFraction, float64(d.onlyTheirs)/total, 0.2*p.DropoutFraction)
		})
	}
}

// TestSampleMapDetects shows that the comparison of TestSampleMap sees the
// model details of the curved samples: each variant below, one detail
// wrong, leaves residuals far beyond the 6σ = 17 nm that the noise allows.
func TestSampleMapDetects(t *testing.T) {
	for _, tc := range []struct {
		name, sample string
		edit         func(*Params)
	}{
		// Apex offsets of up to 5 µm on 10 mm tips move the cap at the
		// cladding edge by ≈ 62.5·e/R ≈ 20–30 nm.
		{"no apex offsets", "mt24-domed-sample", func(p *Params) { p.ApexOffsets = nil }},
		// A step of 180 nm instead of the parabola: up to 180 nm at the core rim.
		{"step dips", "mt12-mm-concave-sample", func(p *Params) { p.CoreDipProfile = DipStep }},
		// Caps drawn on the curved surface instead of the plane: the cap's
		// rim moves by 62.5 µm·X/Rx ≈ 27 nm at X = 1375 µm, Rx = 3125 mm.
		{"caps on the surface", "mt24-domed-sample", func(p *Params) {
			p.RxMM, p.RyMM = 0, 0 // the curvature added below, per pixel
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, p := readSample(t, tc.sample)
			ref := readX3P(t, filepath.Join(sampleDir, tc.sample+".x3p"), p)
			q := p
			tc.edit(&q)
			hm, _, err := Generate(q)
			require.NoError(t, err)
			if q.RxMM != p.RxMM {
				// Add the curvature to every pixel: caps then ride on the
				// curved surface (the model this package must not use).
				m, err := resolve(p)
				require.NoError(t, err)
				for r := range hm.Rows() {
					row := hm.Row(r)
					for c := range row {
						row[c] += m.curvatureAt(m.toFrame(float64(c)*m.pitch, float64(r)*m.pitch))
					}
				}
			}
			d := diffMaps(hm.Z, ref)
			t.Logf("rms %.3g µm, max |d| %.3g µm", d.rms, d.worst)
			require.Greater(t, d.worst, 6*math.Sqrt2*p.NoiseUm)
		})
	}
}

// readX3P reads the float64 point data of an X3P file (ISO 5436-2: a zip
// holding main.xml and bin/data.bin, X varying fastest, heights in metres)
// and returns it in µm. It trusts the size from p, which the conventions
// test checks against the sample's truth.
func readX3P(t *testing.T, path string, p Params) []float64 {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not present", path)
	}
	require.NoError(t, err)
	defer zr.Close()
	f, err := zr.Open("bin/data.bin")
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	m, err := resolve(p)
	require.NoError(t, err)
	require.Equal(t, 8*m.cols*m.rows, len(b), "data.bin size")
	z := make([]float64, m.cols*m.rows)
	for i := range z {
		z[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])) * 1e6 // m → µm
	}
	return z
}
