package batch

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/mtgeo/mtgeo/ferrule"
)

// Summary is the outcome of a batch: counts, yield, failures by check and
// statistics per parameter. Written as summary.json.
type Summary struct {
	// Count is the number of files; Analysed of those with a report,
	// Errors of those without.
	Count    int `json:"count"`
	Analysed int `json:"analysed"`
	Errors   int `json:"errors"`
	// Skipped counts the paths met in folders and not taken (skipped.csv),
	// SkippedReasons counts them by reason, most first; neither is in
	// Count.
	Skipped        int           `json:"skipped"`
	SkippedReasons []ReasonCount `json:"skipped_reasons"`
	// Graded, Passed, Marginal and Failed count the graded reports: a
	// marginal one (a guard-banded grade with a marginal check and no failed
	// one, SPEC §11) is neither passed nor failed.
	Graded   int `json:"graded"`
	Passed   int `json:"passed"`
	Marginal int `json:"marginal"`
	Failed   int `json:"failed"`
	// Yield is Passed/Count, YieldAnalysed Passed/Analysed; null when
	// nothing was graded.
	Yield         ferrule.Num `json:"yield"`
	YieldAnalysed ferrule.Num `json:"yield_analysed"`
	// Layouts counts the analysed files per layout.
	Layouts map[string]int `json:"layouts"`
	// Profiles lists the profiles that graded the reports, sorted.
	Profiles []string `json:"profiles"`
	// LimitsProfile names the profile whose limits the Cpk values use;
	// empty when none.
	LimitsProfile string `json:"limits_profile"`
	// Failures counts failed checks by name, most files first.
	Failures []CheckFailures `json:"failures"`
	// ErrorFiles lists the files that were not analysed, in input order.
	ErrorFiles []FailedFile `json:"error_files"`
	// Parameters are the statistics of every gradable report field.
	Parameters []Stats `json:"parameters"`
	// Pairs sums up the mated pairs of --mate-pairs (pairs.go).
	Pairs *PairSummary `json:"pairs,omitempty"`
}

// CheckFailures counts the failures of one check.
type CheckFailures struct {
	Check string `json:"check"`
	// Files failing the check at least once.
	Files int `json:"files"`
	// Checks failed (a per-fiber check counts once per fiber).
	Checks int `json:"checks"`
}

// FailedFile is a file that could not be read or analysed, with the reason,
// as summary.json lists it (a record, not an error value: see Result.Err).
type FailedFile struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// Stats are the statistics of one parameter over the analysed files.
type Stats struct {
	// Name is the field as a profile limit names it (SPEC §7).
	Name string `json:"name"`
	// Section is "ferrule", "summary" or "fibers" (pooled over fibers).
	Section string `json:"section"`
	// Unit is the field's unit (ferrule.Unit).
	Unit string      `json:"unit"`
	N    int         `json:"n"`
	Mean ferrule.Num `json:"mean"`
	// Std is the sample standard deviation (n − 1 in the denominator).
	Std ferrule.Num `json:"std"`
	Min ferrule.Num `json:"min"`
	Max ferrule.Num `json:"max"`
	// LSL and USL are the profile's limits, null when open.
	LSL ferrule.Num `json:"lsl"`
	USL ferrule.Num `json:"usl"`
	// Cpk is min(USL − µ, µ − LSL)/(3σ) over the limits there are; null
	// without limits, with n < 2 or σ = 0.
	Cpk ferrule.Num `json:"cpk"`
}

// param is one report field and its running statistics (Welford).
type param struct {
	ferrule.Field
	n        int
	mean, m2 float64
	min, max float64
}

// add counts the value x, unless it is not measured or flat (infinite).
func (p *param) add(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return
	}
	p.n++
	if p.n == 1 {
		p.min, p.max = x, x
	}
	p.min, p.max = math.Min(p.min, x), math.Max(p.max, x)
	d := x - p.mean
	p.mean += d / float64(p.n)
	p.m2 += d * (x - p.mean)
}

// Summarizer accumulates a Summary one result at a time, so a batch of any
// size can be summarised without holding its reports. Results must be
// added in the same order for the same Summary to the last bit.
type Summarizer struct {
	s        Summary
	skipped  map[string]int // by reason
	profiles map[string]bool
	failures map[string]*CheckFailures
	params   []param
}

// NewSummarizer returns an empty Summarizer.
func NewSummarizer() *Summarizer {
	z := &Summarizer{skipped: map[string]int{}, profiles: map[string]bool{}, failures: map[string]*CheckFailures{}}
	z.s.Layouts = map[string]int{}
	for _, f := range ferrule.Fields() {
		z.params = append(z.params, param{Field: f})
	}
	return z
}

