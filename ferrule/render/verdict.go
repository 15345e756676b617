package render

import (
	"math"
	"strings"

	"github.com/mtgeo/mtgeo/ferrule"
)

// verdict is the grading outcome of one thing.
type verdict int

const (
	notGraded verdict = iota
	passed
	marginal // a guard-banded check neither passed nor failed (SPEC §11)
	failed
)

func (v verdict) String() string {
	switch v {
	case passed:
		return "pass"
	case marginal:
		return "marginal"
	case failed:
		return "fail"
	}
	return "not graded"
}

// baseName strips the section qualifier a profile may put on a limit
// ("fibers[].height_nm", "fiber.height_nm", "ferrule.fit_rms_nm").
func baseName(name string) string {
	for _, p := range []string{"fibers[].", "fibers.", "fiber.", "ferrule.", "summary."} {
		if strings.HasPrefix(name, p) {
			return name[len(p):]
		}
	}
	return name
}

// section is the report section a check's name belongs to: "fibers" for a
// per-fiber check, else "ferrule" or "summary" when qualified, else "".
func section(c *ferrule.Check) string {
	if c.Fiber != nil {
		return "fibers"
	}
	for _, s := range []string{"ferrule", "summary"} {
		if strings.HasPrefix(c.Name, s+".") {
			return s
		}
	}
	return ""
}

// fiberVerdicts returns the verdict of every fiber of rep, in the order of
// rep.Fibers: failed when a check of that fiber fails or, with a grade,
// when the fiber was not measured; marginal when one is marginal and none
// fails.
func fiberVerdicts(rep *ferrule.Report) []verdict {
	out := make([]verdict, len(rep.Fibers))
	if rep.Grade == nil {
		return out
	}
	pos := make(map[int]int, len(rep.Fibers))
	for i := range rep.Fibers {
		pos[rep.Fibers[i].Index] = i
		out[i] = passed
		if !rep.Fibers[i].Measured() {
			out[i] = failed
		}
	}
	for _, c := range rep.Grade.Checks {
		if c.Fiber == nil || c.Pass {
			continue
		}
		if i, ok := pos[*c.Fiber]; ok {
			v := failed
			if c.Marginal {
				v = marginal
			}
			out[i] = max(out[i], v)
		}
	}
	return out
}

// limits returns the min and max (NaN when open) of the first check of g
// with the given base name and, if perFiber, a fiber; ok is false when g
// has none.
func limits(g *ferrule.Grade, name string, perFiber bool) (lo, hi float64, ok bool) {
	if g == nil {
		return math.NaN(), math.NaN(), false
	}
	for _, c := range g.Checks {
		if baseName(c.Name) == name && (c.Fiber != nil) == perFiber {
			return float64(c.Min), float64(c.Max), true
		}
	}
	return math.NaN(), math.NaN(), false
}

// failedChecks counts the failed checks of g.
func failedChecks(g *ferrule.Grade) int {
	n := 0
	for _, c := range g.Checks {
		if !c.Pass && !c.Marginal {
			n++
		}
	}
	return n
}

// marginalChecks counts the marginal checks of g.
func marginalChecks(g *ferrule.Grade) int {
	n := 0
	for _, c := range g.Checks {
		if c.Marginal {
			n++
		}
	}
	return n
}

// layoutOf returns opts' layout, else the built-in one rep names, else nil.
func layoutOf(rep *ferrule.Report, l *ferrule.Layout) *ferrule.Layout {
	if l != nil {
		return l
	}
	if b, err := ferrule.LayoutByName(rep.Layout); err == nil {
		return &b
	}
	return nil
}
