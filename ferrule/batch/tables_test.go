package batch_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
)

// readCSV parses a CSV file into its header and rows keyed by column.
func readCSV(t *testing.T, path string) ([]string, []map[string]string) {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll() // also checks every row has the header's width
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	var rows []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return recs[0], rows
}

// writeFolderTables writes the test folder's results to a journal in a new
// folder and the tables beside it.
func writeFolderTables(t *testing.T) (string, []batch.Result, *batch.Summary) {
	_, results := folderResults(t)
	out := t.TempDir()
	j, err := batch.OpenJournal(filepath.Join(out, batch.ResultsFile), false)
	require.NoError(t, err)
	for _, r := range results {
		require.NoError(t, j.Append(r))
	}
	require.NoError(t, j.Close())
	sum, err := batch.WriteTables(out, pc16(t), nil)
	require.NoError(t, err)
	return out, results, sum
}

// checkNumber requires a numeric cell to be empty exactly when v is not
// measured, and otherwise to read back to v with '.' and no exponent.
func checkNumber(t *testing.T, cell string, v float64, what string) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		require.Empty(t, cell, what)
		return
	}
	require.NotContains(t, cell, "e", what)
	require.NotContains(t, cell, ",", what)
	got, err := strconv.ParseFloat(cell, 64)
	require.NoError(t, err, what)
	require.Equal(t, v, got, what) // exact: shortest round-trip digits
}

// checkRadius is checkNumber for a radius that is null because it is flat
// when flat is true: its cell is "inf".
func checkRadius(t *testing.T, cell string, v float64, flat bool, what string) {
	if math.IsNaN(v) && flat {
		require.Equal(t, "inf", cell, what)
		got, err := strconv.ParseFloat(cell, 64) // as pandas, NumPy and Python read it
		require.NoError(t, err)
		require.True(t, math.IsInf(got, 1), what)
		return
	}
	checkNumber(t, cell, v, what)
}

func TestFerrulesCSV(t *testing.T) {
	dir := testFolder(t)
	out, results, _ := writeFolderTables(t)
	header, rows := readCSV(t, filepath.Join(out, batch.FerrulesFile))
	require.Equal(t, batch.FerruleColumns(), header)
	require.Len(t, rows, len(results))
	for _, h := range header {
		require.Regexp(t, `^[a-z0-9_]+$`, h, "column names are identifiers")
	}
	for _, col := range []string{"x_angle_deg", "y_radius_mm", "height_differential_nm", "measured_fibers", "hole_spacing_um",
		"ferrule_fit_rms_nm", "quadric_fit_rms_nm", "max_position_error_um"} {
		require.Contains(t, header, col)
	}
	for i, r := range results {
		row := rows[i]
		name := rel(t, dir, []string{r.File})[0]
		t.Run(name, func(t *testing.T) {
			require.Equal(t, r.File, row["file"])
			if !r.OK() {
				require.Equal(t, "error", row["status"])
				require.Equal(t, r.Err.Error(), row["error"])
				for _, c := range header[5:] {
					require.Empty(t, row[c], c)
				}
				return
			}
			rep := r.Report
			require.Equal(t, "ok", row["status"])
			require.Empty(t, row["error"])
			require.Equal(t, "x3p", row["format"])
			require.Equal(t, "MT-16", row["layout"])
			require.Equal(t, "iec-style-pc-16", row["profile"])
			require.Equal(t, strconv.FormatBool(r.Passed()), row["pass"])
			want := folderVerdicts[name]
			if want == "pass" {
				require.Empty(t, row["failed_checks"])
			} else {
				require.Contains(t, strings.Split(row["failed_checks"], ";"), want)
			}
			checkNumber(t, row["x_angle_deg"], float64(rep.Ferrule.XAngleDeg), "x_angle_deg")
			// The synthetic ferrules are flat: their fitted radii are null
			// in the report, inf in the table.
			require.False(t, rep.Ferrule.XRadiusMM.Valid())
			checkRadius(t, row["x_radius_mm"], float64(rep.Ferrule.XRadiusMM), true, "x_radius_mm")
			checkRadius(t, row["y_radius_mm"], float64(rep.Ferrule.YRadiusMM), true, "y_radius_mm")
			checkNumber(t, row["ferrule_fit_rms_nm"], float64(rep.Ferrule.FitRMSNM), "ferrule_fit_rms_nm")
			checkNumber(t, row["minus_coplanarity_nm"], float64(rep.Summary.MinusCoplanarityNM), "minus_coplanarity_nm")
			checkNumber(t, row["hole_spacing_um"], float64(rep.Frame.HoleSpacingUM), "hole_spacing_um")
			checkNumber(t, row["hole2_diameter_um"], float64(rep.GuideHoles[1].DiameterUM), "hole2_diameter_um")
			require.Equal(t, "16", row["measured_fibers"])
		})
	}
	// b-low fails height_nm at fiber 3 only (the other fibers are at 2 µm).
	for i, r := range results {
		if strings.HasSuffix(r.File, "b-low.x3p") {
			require.Equal(t, "3", rows[i]["failed_fibers"])
		}
	}
}

