-- Up Migration
-- terminal_activity_hourly says who was heard from in each hour (the rollups' "online"); nothing ever
-- read its message counts, and keeping them cost a row update per terminal and batch, as much as
-- storing the fix itself. Ingest now inserts a terminal once per hour and leaves it there.
ALTER TABLE terminal_activity_hourly DROP COLUMN messages;

-- Down Migration
ALTER TABLE terminal_activity_hourly ADD COLUMN messages integer NOT NULL DEFAULT 0;
