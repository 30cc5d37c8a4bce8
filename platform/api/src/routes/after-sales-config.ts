import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listCalendarDays, loadSettings, saveCalendarDays, saveSettings } from '@jt808/after-sales';
import {
  AfterSalesSettings,
  CalendarBody,
  CalendarDays,
  CalendarQuery,
  CalendarSaved,
  ErrorAnswer,
  ref,
  SettingsBody,
} from '@jt808/api-contract';
import { ANYONE } from '../guard.js';

const errors = { '4xx': ref(ErrorAnswer) };

/**
 * The after-sales settings and the working-day calendar: everyone reads them, administrators change
 * them. A setting unknown or out of bounds, a day that is no date, is the store's AfterSalesError,
 * answered by the error handler (errors.ts).
 */
export const afterSalesConfigRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;

  app.get(
    '/after-sales/settings',
    { config: { roles: ANYONE }, schema: { response: { 200: AfterSalesSettings } } },
    async () => loadSettings(pool),
  );

  app.put(
    '/after-sales/settings',
    {
      config: { roles: ['admin'] },
      schema: { body: SettingsBody, response: { 200: AfterSalesSettings, ...errors } },
    },
    async (request) => {
      await saveSettings(pool, request.body, request.user.username);
      return loadSettings(pool);
    },
  );

  app.get(
    '/calendar',
    {
      config: { roles: ANYONE },
      schema: { querystring: CalendarQuery, response: { 200: CalendarDays, ...errors } },
    },
    async (request) => listCalendarDays(pool, request.query.year),
  );

  app.put(
    '/calendar',
    {
      config: { roles: ['admin'] },
      schema: { body: CalendarBody, response: { 200: CalendarSaved, ...errors } },
    },
    async (request) => {
      const { days = [], remove = [] } = request.body;
      await saveCalendarDays(pool, days, remove);
      return { saved: days.length, removed: remove.length };
    },
  );
};
