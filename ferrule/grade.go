package ferrule

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
)

// Limit is the allowed range of one report field. A nil bound is open.
type Limit struct {
	Field  string   `json:"-"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Source string   `json:"source,omitempty"`
}

// Profile is a spec profile (SPEC §7): limits keyed by the report's own
// field names, for some layouts and one polish.
type Profile struct {
	Name            string   `json:"name"`
	Description     string   `json:"description,omitempty"`
	Polish          string   `json:"polish,omitempty"`
	AngleConvention string   `json:"angle_convention,omitempty"`
	Layouts         []string `json:"layouts,omitempty"`
	// GuardBand is the guard-band factor k of SPEC §11: a check whose value
	// lies within k standard uncertainties of a limit, on either side, is
	// marginal (neither passed nor failed). 0 grades without a guard band.
	GuardBand float64 `json:"guard_band,omitempty"`
	// Limits in the order the profile lists them.
	Limits []Limit `json:"-"`
}

// profileJSON is Profile as written, with limits as an ordered object.
type profileJSON struct {
	Profile
	Limits orderedLimits `json:"limits"`
}

type orderedLimits []Limit

func (o *orderedLimits) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("limits must be an object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var l Limit
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("limit %v: %w", t, err)
		}
		ld := json.NewDecoder(bytes.NewReader(raw))
		ld.DisallowUnknownFields() // a typo ("mx") must not drop a bound
		if err := ld.Decode(&l); err != nil {
			return fmt.Errorf("limit %v: %w", t, err)
		}
		l.Field = t.(string)
		*o = append(*o, l)
	}
	return nil
}

func (o orderedLimits) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, l := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(l.Field)
		v, err := json.Marshal(l)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON writes the profile in the file format it is read from.
func (p Profile) MarshalJSON() ([]byte, error) {
	type plain Profile
	return json.Marshal(struct {
		plain
		Limits orderedLimits `json:"limits"`
	}{plain(p), p.Limits})
}

// ParseProfile reads a profile from JSON and checks every limit names a
// known report field and has a bound.
func ParseProfile(b []byte) (*Profile, error) {
	var pj profileJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pj); err != nil {
		return nil, fmt.Errorf("ferrule: profile: %w", err)
	}
	p := pj.Profile
	p.Limits = pj.Limits
	if p.Name == "" {
		return nil, errors.New("ferrule: profile has no name")
	}
	if len(p.Limits) == 0 {
		return nil, fmt.Errorf("ferrule: profile %s has no limits", p.Name)
	}
	for i, l := range p.Limits {
		f, err := LookupField(l.Field)
		if err != nil {
			return nil, fmt.Errorf("ferrule: profile %s: %w", p.Name, err)
		}
		if l.Min == nil && l.Max == nil {
			return nil, fmt.Errorf("ferrule: profile %s: limit %s has neither min nor max", p.Name, l.Field)
		}
		if l.Min != nil && l.Max != nil && *l.Min > *l.Max {
			return nil, fmt.Errorf("ferrule: profile %s: limit %s has min %g above max %g", p.Name, l.Field, *l.Min, *l.Max)
		}
		p.Limits[i].Field = f.Name // canonical: bare when unique
	}
	// Layout names are not checked against the built-in ones: users load
	// their own layouts. Grade rejects a map of another layout.
	return &p, nil
}

//go:embed profiles.json
var builtinProfilesJSON []byte

var builtinProfiles = mustParseProfiles(builtinProfilesJSON)

func mustParseProfiles(b []byte) []*Profile {
	var doc struct {
		Profiles []json.RawMessage `json:"profiles"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		panic("ferrule: embedded profiles.json: " + err.Error())
	}
	var out []*Profile
	for _, raw := range doc.Profiles {
		p, err := ParseProfile(raw)
		if err != nil {
			panic("ferrule: embedded profiles.json: " + err.Error())
		}
		out = append(out, p)
	}
	return out
}

// Profiles returns the built-in IEC-style profiles.
func Profiles() []*Profile {
	out := make([]*Profile, len(builtinProfiles))
	for i, p := range builtinProfiles {
		out[i] = p.clone()
	}
	return out
}

// clone returns a deep copy of p: the built-in profiles are handed out as
// copies, so that a caller changing one changes it for itself only.
func (p *Profile) clone() *Profile {
	c := *p
	c.Layouts = append([]string(nil), p.Layouts...)
	c.Limits = append([]Limit(nil), p.Limits...)
	for i := range c.Limits {
		c.Limits[i].Min, c.Limits[i].Max = copyPtr(c.Limits[i].Min), copyPtr(c.Limits[i].Max)
	}
	return &c
}

func copyPtr(v *float64) *float64 {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}

// LoadProfile returns the built-in profile of that name, or reads the
// profile from the JSON file at that path.
func LoadProfile(nameOrPath string) (*Profile, error) {
	for _, p := range builtinProfiles {
		if strings.EqualFold(p.Name, nameOrPath) {
			return p.clone(), nil
		}
	}
	b, err := os.ReadFile(nameOrPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !strings.ContainsAny(nameOrPath, "/.") {
			names := make([]string, len(builtinProfiles))
			for i, p := range builtinProfiles {
				names[i] = p.Name
			}
			return nil, fmt.Errorf("ferrule: no profile %q (built-in: %s; or give a profile JSON file)", nameOrPath, strings.Join(names, ", "))
		}
		return nil, fmt.Errorf("ferrule: profile: %w", err)
	}
	p, err := ParseProfile(b)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, nameOrPath)
	}
	return p, nil
}

