package ferrule_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// honestyRealizations is how many times the same end face is measured.
const honestyRealizations = 40

// honestyPart is the end face of the honesty test: MT-12 on a crop of
// 2000 × 390 µm around the array's centre (fibers 3–10 whole on it), the
// frame given. Fibers 3–6 stand 2 µm proud with 8 mm tips: a 1.8 µm step
// at the cladding edge, so the centre comes from the edge. Fibers 7–10 have
// 1 mm tips standing their own sag at the cladding radius (1.955 µm,
// SPEC §9): no step, the centre comes from the apex. Single-mode step core
// dips of 50 nm, fiber offsets up to 0.8 µm, tilt and rotation so that
// nothing lines up with the pixel grid.
func honestyPart() synth.Params {
	p := synth.Default("MT-12")
	p.Cols, p.Rows = 667, 130
	p.XAngleDeg, p.YAngleDeg, p.RotationDeg = 0.1, -0.05, 0.3
	p.Heights = make([]float64, 12)
	p.RadiiMM = make([]float64, 12)
	p.Offsets = make([][2]float64, 12)
	p.CoreDipUm = 0.05
	sag1mm := 1000 - math.Sqrt(1000*1000-62.5*62.5) // µm, 1.955
	for i := range 12 {
		p.Heights[i], p.RadiiMM[i] = 2, 8
		if i >= 6 {
			p.Heights[i], p.RadiiMM[i] = sag1mm, 1
		}
		p.Offsets[i] = [2]float64{0.8 * math.Sin(float64(i)), 0.8 * math.Cos(float64(3*i))}
	}
	return p
}

// honestyStat gathers one quantity of one fiber over the realizations.
type honestyStat struct{ v, u []float64 }

func (s *honestyStat) add(v, u ferrule.Num) {
	s.v, s.u = append(s.v, float64(v)), append(s.u, float64(u))
}

// sdAndU returns the sample standard deviation of the values and the
// root-mean-square reported uncertainty.
func (s *honestyStat) sdAndU() (sd, u float64) {
	var m, ss, uu float64
	for _, v := range s.v {
		m += v / float64(len(s.v))
	}
	for i, v := range s.v {
		ss += (v - m) * (v - m)
		uu += s.u[i] * s.u[i]
	}
	return math.Sqrt(ss / float64(len(s.v)-1)), math.Sqrt(uu / float64(len(s.u)))
}

