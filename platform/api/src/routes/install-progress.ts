import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  daysBetween,
  installProgressOf,
  isDay,
  loadConfig,
  localDay,
  saveInstallPlan,
} from '@jt808/after-sales';
import {
  ErrorAnswer,
  IdParams,
  InstallPlan,
  InstallPlanInput,
  InstallProgressQuery,
  InstallProgressReport,
  ref,
} from '@jt808/api-contract';
import { sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';

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
export const installProgressRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/install-progress',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: InstallProgressQuery,
        response: { 200: InstallProgressReport, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const { day = localDay(Date.now()), format = 'json' } = request.query;
      const progress = await installProgressOf(pool, request.user, day, await loadConfig(pool));
      if (format === 'json') return { day, centers: progress };
      return sendTable(reply, format, `install-progress-${day}`, tableOf(progress, PROGRESS_COLUMNS));
    },
  );

  app.put(
    '/install-plans/:id',
    {
      config: { roles: ['admin', 'operator'] },
      schema: {
        params: ref(IdParams),
        body: InstallPlanInput,
        response: { 200: InstallPlan, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const plan = request.body;
      if (!isDay(plan.startsOn) || !isDay(plan.dueOn)) return reply.code(400).send({ error: 'not a date' });
      if (daysBetween(plan.startsOn, plan.dueOn) < 0)
        return reply.code(400).send({ error: 'the plan is due before it starts' });
      if (!(await saveInstallPlan(pool, request.user, request.params.id, plan)))
        return reply.code(404).send({ error: 'no such center' });
      return { center: request.params.id, ...plan };
    },
  );
};
