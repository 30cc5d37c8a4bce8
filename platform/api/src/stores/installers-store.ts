import type {
  Installer,
  InstallerContract,
  InstallerContractEntry,
  InstallerContractInput,
  InstallerEntry,
} from '@jt808/api-contract';
import { followRegister } from '@jt808/roster';
import { type Acting, changing, type Scope } from '@jt808/storage';
import type pg from 'pg';

/**
 * The installer register and the installers' contracts (docs/after-sales.md, "Installers"), each
 * within a scope's service points. Every function takes a scope built with the parameters its
 * query puts before the scope's (`scopeOf(user, n)`, n named on each).
 */

/** The register in scope, by code, phones unmasked (n = 1). */
export async function installersIn(pool: pg.Pool, scope: Scope): Promise<Installer[]> {
  const { rows } = await pool.query<Installer>(
    `SELECT i.code, i.name, i.phone, i.certificate, i.service_point_id AS "servicePointId",
            point.name AS "servicePoint", i.active,
            (SELECT min(u.username) FROM users u WHERE u.installer = i.code) AS account
       FROM installers i JOIN service_points point ON point.id = i.service_point_id
      WHERE ${scope.servicePoints} ORDER BY i.code LIMIT 1000`,
    scope.params,
  );
  return rows;
}

/** Adds an entry; false when the code is in the register already. */
export async function addInstaller(pool: pg.Pool, acting: Acting, entry: InstallerEntry): Promise<boolean> {
  const { rowCount } = await changing(pool, acting, (client) =>
    client.query(
      `INSERT INTO installers (code, name, phone, certificate, service_point_id, active)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING`,
      [entry.code, entry.name, entry.phone, entry.certificate, entry.servicePointId, entry.active],
    ),
  );
  return rowCount !== 0;
}

/**
 * Replaces the entry of an installer in scope (n = 7), and their contract follows it; false when
 * there is no such installer in scope.
 */
export async function updateInstaller(
  pool: pg.Pool,
  acting: Acting,
  scope: Scope,
  entry: InstallerEntry,
): Promise<boolean> {
  return changing(pool, acting, async (client) => {
    const { rows } = await client.query(
      `UPDATE installers i SET name = $2, phone = $3, certificate = $4, service_point_id = $5, active = $6
         FROM service_points point
        WHERE i.code = $1 AND point.id = i.service_point_id AND ${scope.servicePoints}
      RETURNING i.code`,
      [
        entry.code,
        entry.name,
        entry.phone,
        entry.certificate,
        entry.servicePointId,
        entry.active,
        ...scope.params,
      ],
    );
    if (rows.length > 0) await followRegister(client, [entry.code]);
    return rows.length > 0;
  });
}

/** The installers' contracts in scope (n = 1). */
export async function installerContractsIn(pool: pg.Pool, scope: Scope): Promise<InstallerContract[]> {
  const { rows } = await pool.query<InstallerContract>(
    `SELECT c.installer, c.name, c.service_point_id AS "servicePointId", point.name AS "servicePoint",
            c.fee_fen AS "feeFen", c.min_per_day AS "minPerDay"
       FROM installer_contracts c JOIN service_points point ON point.id = c.service_point_id
      WHERE ${scope.servicePoints} ORDER BY c.installer LIMIT 1000`,
    scope.params,
  );
  return rows;
}

/**
 * Sets the contract of a registered installer in scope (n = 4), its name and service point the
 * register's (roster/kinds/installers.ts); undefined when there is no such installer in scope.
 */
export async function setInstallerContract(
  pool: pg.Pool,
  acting: Acting,
  scope: Scope,
  code: string,
  terms: InstallerContractInput,
): Promise<InstallerContractEntry | undefined> {
  const { rows } = await changing(pool, acting, (client) =>
    client.query<InstallerContractEntry>(
      `INSERT INTO installer_contracts (installer, name, service_point_id, fee_fen, min_per_day)
       SELECT i.code, i.name, i.service_point_id, $2, $3
         FROM installers i JOIN service_points point ON point.id = i.service_point_id
        WHERE i.code = $1 AND ${scope.servicePoints}
       ON CONFLICT (installer) DO UPDATE SET fee_fen = EXCLUDED.fee_fen, min_per_day = EXCLUDED.min_per_day,
         name = EXCLUDED.name, service_point_id = EXCLUDED.service_point_id
       RETURNING installer, name, service_point_id AS "servicePointId", fee_fen AS "feeFen", min_per_day AS "minPerDay"`,
      [code, terms.feeFen, terms.minPerDay, ...scope.params],
    ),
  );
  return rows[0];
}
