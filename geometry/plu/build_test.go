package plu

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// grid is a layer of heights, µm, row by row as the files store them:
// grid[r][c] is pixel (c, r).
type grid [][]float32

func (g grid) cols() int { return len(g[0]) }
func (g grid) rows() int { return len(g) }

// want returns the heights a decoder should make of g, row-major: NaN
// where g holds bad (the .plu marker; NaN for .plux), NaN or ±Inf.
func (g grid) want(bad float32) []float64 {
	var z []float64
	for _, row := range g {
		for _, v := range row {
			if v == bad || math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				z = append(z, math.NaN())
				continue
			}
			z = append(z, float64(v))
		}
	}
	return z
}

func (g grid) le() []byte {
	var b []byte
	for _, row := range g {
		for _, v := range row {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	return b
}

// surface is a cols×rows grid: a tilted plane with a dome, µm, with the
// points (c, r, value) of set overwritten.
func surface(cols, rows int, scale float32, set ...[3]float32) grid {
	g := make(grid, rows)
	for r := range g {
		g[r] = make([]float32, cols)
		for c := range g[r] {
			x, y := float32(c)-float32(cols)/2, float32(r)-float32(rows)/2
			g[r][c] = scale * (0.3*float32(c) - 0.17*float32(r) - 0.02*(x*x+y*y))
		}
	}
	for _, s := range set {
		g[int(s[1])][int(s[0])] = s[2]
	}
	return g
}

// pluFile describes a topography .plu file for the builder; fields not
// listed take the values of the real files checked (testdata/README.md).
// Other measurement types, area types and version 0 are made by patching
// the bytes.
type pluFile struct {
	date             string  // default "Mon Apr 19 11:40:13 2021"
	comment          string  // default "(None)"
	calCols, calRows int     // calibration size, default the first layer's
	mppx, mppy       float32 // µm
	version          byte    // format version, 0 for 0xfb (2012)
	numLayers        int     // layer count byte, default len(layers)
	images           int     // RGB images after each layer
	layers           []grid
	tail             []byte // after the last layer
}

// bytes builds the file with the layout of the package documentation.
func (s pluFile) bytes() []byte {
	le := binary.LittleEndian
	h := make([]byte, headerSize)
	copy(h, or(s.date, "Mon Apr 19 11:40:13 2021"))
	le.PutUint32(h[dateSize:], 1618825213) // time_t of that date, not read
	copy(h[dateSize+4:], or(s.comment, "(None)"))
	calCols, calRows := s.calCols, s.calRows
	if calCols == 0 && len(s.layers) > 0 {
		calCols, calRows = s.layers[0].cols(), s.layers[0].rows()
	}
	le.PutUint32(h[offCalRows:], uint32(calRows))
	le.PutUint32(h[offCalCols:], uint32(calCols))
	le.PutUint32(h[396:], uint32(calCols))                         // N_tall
	le.PutUint32(h[400:], math.Float32bits(5.3))                   // dy_multip
	le.PutUint32(h[offMPPX:], math.Float32bits(s.mppx))            // mppx
	le.PutUint32(h[offMPPY:], math.Float32bits(s.mppy))            // mppy
	le.PutUint32(h[412:], math.Float32bits(-58207.6))              // x_0
	le.PutUint32(h[416:], math.Float32bits(-121.8))                // y_0
	le.PutUint32(h[420:], math.Float32bits(s.mppx))                // mpp_tall
	le.PutUint32(h[424:], math.Float32bits(-9805.2))               // z_0
	le.PutUint32(h[offType:], typeTopography)                      // type
	le.PutUint32(h[432:], 1)                                       // algorithm
	le.PutUint32(h[440:], 36)                                      // objective
	le.PutUint32(h[offArea:], 3)                                   // area type
	le.PutUint32(h[448:], uint32(calRows))                         // xres_area
	le.PutUint32(h[452:], uint32(calCols))                         // yres_area
	le.PutUint32(h[456:], uint32(calRows))                         // xres
	le.PutUint32(h[460:], uint32(calCols))                         // yres
	le.PutUint32(h[464:], 1)                                       // na
	le.PutUint64(h[468:], math.Float64bits(float64(float32(0.2)))) // incr_z
	le.PutUint32(h[476:], math.Float32bits(40))                    // range
	le.PutUint32(h[480:], 201)                                     // n_planes
	n := s.numLayers
	if n == 0 {
		n = len(s.layers)
	}
	h[offLayers] = byte(n)
	h[offVersion] = s.version
	if s.version == 0 {
		h[offVersion] = 0xfb
	}
	h[491] = 7 // hardware
	h[offImages] = byte(s.images)
	le.PutUint32(h[496:], 1) // decimation factor
	b := h
	for _, g := range s.layers {
		b = le.AppendUint32(b, uint32(g.rows()))
		b = le.AppendUint32(b, uint32(g.cols()))
		b = append(b, g.le()...)
		b = le.AppendUint32(b, math.Float32bits(-lostPixel)) // min, max as the
		b = le.AppendUint32(b, math.Float32bits(lostPixel))  // real files have them
		for i := range s.images * 3 * g.cols() * g.rows() {
			b = append(b, byte(i*7))
		}
	}
	return append(b, s.tail...)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// member is a file of a .plux archive.
type member struct {
	name   string
	data   []byte
	method uint16 // zip.Store or zip.Deflate
}

// methodBzip2 is zip method 12, which archive/zip does not decompress;
// zipFile stores such members as they are.
const methodBzip2 = 12

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// zipFile builds a zip archive of members, in order.
func zipFile(t testing.TB, members ...member) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(methodBzip2, func(w io.Writer) (io.WriteCloser, error) { return nopCloser{w}, nil })
	for _, m := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: m.method})
		require.NoError(t, err)
		_, err = w.Write(m.data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// pluxFile describes a .plux archive for the builder.
type pluxFile struct {
	fovX, fovY string // GENERAL/FOV_X, FOV_Y: pixel size, µm
	layers     []grid
	method     uint16 // of every member
	index      string // index.xml, default from the fields above
	indexFirst bool   // index.xml before the layers (real files: after)
	extra      []member
}

// indexXML is index.xml as S neox software writes it (element names from
// Gwyddion's sensofarx module and SurfaceTopography's PLUX reader).
func (s pluxFile) indexXML() string {
	if s.index != "" {
		return s.index
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\ufeff<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<xml>\r\n\t<GENERAL>\r\n")
	fmt.Fprintf(&b, "\t\t<AUTHOR>mtgeo</AUTHOR>\r\n\t\t<DATE>2024-01-02 03:04:05</DATE>\r\n")
	fmt.Fprintf(&b, "\t\t<FOV_X>%s</FOV_X>\r\n\t\t<FOV_Y>%s</FOV_Y>\r\n", s.fovX, s.fovY)
	fmt.Fprintf(&b, "\t\t<IMAGE_SIZE_X>%d</IMAGE_SIZE_X>\r\n\t\t<IMAGE_SIZE_Y>%d</IMAGE_SIZE_Y>\r\n", s.layers[0].cols(), s.layers[0].rows())
	fmt.Fprintf(&b, "\t</GENERAL>\r\n\t<INFO>\r\n\t\t<SIZE>1</SIZE>\r\n\t\t<ITEM_0>\r\n\t\t\t<NAME>Device</NAME>\r\n\t\t\t<VALUE>S neox</VALUE>\r\n\t\t</ITEM_0>\r\n\t</INFO>\r\n")
	for i := range s.layers {
		fmt.Fprintf(&b, "\t<LAYER_%d>\r\n\t\t<FILENAME_Z>LAYER_%d.raw</FILENAME_Z>\r\n\t\t<FILENAME_STACK>LAYER_%d.stack.raw</FILENAME_STACK>\r\n", i, i, i)
		fmt.Fprintf(&b, "\t\t<POSITION_X>%g</POSITION_X>\r\n\t\t<POSITION_Y>0</POSITION_Y>\r\n\t\t<POSITION_Z>%g</POSITION_Z>\r\n\t</LAYER_%d>\r\n", 1.5*float64(i), 3.5*float64(i), i)
	}
	b.WriteString("</xml>\r\n")
	return b.String()
}

func (s pluxFile) bytes(t testing.TB) []byte {
	index := member{indexName, []byte(s.indexXML()), s.method}
	var ms []member
	if s.indexFirst {
		ms = append(ms, index)
	}
	for i, g := range s.layers {
		rgb := make([]byte, 3*g.cols()*g.rows())
		for k := range rgb {
			rgb[k] = byte(k * 5)
		}
		ms = append(ms, member{fmt.Sprintf("LAYER_%d.raw", i), g.le(), s.method},
			member{fmt.Sprintf("LAYER_%d.stack.raw", i), rgb, s.method})
	}
	if !s.indexFirst {
		ms = append(ms, index)
	}
	ms = append(ms, s.extra...)
	return zipFile(t, ms...)
}
