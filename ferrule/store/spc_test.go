package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/stretchr/testify/require"
)

// variant returns a copy of the test report with the X angle x (degrees),
// fiber 3's height h3 (nm), regraded with iec-style-pc-12.
func variant(t testing.TB, x, h3 float64) *ferrule.Report {
	rep := *testResult(t).Report
	rep.Fibers = append([]ferrule.Fiber(nil), rep.Fibers...)
	rep.Ferrule.XAngleDeg = ferrule.Num(x)
	rep.Fibers[2].HeightNM = ferrule.Num(h3)
	prof, err := ferrule.LoadProfile("iec-style-pc-12")
	require.NoError(t, err)
	_, err = prof.Grade(&rep)
	require.NoError(t, err)
	return &rep
}

// seriesX are X angles alternating 0.01° and 0.03°: mean 0.02°, every
// moving range 0.02°, sample σ 0.01·√(10/9)°.
var seriesX = []float64{0.01, 0.03, 0.01, 0.03, 0.01, 0.03, 0.01, 0.03, 0.01, 0.03}

// saveSeries stores one measurement per value of seriesX (lot L1,
// station st1, a minute apart), fiber 3's height 2000 + 10·i nm.
func saveSeries(t *testing.T, s *Store) {
	for i, x := range seriesX {
		m := meta(1, i, t0)
		m.Operator, m.Serial = "op"+strconv.Itoa(i%2), fmt.Sprintf("SN%02d", i)
		_, _, err := s.Save(context.Background(), variant(t, x, 2000+10*float64(i)), m)
		require.NoError(t, err)
	}
}

// Trend and SPC of a ferrule field and of one fiber, against closed forms
// of the hand-made series: Cpk = min(USL − µ, µ − LSL)/(3·MR̄/1.128),
// Ppk the same with the sample σ.
func TestTrendAndSPC(t *testing.T) {
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		saveSeries(t, s)
		series, err := s.Trend(ctx, "x_angle_deg", Query{}, nil)
		require.NoError(t, err)
		require.Len(t, series, 1)
		require.Equal(t, -0.15, float64(series[0].Limits.LSL)) // iec-style-pc-12
		require.Equal(t, 0.15, float64(series[0].Limits.USL))
		require.Len(t, series[0].Points, len(seriesX))
		for i, p := range series[0].Points {
			require.Equal(t, seriesX[i], p.Value, "time order")
			require.Equal(t, fmt.Sprintf("SN%02d", i), p.Serial)
		}

		caps, err := s.SPC(ctx, "x_angle_deg", Query{Lot: "L1"}, nil)
		require.NoError(t, err)
		require.Len(t, caps, 1)
		c := caps[0]
		sw := 0.02 / 1.128               // MR̄/d2
		so := 0.01 * math.Sqrt(10.0/9.0) // Σ(x−µ)² = 10·0.01², over n−1 = 9
		require.Equal(t, len(seriesX), c.N)
		require.InDelta(t, 0.02, float64(c.Mean), 1e-12)
		require.InDelta(t, sw, float64(c.SigmaWithin), 1e-12)
		require.InDelta(t, so, float64(c.SigmaOverall), 1e-12)
		require.InDelta(t, 0.13/(3*sw), float64(c.Cpk), 1e-9) // USL − µ = 0.13 is the nearer limit
		require.InDelta(t, 0.13/(3*so), float64(c.Ppk), 1e-9)
		require.Empty(t, c.Violations)

		// A one-sided limit (max only) and no limit at all.
		one, err := s.SPC(ctx, "x_angle_deg", Query{}, &Limits{LSL: ferrule.Num(math.NaN()), USL: 0.05})
		require.NoError(t, err)
		require.InDelta(t, 0.03/(3*sw), float64(one[0].Cpk), 1e-9)
		none, err := s.SPC(ctx, "x_angle_deg", Query{}, &NoLimits)
		require.NoError(t, err)
		require.False(t, none[0].Cpk.Valid())

		// A fiber field: one series per fiber, or the fiber asked for.
		all, err := s.Trend(ctx, "height_nm", Query{}, nil)
		require.NoError(t, err)
		require.Len(t, all, 12)
		f3, err := s.Trend(ctx, "height_nm", Query{Fiber: 3}, nil)
		require.NoError(t, err)
		require.Len(t, f3, 1)
		require.Equal(t, 3, f3[0].Fiber)
		for i, p := range f3[0].Points {
			require.Equal(t, 2000+10*float64(i), p.Value)
		}
		require.Equal(t, 1000.0, float64(f3[0].Limits.LSL))

		_, err = s.Trend(ctx, "no_such_field", Query{}, nil)
		require.ErrorContains(t, err, "names no report parameter")
	})
}

