package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/mate"
	"github.com/mtgeo/mtgeo/ferrule/store"
)

const dbUsage = `usage: mtgeo db COMMAND [flags]

Queries of a results database (SQLite file or postgres://...) that
'mtgeo analyze --db' and 'mtgeo batch --db' fill:

  lots              per lot: measurements, errors, graded, passed, yield, first and last time
  show SERIAL|FILE  the measurements of a part serial or a file, with their reports
  trend PARAM       a parameter's values in time order with the limits; -o run.png|run.svg draws the run chart
                    (--by lot: per lot n, mean, σ, min, max)
  spc PARAM         n, mean, σ within (MR̄/1.128) and overall, Cpk, Ppk, Western Electric rule violations
  export            the values for SPC software: --format csv or aqdef (Q-DAS AQDEF K-fields)
  connectors        the connectors 'mtgeo batch --mate-pairs --db' predicted: parts, parameters, contact,
                    largest gap, worst and mean IL (--pairs: every fiber pair; --lot: part A's lot)

PARAM is a report field as a spec profile names it (x_angle_deg, height_nm,
ferrule.fit_rms_nm; 'mtgeo specs' shows profiles). A per-fiber field gives
one series per fiber position (--fiber N keeps one), as AQDEF has one
characteristic per fiber. Yield is passed over all measurements: one that
could not be analysed counts as failed.

Every command takes --db URL (default $MTGEO_DB) and the selection flags
--lot, --station, --serial, --since and --until (RFC 3339 times or dates,
2026-12-01); lots, show, trend, spc and connectors take --format text|json|csv.
connectors takes --lot, --since and --until (of part A's measurement) and --limit.
`

func runDB(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, dbUsage)
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	sub, rest := args[0], args[1:]
	subArgs, ok := dbArgs[sub]
	if !ok {
		fmt.Fprintf(stderr, "mtgeo db: unknown command %q\n\n%s", sub, dbUsage)
		return exitError
	}
	fs := newFlagSet("db "+sub, subArgs, stderr)
	var d dbFlags
	d.register(fs, sub)
	pos, err := parseInterspersed(fs, rest)
	if err != nil {
		return parseStatus(err)
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "mtgeo db %s: %v\n", sub, err)
		return exitError
	}
	if want := btoi(subArgs != ""); len(pos) != want { // one positional argument where dbArgs names it
		fs.Usage()
		return exitError
	}
	q, err := d.query()
	if err != nil {
		return fail(err)
	}
	formats := "text json csv"
	if sub == "export" {
		formats = "csv aqdef"
	}
	if !strings.Contains(" "+formats+" ", " "+d.format+" ") {
		return fail(fmt.Errorf("--format must be one of %s, not %q", strings.ReplaceAll(formats, " ", ", "), d.format))
	}
	var limits *store.Limits
	if d.spec != "" {
		prof, err := ferrule.LoadProfile(d.spec)
		if err != nil {
			return fail(err)
		}
		p, err := store.LookupParam(pos[0])
		if err != nil {
			return fail(err)
		}
		l := store.LimitsOf(prof, p)
		limits = &l
	}
	if d.db == "" {
		return fail(errors.New("no database: give --db URL (or set MTGEO_DB)"))
	}
	ctx := context.Background()
	st, err := store.Open(ctx, d.db)
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	switch sub {
	case "lots":
		err = dbLots(ctx, st, q, d.format, stdout)
	case "show":
		err = dbShow(ctx, st, pos[0], d.format, stdout)
	case "trend":
		err = dbTrend(ctx, st, pos[0], q, limits, &d, stdout)
	case "spc":
		err = dbSPC(ctx, st, pos[0], q, limits, d.format, stdout)
	case "export":
		err = dbExport(ctx, st, q, &d, stdout)
	case "connectors":
		err = dbConnectors(ctx, st, q, &d, stdout)
	}
	if err != nil {
		return fail(err)
	}
	return exitOK
}

