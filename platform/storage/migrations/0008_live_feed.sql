-- Up Migration
-- The API's live feed polls what changed since its last look.
CREATE INDEX terminal_state_updated ON terminal_state (updated_at);

-- Down Migration
DROP INDEX terminal_state_updated;
