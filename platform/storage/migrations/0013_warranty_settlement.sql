-- Up Migration
-- What the warranty rules and the installers' settlement need: how a terminal was shipped, the
-- owner's sign-off on an installation, and the installers' contracts.

ALTER TABLE terminals ADD COLUMN shipped_on date;
ALTER TABLE terminals ADD COLUMN ship_mode text CHECK (ship_mode IN ('express', 'freight'));
ALTER TABLE terminals ADD CONSTRAINT terminals_shipment_complete CHECK ((shipped_on IS NULL) = (ship_mode IS NULL));

-- An installation counts for the installer only with the owner's sign-off and the platform's check-in.
ALTER TABLE installations ADD COLUMN owner_signed_at timestamptz;
CREATE INDEX installations_installer ON installations (installer, accepted_at);

CREATE TABLE installer_contracts (
  installer text PRIMARY KEY,
  name text NOT NULL,
  service_point_id integer REFERENCES service_points (id),
  -- Fee per accepted installation, in fen (1/100 yuan).
  fee_fen integer NOT NULL CHECK (fee_fen >= 0),
  -- Installations per working day the contract asks for (NULL: the platform default).
  min_per_day integer CHECK (min_per_day > 0)
);

-- Down Migration
DROP TABLE installer_contracts;
DROP INDEX installations_installer;
ALTER TABLE installations DROP COLUMN owner_signed_at;
ALTER TABLE terminals DROP CONSTRAINT terminals_shipment_complete;
ALTER TABLE terminals DROP COLUMN ship_mode;
ALTER TABLE terminals DROP COLUMN shipped_on;
