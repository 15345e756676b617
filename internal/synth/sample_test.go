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

// sampleTruth is the part of an outside *.truth.json these tests read.
type sampleTruth struct {
	Layout  string  `json:"layout"`
	PixelUm float64 `json:"pixel_um"`
	NX      int     `json:"nx"`
	NY      int     `json:"ny"`
	Fibers  []struct {
		Index, Row, Col int
		XUm             float64 `json:"x_um"`
		YUm             float64 `json:"y_um"`
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
		FerruleC2  *float64     `json:"ferrule_c2_per_um"`
		FixtureDeg float64      `json:"fixture_angle_deg"`
	} `json:"case"`
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
	require.Nil(t, s.Case.FerruleC2, "sample has a curved ferrule; this test rebuilds flat ones only")
	c := s.Case
	p := Params{
		Layout: c.Layout, PixelUm: c.PixelUm, XAngleDeg: c.XAngleDeg, YAngleDeg: c.YAngleDeg,
		RotationDeg: c.RotDeg, ShiftUm: c.ShiftUm, Heights: c.HeightsUm, Offsets: c.OffsetsUm,
		CoreDipUm: c.CoreDipUm, NoiseUm: c.NoiseUm, DropoutFraction: c.Dropout, HoleDiameterUm: c.HoleDUm,
		Seed: c.Seed,
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
	for _, name := range []string{"mt16-sample", "mt32-sample"} {
		t.Run(name, func(t *testing.T) {
			s, p := readSample(t, name)
			_, tr, err := Generate(p)
			require.NoError(t, err)
			// The default size derivation reproduces the sample's size.
			require.Equal(t, [2]int{s.NX, s.NY}, tr.SizePx)
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
			}
		})
	}
}

// TestSampleMap compares the generated map pixel by pixel with the outside
// generator's X3P file. The two differ by their independent noise (2 nm RMS
// each, so √2·2 nm for the difference) and dropouts; any disagreement in
// the model (frame, sign of a tilt, cap, core size, hole) shows as a
// residual far above that.
func TestSampleMap(t *testing.T) {
	for _, name := range []string{"mt16-sample", "mt32-sample"} {
		t.Run(name, func(t *testing.T) {
			_, p := readSample(t, name)
			ref := readX3P(t, filepath.Join(sampleDir, name+".x3p"), p)
			hm, _, err := Generate(p)
			require.NoError(t, err)
			require.Len(t, ref, len(hm.Z))
			var n, bothNaN, onlyOurs, onlyTheirs int
			var sum, sum2, worst float64
			for i, z := range hm.Z {
				r := ref[i]
				switch {
				case math.IsNaN(z) && math.IsNaN(r):
					bothNaN++
				case math.IsNaN(z):
					onlyOurs++
				case math.IsNaN(r):
					onlyTheirs++
				default:
					d := z - r
					n++
					sum += d
					sum2 += d * d
					worst = math.Max(worst, math.Abs(d))
				}
			}
			mean := sum / float64(n)
			rms := math.Sqrt(sum2/float64(n) - mean*mean)
			t.Logf("%d px compared: mean %.3g µm, rms %.3g µm, max |d| %.3g µm; NaN both %d, ours only %d, theirs only %d",
				n, mean, rms, worst, bothNaN, onlyOurs, onlyTheirs)
			sigma := math.Sqrt2 * p.NoiseUm
			require.InDelta(t, 0, mean, 0.1*sigma) // standard error of the mean is σ/√n ≈ 3e-6 µm
			require.InDelta(t, sigma, rms, 0.05*sigma)
			// Gaussian differences over ~1.3 Mpx stay below 6σ (P ≈ 2e-9 per pixel).
			require.Less(t, worst, 6*sigma)
			// Each side drops 1 % independently; pixels NaN on one side only
			// are ≈ 1 % of the map each, holes agree exactly up to rim pixels.
			total := float64(len(hm.Z))
			require.InDelta(t, p.DropoutFraction, float64(onlyOurs)/total, 0.2*p.DropoutFraction)
			require.InDelta(t, p.DropoutFraction, float64(onlyTheirs)/total, 0.2*p.DropoutFraction)
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
	require.Len(t, b, 8*m.cols*m.rows)
	z := make([]float64, m.cols*m.rows)
	for i := range z {
		z[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])) * 1e6 // m → µm
	}
	return z
}
