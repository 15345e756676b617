// Package metropro decodes Zygo MetroPro binary data files (.dat) into a
// geometry.HeightMap. Importing the package registers the format under the
// name "metropro".
//
// # Units and coordinates
//
// Heights are micrometres (µm); pitch and offset are micrometres. Pixel
// (c, r) is value c of row r of the phase matrix, rows in file order, so
// row 0 is the first row stored (geometry package conventions), as in
// Gwyddion. The map offset is the phase matrix origin in
// camera pixels (cn_org_x, cn_org_y) times the pixel size. Invalid phase
// values become NaN.
//
// # Heights
//
// A phase value p (a count) becomes a height
//
//	z = p · S · λ · O / R   (metres; ×1e6 for µm)
//
// with S = intf_scale_factor, λ = wavelength_in (m), O = obliquity_factor
// and R the phase resolution: 4096 for phase_res 0, 32768 for 1 and 131072
// for 2. A non-zero sign field negates the heights. Values p ≥ 2147483640
// are invalid (no data). Sources: the MetroPro Reference Guide (OMP-0347,
// appendix "Data File Format") as transcribed by Gwyddion's metropro module
// and by SurfaceTopography's MetroPro reader (MIT), which agree on every
// field read here.
//
// # Byte layout
//
// All numbers are big-endian; offsets are 0-based (the MetroPro guide
// counts from 1). Only the fields below are read; "skip" marks ranges whose
// size is needed but whose content is not.
//
//	offset  size  type  field               use
//	     0     4  u32   magic_number        0x881B036F, 0x881B0370 or 0x881B0371
//	     4     2  u16   header_format       1, 2 or 3
//	     6     4  u32   header_size         834 (formats 1, 2) or 4096 (3); data start here
//	    52     2  u16   ac_width            intensity width
//	    54     2  u16   ac_height           intensity height
//	    56     2  u16   ac_n_buckets        intensity frames
//	    64     2  i16   cn_org_x            phase origin x, camera pixels → Offset.X
//	    66     2  i16   cn_org_y            phase origin y, camera pixels → Offset.Y
//	    68     2  u16   cn_width            phase columns
//	    70     2  u16   cn_height           phase rows
//	   164     4  f32   intf_scale_factor   S
//	   168     4  f32   wavelength_in       λ, metres
//	   176     4  f32   obliquity_factor    O
//	   184     4  f32   lateral_res         pixel size, metres → Pitch
//	   218     2  i16   phase_res           0, 1 or 2 → R
//	   232     2  i16   sign                ≠ 0: heights negated
//	header_size       2·ac_n_buckets·ac_width·ac_height   u16 intensity (skip)
//	then              4·cn_width·cn_height                 i32 phase, row-major
//
// The intensity size is computed from its dimensions (ac_n_bytes is not
// trusted), as Gwyddion and SurfaceTopography do.
//
// # Not read
//
// Intensity frames, the rest of the header (comments, part and instrument
// data, fiducials, the format-3 extension) and anything after the phase
// data. A file whose lateral_res is zero carries no pixel size: Decode then
// uses Options.Pitch, and fails if that is unset. The byte layout was
// cross-checked with Gwyddion 2.62 (metropro module), which reads the same
// header fields and gives the same heights to within float32 rounding.
//
// # Warnings
//
// Decode adds no warnings (geometry.HeightMap.Warnings): the format fixes
// the units, and a missing pixel size is taken only from Options.Pitch,
// never assumed.
package metropro
