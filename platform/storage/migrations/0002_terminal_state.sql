-- Up Migration
-- What the platform knows about each terminal right now, kept up to date by ingest.

CREATE TABLE terminal_state (
  phone text PRIMARY KEY,
  -- Session as the gateways report it: online between AUTHENTICATED and DISCONNECTED.
  online boolean NOT NULL DEFAULT false,
  gateway_id text,
  session_id text,
  remote_address text,
  connected_at timestamptz,
  disconnected_at timestamptz,
  disconnect_reason text,
  -- Any message from the terminal (heartbeats included), by the gateway's clock.
  last_seen_at timestamptz,
  -- The newest fix by GNSS time, and when it arrived.
  last_fix_time timestamptz,
  last_fix_received_at timestamptz,
  latitude double precision,
  longitude double precision,
  altitude integer,
  speed real,
  direction smallint,
  alarm bigint,
  status bigint,
  mileage double precision,
  satellites smallint,
  signal_strength smallint,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terminal_state_last_seen ON terminal_state (last_seen_at);

-- Alarms raised and cleared, sessions opened and closed: what happened to a terminal and when.
-- `source` is the bus delivery id the event came from, so a redelivered batch adds nothing twice.
CREATE TABLE terminal_events (
  id bigserial PRIMARY KEY,
  phone text NOT NULL,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  detail jsonb,
  source text NOT NULL,
  UNIQUE (source, kind)
);
CREATE INDEX terminal_events_phone_at ON terminal_events (phone, at);

-- Which terminals were heard from in each hour (the hourly rollups count them as online).
CREATE TABLE terminal_activity_hourly (
  hour timestamptz NOT NULL,
  phone text NOT NULL,
  messages integer NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, phone)
);

-- Down Migration
DROP TABLE terminal_activity_hourly;
DROP TABLE terminal_events;
DROP TABLE terminal_state;
