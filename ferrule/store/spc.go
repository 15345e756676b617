package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
)

// Param is a report number that queries follow: a gradable field as a
// profile names it (ferrule.Fields).
type Param struct {
	ferrule.Field
}

// PerFiber reports whether the parameter has one value per fiber.
func (p Param) PerFiber() bool { return p.Section == "fibers" }

// LookupParam finds the report field a profile would call name:
// "height_nm", "x_angle_deg", "ferrule.fit_rms_nm" ("fiber." and
// "fibers[]." name the fibers section too).
func LookupParam(name string) (Param, error) {
	f, err := ferrule.LookupField(name)
	if err != nil {
		return Param{}, fmt.Errorf("store: %q names no report parameter: %w", name, err)
	}
	return Param{f}, nil
}

// Point is one value of a parameter.
type Point struct {
	MeasurementID int64     `json:"measurement_id"`
	MeasuredAt    time.Time `json:"measured_at"`
	File          string    `json:"file"`
	Lot           string    `json:"lot"`
	Station       string    `json:"station"`
	Operator      string    `json:"operator"`
	Serial        string    `json:"serial"`
	Value         float64   `json:"value"`
}

// Limits are a parameter's specification limits; NaN where open.
type Limits struct {
	LSL ferrule.Num `json:"lsl"`
	USL ferrule.Num `json:"usl"`
}

// NoLimits are open on both sides.
var NoLimits = Limits{LSL: ferrule.Num(math.NaN()), USL: ferrule.Num(math.NaN())}

// LimitsOf returns the profile's limits of p (NoLimits when it has none).
func LimitsOf(prof *ferrule.Profile, p Param) Limits {
	lsl, usl := prof.LimitsOf(p.Field)
	return Limits{LSL: ferrule.Num(lsl), USL: ferrule.Num(usl)}
}

// Series is a parameter's values in time order: one series for a ferrule
// or summary field, one per fiber position for a fiber field (Fiber is
// the fiber's index, 0 for the others), as AQDEF has one characteristic
// per fiber: fibers are not pooled.
type Series struct {
	Param  string  `json:"param"`
	Fiber  int     `json:"fiber,omitempty"`
	Limits Limits  `json:"limits"`
	Points []Point `json:"points"`
}

// Name is the series' name: the parameter, and the fiber ("height_nm
// fiber 3").
func (s Series) Name() string {
	if s.Fiber > 0 {
		return fmt.Sprintf("%s fiber %d", s.Param, s.Fiber)
	}
	return s.Param
}

// Name is the capability's series name, as Series.Name.
func (c Capability) Name() string { return Series{Param: c.Param, Fiber: c.Fiber}.Name() }

// Trend returns the values of a parameter over the measurements q
// selects, in time order (measured_at, then id), with limits: the given
// ones, or when nil those the profile that graded the latest of them
// applied (from the checks table; NoLimits if none was graded on it).
// q.Fiber keeps one fiber of a fiber field. Values not measured, and radii
// reported flat, are left out; so are measurements that could not be
// analysed.
func (s *Store) Trend(ctx context.Context, param string, q Query, limits *Limits) ([]Series, error) {
	p, err := LookupParam(param)
	if err != nil {
		return nil, err
	}
	value, from := `0, m.`+quote(p.Key), ` FROM measurements m`
	conds := []string{`m.` + quote(p.Key) + ` IS NOT NULL`}
	if p.PerFiber() {
		value, from = `f."index", f.`+quote(p.Key), ` FROM measurements m JOIN fibers f ON f."measurement_id" = m."id"`
		conds = []string{`f.` + quote(p.Key) + ` IS NOT NULL`}
		if q.Fiber > 0 {
			conds = append(conds, fmt.Sprintf(`f."index" = %d`, q.Fiber))
		}
	}
	where, args := s.whereOf(q, "m", conds...)
	text := `SELECT m."id", m."measured_at", m."file", m."lot", m."station", m."operator", m."serial", ` + value + from + where +
		` ORDER BY m."measured_at", m."id"`
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(text), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: trend of %s: %w", s.name, p.Name, err)
	}
	defer rows.Close()
	byFiber := map[int]*Series{}
	for rows.Next() {
		var pt Point
		var at timeScan
		var lot, station, operator, serial sql.NullString
		var fiber int
		if err := rows.Scan(&pt.MeasurementID, &at, &pt.File, &lot, &station, &operator, &serial, &fiber, &pt.Value); err != nil {
			return nil, fmt.Errorf("store: %s: trend of %s: %w", s.name, p.Name, err)
		}
		if math.IsInf(pt.Value, 0) || math.IsNaN(pt.Value) {
			continue // flat radius
		}
		pt.MeasuredAt, pt.Lot, pt.Station, pt.Operator, pt.Serial = at.t, lot.String, station.String, operator.String, serial.String
		sr := byFiber[fiber]
		if sr == nil {
			sr = &Series{Param: p.Name, Fiber: fiber}
			byFiber[fiber] = sr
		}
		sr.Points = append(sr.Points, pt)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: trend of %s: %w", s.name, p.Name, err)
	}
	var lim Limits
	if limits != nil {
		lim = *limits
	} else if lim, err = s.storedLimits(ctx, p, q); err != nil {
		return nil, err
	}
	out := make([]Series, 0, len(byFiber))
	for _, sr := range byFiber {
		sr.Limits = lim
		out = append(out, *sr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Fiber < out[j].Fiber })
	return out, nil
}