// dbArgs are the db commands, each with its positional argument ("": none).
var dbArgs = map[string]string{"lots": "", "show": "SERIAL|FILE", "trend": "PARAM", "spc": "PARAM", "export": "", "connectors": ""}

type dbFlags struct {
	db, format, out, spec, params, by  string
	lot, station, serial, since, until string
	fiber, limit                       int
	pairs                              bool
}

func (d *dbFlags) register(fs *flag.FlagSet, sub string) {
	fs.StringVar(&d.db, "db", os.Getenv("MTGEO_DB"), "the database: a SQLite file (PATH or sqlite:PATH) or postgres://user:pass@host/db (default $MTGEO_DB)")
	if sub == "export" {
		fs.StringVar(&d.format, "format", "csv", "csv (one row per value) or aqdef (Q-DAS AQDEF K-field file)")
		fs.StringVar(&d.out, "o", "", "write to this file instead of stdout")
		fs.StringVar(&d.params, "param", "", "comma-separated parameters to export (default: every parameter graded in the selection)")
	} else {
		fs.StringVar(&d.format, "format", "text", "output format: text, json or csv")
	}
	if sub == "show" {
		return
	}
	if sub == "connectors" {
		fs.StringVar(&d.lot, "lot", "", "only connectors whose part A is of this lot")
		fs.StringVar(&d.since, "since", "", "only connectors whose part A was measured at or after this time (2026-12-01 or RFC 3339)")
		fs.StringVar(&d.until, "until", "", "only connectors whose part A was measured before this time")
		fs.IntVar(&d.limit, "limit", 0, "at most this many connectors, newest first (0: all)")
		fs.BoolVar(&d.pairs, "pairs", false, "also every fiber pair (csv: one row per fiber pair)")
		return
	}
	fs.StringVar(&d.lot, "lot", "", "only this lot")
	fs.StringVar(&d.station, "station", "", "only this station")
	fs.StringVar(&d.serial, "serial", "", "only this part serial")
	fs.StringVar(&d.since, "since", "", "only measurements at or after this time (2026-12-01 or RFC 3339)")
	fs.StringVar(&d.until, "until", "", "only measurements before this time")
	if sub == "trend" || sub == "spc" || sub == "export" {
		fs.IntVar(&d.fiber, "fiber", 0, "for a per-fiber parameter, only this fiber (index from 1; 0: every fiber)")
	}
	if sub == "trend" || sub == "spc" {
		fs.StringVar(&d.spec, "spec", "", "take the limits from this profile (built-in name or file) rather than from the stored checks")
	}
	if sub == "trend" {
		fs.StringVar(&d.out, "o", "", "draw the run chart to this file (.png, .svg or .pdf)")
		fs.StringVar(&d.by, "by", "time", "time (every value in time order) or lot (per lot: n, mean, σ, min, max, in the order of the lots' first values)")
	}
}

// parseTime reads an RFC 3339 time, or a date or date and minute in UTC.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want 2026-12-01, 2026-12-01T08:00 or RFC 3339", s)
}

func (d *dbFlags) query() (store.Query, error) {
	q := store.Query{Lot: d.lot, Station: d.station, Serial: d.serial, Fiber: d.fiber}
	if d.fiber < 0 {
		return q, fmt.Errorf("--fiber %d: fibers are numbered from 1", d.fiber)
	}
	var err error
	if d.since != "" {
		if q.Since, err = parseTime(d.since); err != nil {
			return q, fmt.Errorf("--since: %w", err)
		}
	}
	if d.until != "" {
		if q.Until, err = parseTime(d.until); err != nil {
			return q, fmt.Errorf("--until: %w", err)
		}
	}
	return q, nil
}

// cell formats a number for text and CSV: shortest exact digits, empty
// for null.
func cell(v ferrule.Num) string { return ferrule.FormatNum(float64(v)) }

// fiberCell is the fiber column of a series: its index, empty for a
// series that is not a fiber's (0).
func fiberCell(n int) string {
	if n > 0 {
		return strconv.Itoa(n)
	}
	return ""
}

