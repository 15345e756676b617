package batch

import (
	"encoding/csv"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mtgeo/mtgeo/ferrule"
)

// structField is one JSON field of a report section.
type structField struct {
	key   string // JSON key
	index []int
}

var (
	numType     = reflect.TypeOf(ferrule.Num(0))
	surfaceKeys = jsonFields(reflect.TypeOf(ferrule.Surface{}))
	summaryKeys = jsonFields(reflect.TypeOf(ferrule.Summary{}))
	fiberKeys   = jsonFields(reflect.TypeOf(ferrule.Fiber{}))
	// fiberFields[j] is the registry field of fiberKeys[j], nil for a
	// column that is not a value (index, flags, ...).
	fiberFields = func() []*ferrule.Field {
		out := make([]*ferrule.Field, len(fiberKeys))
		for j, k := range fiberKeys {
			if f, ok := ferrule.SectionField("fibers", k.key); ok {
				out[j] = &f
			}
		}
		return out
	}()
)

// jsonFields lists the fields of t that are written to JSON (the report's
// one schema walk, ferrule.Columns).
func jsonFields(t reflect.Type) []structField {
	var fs []structField
	for _, c := range ferrule.Columns(t) {
		fs = append(fs, structField{key: c.Key, index: c.Index})
	}
	return fs
}

// hasKey reports whether fs has a field with that JSON key.
func hasKey(fs []structField, key string) bool {
	for _, f := range fs {
		if f.key == key {
			return true
		}
	}
	return false
}

// flatCell is the cell of a radius measured flat (infinite), as pandas,
// NumPy and Python read infinity.
const flatCell = "inf"

// valueCell formats the value of a report field (ferrule.Field.Value):
// flatCell for a radius measured flat (+Inf), else as ferrule.FormatNum.
func valueCell(x float64) string {
	if math.IsInf(x, 1) {
		return flatCell
	}
	return ferrule.FormatNum(x)
}

// validUTF8 makes, in place, row's cells readable (bytes of a file name
// that is not UTF-8 as U+FFFD, as in results.jsonl's "file"), so that the
// tables stay UTF-8 text.
func validUTF8(row []string) []string {
	for i, c := range row {
		if !utf8.ValidString(c) {
			row[i] = readable(c)
		}
	}
	return row
}

// Cell formats a field of a report struct (a Num, int, bool, string or
// list of strings) for CSV, as ferrules.csv and fibers.csv write them.
func Cell(v reflect.Value) string {
	switch {
	case v.Type() == numType:
		return ferrule.FormatNum(v.Float())
	case v.Kind() == reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case v.Kind() == reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case v.Kind() == reflect.String:
		return v.String()
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		return strings.Join(v.Interface().([]string), ";")
	}
	panic("batch: no CSV cell for " + v.Type().String())
}

type ferruleColumn struct {
	name string
	get  func(r *Result) string // called for analysed results only
}

// ferruleColumns are the columns of ferrules.csv after the fixed ones.
var ferruleColumns = buildFerruleColumns()

// fixedFerruleColumns are filled for error rows too.
var fixedFerruleColumns = []string{"file", "format", "layout", "status", "error", "profile", "pass", "failed_checks", "failed_fibers"}

func buildFerruleColumns() []ferruleColumn {
	num := func(f func(rep *ferrule.Report) ferrule.Num) func(*Result) string {
		return func(r *Result) string { return ferrule.FormatNum(float64(f(r.Report))) }
	}
	hole := func(i int) func(*Result) string {
		return func(r *Result) string {
			if i >= len(r.Report.GuideHoles) {
				return ""
			}
			return ferrule.FormatNum(float64(r.Report.GuideHoles[i].DiameterUM))
		}
	}
	cols := []ferruleColumn{
		{"size_x_px", func(r *Result) string { return strconv.Itoa(r.Report.SizePx[0]) }},
		{"size_y_px", func(r *Result) string { return strconv.Itoa(r.Report.SizePx[1]) }},
		{"pixel_x_um", num(func(rep *ferrule.Report) ferrule.Num { return rep.PixelUM[0] })},
		{"pixel_y_um", num(func(rep *ferrule.Report) ferrule.Num { return rep.PixelUM[1] })},
		{"valid_fraction", num(func(rep *ferrule.Report) ferrule.Num { return rep.ValidFraction })},
		{"fixture_angle_deg", num(func(rep *ferrule.Report) ferrule.Num { return rep.FixtureAngleDeg })},
		{"frame_from_holes", func(r *Result) string { return strconv.FormatBool(r.Report.Frame.FromHoles) }},
		{"origin_map_x_um", num(func(rep *ferrule.Report) ferrule.Num { return rep.Frame.OriginMapUM[0] })},
		{"origin_map_y_um", num(func(rep *ferrule.Report) ferrule.Num { return rep.Frame.OriginMapUM[1] })},
		{"rotation_deg", num(func(rep *ferrule.Report) ferrule.Num { return rep.Frame.RotationDeg })},
		{"hole_spacing_um", num(func(rep *ferrule.Report) ferrule.Num { return rep.Frame.HoleSpacingUM })},
		{"hole_spacing_error_um", num(func(rep *ferrule.Report) ferrule.Num { return rep.Frame.HoleSpacingErrorUM })},
		{"hole1_diameter_um", hole(0)},
		{"hole2_diameter_um", hole(1)},
	}
	for _, sec := range []struct {
		name   string
		fields []structField
		get    func(rep *ferrule.Report) reflect.Value
	}{
		{"ferrule", surfaceKeys, func(rep *ferrule.Report) reflect.Value { return reflect.ValueOf(&rep.Ferrule).Elem() }},
		{"summary", summaryKeys, func(rep *ferrule.Report) reflect.Value { return reflect.ValueOf(&rep.Summary).Elem() }},
	} {
		for _, f := range sec.fields {
			name := f.key
			if hasKey(fiberKeys, f.key) || (sec.name == "ferrule" && hasKey(summaryKeys, f.key)) || (sec.name == "summary" && hasKey(surfaceKeys, f.key)) {
				name = sec.name + "_" + f.key
			}
			get, index := sec.get, f.index
			col := ferruleColumn{name, func(r *Result) string { return Cell(get(r.Report).FieldByIndex(index)) }}
			if fld, ok := ferrule.SectionField(sec.name, f.key); ok {
				col.get = func(r *Result) string { return valueCell(fld.Value(r.Report, -1)) }
			}
			cols = append(cols, col)
		}
	}
	return cols
}

