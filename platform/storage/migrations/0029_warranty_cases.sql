-- Up Migration
-- Warranty as the service standard writes it and repeats that survive a terminal swap
-- (docs/after-sales.md, "Warranty, exchange and return" and "Fault causes"): a catalogue of fault
-- causes, the return (RMA) record of a ticket's unit with its condition at receipt, the quotes of a
-- paid repair, and the clocks of a returned unit.

-- The fault-cause catalogue: a cause is recorded as a code, so the fault-by-model report and the
-- repeat-fault rule compare like with like. Administrators add and rename; a cause no longer used is
-- made inactive (old tickets keep it).
CREATE TABLE fault_causes (
  code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]{0,31}$'),
  name_zh text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 64),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 64),
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);
INSERT INTO fault_causes (code, name_zh, name_en) VALUES
  ('gnss-antenna', 'GNSS天线故障', 'GNSS antenna fault'),
  ('cellular-antenna', '通信天线故障', 'Cellular antenna fault'),
  ('gnss-module', '定位模块故障', 'GNSS module fault'),
  ('cellular-module', '通信模块故障', 'Cellular module fault'),
  ('sim-card', 'SIM卡损坏或松动', 'SIM card damaged or loose'),
  ('sim-service', 'SIM卡停机或欠费', 'SIM suspended or out of credit'),
  ('power', '电源故障', 'Power supply fault'),
  ('wiring', '线束或接插件故障', 'Wiring or connector fault'),
  ('firmware', '固件或软件故障', 'Firmware or software fault'),
  ('configuration', '参数配置错误', 'Wrong configuration'),
  ('camera', '摄像头故障', 'Camera fault'),
  ('storage', '存储卡故障', 'Storage card fault'),
  ('display', '显示屏或调度屏故障', 'Display fault'),
  ('sensor', '外接传感器故障', 'External sensor fault'),
  ('mainboard', '主板故障', 'Main board fault'),
  ('water', '进水或受潮', 'Water ingress'),
  ('physical-damage', '外壳或物理损坏', 'Housing or physical damage'),
  ('other', '其他', 'Other');

