-- Up Migration
-- What a center's manager reads on Monday (docs/after-sales.md, "Install progress" and "Periodic
-- service reports"): each center's installation plan, and the channel a desk enquiry came in by.

-- A center's plan: `target` vehicles equipped (installed, checked in and accepted) from `starts_on`
-- by `due_on`. One plan per center; editing it replaces it (who and when are kept).
CREATE TABLE install_plans (
  center_id integer PRIMARY KEY REFERENCES centers (id),
  target integer NOT NULL CHECK (target > 0),
  starts_on date NOT NULL,
  due_on date NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (due_on >= starts_on)
);

-- 'phone' for a call, 'web' for an enquiry left on the web (the weekly report counts them apart).
ALTER TABLE desk_calls ADD COLUMN channel text NOT NULL DEFAULT 'phone' CHECK (channel IN ('phone', 'web'));

-- Down Migration
ALTER TABLE desk_calls DROP COLUMN channel;
DROP TABLE install_plans;
