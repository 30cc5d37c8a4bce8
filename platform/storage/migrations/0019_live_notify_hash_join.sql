-- Up Migration
-- The live-feed position trigger (0016) matches old and new rows by a hash join, never a nested loop.
--
-- It joins the UPDATE's transition tables, live_new and live_old, on phone. PL/pgSQL plans that
-- query at the first firing in a connection and keeps the plan: when that firing changed one row,
-- the plan is a nested loop, and a later 16,000-row UPDATE then compares every pair, 256 million:
-- 14.9 s instead of 0.1 s (PostgreSQL 15.20, measured). The ingest writes one such UPDATE a batch,
-- so two workers draining a backlog sat in it for minutes. Without nested loops the planner
-- joins by hash, linear in the batch whatever it planned for.

ALTER FUNCTION live_notify_positions() SET enable_nestloop = off;

-- Down Migration
ALTER FUNCTION live_notify_positions() RESET enable_nestloop;