// storedLimits are the limits of the latest check of p in the selection.
func (s *Store) storedLimits(ctx context.Context, p Param, q Query) (Limits, error) {
	where, args := s.whereOf(q, "m", `c."name" = ?`)
	var lo, hi sql.NullFloat64
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT c."min", c."max" FROM checks c JOIN measurements m ON m."id" = c."measurement_id"`+
		where+` ORDER BY m."measured_at" DESC, m."id" DESC LIMIT 1`), append(args, p.Name)...).Scan(&lo, &hi)
	if errors.Is(err, sql.ErrNoRows) {
		return NoLimits, nil
	}
	if err != nil {
		return NoLimits, fmt.Errorf("store: %s: limits of %s: %w", s.name, p.Name, err)
	}
	l := NoLimits
	if lo.Valid {
		l.LSL = ferrule.Num(lo.Float64)
	}
	if hi.Valid {
		l.USL = ferrule.Num(hi.Float64)
	}
	return l, nil
}

// d2 is the bias constant of the moving range of two: E[MR] = d2·σ.
const d2 = 1.128

// Capability is the process capability of one series (SPEC §13).
type Capability struct {
	Param string      `json:"param"`
	Fiber int         `json:"fiber,omitempty"`
	N     int         `json:"n"`
	Mean  ferrule.Num `json:"mean"`
	// SigmaWithin is MR̄/1.128, the average moving range of consecutive
	// values in time order over d2; SigmaOverall the sample standard
	// deviation (n − 1).
	SigmaWithin  ferrule.Num `json:"sigma_within"`
	SigmaOverall ferrule.Num `json:"sigma_overall"`
	Limits       Limits      `json:"limits"`
	// Cpk uses SigmaWithin, Ppk SigmaOverall: min(USL − µ, µ − LSL)/(3σ),
	// one-sided with one limit; null without limits, with fewer than two
	// values or a σ of 0.
	Cpk        ferrule.Num `json:"cpk"`
	Ppk        ferrule.Num `json:"ppk"`
	Violations []Violation `json:"violations"`
}

// Violation is a Western Electric rule broken on the individuals chart
// (centre line the mean, σ the within σ) at a point of the series.
type Violation struct {
	Rule          int       `json:"rule"`
	Description   string    `json:"description"`
	Index         int       `json:"index"` // of the point, 0-based, in time order
	MeasurementID int64     `json:"measurement_id"`
	MeasuredAt    time.Time `json:"measured_at"`
	Value         float64   `json:"value"`
}

// Rules are the four Western Electric zone rules checked, by number.
var Rules = [...]string{
	1: "one point beyond 3σ",
	2: "two of three consecutive points beyond 2σ on one side",
	3: "four of five consecutive points beyond 1σ on one side",
	4: "eight consecutive points on one side of the centre line",
}

// Capable computes the capability of a series against its limits.
func Capable(sr Series) Capability {
	c := Capability{Param: sr.Param, Fiber: sr.Fiber, N: len(sr.Points), Limits: sr.Limits, Violations: []Violation{}}
	nan := ferrule.Num(math.NaN())
	c.Mean, c.SigmaWithin, c.SigmaOverall, c.Cpk, c.Ppk = nan, nan, nan, nan, nan
	n := len(sr.Points)
	if n == 0 {
		return c
	}
	x := make([]float64, n)
	for i, p := range sr.Points {
		x[i] = p.Value
	}
	d := batch.Distribute(x)
	mean, so := float64(d.Mean), float64(d.SD)
	c.Mean = d.Mean
	if n < 2 {
		return c
	}
	var mr float64
	for i := 1; i < n; i++ {
		mr += math.Abs(x[i] - x[i-1])
	}
	sw := mr / float64(n-1) / d2
	c.SigmaOverall, c.SigmaWithin = ferrule.Num(so), ferrule.Num(sw)
	lsl, usl := float64(sr.Limits.LSL), float64(sr.Limits.USL)
	c.Cpk = ferrule.Num(batch.Cpk(mean, sw, lsl, usl))
	c.Ppk = ferrule.Num(batch.Cpk(mean, so, lsl, usl))
	for _, v := range westernElectric(x, mean, sw) {
		p := sr.Points[v.Index]
		v.MeasurementID, v.MeasuredAt, v.Value = p.MeasurementID, p.MeasuredAt, p.Value
		c.Violations = append(c.Violations, v)
	}
	return c
}

// westernElectric returns the points at which rules 1–4 are broken: a
// point is flagged for a rule when it ends a run that breaks the rule and
// is itself one of the run's offending points (as Minitab's tests flag
// points); at the start of the series the window is what there is (the
// first two points both beyond 2σ break rule 2). With sigma 0 (or NaN)
// nothing is flagged.
func westernElectric(x []float64, centre, sigma float64) []Violation {
	var out []Violation
	if !(sigma > 0) {
		return out
	}
	z := make([]float64, len(x))
	for i, v := range x {
		z[i] = (v - centre) / sigma
	}
	flag := func(rule, i int) { out = append(out, Violation{Rule: rule, Description: Rules[rule], Index: i}) }
	// beyond counts the points of z[i-w+1..i] beyond k on the side of sign.
	beyond := func(i, w int, k, sign float64) int {
		n := 0
		for j := max(0, i-w+1); j <= i; j++ {
			if sign*z[j] > k {
				n++
			}
		}
		return n
	}
	run := 0 // signed length of the current run on one side of the centre
	for i, v := range z {
		if math.Abs(v) > 3 {
			flag(1, i)
		}
		for _, sign := range []float64{1, -1} {
			if sign*v > 2 && beyond(i, 3, 2, sign) >= 2 {
				flag(2, i)
			}
			if sign*v > 1 && beyond(i, 5, 1, sign) >= 4 {
				flag(3, i)
			}
		}
		switch {
		case v > 0 && run >= 0:
			run++
		case v > 0:
			run = 1
		case v < 0 && run <= 0:
			run--
		case v < 0:
			run = -1
		default:
			run = 0 // on the centre line: no side
		}
		if run >= 8 || run <= -8 {
			flag(4, i)
		}
	}
	return out
}

// SPC returns the capability of a parameter over the selection, per
// series (per fiber for a fiber field), against limits: the given ones,
// or when nil those of the stored checks (as Trend).
func (s *Store) SPC(ctx context.Context, param string, q Query, limits *Limits) ([]Capability, error) {
	series, err := s.Trend(ctx, param, q, limits)
	if err != nil {
		return nil, err
	}
	out := make([]Capability, len(series))
	for i, sr := range series {
		out[i] = Capable(sr)
	}
	return out, nil
}

// LotStats is a series' values of one lot.
type LotStats struct {
	Lot   string      `json:"lot"`
	N     int         `json:"n"`
	Mean  ferrule.Num `json:"mean"`
	Sigma ferrule.Num `json:"sigma"` // sample σ (n − 1); null for one value
	Min   ferrule.Num `json:"min"`
	Max   ferrule.Num `json:"max"`
	First time.Time   `json:"first"`
	Last  time.Time   `json:"last"`
}

// ByLot is the trend of a series over lots: its values grouped by lot,
// the lots in the order of their first value.
func ByLot(sr Series) []LotStats {
	var out []LotStats
	at := map[string]int{}
	var vals [][]float64 // by lot, as out
	for _, p := range sr.Points {
		i, ok := at[p.Lot]
		if !ok {
			i = len(out)
			at[p.Lot] = i
			out = append(out, LotStats{Lot: p.Lot, First: p.MeasuredAt})
			vals = append(vals, nil)
		}
		out[i].Last = p.MeasuredAt
		vals[i] = append(vals[i], p.Value)
	}
	for i := range out {
		d := batch.Distribute(vals[i])
		out[i].N, out[i].Mean, out[i].Sigma, out[i].Min, out[i].Max = d.N, d.Mean, d.SD, d.Min, d.Max
	}
	return out
}
