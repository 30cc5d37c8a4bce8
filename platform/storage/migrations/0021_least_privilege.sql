-- Up Migration
-- Least-privilege roles (docs/security.md, "Secrets and privileges"). The schema's owner runs the
-- migrations and the storage layout; the platform's processes (ingest, status, api) connect as
-- members of jt808_app, which reads and writes rows but changes no schema; the gateways connect as
-- members of jt808_gateway, which may only call the gateway_* functions of 0020.
--
-- Roles belong to the cluster, not to this database: made only when missing (another database of
-- the cluster, or the operator, may have made them already, with LOGIN and a password), NOLOGIN
-- when made here. Two databases migrating at once may both find one missing: the loser of that
-- race finds it made.
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['jt808_app', 'jt808_gateway'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
END
$$;

-- PostgreSQL 15 no longer lets everyone create in the public schema; a database made by an older
-- version still may. Nobody but the owner makes tables here.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

GRANT USAGE ON SCHEMA public TO jt808_app, jt808_gateway;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO jt808_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO jt808_app;
-- And whatever the owner makes later: the positions storage (made after the migrations, daily
-- partitions, TimescaleDB's rollup) and the tables of later migrations.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO jt808_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO jt808_app;

-- The gateways' functions run with their owner's rights on a fixed search_path (nothing a caller
-- puts on its path is looked up), so the gateway role needs no right on any table.
ALTER FUNCTION gateway_registration_facts(text, text, smallint) SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION gateway_save_auth_code(text, bytea, text, boolean) SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION gateway_auth_code_hashes(text[]) SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
REVOKE EXECUTE ON FUNCTION gateway_registration_facts(text, text, smallint), gateway_save_auth_code(text, bytea, text, boolean),
  gateway_auth_code_hashes(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gateway_registration_facts(text, text, smallint), gateway_save_auth_code(text, bytea, text, boolean),
  gateway_auth_code_hashes(text[]) TO jt808_gateway;

-- Down Migration
-- The roles stay: other databases of the cluster may use them. Their rights in this one go.
GRANT EXECUTE ON FUNCTION gateway_registration_facts(text, text, smallint), gateway_save_auth_code(text, bytea, text, boolean),
  gateway_auth_code_hashes(text[]) TO PUBLIC;
REVOKE EXECUTE ON FUNCTION gateway_registration_facts(text, text, smallint), gateway_save_auth_code(text, bytea, text, boolean),
  gateway_auth_code_hashes(text[]) FROM jt808_gateway;
ALTER FUNCTION gateway_auth_code_hashes(text[]) SECURITY INVOKER RESET search_path;
ALTER FUNCTION gateway_save_auth_code(text, bytea, text, boolean) SECURITY INVOKER RESET search_path;
ALTER FUNCTION gateway_registration_facts(text, text, smallint) SECURITY INVOKER RESET search_path;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM jt808_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM jt808_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM jt808_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM jt808_app;
REVOKE USAGE ON SCHEMA public FROM jt808_app, jt808_gateway;
