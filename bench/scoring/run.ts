/**
 * A scoring run of the status engine against the simulator's ground truth, bigger than the test's:
 * simulator → gateway → in-process bus → ingest + status engine + tickets → PostgreSQL, then the
 * score as Markdown tables (docs/status-scoring.md explains them).
 *
 *   npm run bench:scoring -w @jt808/bench -- --terminals 2000 --speed 30
 *
 * Needs the machine's PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test);
 * the run creates a database of its own and drops it afterwards.
 */
import { writeFile } from 'node:fs/promises';
import { freshDatabase } from '@jt808/test-support/postgres';
import { benchArgs } from '../cli.js';
import { formatReport, targetsMet } from './report-table.js';
import { runScoring, SCORING_PLAN, scoringScenario } from './rig.js';
import { score } from './score.js';

const values = benchArgs('bench:scoring', 'status engine scoring', {
  terminals: { type: 'string', default: '2000' },
  speed: { type: 'string', default: '30' },
  seed: { type: 'string', default: '1' },
  'pass-ms': { type: 'string', default: '100' },
  report: { type: 'string' },
});

const database = await freshDatabase('scoring');
const started = Date.now();
try {
  const input = await runScoring({
    databaseUrl: database.url,
    terminals: Number(values.terminals),
    speed: Number(values.speed),
    seed: Number(values.seed),
    passIntervalMs: Number(values['pass-ms']),
    scenario: await scoringScenario(),
    runSeconds: SCORING_PLAN.runSeconds,
    outages: SCORING_PLAN.outages,
    tickets: SCORING_PLAN.tickets,
  });
  const report = score(input);
  const table = formatReport(report);
  const heading = `${values.terminals} terminals, speed ${values.speed}, seed ${values.seed}, ${SCORING_PLAN.runSeconds} simulated seconds in ${Math.round((Date.now() - started) / 1000)} s real`;
  process.stdout.write(`${heading}\n\n${table}\n`);
  if (values.report) await writeFile(values.report, `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = targetsMet(report) ? 0 : 1;
} finally {
  await database.drop();
}
