package text

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
)

const (
	maxLineLen = 4 << 20 // bytes in one line
	maxInput   = 8 << 30 // bytes in the whole input
)

func formatErr(format string, a ...any) error {
	return fmt.Errorf("text: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("text: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// lineReader returns the lines of its input without their ends (LF, CR LF
// or CR).
type lineReader struct {
	br   *bufio.Reader
	buf  []byte
	n    int   // line number of the last line returned, 1-based
	read int64 // bytes consumed
}

func newLineReader(r io.Reader) *lineReader {
	l := &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
	if b, err := l.br.Peek(3); err == nil && string(b) == "\xEF\xBB\xBF" {
		l.br.Discard(3) //nolint:errcheck // peeked
	}
	return l
}

// next returns the next line. It returns io.EOF after the last one.
func (l *lineReader) next() (string, error) {
	l.buf = l.buf[:0]
	for {
		if _, err := l.br.Peek(1); err != nil {
			if err == io.EOF && len(l.buf) > 0 {
				l.n++
				return string(l.buf), nil
			}
			return "", err
		}
		chunk, _ := l.br.Peek(l.br.Buffered())
		end := bytes.IndexByte(chunk, '\n')
		if end < 0 {
			end = len(chunk)
		}
		if i := bytes.IndexByte(chunk[:end], '\r'); i >= 0 {
			end = i
		}
		if len(l.buf)+end > maxLineLen {
			return "", formatErr("line %d longer than %d bytes", l.n+1, maxLineLen)
		}
		l.buf = append(l.buf, chunk[:end]...)
		if end == len(chunk) {
			l.discard(end)
			continue
		}
		cr := chunk[end] == '\r'
		l.discard(end + 1)
		if cr {
			if b, err := l.br.Peek(1); err == nil && b[0] == '\n' {
				l.discard(1)
			}
		}
		if l.read > maxInput {
			return "", formatErr("input longer than %d bytes", int64(maxInput))
		}
		l.n++
		return string(l.buf), nil
	}
}

func (l *lineReader) discard(n int) {
	l.br.Discard(n) //nolint:errcheck // n ≤ Buffered
	l.read += int64(n)
}

// fields splits a data line at ';', else at ',', else at white space,
// appending to dst. Delimited fields are trimmed; one empty field at the
// end of a delimited line is dropped.
func fields(dst []string, line string) []string {
	sep := ""
	switch {
	case strings.IndexByte(line, ';') >= 0:
		sep = ";"
	case strings.IndexByte(line, ',') >= 0:
		sep = ","
	default:
		return append(dst, strings.Fields(line)...)
	}
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(line, sep)
	for {
		f, rest, found := strings.Cut(line, sep)
		dst = append(dst, strings.TrimSpace(f))
		if !found {
			return dst
		}
		line = rest
	}
}

// value parses one field: a number, or one of the tokens of an invalid
// point (doc.go), which give NaN. ok is false if s is neither.
func value(s string) (v float64, ok bool) {
	if s == "" || s == "-" || strings.EqualFold(s, "BAD") ||
		strings.EqualFold(strings.TrimLeft(s, "+-"), "nan") {
		return math.NaN(), true
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, isNum := err.(*strconv.NumError); !isNum || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	if math.IsInf(v, 0) {
		v = math.NaN()
	}
	return v, true
}

// isComment reports a '#' comment line.
func isComment(line string) bool {
	s := strings.TrimLeft(line, " \t")
	return len(s) > 0 && s[0] == '#'
}

// unit returns µm per unit of a length unit name; ok is false for anything
// else.
func unit(s string) (perUnit float64, ok bool) { return geometry.LengthUnit(s) }

// headerLength parses "1.5 mm" into µm.
func headerLength(key, s string) (float64, error) {
	num, u, _ := strings.Cut(strings.TrimSpace(s), " ")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, formatErr("header %s: %q is not a positive length", key, trunc(s))
	}
	f, ok := unit(u)
	if !ok {
		return 0, unsupportedErr("header %s: unit %q is not a length", key, trunc(u))
	}
	return v * f, nil
}

// trunc shortens s for an error message.
func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