// TestUncertaintyHonest is SPEC §11's acceptance: over repeated noise
// realizations of the same end face, the scatter of each result lies
// within 0.7–1.5 times the uncertainty it reports, for white and for
// spatially correlated noise (correlation length 9 µm = 3 pixels), at 2 and
// 8 nm RMS (a good interferometer and a poor one).
//
// Each realization is a re-measurement: new noise and dropouts, and the
// part placed anew on the pixel grid (a random shift within ±½ pixel in x
// and y, so every sub-pixel phase alike; the frame is given as the
// truth's, so every result is in the same ferrule frame). A repeat
// measurement does not put the part on the same sub-pixel position, so
// that is the scatter a user sees, and the uncertainty of a centre from
// the cladding edge must cover where the pixels fall, not only the noise
// (which hardly moves an edge with a 1.8 µm step).
//
// The band 0.7–1.5 is SPEC §11's. The ratio is pooled over the fibers of
// a kind (fibers 3–10 for heights, dips and radii; 3–6 for positions from
// the edge, 7–10 from the apex): sqrt(mean of sd²/u²). With 4–8 fibers ×
// 39 degrees of freedom its own sampling error is 4–6 % (1/√(2·dof)), so
// a true ratio of 1 stays far inside the band; the angles, one per map,
// have 39 degrees of freedom (11 %). 40 realizations in short mode too:
// fewer than 30 would not test anything.
func TestUncertaintyHonest(t *testing.T) {
	l, err := ferrule.LayoutByName("MT-12")
	require.NoError(t, err)
	for _, tc := range []struct {
		noiseNM, corrUM float64
	}{{2, 0}, {8, 0}, {2, 9}, {8, 9}} {
		t.Run(fmt.Sprintf("%gnm/corr%gum", tc.noiseNM, tc.corrUM), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.noiseNM), uint64(tc.corrUM)))
			stats := map[string]map[int]*honestyStat{}
			add := func(name string, fiber int, v, u ferrule.Num) {
				if stats[name] == nil {
					stats[name] = map[int]*honestyStat{}
				}
				if stats[name][fiber] == nil {
					stats[name][fiber] = &honestyStat{}
				}
				stats[name][fiber].add(v, u)
			}
			var an ferrule.Analyzer
			for k := range honestyRealizations {
				p := honestyPart()
				p.NoiseUm, p.NoiseCorrelationUm = tc.noiseNM/1000, tc.corrUM
				p.Seed = uint64(1000*tc.noiseNM+100*tc.corrUM) + uint64(k)
				p.ShiftUm = [2]float64{3 * (rng.Float64() - 0.5), 3 * (rng.Float64() - 0.5)} // ±½ pixel of 3 µm
				m, truth, err := synth.Generate(p)
				require.NoError(t, err)
				frame := ferrule.Frame{Origin: r2.Vec{X: truth.OriginMapUm[0], Y: truth.OriginMapUm[1]}, Rotation: truth.RotationDeg * math.Pi / 180}
				rep, err := an.Analyze(m, ferrule.Options{Layout: &l, Frame: &frame})
				require.NoError(t, err)
				add("x_angle", 0, rep.Ferrule.XAngleDeg, rep.Ferrule.UXAngleDeg)
				add("y_angle", 0, rep.Ferrule.YAngleDeg, rep.Ferrule.UYAngleDeg)
				for _, f := range rep.Fibers[2:10] {
					require.True(t, f.Measured(), "fiber %d: %s %v", f.Index, f.Error, f.Flags)
					require.False(t, slices.Contains(f.Flags, "partly_off_map"), "fiber %d", f.Index)
					want := ferrule.CentreEdge
					if f.Index >= 7 {
						want = ferrule.CentreApex
					}
					require.Equal(t, want, f.CentreMethod, "fiber %d", f.Index)
					add("height", f.Index, f.HeightNM, f.UHeightNM)
					add("apex_height", f.Index, f.ApexHeightNM, f.UApexHeightNM)
					add("radius", f.Index, f.RadiusMM, f.URadiusMM)
					add("core_dip", f.Index, f.CoreDipNM, f.UCoreDipNM)
					add("position_"+f.CentreMethod, f.Index, f.XUM, f.UPositionUM)
					add("position_"+f.CentreMethod, -f.Index, f.YUM, f.UPositionUM)
				}
			}
			names := []string{"height", "apex_height", "radius", "core_dip", "position_edge", "position_apex", "x_angle", "y_angle"}
			for _, name := range names {
				var s float64
				var uMean float64
				for _, st := range stats[name] {
					sd, u := st.sdAndU()
					s += sd * sd / (u * u)
					uMean += u / float64(len(stats[name]))
				}
				ratio := math.Sqrt(s / float64(len(stats[name])))
				t.Logf("%-14s scatter/u %.3f (u %.4g)", name, ratio, uMean)
				require.GreaterOrEqual(t, ratio, 0.7, name)
				require.LessOrEqual(t, ratio, 1.5, name)
			}
		})
	}
}

// TestUncertaintyNulls: an uncertainty is null exactly where its value is
// (SPEC §11 with §5): a nominal centre has no position uncertainty, a flat
// tip no radius one, an unmeasured fiber none at all; every measured
// number has a positive one.
func TestUncertaintyNulls(t *testing.T) {
	l, err := ferrule.LayoutByName("MT-12")
	require.NoError(t, err)
	p := honestyPart()
	// Fiber 4: a flat tip level with the ferrule, seen only by its 50 nm
	// core dip: flat_tip, centre_nominal. Fiber 5: missing.
	p.RadiiMM[3], p.Heights[3] = math.Inf(1), 0
	p.Missing = []int{5}
	m, truth, err := synth.Generate(p)
	require.NoError(t, err)
	frame := ferrule.Frame{Origin: r2.Vec{X: truth.OriginMapUm[0], Y: truth.OriginMapUm[1]}, Rotation: truth.RotationDeg * math.Pi / 180}
	rep, err := ferrule.Analyze(m, ferrule.Options{Layout: &l, Frame: &frame})
	require.NoError(t, err)
	require.Greater(t, float64(rep.Ferrule.UXAngleDeg), 0.0)
	require.Greater(t, float64(rep.Ferrule.UYAngleDeg), 0.0)
	for _, f := range rep.Fibers {
		u := []ferrule.Num{f.UHeightNM, f.UApexHeightNM, f.URadiusMM, f.UCoreDipNM, f.UPositionUM}
		v := []ferrule.Num{f.HeightNM, f.ApexHeightNM, f.RadiusMM, f.CoreDipNM, f.XUM}
		for k := range u {
			require.Equal(t, v[k].Valid(), u[k].Valid(), "fiber %d (%s %v), field %d", f.Index, f.CentreMethod, f.Flags, k)
			if u[k].Valid() {
				require.Greater(t, float64(u[k]), 0.0, "fiber %d, field %d", f.Index, k)
			}
		}
		switch f.Index {
		case 4:
			require.Equal(t, ferrule.CentreNominal, f.CentreMethod)
			require.True(t, f.Measured())
			require.False(t, f.UPositionUM.Valid())
			require.False(t, f.URadiusMM.Valid())
			require.True(t, f.UHeightNM.Valid())
		case 5:
			require.False(t, f.Measured())
			require.False(t, f.UHeightNM.Valid())
		}
	}
	// null in JSON.
	b, err := json.Marshal(rep.Fibers[3])
	require.NoError(t, err)
	require.Contains(t, string(b), `"u_position_um":null`)
	require.Contains(t, string(b), `"u_radius_mm":null`)
}

