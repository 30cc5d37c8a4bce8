-- Up Migration
-- Field-service tickets opened by the platform, the incidents that hold them, and their audit trail.

CREATE TABLE incidents (
  id bigserial PRIMARY KEY,
  -- 'center' (scope_id = center id) or 'platform' (scope_id = '*').
  scope text NOT NULL CHECK (scope IN ('center', 'platform')),
  scope_id text NOT NULL,
  opened_at timestamptz NOT NULL,
  cleared_at timestamptz,
  terminals integer NOT NULL,
  detail jsonb
);
CREATE UNIQUE INDEX incidents_one_open ON incidents (scope, scope_id) WHERE cleared_at IS NULL;

CREATE TABLE tickets (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('repair', 'install')),
  -- The terminal; an install ticket for a vehicle that has none yet names only the vehicle.
  phone text,
  vehicle_id bigint REFERENCES vehicles (id),
  center_id integer REFERENCES centers (id),
  state text NOT NULL CHECK (state IN ('held', 'new', 'classified', 'dispatched', 'appointed', 'on-site', 'resolved', 'verified', 'closed')),
  -- What opened it: 'offline' or a fault reason; `reasons` collects every reason seen since.
  reason text NOT NULL,
  reasons text[] NOT NULL DEFAULT '{}',
  occurrences integer NOT NULL DEFAULT 1,
  incident_id bigint REFERENCES incidents (id),
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  category text CHECK (category IN ('hardware', 'software', 'guidance', 'consultation')),
  severity smallint CHECK (severity BETWEEN 1 AND 3),
  service_point_id integer REFERENCES service_points (id),
  installer text,
  appointment_at timestamptz,
  response_due timestamptz NOT NULL,
  onsite_due timestamptz NOT NULL,
  breaches text[] NOT NULL DEFAULT '{}',
  fault_cause text,
  parts_replaced text[],
  replacement_phone text,
  in_warranty boolean,
  resolved_at timestamptz,
  verified_at timestamptz,
  closed_at timestamptz,
  close_reason text CHECK (close_reason IN ('self-recovered', 'verified', 'cancelled')),
  satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5),
  callback_comment text,
  callback_at timestamptz
);
-- One open ticket per terminal (or terminal-less vehicle) and kind: repeats add occurrences to it.
CREATE UNIQUE INDEX tickets_one_open ON tickets (kind, (coalesce(phone, 'vehicle:' || vehicle_id::text))) WHERE closed_at IS NULL;
ALTER TABLE tickets ADD CHECK (phone IS NOT NULL OR vehicle_id IS NOT NULL);
CREATE INDEX tickets_state ON tickets (state) WHERE closed_at IS NULL;
CREATE INDEX tickets_service_point ON tickets (service_point_id);

-- Every change of a ticket: who, when, from, to, why.
CREATE TABLE ticket_events (
  id bigserial PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES tickets (id),
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  reason text,
  detail jsonb
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, at);

-- Down Migration
DROP TABLE ticket_events;
DROP TABLE tickets;
DROP TABLE incidents;