// lotName is a lot as the text tables and charts name it: "(none)" for
// measurements without one.
func lotName(lot string) string {
	if lot == "" {
		return "(none)"
	}
	return lot
}

// short formats a number for text tables, "-" for null.
func short(v ferrule.Num) string {
	if !v.Valid() {
		return "-"
	}
	return strconv.FormatFloat(float64(v), 'g', 5, 64)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func dbLots(ctx context.Context, st *store.Store, q store.Query, format string, w io.Writer) error {
	lots, err := st.Lots(ctx, q)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		if lots == nil {
			lots = []store.Lot{}
		}
		return writeJSON(w, lots)
	case "csv":
		return writeCSV(w, []string{"lot", "count", "errors", "graded", "passed", "marginal", "yield", "first", "last"}, func(row func(...string)) {
			for _, l := range lots {
				row(l.Lot, strconv.Itoa(l.Count), strconv.Itoa(l.Errors), strconv.Itoa(l.Graded), strconv.Itoa(l.Passed),
					strconv.Itoa(l.Marginal), cell(l.Yield), stamp(l.First), stamp(l.Last))
			}
		})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "lot\tcount\terrors\tgraded\tpassed\tyield\tfirst\tlast")
	for _, l := range lots {
		lot, yield := lotName(l.Lot), "-"
		if l.Yield.Valid() {
			yield = fmt.Sprintf("%.1f %%", 100*float64(l.Yield))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n", lot, l.Count, l.Errors, l.Graded, l.Passed, yield, stamp(l.First), stamp(l.Last))
	}
	return tw.Flush()
}

func verdict(m store.Measurement) string {
	switch {
	case m.Error != "":
		return "error"
	case m.Pass == nil:
		return "ungraded"
	case *m.Pass:
		return "pass"
	case m.Marginal:
		return "marginal"
	}
	return "fail"
}

func dbShow(ctx context.Context, st *store.Store, key, format string, w io.Writer) error {
	ms, err := st.Show(ctx, key)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return fmt.Errorf("no measurement of serial or file %q", key)
	}
	switch format {
	case "json":
		return writeJSON(w, ms)
	case "csv":
		return writeCSV(w, []string{"id", "measured_at", "file", "file_sha256", "serial", "lot", "station", "operator", "layout", "profile", "verdict", "error", "software_version"}, func(row func(...string)) {
			for _, m := range ms {
				row(strconv.FormatInt(m.ID, 10), stamp(m.MeasuredAt), m.File, m.SHA256, m.Serial, m.Lot, m.Station, m.Operator,
					m.Layout, m.Profile, verdict(m), m.Error, m.SoftwareVersion)
			}
		})
	}
	for i, m := range ms {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "measurement %d: %s, %s\n", m.ID, stamp(m.MeasuredAt), verdict(m))
		for _, f := range []struct{ k, v string }{{"file", m.File}, {"sha256", m.SHA256}, {"serial", m.Serial}, {"lot", m.Lot},
			{"station", m.Station}, {"operator", m.Operator}, {"profile", m.Profile}, {"software", m.SoftwareVersion}, {"error", m.Error}} {
			if f.v != "" {
				fmt.Fprintf(w, "  %-9s %s\n", f.k, f.v)
			}
		}
		if len(m.Report) > 0 {
			var rep ferrule.Report
			if err := json.Unmarshal(m.Report, &rep); err != nil {
				return fmt.Errorf("measurement %d: stored report: %w", m.ID, err)
			}
			if err := ferrule.WriteText(w, &rep); err != nil {
				return err
			}
		}
	}
	return nil
}

func trendSeries(ctx context.Context, st *store.Store, param string, q store.Query, limits *store.Limits) ([]store.Series, error) {
	series, err := st.Trend(ctx, param, q, limits)
	if err != nil {
		return nil, err
	}
	if len(series) == 0 {
		return nil, noValues(param)
	}
	return series, nil
}

