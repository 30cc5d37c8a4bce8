-- Up Migration
-- The loop that closes (docs/after-sales.md, "Escalations and notifications"): notices with an
-- inbox per user, escalations a center's managers work off, an outbound sender with a delivery log,
-- complaints' follow-up callbacks and measures with an owner and a deadline, and the
-- replace-after-three-repairs flag on a vehicle.

-- One thing someone must hear of. `key` names what raised it (a dispatch, a deadline at a given
-- due time, an escalation's cause), so a round that runs again raises nothing twice.
CREATE TABLE notices (
  id bigserial PRIMARY KEY,
  key text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('dispatch', 'reassign', 'reschedule', 'deadline', 'escalation', 'exchange')),
  -- Escalations: 'satisfaction' (1–2 on a callback), 'complaint-overdue', 'severity1-breach'.
  cause text,
  center_id integer REFERENCES centers (id),
  ticket_id bigint REFERENCES tickets (id),
  complaint_id bigint REFERENCES complaints (id),
  vehicle_id bigint REFERENCES vehicles (id),
  -- What the notice says, Chinese first (as the console speaks), and the facts behind it.
  text text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now(),
  -- An escalation is worked off by a manager of its center: acknowledged, then resolved, with notes.
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at timestamptz,
  resolved_by text,
  note text,
  CHECK (kind = 'escalation' OR state = 'open'),
  CHECK (kind <> 'escalation' OR cause IS NOT NULL)
);
CREATE INDEX notices_open_escalations ON notices (center_id, at) WHERE kind = 'escalation' AND state <> 'resolved';

-- Each user's inbox: the notices addressed to them. Escalations reach managers by their center
-- (read from `notices`), so a manager who joins later finds the open ones too.
CREATE TABLE inbox (
  notice_id bigint NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  read_at timestamptz,
  PRIMARY KEY (user_id, notice_id)
);
CREATE INDEX inbox_unread ON inbox (user_id) WHERE read_at IS NULL;

-- The outbound sender (an SMS gateway or a webhook), set by an administrator. One row.
CREATE TABLE notification_sender (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  url text,
  timeout_ms integer NOT NULL DEFAULT 5000 CHECK (timeout_ms BETWEEN 100 AND 60000),
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 20),
  backoff_ms integer NOT NULL DEFAULT 30000 CHECK (backoff_ms BETWEEN 100 AND 3600000),
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO notification_sender (id) VALUES (true);

-- The delivery log: one message per notice sent out, and every attempt at it.
CREATE TABLE outbound_messages (
  id bigserial PRIMARY KEY,
  notice_id bigint NOT NULL UNIQUE REFERENCES notices (id) ON DELETE CASCADE,
  url text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX outbound_messages_due ON outbound_messages (next_attempt_at) WHERE state = 'pending';

CREATE TABLE outbound_attempts (
  id bigserial PRIMARY KEY,
  message_id bigint NOT NULL REFERENCES outbound_messages (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  -- The receiver's HTTP status, when it answered.
  status integer,
  ok boolean NOT NULL,
  error text,
  ms integer NOT NULL
);
CREATE INDEX outbound_attempts_message ON outbound_attempts (message_id, id);

-- A complaint, once answered, gets its own follow-up callback (kind 'complaint').
ALTER TABLE callbacks DROP CONSTRAINT callbacks_kind_check;
ALTER TABLE callbacks ADD CONSTRAINT callbacks_kind_check CHECK (kind IN ('ticket', 'monthly', 'complaint'));
ALTER TABLE callbacks ADD COLUMN complaint_id bigint UNIQUE REFERENCES complaints (id);
ALTER TABLE callbacks ADD CONSTRAINT callbacks_complaint CHECK ((kind = 'complaint') = (complaint_id IS NOT NULL));

-- Improvement measures have an owner and a deadline.
ALTER TABLE complaints ADD COLUMN measures_owner text;
ALTER TABLE complaints ADD COLUMN measures_due date;
ALTER TABLE complaints ADD CONSTRAINT complaints_measures_owned
  CHECK ((measures_owner IS NULL) = (measures_due IS NULL));

-- The replace-after-three-repairs flag, keyed on the vehicle (it survives a terminal swap), and the
-- exchange it opens: a task on the vehicle, done when the unit is exchanged.
CREATE TABLE replacement_flags (
  id bigserial PRIMARY KEY,
  vehicle_id bigint NOT NULL REFERENCES vehicles (id),
  -- The repair that made it the third (or more) within the window.
  ticket_id bigint NOT NULL REFERENCES tickets (id),
  repairs integer NOT NULL,
  flagged_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
  done_at timestamptz,
  done_by text,
  note text
);
CREATE UNIQUE INDEX replacement_flags_one_open ON replacement_flags (vehicle_id) WHERE state = 'open';

-- Down Migration
DROP TABLE replacement_flags;
ALTER TABLE complaints DROP CONSTRAINT complaints_measures_owned;
ALTER TABLE complaints DROP COLUMN measures_due;
ALTER TABLE complaints DROP COLUMN measures_owner;
DELETE FROM callbacks WHERE kind = 'complaint';
ALTER TABLE callbacks DROP CONSTRAINT callbacks_complaint;
ALTER TABLE callbacks DROP COLUMN complaint_id;
ALTER TABLE callbacks DROP CONSTRAINT callbacks_kind_check;
ALTER TABLE callbacks ADD CONSTRAINT callbacks_kind_check CHECK (kind IN ('ticket', 'monthly'));
DROP TABLE outbound_attempts;
DROP TABLE outbound_messages;
DROP TABLE notification_sender;
DROP TABLE inbox;
DROP TABLE notices;
