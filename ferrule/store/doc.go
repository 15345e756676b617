// Package store keeps analysis results in a real database (SPEC §13):
// SQLite, a single file and the default for one station, or PostgreSQL,
// one server for a plant's stations. Both hold the same schema and are
// chosen by the URL given to Open: a file path or "sqlite:PATH" for
// SQLite, "postgres://..." or "postgresql://..." for PostgreSQL.
//
//	s, err := store.Open(ctx, "results.db")
//	id, created, err := s.Save(ctx, rep, store.Meta{File: path, SHA256: sum, Lot: "L42"})
//	ms, err := s.Measurements(ctx, store.Query{Lot: "L42"})
//	cid, created, err := s.SaveConnector(ctx, idA, idB, mateResult)
//	cs, err := s.Connectors(ctx, store.ConnectorQuery{Lot: "L42"})
//
// # Drivers
//
// SQLite through modernc.org/sqlite, a translation of SQLite's C code to
// Go, so the module builds without cgo; PostgreSQL through pgx's
// database/sql adapter (github.com/jackc/pgx/v5/stdlib), so that both
// engines share one code path of database/sql (the queries differ only in
// placeholders, ? against $n, and in three column types). pgxpool would
// add nothing here: database/sql pools connections too.
//
// # Tables
//
// Column names are the JSON keys of the SPEC §8 report, so that SQL reads
// as the report does ("index", "row", "min" and "max" are quoted, being
// keywords). Units are those of the report and are in the names.
//
//   - measurements: one row per measured file: id, identity, file,
//     file_sha256, measured_at, analysed_at, station, operator, lot,
//     serial, layout, profile, pass (NULL when ungraded or not analysed),
//     marginal, error (why the file could not be analysed; NULL
//     otherwise), format, software_name, software_version,
//     software_revision, options (the canonical JSON of the read and
//     analysis options, OptionsJSON), report (the whole §8 report as
//     JSON; json in PostgreSQL), and every field of the report's ferrule
//     and summary sections (x_angle_deg, ..., height_differential_nm,
//     ..., fibers).
//   - fibers: one row per fiber: measurement_id and every field of
//     ferrule.Fiber (index, row, col, x_um, ..., il_ideal_db, flags
//     joined with ";", error).
//   - checks: one row per check of the grade: measurement_id, seq (the
//     check's place in the grade, from 1) and every field of
//     ferrule.Check (name, fiber, value, min, max, margin, pass, marginal,
//     reason).
//   - connectors: one row per connector predicted from two stored
//     measurements (SPEC §10, mtgeo batch --mate-pairs): id,
//     a_measurement_id, b_measurement_id, software_version,
//     software_revision, parameters (the canonical JSON of the
//     prediction's parameters section), created_at, result (the whole
//     mate.Result as JSON, as mtgeo mate --format json writes it) and
//     every field of mate.Parameters and mate.Summary (polarity, force_n,
//     stiffness_n_per_um, mfd_um, wavelength_nm, glass_index,
//     core_dip_risk_nm, ..., pairs, fibers_in_contact, largest_gap_nm,
//     worst_il_db, mean_il_db, approach_nm).
//   - fiber_pairs: one row per fiber pair of a connector: connector_id
//     and every field of mate.Pair (a_fiber, b_fiber, offset_um, il_db,
//     in_contact, gap_nm, contact_force_n, rl_db, core_dip_risk, flags
//     joined with ";").
//   - mtgeo_schema: the migrations applied (version, name, applied_at).
//
// A number not measured (NaN, JSON null) is NULL; a radius measured flat
// (null in the report, ferrule.FlatRadius) is +Infinity ("Inf" in
// sqlite3, "Infinity" in psql), as the batch CSV tables write "inf" and
// grading takes it. Empty station, operator, lot, serial and error are
// NULL. Times are UTC to the microsecond: timestamptz in PostgreSQL, text
// in SQLite ("2026-12-01T13:40:24.000000Z", fixed width so that text
// order is time order). measured_at is the file's own date where it
// has one (X3P Record2/Date), else the time of the analysis.
//
// The column lists of the inserts are taken from the report structs by
// reflection (ferrule.Columns); a test compares them with the tables the
// migrations make, so that a field added to the report without a
// migration adding its column fails the tests; the connector tables
// are taken from the mate structs and checked alike.
//
// # Identity and transactions
//
// A measurement is identified by the file's SHA-256 (or, for a file that
// could not be read, its path), the software version, the layout, the
// profile and the options: saving it again (a re-run, a resumed batch,
// another station sending the same file) returns the stored row and
// writes nothing (Save's created is false); the station, lot and other
// metadata of the first save stay. A new software version, profile or
// option is a new row. Each Save is one transaction (INSERT ... ON
// CONFLICT DO NOTHING, then the fibers and checks in one multi-row INSERT
// each), so a crash or a cancelled context leaves whole measurements or
// none. SQLite runs in WAL mode with a 30 s busy timeout and immediate
// transactions, so several processes can write one file; PostgreSQL
// serialises the unique identity itself.
//
// A connector is identified by its two measurements (A, B in that order),
// the software version and all its parameters (the parameters JSON, so
// that a parameter without a value, null, counts too): SaveConnector of
// the same again returns the stored row with created false. It saves the
// connector row and its fiber pairs in one transaction, and refuses a
// measurement id that is not stored, not analysed or not of the layout
// the prediction names for that side (ErrNoConnectorMeasurement).
//
// # Migrations
//
// Versioned SQL files are embedded (migrations/NNNN_name.sql) and applied
// by a small runner on Open, in one transaction, under SQLite's write
// lock or a PostgreSQL advisory lock, so stations opening a database at
// once migrate it once. A migration library (golang-migrate, goose)
// would bring its own dialect handling and CLI for two short files; the
// runner is 60 lines and refuses a database of a newer schema version,
// naming it (ErrNewerSchema).
//
// # Queries
//
// Lots gives per lot the count, errors, graded, passed and the yield
// passed/count (a measurement that could not be analysed, or was not
// graded, is not passed; null when nothing was graded) and the first and
// last time. Trend gives a parameter's values in time order with the
// limits of the profile that graded them (from the checks table); a
// per-fiber parameter is one series per fiber position, not pooled, as
// AQDEF has one characteristic per fiber; ByLot groups a series by lot
// (the trend over lots: n, mean, σ, min, max). SPC (Capable) gives per series
// n, mean, σ within (MR̄/1.128, the average moving range of consecutive
// values in time order), σ overall (the sample σ, n − 1), Cpk (within)
// and Ppk (overall), min(USL − µ, µ − LSL)/(3σ), one-sided with one
// limit, and the violations of four Western Electric rules on the
// individuals chart (centre line the mean, zones in σ within): 1, a
// point beyond 3σ; 2, two of three consecutive points beyond 2σ on one
// side; 3, four of five beyond 1σ on one side; 4, eight in a row on one
// side of the centre line. ExportCSV and ExportAQDEF write the values for
// SPC software; see their documentation for the columns and K-fields.
// Connectors lists the stored connectors with their parts (id, file,
// serial, lot, measured_at), parameters and summary, selected by part
// A's lot and measured_at, newest first, with the fiber pairs and the
// whole result on request.
package store
