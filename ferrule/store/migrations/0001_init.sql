-- Schema version 1 of the mtgeo results store (SPEC §13), for SQLite and
-- PostgreSQL alike. {{id}}, {{time}} and {{json}} are replaced by each
-- engine's types (see dialect in store.go). The fibers and checks columns
-- and the ferrule and summary columns of measurements are the report's
-- JSON keys; TestSchemaMatchesReport checks them against the report
-- structs, so a new report field needs a migration adding its column.

CREATE TABLE measurements (
	"id" {{id}},
	-- identity: the file's SHA-256, or "file:" and its path when it could
	-- not be read; with the software version, layout, profile and options
	-- it makes a measurement unique (a re-run is the same row).
	"identity" TEXT NOT NULL,
	"file" TEXT NOT NULL,
	"file_sha256" TEXT,
	"measured_at" {{time}} NOT NULL,
	"analysed_at" {{time}} NOT NULL,
	"station" TEXT,
	"operator" TEXT,
	"lot" TEXT,
	"serial" TEXT,
	"layout" TEXT NOT NULL DEFAULT '',
	"profile" TEXT NOT NULL DEFAULT '',
	"pass" BOOLEAN,
	"marginal" BOOLEAN NOT NULL DEFAULT FALSE,
	"error" TEXT,
	"format" TEXT,
	"software_name" TEXT NOT NULL,
	"software_version" TEXT NOT NULL,
	"software_revision" TEXT NOT NULL DEFAULT '',
	"options" TEXT NOT NULL,
	"report" {{json}},
	-- the ferrule section
	"x_angle_deg" DOUBLE PRECISION,
	"y_angle_deg" DOUBLE PRECISION,
	"x_radius_mm" DOUBLE PRECISION,
	"y_radius_mm" DOUBLE PRECISION,
	"u_x_angle_deg" DOUBLE PRECISION,
	"u_y_angle_deg" DOUBLE PRECISION,
	"fit_rms_nm" DOUBLE PRECISION,
	"quadric_fit_rms_nm" DOUBLE PRECISION,
	"fit_points" INTEGER,
	"outliers" INTEGER,
	-- the summary section
	"height_differential_nm" DOUBLE PRECISION,
	"adjacent_differential_nm" DOUBLE PRECISION,
	"minus_coplanarity_nm" DOUBLE PRECISION,
	"fiber_plane_x_angle_deg" DOUBLE PRECISION,
	"min_height_nm" DOUBLE PRECISION,
	"max_height_nm" DOUBLE PRECISION,
	"max_position_error_um" DOUBLE PRECISION,
	"max_il_ideal_db" DOUBLE PRECISION,
	"mean_il_ideal_db" DOUBLE PRECISION,
	"array_dx_um" DOUBLE PRECISION,
	"array_dy_um" DOUBLE PRECISION,
	"array_rotation_deg" DOUBLE PRECISION,
	"measured_fibers" INTEGER,
	"fibers" INTEGER,
	UNIQUE ("identity", "software_version", "layout", "profile", "options")
);

CREATE INDEX measurements_lot ON measurements ("lot", "measured_at");
CREATE INDEX measurements_serial ON measurements ("serial");
CREATE INDEX measurements_station ON measurements ("station", "measured_at");
CREATE INDEX measurements_time ON measurements ("measured_at");
CREATE INDEX measurements_file ON measurements ("file");

CREATE TABLE fibers (
	"measurement_id" BIGINT NOT NULL REFERENCES measurements ("id") ON DELETE CASCADE,
	"index" INTEGER NOT NULL,
	"row" INTEGER,
	"col" INTEGER,
	"x_um" DOUBLE PRECISION,
	"y_um" DOUBLE PRECISION,
	"dx_um" DOUBLE PRECISION,
	"dy_um" DOUBLE PRECISION,
	"centre_method" TEXT,
	"apex_offset_um" DOUBLE PRECISION,
	"height_nm" DOUBLE PRECISION,
	"apex_height_nm" DOUBLE PRECISION,
	"radius_mm" DOUBLE PRECISION,
	"core_dip_nm" DOUBLE PRECISION,
	"core_pixels" INTEGER,
	"fit_rms_nm" DOUBLE PRECISION,
	"fit_points" INTEGER,
	"outliers" INTEGER,
	"valid_fraction" DOUBLE PRECISION,
	"u_height_nm" DOUBLE PRECISION,
	"u_apex_height_nm" DOUBLE PRECISION,
	"u_radius_mm" DOUBLE PRECISION,
	"u_core_dip_nm" DOUBLE PRECISION,
	"u_position_um" DOUBLE PRECISION,
	"il_ideal_db" DOUBLE PRECISION,
	"flags" TEXT,
	"error" TEXT,
	PRIMARY KEY ("measurement_id", "index")
);

CREATE TABLE checks (
	"measurement_id" BIGINT NOT NULL REFERENCES measurements ("id") ON DELETE CASCADE,
	"seq" INTEGER NOT NULL,
	"name" TEXT NOT NULL,
	"fiber" INTEGER,
	"value" DOUBLE PRECISION,
	"min" DOUBLE PRECISION,
	"max" DOUBLE PRECISION,
	"margin" DOUBLE PRECISION,
	"pass" BOOLEAN NOT NULL,
	"marginal" BOOLEAN NOT NULL,
	"reason" TEXT,
	PRIMARY KEY ("measurement_id", "seq")
);

CREATE INDEX checks_name ON checks ("name", "fiber");
