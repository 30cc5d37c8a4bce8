-- Up Migration
-- The live feed listens instead of polling (platform/api/src/live/live-feed.ts).
--
-- Before, it looked once a second for terminal_state rows with a newer updated_at. That needed an
-- index on updated_at, and with it and the one on last_seen_at every fix changed two indexed
-- columns: no update could be HOT, each wrote three index entries and left a dead row behind, and
-- at the fleet's 13,333 fixes/s the table and its indexes bloated faster than vacuum could keep up.
-- A cursor on a timestamp also missed rows whose transactions committed out of order.
--
-- Now statement triggers announce what changed with pg_notify, which PostgreSQL delivers only on
-- commit and in commit order. The indexes go (nothing else searches by those columns), and with room
-- left on each page (fillfactor) the current-state updates stay HOT: no index writes, and a page
-- prunes its own dead versions without waiting for vacuum.
--
-- One notification carries up to 100 lines ("P|phone|lat|lon|speed|direction|ms" for a position,
-- "S|phone|status|reason,reason|ms" for a status transition), well under the 8,000-byte limit.

DROP INDEX terminal_state_updated;
DROP INDEX terminal_state_last_seen;
ALTER TABLE terminal_state SET (fillfactor = 70);

CREATE FUNCTION live_notify_positions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM pg_notify('jt808_live', string_agg(line, E'\n'))
       FROM (SELECT concat_ws('|', 'P', n.phone, n.latitude, n.longitude, coalesce(n.speed, 0),
                              coalesce(n.direction, 0),
                              floor(extract(epoch FROM coalesce(n.last_fix_time, n.updated_at)) * 1000)::bigint) AS line,
                    (row_number() OVER () - 1) / 100 AS chunk
               FROM live_new n JOIN live_old o USING (phone)
              WHERE n.latitude IS NOT NULL
                AND (n.latitude, n.longitude, n.last_fix_time) IS DISTINCT FROM (o.latitude, o.longitude, o.last_fix_time)) lines
      GROUP BY chunk;
  ELSE
    PERFORM pg_notify('jt808_live', string_agg(line, E'\n'))
       FROM (SELECT concat_ws('|', 'P', n.phone, n.latitude, n.longitude, coalesce(n.speed, 0),
                              coalesce(n.direction, 0),
                              floor(extract(epoch FROM coalesce(n.last_fix_time, n.updated_at)) * 1000)::bigint) AS line,
                    (row_number() OVER () - 1) / 100 AS chunk
               FROM live_new n
              WHERE n.latitude IS NOT NULL) lines
      GROUP BY chunk;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER terminal_state_live_update AFTER UPDATE ON terminal_state
  REFERENCING OLD TABLE AS live_old NEW TABLE AS live_new
  FOR EACH STATEMENT EXECUTE FUNCTION live_notify_positions();
CREATE TRIGGER terminal_state_live_insert AFTER INSERT ON terminal_state
  REFERENCING NEW TABLE AS live_new
  FOR EACH STATEMENT EXECUTE FUNCTION live_notify_positions();

CREATE FUNCTION live_notify_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('jt808_live', string_agg(line, E'\n' ORDER BY id))
     FROM (SELECT id,
                  concat_ws('|', 'S', phone, to_status, array_to_string(reasons, ','),
                            floor(extract(epoch FROM at) * 1000)::bigint) AS line,
                  (row_number() OVER (ORDER BY id) - 1) / 100 AS chunk
             FROM live_new) lines
    GROUP BY chunk;
  RETURN NULL;
END $$;

CREATE TRIGGER status_transitions_live AFTER INSERT ON status_transitions
  REFERENCING NEW TABLE AS live_new
  FOR EACH STATEMENT EXECUTE FUNCTION live_notify_transitions();

-- Down Migration
DROP TRIGGER status_transitions_live ON status_transitions;
DROP FUNCTION live_notify_transitions();
DROP TRIGGER terminal_state_live_insert ON terminal_state;
DROP TRIGGER terminal_state_live_update ON terminal_state;
DROP FUNCTION live_notify_positions();
ALTER TABLE terminal_state RESET (fillfactor);
CREATE INDEX terminal_state_last_seen ON terminal_state (last_seen_at);
CREATE INDEX terminal_state_updated ON terminal_state (updated_at);
