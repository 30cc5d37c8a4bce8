import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { AfterSalesError } from '../../after-sales/errors.js';
import { maskRow } from '../../after-sales/masking.js';
import { changing } from '../../db/acting.js';
import * as cells from '../../roster/cells.js';
import { importFile } from '../../roster/import-file.js';
import { installerContractsWithin } from '../../roster/kinds/installer-contracts.js';
import { followRegister } from '../../roster/kinds/installers.js';
import { actingOf } from '../acting.js';
import { scopeOf } from '../scope.js';
import type { Role, User } from '../sessions.js';
import { answering } from './after-sales-common.js';
import { cellValue, ROSTER_WRITERS } from './roster-records.js';

/** Who reads the register and the contracts: the desk's roles and the installers' service point. */
const READERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

/** A contracts file sent to the API: a few hundred rows at most, one a contract. */
const MAX_CSV_BYTES = 1024 * 1024;

/** An installer by their code in the register. */
export const codeParams = {
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const installerProperties = {
  name: { type: 'string', minLength: 1, maxLength: 64 },
  phone: { type: ['string', 'null'], maxLength: 32 },
  certificate: { type: ['string', 'null'], maxLength: 64 },
  servicePointId: { type: 'integer', minimum: 1 },
  active: { type: 'boolean' },
} as const;

interface InstallerBody {
  name: string;
  phone: string | null;
  certificate: string | null;
  servicePointId: number;
  active: boolean;
}

const INSTALLER_COLUMNS = `i.code, i.name, i.phone, i.certificate, i.service_point_id AS "servicePointId",
  point.name AS "servicePoint", i.active,
  (SELECT min(u.username) FROM users u WHERE u.installer = i.code) AS account`;

/** Whether the service point is one the user may put installers on. */
async function servicePointInScope(pool: pg.Pool, user: User, id: number): Promise<boolean> {
  const scope = scopeOf(user, 2);
  const { rows } = await pool.query(
    `SELECT 1 FROM service_points point WHERE point.id = $1 AND ${scope.servicePoints}`,
    [id, ...scope.params],
  );
  return rows.length > 0;
}

/** Whether the installer is at a service point of the user's scope (out of it, they are no installer). */
export async function installerInScope(pool: pg.Pool, user: User, code: string): Promise<boolean> {
  const scope = scopeOf(user, 2);
  const { rows } = await pool.query(
    `SELECT 1 FROM installers i JOIN service_points point ON point.id = i.service_point_id
      WHERE i.code = $1 AND ${scope.servicePoints}`,
    [code, ...scope.params],
  );
  return rows.length > 0;
}

/** The register's checks on what is typed: the roster import's parsers (roster/cells.ts). */
function registerValues(body: Pick<Partial<InstallerBody>, 'phone' | 'certificate'> & { name: string }) {
  const name = body.name.trim();
  if (name === '') throw new AfterSalesError('name: empty');
  return {
    name,
    phone: cellValue(cells.contactPhone, body.phone ?? null, 'phone'),
    certificate: cellValue(cells.code, body.certificate ?? null, 'certificate'),
  };
}

/**
 * The installer register and the installers' contracts (docs/after-sales.md, "Installers"): read by
 * the desk's roles and the service points, kept by administrators and the desk, each within the
 * service points of their scope. The contracts file is the roster import's (`installer-contracts`).
 */
export const installerRegisterRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get('/installers', { config: { roles: READERS } }, async (request) => {
    const scope = scopeOf(request.user, 1);
    const { rows } = await pool.query(
      `SELECT ${INSTALLER_COLUMNS} FROM installers i JOIN service_points point ON point.id = i.service_point_id
          WHERE ${scope.servicePoints} ORDER BY i.code LIMIT 1000`,
      scope.params,
    );
    return rows.map((row) => maskRow(row, { phone: 'phone' }));
  });

  app.post<{
    Body: Pick<InstallerBody, 'name' | 'servicePointId'> & Partial<InstallerBody> & { code: string };
  }>(
    '/installers',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'name', 'servicePointId'],
          properties: { code: { type: 'string', minLength: 1, maxLength: 64 }, ...installerProperties },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { code: given, servicePointId, active = true } = request.body;
        const code = cellValue(cells.code, given, 'code');
        if (code === null) throw new AfterSalesError('code: empty');
        const values = registerValues(request.body);
        if (!(await servicePointInScope(pool, request.user, servicePointId))) {
          return reply.code(404).send({ error: 'no such service point' });
        }
        const { rowCount } = await changing(pool, actingOf(request), (client) =>
          client.query(
            `INSERT INTO installers (code, name, phone, certificate, service_point_id, active)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING`,
            [code, values.name, values.phone, values.certificate, servicePointId, active],
          ),
        );
        if (rowCount === 0)
          throw new AfterSalesError(`installer ${code} is in the register already`, 'conflict');
        return reply.code(201).send(maskRow({ code, ...values, servicePointId, active }, { phone: 'phone' }));
      }),
  );

  app.put<{ Params: { code: string }; Body: InstallerBody }>(
    '/installers/:code',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          // Replaced whole, like a vehicle's owner: nothing of a former entry lingers unseen.
          required: ['name', 'phone', 'certificate', 'servicePointId', 'active'],
          properties: installerProperties,
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const values = registerValues(request.body);
        const { servicePointId, active } = request.body;
        // Both where the installer is and where they go must be the user's.
        if (!(await servicePointInScope(pool, request.user, servicePointId))) {
          return reply.code(404).send({ error: 'no such service point' });
        }
        const scope = scopeOf(request.user, 7);
        const updated = await changing(pool, actingOf(request), async (client) => {
          const { rows } = await client.query(
            `UPDATE installers i SET name = $2, phone = $3, certificate = $4, service_point_id = $5, active = $6
               FROM service_points point
              WHERE i.code = $1 AND point.id = i.service_point_id AND ${scope.servicePoints}
            RETURNING i.code`,
            [
              request.params.code,
              values.name,
              values.phone,
              values.certificate,
              servicePointId,
              active,
              ...scope.params,
            ],
          );
          if (rows.length > 0) await followRegister(client, [request.params.code]);
          return rows.length > 0;
        });
        if (!updated) return reply.code(404).send({ error: 'no such installer' });
        return maskRow({ code: request.params.code, ...values, servicePointId, active }, { phone: 'phone' });
      }),
  );

  app.get('/installer-contracts', { config: { roles: READERS } }, async (request) => {
    const scope = scopeOf(request.user, 1);
    const { rows } = await pool.query(
      `SELECT c.installer, c.name, c.service_point_id AS "servicePointId", point.name AS "servicePoint",
              c.fee_fen AS "feeFen", c.min_per_day AS "minPerDay"
         FROM installer_contracts c JOIN service_points point ON point.id = c.service_point_id
        WHERE ${scope.servicePoints} ORDER BY c.installer LIMIT 1000`,
      scope.params,
    );
    return rows;
  });

  app.put<{ Params: { code: string }; Body: { feeFen: number; minPerDay: number | null } }>(
    '/installer-contracts/:code',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['feeFen', 'minPerDay'],
          properties: {
            feeFen: { type: 'integer', minimum: 0, maximum: 100_000_000 },
            minPerDay: { type: ['integer', 'null'], minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request.user, 4);
      // The contract's name and service point are the register's (roster/kinds/installers.ts).
      const { rows } = await changing(pool, actingOf(request), (client) =>
        client.query(
          `INSERT INTO installer_contracts (installer, name, service_point_id, fee_fen, min_per_day)
         SELECT i.code, i.name, i.service_point_id, $2, $3
           FROM installers i JOIN service_points point ON point.id = i.service_point_id
          WHERE i.code = $1 AND ${scope.servicePoints}
         ON CONFLICT (installer) DO UPDATE SET fee_fen = EXCLUDED.fee_fen, min_per_day = EXCLUDED.min_per_day,
           name = EXCLUDED.name, service_point_id = EXCLUDED.service_point_id
         RETURNING installer, name, service_point_id AS "servicePointId", fee_fen AS "feeFen", min_per_day AS "minPerDay"`,
          [request.params.code, request.body.feeFen, request.body.minPerDay, ...scope.params],
        ),
      );
      return rows[0] ?? reply.code(404).send({ error: 'no such installer' });
    },
  );

  // A contracts file as the roster import reads it (UTF-8 or GBK CSV, Chinese or English headers),
  // sent as the request body; only installers of the user's service points are set.
  app.register(async (upload) => {
    upload.addContentTypeParser(
      'text/csv',
      { parseAs: 'buffer', bodyLimit: MAX_CSV_BYTES },
      (_request, body, done) => done(null, body),
    );
    upload.post<{ Body: Buffer }>(
      '/installer-contracts/import',
      { config: { roles: ROSTER_WRITERS } },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) {
          return reply.code(415).send({ error: 'send the CSV file as text/csv' });
        }
        const scope = scopeOf(request.user, 2);
        const kind = installerContractsWithin({ condition: scope.servicePoints, params: scope.params });
        // The importer reads files (it detects the encoding, and re-reads from a line after a bad quote).
        const dir = await mkdtemp(join(tmpdir(), 'jt808-contracts-'));
        try {
          const path = join(dir, 'contracts.csv');
          await writeFile(path, request.body);
          const {
            kind: _kind,
            path: _path,
            ...report
          } = await importFile(pool, kind, path, {
            actor: request.user.username,
          });
          return reply.code(report.error === undefined ? 200 : 400).send(report);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  });
};
