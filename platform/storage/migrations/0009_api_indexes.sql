-- Up Migration
-- Indexes for the API's per-center queries (measured in bench/RESULTS.md, "API").

-- Per-terminal lookups into the hourly activity (was a terminal online in the period?): the primary
-- key starts with the hour, so without this a center's KPIs and hourly series read every terminal's
-- rows of the period.
CREATE INDEX terminal_activity_hourly_phone ON terminal_activity_hourly (phone, hour);

-- Vehicle search within a center: plates and VINs checked on the index alone, not on the center's
-- vehicles scattered over the whole table.
CREATE INDEX vehicles_center_search ON vehicles (center_id) INCLUDE (id, plate, vin);

-- Search by the start of a terminal's phone number (LIKE 'prefix%' under any collation).
CREATE INDEX terminals_phone_prefix ON terminals (phone text_pattern_ops);

-- Down Migration
DROP INDEX terminals_phone_prefix;
DROP INDEX vehicles_center_search;
DROP INDEX terminal_activity_hourly_phone;
