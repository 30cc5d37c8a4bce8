import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { maskDetail, maskRow } from '../../after-sales/masking.js';
import { ANYONE } from '../guard.js';
import { pageProperties, withinMaxSpan } from '../limits.js';
import { commandsFor } from '../rights.js';
import { scopeOf } from '../scope.js';
import { readTrack } from '../track.js';

const VEHICLE_COLUMNS = `vehicle.id, vehicle.plate, vehicle.plate_color, vehicle.vin, vehicle.center_id, t.phone, t.terminal_id,
  t.maker, t.model, coalesce(s.status, 'never-seen') AS status, coalesce(s.reasons, '{}') AS reasons, s.since AS status_since,
  st.online, st.last_seen_at, st.last_fix_time, st.latitude, st.longitude, st.speed, st.direction, st.alarm::text AS alarm,
  st.satellites, st.signal_strength`;

const VEHICLE_JOINS = `FROM vehicles vehicle
  LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
  LEFT JOIN terminal_status s ON s.phone = t.phone
  LEFT JOIN terminal_state st ON st.phone = t.phone`;

/** The terminal's SIM: masked in the list, on one vehicle by role (after-sales/masking.ts). */
const VEHICLE_SIM = { phone: 'sim' } as const;

/** One vehicle also shows its owner (always masked) and its terminal's shipment. */
const DETAIL_COLUMNS = `${VEHICLE_COLUMNS}, vehicle.owner_name, vehicle.owner_phone, vehicle.owner_id_number,
  to_char(t.shipped_on, 'YYYY-MM-DD') AS shipped_on, t.ship_mode`;
const DETAIL_PERSONAL = {
  ...VEHICLE_SIM,
  owner_name: 'name',
  owner_phone: 'phone',
  owner_id_number: 'idNumber',
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/**
 * Vehicle search, one vehicle's state, events and the commands the user may send it, and its track;
 * always within the user's scope.
 */
export const vehicleRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { q?: string; page?: number; pageSize?: number } }>(
    '/vehicles',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 32 },
            ...pageProperties,
          },
        },
      },
    },
    async (request) => {
      const { q = '', page = 1, pageSize = 50 } = request.query;
      const scope = scopeOf(request.user, 4);
      // The matches first, from the vehicles alone (plate, VIN: an index-only scan of the center's
      // entries) and from the terminals' phone index, then the page of them with their state: a
      // condition over the joined rows would join every vehicle in scope to its terminal first.
      const { rows } = await pool.query(
        `WITH matched AS (
           SELECT vehicle.id FROM vehicles vehicle
            WHERE ${scope.vehicles} AND ($1 = '' OR vehicle.plate ILIKE '%' || $1 || '%' OR vehicle.vin = upper($1))
           UNION
           SELECT vehicle.id FROM terminals t JOIN vehicles vehicle ON vehicle.id = t.vehicle_id
            WHERE $1 <> '' AND t.phone LIKE ltrim($1, '0') || '%' AND ${scope.vehicles})
         SELECT ${VEHICLE_COLUMNS} ${VEHICLE_JOINS}
          WHERE vehicle.id IN (SELECT id FROM matched)
          ORDER BY vehicle.id LIMIT $2 OFFSET $3`,
        [q, pageSize, (page - 1) * pageSize, ...scope.params],
      );
      return { page, pageSize, items: rows.map((row) => maskRow(row, VEHICLE_SIM)) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/vehicles/:id',
    { config: { roles: ANYONE }, schema: { params: idParams } },
    async (request, reply) => {
      const scope = scopeOf(request.user, 2);
      const { rows } = await pool.query(
        `SELECT ${DETAIL_COLUMNS} ${VEHICLE_JOINS} WHERE vehicle.id = $1 AND ${scope.vehicles}`,
        [request.params.id, ...scope.params],
      );
      // Out of scope and missing look the same: the answer must not tell that a vehicle exists.
      if (rows.length === 0) return reply.code(404).send({ error: 'no such vehicle' });
      const vehicle = rows[0];
      const events = vehicle.phone
        ? (
            await pool.query(
              'SELECT at, kind, detail FROM terminal_events WHERE phone = $1 ORDER BY at DESC LIMIT 100',
              [vehicle.phone],
            )
          ).rows
        : [];
      // The downlink commands the user may send here (none without a terminal to send them to).
      const commands = vehicle.phone ? commandsFor(request.user.role) : [];
      return { ...maskDetail(request.user.role, vehicle, DETAIL_PERSONAL), events, commands };
    },
  );

  app.get<{ Params: { id: number }; Querystring: { from: string; to: string; maxPoints?: number } }>(
    '/vehicles/:id/track',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            maxPoints: { type: 'integer', minimum: 2, maximum: 20_000, default: 5000 },
          },
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request.user, 2);
      const { rows: owner } = await pool.query(
        `SELECT t.phone FROM vehicles vehicle JOIN terminals t ON t.vehicle_id = vehicle.id WHERE vehicle.id = $1 AND ${scope.vehicles}`,
        [request.params.id, ...scope.params],
      );
      if (owner.length === 0) return reply.code(404).send({ error: 'no such vehicle' });
      const { from, to, maxPoints = 5000 } = request.query;
      // Long ranges are thinned evenly to at most maxPoints fixes, first and last kept.
      const points = await readTrack(pool, owner[0].phone, from, to, maxPoints);
      return { ...maskDetail(request.user.role, { phone: owner[0].phone }, VEHICLE_SIM), points };
    },
  );
};
