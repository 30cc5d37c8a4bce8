-- Up Migration
-- The live-feed triggers (0016) never compile their queries with JIT.
--
-- PL/pgSQL keeps a trigger's query plans for the life of the connection. When the first statement
-- to fire it had a large transition table (thousands of rows), the plan it made cost more than
-- jit_above_cost, and every later firing, however small, JIT-compiled that plan again: a one-row
-- UPDATE of terminal_state took 13–16 ms instead of 0.2–0.9 ms (measured on PostgreSQL 15.20).
-- The ingest writes each DISCONNECTED with one such UPDATE, so after the 20,000 disconnects of a
-- simulator stop its backend spent minutes in LLVM. Queries over at most a batch of rows gain
-- nothing from JIT.

ALTER FUNCTION live_notify_positions() SET jit = off;
ALTER FUNCTION live_notify_transitions() SET jit = off;

-- Down Migration
ALTER FUNCTION live_notify_transitions() RESET jit;
ALTER FUNCTION live_notify_positions() RESET jit;
