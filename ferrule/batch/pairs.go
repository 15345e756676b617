package batch

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/mate"
)

// A lot as mated pairs (SPEC §10; mtgeo batch --mate-pairs): a CSV names
// the connectors, each file is analysed once however many pairs it is in,
// and every pair's prediction goes to pairs.csv and the summary.

// PairsFile is the table of fiber pairs in the output folder.
const PairsFile = "pairs.csv"

// FilePair is one connector of a pairs CSV: the files of parts A and B.
type FilePair struct {
	A, B string
	// Line is the pair's line in the CSV (1-based; the header is line 1).
	Line int
}

// ReadPairs reads a pairs CSV (ParsePairs), with paths relative to the
// CSV's folder.
func ReadPairs(path string) ([]FilePair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	defer f.Close()
	return ParsePairs(f, path)
}

// ParsePairs reads the pairs CSV named name from r: a header row with the
// columns a and b (in any order, case ignored; other columns are ignored),
// then one row per connector. A relative path is taken relative to name's
// folder. An empty cell, a missing column or a malformed row is an error
// naming the file and line.
func ParsePairs(r io.Reader, name string) ([]FilePair, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("batch: %s line %d: %s", name, line, fmt.Sprintf(format, args...))
	}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("batch: %s is empty: it needs a header row with the columns a and b", name)
	}
	if err != nil {
		return nil, fmt.Errorf("batch: %s: %w", name, err)
	}
	ia, ib := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "a":
			if ia >= 0 {
				return nil, fail(1, "column a is named twice")
			}
			ia = i
		case "b":
			if ib >= 0 {
				return nil, fail(1, "column b is named twice")
			}
			ib = i
		}
	}
	if ia < 0 || ib < 0 {
		return nil, fail(1, "the header %q lacks the column a or b (a header row is required)", strings.Join(head, ","))
	}
	dir := filepath.Dir(name)
	resolve := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(dir, p)
	}
	var out []FilePair
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fail(pe.Line, "%v", pe.Err)
			}
			return nil, fmt.Errorf("batch: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) <= max(ia, ib) {
			return nil, fail(line, "%d cells, the columns a and b need %d", len(rec), max(ia, ib)+1)
		}
		a, b := strings.TrimSpace(rec[ia]), strings.TrimSpace(rec[ib])
		if a == "" || b == "" {
			return nil, fail(line, "a pair needs both files (a %q, b %q)", a, b)
		}
		out = append(out, FilePair{A: resolve(a), B: resolve(b), Line: line})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("batch: %s has a header but no pairs", name)
	}
	return out, nil
}

// PairFiles returns the files of the pairs, each once, in the order they
// first appear.
func PairFiles(pairs []FilePair) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range pairs {
		for _, f := range []string{p.A, p.B} {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// PairResult is one connector's prediction, or why there is none.
type PairResult struct {
	FilePair
	Result *mate.Result
	Err    error
}

// MatePairs predicts every pair from the results of its two files, looked
// up by path (lookup returns the Result of a file analysed, false for one
// not in the batch). A file that was not analysed, or parts that cannot be
// mated, make that pair's error; the others are still predicted.
func MatePairs(pairs []FilePair, lookup func(path string) (Result, bool), params mate.Params) []PairResult {
	out := make([]PairResult, len(pairs))
	for i, p := range pairs {
		out[i].FilePair = p
		var reps [2]*ferrule.Report
		for k, f := range []string{p.A, p.B} {
			r, ok := lookup(f)
			switch {
			case !ok:
				out[i].Err = fmt.Errorf("%s was not analysed", f)
			case r.Err != nil:
				out[i].Err = fmt.Errorf("%s could not be analysed: %w", f, r.Err)
			default:
				reps[k] = r.Report
			}
			if out[i].Err != nil {
				break
			}
		}
		if out[i].Err == nil {
			out[i].Result, out[i].Err = mate.Mate(reps[0], reps[1], params)
		}
	}
	return out
}

// PairSummary is the lot's connectors in the batch summary.
type PairSummary struct {
	// Connectors is the number of pairs in the CSV; Predicted of those
	// with a prediction, Errors of those without (ErrorPairs says why).
	Connectors int         `json:"connectors"`
	Predicted  int         `json:"predicted"`
	Errors     int         `json:"errors"`
	ErrorPairs []PairError `json:"error_pairs"`
	// FiberPairs counts the fiber pairs of the predicted connectors;
	// FibersInContact and OpenFiberPairs those in contact and open.
	FiberPairs      int `json:"fiber_pairs"`
	FibersInContact int `json:"fibers_in_contact"`
	OpenFiberPairs  int `json:"open_fiber_pairs"`
	// LargestGapNM is the largest gap of any fiber pair, nm.
	LargestGapNM ferrule.Num `json:"largest_gap_nm"`
	// ILDB is the distribution of the fiber pairs' predicted il_db;
	// ConnectorWorstILDB that of each connector's worst fiber.
	ILDB               Distribution `json:"il_db"`
	ConnectorWorstILDB Distribution `json:"connector_worst_il_db"`
	// Parameters are the model's, as used (null without a prediction).
	Parameters *mate.Parameters `json:"parameters"`
}

// PairError is a pair without a prediction.
type PairError struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Error string `json:"error"`
}

// Distribution summarises values: count, mean, sample σ, min, max and the
// 50th, 90th, 95th and 99th percentiles (linear interpolation between the
// order statistics at rank p·(n−1), NumPy's default); null without values.
type Distribution struct {
	N    int         `json:"n"`
	Mean ferrule.Num `json:"mean"`
	SD   ferrule.Num `json:"sd"`
	Min  ferrule.Num `json:"min"`
	Max  ferrule.Num `json:"max"`
	P50  ferrule.Num `json:"p50"`
	P90  ferrule.Num `json:"p90"`
	P95  ferrule.Num `json:"p95"`
	P99  ferrule.Num `json:"p99"`
}

// Distribute returns the Distribution of the finite values of v.
func Distribute(v []float64) Distribution {
	x := make([]float64, 0, len(v))
	for _, f := range v {
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			x = append(x, f)
		}
	}
	nan := ferrule.Num(math.NaN())
	d := Distribution{N: len(x), Mean: nan, SD: nan, Min: nan, Max: nan, P50: nan, P90: nan, P95: nan, P99: nan}
	if len(x) == 0 {
		return d
	}
	sort.Float64s(x)
	var sum float64
	for _, f := range x {
		sum += f
	}
	mean := sum / float64(len(x))
	d.Mean, d.Min, d.Max = ferrule.Num(mean), ferrule.Num(x[0]), ferrule.Num(x[len(x)-1])
	if len(x) > 1 {
		var ss float64
		for _, f := range x {
			ss += (f - mean) * (f - mean)
		}
		d.SD = ferrule.Num(math.Sqrt(ss / float64(len(x)-1)))
	}
	q := func(p float64) ferrule.Num {
		r := p * float64(len(x)-1)
		lo := int(math.Floor(r))
		if lo >= len(x)-1 {
			return ferrule.Num(x[len(x)-1])
		}
		return ferrule.Num(x[lo] + (r-float64(lo))*(x[lo+1]-x[lo]))
	}
	d.P50, d.P90, d.P95, d.P99 = q(0.5), q(0.9), q(0.95), q(0.99)
	return d
}