func dbTrend(ctx context.Context, st *store.Store, param string, q store.Query, limits *store.Limits, d *dbFlags, w io.Writer) error {
	if d.by != "time" && d.by != "lot" {
		return fmt.Errorf("--by must be time or lot, not %q", d.by)
	}
	series, err := trendSeries(ctx, st, param, q, limits)
	if err != nil {
		return err
	}
	if d.by == "lot" {
		return dbTrendByLot(series, d, w)
	}
	if d.out != "" {
		if err := drawRunChart(d.out, series); err != nil {
			return err
		}
	}
	switch d.format {
	case "json":
		return writeJSON(w, series)
	case "csv":
		return writeCSV(w, []string{"parameter", "fiber", "measurement_id", "measured_at", "value", "lsl", "usl", "lot", "station", "operator", "serial", "file"}, func(row func(...string)) {
			for _, sr := range series {
				fiber := fiberCell(sr.Fiber)
				for _, p := range sr.Points {
					row(sr.Param, fiber, strconv.FormatInt(p.MeasurementID, 10), stamp(p.MeasuredAt), cell(ferrule.Num(p.Value)),
						cell(sr.Limits.LSL), cell(sr.Limits.USL), p.Lot, p.Station, p.Operator, p.Serial, p.File)
				}
			}
		})
	}
	for i, sr := range series {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s: %d values, LSL %s, USL %s\n", sr.Name(), len(sr.Points), short(sr.Limits.LSL), short(sr.Limits.USL))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  measured_at\tvalue\tlot\tstation\tserial\tfile")
		for _, p := range sr.Points {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", stamp(p.MeasuredAt), short(ferrule.Num(p.Value)), p.Lot, p.Station, p.Serial, p.File)
		}
		tw.Flush()
	}
	if d.out != "" {
		fmt.Fprintf(w, "\nrun chart: %s\n", d.out)
	}
	return nil
}

// lotTrend is one series' trend over lots.
type lotTrend struct {
	Param  string           `json:"param"`
	Fiber  int              `json:"fiber,omitempty"`
	Limits store.Limits     `json:"limits"`
	Lots   []store.LotStats `json:"lots"`
}

func dbTrendByLot(series []store.Series, d *dbFlags, w io.Writer) error {
	trends := make([]lotTrend, len(series))
	for i, sr := range series {
		trends[i] = lotTrend{Param: sr.Param, Fiber: sr.Fiber, Limits: sr.Limits, Lots: store.ByLot(sr)}
	}
	if d.out != "" {
		if err := drawLotChart(d.out, series, trends); err != nil {
			return err
		}
	}
	switch d.format {
	case "json":
		return writeJSON(w, trends)
	case "csv":
		return writeCSV(w, []string{"parameter", "fiber", "lot", "n", "mean", "sigma", "min", "max", "first", "last", "lsl", "usl"}, func(row func(...string)) {
			for _, tr := range trends {
				fiber := fiberCell(tr.Fiber)
				for _, l := range tr.Lots {
					row(tr.Param, fiber, l.Lot, strconv.Itoa(l.N), cell(l.Mean), cell(l.Sigma), cell(l.Min), cell(l.Max),
						stamp(l.First), stamp(l.Last), cell(tr.Limits.LSL), cell(tr.Limits.USL))
				}
			}
		})
	}
	for i, tr := range trends {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s by lot: LSL %s, USL %s\n", series[i].Name(), short(tr.Limits.LSL), short(tr.Limits.USL))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  lot\tn\tmean\tσ\tmin\tmax\tfirst\tlast")
		for _, l := range tr.Lots {
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", lotName(l.Lot), l.N, short(l.Mean), short(l.Sigma), short(l.Min), short(l.Max), stamp(l.First), stamp(l.Last))
		}
		tw.Flush()
	}
	if d.out != "" {
		fmt.Fprintf(w, "\nlot chart: %s\n", d.out)
	}
	return nil
}

