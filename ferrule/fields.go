package ferrule

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Field is one number of the report that a profile can limit: the field
// registry that grading, the CSV tables, the HTML tables and the batch
// statistics all read, so that each says the same about a field's name,
// unit, flat rule and value.
type Field struct {
	// Name is how a limit names it: the JSON key, qualified with its
	// section ("ferrule.fit_rms_nm") where the key is in several.
	Name string
	// Section is "ferrule", "summary" or "fibers" (one value per fiber).
	Section string
	// Key is the JSON key.
	Key string
	// Unit is the unit the key names (Unit(Key)).
	Unit string
	// Index is the reflect field index in Surface, Summary or Fiber.
	Index []int
	// Int is true for a count.
	Int bool
	// Radius is true for a radius, which the report gives as null when
	// flat (FlatRadius): Value reads that as +Inf.
	Radius bool
	// Uncertainty is the name of the field holding the value's standard
	// uncertainty (SPEC §11), "" if none.
	Uncertainty string
	// uIndex is 1 + the registry index of the Uncertainty field, resolved
	// once by buildFields; 0 when none or not resolved (a Field built by
	// hand), where U looks Uncertainty up by name.
	uIndex int
}

// fieldSections are the report sections whose numbers are fields, in
// report order.
var fieldSections = []struct {
	name string
	t    reflect.Type
}{{"ferrule", reflect.TypeOf(Surface{})}, {"summary", reflect.TypeOf(Summary{})}, {"fibers", reflect.TypeOf(Fiber{})}}

var registry = buildFields()

// Fields returns the report's fields, in report order.
func Fields() []Field {
	out := make([]Field, len(registry))
	copy(out, registry)
	return out
}

// buildFields lists the Num and int fields of Surface, Summary and Fiber
// by their JSON keys (a fiber's index, row and column are not values); a
// key found in more than one section must be qualified.
func buildFields() []Field {
	var fs []Field
	count := map[string]int{}
	for _, sec := range fieldSections {
		keys := map[string]bool{}
		for _, c := range Columns(sec.t) {
			keys[c.Key] = true
		}
		for _, c := range Columns(sec.t) {
			isInt := c.Type.Kind() == reflect.Int
			if c.Type != reflect.TypeOf(Num(0)) && !isInt {
				continue
			}
			if c.Key == "index" || c.Key == "row" || c.Key == "col" {
				continue
			}
			f := Field{Section: sec.name, Key: c.Key, Unit: Unit(c.Key), Index: c.Index, Int: isInt, Radius: IsRadius(c.Key)}
			if keys["u_"+c.Key] {
				f.Uncertainty = "u_" + c.Key
			}
			fs = append(fs, f)
			count[c.Key]++
		}
	}
	for i := range fs {
		fs[i].Name = fs[i].Key
		if count[fs[i].Key] > 1 {
			fs[i].Name = fs[i].Section + "." + fs[i].Key
		}
	}
	// Qualify an uncertainty's name as its field's name is qualified, and
	// resolve it to its field (as LookupField would).
	for i := range fs {
		u := fs[i].Uncertainty
		if u == "" {
			continue
		}
		if count[u] > 1 {
			fs[i].Uncertainty = fs[i].Section + "." + u
		}
		for j := range fs {
			if fs[j].Name == fs[i].Uncertainty {
				fs[i].uIndex = j + 1
				break
			}
		}
	}
	return fs
}

// LookupField finds the field a limit names: a bare key found in one
// section only, or section.key ("fibers[]." and "fiber." are accepted for
// the fibers section).
func LookupField(name string) (Field, error) {
	n := strings.Replace(strings.Replace(name, "fibers[].", "fibers.", 1), "fiber.", "fibers.", 1)
	var hits []Field
	for _, f := range registry {
		if f.Key == n || f.Section+"."+f.Key == n {
			hits = append(hits, f)
		}
	}
	switch {
	case len(hits) == 1:
		return hits[0], nil
	case len(hits) > 1:
		var q []string
		for _, h := range hits {
			q = append(q, h.Section+"."+h.Key)
		}
		return Field{}, fmt.Errorf("limit %q is ambiguous: use one of %s", name, strings.Join(q, ", "))
	}
	var all []string
	for _, f := range registry {
		all = append(all, f.Name)
	}
	sort.Strings(all)
	return Field{}, fmt.Errorf("limit %q names no report field (fields: %s)", name, strings.Join(all, ", "))
}