func TestFibersCSV(t *testing.T) {
	out, results, _ := writeFolderTables(t)
	header, rows := readCSV(t, filepath.Join(out, batch.FibersFile))
	require.Equal(t, batch.FiberColumns(), header)
	for _, col := range []string{"file", "index", "row", "col", "x_um", "y_um", "dx_um", "dy_um", "height_nm", "apex_height_nm",
		"radius_mm", "core_dip_nm", "fit_rms_nm", "valid_fraction", "flags", "pass", "failed_checks"} {
		require.Contains(t, header, col)
	}
	i := 0
	for _, r := range results {
		if !r.OK() {
			continue // no fiber rows
		}
		for _, f := range r.Report.Fibers {
			row := rows[i]
			i++
			require.Equal(t, r.File, row["file"])
			require.Equal(t, strconv.Itoa(f.Index), row["index"])
			checkNumber(t, row["height_nm"], float64(f.HeightNM), "height_nm")
			checkNumber(t, row["dx_um"], float64(f.DXUM), "dx_um")
			checkNumber(t, row["core_dip_nm"], float64(f.CoreDipNM), "core_dip_nm")
			require.True(t, f.Measured())
			checkRadius(t, row["radius_mm"], float64(f.RadiusMM), slices.Contains(f.Flags, "flat_tip"), "radius_mm")
			require.Equal(t, strings.Join(f.Flags, ";"), row["flags"])
			low := strings.HasSuffix(r.File, "b-low.x3p") && f.Index == 3
			require.Equal(t, strconv.FormatBool(!low), row["pass"], "%s fiber %d", r.File, f.Index)
			if low {
				require.Equal(t, "height_nm", row["failed_checks"])
				h, err := strconv.ParseFloat(row["height_nm"], 64)
				require.NoError(t, err)
				// Set at 0.5 µm apex; the Ø 50 µm average of a 10 mm cap
				// lies 15.6 nm lower (synth.MeanHeight): well below 1000 nm.
				require.InDelta(t, 484.4, h, 10)
			}
		}
	}
	require.Equal(t, i, len(rows))
	require.Equal(t, 16*4, len(rows)) // four MT-16 maps analysed
}

func TestSummaryFile(t *testing.T) {
	out, results, sum := writeFolderTables(t)
	b, err := os.ReadFile(filepath.Join(out, batch.SummaryJSON))
	require.NoError(t, err)
	var back batch.Summary
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, len(results), back.Count)
	// folderVerdicts by construction: 7 files (6 found, d-image.x3p being
	// skipped, + notes.txt), 4 maps of which 2 pass, 3 errors.
	require.Equal(t, 7, back.Count)
	require.Equal(t, 4, back.Analysed)
	require.Equal(t, 3, back.Errors)
	require.Equal(t, 4, back.Graded)
	require.Equal(t, 2, back.Passed)
	require.Equal(t, 2, back.Failed)
	require.InDelta(t, 2.0/7, float64(back.Yield), 1e-15)
	require.InDelta(t, 0.5, float64(back.YieldAnalysed), 1e-15)
	require.Equal(t, map[string]int{"MT-16": 4}, back.Layouts)
	require.Equal(t, []string{"iec-style-pc-16"}, back.Profiles)
	require.Len(t, back.ErrorFiles, 3)
	require.Zero(t, back.Skipped, "no skipped.csv")
	require.Equal(t, []batch.ReasonCount{}, back.SkippedReasons)
	fails := map[string]batch.CheckFailures{}
	for _, f := range back.Failures {
		fails[f.Check] = f
	}
	require.Equal(t, 1, fails["x_angle_deg"].Files)
	require.Equal(t, batch.CheckFailures{Check: "height_nm", Files: 1, Checks: 1}, fails["height_nm"])
	require.Equal(t, sum.Parameters[0].Name, back.Parameters[0].Name)

	txt, err := os.ReadFile(filepath.Join(out, batch.SummaryText))
	require.NoError(t, err)
	for _, s := range []string{"yield     28.6 % of files, 50.0 % of analysed", "x_angle_deg", "c-corrupt.x3p", "Cpk", "\n0 skipped\n"} {
		require.Contains(t, string(txt), s)
	}

	// WriteTables again from the same results.jsonl gives the same files.
	before := map[string][]byte{}
	for _, name := range []string{batch.FerrulesFile, batch.FibersFile, batch.SummaryJSON, batch.SummaryText} {
		before[name], err = os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
	}
	_, err = batch.WriteTables(out, pc16(t), nil)
	require.NoError(t, err)
	for name, b := range before {
		again, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		require.Equal(t, string(b), string(again), name)
	}
}

