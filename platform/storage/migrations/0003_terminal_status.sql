-- Up Migration
-- The online-status engine's verdicts and their history.

CREATE TABLE terminal_status (
  phone text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('never-seen', 'online', 'offline', 'faulty')),
  reasons text[] NOT NULL DEFAULT '{}',
  since timestamptz,
  -- The engine's memory of the terminal (learned cadence, fault-condition onsets), so a restarted
  -- engine judges from the same facts and neither loses nor invents transitions.
  health jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terminal_status_status ON terminal_status (status);

CREATE TABLE status_transitions (
  id bigserial PRIMARY KEY,
  phone text NOT NULL,
  at timestamptz NOT NULL,
  from_status text NOT NULL,
  to_status text NOT NULL,
  reasons text[] NOT NULL DEFAULT '{}',
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX status_transitions_phone_at ON status_transitions (phone, at);
CREATE INDEX status_transitions_at ON status_transitions (at);

-- Down Migration
DROP TABLE status_transitions;
DROP TABLE terminal_status;