// AddSkipped counts one skipped path.
func (z *Summarizer) AddSkipped(s Skip) {
	z.s.Skipped++
	z.skipped[s.Reason]++
}

// Add counts one result.
func (z *Summarizer) Add(r Result) {
	s := &z.s
	s.Count++
	if !r.OK() {
		s.Errors++
		msg := "no report"
		if r.Err != nil {
			msg = r.Err.Error()
		}
		s.ErrorFiles = append(s.ErrorFiles, FailedFile{File: r.File, Error: msg})
		return
	}
	rep := r.Report
	s.Analysed++
	s.Layouts[rep.Layout]++
	if g := rep.Grade; g != nil {
		s.Graded++
		z.profiles[g.Profile] = true
		switch {
		case g.Pass:
			s.Passed++
		case g.Marginal:
			s.Marginal++
		default:
			s.Failed++
		}
		seen := map[string]bool{}
		for _, c := range g.Checks {
			if c.Pass || c.Marginal {
				continue
			}
			cf := z.failures[c.Name]
			if cf == nil {
				cf = &CheckFailures{Check: c.Name}
				z.failures[c.Name] = cf
			}
			cf.Checks++
			if !seen[c.Name] {
				seen[c.Name] = true
				cf.Files++
			}
		}
	}
	for i := range z.params {
		p := &z.params[i]
		if p.Section != "fibers" {
			p.add(p.Value(rep, -1))
			continue
		}
		for j := range rep.Fibers { // an unmeasured fiber's values are NaN
			p.add(p.Value(rep, j))
		}
	}
}

// Summary returns the summary of the results added so far, with Cpk
// against prof's limits. When prof is nil, the limits are those of the
// built-in profile that graded every graded result, if there is exactly
// one; otherwise there are none and Cpk is null.
func (z *Summarizer) Summary(prof *ferrule.Profile) *Summary {
	s := z.s // copy; slices and maps are rebuilt below
	s.Layouts = map[string]int{}
	for k, v := range z.s.Layouts {
		s.Layouts[k] = v
	}
	s.ErrorFiles = append([]FailedFile{}, z.s.ErrorFiles...)
	s.SkippedReasons = countReasons(z.skipped)
	s.Profiles = []string{}
	for p := range z.profiles {
		s.Profiles = append(s.Profiles, p)
	}
	sort.Strings(s.Profiles)
	if prof == nil && len(s.Profiles) == 1 {
		for _, p := range ferrule.Profiles() {
			if p.Name == s.Profiles[0] {
				prof = p
			}
		}
	}
	if prof != nil {
		s.LimitsProfile = prof.Name
	}
	s.Yield, s.YieldAnalysed = nan, nan
	if s.Graded > 0 {
		s.Yield = ferrule.Num(float64(s.Passed) / float64(s.Count))
		s.YieldAnalysed = ferrule.Num(float64(s.Passed) / float64(s.Analysed))
	}
	s.Failures = []CheckFailures{}
	for _, cf := range z.failures {
		s.Failures = append(s.Failures, *cf)
	}
	sort.Slice(s.Failures, func(i, j int) bool {
		a, b := s.Failures[i], s.Failures[j]
		if a.Files != b.Files {
			return a.Files > b.Files
		}
		if a.Checks != b.Checks {
			return a.Checks > b.Checks
		}
		return a.Check < b.Check
	})
	s.Parameters = make([]Stats, len(z.params))
	for i, p := range z.params {
		st := Stats{Name: p.Name, Section: p.Section, Unit: p.Unit, N: p.n, Mean: nan, Std: nan, Min: nan, Max: nan, LSL: nan, USL: nan, Cpk: nan}
		if p.n > 0 {
			st.Mean, st.Min, st.Max = ferrule.Num(p.mean), ferrule.Num(p.min), ferrule.Num(p.max)
		}
		if p.n > 1 {
			st.Std = ferrule.Num(math.Sqrt(p.m2 / float64(p.n-1)))
		}
		if prof != nil {
			lsl, usl := prof.LimitsOf(p.Field)
			st.LSL, st.USL = ferrule.Num(lsl), ferrule.Num(usl)
		}
		st.Cpk = ferrule.Num(Cpk(float64(st.Mean), float64(st.Std), float64(st.LSL), float64(st.USL)))
		s.Parameters[i] = st
	}
	return &s
}

var nan = ferrule.Num(math.NaN())

