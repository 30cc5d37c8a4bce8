#!/usr/bin/env node
/**
 * Load for the no-op baseline server (noop-server.mjs): opens N TCP connections from 127.0.0.x
 * source addresses, holds them idle, then writes one canned frame at a time at a fixed total rate,
 * every connection in turn (N connections at R frames/s: each connection writes every N/R seconds,
 * one write per frame, as a terminal does). It reads and drops whatever comes back. Bounded: every
 * phase has a deadline and the command exits by itself.
 *
 *   node bench/gateway/blast.mjs -n 100000 --port 16809 --rate 13333 --hold 10 --duration 60 \
 *     --frame-hex 7e0200...7e --json
 *
 * Like fleet-sim it forks a process per `--per-process` connections (one process may hold at most
 * 20,000 open files here). Progress on stderr, the summary (JSON with --json) on stdout.
 */
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CHILD = '--blast-child';
const TICK_MS = 10;

if (process.argv[2] === CHILD) runChild();
else await runParent();

async function runParent() {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '16809' },
      terminals: { type: 'string', short: 'n', default: '1000' },
      ramp: { type: 'string', default: '5000' },
      'per-process': { type: 'string', default: '15000' },
      'source-addresses': { type: 'string' },
      rate: { type: 'string', default: '0' },
      'frame-hex': { type: 'string' },
      'frame-bytes': { type: 'string', default: '30' },
      'connect-timeout': { type: 'string', default: '120' },
      hold: { type: 'string', default: '0' },
      duration: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.terminals);
  const perProcess = Number(values['per-process']);
  if (!(n >= 1 && perProcess >= 1 && perProcess <= 19_000)) throw new Error('bad -n or --per-process');
  const processes = Math.ceil(n / perProcess);
  const sources = Number(values['source-addresses'] ?? Math.ceil(n / 25_000));
  const frame = values['frame-hex'] ?? fakeFrame(Number(values['frame-bytes']));
  const rate = Number(values.rate);
  const started = performance.now();
  const children = [];
  let first = 0;
  for (let i = 0; i < processes; i++) {
    const count = Math.floor(n / processes) + (i < n % processes ? 1 : 0);
    const child = fork(fileURLToPath(import.meta.url), [CHILD], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const entry = { child, report: undefined, done: undefined };
    entry.finished = new Promise((resolve) => child.once('exit', resolve));
    child.on('message', (message) => {
      if (message.report) entry.report = message.report;
      if (message.done) entry.done = message.done;
    });
    child.send({
      start: {
        host: values.host,
        port: Number(values.port),
        first,
        count,
        sources,
        ramp: Number(values.ramp) / processes,
        frame,
        rate: rate / processes,
      },
    });
    first += count;
    children.push(entry);
  }
  const total = (key) => children.reduce((sum, c) => sum + (c.report?.[key] ?? 0), 0);
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const progress = (phase) =>
    process.stderr.write(
      `blast ${seconds()}s ${phase}: connected ${total('connected')}/${n}, errors ${total('connectErrors')}, sent ${total('framesSent')}, closed by server ${total('closedByPeer')}\n`,
    );
  // Connect phase: until every connection is open, or the deadline.
  const connectDeadline = performance.now() + Number(values['connect-timeout']) * 1000;
  while (performance.now() < connectDeadline && total('connected') + total('connectErrors') < n) {
    await sleep(1000);
    progress('connecting');
  }
  const connectSeconds = (performance.now() - started) / 1000;
  const connectedAtStart = total('connected');
  await sleep(Number(values.hold) * 1000);
  progress('held');
  const sendStarted = performance.now();
  if (rate > 0) {
    for (const c of children) c.child.send({ send: true });
    const until = sendStarted + Number(values.duration) * 1000;
    while (performance.now() < until) {
      await sleep(Math.min(5000, until - performance.now()));
      progress('sending');
    }
    for (const c of children) c.child.send({ quiet: true });
  } else {
    await sleep(Number(values.duration) * 1000);
  }
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  for (const c of children) c.child.send({ stop: true });
  const killer = setTimeout(() => {
    for (const c of children) c.child.kill('SIGKILL');
  }, 20_000);
  await Promise.all(children.map((c) => c.finished));
  clearTimeout(killer);
  const final = (key) => children.reduce((sum, c) => sum + (c.done?.[key] ?? c.report?.[key] ?? 0), 0);
  const errors = {};
  for (const c of children) {
    for (const [code, count] of Object.entries((c.done ?? c.report)?.errors ?? {})) {
      errors[code] = (errors[code] ?? 0) + count;
    }
  }
  const summary = {
    terminals: n,
    processes,
    sourceAddresses: sources,
    frameBytes: frame.length / 2,
    connectedAfterConnectPhase: connectedAtStart,
    connectSeconds: round(connectSeconds),
    sendSeconds: round(sendSeconds),
    framesSent: final('framesSent'),
    framesPerSecond: round(final('framesSent') / Math.max(sendSeconds, 1e-9)),
    bytesReceived: final('bytesReceived'),
    connectErrors: final('connectErrors'),
    closedByServer: final('closedByPeer'),
    errors,
  };
  process.stdout.write(
    values.json ? `${JSON.stringify(summary, null, 2)}\n` : `${JSON.stringify(summary)}\n`,
  );
  process.exit(0);
}

