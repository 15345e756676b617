package ferrule

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
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
		f, err := lookupField(l.Field)
		if err != nil {
			return nil, fmt.Errorf("ferrule: profile %s: %w", p.Name, err)
		}
		if l.Min == nil && l.Max == nil {
			return nil, fmt.Errorf("ferrule: profile %s: limit %s has neither min nor max", p.Name, l.Field)
		}
		if l.Min != nil && l.Max != nil && *l.Min > *l.Max {
			return nil, fmt.Errorf("ferrule: profile %s: limit %s has min %g above max %g", p.Name, l.Field, *l.Min, *l.Max)
		}
		p.Limits[i].Field = f.name // canonical: bare when unique
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

// field is a gradable number of the report.
type field struct {
	name    string // as a limit names it: bare when unique, else section.key
	section string // "ferrule", "summary" or "fibers"
	key     string // JSON key
	index   []int  // reflect field index in the section's struct
}

var gradable = buildFields()

// Field is a number of the report that a profile can limit.
type Field struct {
	// Name is how a limit names it: the JSON key, qualified with its
	// section ("ferrule.fit_rms_nm") where the key is in several.
	Name string
	// Section is "ferrule", "summary" or "fibers" (one value per fiber).
	Section string
	// Key is the JSON key.
	Key string
	// Index is the reflect field index in Surface, Summary or Fiber.
	Index []int
}

// Fields returns the gradable fields of the report, in report order.
func Fields() []Field {
	out := make([]Field, len(gradable))
	for i, f := range gradable {
		out[i] = Field{Name: f.name, Section: f.section, Key: f.key, Index: f.index}
	}
	return out
}

// buildFields lists the Num fields of Surface, Summary and Fiber by their
// JSON keys; a key found in more than one section must be qualified.
func buildFields() []field {
	var fs []field
	count := map[string]int{}
	for _, sec := range []struct {
		name string
		t    reflect.Type
	}{{"ferrule", reflect.TypeOf(Surface{})}, {"summary", reflect.TypeOf(Summary{})}, {"fibers", reflect.TypeOf(Fiber{})}} {
		for _, c := range Columns(sec.t) {
			if c.Type != reflect.TypeOf(Num(0)) && c.Type.Kind() != reflect.Int {
				continue
			}
			if c.Key == "index" || c.Key == "row" || c.Key == "col" {
				continue
			}
			fs = append(fs, field{section: sec.name, key: c.Key, index: c.Index})
			count[c.Key]++
		}
	}
	for i := range fs {
		fs[i].name = fs[i].key
		if count[fs[i].key] > 1 {
			fs[i].name = fs[i].section + "." + fs[i].key
		}
	}
	return fs
}

// lookupField finds the field a limit names: a bare key found in one
// section only, or section.key ("fibers[]." and "fiber." are accepted for
// the fibers section).
func lookupField(name string) (field, error) {
	n := strings.Replace(strings.Replace(name, "fibers[].", "fibers.", 1), "fiber.", "fibers.", 1)
	var hits []field
	for _, f := range gradable {
		if f.key == n || f.section+"."+f.key == n {
			hits = append(hits, f)
		}
	}
	switch {
	case len(hits) == 1:
		return hits[0], nil
	case len(hits) > 1:
		var q []string
		for _, h := range hits {
			q = append(q, h.section+"."+h.key)
		}
		return field{}, fmt.Errorf("limit %q is ambiguous: use one of %s", name, strings.Join(q, ", "))
	}
	var all []string
	for _, f := range gradable {
		all = append(all, f.name)
	}
	sort.Strings(all)
	return field{}, fmt.Errorf("limit %q names no report field (fields: %s)", name, strings.Join(all, ", "))
}

// ErrLayout is returned by Grade when the profile does not apply to the
// report's layout.
var ErrLayout = errors.New("ferrule: profile does not apply to this layout")

// Grade checks rep against the profile's limits (SPEC §7) and returns the
// verdict; it also sets rep.Grade. A per-fiber field gives one check per
// fiber. An unmeasured value fails its check ("not measured"), except a
// radius reported as flat (null), which is taken as infinite: it passes a
// min and fails a max. Every fiber must be measured: the check
// "measured_fibers" (min = the layout's fiber count) fails otherwise, with
// the unmeasured fibers' reasons.
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
	g := &Grade{Profile: p.Name, Pass: true, Checks: []Check{}}
	add := func(c Check) {
		g.Pass = g.Pass && c.Pass
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
		f, _ := lookupField(l.Field)
		switch f.section {
		case "ferrule":
			add(check(l, f, reflect.ValueOf(rep.Ferrule), nil))
		case "summary":
			add(check(l, f, reflect.ValueOf(rep.Summary), nil))
		case "fibers":
			for i := range rep.Fibers {
				idx := rep.Fibers[i].Index
				c := check(l, f, reflect.ValueOf(rep.Fibers[i]), &idx)
				if !rep.Fibers[i].Measured() {
					c.Pass, c.Reason = false, "fiber not measured: "+rep.Fibers[i].Error
				}
				add(c)
			}
		}
	}
	rep.Grade = g
	return g, nil
}

func check(l Limit, f field, v reflect.Value, fiber *int) Check {
	fv := v.FieldByIndex(f.index)
	var x float64
	if fv.Kind() == reflect.Int {
		x = float64(fv.Int())
	} else {
		x = fv.Float()
	}
	c := Check{Name: l.Field, Fiber: fiber, Value: Num(x), Min: nan, Max: nan, Margin: nan, Pass: true}
	if l.Min != nil {
		c.Min = Num(*l.Min)
	}
	if l.Max != nil {
		c.Max = Num(*l.Max)
	}
	if math.IsNaN(x) && IsRadius(f.key) {
		x = math.Inf(1) // reported flat (FlatRadius: an unmeasured fiber fails its checks apart)
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
	return c
}