// LimitsOf returns the profile's lower and upper limit of field f, NaN
// where open or where the profile does not limit f.
func (p *Profile) LimitsOf(f Field) (lsl, usl float64) {
	lsl, usl = math.NaN(), math.NaN()
	for _, l := range p.Limits {
		if l.Field != f.Name { // ParseProfile made the names canonical
			continue
		}
		if l.Min != nil {
			lsl = *l.Min
		}
		if l.Max != nil {
			usl = *l.Max
		}
	}
	return lsl, usl
}

// ErrLayout is returned by Grade when the profile does not apply to the
// report's layout.
var ErrLayout = errors.New("ferrule: profile does not apply to this layout")

// Grade checks rep against the profile's limits (SPEC §7) and returns the
// verdict; it also sets rep.Grade. A per-fiber field gives one check per
// fiber. An unmeasured value fails its check ("not measured"), except a
// radius reported as flat (null), which is taken as infinite: it passes a
// min and fails a max (Field.Value). Every fiber must be measured: the
// check "measured_fibers" (min = the layout's fiber count) fails
// otherwise, with the unmeasured fibers' reasons.
//
// With a guard band (GuardBand k > 0), a check whose value lies within k·u
// of a limit (u its standard uncertainty, SPEC §11), on either side, is
// marginal: Pass false and Marginal true. The grade is then marginal when
// no check failed outright, and passes only with no failed or marginal
// check.
func (p *Profile) Grade(rep *Report) (*Grade, error) {
	if len(p.Layouts) > 0 {
		ok := false
		for _, l := range p.Layouts {
			ok = ok || strings.EqualFold(l, rep.Layout)
		}
		if !ok {
			return nil, fmt.Errorf("%w: profile %s is for %s, the map is %s", ErrLayout, p.Name, strings.Join(p.Layouts, ", "), rep.Layout)
		}
	}
	if !(p.GuardBand >= 0) || math.IsInf(p.GuardBand, 0) {
		return nil, fmt.Errorf("ferrule: profile %s: guard band %g must be a finite factor ≥ 0", p.Name, p.GuardBand)
	}
	g := &Grade{Profile: p.Name, Pass: true, GuardBand: p.GuardBand, Checks: []Check{}}
	failed, marginal := false, false
	add := func(c Check) {
		failed = failed || (!c.Pass && !c.Marginal)
		marginal = marginal || c.Marginal
		g.Checks = append(g.Checks, c)
	}
	// Every fiber measured.
	var reasons []string
	for _, f := range rep.Fibers {
		if !f.Measured() {
			reasons = append(reasons, fmt.Sprintf("fiber %d: %s", f.Index, f.Error))
		}
	}
	n := float64(len(rep.Fibers))
	add(Check{Name: "measured_fibers", Value: Num(rep.Summary.MeasuredFibers), Min: Num(n), Max: nan,
		Margin: Num(float64(rep.Summary.MeasuredFibers) - n), Pass: len(reasons) == 0, Reason: strings.Join(reasons, "; ")})
	for _, l := range p.Limits {
		f, _ := LookupField(l.Field)
		if f.Section != "fibers" {
			add(p.check(l, f, rep, -1))
			continue
		}
		for i := range rep.Fibers {
			c := p.check(l, f, rep, i)
			if !rep.Fibers[i].Measured() {
				c.Pass, c.Marginal, c.Reason = false, false, "fiber not measured: "+rep.Fibers[i].Error
			}
			add(c)
		}
	}
	g.Pass = !failed && !marginal
	g.Marginal = !failed && marginal
	rep.Grade = g
	return g, nil
}

// check applies limit l to field f of rep (of fiber rep.Fibers[i] for a
// fibers field).
func (p *Profile) check(l Limit, f Field, rep *Report, i int) Check {
	x := f.Value(rep, i)
	c := Check{Name: l.Field, Value: Num(x), Min: nan, Max: nan, Margin: nan, Pass: true}
	if f.Section == "fibers" {
		idx := rep.Fibers[i].Index
		c.Fiber = &idx
	}
	if math.IsInf(x, 1) {
		c.Value = nan // a flat radius is reported as null
	}
	if l.Min != nil {
		c.Min = Num(*l.Min)
	}
	if l.Max != nil {
		c.Max = Num(*l.Max)
	}
	if math.IsNaN(x) {
		c.Pass, c.Reason = false, "not measured"
		return c
	}
	// Margin: distance to the nearest bound, positive inside the limits.
	margin := math.Inf(1)
	if l.Min != nil {
		margin = math.Min(margin, x-*l.Min)
	}
	if l.Max != nil {
		margin = math.Min(margin, *l.Max-x)
	}
	c.Margin = Num(margin)
	c.Pass = margin >= 0
	if p.GuardBand > 0 {
		if u := f.U(rep, i); u > 0 && math.Abs(margin) <= p.GuardBand*u {
			c.Pass, c.Marginal = false, true
			c.Reason = fmt.Sprintf("within %g·u = %.4g of a limit (u = %.4g)", p.GuardBand, p.GuardBand*u, u)
		}
	}
	return c
}