func TestWriteTablesMissing(t *testing.T) {
	_, err := batch.WriteTables(t.TempDir(), nil, nil)
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestColumnsCoverReport checks that every number of the report's
// ferrule, summary and fiber sections has a column, so a field added to
// the report cannot be left out of the tables unnoticed.
func TestColumnsCoverReport(t *testing.T) {
	b, err := json.Marshal(ferrule.Report{Fibers: []ferrule.Fiber{{}}})
	require.NoError(t, err)
	var rep struct {
		Ferrule map[string]any   `json:"ferrule"`
		Summary map[string]any   `json:"summary"`
		Fibers  []map[string]any `json:"fibers"`
	}
	require.NoError(t, json.Unmarshal(b, &rep))
	fc := strings.Join(batch.FerruleColumns(), " ") + " "
	for k := range rep.Ferrule {
		require.Regexp(t, `(^| )(ferrule_)?`+k+` `, fc)
	}
	for k := range rep.Summary {
		require.Regexp(t, `(^| )(summary_)?`+k+` `, fc)
	}
	for k := range rep.Fibers[0] {
		require.Contains(t, batch.FiberColumns(), k)
	}
}

// TestFlatRadiusCells checks that a radius measured flat (null in the
// report) is "inf" and an unmeasured one empty, in both tables.
func TestFlatRadiusCells(t *testing.T) {
	nan := ferrule.Num(math.NaN())
	fiber := func(index int, radius ferrule.Num, errMsg string, flags ...string) ferrule.Fiber {
		f := ferrule.Fiber{Index: index, Row: 1, Col: index, HeightNM: 1500, ApexHeightNM: 1510, RadiusMM: radius,
			CoreDipNM: 5, FitRMSNM: 2, ValidFraction: 1, Flags: append([]string{}, flags...), Error: errMsg}
		if errMsg != "" {
			f.HeightNM, f.ApexHeightNM, f.CoreDipNM = nan, nan, nan
		}
		return f
	}
	rep := func(x, y, quadRMS ferrule.Num, fibers ...ferrule.Fiber) *ferrule.Report {
		return &ferrule.Report{File: "f.x3p", Layout: "MT-12",
			Ferrule: ferrule.Surface{XRadiusMM: x, YRadiusMM: y, FitRMSNM: 3, QuadricFitRMSNM: quadRMS, FitPoints: 1000},
			Fibers:  fibers}
	}
	for _, tc := range []struct {
		name       string
		rep        *ferrule.Report
		x, y       string   // ferrules.csv x_radius_mm, y_radius_mm
		fiberCells []string // fibers.csv radius_mm per fiber
	}{
		{"domed", rep(2500, -3000.5, 3, fiber(1, 12.5, "")), "2500", "-3000.5", []string{"12.5"}},
		// The surface was fitted: a null radius is flat.
		{"flat ferrule", rep(nan, 2500, 3), "inf", "2500", nil},
		// No quadric fitted: a null radius was not measured.
		{"no surface", rep(nan, nan, nan), "", "", nil},
		{"fibers", rep(nan, nan, 3,
			fiber(1, nan, "", "flat_tip"),              // measured, flat tip
			fiber(2, 8.25, "", "high_residual"),        // measured, domed
			fiber(3, nan, "fiber missing", "missing"),  // not measured
			fiber(4, nan, "fiber missing", "flat_tip"), // not measured, whatever its flags
			fiber(5, nan, "", "centre_from_apex")),     // measured, no radius, not said flat
			"inf", "inf", []string{"inf", "8.25", "", "", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fb, bb strings.Builder
			w := batch.NewCSVWriter(&fb, &bb)
			w.Write(batch.Result{File: "f.x3p", Format: "x3p", Report: tc.rep})
			w.Write(batch.Result{File: "bad.x3p", Err: errors.New("bad.x3p: broken")})
			require.NoError(t, w.Flush())

			rows := func(s string) []map[string]string {
				recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
				require.NoError(t, err)
				var out []map[string]string
				for _, rec := range recs[1:] {
					m := map[string]string{}
					for i, h := range recs[0] {
						m[h] = rec[i]
					}
					out = append(out, m)
				}
				return out
			}
			fr := rows(fb.String())
			require.Len(t, fr, 2)
			require.Equal(t, tc.x, fr[0]["x_radius_mm"])
			require.Equal(t, tc.y, fr[0]["y_radius_mm"])
			require.Empty(t, fr[1]["x_radius_mm"], "an error row measures nothing")
			var cells []string
			for _, r := range rows(bb.String()) {
				cells = append(cells, r["radius_mm"])
			}
			require.Equal(t, tc.fiberCells, cells)
		})
	}
}
