-- Up Migration
-- The operator's working-day calendar and the after-sales settings (clocks, rates) it maintains.

-- Dates that differ from the Monday–Friday week (Asia/Shanghai): public holidays, and the make-up
-- working days (调休) on weekends that pay for a holiday's bridge days.
CREATE TABLE calendar_days (
  day date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Overrides of the after-sales defaults (platform/after-sales/src/settings.ts), by setting name.
CREATE TABLE after_sales_settings (
  name text PRIMARY KEY,
  value double precision NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);

-- Down Migration
DROP TABLE after_sales_settings;
DROP TABLE calendar_days;
