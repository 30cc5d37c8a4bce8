-- Up Migration
-- The 7×24 service desk: its role, the calls it records, the tickets they become, the clocks it is
-- held to, and the owners' personal data with a record of who looked at it in full.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'operator', 'service', 'viewer', 'desk'));

-- 'service': guidance and consultation tickets from the desk (no visit, no terminal verification);
-- 'answered': closed by the desk's answer.
ALTER TABLE tickets DROP CONSTRAINT tickets_kind_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_kind_check CHECK (kind IN ('repair', 'install', 'service'));
ALTER TABLE tickets DROP CONSTRAINT tickets_close_reason_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_close_reason_check
  CHECK (close_reason IN ('self-recovered', 'verified', 'cancelled', 'answered'));
-- Who reported it, when the desk recorded it.
ALTER TABLE tickets ADD COLUMN source text NOT NULL DEFAULT 'platform' CHECK (source IN ('platform', 'desk'));

-- The owner of a vehicle (personal data: masked in lists, see platform/after-sales/src/masking.ts).
ALTER TABLE vehicles ADD COLUMN owner_name text;
ALTER TABLE vehicles ADD COLUMN owner_phone text;
ALTER TABLE vehicles ADD COLUMN owner_id_number text;
CREATE INDEX vehicles_owner_phone ON vehicles (owner_phone) WHERE owner_phone IS NOT NULL;

-- Every call or message the desk takes, and the ticket it opened or was attached to.
CREATE TABLE desk_calls (
  id bigserial PRIMARY KEY,
  received_at timestamptz NOT NULL,
  caller_name text,
  caller_phone text NOT NULL,
  vehicle_id bigint REFERENCES vehicles (id),
  phone text,
  description text NOT NULL,
  category text NOT NULL CHECK (category IN ('hardware', 'software', 'guidance', 'consultation')),
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 3),
  answered_on_call boolean NOT NULL DEFAULT false,
  ticket_id bigint NOT NULL REFERENCES tickets (id),
  -- true: the vehicle's terminal already had an open ticket and the call joined it.
  attached boolean NOT NULL,
  taken_by text NOT NULL
);
CREATE INDEX desk_calls_ticket ON desk_calls (ticket_id);
CREATE INDEX desk_calls_caller ON desk_calls (caller_phone);

-- The clocks a ticket (or complaint) is held to: what is due when, and when it was met.
CREATE TABLE service_clocks (
  id bigserial PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES tickets (id),
  clock text NOT NULL CHECK (clock IN ('first-answer', 'visit', 'inspection-report', 'spare-parts')),
  due_at timestamptz NOT NULL,
  met_at timestamptz,
  UNIQUE (ticket_id, clock)
);
CREATE INDEX service_clocks_due ON service_clocks (due_at) WHERE met_at IS NULL;

-- Who saw personal data in full, when, and of whom.
CREATE TABLE personal_data_views (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id integer REFERENCES users (id),
  username text NOT NULL,
  subject text NOT NULL,
  subject_id text NOT NULL,
  fields text[] NOT NULL
);
CREATE INDEX personal_data_views_subject ON personal_data_views (subject, subject_id, at);

-- Down Migration
DROP TABLE personal_data_views;
DROP TABLE service_clocks;
DROP TABLE desk_calls;
DROP INDEX vehicles_owner_phone;
ALTER TABLE vehicles DROP COLUMN owner_id_number;
ALTER TABLE vehicles DROP COLUMN owner_phone;
ALTER TABLE vehicles DROP COLUMN owner_name;
ALTER TABLE tickets DROP COLUMN source;
ALTER TABLE tickets DROP CONSTRAINT tickets_close_reason_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_close_reason_check CHECK (close_reason IN ('self-recovered', 'verified', 'cancelled'));
ALTER TABLE tickets DROP CONSTRAINT tickets_kind_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_kind_check CHECK (kind IN ('repair', 'install'));
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'operator', 'service', 'viewer'));
