-- Up Migration
-- Contracts between the operator and its customers. A customer is an enterprise (enterprises) or a
-- private owner, whom the platform knows only as the owner columns of a vehicle (0011): an
-- owner's contract is held on that vehicle. Exactly one of the two is set.
CREATE TABLE owner_contracts (
  id bigserial PRIMARY KEY,
  number text NOT NULL UNIQUE CHECK (number <> ''),
  -- installation: terminals fitted; service: after-sales care of the terminals (repairs, visits);
  -- data-service: the platform's monitoring and data service.
  kind text NOT NULL CHECK (kind IN ('installation', 'service', 'data-service')),
  enterprise_id integer REFERENCES enterprises (id),
  vehicle_id bigint REFERENCES vehicles (id),
  -- Local (Asia/Shanghai) dates; ends_on is the last day covered. The status (pending, active,
  -- expired) is derived from them, so it never goes stale.
  signed_on date NOT NULL,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  vehicles_covered integer NOT NULL CHECK (vehicles_covered > 0),
  fee_per_vehicle_fen integer NOT NULL CHECK (fee_per_vehicle_fen >= 0),
  note text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT owner_contracts_one_party CHECK ((enterprise_id IS NULL) <> (vehicle_id IS NULL)),
  CONSTRAINT owner_contracts_dates CHECK (starts_on <= ends_on AND signed_on <= ends_on)
);
CREATE INDEX owner_contracts_enterprise ON owner_contracts (enterprise_id) WHERE enterprise_id IS NOT NULL;
CREATE INDEX owner_contracts_vehicle ON owner_contracts (vehicle_id) WHERE vehicle_id IS NOT NULL;

-- The customer archive gathers an owner's vehicles: those of the same enterprise, or of the same
-- private owner (identity number, else phone; owner_phone is indexed since 0011).
CREATE INDEX vehicles_enterprise ON vehicles (enterprise_id) WHERE enterprise_id IS NOT NULL;
CREATE INDEX vehicles_owner_id_number ON vehicles (owner_id_number) WHERE owner_id_number IS NOT NULL;
-- ...and reads their history by vehicle.
CREATE INDEX tickets_vehicle ON tickets (vehicle_id);
CREATE INDEX desk_calls_vehicle ON desk_calls (vehicle_id);
CREATE INDEX complaints_vehicle ON complaints (vehicle_id);
CREATE INDEX callbacks_vehicle ON callbacks (vehicle_id);

-- Down Migration
DROP INDEX callbacks_vehicle;
DROP INDEX complaints_vehicle;
DROP INDEX desk_calls_vehicle;
DROP INDEX tickets_vehicle;
DROP INDEX vehicles_owner_id_number;
DROP INDEX vehicles_enterprise;
DROP TABLE owner_contracts;
