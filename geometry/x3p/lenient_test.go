package x3p

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// Warning texts of the decoder, with %s for the variable parts.
const (
	warnRoot     = "main.xml root element is ISO5436, not ISO5436_2 as ISO 5436-2 names it: read as ISO5436_2"
	warnStale    = "main.xml MD5 mismatch (stale or wrong checksum): md5checksum.hex says %s, main.xml has %s"
	warnNoIncrem = "main.xml gives no %s/Increment: the ISO 5436-2 default of 1 m assumed as the pixel pitch (set --pitch)"
)

// stale is an md5checksum.hex that does not match main.xml.
const stale = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa *main.xml\n"

// inElement returns an edit inserting text just before the first
// occurrence of the closing tag end (e.g. "</CZ>").
func inElement(end, text string) func(string) string {
	return func(x string) string { return strings.Replace(x, end, text+end, 1) }
}

// edits chains main.xml edits.
func edits(e ...func(string) string) func(string) string {
	return func(x string) string {
		for _, f := range e {
			x = f(x)
		}
		return x
	}
}

// replace returns an edit replacing old (which must occur) by new.
func replace(old, new string) func(string) string {
	return func(x string) string {
		if !strings.Contains(x, old) {
			panic("edit: " + old + " not in main.xml")
		}
		return strings.Replace(x, old, new, 1)
	}
}

