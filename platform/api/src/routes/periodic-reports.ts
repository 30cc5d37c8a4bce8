import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  loadConfig,
  parsePeriod,
  periodicReportTable,
  periodicServiceReport,
  serviceReportTable,
} from '@jt808/after-sales';
import { ErrorAnswer, PeriodicReport, PeriodicReportQuery, ref } from '@jt808/api-contract';
import { sendTable } from '../export.js';
import { ANYONE } from '../guard.js';

/** The weekly, monthly, quarterly and annual service reports, JSON or one part as CSV/XLSX. */
export const periodicReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/reports/periodic',
    {
      config: { roles: ANYONE },
      schema: {
        querystring: PeriodicReportQuery,
        response: { 200: PeriodicReport, '4xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const { format = 'json', part = 'desk' } = request.query;
      // A period that is no calendar one (week 54) is a CalendarError: a 400 by the error handler.
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
    },
  );
};
