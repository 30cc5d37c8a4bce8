import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { maskRow, mayViewInFull, type PersonalField } from '../../aftersales/masking.js';
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
  t.phone, t.maker, t.model, t.terminal_id AS serial, to_char(t.warranty_until, 'YYYY-MM-DD') AS warranty_until`;
const CUSTOMER_JOINS = `FROM vehicles vehicle LEFT JOIN enterprises e ON e.id = vehicle.enterprise_id
  LEFT JOIN terminals t ON t.vehicle_id = vehicle.id`;

/**
 * The customer archive: owners (and their enterprise) with their vehicle and terminal, searched by
 * plate, owner phone or name — personal data masked — and one customer's timeline of
 * installations, tickets, calls, complaints and callbacks. Personal data in full only on the
 * detail view, for roles that need it, and every such view is recorded.
 */
export const customerRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { q: string } }>(
    '/api/customers',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: { q: { type: 'string', minLength: 1, maxLength: 32 } },
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request.user, 2);
      const { rows } = await pool.query(
        `SELECT ${CUSTOMER_COLUMNS} ${CUSTOMER_JOINS}
          WHERE (vehicle.plate ILIKE '%' || $1 || '%' OR vehicle.owner_phone = $1 OR vehicle.owner_name = $1 OR e.name = $1
                 OR t.phone = ltrim($1, '0'))
            AND ${scope.vehicles}
          ORDER BY vehicle.id LIMIT 100`,
        [request.query.q, ...scope.params],
      );
      return rows.map((row) => maskRow(row, PERSONAL));
    },
  );

  app.get<{ Params: { id: number }; Querystring: { full?: boolean } }>(
    '/api/customers/:id',
    {
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
      const { rows } = await pool.query(
        `SELECT ${CUSTOMER_COLUMNS} ${CUSTOMER_JOINS} WHERE vehicle.id = $1 AND ${scope.vehicles}`,
        [request.params.id, ...scope.params],
      );
      const customer = rows[0];
      if (!customer) return reply.code(404).send({ error: 'no such customer' });
      if (full) {
        await pool.query(
          `INSERT INTO personal_data_views (user_id, username, subject, subject_id, fields) VALUES ($1, $2, 'vehicle-owner', $3, $4)`,
          [request.user.id, request.user.username, String(request.params.id), Object.keys(PERSONAL)],
        );
      }
      const { rows: timeline } = await pool.query(
        `SELECT * FROM (
           SELECT coalesce(accepted_at, done_at, planned_on::timestamptz) AS at, 'installation' AS what, id::text AS ref,
                  concat_ws(' ', installer, CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN done_at IS NOT NULL THEN 'done' ELSE 'planned' END) AS summary
             FROM installations WHERE vehicle_id = $1
           UNION ALL
           SELECT opened_at, 'ticket', id::text, concat_ws(' ', kind, reason, state, close_reason) FROM tickets WHERE vehicle_id = $1
           UNION ALL
           SELECT resolved_at, 'exchange', id::text, concat('terminal replaced by ', replacement_phone)
             FROM tickets WHERE vehicle_id = $1 AND replacement_phone IS NOT NULL AND resolved_at IS NOT NULL
           UNION ALL
           SELECT received_at, 'call', id::text, concat_ws(' ', category, description) FROM desk_calls WHERE vehicle_id = $1
           UNION ALL
           SELECT opened_at, 'complaint', id::text, concat_ws(' ', source, finding, description) FROM complaints WHERE vehicle_id = $1
           UNION ALL
           SELECT coalesce(done_at, due_at), 'callback', id::text, concat_ws(' ', kind, satisfaction, reason, comment)
             FROM callbacks WHERE vehicle_id = $1
         ) events WHERE at IS NOT NULL ORDER BY at DESC LIMIT 500`,
        [request.params.id],
      );
      return { ...(full ? customer : maskRow(customer, PERSONAL)), full, timeline };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/customers/:id/views',
    { schema: { params: idParams } },
    async (request, reply) => {
      if (request.user.role !== 'admin')
        return reply.code(403).send({ error: 'only administrators see who looked' });
      const { rows } = await pool.query(
        `SELECT at, username, fields FROM personal_data_views WHERE subject = 'vehicle-owner' AND subject_id = $1 ORDER BY at DESC LIMIT 200`,
        [String(request.params.id)],
      );
      return rows;
    },
  );
};
