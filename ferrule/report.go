package ferrule

import (
	"math"
	"slices"

	"strconv"

	"github.com/mtgeo/mtgeo/fit"
)

// Num is a reported number. NaN (not measured, or flat where a radius is
// asked) is written to JSON as null and read back as NaN.
type Num float64

// MarshalJSON writes n, or null for NaN and ±Inf.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	*n = Num(f)
	return err
}

// Valid reports whether n holds a measured value.
func (n Num) Valid() bool { return !math.IsNaN(float64(n)) && !math.IsInf(float64(n), 0) }

var nan = Num(math.NaN())

// Report is the result of analysing one end face: the JSON report of
// SPEC §8. Field names carry their units; everything except the map_*
// fields is in the ferrule frame.
type Report struct {
	File   string `json:"file"`
	Format string `json:"format,omitempty"`
	// Software is the program that made the report.
	Software Software `json:"software"`
	// Warnings lists what was read or measured but is suspect: the
	// decoder's (geometry.HeightMap.Warnings) and the analysis's own.
	Warnings      []string `json:"warnings"`
	Layout        string   `json:"layout"`
	PixelUM       [2]Num   `json:"pixel_um"`
	SizePx        [2]int   `json:"size_px"`
	ValidFraction Num      `json:"valid_fraction"`
	// Spikes is how many isolated spikes (pixels standing more than 0.5 µm
	// beyond all their neighbours) were taken as invalid.
	Spikes          int        `json:"spikes"`
	FixtureAngleDeg Num        `json:"fixture_angle_deg"`
	Regions         Regions    `json:"regions"`
	Frame           FrameInfo  `json:"frame"`
	GuideHoles      []HoleInfo `json:"guide_holes"`
	Ferrule         Surface    `json:"ferrule"`
	Fibers          []Fiber    `json:"fibers"`
	Rows            []Row      `json:"rows"`
	Summary         Summary    `json:"summary"`
	Grade           *Grade     `json:"grade,omitempty"`

	// Loss is the optical model il_ideal_db was computed with (SPEC §10).
	Loss LossModel `json:"loss"`

	// Plane is the reference plane in map coordinates (z = A + B·x + C·y,
	// µm), for levelling the map in pictures. Not part of the JSON.
	Plane fit.Plane `json:"-"`
}

// FrameInfo is the ferrule frame in map coordinates.
type FrameInfo struct {
	OriginMapUM   [2]Num `json:"origin_map_um"`
	RotationDeg   Num    `json:"rotation_deg"`
	HoleSpacingUM Num    `json:"hole_spacing_um"` // null when the frame was given by option
	// HoleSpacingErrorUM is the measured minus the layout's spacing.
	HoleSpacingErrorUM Num `json:"hole_spacing_error_um"`
	// FromHoles is false when the frame was given by option.
	FromHoles bool `json:"from_holes"`
	// Flags: "orientation_ambiguous" when the hole axis is within 5° of
	// perpendicular to the map's declared orientation.
	Flags []string `json:"flags"`
}

// HoleInfo is one guide hole.
type HoleInfo struct {
	MapXUM     Num `json:"map_x_um"`
	MapYUM     Num `json:"map_y_um"`
	XUM        Num `json:"x_um"`
	YUM        Num `json:"y_um"`
	DiameterUM Num `json:"diameter_um"`
	FitRMSUM   Num `json:"fit_rms_um"`
	RimPoints  int `json:"rim_points"`
	// Outliers is how many rim points the robust circle fit left out.
	Outliers int `json:"outliers"`
}

// Surface is the ferrule reference surface (SPEC §4).
type Surface struct {
	XAngleDeg Num `json:"x_angle_deg"`
	YAngleDeg Num `json:"y_angle_deg"`
	XRadiusMM Num `json:"x_radius_mm"` // null when flat
	YRadiusMM Num `json:"y_radius_mm"` // null when flat
	// UXAngleDeg and UYAngleDeg are the standard uncertainties of the
	// angles (SPEC §11).
	UXAngleDeg Num `json:"u_x_angle_deg"`
	UYAngleDeg Num `json:"u_y_angle_deg"`
	// FitRMSNM is the RMS residual of the reference plane.
	FitRMSNM Num `json:"fit_rms_nm"`
	// QuadricFitRMSNM is the RMS residual of the quadric.
	QuadricFitRMSNM Num `json:"quadric_fit_rms_nm"`
	FitPoints       int `json:"fit_points"`
	// Outliers is how many pixels of the fitting region the robust fit left
	// out (dust, scratches, stray spikes).
	Outliers int `json:"outliers"`
}

