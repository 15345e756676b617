-- Schema version 2: the connectors predicted from two stored measurements
-- (SPEC §10, mtgeo batch --mate-pairs --db) and their fiber pairs. The
-- parameters and summary columns of connectors and the columns of
-- fiber_pairs are the JSON keys of mate.Parameters, mate.Summary and
-- mate.Pair; TestConnectorSchema checks them against the structs.

CREATE TABLE connectors (
	"id" {{id}},
	"a_measurement_id" BIGINT NOT NULL REFERENCES measurements ("id") ON DELETE CASCADE,
	"b_measurement_id" BIGINT NOT NULL REFERENCES measurements ("id") ON DELETE CASCADE,
	"software_version" TEXT NOT NULL,
	"software_revision" TEXT NOT NULL DEFAULT '',
	-- the canonical JSON of the parameters section: with the two
	-- measurements and the software version it makes a connector unique
	-- (a parameter without a value, null, is part of it too).
	"parameters" TEXT NOT NULL,
	"created_at" {{time}} NOT NULL,
	-- the whole prediction, the JSON of mtgeo mate --format json
	"result" {{json}} NOT NULL,
	-- the parameters section
	"polarity" TEXT,
	"force_n" DOUBLE PRECISION,
	"stiffness_n_per_um" DOUBLE PRECISION,
	"mfd_um" DOUBLE PRECISION,
	"wavelength_nm" DOUBLE PRECISION,
	"glass_index" DOUBLE PRECISION,
	"core_dip_risk_nm" DOUBLE PRECISION,
	"mm_loss_db_per_um" DOUBLE PRECISION,
	"multimode" BOOLEAN,
	"contact_model" BOOLEAN,
	-- the summary section
	"pairs" INTEGER,
	"fibers_in_contact" INTEGER,
	"largest_gap_nm" DOUBLE PRECISION,
	"worst_il_db" DOUBLE PRECISION,
	"mean_il_db" DOUBLE PRECISION,
	"approach_nm" DOUBLE PRECISION,
	UNIQUE ("a_measurement_id", "b_measurement_id", "software_version", "parameters")
);

CREATE INDEX connectors_b ON connectors ("b_measurement_id");
CREATE INDEX connectors_time ON connectors ("created_at");

CREATE TABLE fiber_pairs (
	"connector_id" BIGINT NOT NULL REFERENCES connectors ("id") ON DELETE CASCADE,
	"a_fiber" INTEGER NOT NULL,
	"b_fiber" INTEGER,
	"offset_um" DOUBLE PRECISION,
	"il_db" DOUBLE PRECISION,
	"in_contact" BOOLEAN,
	"gap_nm" DOUBLE PRECISION,
	"contact_force_n" DOUBLE PRECISION,
	"rl_db" DOUBLE PRECISION,
	"core_dip_risk" BOOLEAN,
	"flags" TEXT,
	PRIMARY KEY ("connector_id", "a_fiber")
);
