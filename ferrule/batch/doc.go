// Package batch analyses and grades many end-face height maps: a folder of
// a day's production, a test station's output, a lot to release. It is the
// library behind "mtgeo batch", usable without the command:
//
//	files, _ := batch.Find([]string{"lot-42"}, batch.FindOptions{})
//	prof, _ := ferrule.LoadProfile("iec-style-pc-16")
//	var results []batch.Result
//	err := batch.Run(ctx, files, batch.Config{Profile: prof}, func(i int, r batch.Result) {
//		results = append(results, r)
//	})
//	sum := batch.Summarize(results, prof)
//	fmt.Printf("yield %.1f %%\n", 100*float64(sum.Yield))
//
// # Which files
//
// Find expands its arguments in order. A file named explicitly is always
// taken, whatever its extension. A folder is walked recursively in the
// order of filepath.WalkDir (entries sorted by name in each folder), taking
// every regular file (or symbolic link to one) whose lower-case extension
// is one of a registered format's (geometry.Formats: ".x3p", ".datx", ...;
// import geometry/formats to register them all), or every regular file with
// FindOptions.All. Names starting with "." (".git", ".DS_Store") are
// skipped inside folders, and so are the folders in FindOptions.Skip (the
// output folder). A path found twice is taken once. A file that turns out
// not to be a height map, or a damaged one, is not dropped: it becomes an
// error row, like any file that cannot be read or analysed.
//
// # Running
//
// Run analyses the files over Config.Workers goroutines (default
// runtime.NumCPU()), each with its own ferrule.Analyzer, and calls onResult
// from the calling goroutine in input order (results finished early wait
// for the ones before them), so everything derived from the results is the
// same whatever the number of workers. A file that cannot be read,
// analysed or graded gives a Result with Err set, never the end of the
// batch; a panic while analysing one file is recovered into that file's
// error. Cancelling the context stops handing out files; the files already
// started are finished and reported, and Run returns the context's error.
//
// # Output files
//
// WriteTables writes, from a folder's results.jsonl (ResultsFile, one SPEC
// §8 report per analysed file, an object {"file", "format", "error"} for
// each file that could not be analysed, in the order they were run; the
// Journal appends to it and can resume it):
//
//   - ferrules.csv: one row per file: file, format, layout, status (ok or
//     error), error, profile, pass, failed_checks (names of the failed
//     checks, ";"-separated), failed_fibers (indices of fibers with a
//     failed check), map size and pixel, valid fraction, frame (origin,
//     rotation, hole spacing and its error, hole diameters), then every
//     field of the report's ferrule and summary sections;
//   - fibers.csv: one row per fiber of each analysed file: file, layout,
//     every field of the fiber (flags ";"-separated), pass and
//     failed_checks of the fiber's own checks;
//   - summary.json and summary.txt: the Summary.
//
// CSV files have a header row and one unit per column, named in the header
// as in the JSON report (height_nm, x_angle_deg). A field of the ferrule or
// summary section whose key is also a fiber field is prefixed with its
// section in ferrules.csv (ferrule_fit_rms_nm). Numbers are written with
// strconv ('f' format, shortest exact digits, '.' decimal point, no
// thousands separator, no exponent), whatever the locale; a value not
// measured (NaN in Go, null in JSON) is an empty cell, as is "pass" for an
// ungraded file; booleans are true and false. Cells are quoted by
// encoding/csv where needed. pandas.read_csv and spreadsheets read them as
// they are.
//
// # Summary statistics
//
// Summary counts the files (count), those analysed and those in error,
// those graded, passed and failed, and gives the yield as passed/count and
// passed/analysed (null when nothing was graded). Failures are counted by
// check name: the files failing that check at least once and the failed
// checks (a per-fiber check counts once per fiber), most frequent first.
//
// Parameters are the report's gradable numbers (those a profile can limit,
// named as a profile names them: x_angle_deg, height_nm,
// ferrule.fit_rms_nm), per-fiber fields pooled over every fiber of every
// analysed file. For each: n (values measured; a flat radius reported as
// null is left out), mean µ, sample standard deviation σ (n − 1), min, max,
// the profile's limits LSL and USL, and the process capability
//
//	Cpk = min(USL − µ, µ − LSL) / (3σ),
//
// one-sided when the profile gives only one limit; null without a limit,
// with fewer than two values, or with σ = 0. The profile for the limits is
// the one passed to Summarize; when it is nil, the built-in profile that
// graded every graded file, if there is exactly one.
//
// # Units
//
// Units are those of the ferrule report (SPEC §8) and are in every column
// and parameter name: positions µm, heights nm, radii mm, angles degrees.
// Cpk and yields are dimensionless; yields are fractions (0…1), not
// percentages, except in summary.txt.
package batch
