package ferrule_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/stretchr/testify/require"
)

// The registry lists every number of the three gradable sections, with the
// unit its key names and the uncertainty SPEC §11 gives it.
func TestFieldsRegistry(t *testing.T) {
	byName := map[string]ferrule.Field{}
	for _, f := range ferrule.Fields() {
		_, dup := byName[f.Name]
		require.False(t, dup, "field %s listed twice", f.Name)
		byName[f.Name] = f
	}
	for _, sec := range []struct {
		name string
		t    reflect.Type
	}{{"ferrule", reflect.TypeOf(ferrule.Surface{})}, {"summary", reflect.TypeOf(ferrule.Summary{})}, {"fibers", reflect.TypeOf(ferrule.Fiber{})}} {
		for _, c := range ferrule.Columns(sec.t) {
			if !c.Number() || c.Key == "index" || c.Key == "row" || c.Key == "col" {
				continue
			}
			f, ok := ferrule.SectionField(sec.name, c.Key)
			require.True(t, ok, "%s.%s not in the registry", sec.name, c.Key)
			require.Equal(t, c.Index, f.Index)
		}
	}
	// Units, radii and uncertainties by SPEC §8's keys and §11's u_* names.
	for _, c := range []struct {
		name, unit, u string
		radius        bool
	}{
		{"height_nm", "nm", "u_height_nm", false},
		{"apex_height_nm", "nm", "u_apex_height_nm", false},
		{"radius_mm", "mm", "u_radius_mm", true},
		{"u_radius_mm", "mm", "", false},
		{"core_dip_nm", "nm", "u_core_dip_nm", false},
		{"x_angle_deg", "deg", "u_x_angle_deg", false},
		{"y_angle_deg", "deg", "u_y_angle_deg", false},
		{"x_radius_mm", "mm", "", true},
		{"dx_um", "µm", "", false},
		{"il_ideal_db", "dB", "", false},
		{"max_il_ideal_db", "dB", "", false},
		{"core_pixels", "", "", false},
	} {
		f, ok := byName[c.name]
		require.True(t, ok, c.name)
		require.Equal(t, c.unit, f.Unit, c.name)
		require.Equal(t, c.u, f.Uncertainty, c.name)
		require.Equal(t, c.radius, f.Radius, c.name)
	}
	_, err := ferrule.LookupField("fit_rms_nm")
	require.ErrorContains(t, err, "ambiguous")
	f, err := ferrule.LookupField("fibers[].height_nm")
	require.NoError(t, err)
	require.Equal(t, "fibers", f.Section)
}

// Value applies the flat rule once: a flat tip's null radius is +Inf, an
// unmeasured fiber's values are NaN, a measured one's are its own.
func TestFieldValue(t *testing.T) {
	rep := &ferrule.Report{Fibers: []ferrule.Fiber{
		{Index: 1, HeightNM: 2000, RadiusMM: ferrule.Num(math.NaN()), Flags: []string{"flat_tip"}},
		{Index: 2, HeightNM: 1500, RadiusMM: 12, Flags: []string{}},
		{Index: 3, HeightNM: ferrule.Num(math.NaN()), RadiusMM: ferrule.Num(math.NaN()), Error: "broken", Flags: []string{}},
	}}
	rep.Ferrule.XRadiusMM = ferrule.Num(math.NaN())
	rep.Ferrule.QuadricFitRMSNM = 3 // the quadric was fitted: a null radius is flat
	radius, _ := ferrule.SectionField("fibers", "radius_mm")
	height, _ := ferrule.SectionField("fibers", "height_nm")
	require.True(t, math.IsInf(radius.Value(rep, 0), 1))
	require.Equal(t, 12.0, radius.Value(rep, 1))
	require.True(t, math.IsNaN(radius.Value(rep, 2)))
	require.Equal(t, 1500.0, height.Value(rep, 1))
	require.True(t, math.IsNaN(height.Value(rep, 5)), "a fiber out of range is not measured")
	xr, _ := ferrule.SectionField("ferrule", "x_radius_mm")
	require.True(t, math.IsInf(xr.Value(rep, -1), 1))
	rep.Ferrule.QuadricFitRMSNM = ferrule.Num(math.NaN())
	require.True(t, math.IsNaN(xr.Value(rep, -1)), "no quadric: not measured rather than flat")

	require.Equal(t, "flat", radius.Format(math.Inf(1)))
	require.Equal(t, "—", height.Format(math.NaN()))
	require.Equal(t, "1500.0", height.Format(1500))
}

// Guard-banding (SPEC §11): a check within k·u of a limit, either side, is
// marginal; the grade is marginal when nothing failed outright. The cases
// are worked by hand: limit min 1000 nm, u = 3 nm.
func TestGuardBand(t *testing.T) {
	prof, err := ferrule.ParseProfile([]byte(`{"name": "gb", "limits": {"height_nm": {"min": 1000}}}`))
	require.NoError(t, err)
	grade := func(h, k float64) *ferrule.Grade {
		rep := &ferrule.Report{Summary: ferrule.Summary{MeasuredFibers: 1, Fibers: 1}, Fibers: []ferrule.Fiber{
			{Index: 1, HeightNM: ferrule.Num(h), UHeightNM: 3, Flags: []string{}}}}
		p := *prof
		p.GuardBand = k
		g, err := p.Grade(rep)
		require.NoError(t, err)
		return g
	}
	for _, c := range []struct {
		h, k           float64
		pass, marginal bool
		checkMarginal  bool
		why            string
	}{
		{1010, 2, true, false, false, "margin 10 nm > 2·3 nm"},
		{1005, 2, false, true, true, "margin 5 nm ≤ 6 nm, inside the limit"},
		{1005, 1, true, false, false, "margin 5 nm > 3 nm"},
		{998, 1, false, true, true, "2 nm outside the limit, within 3 nm"},
		{990, 1, false, false, false, "10 nm outside: fails"},
		{1005, 0, true, false, false, "no guard band"},
	} {
		g := grade(c.h, c.k)
		require.Equal(t, c.pass, g.Pass, c.why)
		require.Equal(t, c.marginal, g.Marginal, c.why)
		require.Equal(t, c.checkMarginal, g.Checks[1].Marginal, c.why)
		require.False(t, g.Checks[1].Pass && g.Checks[1].Marginal, "a marginal check does not pass")
	}
	p := *prof
	p.GuardBand = math.NaN()
	_, err = p.Grade(&ferrule.Report{})
	require.ErrorContains(t, err, "guard band")
}
