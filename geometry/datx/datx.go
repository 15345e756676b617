package datx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"gonum.org/v1/gonum/spatial/r2"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/hdf5"
)

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         "datx",
		Extensions:   []string{".datx"},
		Match:        geometry.MagicMatcher(hdf5.Signature),
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

// maxFileSize caps how much of a non-seekable input is read into memory:
// the largest map allowed (geometry.MaxPixels float64 heights) plus room for
// metadata and an intensity image.
const maxFileSize = geometry.MaxPixels*8 + 1<<28

// umPerMetre converts the converters' metres to µm.
const umPerMetre = 1e6

// Decode reads the surface of a Zygo .datx file as a height map in µm.
// Invalid pixels (the "No Data" value, NaN, ±Inf) are NaN. opts may be nil;
// opts.Pitch is used only when the file carries no lateral resolution and
// opts.ZUnit only when it names no height unit.
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	s, err := open(r, opts)
	if err != nil {
		return nil, err
	}
	z, err := s.ds.Float64s(geometry.MaxPixels)
	if err != nil {
		return nil, wrap("reading the surface", err)
	}
	if len(z) != s.cols*s.rows {
		return nil, datxErr(geometry.FormatError(fmt.Sprintf("surface has %d values, want %d", len(z), s.cols*s.rows)))
	}
	m := geometry.New(s.cols, s.rows, s.pitch)
	m.Warnings = s.warnings
	for i, v := range z {
		if s.invalid(v) {
			continue // geometry.New filled NaN
		}
		m.Z[i] = v * s.zScale
	}
	return m, nil
}

// DecodeConfig reads the size and pixel pitch of the surface of a .datx
// file without reading the heights.
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	s, err := open(r, opts)
	if err != nil {
		return geometry.Config{}, err
	}
	return geometry.Config{Format: "datx", Cols: s.cols, Rows: s.rows, Pitch: s.pitch}, nil
}

// surface is what the decoder needs of the surface dataset.
type surface struct {
	ds         *hdf5.Dataset
	cols, rows int
	pitch      r2.Vec  // µm
	zScale     float64 // µm per stored unit
	noData     float64
	hasNoData  bool
	warnings   []string // for the map (geometry.HeightMap.Warnings)
}

// invalid reports whether the stored value v marks a missing pixel. Zygo
// writes the largest float32 or float64 as "No Data"; a value at or beyond
// such a sentinel (as prysm's reader also treats it) is invalid too.
func (s *surface) invalid(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return true
	}
	if !s.hasNoData {
		return false
	}
	return v == s.noData || (s.noData >= math.MaxFloat32 && v >= math.MaxFloat32)
}

func open(r io.Reader, opts *geometry.Options) (*surface, error) {
	if opts != nil && opts.Channel != 0 {
		return nil, datxErr(geometry.UnsupportedError(fmt.Sprintf("channel %d: the decoder reads the one surface of a file (channel 0)", opts.Channel)))
	}
	ra, size, err := geometry.ReaderAt(r, maxFileSize)
	if err != nil {
		return nil, fmt.Errorf("datx: reading the file: %w", err)
	}
	f, err := hdf5.Open(ra, size)
	if err != nil {
		return nil, wrap("opening the HDF5 file", err)
	}
	obj, err := findSurface(f)
	if err != nil {
		return nil, err
	}
	ds, err := obj.Dataset()
	if err != nil {
		return nil, wrap("surface dataset", err)
	}
	if len(ds.Dims) != 2 {
		return nil, datxErr(geometry.UnsupportedError(fmt.Sprintf("surface of rank %d, want 2", len(ds.Dims))))
	}
	if !ds.Type.Numeric() {
		return nil, datxErr(geometry.UnsupportedError(fmt.Sprintf("surface of datatype class %d, %d bytes", ds.Type.Class, ds.Type.Size)))
	}
	if ds.Dims[0] > geometry.MaxPixels || ds.Dims[1] > geometry.MaxPixels {
		return nil, fmt.Errorf("datx: %w: %d×%d", geometry.ErrTooLarge, ds.Dims[1], ds.Dims[0])
	}
	s := &surface{ds: ds, rows: int(ds.Dims[0]), cols: int(ds.Dims[1])}
	if err := geometry.CheckSize(s.cols, s.rows); err != nil {
		return nil, fmt.Errorf("datx: %w", err)
	}
	if s.noData, s.hasNoData, err = firstFloat(obj, "No Data"); err != nil {
		return nil, err
	}
	if s.zScale, err = heightScale(obj, opts); err != nil {
		return nil, err
	}
	if s.pitch, s.warnings, err = pitch(obj, opts); err != nil {
		return nil, err
	}
	return s, nil
}