// TestUncertaintyZScores: over the parts a polishing line makes (synth's
// RandomProduction: every layout, curved ferrules, apex offsets, graded
// multimode dips), the errors against the generator's truth divided by the
// reported uncertainties have an RMS within SPEC §11's 0.7–1.5: the
// figures hold beyond the part of TestUncertaintyHonest, and the errors
// carry no bias the uncertainty misses. Over ~500 fibers an RMS z has a
// sampling error of ~3 % (1/√(2n)).
//
// The frame is given as the truth's: u_position is the centre fit's alone
// (SPEC §11), and the guide-hole frame found from these maps adds an error
// of its own of about 0.08 µm per coordinate, twice the centres' (with it
// the positions' RMS error/u is 2.2). The position counts only fibers whose
// centre comes from the edge: an apex stands in for the centre with the
// error of its offset (SPEC §5).
func TestUncertaintyZScores(t *testing.T) {
	seeds := []uint64{7000, 7001}
	if testing.Short() {
		seeds = seeds[:1]
	}
	names := []string{"height", "apex_height", "core_dip", "radius", "position"}
	var ss, n [5]float64
	for _, name := range layouts {
		for _, seed := range seeds {
			p := synth.RandomProduction(name, seed)
			m, truth, err := synth.Generate(p)
			require.NoError(t, err)
			l, err := ferrule.LayoutByName(name)
			require.NoError(t, err)
			frame := ferrule.Frame{Origin: r2.Vec{X: truth.OriginMapUm[0], Y: truth.OriginMapUm[1]}, Rotation: truth.RotationDeg * math.Pi / 180}
			rep, err := ferrule.Analyze(m, ferrule.Options{Multimode: p.Multimode, Layout: &l, Frame: &frame})
			require.NoError(t, err)
			for k, ft := range truth.Fibers {
				f := rep.Fibers[k]
				if !f.Measured() || (f.CentreMethod == ferrule.CentreApex && ft.ApexOffsetUm > 0) {
					continue
				}
				z := [5]float64{
					(float64(f.HeightNM) - ft.HeightNm) / float64(f.UHeightNM),
					(float64(f.ApexHeightNM) - ft.ApexHeightNm) / float64(f.UApexHeightNM),
					(float64(f.CoreDipNM) - ft.CoreDipNm) / float64(f.UCoreDipNM),
					(float64(f.RadiusMM) - ft.RadiusMM) / float64(f.URadiusMM),
					math.NaN(),
				}
				for j := range 4 {
					if !math.IsNaN(z[j]) {
						ss[j] += z[j] * z[j]
						n[j]++
					}
				}
				if f.CentreMethod == ferrule.CentreEdge {
					for _, e := range []float64{float64(f.XUM) - ft.XUm, float64(f.YUM) - ft.YUm} {
						ss[4] += sq(e / float64(f.UPositionUM))
						n[4]++
					}
				}
			}
		}
	}
	for j, name := range names {
		rms := math.Sqrt(ss[j] / n[j])
		t.Logf("%-12s RMS error/u %.3f over %.0f values", name, rms, n[j])
		require.GreaterOrEqual(t, rms, 0.7, name)
		require.LessOrEqual(t, rms, 1.5, name)
	}
}

func sq(x float64) float64 { return x * x }

// TestUncertaintyCoreWiderThanDisc: with an averaging disc narrower than a
// multimode core (20 µm against 50 µm, which the regions allow), the
// height's uncertainty still takes every core pixel of the dip: every
// fiber is measured, with a finite u_height_nm, and no internal error.
func TestUncertaintyCoreWiderThanDisc(t *testing.T) {
	p := synth.Default("MT-12")
	p.Multimode, p.CoreDipUm, p.Seed = true, 0.05, 4
	m, _, err := synth.Generate(p)
	require.NoError(t, err)
	for _, avg := range []float64{20, 40} {
		rep, err := ferrule.Analyze(m, ferrule.Options{Multimode: true, Regions: ferrule.Regions{AveragingDiameter: avg}})
		require.NoError(t, err, "averaging disc %g µm", avg)
		for _, f := range rep.Fibers {
			require.True(t, f.HeightNM.Valid(), "fiber %d: %s", f.Index, f.Error)
			require.True(t, f.UHeightNM.Valid() && f.UHeightNM > 0, "fiber %d, disc %g µm: u_height_nm %v", f.Index, avg, f.UHeightNM)
		}
	}
}