// drawLotChart draws each series' lot means (whiskers from min to max)
// against the lots, with the limits.
func drawLotChart(path string, series []store.Series, trends []lotTrend) error {
	if err := chartExt(path, "chart"); err != nil {
		return err
	}
	p := plot.New()
	p.Title.Text = "by lot: " + series[0].Param + " (mean, min to max)"
	p.Y.Label.Text = series[0].Param
	p.Add(plotter.NewGrid())
	var names []string
	index := map[string]int{}
	for _, tr := range trends {
		for _, l := range tr.Lots {
			if _, ok := index[l.Lot]; !ok {
				index[l.Lot] = len(names)
				names = append(names, lotName(l.Lot))
			}
		}
	}
	for i, tr := range trends {
		xy := make(plotter.XYs, len(tr.Lots))
		for j, l := range tr.Lots {
			xy[j] = plotter.XY{X: float64(index[l.Lot]), Y: float64(l.Mean)}
			bar, err := plotter.NewLine(plotter.XYs{{X: float64(index[l.Lot]), Y: float64(l.Min)}, {X: float64(index[l.Lot]), Y: float64(l.Max)}})
			if err != nil {
				return err
			}
			bar.Color = plotutil.Color(i)
			p.Add(bar)
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
		p.Add(l, s)
		if len(trends) > 1 {
			p.Legend.Add(series[i].Name(), l, s)
		}
	}
	if err := addLimits(p, series[0].Limits, -0.5, float64(len(names))-0.5); err != nil {
		return err
	}
	p.NominalX(names...)
	p.Legend.Top, p.Legend.Left = true, true
	return p.Save(10*vg.Inch, 4.5*vg.Inch, path)
}

// drawRunChart draws the series as a run chart: values against their
// order in time (the x axis counts measurements, as a run chart does; the
// title gives the time span), with the limits and each series' mean.
func drawRunChart(path string, series []store.Series) error {
	if err := chartExt(path, "run chart"); err != nil {
		return err
	}
	p := plot.New()
	// Each series is in time order (store.Trend): its span is from its
	// first point to its last.
	first, last := series[0].Points[0].MeasuredAt, series[0].Points[0].MeasuredAt
	n := 0
	for _, sr := range series {
		n = max(n, len(sr.Points))
		if t := sr.Points[0].MeasuredAt; t.Before(first) {
			first = t
		}
		if t := sr.Points[len(sr.Points)-1].MeasuredAt; t.After(last) {
			last = t
		}
	}
	p.Title.Text = fmt.Sprintf("run chart: %s, %s to %s", series[0].Param, stamp(first), stamp(last))
	p.X.Label.Text = "measurement, in time order"
	p.Y.Label.Text = series[0].Param
	p.Add(plotter.NewGrid())
	for i, sr := range series {
		xy := make(plotter.XYs, len(sr.Points))
		var sum float64
		for j, pt := range sr.Points {
			xy[j] = plotter.XY{X: float64(j + 1), Y: pt.Value}
			sum += pt.Value
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		c := plotutil.Color(i)
		l.Color, s.Color = c, c
		s.Radius = vg.Points(2)
		p.Add(l, s)
		if len(series) > 1 {
			p.Legend.Add(sr.Name(), l, s)
		} else {
			mean := sum / float64(len(sr.Points))
			ml, err := plotter.NewLine(plotter.XYs{{X: 1, Y: mean}, {X: float64(max(2, n)), Y: mean}})
			if err != nil {
				return err
			}
			ml.LineStyle = draw.LineStyle{Color: color.Gray{Y: 110}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
			p.Add(ml)
			p.Legend.Add(fmt.Sprintf("mean %.4g", mean), ml)
		}
	}
	if err := addLimits(p, series[0].Limits, 1, float64(max(2, n))); err != nil {
		return err
	}
	p.Legend.Top = true
	p.Legend.Left = true
	return p.Save(10*vg.Inch, 4.5*vg.Inch, path)
}

// chartExt checks that path is a chart file gonum/plot writes: .png,
// .svg or .pdf (what names the chart in the error).
func chartExt(path, what string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".svg", ".pdf":
		return nil
	}
	return fmt.Errorf("-o %s: the %s is .png, .svg or .pdf", path, what)
}

// addLimits draws the limits lim that are set, USL then LSL, as dashed red
// lines from x0 to x1, each named in the legend.
func addLimits(p *plot.Plot, lim store.Limits, x0, x1 float64) error {
	for _, b := range []struct {
		v    ferrule.Num
		name string
	}{{lim.USL, "USL"}, {lim.LSL, "LSL"}} {
		if !b.v.Valid() {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: float64(b.v)}, {X: x1, Y: float64(b.v)}})
		if err != nil {
			return err
		}
		l.LineStyle = draw.LineStyle{Color: color.RGBA{R: 200, A: 255}, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s %g", b.name, float64(b.v)), l)
	}
	return nil
}

func dbSPC(ctx context.Context, st *store.Store, param string, q store.Query, limits *store.Limits, format string, w io.Writer) error {
	caps, err := st.SPC(ctx, param, q, limits)
	if err != nil {
		return err
	}
	if len(caps) == 0 {
		return noValues(param)
	}
	switch format {
	case "json":
		return writeJSON(w, caps)
	case "csv":
		return writeCSV(w, []string{"parameter", "fiber", "n", "mean", "sigma_within", "sigma_overall", "lsl", "usl", "cpk", "ppk", "violations"}, func(row func(...string)) {
			for _, c := range caps {
				row(c.Param, fiberCell(c.Fiber), strconv.Itoa(c.N), cell(c.Mean), cell(c.SigmaWithin), cell(c.SigmaOverall),
					cell(c.Limits.LSL), cell(c.Limits.USL), cell(c.Cpk), cell(c.Ppk), strconv.Itoa(len(c.Violations)))
			}
		})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "series\tn\tmean\tσ within\tσ overall\tLSL\tUSL\tCpk\tPpk\tviolations")
	for _, c := range caps {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", c.Name(), c.N, short(c.Mean), short(c.SigmaWithin), short(c.SigmaOverall),
			short(c.Limits.LSL), short(c.Limits.USL), short(c.Cpk), short(c.Ppk), len(c.Violations))
	}
	tw.Flush()
	for _, c := range caps {
		for _, v := range c.Violations {
			fmt.Fprintf(w, "%s: rule %d (%s) at point %d, measurement %d, %s, value %s\n", c.Name(), v.Rule, v.Description,
				v.Index+1, v.MeasurementID, stamp(v.MeasuredAt), short(ferrule.Num(v.Value)))
		}
	}
	fmt.Fprintln(w, "σ within = MR̄/1.128 in time order (Cpk); σ overall = sample σ (Ppk); Western Electric rules 1-4 on the individuals chart")
	return nil
}

