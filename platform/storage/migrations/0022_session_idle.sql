-- Up Migration
-- Sessions end after a while unused (docs/security.md, "Sessions"): each use stamps the session,
-- and a session not used within the idle timeout no longer signs anyone in.
ALTER TABLE sessions ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now();

-- Down Migration
ALTER TABLE sessions DROP COLUMN last_used_at;
