package render

import (
	"fmt"
	"math"
	"reflect"
	"strconv"

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

// format writes a value as the report's tables do (ferrule.FormatValue);
// a radius null in a section without a flat rule (a row's line radius) may
// be flat or unmeasured.
func format(key string, v float64, isInt bool) string {
	if math.IsNaN(v) && ferrule.IsRadius(key) {
		return "flat / —"
	}
	return ferrule.FormatValue(key, v, isInt)
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
