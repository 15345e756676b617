// Package render draws pictures and writes HTML reports of analysed MT
// end faces: the end-face picture (EndFace), the fiber-height chart
// (HeightChart), the fiber-tip close-ups (FiberTiles), a self-contained
// page per ferrule (WritePage) and a lot page (WriteLotPage). It uses
// gonum/plot; its fonts (Liberation) are compiled in, so nothing is
// fetched.
//
// # Units and frames
//
// Pictures are in the ferrule frame of SPEC §3, in µm: origin midway
// between the guide-hole centres, +X towards the hole with the larger map
// x, drawn to the right, and +Y drawn up. Row 1 (most negative Y) is at
// the bottom and fiber 1 at the left. The map is turned into that frame,
// not just shown as stored: a map viewed with its +y up (its row index
// growing upwards) appears turned by −rotation_deg; a viewer that shows
// the stored rows top-down sees the map mirrored top to bottom relative to
// these pictures. Both axes have the same µm scale.
//
// Heights are nm above the reference plane rep.Plane (z − plane, the
// levelled map). rep.Plane is not part of the JSON report, so pictures of
// the map need the Report that ferrule.Analyze returned.
//
// # What is drawn
//
// EndFace: the levelled map in the perceptually uniform viridis colours
// over a robust range (1st to 99.5th percentile of the valid levelled
// pixels, widened to take in 0 and every fiber's height and apex height,
// so the ferrule is at the dark end and the fibers spread over the rest);
// invalid pixels grey, outside the map white; a colour bar in nm, a scale
// bar, the guide-hole rims and centres, the ferrule axes (broken at the
// fibers), the reference-surface region of SPEC §4 dashed, every fiber's
// outline (the layout's fiber Ø) and number, green or red by verdict when
// rep.Grade is set. A fiber fails when any check naming it fails or it was
// not measured; a fiber without a centre is drawn dashed at its nominal
// place. Each output pixel is the mean of the map pixels it covers, so a
// large map is reduced without aliasing; a 2233 × 600 map renders to a
// 1600-pixel PNG in about 0.25 s (BenchmarkEndFace).
//
// HeightChart: the averaged fiber heights against X, one panel per row
// (highest row on top, as in the picture), each row's least-squares line
// H = p + qX (X in mm, H in nm), the fiber farthest below the line ringed
// with its minus coplanarity, and the height_nm limits of the grade as a
// band. The line, that fiber, the minus coplanarity and the height
// differential are the report's (ferrule.Row): render fits nothing.
//
// FiberTiles: one close-up per fiber, in the layout's grid, of the height
// minus the fitted tip sphere (apex_height_nm, radius_mm at x_um, y_um)
// inside the cladding, on a diverging scale symmetric about 0: the core
// dip and any chip or dirt show in blue or red, a clean tip is white.
//
// Figures have a nominal size in points (1/72 inch); Image rasterises
// them at any width (1600 px by default: 96 dpi at the nominal 1200 pt),
// Write writes PNG or SVG, and Draw puts them on any vg canvas.
//
// # Pages
//
// WritePage and WriteLotPage write HTML with the pictures as PNG data:
// URIs and the style inline: no script, no external style, font or image,
// so a page opens offline and can be mailed as one file. The lot page
// shows a batch.Summary, the numbers of summary.json: the yield (files
// passing over all files, a file that could not be analysed counting as
// failed), the failures by check and each parameter's statistics and Cpk
// against the summary's limits; from the reports it draws, for each
// parameter, a histogram and a run chart in file order.
package render
