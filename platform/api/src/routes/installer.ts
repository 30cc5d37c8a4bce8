import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { maskDetail } from '@jt808/after-sales';
import {
  ChecklistParams,
  ChecksNotGreen,
  ErrorAnswer,
  InstallationAccepted,
  type InstallerCheck,
  InstallerChecklist,
  ref,
} from '@jt808/api-contract';
import { alarmFlags } from '@jt808/protocol';
import { scopeOf } from '@jt808/storage';
import { SIGNED_IN } from '../guard.js';
import type { User } from '../sessions.js';
import { acceptInstallation, fittedVehicle } from '../stores/installer-checklist-store.js';

/** A fix older than this does not count as "has a fix" on the installer's checklist. */
const FRESH_FIX_MS = 5 * 60_000;

/**
 * The installer's live checklist for a vehicle just fitted (by plate or terminal number) and the
 * acceptance that records the installation as done once every check is green.
 */
export const installerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  const checklist = async (user: User, key: string): Promise<InstallerChecklist | undefined> => {
    const row = await fittedVehicle(pool, scopeOf(user, 2), key);
    if (!row) return undefined;
    const alarms = row.alarm === null ? [] : alarmFlags(Number(row.alarm));
    const fixAge = row.last_fix_time ? Date.now() - row.last_fix_time.getTime() : Number.POSITIVE_INFINITY;
    const checks: InstallerCheck[] = [
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

  app.get(
    '/installer/:key',
    {
      config: { roles: SIGNED_IN },
      schema: { params: ChecklistParams, response: { 200: InstallerChecklist, '4xx': ref(ErrorAnswer) } },
    },
    async (request, reply) => {
      const result = await checklist(request.user, request.params.key);
      if (!result) return reply.code(404).send({ error: 'no such vehicle or terminal' });
      return maskDetail(request.user.role, result, { phone: 'sim' });
    },
  );

  app.post(
    '/installer/:key/accept',
    // Service-point staff, administrators and the installers themselves accept installations: only
    // the platform's checks, every one green, make an acceptance, not the word of whoever asks.
    {
      config: { roles: ['admin', 'service', 'installer'] },
      schema: {
        params: ChecklistParams,
        response: { 200: InstallationAccepted, 409: ChecksNotGreen, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const result = await checklist(request.user, request.params.key);
      if (!result) return reply.code(404).send({ error: 'no such vehicle or terminal' });
      if (!result.allGreen)
        return reply.code(409).send({ error: 'not every check is green', checks: result.checks });
      await acceptInstallation(pool, result, request.user);
      return { accepted: true as const, ...maskDetail(request.user.role, result, { phone: 'sim' }) };
    },
  );
};
