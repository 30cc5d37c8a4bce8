-- Up Migration
-- The installer register (docs/after-sales.md, "Installers"): who installs, for which service point,
-- whether they still do; and the `installer` role with which an installer signs in on the phone page.

-- `code` is the name installations (installer), tickets (installer), complaints (charged_installer)
-- and contracts already use for an installer: the register gives it a person.
CREATE TABLE installers (
  code text PRIMARY KEY CHECK (code <> ''),
  name text NOT NULL CHECK (name <> ''),
  -- Personal data (masked in lists, after-sales/masking.ts).
  phone text,
  -- The installer's qualification certificate number (e.g. 电工证/安装资格证).
  certificate text,
  service_point_id integer NOT NULL REFERENCES service_points (id),
  -- An installer who left keeps their history and contract; inactive, they see nothing.
  active boolean NOT NULL DEFAULT true
);
CREATE INDEX installers_service_point ON installers (service_point_id);

-- Contracts name a registered installer. Those recorded before the register (by SQL) are
-- registered under the contract's name; one without a service point cannot be, and NOT VALID
-- leaves it be while checking every contract written from now on.
INSERT INTO installers (code, name, service_point_id)
  SELECT installer, name, service_point_id FROM installer_contracts WHERE service_point_id IS NOT NULL;
ALTER TABLE installer_contracts ADD CONSTRAINT installer_contracts_registered
  FOREIGN KEY (installer) REFERENCES installers (code) NOT VALID;

-- An installer's account names their register entry; their service point is read from the register
-- at every request (sessions.ts), so a move or a deactivation holds at once.
ALTER TABLE users ADD COLUMN installer text REFERENCES installers (code);
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('admin', 'operator', 'service', 'viewer', 'desk', 'installer'));
ALTER TABLE users ADD CONSTRAINT users_installer CHECK ((role = 'installer') = (installer IS NOT NULL));

-- Down Migration
DELETE FROM users WHERE role = 'installer';
ALTER TABLE users DROP CONSTRAINT users_installer;
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'operator', 'service', 'viewer', 'desk'));
ALTER TABLE users DROP COLUMN installer;
ALTER TABLE installer_contracts DROP CONSTRAINT installer_contracts_registered;
DROP TABLE installers;
