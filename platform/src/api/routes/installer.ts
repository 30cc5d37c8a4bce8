import { alarmFlags } from '@jt808/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { maskDetail } from '../../after-sales/masking.js';
import { transaction } from '../../db/pool.js';
import { SIGNED_IN } from '../guard.js';
import { scopeOf } from '../scope.js';
import type { User } from '../sessions.js';

/** A fix older than this does not count as "has a fix" on the installer's checklist. */
const FRESH_FIX_MS = 5 * 60_000;

interface Check {
  name: 'connected' | 'registered' | 'authenticated' | 'gnss-fix' | 'satellites' | 'signal' | 'no-alarms';
  ok: boolean;
  detail?: unknown;
}

/**
 * The installer's live checklist for a vehicle just fitted (by plate or terminal number) and the
 * acceptance that records the installation as done once every check is green.
 */
export const installerRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  const checklist = async (user: User, key: string) => {
    const scope = scopeOf(user, 2);
    const { rows } = await pool.query(
      `SELECT vehicle.id AS vehicle_id, vehicle.plate, t.phone, t.registered_at, st.online, st.connected_at, st.last_fix_time,
              st.status::text AS status_word, st.alarm::text AS alarm, st.satellites, st.signal_strength
         FROM vehicles vehicle
         LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
         LEFT JOIN terminal_state st ON st.phone = t.phone
        WHERE (vehicle.plate = $1 OR t.phone = ltrim($1, '0')) AND ${scope.vehicles}`,
      [key, ...scope.params],
    );
    const row = rows[0];
    if (!row) return undefined;
    const alarms = row.alarm === null ? [] : alarmFlags(Number(row.alarm));
    const fixAge = row.last_fix_time ? Date.now() - row.last_fix_time.getTime() : Number.POSITIVE_INFINITY;
    const checks: Check[] = [
      { name: 'connected', ok: row.online === true },
      { name: 'registered', ok: row.registered_at !== null, detail: row.registered_at },
      { name: 'authenticated', ok: row.connected_at !== null, detail: row.connected_at },
      {
        name: 'gnss-fix',
        ok: fixAge <= FRESH_FIX_MS && (Number(row.status_word ?? 0) & 2) !== 0,
        detail: row.last_fix_time,
      },
      { name: 'satellites', ok: (row.satellites ?? 0) >= 4, detail: row.satellites },
      { name: 'signal', ok: (row.signal_strength ?? 0) > 0, detail: row.signal_strength },
      { name: 'no-alarms', ok: alarms.length === 0, detail: alarms },
    ];
    return {
      vehicleId: row.vehicle_id,
      plate: row.plate,
      phone: row.phone,
      checks,
      allGreen: checks.every((c) => c.ok),
    };
  };

  const keyParams = {
    type: 'object',
    required: ['key'],
    properties: { key: { type: 'string', minLength: 1, maxLength: 32 } },
  } as const;

  app.get<{ Params: { key: string } }>(
    '/installer/:key',
    { config: { roles: SIGNED_IN }, schema: { params: keyParams } },
    async (request, reply) => {
      const result = await checklist(request.user, request.params.key);
      if (!result) return reply.code(404).send({ error: 'no such vehicle or terminal' });
      return maskDetail(request.user.role, result, { phone: 'sim' });
    },
  );

  app.post<{ Params: { key: string } }>(
    '/installer/:key/accept',
    // Service-point staff, administrators and the installers themselves accept installations: only
    // the platform's checks, every one green, make an acceptance, not the word of whoever asks.
    { config: { roles: ['admin', 'service', 'installer'] }, schema: { params: keyParams } },
    async (request, reply) => {
      const result = await checklist(request.user, request.params.key);
      if (!result) return reply.code(404).send({ error: 'no such vehicle or terminal' });
      if (!result.allGreen)
        return reply.code(409).send({ error: 'not every check is green', checks: result.checks });
      await transaction(pool, async (client) => {
        // An installer accepting a job no one was named for is its installer: it counts in their
        // settlement (settlement-store.ts).
        await client.query(
          `UPDATE installations SET done_at = coalesce(done_at, now()), accepted_at = now(), accepted_by = $2, terminal_phone = $3,
                  installer = coalesce(installer, (SELECT installer FROM users WHERE id = $4))
          WHERE vehicle_id = $1 AND accepted_at IS NULL`,
          [result.vehicleId, request.user.username, result.phone, request.user.id],
        );
        await client.query(
          `UPDATE terminals SET pending = false, installed_at = coalesce(installed_at, now()) WHERE phone = $1`,
          [result.phone],
        );
        const closed = await client.query<{ id: string; state: string }>(
          `UPDATE tickets t SET state = 'closed', closed_at = now(), verified_at = now(), close_reason = 'verified', updated_at = now()
           FROM tickets old
          WHERE old.id = t.id AND t.kind = 'install' AND t.closed_at IS NULL AND (t.vehicle_id = $1 OR t.phone = $2)
          RETURNING t.id, old.state`,
          [result.vehicleId, result.phone],
        );
        for (const ticket of closed.rows) {
          await client.query(
            `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason) VALUES ($1, $2, $3, 'closed', 'installation accepted: every check green')`,
            [ticket.id, request.user.username, ticket.state],
          );
        }
      });
      return { accepted: true, ...maskDetail(request.user.role, result, { phone: 'sim' }) };
    },
  );
};