// Lots count every measurement, failures included, and yield
// passed/count.
func TestLots(t *testing.T) {
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		save := func(i int, lot string, x float64) {
			m := meta(2, i, t0)
			m.Lot = lot
			_, _, err := s.Save(ctx, variant(t, x, 2000), m)
			require.NoError(t, err)
		}
		save(0, "A", 0.01)
		save(1, "A", 0.02)
		save(2, "A", 0.03)
		save(3, "A", 0.3) // beyond ±0.15°: failed
		m := meta(2, 4, t0)
		m.Lot = "A"
		_, _, err := s.SaveFailure(ctx, m, errors.New("truncated file"))
		require.NoError(t, err)
		save(5, "B", 0.0)
		save(6, "B", 0.01)
		ungraded := meta(2, 7, t0)
		ungraded.Lot = ""
		rep := *testResult(t).Report
		rep.Grade = nil
		_, _, err = s.Save(ctx, &rep, ungraded)
		require.NoError(t, err)

		lots, err := s.Lots(ctx, Query{})
		require.NoError(t, err)
		require.Len(t, lots, 3)
		a, b, none := lots[0], lots[1], lots[2]
		require.Equal(t, "A", a.Lot)
		require.Equal(t, 5, a.Count)
		require.Equal(t, 1, a.Errors)
		require.Equal(t, 4, a.Graded)
		require.Equal(t, 3, a.Passed)
		require.InDelta(t, 3.0/5, float64(a.Yield), 1e-15)
		require.True(t, a.First.Equal(t0))
		require.True(t, a.Last.Equal(t0.Add(4*time.Minute)))
		require.Equal(t, "B", b.Lot)
		require.InDelta(t, 1.0, float64(b.Yield), 1e-15)
		require.Equal(t, "", none.Lot)
		require.False(t, none.Yield.Valid(), "an ungraded lot has no yield")

		only, err := s.Lots(ctx, Query{Lot: "B"})
		require.NoError(t, err)
		require.Len(t, only, 1)

		shown, err := s.Show(ctx, "f003.x3p") // by the file's last element
		require.NoError(t, err)
		require.Len(t, shown, 1)
		require.NotEmpty(t, shown[0].Report)
	})
}

// The Western Electric rules, each on a hand-made run (centre 0, σ 1).
func TestWesternElectric(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		want [][2]int // rule, index
	}{
		{"in control", []float64{0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5}, nil},
		{"rule 1", []float64{0, 0.5, -0.5, 3.5, 0, -3.2}, [][2]int{{1, 3}, {1, 5}}},
		{"rule 2 high", []float64{0.1, -0.1, 2.5, 0.5, 2.2}, [][2]int{{2, 4}}},
		{"rule 2 low", []float64{-2.5, -2.1, 0.3}, [][2]int{{2, 1}}},
		{"rule 2 split sides", []float64{2.5, -2.5, 0.1}, nil},
		{"rule 3", []float64{1.5, 1.2, 0.5, 1.1, 1.3, -0.2}, [][2]int{{3, 4}}},
		{"rule 4", []float64{-0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -0.5}, [][2]int{{4, 8}}},
		{"rule 4 low, long", []float64{-0.2, -0.2, -0.2, -0.2, -0.2, -0.2, -0.2, -0.2, -0.2}, [][2]int{{4, 7}, {4, 8}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got [][2]int
			for _, v := range westernElectric(tc.x, 0, 1) {
				got = append(got, [2]int{v.Rule, v.Index})
			}
			require.Equal(t, tc.want, got)
		})
	}
	require.Empty(t, westernElectric([]float64{1, 1, 1}, 1, 0), "σ = 0: no zones")
}

// aqdefChar and aqdefValue are what an independent reader of AQDEF
// K-field files sees: characteristics by number, values with their
// K00xx attributes.
type aqdefChar struct {
	fields map[string]string
	values []map[string]string
}

// readAQDEF parses K-field lines "Kdddd[/i] value" (AQDEF 4.0): K1xxx and
// K2xxx describe part and characteristic i; a K0001/i starts a value of
// characteristic i and the K00xx/i lines after it belong to that value.
func readAQDEF(t *testing.T, b []byte) (total int, part map[string]string, chars map[int]*aqdefChar) {
	part, chars = map[string]string{}, map[int]*aqdefChar{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		require.Regexp(t, `^K\d{4}(/\d+)?$`, key, "line %q", line)
		k, idx, hasIdx := strings.Cut(key, "/")
		i := 0
		if hasIdx {
			var err error
			i, err = strconv.Atoi(idx)
			require.NoError(t, err)
		}
		switch {
		case k == "K0100":
			total, _ = strconv.Atoi(val)
		case k[1] == '1':
			part[k] = val
		case k[1] == '2':
			if chars[i] == nil {
				chars[i] = &aqdefChar{fields: map[string]string{}}
			}
			chars[i].fields[k] = val
		case k == "K0001":
			require.NotNil(t, chars[i], "value of undeclared characteristic %d", i)
			chars[i].values = append(chars[i].values, map[string]string{k: val})
		case k[1] == '0':
			c := chars[i]
			require.True(t, c != nil && len(c.values) > 0, "%s before its K0001", key)
			c.values[len(c.values)-1][k] = val
		}
	}
	require.NoError(t, sc.Err())
	return
}