// wrap turns an hdf5 error into the geometry error kinds, saying what was
// being read. Other errors (io.ErrUnexpectedEOF of a truncated file) stay
// wrapped so errors.Is still finds them.
func wrap(what string, err error) error {
	var fe hdf5.FormatError
	var ue hdf5.UnsupportedError
	switch {
	case errors.As(err, &ue):
		return datxErr(geometry.UnsupportedError(what + ": " + err.Error()))
	case errors.As(err, &fe):
		return datxErr(geometry.FormatError(what + ": " + err.Error()))
	}
	return fmt.Errorf("datx: %s: %w", what, err)
}

// findSurface locates the surface dataset: through the /MetaData table
// (Root → Measurement → Surface → Path) that Zygo Mx writes, else at
// /Measurement/Surface (older files), else the first dataset of the
// /Data/Surface group.
func findSurface(f *hdf5.File) (*hdf5.Object, error) {
	root, err := f.Root()
	if err != nil {
		return nil, wrap("root group", err)
	}
	md, err := root.Child("MetaData")
	switch {
	case err == nil:
		path, err := metaDataPath(md)
		if err != nil {
			return nil, err
		}
		o, err := f.OpenPath(path)
		if err != nil {
			return nil, wrap(fmt.Sprintf("surface %q named by /MetaData", path), err)
		}
		return o, nil
	case !errors.Is(err, hdf5.ErrNotFound):
		return nil, wrap("root group", err)
	}
	if o, err := f.OpenPath("/Measurement/Surface"); err == nil && o.IsDataset() {
		return o, nil
	} else if err != nil && !errors.Is(err, hdf5.ErrNotFound) {
		return nil, wrap("/Measurement/Surface", err)
	}
	g, err := f.OpenPath("/Data/Surface")
	if err != nil {
		if errors.Is(err, hdf5.ErrNotFound) {
			return nil, datxErr(geometry.FormatError("no /MetaData, /Measurement/Surface or /Data/Surface: not a Zygo .datx file"))
		}
		return nil, wrap("/Data/Surface", err)
	}
	links, err := g.Links()
	if err != nil {
		return nil, wrap("/Data/Surface", err)
	}
	for _, l := range links {
		o, err := g.Child(l.Name)
		if err != nil {
			return nil, wrap("/Data/Surface/"+l.Name, err)
		}
		if o.IsDataset() {
			return o, nil
		}
	}
	return nil, datxErr(geometry.FormatError("/Data/Surface holds no dataset"))
}

// metaDataPath follows the /MetaData table, a list of (Source, Link,
// Destination) strings, from "Root" through "Measurement" and "Surface" to
// the "Path" of the surface dataset.
func metaDataPath(md *hdf5.Object) (string, error) {
	ds, err := md.Dataset()
	if err != nil {
		return "", wrap("/MetaData", err)
	}
	rows, err := ds.Values()
	if err != nil {
		return "", wrap("/MetaData", err)
	}
	links := map[[2]string]string{}
	for _, row := range rows {
		fields, ok := row.([]hdf5.Field)
		if !ok || len(fields) < 3 {
			return "", datxErr(geometry.FormatError("/MetaData is not a table of (Source, Link, Destination)"))
		}
		var src, link, dst string
		for _, fl := range fields {
			s, _ := fl.Value.(string)
			switch fl.Name {
			case "Source":
				src = s
			case "Link":
				link = s
			case "Destination":
				dst = s
			}
		}
		links[[2]string{src, link}] = dst
	}
	node := "Root"
	for _, step := range []string{"Measurement", "Surface", "Path"} {
		next, ok := links[[2]string{node, step}]
		if !ok {
			return "", datxErr(geometry.FormatError(fmt.Sprintf("/MetaData has no %q link from %q", step, node)))
		}
		node = next
	}
	return node, nil
}

