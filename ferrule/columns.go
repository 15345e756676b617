package ferrule

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"sync"
)

// Column is one field of a report struct (Report's sections: Surface,
// Summary, Fiber, Row, Regions, ...) as the JSON report writes it.
type Column struct {
	Key   string       // the JSON key
	Index []int        // the reflect field index in the struct
	Type  reflect.Type // the field's type
}

// Number reports whether the column holds a number (a Num, a float or an
// int), as tables, grading and statistics take them.
func (c Column) Number() bool {
	return c.Type == reflect.TypeOf(Num(0)) || c.Type.Kind() == reflect.Float64 || c.Type.Kind() == reflect.Int
}

var columnCache sync.Map // reflect.Type → []Column

// Columns lists the fields of the report struct type t that the JSON report
// writes, in their order: the one walk of the report's schema that grading,
// the CSV tables and the pages share, so that a field added to the report
// reaches all of them.
func Columns(t reflect.Type) []Column {
	if c, ok := columnCache.Load(t); ok {
		return c.([]Column)
	}
	var cs []Column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := strings.Split(f.Tag.Get("json"), ",")[0]
		if !f.IsExported() || key == "" || key == "-" {
			continue
		}
		cs = append(cs, Column{Key: key, Index: f.Index, Type: f.Type})
	}
	columnCache.Store(t, cs)
	return cs
}

// UnmarshalJSON reads a row, with the numbers the JSON lacks (a report
// written before they existed) NaN rather than 0.
func (r *Row) UnmarshalJSON(b []byte) error {
	type plain Row
	return unmarshalNaN(b, (*plain)(r))
}

// UnmarshalJSON reads a fiber, with the numbers the JSON lacks NaN rather
// than 0.
func (f *Fiber) UnmarshalJSON(b []byte) error {
	type plain Fiber
	return unmarshalNaN(b, (*plain)(f))
}

// unmarshalNaN sets every Num field of the struct v points to to NaN, then
// decodes b into it.
func unmarshalNaN(b []byte, v any) error {
	SetNaN(v)
	return json.Unmarshal(b, v)
}

// SetNaN sets every number (Num) column of the report struct *v to NaN,
// not measured: the start of a struct whose numbers are filled as they
// are measured.
func SetNaN(v any) {
	rv := reflect.ValueOf(v).Elem()
	for _, c := range Columns(rv.Type()) {
		if c.Type == reflect.TypeOf(Num(0)) {
			rv.FieldByIndex(c.Index).SetFloat(math.NaN())
		}
	}
}
