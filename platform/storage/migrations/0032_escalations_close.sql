-- Up Migration
-- Missed clocks read by period (indexes), and the loop closes by itself (docs/after-sales.md,
-- "Escalations and notifications"): improvement measures are reported done, or escalated once past
-- their deadline; an escalation whose cause is gone is resolved by the platform, which says why.

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

-- The missed clocks the league and the periodic reports count (platform/after-sales/src/missed-clocks.ts)
-- are read by when they fell due, or arrived, within a period.
CREATE INDEX tickets_arrived_late ON tickets (arrived_at) WHERE appointment_at IS NOT NULL;
CREATE INDEX patrol_inspections_due ON patrol_inspections (report_due);
CREATE INDEX service_clocks_warranty_due ON service_clocks (due_at)
  WHERE clock IN ('quote', 'exchange-ship', 'repair-ship', 'faulty-return');

-- Down Migration
DROP INDEX service_clocks_warranty_due;
DROP INDEX patrol_inspections_due;
DROP INDEX tickets_arrived_late;
ALTER TABLE notices DROP CONSTRAINT notices_resolved_reason;
ALTER TABLE notices DROP COLUMN resolved_reason;
DROP INDEX complaints_measures_open;
ALTER TABLE complaints DROP COLUMN measures_report;
ALTER TABLE complaints DROP COLUMN measures_done_by;
ALTER TABLE complaints DROP COLUMN measures_done_at;
