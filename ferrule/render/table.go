package render

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
)

// field is one number of a report section, named by its JSON key.
type field struct {
	Key   string
	Value float64 // NaN when not measured
	Int   bool
}

// fieldsOf lists the numbers of the report struct v by JSON key (the
// report's one schema walk, ferrule.Columns).
func fieldsOf(v any) []field {
	rv := reflect.ValueOf(v)
	var out []field
	for _, c := range ferrule.Columns(rv.Type()) {
		if !c.Number() {
			continue
		}
		fv := rv.FieldByIndex(c.Index)
		if fv.Kind() == reflect.Int {
			out = append(out, field{Key: c.Key, Value: float64(fv.Int()), Int: true})
		} else {
			out = append(out, field{Key: c.Key, Value: fv.Float()})
		}
	}
	return out
}

// valueOf returns the field of v named key.
func valueOf(v any, key string) (float64, bool) {
	for _, f := range fieldsOf(v) {
		if f.Key == key {
			return f.Value, true
		}
	}
	return math.NaN(), false
}

// format writes a value with the precision its unit deserves.
func format(key string, v float64, isInt bool) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		if ferrule.IsRadius(key) {
			return "flat / —"
		}
		return "—"
	}
	if isInt {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	prec := 3
	switch {
	case strings.HasSuffix(key, "_nm"), strings.HasSuffix(key, "_nm_per_mm"):
		prec = 1
	case strings.HasSuffix(key, "_deg"):
		prec = 4
	case strings.HasSuffix(key, "_mm"):
		prec = 2
	case strings.HasSuffix(key, "_um"):
		prec = 2
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// checkIndex finds the checks of a grade by name and fiber.
type checkIndex struct {
	g       *ferrule.Grade
	byFiber map[string]map[int]*ferrule.Check // base name → fiber → check
	plain   map[string][]*ferrule.Check       // base name → non-fiber checks
}

func newCheckIndex(g *ferrule.Grade) *checkIndex {
	ci := &checkIndex{g: g, byFiber: map[string]map[int]*ferrule.Check{}, plain: map[string][]*ferrule.Check{}}
	if g == nil {
		return ci
	}
	for i := range g.Checks {
		c := &g.Checks[i]
		n := baseName(c.Name)
		if c.Fiber != nil {
			if ci.byFiber[n] == nil {
				ci.byFiber[n] = map[int]*ferrule.Check{}
			}
			ci.byFiber[n][*c.Fiber] = c
		} else {
			ci.plain[n] = append(ci.plain[n], c)
		}
	}
	return ci
}

// section returns the check of the ferrule or summary value key.
func (ci *checkIndex) section(sec, key string) *ferrule.Check {
	for _, c := range ci.plain[key] {
		if s := section(c); s == "" || s == sec {
			return c
		}
	}
	return nil
}

// fiber returns the check of fiber index's value key.
func (ci *checkIndex) fiber(key string, index int) *ferrule.Check {
	return ci.byFiber[key][index]
}

func limitString(c *ferrule.Check) (lo, hi string) {
	lo, hi = "", ""
	if c.Min.Valid() {
		lo = strconv.FormatFloat(float64(c.Min), 'g', -1, 64)
	}
	if c.Max.Valid() {
		hi = strconv.FormatFloat(float64(c.Max), 'g', -1, 64)
	}
	return lo, hi
}

// checkTitle is a tooltip for a checked value.
func checkTitle(c *ferrule.Check) string {
	lo, hi := limitString(c)
	s := fmt.Sprintf("%s: limits [%s, %s]", c.Name, orDash(lo), orDash(hi))
	if c.Reason != "" {
		s += " — " + c.Reason
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
