-- Up Migration
-- The loop closes by itself (docs/after-sales.md, "Escalations and notifications"): improvement
-- measures are reported done, or escalated once past their deadline; an escalation whose cause is
-- gone is resolved by the platform, which says why.

-- Measures done: when, by whom, and what was done. Past `measures_due` without this, escalated.
ALTER TABLE complaints
  ADD COLUMN measures_done_at timestamptz,
  ADD COLUMN measures_done_by text,
  ADD COLUMN measures_report text;
CREATE INDEX complaints_measures_open ON complaints (measures_due)
  WHERE measures_due IS NOT NULL AND measures_done_at IS NULL;

-- Why the platform resolved an escalation (its cause went away); NULL when a manager resolved it.
ALTER TABLE notices
  ADD COLUMN resolved_reason text,
  ADD CONSTRAINT notices_resolved_reason CHECK (resolved_reason IS NULL OR state = 'resolved');

-- Down Migration
ALTER TABLE notices DROP CONSTRAINT notices_resolved_reason;
ALTER TABLE notices DROP COLUMN resolved_reason;
DROP INDEX complaints_measures_open;
ALTER TABLE complaints DROP COLUMN measures_report;
ALTER TABLE complaints DROP COLUMN measures_done_by;
ALTER TABLE complaints DROP COLUMN measures_done_at;