// FerruleColumns returns the header of ferrules.csv.
func FerruleColumns() []string {
	h := append([]string(nil), fixedFerruleColumns...)
	for _, c := range ferruleColumns {
		h = append(h, c.name)
	}
	return h
}

// FiberColumns returns the header of fibers.csv.
func FiberColumns() []string {
	h := []string{"file", "layout"}
	for _, f := range fiberKeys {
		h = append(h, f.key)
	}
	return append(h, "pass", "failed_checks")
}

// failedChecks returns the distinct names of r's failed checks in check
// order and the indices of the fibers with a failed check, both
// ";"-separated, or empty strings for an ungraded report.
func failedChecks(rep *ferrule.Report) (names, fibers string) {
	if rep.Grade == nil {
		return "", ""
	}
	var ns, fs []string
	seenName, seenFiber := map[string]bool{}, map[int]bool{}
	for _, c := range rep.Grade.Checks {
		if c.Pass {
			continue
		}
		if !seenName[c.Name] {
			seenName[c.Name] = true
			ns = append(ns, c.Name)
		}
		if c.Fiber != nil && !seenFiber[*c.Fiber] {
			seenFiber[*c.Fiber] = true
			fs = append(fs, strconv.Itoa(*c.Fiber))
		}
	}
	return strings.Join(ns, ";"), strings.Join(fs, ";")
}

// CSVWriter writes ferrules.csv and fibers.csv rows for results.
type CSVWriter struct {
	ferrules, fibers *csv.Writer
	row              []string
}

// NewCSVWriter returns a writer of ferrules.csv to ferrules and fibers.csv
// to fibers, and writes their header rows. Either may be nil to leave that
// table out.
func NewCSVWriter(ferrules, fibers io.Writer) *CSVWriter {
	w := &CSVWriter{}
	if ferrules != nil {
		w.ferrules = csv.NewWriter(ferrules)
		w.ferrules.Write(FerruleColumns())
	}
	if fibers != nil {
		w.fibers = csv.NewWriter(fibers)
		w.fibers.Write(FiberColumns())
	}
	return w
}

// Write writes r's row of ferrules.csv and, for an analysed file, one row
// per fiber of fibers.csv. Errors of the underlying writers are returned by
// Flush.
func (w *CSVWriter) Write(r Result) {
	if w.ferrules != nil {
		w.ferrules.Write(validUTF8(w.ferruleRow(&r)))
	}
	if w.fibers != nil && r.OK() {
		w.writeFibers(&r)
	}
}

func (w *CSVWriter) ferruleRow(r *Result) []string {
	row := w.row[:0]
	if !r.OK() {
		msg := "no report"
		if r.Err != nil {
			msg = r.Err.Error()
		}
		row = append(row, r.File, r.Format, "", "error", msg, "", "", "", "")
		for range ferruleColumns {
			row = append(row, "")
		}
		w.row = row
		return row
	}
	rep := r.Report
	profile, pass := "", ""
	if rep.Grade != nil {
		profile, pass = rep.Grade.Profile, strconv.FormatBool(rep.Grade.Pass)
	}
	names, fibers := failedChecks(rep)
	row = append(row, r.File, r.Format, rep.Layout, "ok", "", profile, pass, names, fibers)
	for _, c := range ferruleColumns {
		row = append(row, c.get(r))
	}
	w.row = row
	return row
}

func (w *CSVWriter) writeFibers(r *Result) {
	rep := r.Report
	// The fibers' own checks.
	failed := map[int][]string{}
	if rep.Grade != nil {
		for _, c := range rep.Grade.Checks {
			if c.Fiber != nil && !c.Pass {
				failed[*c.Fiber] = append(failed[*c.Fiber], c.Name)
			}
		}
	}
	for i := range rep.Fibers {
		f := &rep.Fibers[i]
		v := reflect.ValueOf(f).Elem()
		row := append(w.row[:0], r.File, rep.Layout)
		for j, k := range fiberKeys {
			if fld := fiberFields[j]; fld != nil && f.Measured() {
				row = append(row, valueCell(fld.Value(rep, i)))
				continue
			}
			row = append(row, Cell(v.FieldByIndex(k.index)))
		}
		pass := ""
		if rep.Grade != nil {
			pass = strconv.FormatBool(f.Measured() && len(failed[f.Index]) == 0)
		}
		row = append(row, pass, strings.Join(failed[f.Index], ";"))
		w.row = row
		w.fibers.Write(validUTF8(row))
	}
}

// Flush writes buffered rows and returns the first error of either table.
func (w *CSVWriter) Flush() error {
	for _, cw := range []*csv.Writer{w.ferrules, w.fibers} {
		if cw == nil {
			continue
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return nil
}
