import {
  errorTotal,
  type FleetSummary,
  latencySummary,
  type StatsSnapshot,
  summarize,
} from '../stats/fleet-stats.js';
import { Histogram } from '../stats/histogram.js';

/** The summary printed when a run stops. */
export interface RunReport extends FleetSummary {
  processes: number;
  speed: number;
  realSeconds: number;
  simulatedSeconds: number;
}

export function runReport(
  snapshot: StatsSnapshot,
  run: { processes: number; speed: number; realSeconds: number },
): RunReport {
  const realSeconds = Math.round(run.realSeconds * 10) / 10;
  return {
    processes: run.processes,
    speed: run.speed,
    realSeconds,
    simulatedSeconds: Math.round(run.realSeconds * run.speed),
    ...summarize(snapshot),
  };
}

const count = (n: number) => n.toLocaleString('en-US');

export function reportText(report: RunReport): string {
  const l = report.ackLatencyMs;
  const errors = Object.entries(report.errors).sort((a, b) => b[1] - a[1]);
  const errorCount = errors.reduce((sum, [, n]) => sum + n, 0);
  const lines = [
    `fleet-sim: ${report.realSeconds} s real, ${report.simulatedSeconds} s simulated (speed ${report.speed}), ${report.processes} process${report.processes === 1 ? '' : 'es'}`,
    `  terminals         ${count(report.terminals)}`,
    `  at the end        ${count(report.connected)} connected, ${count(report.authenticated)} authenticated`,
    `  connects          ${count(report.connectAttempts)} attempts, ${count(report.disconnects)} dropped by the other side`,
    `  registrations     ${count(report.registrationsSent)} sent, ${count(report.registrationsAccepted)} accepted`,
    `  authentications   ${count(report.authenticationsSent)} sent, ${count(report.authenticationsAccepted)} accepted`,
    `  frames sent       ${count(report.framesSent)}: ${count(report.locationsSent)} locations, ${count(report.heartbeatsSent)} heartbeats, ${count(report.commandsAnswered)} command answers, ${count(report.batchesSent)} blind-area batches (${count(report.blindAreaFixes)} fixes recorded); ${count(report.garbageWrites)} garbage writes`,
    `  acks              ${count(report.acks)} (${count(report.ackRefusals)} refusals)`,
    `  ack latency ms    min ${l.min}  p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  p99.9 ${l.p999}  max ${l.max}  mean ${l.mean}`,
    `  errors            ${count(errorCount)}${errors.length ? ':' : ''}`,
    ...errors.map(([kind, n]) => `    ${kind.padEnd(32)} ${count(n)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** One progress line: levels now, rates and latency over the last interval. */
function progressText(
  current: StatsSnapshot,
  previous: StatsSnapshot,
  intervalS: number,
  elapsed: { realS: number; simS: number },
): string {
  const c = current.counters;
  const p = previous.counters;
  const rate = (now: number, before: number) => count(Math.round((now - before) / intervalS));
  const recent = latencySummary(Histogram.from(current.latency).since(previous.latency));
  return [
    `${Math.round(elapsed.realS)}s (sim ${clock(elapsed.simS)})`,
    `connected ${count(c.connected)}/${count(c.terminals)}`,
    `authenticated ${count(c.authenticated)}`,
    `sent ${rate(c.framesSent, p.framesSent)}/s`,
    `acks ${rate(c.acks, p.acks)}/s`,
    `ack p50 ${recent.p50} ms p99 ${recent.p99} ms`,
    `errors ${count(errorTotal(current))}`,
  ].join('  ');
}

/** Simulated elapsed time as [d]hh:mm:ss. */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86_400);
  const hms = new Date((s % 86_400) * 1000).toISOString().slice(11, 19);
  return days > 0 ? `${days}d${hms}` : hms;
}

/** Writes the progress line to stderr once a second: in place on a terminal, a line each otherwise. */
export class ProgressLine {
  private readonly timer: NodeJS.Timeout;
  private previous: StatsSnapshot;
  private last: number;

  constructor(
    private readonly source: { snapshot(): StatsSnapshot },
    private readonly started: number,
    private readonly speed: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.previous = source.snapshot();
    this.last = performance.now();
    this.timer = setInterval(() => this.print(), 1000);
  }

  private print(): void {
    const now = performance.now();
    const current = this.source.snapshot();
    const realS = (now - this.started) / 1000;
    const line = progressText(current, this.previous, (now - this.last) / 1000, {
      realS,
      simS: realS * this.speed,
    });
    this.previous = current;
    this.last = now;
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.out.isTTY) this.out.write('\n');
  }
}
