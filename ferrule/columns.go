package ferrule

import (
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
