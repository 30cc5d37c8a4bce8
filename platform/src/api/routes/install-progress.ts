import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { daysBetween, isDay, localDay } from '../../after-sales/calendar.js';
import { loadConfig } from '../../after-sales/config-store.js';
import { installProgressOf, saveInstallPlan } from '../../after-sales/install-progress-store.js';
import { type ExportFormat, formatProperty, sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';
import { answering, dayPattern } from './after-sales-common.js';

const PROGRESS_COLUMNS = [
  'center',
  'target',
  'startsOn',
  'dueOn',
  'installed',
  'checkedIn',
  'accepted',
  'expected',
  'behind',
  'remaining',
  'rate',
  'workingDaysLeft',
  'neededPerDay',
  'overdue',
];

/**
 * Install progress per center and for the province against the centers' plans (docs/after-sales.md,
 * "Install progress"), and the plans, set by administrators and the centers' operators.
 */
export const installProgressRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { day?: string; format?: ExportFormat } }>(
    '/install-progress',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { day: { type: 'string', pattern: dayPattern }, format: formatProperty },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { day = localDay(Date.now()), format = 'json' } = request.query;
        const progress = await installProgressOf(pool, request.user, day, await loadConfig(pool));
        if (format === 'json') return { day, centers: progress };
        return sendTable(reply, format, `install-progress-${day}`, tableOf(progress, PROGRESS_COLUMNS));
      }),
  );

  app.put<{ Params: { id: number }; Body: { target: number; startsOn: string; dueOn: string } }>(
    '/install-plans/:id',
    {
      config: { roles: ['admin', 'operator'] },
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
        body: {
          type: 'object',
          required: ['target', 'startsOn', 'dueOn'],
          additionalProperties: false,
          properties: {
            target: { type: 'integer', minimum: 1, maximum: 10_000_000 },
            startsOn: { type: 'string', pattern: dayPattern },
            dueOn: { type: 'string', pattern: dayPattern },
          },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const plan = request.body;
        if (!isDay(plan.startsOn) || !isDay(plan.dueOn)) return reply.code(400).send({ error: 'not a date' });
        if (daysBetween(plan.startsOn, plan.dueOn) < 0)
          return reply.code(400).send({ error: 'the plan is due before it starts' });
        if (!(await saveInstallPlan(pool, request.user, request.params.id, plan)))
          return reply.code(404).send({ error: 'no such center' });
        return { center: request.params.id, ...plan };
      }),
  );
};
