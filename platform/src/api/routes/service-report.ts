import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { addDays, startOfDay } from '../../after-sales/calendar.js';
import { loadConfig } from '../../after-sales/config-store.js';
import { MISSED_CLOCK_COLUMNS, missedClockCounts, missedClocksSql } from '../../after-sales/missed-clocks.js';
import { monthlyServiceReport, serviceReportTable } from '../../after-sales/report-store.js';
import { type ExportFormat, formatProperty, sendTable, tableOf } from '../export.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import { scopeOf } from '../scope.js';
import { answering, monthPattern, periodQuery } from './after-sales-common.js';

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

/** The monthly service report (JSON or CSV) and the service points' league table. */
export const serviceReportRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { month: string; format?: ExportFormat; part?: 'summary' | 'faults' } }>(
    '/reports/service',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          required: ['month'],
          additionalProperties: false,
          properties: {
            month: { type: 'string', pattern: monthPattern },
            format: formatProperty,
            part: { type: 'string', enum: ['summary', 'faults'], default: 'summary' },
          },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { month, format = 'json', part = 'summary' } = request.query;
        const report = await monthlyServiceReport(pool, request.user, month, await loadConfig(pool));
        if (format === 'json') return report;
        return sendTable(reply, format, `service-report-${month}-${part}`, serviceReportTable(report, part));
      }),
  );

  /**
   * Service points ranked: fewest missed clocks per ticket handled (tickets with SLA breaches plus
   * every missed clock of missed-clocks.ts, each weighing one), then fewest upheld complaints, then
   * the best satisfaction; with tickets handled, repeat faults and complaints against them.
   */
  app.get<{ Querystring: { from: string; to: string; format?: ExportFormat } }>(
    '/service-points/league',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      schema: {
        querystring: { ...periodQuery, properties: { ...periodQuery.properties, format: formatProperty } },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const scope = scopeOf(request.user, 3);
        const { rows } = await pool.query(
          `SELECT point.id, point.code, point.name, point.center_id,
                  (SELECT count(*) FROM tickets t WHERE t.service_point_id = point.id AND t.closed_at >= $1 AND t.closed_at < $2)::int AS handled,
                  (SELECT count(*) FROM tickets t WHERE t.service_point_id = point.id AND t.opened_at >= $1 AND t.opened_at < $2
                      AND cardinality(t.breaches) > 0)::int AS sla_breaches,
                  (SELECT count(*) FROM complaints c WHERE c.service_point_id = point.id AND c.source = 'repeat-fault'
                      AND c.opened_at >= $1 AND c.opened_at < $2)::int AS repeat_faults,
                  (SELECT count(*) FROM complaints c WHERE (c.service_point_id = point.id OR c.charged_service_point_id = point.id)
                      AND c.opened_at >= $1 AND c.opened_at < $2)::int AS complaints,
                  (SELECT count(*) FROM complaints c WHERE c.charged_service_point_id = point.id AND c.finding = 'upheld'
                      AND c.answered_at >= $1 AND c.answered_at < $2)::int AS upheld_complaints,
                  (SELECT round(avg((cb.satisfaction >= 4)::int), 4)::float8 FROM callbacks cb
                    WHERE cb.service_point_id = point.id AND cb.done_at >= $1 AND cb.done_at < $2 AND cb.satisfaction IS NOT NULL) AS satisfaction_rate,
                  ${Object.values(MISSED_CLOCK_COLUMNS)
                    .map((c) => `coalesce(missed.${c}, 0) AS ${c}`)
                    .join(', ')}
             FROM service_points point
             LEFT JOIN (SELECT m.service_point_id, ${missedClockCounts()} FROM (${missedClocksSql(scope)}) m
                         GROUP BY m.service_point_id) missed ON missed.service_point_id = point.id
            WHERE ${scope.servicePoints}`,
          [startOfDay(request.query.from), startOfDay(addDays(request.query.to, 1)), ...scope.params],
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
        const { format = 'json', from, to } = request.query;
        if (format === 'json') return league;
        return sendTable(reply, format, `league-${from}-${to}`, tableOf(league, LEAGUE_COLUMNS));
      }),
  );
};