-- The cause of a resolved ticket as a code; `fault_cause` stays as the installer's optional note.
ALTER TABLE tickets ADD COLUMN fault_cause_code text REFERENCES fault_causes (code);
-- Repair history is read per vehicle (a swapped-in terminal keeps its vehicle's history).
CREATE INDEX tickets_vehicle_repairs ON tickets (vehicle_id, opened_at) WHERE kind = 'repair';

-- A unit sent back for repair or exchange: the return form, its shipment, its arrival, what the
-- service point found at receipt, an advance replacement and the unit shipped back to the customer.
CREATE TABLE rma_records (
  ticket_id bigint PRIMARY KEY REFERENCES tickets (id),
  form_no text,
  carrier text,
  waybill text,
  arrived_at timestamptz,
  -- The fault is the unit's own (a quality fault), as found at receipt.
  quality boolean NOT NULL DEFAULT false,
  exclusions text[] NOT NULL DEFAULT '{}'
    CHECK (exclusions <@ ARRAY['misuse', 'third-party-repair', 'modification', 'missing-card', 'missing-serial', 'missing-label']),
  badly_damaged boolean NOT NULL DEFAULT false,
  opened boolean NOT NULL DEFAULT false,
  advance_shipped_at timestamptz,
  shipped_back_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL
);

-- A paid repair's quote: parts and visit fee in integer fen and the days it takes, accepted or
-- refused by the customer. At most one quote waits for an answer per ticket.
CREATE TABLE repair_quotes (
  id bigserial PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES tickets (id),
  parts_fen integer NOT NULL CHECK (parts_fen >= 0),
  visit_fen integer NOT NULL CHECK (visit_fen >= 0),
  repair_days integer NOT NULL CHECK (repair_days BETWEEN 0 AND 365),
  note text,
  quoted_at timestamptz NOT NULL,
  quoted_by text NOT NULL,
  decision text CHECK (decision IN ('accepted', 'refused')),
  decided_at timestamptz,
  decided_by text,
  CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE UNIQUE INDEX repair_quotes_one_open ON repair_quotes (ticket_id) WHERE decision IS NULL;
CREATE INDEX repair_quotes_ticket ON repair_quotes (ticket_id, quoted_at);

-- The clocks of a returned unit join the desk's. The list is extended, not rewritten, so clocks
-- another migration added stay allowed whichever ran first.
DO $$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint
   WHERE conrelid = 'service_clocks'::regclass AND conname = 'service_clocks_clock_check';
  ALTER TABLE service_clocks DROP CONSTRAINT service_clocks_clock_check;
  EXECUTE format(
    'ALTER TABLE service_clocks ADD CONSTRAINT service_clocks_clock_check CHECK (%s OR clock IN (%L, %L, %L, %L))',
    substring(def FROM '^CHECK (.*)$'), 'quote', 'exchange-ship', 'repair-ship', 'faulty-return');
END $$;

-- The standard's out-of-warranty "4 days of receipt" is now the repair-ship clock, no longer a
-- quote date; a stored override keeps its value under the new name.
UPDATE after_sales_settings SET name = 'repairShipDays' WHERE name = 'quoteDays';

-- The views over repairs read the cause by code first, like the report and the rules.
CREATE OR REPLACE VIEW terminal_repair_flags AS
SELECT phone,
       count(*) FILTER (WHERE opened_at > now() - interval '12 months') AS repairs_12_months,
       count(*) FILTER (WHERE opened_at > now() - interval '12 months') >= 2 AS recurring_fault,
       EXISTS (
         SELECT 1 FROM tickets same
          WHERE same.phone = t.phone AND same.kind = 'repair' AND same.in_warranty
          GROUP BY coalesce(same.fault_cause_code, same.fault_cause, same.reason)
         HAVING count(*) >= 3
       ) AS replace_terminal
  FROM tickets t
 WHERE kind = 'repair' AND phone IS NOT NULL
 GROUP BY phone;

CREATE OR REPLACE VIEW monthly_faults_by_model AS
SELECT date_trunc('month', t.opened_at AT TIME ZONE 'Asia/Shanghai') AS month,
       coalesce(term.maker, '?') AS maker,
       coalesce(term.model, '?') AS model,
       coalesce(t.fault_cause_code, t.fault_cause, t.reason) AS cause,
       count(*) AS repairs,
       count(DISTINCT t.phone) AS terminals
  FROM tickets t
  LEFT JOIN terminals term ON term.phone = t.phone
 WHERE t.kind = 'repair'
 GROUP BY 1, 2, 3, 4;

-- Down Migration
CREATE OR REPLACE VIEW terminal_repair_flags AS
SELECT phone,
       count(*) FILTER (WHERE opened_at > now() - interval '12 months') AS repairs_12_months,
       count(*) FILTER (WHERE opened_at > now() - interval '12 months') >= 2 AS recurring_fault,
       EXISTS (
         SELECT 1 FROM tickets same
          WHERE same.phone = t.phone AND same.kind = 'repair' AND same.in_warranty
          GROUP BY coalesce(same.fault_cause, same.reason)
         HAVING count(*) >= 3
       ) AS replace_terminal
  FROM tickets t
 WHERE kind = 'repair' AND phone IS NOT NULL
 GROUP BY phone;
CREATE OR REPLACE VIEW monthly_faults_by_model AS
SELECT date_trunc('month', t.opened_at AT TIME ZONE 'Asia/Shanghai') AS month,
       coalesce(term.maker, '?') AS maker,
       coalesce(term.model, '?') AS model,
       coalesce(t.fault_cause, t.reason) AS cause,
       count(*) AS repairs,
       count(DISTINCT t.phone) AS terminals
  FROM tickets t
  LEFT JOIN terminals term ON term.phone = t.phone
 WHERE t.kind = 'repair'
 GROUP BY 1, 2, 3, 4;
UPDATE after_sales_settings SET name = 'quoteDays' WHERE name = 'repairShipDays';
DELETE FROM service_clocks WHERE clock IN ('quote', 'exchange-ship', 'repair-ship', 'faulty-return');
DO $$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint
   WHERE conrelid = 'service_clocks'::regclass AND conname = 'service_clocks_clock_check';
  ALTER TABLE service_clocks DROP CONSTRAINT service_clocks_clock_check;
  EXECUTE 'ALTER TABLE service_clocks ADD CONSTRAINT service_clocks_clock_check '
    || regexp_replace(def, ' OR \(clock = ANY \(ARRAY\[''quote''::text, ''exchange-ship''::text, ''repair-ship''::text, ''faulty-return''::text\]\)\)', '');
END $$;
DROP TABLE repair_quotes;
DROP TABLE rma_records;
DROP INDEX tickets_vehicle_repairs;
ALTER TABLE tickets DROP COLUMN fault_cause_code;
DROP TABLE fault_causes;
