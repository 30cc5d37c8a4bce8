-- Up Migration
-- Per-center overrides of the status and ticket thresholds (NULL = the platform default).
CREATE TABLE center_settings (
  center_id integer PRIMARY KEY REFERENCES centers (id),
  offline_floor_seconds integer CHECK (offline_floor_seconds > 0),
  offline_ceiling_seconds integer CHECK (offline_ceiling_seconds > 0),
  repair_offline_hours real CHECK (repair_offline_hours > 0),
  repair_faulty_minutes real CHECK (repair_faulty_minutes > 0),
  CHECK (offline_floor_seconds IS NULL OR offline_ceiling_seconds IS NULL OR offline_floor_seconds <= offline_ceiling_seconds)
);

-- Down Migration
DROP TABLE center_settings;
