#!/usr/bin/env node
/**
 * The baseline the gateway is measured against: a no-op `node:net` server with the gateway's process
 * layout (a `node:cluster` primary and N workers sharing the port, each capped under the open-file
 * limit like the gateway's workers). It accepts sockets and holds them; every read is dropped, or,
 * with `--reply BYTES`, answered with one canned write of that size (the cost of one reply per
 * frame, without parsing anything).
 *
 * Plain JavaScript on purpose: run with `node`, no TypeScript loader, so its memory and CPU are those
 * of Node and the socket alone.
 *
 *   node bench/gateway/noop-server.mjs --port 16809 --http-port 19809 --workers 6 [--reply 25]
 *
 * `GET http://127.0.0.1:<http-port>/` answers JSON: workers, listening, connections, reads, bytes,
 * dropped (refused at the cap) and the worker pids. SIGTERM or SIGINT stop it.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '16809' },
    'http-port': { type: 'string', default: '19809' },
    workers: { type: 'string', default: '2' },
    'max-connections': { type: 'string', default: '0' },
    reply: { type: 'string', default: '0' },
  },
});
const port = Number(values.port);
const workers = Number(values.workers);
const replyBytes = Number(values.reply);

/** Soft open-file limit, read the way the gateway reads it (gateway/src/runtime/open-files.ts). */
function openFileLimit() {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = Number(line?.split(/\s{2,}/)[1]);
  return Number.isFinite(soft) && soft > 0 ? soft : 1024;
}

if (cluster.isPrimary) {
  /** Last report of each worker, by worker id. */
  const reports = new Map();
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork();
    worker.on('message', (message) => {
      if (message?.noop) reports.set(worker.id, { ...message.noop, pid: worker.process.pid });
    });
  }
  const http = createHttpServer((_request, response) => {
    const all = [...reports.values()];
    const sum = (key) => all.reduce((total, report) => total + report[key], 0);
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        workers,
        listening: all.filter((report) => report.listening).length,
        connections: sum('connections'),
        reads: sum('reads'),
        bytes: sum('bytes'),
        dropped: sum('dropped'),
        pids: all.map((report) => report.pid),
      }),
    );
  });
  http.listen(Number(values['http-port']), '127.0.0.1');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    http.close();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const state = { listening: false, connections: 0, reads: 0, bytes: 0, dropped: 0 };
  const reply = replyBytes > 0 ? Buffer.alloc(replyBytes, 0x7e) : undefined;
  const server = createServer({ noDelay: true }, (socket) => {
    state.connections++;
    socket.on('data', (chunk) => {
      state.reads++;
      state.bytes += chunk.length;
      if (reply) socket.write(reply);
    });
    socket.on('error', () => {});
    socket.on('close', () => state.connections--);
  });
  server.maxConnections = Number(values['max-connections']) || Math.max(1, openFileLimit() - 256);
  server.on('drop', () => state.dropped++);
  server.listen({ port, host: values.host, backlog: 4096 }, () => {
    state.listening = true;
    report();
  });
  const report = () => process.send?.({ noop: state });
  setInterval(report, 500).unref();
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => {});
}
