package x3p

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"testing"
	"time"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r2"
)

// testMap returns a cols×rows map with non-square pixels, an offset,
// heights of a few µm and some invalid pixels (NaN, and one +Inf).
func testMap(cols, rows int, seed uint64) *geometry.HeightMap {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := geometry.New(cols, rows, r2.Vec{X: 1.5, Y: 2.25})
	m.Offset = r2.Vec{X: -100.5, Y: 42}
	for i := range m.Z {
		switch {
		case rng.Float64() < 0.1:
			m.Z[i] = math.NaN()
		default:
			m.Z[i] = 5 * rng.NormFloat64() // µm
		}
	}
	m.Z[len(m.Z)/2] = math.Inf(1)
	return m
}

// members returns the names and contents of an archive's members.
func members(t *testing.T, b []byte) ([]string, map[string][]byte) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	var names []string
	content := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		c, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		names = append(names, f.Name)
		content[f.Name] = c
	}
	return names, content
}

func TestEncodeRoundTrip(t *testing.T) {
	parent := testMap(41, 29, 1)
	for _, tc := range []struct {
		name string
		m    *geometry.HeightMap
		opts *EncodeOptions
		tol  float64 // relative
	}{
		{"float64", parent, nil, relTol},
		{"float64 bitmap", parent, &EncodeOptions{ValidBitmap: true}, relTol},
		// A view: the file starts at pixel Rect.Min of the parent.
		{"sub-map", parent.SubMap(image.Rect(3, 5, 40, 28)), nil, relTol},
		// 1 pixel, 9 pixels: bitmap padding in the last byte.
		{"1×1", testMap(1, 1, 2), &EncodeOptions{ValidBitmap: true}, relTol},
		{"3×3 bitmap", testMap(3, 3, 3), &EncodeOptions{ValidBitmap: true}, relTol},
		// float32 keeps 24 bits: relative rounding 2⁻²⁴ ≈ 6e-8, plus the
		// float64 conversions.
		{"float32", parent, &EncodeOptions{Float32: true}, 1.0 / (1 << 24)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, tc.m, tc.opts))
			got, err := Decode(bytes.NewReader(buf.Bytes()), nil)
			require.NoError(t, err)
			want := tc.m.Clone()
			for i, z := range want.Z {
				if math.IsInf(z, 0) {
					want.Z[i] = math.NaN() // written as invalid
				}
			}
			require.Equal(t, want.Rect.Size(), got.Rect.Size())
			require.Equal(t, image.Point{}, got.Rect.Min)
			require.InEpsilon(t, want.Pitch.X, got.Pitch.X, relTol)
			require.InEpsilon(t, want.Pitch.Y, got.Pitch.Y, relTol)
			// Every pixel keeps its map coordinates.
			p0 := want.PixelToMap(float64(want.Rect.Min.X), float64(want.Rect.Min.Y))
			q0 := got.PixelToMap(0, 0)
			require.InDelta(t, p0.X, q0.X, 1e-9) // µm
			require.InDelta(t, p0.Y, q0.Y, 1e-9)
			requireHeights(t, want.Z, got.Z, tc.tol)
			require.Equal(t, want.ValidCount(), got.ValidCount())

			c, err := DecodeConfig(bytes.NewReader(buf.Bytes()), nil)
			require.NoError(t, err)
			require.Equal(t, got.Cols(), c.Cols)
			require.Equal(t, got.Offset, c.Offset)
		})
	}
}

