-- Up Migration
-- Callback tasks are created for the tickets closed with work done (verified, answered) in the
-- last 90 days that have none yet: this index finds those without reading every closed ticket.
CREATE INDEX tickets_closed_for_callback ON tickets (closed_at) WHERE close_reason IN ('verified', 'answered');

-- Down Migration
DROP INDEX tickets_closed_for_callback;
