// Package mate predicts what two measured MT ferrules do when they are
// mated (SPEC §10): for every fiber pair the lateral offset and its
// insertion loss, whether the fibers touch under the connector's spring
// force, the air gap of those that do not, its return loss and the loss it
// adds, and whether a contact pair's core dips risk a gap over the cores.
// It reads two analysis reports (ferrule.Report); it never sees the maps.
// Every number is a prediction from the geometry under the model below,
// not a measurement, and the Result says so.
//
// # Units and frames
//
// Positions are µm in each ferrule's own frame (SPEC §3), heights in the
// reports are nm and are used in µm, angles are the reports' degrees. A
// value that cannot be predicted (an unmeasured fiber) is NaN in Go and
// null in JSON, and the pair carries a flag saying why.
//
// # Pairing
//
// B faces A, so B's frame is mirrored into A's. With both keys on the same
// side of their frames (Layout.Key) and polarity "B" (key-up to key-up, the
// default), B's point (x, y) is at (−x, y) in A's frame; with polarity "A"
// (key-up to key-down) at (x, −y). A part whose key is on the other side of
// its frame than its mate's is first turned by 180° ((x, y) → (−x, −y)).
// All three maps are diagonal with entries ±1, so each is its own inverse.
// A's fiber meets the B fiber whose nominal centre maps onto its own: for
// two top-keyed parts, column c meets N+1−c (polarity B), or column c and
// row rows+1−r (polarity A).
//
// # Model (SPEC §10)
//
//   - Offset d = |p_A − M(p_B)| from the measured centres (x_um, y_um);
//     IL_offset = 4.343·(d/w)², w = MFD/2 (ferrule.OffsetLossDB). For a
//     multimode part the offset times the plant's calibration factor
//     (--mm-loss-db-per-um), null without one.
//   - Contact: each face's height toward the other at A's fiber centre,
//     z = H + X·tan(Sx) + Y·tan(Sy) in the face's own frame (B's at
//     M⁻¹(p_A)), s = z_A + z_B. The ferrules are rigid on their pins and
//     close along the pin axis until the fibers carry the spring force F:
//     with stiffness k per pair, pair i is compressed by
//     c_i = max(0, s_i − (s_max − δ)) where F = k·Σc_i. δ is solved
//     exactly: with the pairs sorted by s, the first m in contact give the
//     level t = s_max − δ = (Σ_{i≤m} s_i − F/k)/m, and the answer is the
//     first m whose level is no lower than the next pair's s (water
//     filling; no iteration, no tolerance).
//   - Per pair: in_contact (c_i > 0), gap_nm (t − s_i for an open pair, 0
//     in contact), contact_force_n (k·c_i).
//   - Open pairs: R = 2·R0·(1 − cos(4π·g/λ)), R0 = ((n−1)/(n+1))²;
//     rl_db = −10·log10 R (null in contact); il_db adds −10·log10(1 − R)
//     and the mode spreading 10·log10(1 + (λ·g/(2π·w²))²) (single-mode;
//     a multimode pair adds the reflection only).
//   - core_dip_risk: in contact and CD_A + CD_B above the limit (default
//     50 nm); false for open pairs and where a core dip was not measured.
//
// Pairs whose fibers were not both measured take no part in the contact
// solution (flag a_unmeasured / b_unmeasured): their heights are unknown,
// so the prediction for the others assumes they do not touch. A fiber
// without a measured centre (centre_method nominal) has no offset (flag
// a_position_unknown / b_position_unknown) and is placed at its nominal
// centre for the contact evaluation.
//
// Lensed ferrules (Layout.Interface "lensed") make no fiber contact: only
// the offset loss is predicted (give the expanded beam's MFD), in_contact
// is false and gap, force and return loss are null.
//
// # What the model leaves out
//
// A real ferrule floats a little in its housing and turns under the spring
// until its fibers share the load; the rigid-ferrule model cannot, so gaps
// predicted for parts near the angle limits are upper bounds. The Result's
// prediction line says so, and a warning names the parts whose angles are
// beyond two thirds of the SPEC §7 limits (|Sx| > 0.1°, |Sy − nominal| >
// 0.133°). Fiber ends deform as a linear spring (k, to be calibrated
// against measured IL/RL); glass elasticity over the core dip is summed up
// by core_dip_risk only.
//
// # Mating checks
//
// Two parts mate when their layouts have the same rows, fibers per row,
// fiber and row pitch and nominal hole spacing, and their measured hole
// spacings differ by at most 6 µm: the width of IEC 61754-7's spacing band
// (4.597–4.603 mm), within which any two parts take the same pins (the
// holes' 0.5–2.5 µm pin clearance and the pins' flex take up the rest);
// a larger difference means a part is out of the standard by more than
// that and the pins would not enter both. A lensed part does not mate with
// a contact one. A PC part against an APC one is predicted (as it would go
// in the field: large gaps) with a warning.
package mate
