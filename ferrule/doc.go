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
// frame (§3) has its origin midway between the guide-hole centres, +X from
// the hole with the smaller map x to the other, +Y 90° counter-clockwise
// from +X in the map plane, +Z the map's z. Fibers are numbered from row 1
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
// transformed exactly to the ferrule frame.
//
// Fibers (§5): the tip sphere (vertical axis, true sphere, not paraboloid)
// is fitted over the annulus core-exclusion ≤ r ≤ fitting radius to the
// height above the reference quadric (the plane plus the ferrule's own
// curvature, so a curved ferrule does not tilt the cap locally); the
// annulus is re-centred on the fitted apex until it moves less than 20 nm.
// The apex is the fiber centre. A tip too flat for an apex keeps its
// nominal centre and is flagged flat_tip and centre_nominal; it counts as a
// fiber only if a step of more than 50 nm against the surface around the
// cladding or a core dip above 4 times the fit RMS shows one, and is
// otherwise not_found (unmeasured).
//
// Core dip is the mean of (fitted tip − z) over the core disc; pixels whose
// centres lie within 0.5 µm of the core rim are assigned to the core by
// their depth (deeper than half the inner dip) when the dip exceeds 4 times
// the tip-fit RMS, and by their distance otherwise; core_pixels says how
// many were used. With 5–9 core pixels at 3 µm and 2 nm noise its scatter
// is about 0.8 nm RMS.
//
// Height is the mean of z − plane over the averaging disc in its
// continuous limit, so that the pixel grid does not bias it: the exact
// (closed-form) disc mean of the fitted tip above the plane, less the core
// dip times the core's exact share (rc/a)² of the disc, plus the mean
// departure of the data from the tip over the rest of the disc (dust,
// whatever the sphere does not follow), each pixel weighted by the fraction
// of its area inside the disc (linear edge approximation). A plain mean
// over pixel centres would be off by up to ~2 nm at a 1 mm tip radius and
// by up to a pixel's share of the core dip.
//
// Flags: missing (under 30 % valid pixels in the annulus or disc),
// few_points, fit_failed, broken (tip-fit RMS above 50 nm: no polished
// end, unmeasured), centre_not_found (apex more than half the fitting
// radius from nominal), off_map (nominal centre outside the map),
// partly_off_map (the map's edge cuts the fit disc: those pixels count as
// invalid), not_found (flat and level: no fiber end), flat_tip, centre_nominal, high_residual
// (tip-fit RMS above 20 nm), no_core_pixels. A fiber with an error has no
// numbers and fails grading; the rest of the ferrule is still measured.
//
// Array (§6): rows and the whole array use the averaged heights of the
// measured fibers at their measured X (nominal X for flat tips), X in mm.
// The row radius is line_radius_mm = 1/(2s) of H = p + qX + sX² with H
// converted to mm, as SPEC writes it (negative for a row whose middle
// stands higher); it needs four fibers. The pin-hole alignment is the
// rigid least-squares fit p ≈ R(θ)·n + t of measured to nominal centres:
// array_dx_um, array_dy_um = t and array_rotation_deg = θ.
//
// Radii beyond Options.FlatRadiusMM (default 1e5 mm) are flat: NaN.
//
// # Layout identification
//
// Without a layout, the hole spacing selects the 12- or 16-wide family
// (within 8 %), and the rows are those where at least half of eight
// nominal fiber positions spread along the row show a fiber: a step of more than 50 nm between the disc
// of the fitting radius and a ring 70–95 µm out, or a cap of |R| < 200 mm.
package ferrule
