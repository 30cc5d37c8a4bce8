-- Up Migration
-- People who use the API, what they may see, and their sessions.

CREATE TABLE users (
  id serial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  -- scrypt$N$r$p$salt$hash (base64): a memory-hard KDF from Node's own crypto.
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'service', 'viewer')),
  -- Operators and viewers: the centers they see (viewers with none see everything, read-only).
  center_ids integer[] NOT NULL DEFAULT '{}',
  -- Service-point staff and installers: their service point.
  service_point_id integer REFERENCES service_points (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'service' OR service_point_id IS NOT NULL),
  CHECK (role <> 'operator' OR cardinality(center_ids) > 0)
);

-- Session tokens are random; only their SHA-256 is stored.
CREATE TABLE sessions (
  token_hash bytea PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Down Migration
DROP TABLE sessions;
DROP TABLE users;
