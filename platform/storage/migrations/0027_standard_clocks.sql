-- Up Migration
-- The service standard's clocks (issue 21, items 2 and 3; docs/after-sales.md "The standard's numbers").

-- On site within 12 h (local); a center sets its own hours per distance class (NULL = the default,
-- platform/after-sales/src/tickets/onsite-hours.ts).
ALTER TABLE center_settings
  ADD COLUMN onsite_hours_local real CHECK (onsite_hours_local > 0),
  ADD COLUMN onsite_hours_nearby real CHECK (onsite_hours_nearby > 0),
  ADD COLUMN onsite_hours_other_region real CHECK (onsite_hours_other_region > 0);

-- How far the dispatched service point must travel (set at dispatch, local until then), and when it
-- arrived (measured against the appointment).
ALTER TABLE tickets
  ADD COLUMN distance text NOT NULL DEFAULT 'local' CHECK (distance IN ('local', 'nearby', 'other-region')),
  ADD COLUMN arrived_at timestamptz;
UPDATE tickets t SET arrived_at = (SELECT min(e.at) FROM ticket_events e WHERE e.ticket_id = t.id AND e.to_state = 'on-site')
 WHERE t.state IN ('on-site', 'resolved', 'verified', 'closed');

-- Two follow-up calls per ticket: 3 days to a week after the service, and a week later; each may be
-- made from `not_before` and is due at `due_at`.
ALTER TABLE callbacks
  ADD COLUMN round smallint NOT NULL DEFAULT 1 CHECK (round IN (1, 2)),
  ADD COLUMN not_before timestamptz;
ALTER TABLE callbacks DROP CONSTRAINT callbacks_ticket_id_key;
ALTER TABLE callbacks ADD CONSTRAINT callbacks_ticket_round UNIQUE (ticket_id, round);
-- The old single callback counted working days; the standard's counts calendar days (new settings).
DELETE FROM after_sales_settings WHERE name = 'callbackWorkingDays';

-- A service point's patrol inspection (巡检) of a customer's vehicles, and its report, due 3 working
-- days after the inspection.
CREATE TABLE patrol_inspections (
  id bigserial PRIMARY KEY,
  center_id integer NOT NULL REFERENCES centers (id),
  service_point_id integer NOT NULL REFERENCES service_points (id),
  enterprise_id integer REFERENCES enterprises (id),
  vehicles integer NOT NULL DEFAULT 0 CHECK (vehicles >= 0),
  inspected_at timestamptz NOT NULL,
  note text,
  recorded_by text NOT NULL,
  report_due timestamptz NOT NULL,
  reported_at timestamptz,
  report text,
  reported_by text
);
CREATE INDEX patrol_inspections_open ON patrol_inspections (report_due) WHERE reported_at IS NULL;
CREATE INDEX patrol_inspections_point ON patrol_inspections (service_point_id, inspected_at);

-- Down Migration
DROP TABLE patrol_inspections;
ALTER TABLE callbacks DROP CONSTRAINT callbacks_ticket_round;
DELETE FROM callbacks WHERE round = 2;
ALTER TABLE callbacks ADD CONSTRAINT callbacks_ticket_id_key UNIQUE (ticket_id);
ALTER TABLE callbacks DROP COLUMN not_before;
ALTER TABLE callbacks DROP COLUMN round;
ALTER TABLE tickets DROP COLUMN arrived_at;
ALTER TABLE tickets DROP COLUMN distance;
ALTER TABLE center_settings DROP COLUMN onsite_hours_other_region;
ALTER TABLE center_settings DROP COLUMN onsite_hours_nearby;
ALTER TABLE center_settings DROP COLUMN onsite_hours_local;
