import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { UsageError } from '@jt808/protocol';
import { StateFile, StateFileError } from '../fleet/credentials.js';
import { Fleet } from '../fleet/fleet.js';
import { FleetOptionsError, resolveSettings } from '../fleet/fleet-options.js';
import { FaultPlan } from '../scenario/fault-plan.js';
import { loadScenario, type Scenario, ScenarioError } from '../scenario/scenario.js';
import { TruthFile } from '../scenario/truth.js';
import type { StatsSnapshot } from '../stats/fleet-stats.js';
import { AckTally } from './ack-tally.js';
import { type CliOptions, FLAG_OF, parseCommandLine } from './args.js';
import { HELP, USAGE_HINT } from './help.js';
import { reniceSelf } from './nice.js';
import { reportProcessFaults } from './process-faults.js';
import { ProcessFleet } from './process-fleet.js';
import { ProgressLine, reportText, runReport } from './report.js';
import { runWorker } from './worker.js';

/**
 * The `fleet-sim` command (bin/fleet-sim.js imports the compiled module). Exit status: 0 the run
 * ended as asked, 1 it could not run (a worker failed to start, the gateway setup broke), 2 bad
 * command line, scenario or state file.
 */
const OK = 0;
const FAILED = 1;
const USAGE = 2;

interface Runner {
  start(): Promise<void>;
  stop(): Promise<unknown>;
  snapshot(): StatsSnapshot;
}

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    const command = parseCommandLine(argv);
    if (command.kind === 'help') {
      process.stdout.write(HELP);
      return OK;
    }
    if (command.kind === 'worker') {
      await runWorker();
      return OK;
    }
    options = command.options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`fleet-sim: ${error.message}\n${USAGE_HINT}\n`);
    return USAGE;
  }
  if (options.nice !== undefined) {
    try {
      // Before any worker is forked: they inherit it.
      reniceSelf(options.nice);
    } catch (error) {
      process.stderr.write(`fleet-sim: --nice ${options.nice}: ${(error as Error).message}\n`);
      return FAILED;
    }
  }
  let scenario: Scenario | undefined;
  let state: StateFile | undefined;
  try {
    scenario = options.scenarioPath ? await loadScenario(options.scenarioPath) : undefined;
    // Checked here, before any process is forked, so that mistakes are reported once and plainly.
    new FaultPlan(scenario, resolveSettings(options.fleet));
    state = options.statePath ? await StateFile.open(options.statePath) : undefined;
  } catch (error) {
    const message = explain(error);
    if (message === undefined) throw error;
    process.stderr.write(`fleet-sim: ${message}\n`);
    return USAGE;
  }
  return run(options, scenario, state);
}

async function run(
  options: CliOptions,
  scenario: Scenario | undefined,
  state: StateFile | undefined,
): Promise<number> {
  const truth = options.truthPath ? new TruthFile(options.truthPath) : undefined;
  const onTruth = truth && ((record: Parameters<TruthFile['write']>[0]) => truth.write(record));
  const settings = resolveSettings(options.fleet);
  const acks = options.acksPath ? new AckTally(settings.first, settings.count) : undefined;
  const speed = options.fleet.speed ?? 1;
  const startedAt = performance.now();
  const multiProcess = options.fleet.count > options.perProcess;
  const runner: Runner & { processes?: number } = multiProcess
    ? new ProcessFleet(
        { ...options.fleet, simStartMs: Date.now(), realStartMs: performance.timeOrigin + startedAt },
        scenario,
        options.perProcess,
        fileURLToPath(import.meta.url),
        { credentials: state, onTruth, acks },
      )
    : new Fleet({ ...options.fleet, scenario, credentials: state, onTruth, onAck: acks?.onAck });
  const flusher = multiProcess && state ? setInterval(() => void state.flush(), 10_000) : undefined;
  try {
    await runner.start();
  } catch (error) {
    process.stderr.write(`fleet-sim: could not start: ${(error as Error).message}\n`);
    clearInterval(flusher);
    await truth?.close();
    return FAILED;
  }
  const progress = options.quiet ? undefined : new ProgressLine(runner, startedAt, speed);
  await stopSignal(options.durationS);
  progress?.stop();
  if (!options.quiet) process.stderr.write('fleet-sim: stopping, closing connections…\n');
  await runner.stop();
  clearInterval(flusher);
  await state?.flush();
  await truth?.close();
  if (acks && options.acksPath) await acks.write(options.acksPath, settings.phoneBase);
  const report = runReport(runner.snapshot(), {
    processes: runner.processes ?? 1,
    speed,
    realSeconds: (performance.now() - startedAt) / 1000,
  });
  await write(options.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
  return OK;
}

/** Resolves after the run's duration, or at the first Ctrl-C / SIGTERM; a second one ends the process at once. */
function stopSignal(durationS: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = durationS === undefined ? undefined : setTimeout(finish, durationS * 1000);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    function finish() {
      clearTimeout(timer);
      process.removeListener('SIGINT', finish);
      process.removeListener('SIGTERM', finish);
      process.once('SIGINT', () => process.exit(130));
      resolve();
    }
  });
}

/** The message for a mistake in the command line's files or values; undefined for anything else. */
function explain(error: unknown): string | undefined {
  if (error instanceof FleetOptionsError) return `${FLAG_OF[error.option] ?? error.option} ${error.problem}`;
  if (error instanceof ScenarioError || error instanceof StateFileError) return error.message;
  return undefined;
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

reportProcessFaults();
process.exitCode = await main(process.argv.slice(2));
