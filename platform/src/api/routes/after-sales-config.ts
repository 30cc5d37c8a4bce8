import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { CalendarDay } from '../../after-sales/calendar.js';
import {
  listCalendarDays,
  loadConfig,
  saveCalendarDays,
  saveSettings,
} from '../../after-sales/config-store.js';
import { ANYONE } from '../guard.js';
import { answering, dayPattern } from './after-sales-common.js';

/** The after-sales settings and the working-day calendar: everyone reads them, administrators change them. */
export const afterSalesConfigRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get(
    '/after-sales/settings',
    { config: { roles: ANYONE } },
    async () => (await loadConfig(pool)).settings,
  );

  app.put<{ Body: Record<string, number> }>(
    '/after-sales/settings',
    {
      schema: { body: { type: 'object', additionalProperties: { type: 'number' }, maxProperties: 50 } },
      config: { roles: ['admin'] },
    },
    async (request, reply) =>
      answering(reply, async () => {
        await saveSettings(pool, request.body, request.user.username);
        return (await loadConfig(pool)).settings;
      }),
  );

  app.get<{ Querystring: { year: number } }>(
    '/calendar',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          required: ['year'],
          additionalProperties: false,
          properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } },
        },
      },
    },
    async (request) => listCalendarDays(pool, request.query.year),
  );

  app.put<{ Body: { days?: CalendarDay[]; remove?: string[] } }>(
    '/calendar',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            days: {
              type: 'array',
              maxItems: 400,
              items: {
                type: 'object',
                required: ['day', 'kind'],
                additionalProperties: false,
                properties: {
                  day: { type: 'string', pattern: dayPattern },
                  kind: { type: 'string', enum: ['holiday', 'workday'] },
                  name: { type: 'string', maxLength: 64 },
                },
              },
            },
            remove: { type: 'array', maxItems: 400, items: { type: 'string', pattern: dayPattern } },
          },
        },
      },
      config: { roles: ['admin'] },
    },
    async (request, reply) =>
      answering(reply, async () => {
        await saveCalendarDays(pool, request.body.days ?? [], request.body.remove ?? []);
        return { saved: request.body.days?.length ?? 0, removed: request.body.remove?.length ?? 0 };
      }),
  );
};
