// Package study runs the measurement-system studies of SPEC §12 on
// analysed MT end faces: a gauge R&R study (GaugeRR, the AIAG crossed
// two-way ANOVA), an orientation reversal (Reverse: the part's angles and
// the instrument's bias from the same ferrule measured twice, turned by
// 180° in between) and a region sweep (Sweep: every summary result and the
// verdict over a range of region options).
//
// # Units
//
// Every number is in the unit of the report field it comes from (SPEC §8:
// the unit is in the key name, "nm" for height_nm, "deg" for x_angle_deg);
// a gauge study's standard deviations carry the unit of their parameter
// (Parameter.Unit), its ANOVA sums of squares and mean squares that unit
// squared. Region settings are µm. Percentages are 0–100. A number that
// does not exist is NaN in Go and null in JSON (ferrule.Num).
//
// # Gauge R&R
//
// A study is p parts × o operators (or stations) × r trials, crossed: every
// operator measures every part r times. The design must be balanced (every
// part × operator cell with the same r ≥ 2, p ≥ 2, o ≥ 2); otherwise the
// error names the missing, short or duplicated cells. Its input is a list
// of Measurements (part, operator and trial labels with a report) or a CSV
// manifest (ReadManifest: columns part, operator, trial, file in any order,
// header required, relative paths relative to the manifest's folder).
//
// Every number of the report a profile can limit (ferrule.Fields) is a
// parameter, except counts (fit_points, core_pixels, ...) and the u_*
// uncertainties, which describe a fit rather than the part. A fiber field
// gives one study per fiber, named field[index] ("height_nm[3]": fiber 3's
// height). A parameter that is not measured (or is a flat radius, null in
// the report) in some measurement cannot be put into a balanced ANOVA: it
// is listed in GRR.Skipped with the reason.
//
// The ANOVA follows AIAG MSA, 4th edition (2010), Appendix A / Table
// III-B 6: with x̄ the grand mean, x̄ᵢ the part means, x̄ⱼ the operator
// means, x̄ᵢⱼ the cell means,
//
//	SS_part        = o·r·Σᵢ(x̄ᵢ − x̄)²             df p − 1
//	SS_operator    = p·r·Σⱼ(x̄ⱼ − x̄)²             df o − 1
//	SS_interaction = r·Σᵢⱼ(x̄ᵢⱼ − x̄ᵢ − x̄ⱼ + x̄)²   df (p − 1)(o − 1)
//	SS_equipment   = Σᵢⱼₖ(xᵢⱼₖ − x̄ᵢⱼ)²           df p·o·(r − 1)
//
// MS = SS/df. The table's F values are those of the full model (part and
// operator against the interaction, the interaction against equipment), as
// AIAG prints them; the interaction's p-value is the upper tail of
// Fisher's F with its two dfs (gonum distuv.F). The interaction is kept
// when p < 0.05; else its SS and df are pooled into repeatability (MS_E =
// (SS_interaction + SS_equipment)/(df_interaction + df_equipment)) and
// the interaction component is 0. The variance components (negative
// estimates set to 0) are
//
//	EV²  = MS_E
//	INT² = (MS_interaction − MS_E)/r                 (kept only)
//	AV²  = (MS_operator − M)/(p·r)
//	PV²  = (MS_part − M)/(o·r)
//
// with M = MS_interaction when the interaction is kept and the pooled MS_E
// when not; GRR² = EV² + AV² + INT², TV² = GRR² + PV². EV, AV, INT, GRR,
// PV and TV are reported as standard deviations; %X = 100·X/TV; %GRR of
// the tolerance = 100·6·GRR/(USL − LSL) when the profile limits the
// parameter on both sides (else null); ndc = ⌊1.41·PV/GRR⌋ (null when
// GRR is 0). Verdict from %GRR of TV: below 10 % "acceptable", 10–30 %
// "conditional", above 30 % "unacceptable"; a parameter that did not vary
// at all (TV = 0) is "no variation".
//
// # Orientation reversal
//
// A and B are the same ferrule, B turned by 180° in the fixture. Both
// frames come from the guide holes (SPEC §3), so B's frame is the part's
// frame turned by 180°: a part's slope appears as +S in A and −S in B,
// while an instrument's tilt b, fixed in the map, appears as +b in both.
// With the slopes tan(Sx), tan(Sy) as vectors, b = (S_A + S_B)/2 and
// S = (S_A − S_B)/2, in A's hole frame. When the two frames' rotations in
// the map differ by δ (the part re-seated slightly turned), the instrument
// term is solved in map coordinates, so that b and S stay exact:
// b_map = (R(−θ_A) + R(−θ_B))⁻¹·(S_A + S_B), S = S_A − R(−θ_A)·b_map.
// Angles are reported as atan of the slopes, degrees.
//
// Fiber i of A is fiber N + 1 − i of B (rows and columns mirrored). A
// fiber's position error (dx_um, dy_um) is a vector in the hole frame and
// splits like the slopes: part = (d_A − d_B)/2, instrument = (d_A + d_B)/2
// (the instrument's error common to both placements, e.g. a lateral offset
// between its height and lateral calibration). A fiber's height is a
// scalar the part carries into both measurements: part = (H_A + H_B)/2 and
// instrument = (H_A − H_B)/2, the instrument's height error at fiber i's
// place in A's map, antisymmetric about the map centre (a field-dependent
// error of the instrument's reference; a pure tilt is removed by the
// reference plane and leaves it 0). Pairs where either fiber was not
// measured are listed without values and not counted as paired.
//
// B must be A turned: the same layout and fiber count, and hole spacings
// equal within ReversalOptions.SpacingToleranceUM (default 1 µm: the same
// part measured twice agrees to the hole centres' error in both maps, each
// within 0.12 µm on synthetic maps, so to about 0.5 µm at worst, while IEC
// 61754-7 lets the spacing of different parts differ by up to 6 µm: 4.597
// to 4.603 mm). Otherwise Reverse returns an error saying which disagrees.
// Fiber heights that match far better fiber i to fiber i than to fiber
// N + 1 − i (RMS difference more than 3 times smaller, and 5 nm) give a
// warning that B may not have been turned.
//
// # Region sweep
//
// Sweep analyses one decoded height map once per setting of a grid of
// region options (Vary: an option named as the analyze flag,
// averaging-diameter, fit-radius, core-exclusion, core-diameter,
// fiber-exclusion, hole-margin, array-margin, over LO:HI:STEP or a list of
// values), grading each report when a profile is given. Each point holds
// the ferrule angles and radii, every summary field and the verdict; the
// checks whose state (pass, marginal, fail) differs between points are
// listed in SweepResult.Changes. A setting is analysed exactly as a single
// analysis with those regions would be: the point's report equals it.
package study