// Fiber is one fiber's result (SPEC §5). Unmeasured values are NaN.
type Fiber struct {
	Index int `json:"index"`
	Row   int `json:"row"`
	Col   int `json:"col"`
	XUM   Num `json:"x_um"`
	YUM   Num `json:"y_um"`
	DXUM  Num `json:"dx_um"`
	DYUM  Num `json:"dy_um"`
	// CentreMethod says where the centre came from: "edge" (the cladding
	// edge's circle), "apex" (the tip's apex, where the edge does not
	// show) or "nominal" (neither: a flat tip without a visible edge).
	CentreMethod string `json:"centre_method"`
	// ApexOffsetUM is the distance from the centre to the tip's apex, when
	// the centre came from the edge; null otherwise.
	ApexOffsetUM Num `json:"apex_offset_um"`
	HeightNM     Num `json:"height_nm"`
	ApexHeightNM Num `json:"apex_height_nm"`
	RadiusMM     Num `json:"radius_mm"`
	CoreDipNM    Num `json:"core_dip_nm"`
	CorePixels   int `json:"core_pixels"`
	FitRMSNM     Num `json:"fit_rms_nm"`
	FitPoints    int `json:"fit_points"`
	// Outliers is how many valid annulus pixels the robust tip fit left out.
	Outliers      int `json:"outliers"`
	ValidFraction Num `json:"valid_fraction"`
	// Standard uncertainties (SPEC §11) of height_nm, apex_height_nm,
	// radius_mm and core_dip_nm, and of each centre coordinate (x and y
	// alike) from the centre fit alone.
	UHeightNM     Num `json:"u_height_nm"`
	UApexHeightNM Num `json:"u_apex_height_nm"`
	URadiusMM     Num `json:"u_radius_mm"`
	UCoreDipNM    Num `json:"u_core_dip_nm"`
	UPositionUM   Num `json:"u_position_um"`
	// ILIdealDB is the insertion loss against an ideal mate from the
	// position error (SPEC §10), dB.
	ILIdealDB Num      `json:"il_ideal_db"`
	Flags     []string `json:"flags"`
	// Error says why the fiber could not be measured; empty when measured.
	Error string `json:"error,omitempty"`
}

// Measured reports whether the fiber's height was measured.
func (f *Fiber) Measured() bool { return f.Error == "" && f.HeightNM.Valid() }

// Row is the result of one fiber row (SPEC §6).
type Row struct {
	Row                    int `json:"row"`
	HeightDifferentialNM   Num `json:"height_differential_nm"`
	AdjacentDifferentialNM Num `json:"adjacent_differential_nm"`
	MinusCoplanarityNM     Num `json:"minus_coplanarity_nm"`
	LineSlopeNMPerMM       Num `json:"line_slope_nm_per_mm"`
	// LineInterceptNM is the row line's height at X = 0, nm: with the
	// slope, the line the minus coplanarity is measured from.
	LineInterceptNM Num `json:"line_intercept_nm"`
	// LowestFiber is the index of the fiber furthest below the row line
	// (the one the minus coplanarity is of), 0 if none is below it.
	LowestFiber  int `json:"lowest_fiber"`
	LineRadiusMM Num `json:"line_radius_mm"` // null when straight
}

// Summary is the whole-ferrule result (SPEC §6).
type Summary struct {
	HeightDifferentialNM   Num `json:"height_differential_nm"`
	AdjacentDifferentialNM Num `json:"adjacent_differential_nm"`
	MinusCoplanarityNM     Num `json:"minus_coplanarity_nm"`
	FiberPlaneXAngleDeg    Num `json:"fiber_plane_x_angle_deg"`
	MinHeightNM            Num `json:"min_height_nm"`
	MaxHeightNM            Num `json:"max_height_nm"`
	MaxPositionErrorUM     Num `json:"max_position_error_um"`
	// The worst and mean insertion loss against an ideal mate (SPEC §10).
	MaxILIdealDB  Num `json:"max_il_ideal_db"`
	MeanILIdealDB Num `json:"mean_il_ideal_db"`
	// Array shift and rotation: the rigid least-squares fit of the measured
	// fiber centres to the nominal grid, relative to the hole axis.
	ArrayDXUM        Num `json:"array_dx_um"`
	ArrayDYUM        Num `json:"array_dy_um"`
	ArrayRotationDeg Num `json:"array_rotation_deg"`
	MeasuredFibers   int `json:"measured_fibers"`
	Fibers           int `json:"fibers"`
}

// FlatRadius reports whether a radius r, null in the report, means flat
// (beyond the flat limit, or a tip too flat for a curvature) rather than
// not measured: so it is when the part it belongs to was measured with a
// curvature to speak of (Fiber.TipFlat, Surface.Fitted). It is the one rule
// by which grading (as +Inf), the CSV tables (as inf) and the pages read a
// null radius.
func FlatRadius(r Num, measured bool) bool { return measured && !r.Valid() }

// TipFlat reports whether the fiber was measured with a flat tip, so that
// its null radius_mm means flat.
func (f *Fiber) TipFlat() bool { return f.Measured() && slices.Contains(f.Flags, "flat_tip") }

// Fitted reports whether the reference quadric was fitted, so that a null
// x_radius_mm or y_radius_mm means flat.
func (s *Surface) Fitted() bool { return s.QuadricFitRMSNM.Valid() }
