import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorAnswer,
  LeagueQuery,
  LeagueRow,
  ref,
  ServiceReport,
  ServiceReportQuery,
} from '@jt808/api-contract';
import { Type } from 'typebox';
import { addDays, startOfDay } from '../../after-sales/calendar.js';
import { loadConfig } from '../../after-sales/config-store.js';
import { MISSED_CLOCK_COLUMNS } from '../../after-sales/missed-clocks.js';
import { monthlyServiceReport, serviceReportTable } from '../../after-sales/report-store.js';
import { sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import { scopeOf } from '../scope.js';
import { leagueFigures } from '../stores/league-store.js';

/** The league's columns, in the order the export writes them. */
const LEAGUE_COLUMNS = [
  'rank',
  'id',
  'code',
  'name',
  'center_id',
  'handled',
  'sla_breaches',
  'repeat_faults',
  'complaints',
  'upheld_complaints',
  'satisfaction_rate',
  'late_arrivals',
  'late_patrol_reports',
  'quote_breaches',
  'rma_breaches',
  'missed_clocks',
];

const errors = { '4xx': ref(ErrorAnswer) };

/** The monthly service report (JSON or CSV) and the service points' league table. */
export const serviceReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/reports/service',
    {
      config: { roles: ANYONE },
      schema: { querystring: ServiceReportQuery, response: { 200: ServiceReport, ...errors } },
    },
    async (request, reply) => {
      const { month, format = 'json', part = 'summary' } = request.query;
      const report = await monthlyServiceReport(pool, request.user, month, await loadConfig(pool));
      if (format === 'json') return report;
      return sendTable(reply, format, `service-report-${month}-${part}`, serviceReportTable(report, part));
    },
  );

  /**
   * Service points ranked: fewest missed clocks per ticket handled (tickets with SLA breaches plus
   * every missed clock of missed-clocks.ts, each weighing one), then fewest upheld complaints, then
   * the best satisfaction; with tickets handled, repeat faults and complaints against them.
   */
  app.get(
    '/service-points/league',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      schema: { querystring: LeagueQuery, response: { 200: Type.Array(LeagueRow), ...errors } },
    },
    async (request, reply) => {
      const { format = 'json', from, to } = request.query;
      const rows = await leagueFigures(
        pool,
        scopeOf(request.user, 3),
        startOfDay(from),
        startOfDay(addDays(to, 1)),
      );
      const scored = rows.map((row) => ({
        ...row,
        missed_clocks: [row.sla_breaches, ...Object.values(MISSED_CLOCK_COLUMNS).map((c) => row[c])].reduce(
          (a: number, b: number) => a + b,
          0,
        ),
      }));
      const breachRate = (r: { handled: number; missed_clocks: number }) =>
        r.missed_clocks / Math.max(1, r.handled);
      const league = scored
        .sort(
          (a, b) =>
            breachRate(a) - breachRate(b) ||
            a.upheld_complaints - b.upheld_complaints ||
            (b.satisfaction_rate ?? 0) - (a.satisfaction_rate ?? 0) ||
            a.id - b.id,
        )
        .map((row, index) => ({ rank: index + 1, ...row }));
      if (format === 'json') return league;
      return sendTable(reply, format, `league-${from}-${to}`, tableOf(league, LEAGUE_COLUMNS));
    },
  );
};
