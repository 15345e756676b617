// Package synth generates synthetic MT ferrule end faces with known truth,
// for testing the analysis against numbers that do not come from it.
//
// It shares no code with the analysis packages: it has its own copy of the
// layout table (SPEC §2), its own frame transform and its own least-squares
// code for the array results, so a convention read wrongly there is not read
// wrongly here in the same way. Its model is the one of the outside
// generator that made /work/shared/samples (see the README there); the tests
// rebuild those samples from their parameters and match them pixel for pixel
// to within the two generators' independent noise.
//
// # Units
//
// In the map and in Params: lengths and heights in micrometres (µm), angles
// in degrees, ferrule and fiber-tip radii in millimetres (mm, named so). In
// Truth, as in the project's JSON report (SPEC §8): positions µm, heights
// nanometres (nm), radii mm, angles degrees, units in every key. A quantity
// that does not exist is NaN in Go and null in JSON.
//
// # Frames
//
// The map follows SPEC §1: pixel (c, r) is at map coordinates (c·p, r·p),
// p the pixel pitch, offset 0, z out of the end face. The ferrule frame has X
// through the guide-hole centres, origin midway, holes at X = ±spacing/2,
// Y = 0. A ferrule-frame point P is drawn at map point
//
//	centre + Rot(rotation)·P + shift,  centre = ((cols−1)/2·p, (rows−1)/2·p),
//
// Rot turning counter-clockwise in the map (+X towards +y for a positive
// angle), so the frame's origin is at centre + shift (Truth.OriginMapUm) and
// its rotation (SPEC §3) is the input rotation. Fibers sit at the nominal
// grid (rows centred on the X axis, Y = (row − (rows+1)/2)·row pitch; fibers
// of a row centred on the Y axis, X = (col − (n+1)/2)·pitch) plus their
// offsets; row 1 has the most negative Y, column 1 the most negative X,
// index = (row − 1)·n + col.
//
// # Model
//
// Every pixel is evaluated at its centre (point sampling), heights along z,
// (X, Y) in the ferrule frame:
//
//   - ferrule surface: z = T(X, Y) + C(X, Y), the ferrule plane
//     T = tan(x angle)·X + tan(y angle)·Y plus the curvature
//     C = −X²/(2Rx) − Y²/(2Ry), Rx, Ry > 0 for a dome (SPEC §4's sign), 0 or
//     ±Inf flat;
//   - fiber i, centre (x_i, y_i), for ρ ≤ 62.5 µm (125 µm cladding) from its
//     centre: z = T(X, Y) + C(x_i, y_i) + h_i − sag_i(ρ_a), a spherical cap
//     of radius R_i, sag(ρ) = R − √(R² − ρ²), with ρ_a the distance from
//     the cap's apex (x_i, y_i) + Params.ApexOffsets[i]. The cap sits on the
//     surface at its own centre, C(x_i, y_i), and is symmetric about the
//     ferrule plane T (not tilted by the curvature's local slope), as in the
//     outside generator; h_i is its height at the apex. The cladding disc,
//     the core and its dip stay centred on the fiber centre whatever the
//     apex offset. R_i must exceed 62.5 µm plus the apex offset;
//   - core dip of peak depth d_i subtracted for ρ ≤ rc = 4.5 µm (9 µm
//     single-mode core) or 25 µm (Params.Multimode): d_i, flat-bottomed
//     (CoreDipProfile "" or "step"), or d_i·(1 − ρ²/rc²) ("parabolic", a
//     graded-index core polished away faster at its centre);
//   - a missing fiber's cladding disc is NaN; a broken fiber's is a pit
//     5 µm (Params.BrokenDepthUm) below the surface with 0.2 µm RMS
//     Gaussian roughness;
//   - edge ring (Params.EdgeRingUm {inner, outer}, off when zero): every
//     pixel with inner ≤ ρ ≤ outer around the fibers of EdgeRingFibers, or
//     around every fiber neither missing nor broken when that is nil, is
//     NaN, on the fiber and on the ferrule alike (a chamfer or epoxy gap
//     across the cladding edge, e.g. {61, 65});
//   - guide holes: discs of NaN (distance ≤ diameter/2) at the hole centres;
//   - dust (Params.Dust particles, off by default): centres uniform over
//     the map but at least 10 µm clear of every fiber's cladding and edge
//     ring (so the fibers' truth holds), radius 3…15 µm, height 0.5…3 µm, a
//     half-ellipsoid bump added to valid pixels within 0.8 of the radius and
//     NaN in the outer rim (too steep for an interferometer); listed in
//     Truth.Dust;
//   - Gaussian noise of RMS Params.NoiseUm on every valid pixel, independent
//     between pixels or, with Params.NoiseCorrelationUm = L, correlated as
//     exp(−d²/(2L²)) over a distance d (Gaussian-filtered white noise
//     rescaled to the RMS), then each pixel set to NaN with probability
//     Params.DropoutFraction.
//
// Disc and ring membership is inclusive (ρ ≤ radius). On a flat ferrule
// without apex offsets this is the earlier model bit for bit.
//
// # Truth
//
// Truth holds what a perfect analysis following SPEC would report; every
// height is relative to SPEC §4's reference plane.
//
// Reference plane (Truth.ReferencePlane): the least-squares plane
// z = a + b·X + c·Y through the noiseless ferrule surface T + C (no
// fibers, no noise) over SPEC §4's default fitting region: the ferrule-frame
// rectangle |X| ≤ hole spacing/2, |Y| ≤ outermost row |Y| + 250 µm, minus
// closed discs of Ø 187.5 µm (1.5 × 125) around every nominal fiber
// position and of radius hole Ø/2 + 100 µm around each hole centre. It is
// sampled at the map's pixel centres in the region whenever the map holds
// the region's whole rectangle (always for the default field, even at
// Random's extremes of rotation and shift); a map that does not (a crop) is
// given the plane of a square lattice over the region through the ferrule
// origin, of the map's pitch but no finer than 2 µm (Sampling "region"),
// which a full map matches to ≈ 0.1 nm. The fit is of C alone, with this
// package's own normal equations, plus T exactly, so a flat ferrule's plane
// is T (z0 0, its angles the input angles). On a curved ferrule the plane
// absorbs the curvature's mean over the region (and, through the pixel
// lattice's asymmetry about the origin, a tiny slope). Its angles atan(slope) are SPEC's
// Sx, Sy; the fiber-plane X angle is taken against its X angle.
//
// Per fiber, with lift_i = T(x_i, y_i) + C(x_i, y_i) − plane(x_i, y_i), the
// fiber's seat above the plane (0 on a flat ferrule), e_i the apex offset
// and a = 25 µm:
//
//   - ApexHeightNm (SPEC's apex_height_nm, the tip at the fiber centre
//     above the plane, no dip) = h_i − sag_i(e_i) + lift_i;
//   - HeightNm (SPEC §5's averaged height) = the continuous mean over the
//     Ø 50 µm disc centred on the fiber centre of cap − dip − plane
//     = MeanCapHeight(h_i, R_i, e_i, d_i, rc, a, profile) + lift_i (the
//     plane's mean over the disc is its value at the centre): closed form
//     for a centred cap (MeanHeight), Gauss–Legendre × trapezoid quadrature
//     at float64 precision for an offset one; the dip's share is d·(rc/a)²
//     for a step, d·rc²/(2a²) for a parabola;
//   - CoreDipNm (SPEC's core dip, the mean of the dip over the core disc) =
//     d_i for a step, d_i/2 for a parabola;
//   - XUm, YUm the fiber centre; ApexXUm, ApexYUm the cap's apex and
//     ApexOffsetUm = e_i: the highest point of the cap above the ferrule
//     plane T. Above the fitted reference plane the highest point moves by
//     R_i times the slope the curvature fit adds to T, which only the pixel
//     lattice's asymmetry about the origin makes non-zero (≲ 3e-7 at
//     |R| = 1 m on a default field: < 0.01 µm for a 20 mm tip).
//
// The per-row and whole-ferrule differentials, minus coplanarity and
// fiber-plane angle follow SPEC §6 from these HeightNm values and the
// fibers' true (X, Y), over the fibers that are not missing or broken;
// adjacent differentials pair only neighbouring columns that are both
// present.
//
// # Random parts
//
// Random draws the flat single-mode parts of the project's accuracy tests;
// RandomProduction adds what a polishing line makes (curved ferrules,
// offset apexes, multimode cores with parabolic dips) from a stream of its
// own, so Random's draws are unchanged. Their ranges are in their docs.
//
// # Determinism
//
// Generate is a pure function of Params. Its random draws use math/rand/v2's
// PCG seeded with Params.Seed, one stream per use (noise, dropouts, pit
// roughness, dust), so switching dust on does not change the noise. Random
// draws its parameters from yet another stream of the same seed, and
// RandomProduction its additions from one more.
//
// # Performance
//
// Caps, rings, holes and dust are evaluated only in their bounding boxes;
// the surface, noise and dropouts (drawn as geometric gaps, not one draw per
// pixel) take one pass each, and a curved ferrule's reference plane one
// pass over the fitting region's bounding box. A flat 2233×600 map takes
// about 16 ms, 2048×2048 about 60 ms on the development machine; a curved
// ferrule adds about 10 ms. Correlated noise draws a padded field and
// filters it along rows and columns (2·⌈4σ⌉ + 1 taps each, σ = L/√2 in
// pixels): at L = 3 pixels the whole generation takes about 2.4 times as
// long as with white noise.
package synth
