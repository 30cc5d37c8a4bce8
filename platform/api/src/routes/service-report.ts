import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  addDays,
  loadConfig,
  MISSED_CLOCK_COLUMNS,
  monthlyServiceReport,
  serviceReportTable,
  startOfDay,
} from '@jt808/after-sales';
import {
  ErrorAnswer,
  LeagueQuery,
  LeagueRow,
  ref,
  ServiceReport,
  ServiceReportQuery,
} from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import { Type } from 'typebox';
import { sendTable, tableOfFields } from '../export.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import { leagueFigures } from '../stores/league-store.js';

/** The league's export columns (the file's names), in the order it writes them, and their fields. */
const LEAGUE_EXPORT = {
  rank: 'rank',
  id: 'id',
  code: 'code',
  name: 'name',
  center_id: 'centerId',
  handled: 'handled',
  sla_breaches: 'slaBreaches',
  repeat_faults: 'repeatFaults',
  complaints: 'complaints',
  upheld_complaints: 'upheldComplaints',
  satisfaction_rate: 'satisfactionRate',
  late_arrivals: 'lateArrivals',
  late_patrol_reports: 'latePatrolReports',
  quote_breaches: 'quoteBreaches',
  rma_breaches: 'rmaBreaches',
  missed_clocks: 'missedClocks',
} as const satisfies Record<string, keyof LeagueRow>;

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
        missedClocks: [row.slaBreaches, ...Object.values(MISSED_CLOCK_COLUMNS).map((c) => row[c])].reduce(
          (a: number, b: number) => a + b,
          0,
        ),
      }));
      const breachRate = (r: { handled: number; missedClocks: number }) =>
        r.missedClocks / Math.max(1, r.handled);
      const league = scored
        .sort(
          (a, b) =>
            breachRate(a) - breachRate(b) ||
            a.upheldComplaints - b.upheldComplaints ||
            (b.satisfactionRate ?? 0) - (a.satisfactionRate ?? 0) ||
            a.id - b.id,
        )
        .map((row, index) => ({ rank: index + 1, ...row }));
      if (format === 'json') return league;
      return sendTable(reply, format, `league-${from}-${to}`, tableOfFields(league, LEAGUE_EXPORT));
    },
  );
};