// Cpk returns the process capability index of a process of mean mu and
// standard deviation sigma against the limits lsl and usl (NaN for an open
// limit): min(usl − mu, mu − lsl)/(3·sigma) over the limits given. It
// returns NaN without a limit, or when sigma is not positive or either of
// mu and sigma is NaN.
func Cpk(mu, sigma, lsl, usl float64) float64 {
	if !(sigma > 0) || math.IsNaN(mu) || math.IsInf(sigma, 0) {
		return math.NaN()
	}
	c := math.Inf(1)
	if !math.IsNaN(usl) {
		c = math.Min(c, (usl-mu)/(3*sigma))
	}
	if !math.IsNaN(lsl) {
		c = math.Min(c, (mu-lsl)/(3*sigma))
	}
	if math.IsInf(c, 1) {
		return math.NaN()
	}
	return c
}

// Summarize returns the Summary of results, with Cpk against prof's limits
// (see Summarizer.Summary for a nil prof).
func Summarize(results []Result, prof *ferrule.Profile) *Summary {
	z := NewSummarizer()
	for _, r := range results {
		z.Add(r)
	}
	return z.Summary(prof)
}

// WriteText writes s as the text of summary.txt: counts and yield,
// failures by check, the files in error and the parameter table, then the
// connectors' summary where there is one (PairSummary.WriteText).
func (s *Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	pct := func(n ferrule.Num) string {
		if !n.Valid() {
			return "–"
		}
		return fmt.Sprintf("%.1f %%", 100*float64(n))
	}
	fmt.Fprintf(&b, "files     %d\nanalysed  %d\nerrors    %d\n", s.Count, s.Analysed, s.Errors)
	fmt.Fprintf(&b, "%s\n", skipLine(s.Skipped, s.SkippedReasons))
	if s.Graded > 0 {
		fmt.Fprintf(&b, "graded    %d (%s)\npassed    %d\n", s.Graded, strings.Join(s.Profiles, ", "), s.Passed)
		if s.Marginal > 0 {
			fmt.Fprintf(&b, "marginal  %d\n", s.Marginal)
		}
		fmt.Fprintf(&b, "failed    %d\n", s.Failed)
	} else {
		b.WriteString("graded    0 (no spec profile)\n")
	}
	fmt.Fprintf(&b, "yield     %s of files, %s of analysed\n", pct(s.Yield), pct(s.YieldAnalysed))
	if len(s.Layouts) > 0 {
		var ls []string
		for l, n := range s.Layouts {
			ls = append(ls, fmt.Sprintf("%s %d", l, n))
		}
		sort.Strings(ls)
		fmt.Fprintf(&b, "layouts   %s\n", strings.Join(ls, ", "))
	}
	if len(s.Failures) > 0 {
		b.WriteString("\nfailures by check:\n")
		w := len("check")
		for _, f := range s.Failures {
			w = max(w, len(f.Check))
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "  %-*s\tfiles\tchecks\t\n", w, "check")
		for _, f := range s.Failures {
			fmt.Fprintf(tw, "  %-*s\t%d\t%d\t\n", w, f.Check, f.Files, f.Checks)
		}
		tw.Flush()
	}
	if len(s.ErrorFiles) > 0 {
		b.WriteString("\nnot analysed:\n")
		for _, e := range s.ErrorFiles {
			// The error usually starts with the file name already.
			msg := e.Error
			if !strings.HasPrefix(msg, e.File) {
				msg = e.File + ": " + msg
			}
			fmt.Fprintf(&b, "  %s\n", msg)
		}
	}
	if s.Analysed > 0 {
		lim := ""
		if s.LimitsProfile != "" {
			lim = " (limits of " + s.LimitsProfile + ")"
		}
		fmt.Fprintf(&b, "\nparameters%s:\n", lim)
		w := len("parameter")
		for _, p := range s.Parameters {
			w = max(w, len(p.Name))
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "  %-*s\tn\tmean\tσ\tmin\tmax\tLSL\tUSL\tCpk\t\n", w, "parameter")
		for _, p := range s.Parameters {
			if p.N == 0 && !p.LSL.Valid() && !p.USL.Valid() {
				continue
			}
			fmt.Fprintf(tw, "  %-*s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", w, p.Name, p.N, g4(p.Mean), g4(p.Std), g4(p.Min), g4(p.Max),
				g4(p.LSL), g4(p.USL), f2(p.Cpk))
		}
		tw.Flush()
	}
	// Paths and errors may hold bytes of file names that are not UTF-8.
	if _, err := io.WriteString(w, readable(b.String())); err != nil || s.Pairs == nil {
		return err
	}
	return s.Pairs.WriteText(w)
}

func g4(n ferrule.Num) string {
	if !n.Valid() {
		return "–"
	}
	return fmt.Sprintf("%.4g", float64(n))
}

func f2(n ferrule.Num) string { return ferrule.FormatFixed(n, 2) }
