import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricValue, startHarness } from '@jt808/test-support/gateway-harness';
import { benchArgs, log } from '../cli.js';
import { cpuSeconds, processTree } from '../proc.js';
import { sleep } from '../processes.js';

/**
 * What the terminals' side costs (bench/README.md, "The province on one box"): fleet-sim builds
 * given on the command line take turns holding the same fleet, at the province's parked cadence,
 * against a gateway in this process; each turn measures fleet-sim's CPU time (user + sys of its
 * process tree, from /proc) during the sign-in and during the hold, and the frames the gateway
 * received meanwhile. Turns alternate (A B A B …) so that the machine's load falls on both alike.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const values = benchArgs('sim-cost', "fleet-sim's CPU per frame and per terminal-second, builds compared", {
  /** Comma-separated fleet-sim entry points (a bin/fleet-sim.js or a dist/cli/main.js). */
  builds: { type: 'string', default: join(ROOT, 'simulators/bin/fleet-sim.js') },
  /** At most 19,000: one fleet-sim process holds them all, so that its profile is the whole cost. */
  terminals: { type: 'string', default: '18000' },
  ramp: { type: 'string', default: '2000' },
  /** Real seconds of holding the signed-in fleet, measured. */
  hold: { type: 'string', default: '60' },
  /** Simulated seconds per real second while holding (more frames in the same hold). */
  speed: { type: 'string', default: '10' },
  rounds: { type: 'string', default: '2' },
  /** fleet-sim binds 127.0.0.1..N (the province binds 4,000 terminals an address). */
  'source-addresses': { type: 'string', default: '5' },
  /** fleet-sim's progress lines (a file per turn). */
  out: { type: 'string', default: join(ROOT, '.data/bench-sim-cost') },
  /** Write a CPU profile of each turn's fleet-sim into this directory. */
  'cpu-prof': { type: 'string' },
});

const builds = values.builds.split(',');
mkdirSync(values.out, { recursive: true });
const terminals = Number(values.terminals);
const holdS = Number(values.hold);

interface Turn {
  build: string;
  signInCpuS: number;
  signInFrames: number;
  holdCpuS: number;
  holdFrames: number;
}

async function turn(build: string, round: number): Promise<Turn> {
  const harness = await startHarness({
    policy: 'pending',
    config: {
      heartbeatSeconds: 180,
      maxConnectionsPerAddress: 0,
      registrationsPerAddressPerMinute: 0,
      maxFramesPerSecond: 1000,
    },
  });
  const frames = async () => {
    const metric = await harness.metrics.registry.getSingleMetric('jt808_frames_total')?.get();
    return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
  };
  const profile = values['cpu-prof']
    ? [
        '--cpu-prof',
        '--cpu-prof-dir',
        values['cpu-prof'],
        '--cpu-prof-name',
        `r${round}-${builds.indexOf(build)}.cpuprofile`,
      ]
    : [];
  // Its progress line a second and its summary, for following a turn that does not sign in.
  const output = openSync(join(values.out, `r${round}-${builds.indexOf(build)}.log`), 'w');
  const child = spawn(
    process.execPath,
    [
      ...profile,
      build,
      ...['-n', String(terminals), '--port', String(harness.port), '--per-process', String(terminals)],
      ...['--driving-interval', '300', '--parked-interval', '300', '--heartbeat', '180'],
      ...[
        '--ramp',
        values.ramp,
        '--speed',
        values.speed,
        '--source-addresses',
        values['source-addresses'],
        '--json',
      ],
    ],
    { stdio: ['ignore', output, output] },
  );
  const cpu = () => cpuSeconds(processTree(child.pid!));
  const authenticated = () => metricValue(harness.metrics, 'jt808_sessions', { state: 'authenticated' });
  const started = Date.now();
  while ((await authenticated()) < terminals) {
    if (child.exitCode !== null) throw new Error(`${build} exited (${child.exitCode})`);
    if (Date.now() - started > 300_000) throw new Error(`${build}: not all signed in within 300 s`);
    await sleep(200);
  }
  const signInCpuS = cpu();
  const signInFrames = await frames();
  await sleep(holdS * 1000);
  const holdCpuS = cpu() - signInCpuS;
  const holdFrames = (await frames()) - signInFrames;
  await stopChild(child);
  await harness.close();
  return { build, signInCpuS, signInFrames, holdCpuS, holdFrames };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGINT');
  });
}

const turns: Turn[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
    const result = await turn(build, round);
    turns.push(result);
    log(JSON.stringify(result));
  }
}

const us = (seconds: number, per: number) => ((seconds * 1e6) / per).toFixed(1);
process.stdout.write(
  '| build | sign-in: CPU s | µs / sign-in frame | hold: CPU s | frames | µs / frame | µs / terminal-second |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n',
);
for (const t of turns) {
  process.stdout.write(
    `| ${t.build.replace(`${ROOT}/`, '')} | ${t.signInCpuS.toFixed(2)} | ${us(t.signInCpuS, t.signInFrames)} | ${t.holdCpuS.toFixed(2)} | ${t.holdFrames} | ${us(t.holdCpuS, t.holdFrames)} | ${us(t.holdCpuS, terminals * holdS)} |\n`,
  );
}
