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
// List (and Find, which drops the skipped paths) expands its arguments in
// order and accounts for every path it meets: each is either a file to
// analyse, and so a result row, or a skipped path with its reason.
//
// A file named explicitly is always taken, whatever its name, extension or
// content, and so is any path that does not exist or cannot be read (a
// dangling symbolic link, say): it becomes an error row saying why. A
// folder is walked recursively in the order of filepath.WalkDir (entries
// sorted by name in each folder). In a folder:
//
//   - a name starting with "." (".git", ".DS_Store") is skipped as
//     "hidden", and a hidden folder is not entered;
//   - an output folder is skipped as "output folder" and not entered: the
//     folders of FindOptions.Skip (the batch's --out) and every folder
//     holding a previous run's outputs, recognised by a results.jsonl, or a
//     summary.json with a summary.txt; this holds for a folder named
//     explicitly too, so outputs are never inputs;
//   - a folder named with a registered format's extension ("a.x3p/", such
//     as an unpacked X3P archive) and a symbolic link to a folder are
//     skipped as "directory" and not entered (linked folders are not
//     followed, so no link can make the walk loop); other folders are
//     entered;
//   - a symbolic link is followed to what it names: one whose target does
//     not exist is skipped as "dangling symlink", one that leads back to
//     itself as "symlink loop"; one that cannot be followed for another
//     reason (a permission) is an error row;
//   - a named pipe, socket or device is skipped as "not a regular file";
//   - a regular file (or a link to one) whose lower-case extension is not a
//     registered format's (geometry.Formats: ".x3p", ".datx", ...; import
//     geometry/formats to register them all) is skipped as "not a
//     height-map extension", unless FindOptions.All asks to try every file;
//   - the content decides the rest, as geometry.ReadFile sniffs it: a file
//     of zero bytes is skipped as "empty file", and one whose first bytes
//     no registered format recognises (notes, pictures, spreadsheets, even
//     named .x3p or .txt) as "not a height map"; a file that a format
//     recognises is taken, and if it turns out damaged it is an error row,
//     as is a file that cannot be opened or read.
//
// A path found twice is taken once; a path skipped in a folder and also
// named explicitly is taken. Files and skipped paths keep the order in
// which they were met. A skipped path is no result: it is not in Count or
// the yield, but it is counted (Summary.Skipped, by reason) and listed in
// skipped.csv.
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
// Memory is bounded by the number of workers: a worker reads, decodes and
// analyses one map and drops it before it takes the next file, so at most
// Workers maps are decoded at any time, never a queue of them. Only results
// wait for an earlier file to be delivered, and at most 16 per worker.
//
// # Output files
//
// WriteTables writes, from a folder's results.jsonl (ResultsFile, one SPEC
// §8 report per analysed file, an object {"file", "format", "error"} for
// each file that could not be analysed, in the order they were run; the
// Journal appends to it and can resume it) and its skipped.csv:
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
//   - summary.json and summary.txt: the Summary, with a line "N skipped:
//     2 not a height map, 1 dangling symlink" (skipped and
//     skipped_reasons in summary.json).
//
// skipped.csv (SkippedFile, written by WriteSkipped from List's Skipped)
// has the columns path and reason (one of the reasons above), a row per
// skipped path in the order met.
//
// In results.jsonl "file" is the path as the batch named it. JSON strings
// are UTF-8, and a file name need not be (on Linux a name is any bytes but
// '/' and NUL): such bytes would be written as U+FFFD and the name lost. A
// line whose path is not valid UTF-8 therefore also has "file_b64", right
// after "file": the path's exact bytes in standard base64 (RFC 4648,
// padded). Readers (ReadResults, the Journal and so --resume) take the
// path from "file_b64" when it is present, so a resumed batch matches the
// file byte for byte; "file" stays the readable name. The CSV tables,
// skipped.csv and summary.txt are UTF-8 text and write such bytes as
// U+FFFD, as "file" does.
//
// CSV files have a header row and one unit per column, named in the header
// as in the JSON report (height_nm, x_angle_deg). A field of the ferrule or
// summary section whose key is also a fiber field is prefixed with its
// section in ferrules.csv (ferrule_fit_rms_nm). Numbers are written with
// strconv ('f' format, shortest exact digits, '.' decimal point, no
// thousands separator, no exponent), whatever the locale; a value not
// measured (NaN in Go, null in JSON) is an empty cell, as is "pass" for an
// ungraded file; booleans are true and false. A radius measured flat,
// which the report gives as null (beyond ferrule.Options.FlatRadiusMM), is
// "inf", an infinite radius, as grading takes it: radius_mm of a measured
// fiber flagged flat_tip, and x_radius_mm and y_radius_mm of a fitted
// ferrule surface; the radius of an unmeasured fiber stays empty.
// pandas.read_csv, NumPy and Python's float read "inf" as infinity; a
// spreadsheet shows it as the text inf. Cells are quoted by encoding/csv
// where needed. pandas.read_csv and spreadsheets read the tables as they
// are.
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
