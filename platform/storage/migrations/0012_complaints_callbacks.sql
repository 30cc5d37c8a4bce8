-- Up Migration
-- Complaints (from the desk or raised by the platform) and callbacks with satisfaction.

CREATE TABLE complaints (
  id bigserial PRIMARY KEY,
  -- 'desk', or the platform's rules: 'repeat-fault' (same fault back after a repair or
  -- replacement), 'multiple-faults' (two or more different faults on one terminal within a year).
  source text NOT NULL CHECK (source IN ('desk', 'repeat-fault', 'multiple-faults')),
  -- What raised it, so a rule never raises the same complaint twice.
  rule_key text UNIQUE,
  ticket_id bigint REFERENCES tickets (id),
  phone text,
  vehicle_id bigint REFERENCES vehicles (id),
  center_id integer REFERENCES centers (id),
  service_point_id integer REFERENCES service_points (id),
  installer text,
  description text NOT NULL,
  complex boolean NOT NULL DEFAULT false,
  opened_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  handler text,
  answered_at timestamptz,
  finding text CHECK (finding IN ('upheld', 'not-upheld')),
  measures text,
  -- An upheld complaint is charged to the service point or the installer responsible.
  charged_service_point_id integer REFERENCES service_points (id),
  charged_installer text,
  created_by text NOT NULL,
  CHECK (finding IS NULL OR answered_at IS NOT NULL),
  CHECK (finding IS DISTINCT FROM 'upheld' OR charged_service_point_id IS NOT NULL OR charged_installer IS NOT NULL)
);
CREATE INDEX complaints_open ON complaints (due_at) WHERE answered_at IS NULL;
CREATE INDEX complaints_installer ON complaints (charged_installer, answered_at) WHERE finding = 'upheld';

CREATE TABLE callbacks (
  id bigserial PRIMARY KEY,
  -- 'ticket': after a closed ticket; 'monthly': the owner's monthly call.
  kind text NOT NULL CHECK (kind IN ('ticket', 'monthly')),
  ticket_id bigint UNIQUE REFERENCES tickets (id),
  vehicle_id bigint REFERENCES vehicles (id),
  month date,
  center_id integer REFERENCES centers (id),
  service_point_id integer REFERENCES service_points (id),
  due_at timestamptz NOT NULL,
  done_at timestamptz,
  done_by text,
  satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5),
  reason text,
  comment text,
  -- Serious dissatisfaction (1–2) goes to a manager.
  escalated_at timestamptz,
  CHECK (kind <> 'ticket' OR ticket_id IS NOT NULL),
  CHECK (kind <> 'monthly' OR (vehicle_id IS NOT NULL AND month IS NOT NULL)),
  UNIQUE (kind, vehicle_id, month)
);
CREATE INDEX callbacks_due ON callbacks (due_at) WHERE done_at IS NULL;

-- Events of the after-sales side that someone must act on (escalations), for managers' queues.
CREATE TABLE after_sales_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL,
  center_id integer REFERENCES centers (id),
  detail jsonb NOT NULL
);

-- Down Migration
DROP TABLE after_sales_events;
DROP TABLE callbacks;
DROP TABLE complaints;
