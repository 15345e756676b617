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
// Every pixel is evaluated at its centre (point sampling), heights along z:
//
//   - ferrule surface: z = tan(x angle)·X + tan(y angle)·Y − X²/(2Rx) − Y²/(2Ry),
//     Rx, Ry > 0 for a dome (SPEC §4's sign), 0 or ±Inf flat;
//   - fiber i, for ρ ≤ 62.5 µm (125 µm cladding) from its true centre:
//     z = surface + h_i − (R_i − √(R_i² − ρ²)), a spherical cap of radius
//     R_i whose apex stands h_i above the surface at the same (X, Y); minus
//     the core dip d_i where ρ ≤ 4.5 µm (9 µm single-mode core) or 25 µm
//     (Params.Multimode);
//   - a missing fiber's cladding disc is NaN; a broken fiber's is a pit
//     5 µm (Params.BrokenDepthUm) below the surface with 0.2 µm RMS
//     Gaussian roughness;
//   - guide holes: discs of NaN (distance ≤ diameter/2) at the hole centres;
//   - dust (Params.Dust particles, off by default): centres uniform over
//     the map but at least 10 µm clear of every fiber's cladding (so the
//     fibers' truth holds), radius 3…15 µm, height 0.5…3 µm, a
//     half-ellipsoid bump added to valid pixels within 0.8 of the radius and
//     NaN in the outer rim (too steep for an interferometer); listed in
//     Truth.Dust;
//   - Gaussian noise of RMS Params.NoiseUm on every valid pixel, then each
//     pixel set to NaN with probability Params.DropoutFraction.
//
// Disc membership is inclusive (ρ ≤ radius).
//
// # Truth
//
// ApexHeightNm is h_i. HeightNm is SPEC §5's averaged height in the
// continuous limit: the mean of cap − surface − dip over the Ø 50 µm disc
// centred on the fiber (MeanHeight); it is relative to the ferrule surface,
// which for a flat ferrule is SPEC §4's reference plane. The per-row and
// whole-ferrule differentials, minus coplanarity and fiber-plane angle follow
// SPEC §6 from these HeightNm values and the fibers' true (X, Y), over the
// fibers that are not missing or broken; adjacent differentials pair only
// neighbouring columns that are both present.
//
// # Determinism
//
// Generate is a pure function of Params. Its random draws use math/rand/v2's
// PCG seeded with Params.Seed, one stream per use (noise, dropouts, pit
// roughness, dust), so switching dust on does not change the noise. Random
// draws its parameters from yet another stream of the same seed.
//
// # Performance
//
// Caps, holes and dust are evaluated only in their bounding boxes; the
// surface, noise and dropouts (drawn as geometric gaps, not one draw per
// pixel) take one pass each. A 2233×600 map takes about 16 ms, 2048×2048
// about 60 ms on the development machine.
package synth
