-- Up Migration
-- The roster announces its changes on the live channel, as positions and statuses do (0016).
--
-- Each API process keeps every vehicle's map state in memory (platform/api/src/map/fleet-index.ts)
-- and a phone → vehicle lookup for the live feed. A vehicle added, removed or moved to another
-- center, or a terminal fitted to another vehicle, must reach them in seconds, not at their next
-- periodic reload. One "R" line per transaction that changed these columns (PostgreSQL folds
-- identical notifications of one transaction into one): the listeners reload what they hold.
-- Columns no one keeps in memory (a terminal's auth code, a vehicle's owner) do not fire it.

CREATE FUNCTION live_notify_roster() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('jt808_live', 'R');
  RETURN NULL;
END $$;

CREATE TRIGGER vehicles_live_roster AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF id, center_id ON vehicles
  FOR EACH STATEMENT EXECUTE FUNCTION live_notify_roster();
CREATE TRIGGER terminals_live_roster AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF phone, vehicle_id ON terminals
  FOR EACH STATEMENT EXECUTE FUNCTION live_notify_roster();
CREATE TRIGGER centers_live_roster AFTER INSERT OR DELETE OR UPDATE OF latitude, longitude ON centers
  FOR EACH STATEMENT EXECUTE FUNCTION live_notify_roster();

-- Down Migration
DROP TRIGGER centers_live_roster ON centers;
DROP TRIGGER terminals_live_roster ON terminals;
DROP TRIGGER vehicles_live_roster ON vehicles;
DROP FUNCTION live_notify_roster();
