-- Up Migration
-- The change history of the roster's after-sales facts (docs/after-sales.md, "Change history"): a
-- vehicle's owner, a terminal's shipment, an installer's register entry and contract, who changed
-- which field when, from what to what, and by which way (console form, API, roster import).
--
-- Written by triggers in the statement that changes the fact, so no way of changing it (a form, the
-- API, an import file, SQL typed by an administrator) can leave it out. They are statement-level
-- with transition tables: a roster import writes thousands of rows in one statement, and one
-- INSERT ... SELECT per statement records them all. The acting user and the way come from
-- transaction-local settings the platform sets (jt808.actor, jt808.source; db/acting.ts); without
-- them the change was made in the database directly, by its login role.
CREATE TABLE roster_history (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  -- 'vehicle' (key: vehicle id), 'terminal' (key: its phone), 'installer' and 'installer-contract'
  -- (key: the installer's code).
  subject text NOT NULL CHECK (subject IN ('vehicle', 'terminal', 'installer', 'installer-contract')),
  subject_key text NOT NULL,
  -- The column changed; old and new as text (NULL: empty). Personal data is kept as the fact keeps
  -- it and masked when read (after-sales/masking.ts).
  field text NOT NULL,
  old_value text,
  new_value text,
  actor text NOT NULL,
  source text NOT NULL CHECK (source IN ('console', 'api', 'import', 'database'))
);
CREATE INDEX roster_history_subject ON roster_history (subject, subject_key, at);
-- Append-only for the platform's processes (0021 granted them every right on new tables).
REVOKE UPDATE, DELETE ON roster_history FROM jt808_app;

-- TG_ARGV: the subject, the key column, then the columns whose changes are recorded. A row
-- inserted records the fields it fills; a row updated, the fields it changes. The statement is
-- built for the table's own columns (a whole row as jsonb cost twice the import's own time); values
-- are written as JSON writes them, so a date reads 2026-03-05 whatever the session's DateStyle.
CREATE FUNCTION roster_history_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  key_column text := TG_ARGV[1];
  changes text;
BEGIN
  SELECT string_agg(format('(%L, %s, to_jsonb(n.%I) #>> ''{}'')', field,
           CASE WHEN TG_OP = 'INSERT' THEN 'NULL' ELSE format('to_jsonb(o.%I) #>> ''{}''', field) END, field), ', ')
    INTO changes FROM unnest(TG_ARGV[2:TG_NARGS - 1]) AS field;
  EXECUTE format(
    'INSERT INTO roster_history (subject, subject_key, field, old_value, new_value, actor, source)
     SELECT $1, n.%1$I::text, c.field, c.old_value, c.new_value, $2, $3
       FROM new_rows n %2$s CROSS JOIN LATERAL (VALUES %3$s) AS c (field, old_value, new_value)
      WHERE c.old_value IS DISTINCT FROM c.new_value',
    key_column,
    CASE WHEN TG_OP = 'INSERT' THEN '' ELSE format('JOIN old_rows o ON o.%1$I = n.%1$I', key_column) END,
    changes)
  USING TG_ARGV[0],
    coalesce(nullif(current_setting('jt808.actor', true), ''), session_user),
    coalesce(nullif(current_setting('jt808.source', true), ''), 'database');
  RETURN NULL;
END $$;

CREATE TRIGGER vehicles_history_insert AFTER INSERT ON vehicles REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roster_history_record('vehicle', 'id', 'owner_name', 'owner_phone', 'owner_id_number');
CREATE TRIGGER vehicles_history_update AFTER UPDATE ON vehicles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roster_history_record('vehicle', 'id', 'owner_name', 'owner_phone', 'owner_id_number');
CREATE TRIGGER terminals_history_insert AFTER INSERT ON terminals REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roster_history_record('terminal', 'phone', 'shipped_on', 'ship_mode');
CREATE TRIGGER terminals_history_update AFTER UPDATE ON terminals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roster_history_record('terminal', 'phone', 'shipped_on', 'ship_mode');
CREATE TRIGGER installers_history_insert AFTER INSERT ON installers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roster_history_record('installer', 'code', 'name', 'phone', 'certificate', 'service_point_id', 'active');
CREATE TRIGGER installers_history_update AFTER UPDATE ON installers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roster_history_record('installer', 'code', 'name', 'phone', 'certificate', 'service_point_id', 'active');
-- A contract's name and service point follow the register (recorded there); its terms are its own.
CREATE TRIGGER installer_contracts_history_insert AFTER INSERT ON installer_contracts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roster_history_record('installer-contract', 'installer', 'fee_fen', 'min_per_day');
CREATE TRIGGER installer_contracts_history_update AFTER UPDATE ON installer_contracts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roster_history_record('installer-contract', 'installer', 'fee_fen', 'min_per_day');

-- Down Migration
DROP TRIGGER installer_contracts_history_update ON installer_contracts;
DROP TRIGGER installer_contracts_history_insert ON installer_contracts;
DROP TRIGGER installers_history_update ON installers;
DROP TRIGGER installers_history_insert ON installers;
DROP TRIGGER terminals_history_update ON terminals;
DROP TRIGGER terminals_history_insert ON terminals;
DROP TRIGGER vehicles_history_update ON vehicles;
DROP TRIGGER vehicles_history_insert ON vehicles;
DROP FUNCTION roster_history_record();
DROP TABLE roster_history;
