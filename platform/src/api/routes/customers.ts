import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { loadSettings } from '../../after-sales/config-store.js';
import { contractsOf, OF_CUSTOMER, SAME_CUSTOMER } from '../../after-sales/contract-store.js';
import { maskRow, mayViewInFull, type PersonalField } from '../../after-sales/masking.js';
import { UNIT_COLUMNS, type UnitColumns, withWarrantyUntil } from '../../after-sales/warranty-store.js';
import { CellError, contactPhone } from '../../roster/cells.js';
import { EXPORT_ROWS, type ExportFormat, formatProperty, sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';
import { scopeOf } from '../scope.js';
import { idParams } from './after-sales-common.js';

const PERSONAL: Record<string, PersonalField> = {
  owner_name: 'name',
  owner_phone: 'phone',
  owner_id_number: 'idNumber',
  phone: 'sim',
  enterprise_contact: 'name',
  enterprise_phone: 'phone',
};

const CUSTOMER_COLUMNS = `vehicle.id, vehicle.plate, vehicle.center_id, vehicle.owner_name, vehicle.owner_phone, vehicle.owner_id_number,
  e.name AS enterprise, e.contact AS enterprise_contact, e.phone AS enterprise_phone,
  t.phone, t.maker, t.model, t.terminal_id AS serial, ${UNIT_COLUMNS}`;
const CUSTOMER_JOINS = `FROM vehicles vehicle LEFT JOIN enterprises e ON e.id = vehicle.enterprise_id
  LEFT JOIN terminals t ON t.vehicle_id = vehicle.id`;

/** The archive's export columns: the search's, personal data masked as in the list. */
const CUSTOMER_EXPORT = [
  'id',
  'plate',
  'center_id',
  'owner_name',
  'owner_phone',
  'owner_id_number',
  'enterprise',
  'enterprise_contact',
  'enterprise_phone',
  'phone',
  'maker',
  'model',
  'serial',
  'warranty_until',
];
/**
 * A search text as an owner's phone is stored (`roster/cells.ts`, contactPhone: what the desk and
 * the roster import store), so `138-0000 2222` or full-width digits find the owner of every vehicle
 * entered as 13800002222; a text that is no phone number is matched as it is.
 */
function asOwnerPhone(q: string): string {
  try {
    return contactPhone(q.trim());
  } catch (error) {
    if (error instanceof CellError) return q;
    throw error;
  }
}

/** Local dates as the instant their day starts in Asia/Shanghai. */
const startOfLocal = (date: string) => `(${date})::timestamp AT TIME ZONE 'Asia/Shanghai'`;

/**
 * One customer's history across their vehicles ($2) and contracts (of vehicle $1's customer),
 * newest first: a contract's end appears once it has come. No personal data in the summaries (a
 * timeline is masked for every role): an exchange names its ticket (`ref`), not the new SIM.
 */
const TIMELINE = `SELECT * FROM (
   SELECT coalesce(accepted_at, done_at, planned_on::timestamptz) AS at, 'installation' AS what, id::text AS ref, vehicle_id,
          concat_ws(' ', installer, CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN done_at IS NOT NULL THEN 'done' ELSE 'planned' END) AS summary
     FROM installations WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT opened_at, 'ticket', id::text, vehicle_id, concat_ws(' ', kind, reason, state, close_reason) FROM tickets WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT resolved_at, 'exchange', id::text, vehicle_id, 'terminal replaced'
     FROM tickets WHERE vehicle_id = ANY ($2) AND replacement_phone IS NOT NULL AND resolved_at IS NOT NULL
   UNION ALL
   SELECT received_at, 'call', id::text, vehicle_id, concat_ws(' ', category, description) FROM desk_calls WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT opened_at, 'complaint', id::text, vehicle_id, concat_ws(' ', source, finding, description) FROM complaints WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT coalesce(done_at, due_at), 'callback', id::text, vehicle_id, concat_ws(' ', kind, satisfaction, reason, comment)
     FROM callbacks WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT ${startOfLocal('contract.signed_on')}, 'contract', contract.id::text, contract.vehicle_id,
          concat_ws(' ', contract.number, contract.kind, 'signed')
     FROM owner_contracts contract WHERE ${OF_CUSTOMER}
   UNION ALL
   SELECT ${startOfLocal('contract.ends_on + 1')}, 'contract', contract.id::text, contract.vehicle_id,
          concat_ws(' ', contract.number, contract.kind, 'ended')
     FROM owner_contracts contract WHERE ${OF_CUSTOMER} AND ${startOfLocal('contract.ends_on + 1')} <= now()
 ) events WHERE at IS NOT NULL ORDER BY at DESC LIMIT 500`;

/**
 * The customer archive: owners (and their enterprise) with their vehicle and terminal, searched by
 * plate, owner phone or name — personal data masked — and one customer (addressed by one of their
 * vehicles) with all their vehicles and terminals, their contracts and one timeline of
 * installations, tickets, calls, complaints, callbacks and contracts. Personal data in full only on the
 * detail view, for roles that need it, and every such view is recorded.
 */
export const customerRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { q: string; format?: ExportFormat } }>(
    '/customers',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: { q: { type: 'string', minLength: 1, maxLength: 32 }, format: formatProperty },
        },
      },
    },
    async (request, reply) => {
      const { format = 'json' } = request.query;
      const scope = scopeOf(request.user, 4);
      const { rows } = await pool.query<UnitColumns>(
        `SELECT ${CUSTOMER_COLUMNS} ${CUSTOMER_JOINS}
          WHERE (vehicle.plate ILIKE '%' || $1 || '%' OR vehicle.owner_phone = $2 OR vehicle.owner_name = $1 OR e.name = $1
                 OR t.phone = ltrim($1, '0'))
            AND ${scope.vehicles}
          ORDER BY vehicle.id LIMIT $3`,
        [
          request.query.q,
          asOwnerPhone(request.query.q),
          format === 'json' ? 100 : EXPORT_ROWS,
          ...scope.params,
        ],
      );
      const settings = await loadSettings(pool);
      const masked = rows.map((row) => maskRow(withWarrantyUntil(row, settings), PERSONAL));
      if (format === 'json') return masked;
      return sendTable(reply, format, 'customers', tableOf(masked, CUSTOMER_EXPORT));
    },
  );

  app.get<{ Params: { id: number }; Querystring: { full?: boolean } }>(
    '/customers/:id',
    {
      config: { roles: ANYONE },
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { full: { type: 'boolean', default: false } },
        },
      },
    },
    async (request, reply) => {
      const full = request.query.full === true;
      if (full && !mayViewInFull(request.user.role)) {
        return reply.code(403).send({ error: `a ${request.user.role} does not see personal data in full` });
      }
      const scope = scopeOf(request.user, 2);
      const { rows } = await pool.query<UnitColumns>(
        `SELECT ${CUSTOMER_COLUMNS} ${CUSTOMER_JOINS} WHERE vehicle.id = $1 AND ${scope.vehicles}`,
        [request.params.id, ...scope.params],
      );
      if (!rows[0]) return reply.code(404).send({ error: 'no such customer' });
      const customer = withWarrantyUntil(rows[0], await loadSettings(pool));
      if (full) {
        await pool.query(
          `INSERT INTO personal_data_views (user_id, username, subject, subject_id, fields) VALUES ($1, $2, 'vehicle-owner', $3, $4)`,
          [request.user.id, request.user.username, String(request.params.id), Object.keys(PERSONAL)],
        );
      }
      // The customer's vehicles (their enterprise's and their own) with terminals, in the user's scope.
      const { rows: vehicles } = await pool.query(
        `SELECT vehicle.id, vehicle.plate, t.maker, t.model, t.terminal_id AS serial, t.phone
           FROM vehicles vehicle LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
          WHERE vehicle.id IN (SELECT sibling.id FROM vehicles sibling WHERE ${SAME_CUSTOMER}) AND ${scope.vehicles}
          ORDER BY vehicle.id = $1 DESC, vehicle.plate LIMIT 200`,
        [request.params.id, ...scope.params],
      );
      const { rows: timeline } = await pool.query(TIMELINE, [
        request.params.id,
        vehicles.map((vehicle) => vehicle.id),
      ]);
      return {
        ...(full ? customer : maskRow(customer, PERSONAL)),
        full,
        vehicles: full ? vehicles : vehicles.map((vehicle) => maskRow(vehicle, { phone: 'sim' })),
        contracts: await contractsOf(pool, request.params.id),
        timeline,
      };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/customers/:id/views',
    // Only administrators see who looked.
    { config: { roles: ['admin'] }, schema: { params: idParams } },
    async (request) => {
      const { rows } = await pool.query(
        `SELECT at, username, fields FROM personal_data_views WHERE subject = 'vehicle-owner' AND subject_id = $1 ORDER BY at DESC LIMIT 200`,
        [String(request.params.id)],
      );
      return rows;
    },
  );
};
