// Package ferrule measures the end face of an MT ferrule from a height map:
// guide holes and the ferrule frame, the reference surface and its angles
// and radii, every fiber's position, height, tip radius and core dip, the
// per-row and whole-array differentials and coplanarity, and the pin-hole
// alignment of the fiber array. Definitions follow the project's SPEC
// (sections cited as §n); the choices SPEC leaves open are written here.
//
// # Units and frames
//
// Inside the package lengths are µm and angles radians, as in geometry and
// fit. The Report carries its unit in every field name (nm for heights,
// mm for radii, degrees for angles) because it is the JSON contract of
// SPEC §8. A measured value that does not exist (an unmeasured fiber, a
// flat radius) is NaN in a Num and null in JSON.
//
// Map coordinates are those of the height map (geometry). The ferrule
// frame (§3) has its origin midway between the guide-hole centres, +X along
// the hole axis in the direction nearer to the map's declared orientation
// (Options.OrientationDeg; 0, the default, is the map's +x: +X runs from the
// hole with the smaller map x to the other), +Y 90° counter-clockwise from
// +X in the map plane, +Z the map's z. A hole axis within 5° of
// perpendicular to the orientation could be taken either way: the frame is
// flagged orientation_ambiguous and a warning says so. Fibers are numbered from row 1
// (most negative Y) and, in a row, from the most negative X.
//
// # Method and the choices SPEC leaves open
//
// Guide holes: invalid regions are labelled on a coarse grid; the round ones
// of about a guide hole's size form the candidate pair closest to the
// layout's spacing and diameter. Each rim is found by row and column scans
// from the blob centre, with rim points half-way between the last invalid
// pixel and its valid neighbour, and fitted with a geometric circle after
// rejecting points more than 1.5 px (or 3 RMS) off. When no pair of invalid
// holes is found, pixels more than 20 µm below a rough plane of the map
// count as hole too (instruments that measure the hole bottoms), and the
// search is repeated.
//
// Reference surface (§4): plane and quadric by least squares over the
// rectangle between the hole centres (X) and the fiber rows ± 250 µm (Y),
// minus discs of 1.5 × fiber Ø around nominal fibers and rings of 100 µm
// around the hole rims. Both are fitted in map coordinates in one pass and
// transformed exactly to the ferrule frame. The fit is robust (see
// Outliers below).
//
// Spikes and outliers. Interferometer maps carry spikes (phase-unwrapping
// errors, dust specks, bat wings at edges), so robust statistics are part
// of the measurement:
//
//   - Isolated spikes: a valid pixel with at least three valid neighbours
//     that stands more than 0.5 µm above the highest of them or below the
//     lowest is invalid (Report.Spikes counts them). No surface a polished
//     end face has changes that much between neighbours, and an edge, a step
//     or a slope always has a neighbour on its own level. When more than
//     2 % of the valid pixels would go, the surface is too rough or noisy:
//     they stay, with a warning. Infinite heights are invalid too. The
//     caller's map is never changed (a copy is cleared when needed).
//   - Outliers of a fit: after each least-squares fit, the points more than
//     5 robust standard deviations (1.4826 × the median absolute deviation
//     of the residuals) off, and at least 20 nm, are left out and the fit is
//     repeated, at most three times: the reference quadric (whose residuals
//     follow the ferrule's curvature; the plane is fitted to the same
//     points) and every tip. A first surface fit whose quadric RMS exceeds
//     1 µm, which no polished end face has, first leaves out heights more
//     than 20 robust σ + 100 µm from the region's median. Hole rims and
//     cladding edges are circles refitted without the points 1.5 px (or 3
//     RMS) off. The numbers left out are reported (ferrule.outliers,
//     guide_holes[].outliers, fibers[].outliers); a fiber whose tip fit left
//     out more than 2 % of its points is flagged "outliers".
//
// Fibers (§5). The centre is the fiber's geometric centre, from the
// cladding edge where it shows:
//
//   - The tip (a sphere with a vertical axis, a true sphere, not a
//     paraboloid; a plane where the tip is too flat for an apex) is fitted
//     to z − reference plane over the annulus core-exclusion ≤ r ≤ fitting
//     radius, first around the nominal position. Fitting above the plane,
//     not above the quadric or raw z, keeps a curved or tilted ferrule from
//     tilting the cap (SPEC §9).
//   - The edge is looked for within 12 µm of the cladding radius: pixels
//     are classed by which they are nearer, the tip (extrapolated) or the
//     ferrule level around the fiber (a plane fitted, with outliers
//     dropped, to the ring 80–100 µm out). Between neighbouring pixels of
//     either class the edge point is the crossing of the linear
//     interpolation; next to a ring of invalid pixels (radial bins at
//     least half invalid and 30 % above the annulus's dropout rate:
//     chamfer, epoxy gap) it is half-way between the fiber's last valid
//     pixel and the first invalid one. A least-squares circle through the
//     points (refitted without those 1.5 px or 3 RMS off) must keep 24
//     points in 12 of 16 sectors and a radius within 7.2 µm of the
//     cladding's. The tip is refitted around its centre and the edge found
//     again, now refined to the circle that passes most clearly between the
//     two pixel centres of every pair (the centre maximising the smaller
//     clearance, the second-nearest pixel on each side deciding): circles
//     through the midpoints of point-sampled edges are biased by up to
//     0.1 px by where the circle falls on the grid, this one is not.
//   - A step counts as visible when it exceeds 40 nm, 10 times the tip-fit
//     RMS and twice the tip's own change over a pixel next to the edge
//     (2·(62.5 µm/R)·pitch: a steep tip makes up a small step within the
//     pixels around the edge). Where no step or ring shows, the tip's apex
//     is the centre (centre_method "apex", flag centre_from_apex), with the
//     annulus moved onto it until it moves less than 20 nm; a flat tip
//     without an edge keeps its nominal position ("nominal",
//     centre_nominal).
//   - apex_offset_um is the distance from an edge centre to the tip's apex.
//     apex_height_nm is the tip at the centre minus the plane.
//
// Core dip is the mean of (fitted tip − z) over the core disc about the
// centre. Two profiles are fitted by least squares to the pixels out to
// 1.5 px beyond the core rim: a step (flat bottom) and a parabolic, graded
// dip D·(1 − r²/rc²). The one better by more than 3σ of the tip fit's
// noise is used; where the pixels cannot tell (a few pixels at one or two
// radii of a 9 µm core) single-mode cores are taken as step-index and
// multimode ones as graded. For a step, pixels whose centres lie within
// 0.5 µm of the rim are assigned to the core by their depth (deeper than
// half the inner dip) when the dip exceeds 4 times the tip-fit RMS, by
// their distance otherwise. For a graded dip the mean of the pixels in the
// disc is corrected by the fitted profile to the disc's continuous mean
// (D/2), so where the few pixels of a small core fall does not change it.
// core_pixels says how many pixels were used. With 5–9 core pixels at
// 3 µm and 2 nm noise its scatter is about 0.8 nm RMS.
//
// Height is the mean of z − plane over the averaging disc in its
// continuous limit, so that the pixel grid does not bias it: the exact
// (closed-form) disc mean of the fitted tip about the centre (its value
// there less the sphere's mean sag over the disc), less the core dip times
// the core's exact share (rc/a)² of the disc, plus the mean departure of
// the data from the tip over the rest of the disc (dust, whatever the
// sphere does not follow), each pixel weighted by the fraction of its area
// inside the disc (linear edge approximation). Invalid pixels are bridged
// by the tip. A plain mean over pixel centres would be off by up to ~2 nm
// at a 1 mm tip radius and by up to a pixel's share of the core dip.
//
// Flags: missing (under 30 % valid pixels in the annulus or disc),
// few_points, fit_failed, broken (tip-fit RMS above 50 nm: no polished
// end, unmeasured), centre_not_found (apex more than half the fitting
// radius from nominal), off_map (nominal centre outside the map),
// partly_off_map (the map's edge cuts the fit disc: those pixels count as
// invalid), not_found (flat, level and without an edge: no fiber end),
// flat_tip, centre_from_apex, centre_nominal, high_residual (tip-fit RMS
// above 20 nm), no_core_pixels. A fiber with an error has no
// numbers and fails grading; the rest of the ferrule is still measured.
//
// Array (§6): rows and the whole array use the averaged heights of the
// measured fibers at their measured X (nominal X for flat tips), X in mm.
// The row radius is line_radius_mm = −1/(2s) of H = p + qX + sX² with H
// converted to mm, signed like the ferrule radii (positive for a convex
// row, whose middle stands higher); it needs four fibers. The pin-hole alignment is the
// rigid least-squares fit p ≈ R(θ)·n + t of measured to nominal centres:
// array_dx_um, array_dy_um = t and array_rotation_deg = θ.
//
// Radii beyond Options.FlatRadiusMM (default 1e5 mm) are flat: NaN.
//
// # Uncertainty
//
// Every fitted result carries a standard uncertainty (SPEC §11; the
// u_* fields), the repeatability a re-measurement of the same part would
// show, from its own fit (docs/uncertainty.md has the derivations):
//
//   - Noise: each fit's covariance σ²·(AᵀA)⁻¹ (fit.Covariance), σ² its
//     residual variance. Residuals correlated over several pixels make
//     that optimistic, so each tip fit's residuals are correlated on the
//     pixel grid (fit.GridCorrelation: lags 1…12 along rows and columns,
//     separable, a baseline from the longest lags for the noise the fit
//     absorbed, lags kept while above 2/√n). Where they are correlated the
//     tip's covariance is the sandwich M⁻¹(JᵀRJ)M⁻¹·σ² with
//     σ² = RSS/(N − tr(HR)) (fit.Covariance.Correlated), and sums of
//     pixels get σ²·aᵀRa (fit.Correlation.QuadForm).
//   - Height: the height is, to first order, a weighted sum of pixels
//     (the core pixels through the dip's share, the rest of the disc with
//     its area weights) plus the tip's parameters through the difference
//     of the tip's exact and pixel-weighted disc means, which nearly
//     vanishes; plus the reference plane's variance at the centre.
//   - Apex height: the tip at the centre through its gradient, the plane
//     there, and for an edge centre the tip's slope times its position
//     uncertainty. Tip radius: the sphere's R, whose covariance comes from
//     that of the curvature 1/R (u_R = R²·u_(1/R)).
//   - Core dip: Σ c·(tip − z) over the core pixels with the dip's own
//     weights c (a step's 1/n, a graded profile's correction), so the
//     tip's variance through Σ c·∇tip plus σ²·cᵀRc (the core pixels are
//     not in the tip fit).
//   - Position, each coordinate: from the apex, the sphere's (X0, Y0) plus
//     R² times the plane's slope variance; from the edge, what the pixels
//     leave open to the widest circle: the centres whose circles still
//     pass between every pair have the density of their clearance (the
//     part's placement on the grid and the cladding's radius unknown),
//     and its second moment about the widest centre is the variance (the
//     step is far above the noise: the pixels, not the noise, limit it);
//     from a ring of invalid pixels, the least-squares circle's covariance
//     (its midpoints' scatter); nominal: null.
//   - Angles: the reference plane's slopes, σ² the quadric's residual
//     variance (the plane's own residuals hold the ferrule's curvature),
//     inflated by Correlation.Factor of the quadric's residuals in two
//     bands of rows; in degrees through d(atan s)/ds = 1/(1 + s²).
//
// Unmeasured values have null uncertainties; a flat tip's radius has none.
// Not included: the guide-hole frame's own uncertainty (SPEC §11; about
// 0.08 µm per coordinate on synthetic maps, twice a centre's own), and
// errors of the model (a tip that is no sphere). TestUncertaintyHonest
// checks the figures against the scatter over 40 re-measurements,
// TestUncertaintyZScores against the truth over production parts.
//
// # Fields and grading
//
// Fields is the one registry of the report's numbers (ferrule, summary and
// fiber fields): each Field has the name a profile's limit uses, its unit
// (from the key's suffix, SPEC §8), whether it is a radius (null = flat
// when the part was measured with a curvature, read as +Inf by
// Field.Value) and the field of its standard uncertainty. Grading, the
// batch CSV tables and statistics, the pages and the results store all read
// values through it. A profile's GuardBand k makes a check within k·u of a
// limit marginal (SPEC §11): neither passed nor failed, and a grade with a
// marginal check and no failed one is marginal.
//
// # Plausibility
//
// Before anything is searched for, a map must be able to hold an MT end
// face (ErrImplausible otherwise): its pixels no coarser than a twelfth of
// the fiber Ø (10.4 µm for 125 µm fibers), its field of view at least the
// guide-hole spacing across (with a frame given, one fiber Ø).
//
// # Options
//
// Options.Validate refuses, before any map is read, options outside their
// physical range: fitting radius (0, fiber Ø/2]; core exclusion below it;
// core and averaging diameters (0, fiber Ø]; fiber exclusion [fiber Ø,
// fiber pitch]; hole and array margins (0, 1000] µm; fixture angle within
// ±15°; orientation within ±360°; flat-radius limit positive.
//
// # Loss against an ideal mate
//
// il_ideal_db (SPEC §10) is 4.343·(d/w)² dB for the fiber's position error
// d = |(dx_um, dy_um)| against its nominal place in the hole frame (no
// array refit) and w = MFD/2, Options.MFDUM (default 9.2 µm); a fiber
// without a measured centre has none. A multimode part has no Gaussian
// mode: its il_ideal_db is d × Options.MMLossDBPerUM when that calibration
// is given, NaN otherwise. Report.Loss records the model. The formulas are
// in loss.go, shared with the mated-pair prediction (ferrule/mate).
// Validate refuses an MFD outside [1, 100] µm, a wavelength outside
// [400, 2000] nm and a multimode factor outside [0, 10] dB/µm.
//
// # Warnings
//
// Report.Warnings carries the decoder's warnings (geometry.HeightMap:
// an assumed unit, a stale checksum, a non-standard element) and the
// analysis's own (an ambiguous orientation, a multimode part recognised,
// a surface too rough to despike).
//
// # Multimode parts
//
// A part is single-mode unless the layout or Options.Multimode says
// otherwise; but when a single-mode analysis finds the fibers dipping more
// than 15 nm (the median over the fibers) 6–9.5 µm from their centres,
// outside a 9 µm core and inside a 50 µm one, the fibers are measured again
// as multimode (50 µm cores, 30 µm core exclusion) and a warning says so,
// unless the core diameter or core exclusion was given by option: then the
// warning only asks.
//
// # Layout identification and check
//
// Without a layout, the hole spacing selects the 12- or 16-wide family
// (within 8 %), and the rows are those where at least half of eight
// nominal fiber positions spread along the row show a fiber: a step of
// more than 50 nm between the disc of the fitting radius and a ring
// 70–95 µm out, or a cap of |R| < 200 mm.
//
// A declared layout is checked the same way when the guide holes are found
// (ErrLayoutMismatch, naming the layout the map suggests): the hole spacing
// must be within 3 % of the layout's, and for a layout of a built-in family
// the rows that show fibers must be its rows, so that fibers are never
// looked for on bare ferrule between rows or missed in rows it lacks.
//
// # Processors
//
// One analysis spreads its steps over the processors that the analyses
// running beside it in the process leave (a batch's workers take one
// each; Analyzer.Serial keeps an analysis on its goroutine): the pixel
// scan and the surface clip over blocks of 64 rows, the layout probes
// and the fibers one by one. The blocks are cut, and their sums and lists
// joined, in the same order however many goroutines run, so a report is
// the same, bit for bit, on one processor or many.
package ferrule