function runChild() {
  const state = {
    connected: 0,
    connectErrors: 0,
    closedByPeer: 0,
    framesSent: 0,
    bytesReceived: 0,
    errors: {},
  };
  const sockets = [];
  let stopping = false;
  let options;
  const report = () => process.send?.({ report: state });
  const reporter = setInterval(report, 500);
  process.on('message', (message) => {
    if (message.start) start(message.start);
    if (message.send) send();
    if (message.quiet) clearInterval(sender);
    if (message.stop) stop();
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => {});
  let sender;

  function start(o) {
    options = o;
    let next = 0;
    let tokens = 0;
    let last = performance.now();
    const ramp = setInterval(() => {
      const now = performance.now();
      tokens = Math.min(o.ramp / 10, tokens + ((now - last) / 1000) * o.ramp);
      last = now;
      while (tokens >= 1 && next < o.count) {
        tokens--;
        open(o.first + next++);
      }
      if (next >= o.count) clearInterval(ramp);
    }, TICK_MS);
  }

  function open(index) {
    const localAddress = options.sources > 1 ? `127.0.0.${(index % options.sources) + 1}` : undefined;
    const socket = connect({ host: options.host, port: options.port, localAddress });
    socket.setNoDelay(true);
    let open = false;
    socket.once('connect', () => {
      open = true;
      state.connected++;
    });
    socket.on('data', (chunk) => {
      state.bytesReceived += chunk.length;
    });
    socket.on('error', (error) => {
      const code = error.code ?? 'error';
      state.errors[code] = (state.errors[code] ?? 0) + 1;
      if (!open) state.connectErrors++;
    });
    socket.on('close', () => {
      if (!open) return;
      open = false;
      state.connected--;
      if (!stopping) state.closedByPeer++;
    });
    sockets.push(socket);
  }

  function send() {
    const frame = Buffer.from(options.frame, 'hex');
    const began = performance.now();
    let turn = 0;
    sender = setInterval(() => {
      const due = Math.floor(((performance.now() - began) / 1000) * options.rate);
      let tries = 0;
      while (state.framesSent < due && tries < sockets.length) {
        const socket = sockets[turn++ % sockets.length];
        tries++;
        if (socket.readyState !== 'open') continue;
        socket.write(frame);
        state.framesSent++;
        tries = 0;
      }
    }, TICK_MS);
  }

  function stop() {
    stopping = true;
    clearInterval(sender);
    clearInterval(reporter);
    for (const socket of sockets) socket.destroy();
    process.send?.({ done: state }, () => process.exit(0));
  }
}

/** A frame-shaped filler of `bytes` bytes: flag, zeros, flag (the no-op server never looks inside). */
function fakeFrame(bytes) {
  const frame = Buffer.alloc(Math.max(2, bytes));
  frame[0] = 0x7e;
  frame[frame.length - 1] = 0x7e;
  return frame.toString('hex');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function round(x) {
  return Math.round(x * 100) / 100;
}