// capName is the name of the series c is the capability of.
// noValues is the error of a parameter with no value in the selection.
func noValues(param string) error { return fmt.Errorf("no value of %s in the selection", param) }

func dbExport(ctx context.Context, st *store.Store, q store.Query, d *dbFlags, stdout io.Writer) error {
	var params []string
	for _, p := range strings.Split(d.params, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if _, err := store.LookupParam(p); err != nil {
				return err
			}
			params = append(params, p)
		}
	}
	w := stdout
	var f *os.File
	if d.out != "" {
		var err error
		if f, err = os.Create(d.out); err != nil {
			return err
		}
		w = f
	}
	err := st.Export(ctx, w, d.format, params, q)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(d.out) // no half-written export left behind
		}
	}
	return err
}

// dbConnectors lists the stored connectors (store.Connectors), newest
// first.
func dbConnectors(ctx context.Context, st *store.Store, q store.Query, d *dbFlags, w io.Writer) error {
	if d.limit < 0 {
		return fmt.Errorf("--limit %d: give 0 (all) or more", d.limit)
	}
	cs, err := st.Connectors(ctx, store.ConnectorQuery{Lot: q.Lot, Since: q.Since, Until: q.Until, Limit: d.limit, Pairs: d.pairs})
	if err != nil {
		return err
	}
	switch d.format {
	case "json":
		if cs == nil {
			cs = []store.Connector{}
		}
		return writeJSON(w, cs)
	case "csv":
		return connectorsCSV(w, cs, d.pairs)
	}
	if len(cs) == 0 {
		_, err := fmt.Fprintln(w, "no connector in the selection")
		return err
	}
	fmt.Fprintln(w, "predicted from the geometry, not measured")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tA measured_at\tA\tB\tpolarity\tforce N\tpairs\tin contact\tlargest gap nm\tworst IL dB\tmean IL dB")
	for _, c := range cs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", c.ID, stamp(c.A.MeasuredAt), partName(c.A), partName(c.B),
			c.Parameters.Polarity, short(c.Parameters.ForceN), c.Summary.Pairs, c.Summary.FibersInContact,
			short(c.Summary.LargestGapNM), short(c.Summary.WorstILDB), short(c.Summary.MeanILDB))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !d.pairs {
		return nil
	}
	for _, c := range cs {
		fmt.Fprintf(w, "\nconnector %d: %s × %s\n", c.ID, partName(c.A), partName(c.B))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  A fiber\tB fiber\toffset µm\tIL dB\tcontact\tgap nm\tforce N\tRL dB\tcore-dip risk\tflags")
		for _, p := range c.Pairs {
			fmt.Fprintf(tw, "  %d\t%d\t%s\t%s\t%t\t%s\t%s\t%s\t%t\t%s\n", p.AFiber, p.BFiber, short(p.OffsetUM), short(p.ILDB), p.InContact,
				short(p.GapNM), short(p.ContactForceN), short(p.RLDB), p.CoreDipRisk, strings.Join(p.Flags, ";"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// partName is a connector part as a person names it: its serial, else
// its file.
func partName(p store.ConnectorPart) string {
	if p.Serial != "" {
		return p.Serial
	}
	return p.File
}

// connectorsCSV writes one row per connector: its parts, then the fields
// of its parameters and summary by their JSON keys; with pairs, one row
// per fiber pair instead, the pair's fields (mate.CSVColumns) after the
// connector's.
func connectorsCSV(w io.Writer, cs []store.Connector, pairs bool) error {
	params, sums := ferrule.Columns(reflect.TypeOf(mate.Parameters{})), ferrule.Columns(reflect.TypeOf(mate.Summary{}))
	head := []string{"id", "a_measurement_id", "a_file", "a_serial", "a_lot", "a_measured_at", "b_measurement_id", "b_file", "b_serial", "b_lot", "b_measured_at"}
	for _, c := range append(append([]ferrule.Column(nil), params...), sums...) {
		head = append(head, c.Key)
	}
	head = append(head, "software_version", "created_at")
	if pairs {
		head = append(head, mate.CSVColumns()...)
	}
	return writeCSV(w, head, func(emit func(...string)) {
		for _, c := range cs {
			row := []string{strconv.FormatInt(c.ID, 10)}
			for _, p := range []store.ConnectorPart{c.A, c.B} {
				row = append(row, strconv.FormatInt(p.MeasurementID, 10), p.File, p.Serial, p.Lot, stamp(p.MeasuredAt))
			}
			row = append(row, fieldCells(reflect.ValueOf(c.Parameters), params)...)
			row = append(row, fieldCells(reflect.ValueOf(c.Summary), sums)...)
			row = append(row, c.SoftwareVersion, stamp(c.CreatedAt))
			if !pairs {
				emit(row...)
				continue
			}
			for i := range c.Pairs {
				emit(append(append([]string(nil), row...), c.Pairs[i].CSVRow()...)...)
			}
		}
	})
}

// writeCSV writes the header and the rows that fill emits to w as CSV and
// returns the first write error.
func writeCSV(w io.Writer, header []string, fill func(row func(cells ...string))) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	fill(func(cells ...string) { cw.Write(cells) })
	cw.Flush()
	return cw.Error()
}

// fieldCells formats the fields cols of struct v for CSV (batch.Cell):
// numbers at full precision (empty for null), booleans as true/false.
func fieldCells(v reflect.Value, cols []ferrule.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = batch.Cell(v.FieldByIndex(c.Index))
	}
	return out
}