func TestEncodeLayout(t *testing.T) {
	m := testMap(13, 7, 4) // 91 points: bitmap of 12 bytes, 5 padding bits
	date := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, m, &EncodeOptions{
		Creator: "  line 3\n station ", Comment: `a <b> & "c"`, Date: date, ValidBitmap: true,
		Instrument: Instrument{Manufacturer: "ACME"}, ProbingSystem: "Software", ProbingID: "fit",
	}))
	names, content := members(t, buf.Bytes())
	require.Equal(t, []string{"main.xml", "bin/data.bin", "bin/valid.bin", "md5checksum.hex"}, names)

	// md5checksum.hex: the openGPS library's layout, "<md5 hex> *main.xml\n".
	sum := md5.Sum(content["main.xml"])
	require.Equal(t, fmt.Sprintf("%x *main.xml\n", sum), string(content["md5checksum.hex"]))
	require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32} \*main\.xml\n$`), string(content["md5checksum.hex"]))

	// main.xml, read with encoding/xml as any XML tool would.
	var doc struct {
		XMLName xml.Name `xml:"http://www.opengps.eu/2008/ISO5436_2 ISO5436_2"`
		Record1 struct {
			Revision, FeatureType string
			Axes                  struct {
				CX, CY, CZ struct {
					AxisType, DataType string
					Increment, Offset  float64
				}
			}
		}
		Record2 struct {
			Date, Creator, Comment string
			Instrument             struct{ Manufacturer, Model string }
			ProbingSystem          struct{ Type, Identification string }
		}
		Record3 struct {
			MatrixDimension struct{ SizeX, SizeY, SizeZ int }
			DataLink        struct {
				PointDataLink, MD5ChecksumPointData, ValidPointsLink, MD5ChecksumValidPoints string
			}
		}
		Record4 struct{ ChecksumFile string }
	}
	require.NoError(t, xml.Unmarshal(content["main.xml"], &doc))
	r1, r2_, r3 := doc.Record1, doc.Record2, doc.Record3
	require.Equal(t, "ISO5436 - 2000", r1.Revision)
	require.Equal(t, "SUR", r1.FeatureType)
	require.Equal(t, "I", r1.Axes.CX.AxisType)
	require.Equal(t, "I", r1.Axes.CY.AxisType)
	require.Equal(t, "A", r1.Axes.CZ.AxisType)
	require.Equal(t, "D", r1.Axes.CZ.DataType)
	require.Equal(t, 1.5e-6, r1.Axes.CX.Increment)     // m: Pitch.X 1.5 µm
	require.Equal(t, 2.25e-6, r1.Axes.CY.Increment)    // m: Pitch.Y 2.25 µm
	require.Equal(t, -100.5e-6, r1.Axes.CX.Offset)     // m: Offset.X −100.5 µm
	require.Equal(t, 42e-6, r1.Axes.CY.Offset)         // m
	require.Equal(t, "2024-05-06T07:08:09Z", r2_.Date) // xsd:dateTime
	require.Equal(t, "line 3 station", r2_.Creator)    // xsd:token collapses blanks
	require.Equal(t, `a <b> & "c"`, r2_.Comment)
	require.Equal(t, "ACME", r2_.Instrument.Manufacturer)
	require.Equal(t, "unknown", r2_.Instrument.Model)
	require.Equal(t, "Software", r2_.ProbingSystem.Type)
	require.Equal(t, 13, r3.MatrixDimension.SizeX)
	require.Equal(t, 7, r3.MatrixDimension.SizeY)
	require.Equal(t, 1, r3.MatrixDimension.SizeZ)
	require.Equal(t, "bin/data.bin", r3.DataLink.PointDataLink)
	require.Equal(t, fmt.Sprintf("%X", md5.Sum(content["bin/data.bin"])), r3.DataLink.MD5ChecksumPointData)
	require.Equal(t, "bin/valid.bin", r3.DataLink.ValidPointsLink)
	require.Equal(t, fmt.Sprintf("%X", md5.Sum(content["bin/valid.bin"])), r3.DataLink.MD5ChecksumValidPoints)
	require.Equal(t, "md5checksum.hex", doc.Record4.ChecksumFile)

	// bin/data.bin: float64 metres, NaN where invalid; bin/valid.bin: one
	// bit per point, LSB first, 1 = valid, padding bits 1.
	require.Len(t, content["bin/data.bin"], 91*8)
	valid := make([]bool, 91)
	for i, z := range m.Z {
		valid[i] = !math.IsNaN(z) && !math.IsInf(z, 0)
	}
	require.Equal(t, bitmap(valid), content["bin/valid.bin"])

	// Same options, same bytes.
	var again bytes.Buffer
	require.NoError(t, Encode(&again, m, &EncodeOptions{
		Creator: "  line 3\n station ", Comment: `a <b> & "c"`, Date: date, ValidBitmap: true,
		Instrument: Instrument{Manufacturer: "ACME"}, ProbingSystem: "Software", ProbingID: "fit",
	}))
	require.Equal(t, buf.Bytes(), again.Bytes())

	// No bitmap by default, nor with the option when every pixel is valid.
	allValid := geometry.New(3, 2, r2.Vec{X: 1, Y: 1})
	for i := range allValid.Z {
		allValid.Z[i] = 1
	}
	for _, tc := range []struct {
		m    *geometry.HeightMap
		opts *EncodeOptions
	}{{m, nil}, {allValid, &EncodeOptions{ValidBitmap: true}}} {
		buf.Reset()
		require.NoError(t, Encode(&buf, tc.m, tc.opts))
		names, _ := members(t, buf.Bytes())
		require.Equal(t, []string{"main.xml", "bin/data.bin", "md5checksum.hex"}, names)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestEncodeInt32: heights quantised to a Z increment come back within
// half an increment, invalid pixels through the bitmap; a height beyond
// ±2³¹ increments is an error.
func TestEncodeInt32(t *testing.T) {
	m := testMap(41, 29, 9)
	const inc = 0.0005 // µm: 0.5 nm
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, m, &EncodeOptions{ZIncrementUM: inc}))
	got, err := Decode(bytes.NewReader(buf.Bytes()), nil)
	require.NoError(t, err)
	require.Equal(t, m.Rect.Size(), got.Rect.Size())
	require.Equal(t, m.ValidCount(), got.ValidCount())
	for i, z := range m.Z {
		if math.IsNaN(z) || math.IsInf(z, 0) {
			require.True(t, math.IsNaN(got.Z[i]), "pixel %d invalid", i)
			continue
		}
		require.InDelta(t, z, got.Z[i], inc/2*(1+1e-9), "pixel %d", i)
	}
	big := testMap(4, 3, 5)
	big.Z[0] = 2e6 // µm: 4e9 increments of 0.5 nm
	require.ErrorContains(t, Encode(io.Discard, big, &EncodeOptions{ZIncrementUM: inc}), "beyond int32")
	require.ErrorContains(t, Encode(io.Discard, big, &EncodeOptions{ZIncrementUM: -1}), "not positive")
}

func TestEncodeErrors(t *testing.T) {
	good := testMap(4, 3, 5)
	for _, tc := range []struct {
		name string
		m    *geometry.HeightMap
	}{
		{"nil", nil},
		{"empty", &geometry.HeightMap{Pitch: r2.Vec{X: 1, Y: 1}}},
		{"zero pitch", &geometry.HeightMap{Z: []float64{1}, Stride: 1, Rect: image.Rect(0, 0, 1, 1), Pitch: r2.Vec{X: 0, Y: 1}}},
		{"NaN pitch", &geometry.HeightMap{Z: []float64{1}, Stride: 1, Rect: image.Rect(0, 0, 1, 1), Pitch: r2.Vec{X: 1, Y: math.NaN()}}},
		{"Inf offset", &geometry.HeightMap{Z: []float64{1}, Stride: 1, Rect: image.Rect(0, 0, 1, 1), Pitch: r2.Vec{X: 1, Y: 1}, Offset: r2.Vec{X: math.Inf(1)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Encode(io.Discard, tc.m, nil)
			require.Error(t, err)
			require.Regexp(t, "^x3p: ", err.Error())
		})
	}
	for _, n := range []int{0, 100, 500, 1000} {
		err := Encode(&failWriter{n: n}, good, nil)
		require.ErrorContainsf(t, err, "disk full", "writer failing after %d bytes", n)
	}
}

// TestMaxPixels: geometry.Options.MaxPixels refuses larger maps, from the
// header for a seekable input and once decoded otherwise.
func TestMaxPixels(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, testMap(10, 10, 1), nil)) // 100 pixels
	for _, tc := range []struct {
		name  string
		limit int
		ok    bool
	}{{"below", 99, false}, {"at", 100, true}, {"default", 0, true}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(buf.Bytes()), io.MultiReader(bytes.NewReader(buf.Bytes()))} {
				m, _, err := geometry.Decode(r, &geometry.Options{MaxPixels: tc.limit})
				if tc.ok {
					require.NoError(t, err)
					require.Equal(t, 100, m.Rect.Dx()*m.Rect.Dy())
				} else {
					require.ErrorIs(t, err, geometry.ErrTooLarge)
					require.ErrorContains(t, err, "more than the 99 allowed")
				}
			}
		})
	}
}
