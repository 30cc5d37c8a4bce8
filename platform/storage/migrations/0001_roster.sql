-- Up Migration
-- The roster: who watches which vehicle, who services it, which terminal it carries.

CREATE TABLE centers (
  id integer PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  region text NOT NULL,
  latitude double precision,
  longitude double precision,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_points (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  center_id integer NOT NULL REFERENCES centers (id),
  address text,
  phone text,
  latitude double precision,
  longitude double precision,
  -- Open tickets it can work on at once (dispatch picks the nearest with room).
  capacity integer NOT NULL DEFAULT 10 CHECK (capacity >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_points_center ON service_points (center_id);

CREATE TABLE enterprises (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  contact text,
  phone text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
  id bigserial PRIMARY KEY,
  plate text NOT NULL,
  -- JT/T 415 plate colour: 1 blue, 2 yellow, 3 black, 4 white, 9 other; 0 when the plate field is a VIN.
  plate_color smallint NOT NULL,
  vin text UNIQUE,
  vehicle_type text,
  enterprise_id integer REFERENCES enterprises (id),
  center_id integer NOT NULL REFERENCES centers (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plate, plate_color)
);
CREATE INDEX vehicles_center ON vehicles (center_id);

-- Terminals are keyed by their phone (SIM) number without leading zeros: 2013 headers carry it in
-- 12 BCD digits and 2019 headers in 20, and a terminal upgraded from one edition to the other
-- stays the same terminal.
CREATE TABLE terminals (
  phone text PRIMARY KEY CHECK (phone ~ '^[1-9][0-9]*$|^0$'),
  terminal_id text,
  maker text,
  model text,
  edition text CHECK (edition IN ('2011', '2013', '2019')),
  vehicle_id bigint UNIQUE REFERENCES vehicles (id),
  auth_code_hash bytea,
  installed_at timestamptz,
  warranty_until date,
  -- Registered by itself, not known to the roster: waits for an installer's confirmation.
  pending boolean NOT NULL DEFAULT false,
  registered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The installation register: every installation job, planned and done.
CREATE TABLE installations (
  id bigserial PRIMARY KEY,
  vehicle_id bigint NOT NULL REFERENCES vehicles (id),
  terminal_phone text REFERENCES terminals (phone),
  installer text,
  service_point_id integer REFERENCES service_points (id),
  planned_on date,
  done_at timestamptz,
  accepted_at timestamptz,
  accepted_by text,
  notes text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX installations_vehicle ON installations (vehicle_id);
CREATE INDEX installations_open ON installations (planned_on) WHERE done_at IS NULL;

-- Down Migration
DROP TABLE installations;
DROP TABLE terminals;
DROP TABLE vehicles;
DROP TABLE enterprises;
DROP TABLE service_points;
DROP TABLE centers;