// The AQDEF and CSV exports read back, by readers of their own, to the
// stored values, times, lots and limits.
func TestExport(t *testing.T) {
	forEngines(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		saveSeries(t, s)
		var buf bytes.Buffer
		require.NoError(t, s.ExportAQDEF(ctx, &buf, []string{"x_angle_deg", "height_nm"}, Query{}))
		total, part, chars := readAQDEF(t, buf.Bytes())
		require.Equal(t, 13, total) // x_angle_deg, and height_nm of 12 fibers
		require.Equal(t, "MT-12", part["K1001"])
		require.Len(t, chars, 13)
		x := chars[1]
		require.Equal(t, "x_angle_deg", x.fields["K2002"])
		require.Equal(t, "deg", x.fields["K2142"])
		require.Equal(t, "-0.15", x.fields["K2110"])
		require.Equal(t, "0.15", x.fields["K2111"])
		require.Len(t, x.values, len(seriesX))
		for i, v := range x.values {
			got, err := strconv.ParseFloat(v["K0001"], 64)
			require.NoError(t, err)
			require.Equal(t, seriesX[i], got)
			require.Equal(t, t0.Add(time.Duration(i)*time.Minute).Format("02.01.2006/15:04:05"), v["K0004"])
			require.Equal(t, "L1", v["K0006"])
			require.Equal(t, "op"+strconv.Itoa(i%2), v["K0008"])
			require.Equal(t, "st1", v["K0010"])
			require.Equal(t, fmt.Sprintf("SN%02d", i), v["K0014"])
		}
		f3 := chars[4] // height_nm fiber 3
		require.Equal(t, "height_nm fiber 3", f3.fields["K2002"])
		require.Equal(t, "1000", f3.fields["K2110"])
		require.Equal(t, "3500", f3.fields["K2111"])
		require.Equal(t, "2090", f3.values[9]["K0001"])

		// CSV: a row per value; default parameters are the graded ones.
		buf.Reset()
		require.NoError(t, s.ExportCSV(ctx, &buf, nil, Query{}))
		recs, err := csv.NewReader(&buf).ReadAll()
		require.NoError(t, err)
		header := recs[0]
		col := map[string]int{}
		for i, h := range header {
			col[h] = i
		}
		graded, err := s.GradedParams(ctx, Query{})
		require.NoError(t, err)
		require.Contains(t, graded, "x_angle_deg")
		var xs []float64
		for _, r := range recs[1:] {
			if r[col["parameter"]] == "x_angle_deg" {
				v, err := strconv.ParseFloat(r[col["value"]], 64)
				require.NoError(t, err)
				xs = append(xs, v)
				require.Equal(t, "0.15", r[col["usl"]])
				require.Equal(t, "", r[col["fiber"]])
			}
		}
		require.Equal(t, seriesX, xs)

		_, err = s.GradedParams(ctx, Query{Lot: "none"})
		require.NoError(t, err)
		require.ErrorContains(t, s.ExportCSV(ctx, &buf, nil, Query{Lot: "none"}), "no graded parameter")
	})
}

// The trend over lots: the hand-made series split into lots A (the first
// six values) and B (the last four); closed forms per lot.
func TestByLot(t *testing.T) {
	var sr Series
	for i, x := range seriesX {
		lot := "A"
		if i >= 6 {
			lot = "B"
		}
		sr.Points = append(sr.Points, Point{Lot: lot, Value: x, MeasuredAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	lots := ByLot(sr)
	require.Len(t, lots, 2)
	a, b := lots[0], lots[1]
	require.Equal(t, "A", a.Lot)
	require.Equal(t, 6, a.N)
	require.InDelta(t, 0.02, float64(a.Mean), 1e-12)                     // three 0.01 and three 0.03
	require.InDelta(t, 0.01*math.Sqrt(6.0/5.0), float64(a.Sigma), 1e-12) // Σ(x−µ)² = 6·0.01², n − 1 = 5
	require.Equal(t, 0.01, float64(a.Min))
	require.Equal(t, 0.03, float64(a.Max))
	require.True(t, a.First.Equal(t0) && a.Last.Equal(t0.Add(5*time.Minute)))
	require.Equal(t, 4, b.N)
	require.InDelta(t, 0.01*math.Sqrt(4.0/3.0), float64(b.Sigma), 1e-12)
	one := ByLot(Series{Points: []Point{{Lot: "C", Value: 1}}})
	require.False(t, one[0].Sigma.Valid())
}