// attrValues returns the decoded values of the named attribute, or nil if
// the object has none.
func attrValues(o *hdf5.Object, name string) ([]any, error) {
	a, err := o.Attr(name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("attribute "+name, err)
	}
	v, err := a.Values()
	if err != nil {
		return nil, wrap("attribute "+name, err)
	}
	return v, nil
}

// firstFloat returns the first element of a numeric attribute.
func firstFloat(o *hdf5.Object, name string) (float64, bool, error) {
	v, err := attrValues(o, name)
	if err != nil || len(v) == 0 {
		return 0, false, err
	}
	x, ok := number(v[0])
	if !ok {
		return 0, false, datxErr(geometry.FormatError(fmt.Sprintf("attribute %q is not a number", name)))
	}
	return x, true, nil
}

// firstString returns the first element of a string attribute.
func firstString(o *hdf5.Object, name string) (string, bool, error) {
	v, err := attrValues(o, name)
	if err != nil || len(v) == 0 {
		return "", false, err
	}
	s, ok := v[0].(string)
	if !ok {
		return "", false, datxErr(geometry.FormatError(fmt.Sprintf("attribute %q is not a string", name)))
	}
	return s, true, nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

// converter is a decoded "X/Y/Z Converter" attribute.
type converter struct {
	category, unit string
	params         []float64
	ok             bool
}

// readConverter decodes a 1-element compound attribute with members
// Category, BaseUnit (strings) and Parameters (float64 sequence).
func readConverter(o *hdf5.Object, name string) (converter, error) {
	v, err := attrValues(o, name)
	if err != nil || len(v) == 0 {
		return converter{}, err
	}
	fields, ok := v[0].([]hdf5.Field)
	if !ok {
		return converter{}, datxErr(geometry.FormatError(fmt.Sprintf("attribute %q is not a compound", name)))
	}
	c := converter{ok: true}
	for _, fl := range fields {
		switch fl.Name {
		case "Category":
			c.category, _ = fl.Value.(string)
		case "BaseUnit":
			c.unit, _ = fl.Value.(string)
		case "Parameters":
			seq, _ := fl.Value.([]any)
			for _, e := range seq {
				x, ok := number(e)
				if !ok {
					return converter{}, datxErr(geometry.FormatError(fmt.Sprintf("%s parameters are not numbers", name)))
				}
				c.params = append(c.params, x)
			}
		}
	}
	return c, nil
}

// pitch returns the pixel size in µm from element 1 of the X and Y
// converters' parameters (metres per pixel), completed by fillPitch, and
// the warnings that go with it.
func pitch(o *hdf5.Object, opts *geometry.Options) (r2.Vec, []string, error) {
	var p [2]float64
	for i, name := range []string{"X Converter", "Y Converter"} {
		c, err := readConverter(o, name)
		if err != nil {
			return r2.Vec{}, nil, err
		}
		if !c.ok || len(c.params) < 2 || c.params[1] == 0 {
			continue // absent, or 0 for an uncalibrated instrument
		}
		if c.category != "" && c.category != "LateralCat" {
			return r2.Vec{}, nil, datxErr(geometry.UnsupportedError(fmt.Sprintf("%s of category %q", name, c.category)))
		}
		v := c.params[1] * umPerMetre
		if !(v > 0) || math.IsInf(v, 0) {
			return r2.Vec{}, nil, datxErr(geometry.FormatError(fmt.Sprintf("%s resolution %g m", name, c.params[1])))
		}
		p[i] = v
	}
	v, warnings := fillPitch(p, opts)
	return v, warnings, nil
}

// fillPitch completes the pitch p (µm, 0 where the file gives none): a
// missing axis takes the other's; with neither, opts.Pitch, else 1 µm
// (geometry.Options). Each value the file did not give and the user did
// not set is reported in a warning.
func fillPitch(p [2]float64, opts *geometry.Options) (r2.Vec, []string) {
	var warnings []string
	switch {
	case p[0] > 0 && p[1] == 0:
		p[1] = p[0]
		warnings = append(warnings, fmt.Sprintf("no Y Converter resolution in the file: the X pixel size, %.6g µm, assumed for Y", p[0]))
	case p[1] > 0 && p[0] == 0:
		p[0] = p[1]
		warnings = append(warnings, fmt.Sprintf("no X Converter resolution in the file: the Y pixel size, %.6g µm, assumed for X", p[1]))
	case p[0] == 0:
		if opts != nil && opts.Pitch.X > 0 && opts.Pitch.Y > 0 && !math.IsInf(opts.Pitch.X, 0) && !math.IsInf(opts.Pitch.Y, 0) {
			p[0], p[1] = opts.Pitch.X, opts.Pitch.Y
		} else {
			p[0], p[1] = 1, 1
			warnings = append(warnings, "no pixel size in the file (X/Y Converter resolution): 1 µm assumed (set --pitch)")
		}
	}
	return r2.Vec{X: p[0], Y: p[1]}, warnings
}

// lengthUnits maps Zygo's unit names (lower case) to µm.
var lengthUnits = map[string]float64{
	"meters":      1e6,
	"millimeters": 1e3,
	"milimeters":  1e3, // sic, as some Zygo files spell it
	"micrometers": 1,
	"nanometers":  1e-3,
	"angstroms":   1e-4,
	"picometers":  1e-6,
	"inches":      25.4e3,
	"mils":        25.4,
	"microinches": 25.4e-3,
}

// heightScale returns µm per stored height unit. The unit is the "Unit"
// attribute, else the Z converter's BaseUnit. Lengths scale directly;
// "Fringes" scale by wavelength × interferometric scale factor × obliquity
// factor, from the attributes of those names or else from Z converter
// parameters 1, 2 and 3.
func heightScale(o *hdf5.Object, opts *geometry.Options) (float64, error) {
	unit, ok, err := firstString(o, "Unit")
	if err != nil {
		return 0, err
	}
	zc, err := readConverter(o, "Z Converter")
	if err != nil {
		return 0, err
	}
	if !ok || unit == "" {
		unit = zc.unit
	}
	if unit == "" {
		if opts != nil && opts.ZUnit > 0 {
			return opts.ZUnit, nil
		}
		return 0, datxErr(geometry.UnsupportedError("surface names no height unit (no Unit attribute or Z Converter)"))
	}
	key := strings.ToLower(strings.TrimSpace(unit))
	if s, ok := lengthUnits[key]; ok {
		return s, nil
	}
	if key != "fringes" {
		return 0, datxErr(geometry.UnsupportedError(fmt.Sprintf("height unit %q", unit)))
	}
	param := func(attr string, i int, def float64) (float64, error) {
		v, ok, err := firstFloat(o, attr)
		if err != nil {
			return 0, err
		}
		if ok {
			return v, nil
		}
		if len(zc.params) > i {
			return zc.params[i], nil
		}
		return def, nil
	}
	wl, err := param("Wavelength", 1, 0)
	if err != nil {
		return 0, err
	}
	sf, err := param("Interferometric Scale Factor", 2, 0)
	if err != nil {
		return 0, err
	}
	ob, err := param("Obliquity Factor", 3, 1)
	if err != nil {
		return 0, err
	}
	// A wavelength outside 1 nm–1 mm or a non-positive factor cannot be a
	// measurement's: refuse rather than return heights off by orders.
	if !(wl >= 1e-9 && wl <= 1e-3) || !(sf > 0 && sf <= 10) || !(ob > 0 && ob <= 10) {
		return 0, datxErr(geometry.FormatError(fmt.Sprintf("fringe conversion wavelength %g m, scale factor %g, obliquity %g", wl, sf, ob)))
	}
	return wl * sf * ob * umPerMetre, nil
}

// datxErr prefixes a decoder error with the package name, as every decoder
// does: "datx: invalid format: ...".
func datxErr(err error) error { return fmt.Errorf("datx: %w", err) }
