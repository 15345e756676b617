// Package fit holds the least-squares fits of the end-face analysis:
// planes and quadrics to height maps or points, spherical caps to fiber
// tips, circles to guide-hole rims, and lines and parabolas to fiber
// heights.
//
// # Units and conventions
//
// The fits take whatever length unit the caller uses, provided x, y and z
// (and R) share it; the rest of this project uses micrometres (µm). The map
// fits (PlaneMap, QuadricMap, SurfaceMap) work in the map coordinates of a
// geometry.HeightMap, x = Offset.X + c·Pitch.X, y = Offset.Y + r·Pitch.Y,
// µm. Angles (Transform) are radians, counter-clockwise from +x.
//
// Surfaces are heights z(x, y) and are fitted on vertical residuals, along
// z: Plane z = A + B·x + C·y, Quadric z = A + B·x + C·y + D·x² + E·y² + F·x·y,
// and Sphere, a cap with a vertical axis whose radius R is positive when
// convex (domed) and negative when concave. A quadric's radii of curvature
// along x and y at its stationary point are −1/(2D) and −1/(2E), positive
// for a dome, as SPEC §4 reports them. Line and Quadratic are fitted on
// residuals along y, Circle on the geometric (orthogonal) distance.
//
// Coefficients are always in the caller's coordinates; Transform moves a
// Plane or Quadric to another frame (the ferrule frame) exactly.
//
// # Invalid data
//
// Every fit skips points with a NaN or infinite coordinate (such pixels, for the map
// fits) and reports in Quality.N how many points it used. The map fits take
// an optional mask over the map's pixels, row-major over m.Rect, true =
// use; they work on sub-views (SubMap).
//
// # Numerics
//
// Every fit centres and scales its coordinates before solving (the linear
// fits on the normal equations, by Cholesky factorisation; the sphere and
// circle by Levenberg–Marquardt from an algebraic start), and reports in
// Quality.Cond the 2-norm condition number of the scaled normal matrix, or
// of JᵀJ at the solution for the iterative fits, computed by gonum's
// EigenSym. Quality.RMS is the RMS residual in the caller's unit.
//
// The map fits read each pixel once: they accumulate per row the moments
// of x and of z·xᵏ (y is constant along a row), combine them with powers of
// y, and take the RMS from the sums (RSS = Σw² − 2βᵀb + βᵀAβ, heights w
// taken relative to the first used pixel). That RMS is exact to about
// 1e-8 of the height range of the fitted pixels (0.03 nm on 3 µm), far
// below any measured roughness; the tests check it against a residual pass.
//
// # Covariance and correlated residuals
//
// Every result carries in Quality.Cov the covariance of its parameters
// (nil where the fit failed or had no residual degrees of freedom), in the
// caller's units and in the order of the result's fields:
// σ²·(AᵀA)⁻¹ for the linear fits, σ²·(JᵀJ)⁻¹ at the solution for the
// sphere and circle (J the derivative of the residuals with respect to the
// parameters, carried from the scaled frame to the caller's by the
// parameters' own derivatives, e.g. dR/d(1/R) = −R²), with σ² = RSS/(N−p).
// Transform carries it to the new frame. Covariance.Var propagates it to
// any function of the parameters through its gradient.
//
// That covariance assumes independent residuals. Residuals correlated over
// several pixels (an instrument's filtering, air turbulence) carry less
// information than their number says: GridCorrelation estimates their
// autocorrelation on the pixel grid, separable in x and y, with a baseline
// for what the fit itself absorbed; Correlation.Factor is the variance
// inflation n/n_eff for a parameter of a fit over a region much wider than
// the correlation, Covariance.Correlated the exact sandwich
// M⁻¹(JᵀRJ)M⁻¹·σ² (with σ² = RSS/(N − tr(HR))) for a smaller one, and
// Correlation.QuadForm the variance of any weighted sum of pixels.
//
// # Errors
//
// Bad data gives an error that wraps one of ErrTooFewPoints (fewer valid
// points than parameters), ErrIllConditioned (the points do not determine
// the model: all x equal, collinear points for a plane, a flat surface for
// a sphere, or Cond > MaxCond) and ErrNoConvergence; test with errors.Is.
// A result returned with an error has zero coefficients and its Quality
// holds what is known (N at least, Cond where it was computed); the one
// exception is SurfaceMap, whose plane stays valid when only the quadric
// fails. Programmer errors panic with a "fit: "
// message: slices of different lengths, a mask of the wrong length.
//
// All functions are safe for concurrent use.
package fit
