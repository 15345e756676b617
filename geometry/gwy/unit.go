package gwy

import "strings"

// The unit spellings below are those of gwy_si_unit_parse and its helper
// fix_unit_name in Gwyddion 2.62 (libgwyddion/gwysiunit.c, Debian source
// package gwyddion 2.62-1), restricted to the ones that come out as the
// metre.

// siPrefixes are the SI prefixes Gwyddion splits off a unit symbol (its
// table SI_prefixes): µ as the micro sign U+00B5, the Greek mu U+03BC, ~,
// u and the Latin-1 byte 0xB5. Deci is not among them, so Gwyddion reads
// "dm" as a unit of its own.
var siPrefixes = []string{
	"k", "c", "m", "M", "\u00b5", "\u03bc", "~", "u", "\xb5", "G", "n",
	"T", "p", "P", "f", "E", "a", "Z", "z", "Y", "y",
}

// longPrefixes are the spelt-out prefixes Gwyddion accepts before a
// spelt-out unit name (its table long_pfxes), in any ASCII case.
var longPrefixes = []string{
	"atto", "giga", "kilo", "mega", "nano", "peta", "pico", "tera",
	"centi", "femto", "micro", "milli",
}

// isMetre reports whether Gwyddion reads the unit string u (already
// trimmed, not empty) as the metre, whatever power of ten it carries:
//
//   - the symbol "m", alone or after one of siPrefixes ("nm", "µm", "um");
//   - the Cyrillic "м", which Gwyddion maps to "m";
//   - Ångström: the Ångström sign U+212B (Gwyddion's own spelling), the
//     letter Å U+00C5, the Latin-1 byte 0xC5, "AA", "Ang" and "ang";
//   - "mum", "micron" and "microns", which Gwyddion maps to "µm";
//   - the names "metre" and "meter", in any ASCII case, with an optional
//     plural s and optionally after one of longPrefixes ("nanometres",
//     "Micrometer"), and "angstrom" likewise but without a prefix.
//
// Gwyddion also takes "m" with an explicit power of one ("m^1", "m1") or a
// leading multiplier ("1e-9 m") as the metre; such strings are not
// accepted here, so a channel carrying one is refused rather than misread.
// TestUnitSpellingsGwyddion checks these spellings against Gwyddion.
func isMetre(u string) bool {
	switch u {
	case "m", "\u043c", "\u212b", "\u00c5", "\xc5", "AA", "Ang", "ang", "mum", "micron", "microns":
		return true
	}
	for _, p := range siPrefixes {
		if rest, ok := strings.CutPrefix(u, p); ok && rest == "m" {
			return true
		}
	}
	name := strings.TrimSuffix(asciiLower(u), "s")
	if name == "angstrom" {
		return true
	}
	for _, p := range append([]string{""}, longPrefixes...) {
		if rest, ok := strings.CutPrefix(name, p); ok && (rest == "metre" || rest == "meter") {
			return true
		}
	}
	return false
}

// asciiLower returns s with its ASCII capitals in lower case, as
// g_ascii_strncasecmp compares; other bytes are kept.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