// SummarizePairs sums up the predictions.
func SummarizePairs(results []PairResult) *PairSummary {
	s := &PairSummary{Connectors: len(results), ErrorPairs: []PairError{}, LargestGapNM: ferrule.Num(math.NaN())}
	var il, worst []float64
	for _, r := range results {
		if r.Err != nil {
			s.Errors++
			s.ErrorPairs = append(s.ErrorPairs, PairError{A: r.A, B: r.B, Error: r.Err.Error()})
			continue
		}
		s.Predicted++
		if s.Parameters == nil {
			p := r.Result.Parameters
			s.Parameters = &p
		}
		for _, p := range r.Result.Pairs {
			s.FiberPairs++
			if p.InContact {
				s.FibersInContact++
			} else if p.GapNM.Valid() {
				s.OpenFiberPairs++
			}
			if p.GapNM.Valid() && !(s.LargestGapNM >= p.GapNM) {
				s.LargestGapNM = p.GapNM
			}
			il = append(il, float64(p.ILDB))
		}
		worst = append(worst, float64(r.Result.Summary.WorstILDB))
	}
	s.ILDB, s.ConnectorWorstILDB = Distribute(il), Distribute(worst)
	return s
}

// PairsColumns is the header of pairs.csv: the connector's files, its
// line in the pairs CSV, the pair fields (mate.CSVColumns) and the error
// of a connector without a prediction.
func PairsColumns() []string {
	return append(append([]string{"a", "b", "line"}, mate.CSVColumns()...), "error")
}

// WritePairs writes dir/pairs.csv, one row per fiber pair (one row with
// the error for a connector without a prediction), sets sum.Pairs and
// rewrites dir's summary.json and summary.txt (WriteTables's) with them
// (writeSummary).
func WritePairs(dir string, results []PairResult, sum *Summary) error {
	f, err := os.Create(filepath.Join(dir, PairsFile))
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	bw := bufio.NewWriter(f)
	cw := csv.NewWriter(bw)
	cw.Write(PairsColumns())
	empty := make([]string, len(mate.CSVColumns()))
	for _, r := range results {
		pre := []string{r.A, r.B, fmt.Sprint(r.Line)}
		if r.Err != nil {
			cw.Write(append(append(append([]string(nil), pre...), empty...), r.Err.Error()))
			continue
		}
		for i := range r.Result.Pairs {
			cw.Write(append(append(append([]string(nil), pre...), r.Result.Pairs[i].CSVRow()...), ""))
		}
	}
	cw.Flush()
	if err := errors.Join(cw.Error(), bw.Flush(), f.Close()); err != nil {
		return fmt.Errorf("batch: %s: %w", PairsFile, err)
	}
	sum.Pairs = SummarizePairs(results)
	return writeSummary(dir, sum)
}

// WriteText writes the pair summary for people.
func (s *PairSummary) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nmated pairs (predicted from the geometry, not measured): %d connectors, %d predicted, %d without a prediction\n", s.Connectors, s.Predicted, s.Errors)
	if s.FiberPairs > 0 {
		d := s.ILDB
		fmt.Fprintf(&b, "  fiber pairs %d: %d in contact, %d open, largest gap %s nm\n", s.FiberPairs, s.FibersInContact, s.OpenFiberPairs, f2(s.LargestGapNM))
		fmt.Fprintf(&b, "  il_db: n %d, mean %s, max %s, p50 %s, p90 %s, p95 %s, p99 %s\n", d.N, g4(d.Mean), g4(d.Max), g4(d.P50), g4(d.P90), g4(d.P95), g4(d.P99))
		c := s.ConnectorWorstILDB
		fmt.Fprintf(&b, "  worst il_db per connector: n %d, mean %s, max %s, p50 %s, p90 %s\n", c.N, g4(c.Mean), g4(c.Max), g4(c.P50), g4(c.P90))
	}
	for _, e := range s.ErrorPairs {
		fmt.Fprintf(&b, "  %s × %s: %s\n", e.A, e.B, e.Error)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
