package geometry

import "strings"

// LengthUnit returns the length of one unit named s in µm, and false if s
// is not a length: "m" with an optional SI prefix (micro written u, µ or μ)
// or Ångström. Gwyddion spells units this way (gwy_si_unit_new_parse).
func LengthUnit(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "\u00c5", "\u212b", "Angstrom", "angstrom": // Å as Latin letter and as Ångström sign
		return 1e-4, true
	}
	prefix, ok := strings.CutSuffix(s, "m")
	if !ok {
		return 0, false
	}
	switch prefix {
	case "":
		return 1e6, true
	case "k":
		return 1e9, true
	case "d":
		return 1e5, true
	case "c":
		return 1e4, true
	case "m":
		return 1e3, true
	case "u", "\u00b5", "\u03bc": // ASCII u, micro sign µ, Greek mu μ
		return 1, true
	case "n":
		return 1e-3, true
	case "p":
		return 1e-6, true
	case "f":
		return 1e-9, true
	}
	return 0, false
}
