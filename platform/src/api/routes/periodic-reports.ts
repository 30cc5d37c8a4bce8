import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { loadConfig } from '../../after-sales/config-store.js';
import { periodicReportTable, periodicServiceReport } from '../../after-sales/periodic-report-store.js';
import { PERIOD_PATTERN, parsePeriod } from '../../after-sales/report-periods.js';
import { serviceReportTable } from '../../after-sales/report-store.js';
import { type ExportFormat, formatProperty, sendTable } from '../export.js';
import { ANYONE } from '../guard.js';
import { answering } from './after-sales-common.js';

type Part = 'desk' | 'summary' | 'faults' | 'recurring';

/** The weekly, monthly, quarterly and annual service reports, JSON or one part as CSV/XLSX. */
export const periodicReportRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { period: string; format?: ExportFormat; part?: Part } }>(
    '/reports/periodic',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: {
          type: 'object',
          required: ['period'],
          additionalProperties: false,
          properties: {
            period: { type: 'string', pattern: PERIOD_PATTERN },
            format: formatProperty,
            part: { type: 'string', enum: ['desk', 'summary', 'faults', 'recurring'], default: 'desk' },
          },
        },
      },
    },
    async (request, reply) =>
      answering(reply, async () => {
        const { format = 'json', part = 'desk' } = request.query;
        const period = parsePeriod(request.query.period);
        const report = await periodicServiceReport(pool, request.user, period, await loadConfig(pool));
        if (format === 'json') return report;
        const name = `service-report-${period.name}-${part}`;
        if (part === 'desk' || part === 'recurring')
          return sendTable(reply, format, name, periodicReportTable(report, part));
        if (!report.centers || !report.faults || !report.targets)
          return reply.code(400).send({ error: `a weekly report has the desk's figures only, not ${part}` });
        const { centers, faults, targets } = report;
        return sendTable(
          reply,
          format,
          name,
          serviceReportTable({ month: period.name, centers, faults, targets }, part),
        );
      }),
  );
};