// SectionField returns the field of section ("ferrule", "summary" or
// "fibers") with that JSON key.
func SectionField(section, key string) (Field, bool) {
	for _, f := range registry {
		if f.Section == section && f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// Value returns the field's value in rep (for a fibers field, that of
// rep.Fibers[i]; i is ignored otherwise): NaN when not measured (and for
// every value of an unmeasured fiber), +Inf for a radius measured flat.
func (f Field) Value(rep *Report, i int) float64 {
	var v reflect.Value
	measured := true
	switch f.Section {
	case "ferrule":
		v = reflect.ValueOf(&rep.Ferrule).Elem()
		measured = rep.Ferrule.Fitted()
	case "summary":
		v = reflect.ValueOf(&rep.Summary).Elem()
	case "fibers":
		if i < 0 || i >= len(rep.Fibers) || !rep.Fibers[i].Measured() {
			return math.NaN()
		}
		v = reflect.ValueOf(&rep.Fibers[i]).Elem()
		measured = rep.Fibers[i].TipFlat()
	default:
		return math.NaN()
	}
	fv := v.FieldByIndex(f.Index)
	if f.Int {
		return float64(fv.Int())
	}
	x := fv.Float()
	if f.Radius && FlatRadius(Num(x), measured) {
		return math.Inf(1)
	}
	return x
}

// U returns the standard uncertainty of the field's value in rep (as
// Value), NaN when the field has none or it was not estimated.
func (f Field) U(rep *Report, i int) float64 {
	if f.Uncertainty == "" {
		return math.NaN()
	}
	var u Field
	if f.uIndex > 0 {
		u = registry[f.uIndex-1]
	} else {
		var err error
		if u, err = LookupField(f.Uncertainty); err != nil {
			return math.NaN()
		}
	}
	x := u.Value(rep, i)
	if math.IsInf(x, 0) {
		return math.NaN()
	}
	return x
}

// Format writes a value of the field as tables show it (FormatValue).
func (f Field) Format(v float64) string { return FormatValue(f.Key, v, f.Int) }

// IsRadius reports whether a report key is a radius (x_radius_mm,
// radius_mm, line_radius_mm, ...): a value null when flat (SPEC §4). The
// uncertainty of a radius (u_radius_mm) is not one.
func IsRadius(key string) bool {
	return strings.HasSuffix(key, "radius_mm") && !strings.HasPrefix(key, "u_")
}

// Unit returns the unit a report key names by its suffix (SPEC §8: units in
// the key name): "nm", "µm", "mm", "deg", "dB", "nm/mm", or "" for a count
// or fraction.
func Unit(key string) string {
	for _, u := range []struct{ suffix, unit string }{
		{"_nm_per_mm", "nm/mm"}, {"_nm", "nm"}, {"_um", "µm"}, {"_mm", "mm"}, {"_deg", "deg"}, {"_db", "dB"}, {"_n", "N"},
	} {
		if strings.HasSuffix(key, u.suffix) {
			return u.unit
		}
	}
	return ""
}

// FormatValue writes the value v of the report key with the precision its
// unit deserves (0.1 nm, 0.01 µm, 0.01 mm, 0.1 millidegree, 0.001 dB),
// "flat" for a radius that is flat (+Inf) and "—" for a value not measured.
func FormatValue(key string, v float64, isInt bool) string {
	if math.IsInf(v, 0) && IsRadius(key) {
		return "flat"
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	if isInt {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	prec := 3
	switch Unit(key) {
	case "nm", "nm/mm":
		prec = 1
	case "deg":
		prec = 4
	case "mm", "µm":
		prec = 2
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// FormatNum writes x for a CSV cell: '.' and the shortest digits that read
// back to x, never an exponent; NaN and ±Inf (not measured) are empty.
// Every CSV table of the project writes its numbers with it.
func FormatNum(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}
