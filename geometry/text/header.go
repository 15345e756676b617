package text

import (
	"math"
	"strconv"
	"strings"
)

// headerKeys maps the keys of Gwyddion's "ASCII data matrix" export in the
// languages of its 2.62 message catalogue (asciiexport.c prints
// _("Channel:"), _("Width:"), _("Height:") and _("Value units:")) to the
// English keys, lower case. Older catalogues kept "Value units:" in
// English, as SurfaceTopography's gwyddion-export-german.txt shows.
var headerKeys = map[string]string{
	// cs, de, es, fr, it, ja, ko, pt_BR, ru
	"kanál": "channel", "kanal": "channel", "canal": "channel", "canale": "channel",
	"チャネル": "channel", "채널": "channel", "канал": "channel",
	"šířka": "width", "breite": "width", "anchura": "width", "largeur": "width",
	"larghezza": "width", "幅": "width", "폭": "width", "largura": "width", "ширина": "width",
	"výška": "height", "höhe": "height", "altura": "height", "hauteur": "height",
	"altezza": "height", "高さ": "height", "높이": "height", "высота": "height",
	"jednotky hodnot": "value units", "einheiten": "value units", "unités": "value units",
	"unità valore": "value units", "値の単位": "value units", "값 단위": "value units",
	"unidades de valor": "value units", "единицы измерения": "value units",
}

// headerField splits a '#' comment "key: value" (the colon may be the
// full-width '：' of the Japanese catalogue) into its key, lower case and
// translated to English by headerKeys, and value. ok is false without a
// colon.
func headerField(comment string) (key, value string, ok bool) {
	i := strings.IndexAny(comment, ":：")
	if i < 0 {
		return "", "", false
	}
	key = strings.ToLower(strings.TrimSpace(comment[:i]))
	value = strings.TrimSpace(strings.TrimLeft(comment[i:], ":："))
	if en, ok := headerKeys[key]; ok {
		key = en
	}
	return key, value, true
}

// Keys under which the Koala header is kept in a block's header map; the
// '=' in them keeps them apart from "key: value" comments.
const (
	koalaRows   = "=h"
	koalaCols   = "=w"
	koalaPixel  = "=pixel size"
	koalaUnit   = "=data unit"
	koalaFactor = "=height conversion factor"
	koalaTarget = "=height conversion unit"
)

// koalaSize parses the first line of a Lyncée Tec Koala "Float/Txt"
// export, "h=ROWS w=COLS".
func koalaSize(line string) (rows, cols string, ok bool) {
	f := strings.Fields(line)
	if len(f) != 2 {
		return "", "", false
	}
	rows, okH := strings.CutPrefix(f[0], "h=")
	cols, okW := strings.CutPrefix(f[1], "w=")
	isInt := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	return rows, cols, okH && okW && isInt(rows) && isInt(cols)
}

// koalaField parses one of the header lines that follow the size line:
// "pixel size=3.69862e-007 m", "data unit=rad" and
// "height conversion factor (-> m)=6.30079e-008". It returns the header
// map entries of the line; ok is false for any other line.
func koalaField(line string) (kv [][2]string, ok bool) {
	k, v, found := strings.Cut(strings.TrimSpace(line), "=")
	if !found {
		return nil, false
	}
	k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
	switch {
	case k == "pixel size":
		return [][2]string{{koalaPixel, v}}, true
	case k == "data unit":
		return [][2]string{{koalaUnit, v}}, true
	case strings.HasPrefix(k, "height conversion factor"):
		// The unit converted to is named in the key: "(-> m)".
		target := "m"
		if _, rest, ok := strings.Cut(k, "(->"); ok {
			target = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), ")"))
		}
		return [][2]string{{koalaFactor, v}, {koalaTarget, target}}, true
	}
	return nil, false
}

// koalaHeights returns µm per value of a block with a Koala header: the
// height conversion factor times its unit when the header gives one,
// else the data unit when it is a length.
func koalaHeights(hdr map[string]string) (float64, error) {
	if s, ok := hdr[koalaFactor]; ok {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, formatErr("header height conversion factor %q is not a non-zero number", trunc(s))
		}
		u, ok := unit(hdr[koalaTarget])
		if !ok {
			return 0, unsupportedErr("header height conversion factor: unit %q is not a length", trunc(hdr[koalaTarget]))
		}
		return f * u, nil
	}
	du := hdr[koalaUnit]
	u, ok := unit(du)
	if !ok {
		return 0, unsupportedErr("header data unit %q is not a length and no height conversion factor is given", trunc(du))
	}
	return u, nil
}

// checkKoalaSize compares the size line of a Koala header with the matrix
// read.
func checkKoalaSize(hdr map[string]string, cols, rows int) error {
	h, w := hdr[koalaRows], hdr[koalaCols]
	hv, errH := strconv.ParseUint(h, 10, 64)
	wv, errW := strconv.ParseUint(w, 10, 64)
	if errH != nil || errW != nil || hv != uint64(rows) || wv != uint64(cols) {
		return formatErr("header h=%s w=%s, the matrix has %d rows of %d values", trunc(h), trunc(w), rows, cols)
	}
	return nil
}