// TestDecodeLenient reads files that depart from ISO 5436-2 the way real
// writers do: empty optional elements read as absent (ISO 5436-2 defaults:
// offsets 0, CZ increment 1, as the openGPS library's GetOffsetX/GetIncrementX
// and Gwyddion 2.62 read them), a non-standard root, a stale or unusable
// main.xml checksum and a missing lateral increment read with a warning.
// Every case is also read through geometry.Decode, with and without
// Options.Strict: a case with warnings is refused under Strict with a
// geometry.StrictError listing exactly those warnings.
func TestDecodeLenient(t *testing.T) {
	six := raw("D", []float64{1e-6, 2e-6, 3e-6, 4e-6, 5e-6, 6e-6}) // metres
	nan := math.NaN()
	oneToSix := []float64{1, 2, 3, 4, 5, 6} // µm: the raw metres ×1e6, CZ increment 1, offset 0
	for _, tc := range []struct {
		name   string
		s      spec
		opts   *geometry.Options
		pitch  r2.Vec    // µm; zero means 1×1 (the builder's 1e-6 m)
		offset r2.Vec    // µm
		want   []float64 // µm; nil means oneToSix
		warn   []string  // exact; %MAIN% stands for the MD5 of main.xml in hex
	}{
		{name: "empty Offset elements", // x3ptools' Sensofar files: <Offset/> in CZ (sample-land.x3p)
			s: spec{edit: edits(inElement("</CX>", "<Offset/>"), inElement("</CY>", "<Offset/>"), inElement("</CZ>", "<Offset/>"))}},
		{name: "Offset with no content",
			s: spec{edit: edits(inElement("</CX>", "<Offset></Offset>"), inElement("</CZ>", "<Offset></Offset>"))}},
		{name: "Offset of blanks", // pretty-printed empty element
			s: spec{edit: inElement("</CY>", "<Offset>\n      </Offset>")}},
		{name: "empty CZ Increment means 1", s: spec{zOff: "1e-6", edit: inElement("</CZ>", "<Increment/>")},
			want: []float64{2, 3, 4, 5, 6, 7}}, // 1e-6 m + 1·raw, as Gwyddion 2.62 reads it
		{name: "empty lateral DataType", // ISO 5436-2: incremental axes need no data type
			s: spec{edit: edits(replace("<CX><AxisType>I</AxisType><DataType>D</DataType>", "<CX><AxisType>I</AxisType><DataType/>"),
				replace("<CY><AxisType>I</AxisType><DataType>D</DataType>", "<CY><AxisType>I</AxisType><DataType></DataType>"))}},
		{name: "empty Record2 fields",
			s: spec{edit: edits(replace("<Manufacturer>test</Manufacturer>", "<Manufacturer/>"),
				inElement("</Record2>", "<Creator/><CalibrationDate></CalibrationDate><Comment/>"))}},
		{name: "empty point and bitmap MD5 are absent",
			s: spec{valid: bitmap([]bool{true, false, true, true, true, true}), pointMD5: "", validMD5: "",
				edit: edits(replace("<MD5ChecksumPointData>"+hexMD5(six)+"</MD5ChecksumPointData>", "<MD5ChecksumPointData/>"),
					func(x string) string {
						i := strings.Index(x, "<MD5ChecksumValidPoints>")
						j := strings.Index(x, "</MD5ChecksumValidPoints>")
						return x[:i] + "<MD5ChecksumValidPoints></MD5ChecksumValidPoints>" + x[j+len("</MD5ChecksumValidPoints>"):]
					})},
			want: []float64{1, nan, 3, 4, 5, 6}},
		{name: "empty ChecksumFile: md5checksum.hex is still checked", s: spec{checksum: stale,
			edit: replace("<ChecksumFile>md5checksum.hex</ChecksumFile>", "<ChecksumFile/>")},
			warn: []string{fmt.Sprintf(warnStale, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "%MAIN%")}},
		{name: "upper-case checksum file", s: spec{checksum: "upper"}},

		// The root element ISO5436 of x3p.js and fix3p. This main.xml has
		// the layout of x3ptools' inst/sample-land.x3p (a Sensofar S neox
		// scan saved by fix3p): no namespace, <Offset/> in CZ, an Origin
		// element in Axes, a Mask in Record3, every member under one
		// folder and macOS resource forks beside it.
		{name: "ISO5436 root, sample-land layout", s: spec{dir: "sample-land/",
			edit: oldRoot(edits(inElement("</CZ>", "<Offset/>"), inElement("</Axes>", "<Origin>NW</Origin>"),
				inElement("</Record3>", `<Mask><Background>#cd7f32</Background><Annotations><Annotation color="#1f376c">break-off</Annotation></Annotations><Version>2</Version></Mask>`))),
			junk: map[string]string{"__MACOSX/._sample-land": "\x00\x05\x16\x07", "__MACOSX/sample-land/bindata/._.DS_Store": "\x00\x05\x16\x07"}},
			warn: []string{warnRoot}},
		{name: "ISO5436 root with a namespace prefix",
			s:    spec{edit: func(x string) string { return strings.ReplaceAll(x, "p:ISO5436_2", "p:ISO5436") }},
			warn: []string{warnRoot}},
		{name: "ISO5436 root, inline DataList", s: spec{datums: []string{"1e-6", "2e-6", "3e-6", "4e-6", "5e-6", "6e-6"}, edit: oldRoot(nil)},
			warn: []string{warnRoot}},

		// main.xml checksums that cannot vouch for it: read, with a warning.
		{name: "stale main.xml checksum", s: spec{checksum: stale},
			warn: []string{fmt.Sprintf(warnStale, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "%MAIN%")}},
		{name: "empty checksum file", s: spec{checksum: " \n"},
			warn: []string{"checksum file md5checksum.hex is empty: main.xml not verified"}},
		{name: "malformed checksum file", s: spec{checksum: "0123 *main.xml\n"},
			warn: []string{`checksum file md5checksum.hex holds a malformed MD5 sum "0123": main.xml not verified`}},
		{name: "oversized checksum file", s: spec{checksum: strings.Repeat("0", maxChecksumLen+1)},
			warn: []string{"checksum file md5checksum.hex is 4097 bytes long, not an MD5 sum: main.xml not verified"}},

		// A missing lateral increment: Options.Pitch, else the ISO 5436-2
		// default 1 m (openGPS ISO5436_2Container::GetIncrementX), warned.
		{name: "no CX Increment", s: spec{dx: "-"}, pitch: r2.Vec{X: 1e6, Y: 1},
			warn: []string{fmt.Sprintf(warnNoIncrem, "CX")}},
		{name: "empty CY Increment", s: spec{dy: "-", edit: inElement("</CY>", "<Increment/>")}, pitch: r2.Vec{X: 1, Y: 1e6},
			warn: []string{fmt.Sprintf(warnNoIncrem, "CY")}},
		{name: "no Increments, Options.Pitch", s: spec{dx: "-", dy: "-"}, opts: &geometry.Options{Pitch: r2.Vec{X: 2.5, Y: 4}},
			pitch: r2.Vec{X: 2.5, Y: 4}},
		{name: "no Increments, Options.Pitch one component", s: spec{dx: "-", dy: "-"}, opts: &geometry.Options{Pitch: r2.Vec{X: 3}},
			pitch: r2.Vec{X: 3, Y: 3}},
		{name: "Options.Pitch does not override the file", s: spec{dx: "2e-6"}, opts: &geometry.Options{Pitch: r2.Vec{X: 7, Y: 7}},
			pitch: r2.Vec{X: 2, Y: 1}},
		{name: "several warnings, in order", s: spec{dx: "-", checksum: stale, edit: oldRoot(nil)}, pitch: r2.Vec{X: 1e6, Y: 1},
			warn: []string{warnRoot, fmt.Sprintf(warnNoIncrem, "CX"), fmt.Sprintf(warnStale, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "%MAIN%")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.cols, s.rows = 3, 2
			if s.datums == nil {
				s.data = six
			}
			main := s.mainXML()
			if s.edit != nil {
				main = s.edit(main)
			}
			if s.checksum == "upper" {
				s.checksum = strings.ToUpper(fmt.Sprintf("%x", md5.Sum([]byte(main)))) + " *main.xml\n"
			}
			in := s.build(t)
			var want []string
			for _, w := range tc.warn {
				want = append(want, strings.ReplaceAll(w, "%MAIN%", fmt.Sprintf("%x", md5.Sum([]byte(main)))))
			}
			pitch, heights := tc.pitch, tc.want
			if pitch == (r2.Vec{}) {
				pitch = r2.Vec{X: 1, Y: 1}
			}
			if heights == nil {
				heights = oneToSix
			}

			m, err := Decode(bytes.NewReader(in), tc.opts)
			require.NoError(t, err)
			require.Equal(t, want, m.Warnings)
			require.InDelta(t, pitch.X, m.Pitch.X, 1e-9*pitch.X) // µm
			require.InDelta(t, pitch.Y, m.Pitch.Y, 1e-9*pitch.Y)
			require.InDelta(t, tc.offset.X, m.Offset.X, 1e-9)
			require.InDelta(t, tc.offset.Y, m.Offset.Y, 1e-9)
			requireHeights(t, heights, m.Z, relTol)

			c, err := DecodeConfig(bytes.NewReader(in), tc.opts)
			require.NoError(t, err)
			require.Equal(t, m.Pitch, c.Pitch)
			require.Equal(t, m.Offset, c.Offset)

			// Through the registry: the same map, or under Strict a refusal
			// naming the warnings.
			var opts geometry.Options
			if tc.opts != nil {
				opts = *tc.opts
			}
			g, name, err := geometry.Decode(bytes.NewReader(in), &opts)
			require.NoError(t, err)
			require.Equal(t, "x3p", name)
			require.Equal(t, want, g.Warnings)
			opts.Strict = true
			g, name, err = geometry.Decode(bytes.NewReader(in), &opts)
			require.Equal(t, "x3p", name)
			if len(want) == 0 {
				require.NoError(t, err)
				requireHeights(t, heights, g.Z, relTol)
				return
			}
			require.Nil(t, g)
			var se geometry.StrictError
			require.ErrorAs(t, err, &se)
			require.Equal(t, geometry.StrictError(want), se)
		})
	}
}

// TestStrictPointChecksum: a wrong point-data or bitmap MD5 stays an error
// whatever else the file gets away with, Strict or not; it is never turned
// into a warning.
func TestStrictPointChecksum(t *testing.T) {
	six := raw("D", []float64{1e-6, 2e-6, 3e-6, 4e-6, 5e-6, 6e-6})
	for _, s := range []spec{
		{pointMD5: strings.Repeat("0", 32)},
		{pointMD5: strings.Repeat("0", 32), checksum: stale, edit: oldRoot(nil)},
		{valid: []byte{0x3f}, validMD5: strings.Repeat("1", 32), checksum: stale},
	} {
		s.cols, s.rows, s.data = 3, 2, six
		in := s.build(t)
		for _, strict := range []bool{false, true} {
			m, _, err := geometry.Decode(bytes.NewReader(in), &geometry.Options{Strict: strict})
			require.Nil(t, m)
			var fe geometry.FormatError
			require.ErrorAs(t, err, &fe)
			require.Contains(t, err.Error(), "MD5 mismatch: main.xml says")
			var se geometry.StrictError
			require.False(t, errors.As(err, &se))
		}
	}
}
