package store

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
)

// A column of the fibers, checks or measurements table taken from a field
// of a report struct by ferrule.Columns, so that the inserts follow the
// report's schema; TestSchemaMatchesReport checks that the migrations
// create exactly these columns, so a field added to the report without a
// migration fails the tests.
type column struct {
	name    string // the JSON key: the column's name
	sqlType string // DOUBLE PRECISION, INTEGER, BOOLEAN or TEXT
	index   []int
	kind    colKind
}

type colKind int

const (
	kindNum     colKind = iota // ferrule.Num or float64: NULL for NaN
	kindInt                    // int
	kindIntPtr                 // *int: NULL for nil (Check.Fiber)
	kindBool                   // bool
	kindString                 // string: NULL when empty
	kindStrings                // []string: joined with ";" (as fibers.csv)
)

var (
	numType     = reflect.TypeOf(ferrule.Num(0))
	intPtrType  = reflect.TypeOf((*int)(nil))
	stringsType = reflect.TypeOf([]string(nil))
)

// columnsOf lists the scalar columns of report struct type t.
func columnsOf(t reflect.Type) []column {
	var cs []column
	for _, c := range ferrule.Columns(t) {
		col := column{name: c.Key, index: c.Index}
		switch {
		case c.Type == numType || c.Type.Kind() == reflect.Float64:
			col.kind, col.sqlType = kindNum, "DOUBLE PRECISION"
		case c.Type.Kind() == reflect.Int:
			col.kind, col.sqlType = kindInt, "INTEGER"
		case c.Type == intPtrType:
			col.kind, col.sqlType = kindIntPtr, "INTEGER"
		case c.Type.Kind() == reflect.Bool:
			col.kind, col.sqlType = kindBool, "BOOLEAN"
		case c.Type.Kind() == reflect.String:
			col.kind, col.sqlType = kindString, "TEXT"
		case c.Type == stringsType:
			col.kind, col.sqlType = kindStrings, "TEXT"
		default:
			continue // arrays and nested sections live in the report JSON
		}
		cs = append(cs, col)
	}
	return cs
}

// value is the SQL value of column c of struct v. flat tells that a NaN
// radius means flat (ferrule.FlatRadius): it is stored as +Inf, as the
// CSV tables write it, and NaN (not measured) as NULL.
func (c column) value(v reflect.Value, flat bool) any {
	f := v.FieldByIndex(c.index)
	switch c.kind {
	case kindNum:
		x := f.Float()
		if math.IsNaN(x) {
			if flat && ferrule.IsRadius(c.name) {
				return math.Inf(1)
			}
			return nil
		}
		return x
	case kindInt:
		return f.Int()
	case kindIntPtr:
		if f.IsNil() {
			return nil
		}
		return f.Elem().Int()
	case kindBool:
		return f.Bool()
	case kindString:
		if f.String() == "" {
			return nil
		}
		return f.String()
	case kindStrings:
		return strings.Join(f.Interface().([]string), ";")
	}
	panic(fmt.Sprintf("store: column %s of unknown kind", c.name))
}

// The report-derived columns of each table.
var (
	// Measurements hold the ferrule and summary sections by their keys
	// (no key is in both; TestSchemaMatchesReport checks it).
	surfaceCols = columnsOf(reflect.TypeOf(ferrule.Surface{}))
	summaryCols = columnsOf(reflect.TypeOf(ferrule.Summary{}))
	fiberCols   = columnsOf(reflect.TypeOf(ferrule.Fiber{}))
	checkCols   = columnsOf(reflect.TypeOf(ferrule.Check{}))
)

// measurementCols are the measurements table's own columns, before the
// ferrule and summary sections (the order of the migration).
var measurementCols = []string{"id", "identity", "file", "file_sha256", "measured_at", "analysed_at",
	"station", "operator", "lot", "serial", "layout", "profile", "pass", "marginal", "error",
	"format", "software_name", "software_version", "software_revision", "options", "report"}

// quote returns the SQL identifier name in double quotes (index, row, min,
// max are keywords in one engine or the other).
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

func names(cs []column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.name
	}
	return out
}
