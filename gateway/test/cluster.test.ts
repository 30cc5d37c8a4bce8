import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandClient, CommandStatus, type Delivery, RedisBus } from '@jt808/bus';
import { encodeBody } from '@jt808/protocol';
import { TerminalConnection } from '@jt808/simulators';
import { NumberedSender, numbersReceived } from '@jt808/test-support/numbered-sender';
import { freePort } from '@jt808/test-support/ports';
import { RedisProcess, redisServerInstalled } from '@jt808/test-support/redis';
import { location, signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/jt808-gateway.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)));
const runnable = built && redisServerInstalled();
if (!runnable && process.env.CI)
  throw new Error('CI must build the gateway (npm run build) and have redis-server');

/** The standalone gateway as deployed: a cluster primary with two workers, a roster file, a bus Redis with AOF. */
describe.skipIf(!runnable)('jt808-gateway cluster (real processes)', () => {
  let redis: RedisProcess;
  let primary: ChildProcess;
  let port: number;
  let httpPort: number;
  let dir: string;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    port = await freePort();
    httpPort = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'jt808-cluster-'));
    primary = spawn(
      process.execPath,
      [
        BIN,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--http-port',
        String(httpPort),
        '--redis-url',
        redis.url,
        '--workers',
        '2',
        '--roster',
        join(dir, 'roster.json'),
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    await until(async () => (await health()).ok === true, 20_000);
  }, 30_000);

  afterAll(async () => {
    if (primary && primary.exitCode === null) {
      const exited = new Promise((resolve) => primary.once('exit', resolve));
      primary.kill('SIGTERM');
      await exited;
    }
    await redis?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function health(): Promise<{ ok?: boolean; workers?: number }> {
    try {
      const response = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      return (await response.json()) as { ok: boolean };
    } catch {
      return {};
    }
  }

  function terminal(phone: string): TerminalConnection {
    return new TerminalConnection({ host: '127.0.0.1', port, phone, edition: '2013', replyTimeoutMs: 3000 });
  }

  it('loses no acknowledged location when a worker is killed with kill -9 mid-traffic', async () => {
    const senders: NumberedSender[] = [];
    for (let i = 0; i < 12; i++) {
      const t = terminal(`0138000004${String(i).padStart(2, '0')}`);
      const authCode = await signIn(
        t,
        `T0004${String(i).padStart(2, '0')}`,
        `豫D400${String(i).padStart(2, '0')}`,
      );
      senders.push(new NumberedSender(t, authCode));
    }
    const acknowledged = () => senders.reduce((n, s) => n + s.acknowledged.size, 0);
    await until(() => acknowledged() > 300, 20_000);
    const workers = execFileSync('pgrep', ['-P', String(primary.pid)])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
    expect(workers.length).toBe(2);
    process.kill(workers[0]!, 'SIGKILL');
    const atKill = acknowledged();
    await until(() => acknowledged() > atKill + 300, 30_000);
    await until(async () => (await health()).ok === true, 20_000);
    await Promise.all(senders.map((s) => s.stop()));

    const bus = new RedisBus({ url: redis.url });
    const deliveries: Delivery[] = [];
    const consumer = bus.events.consume({ group: 'verify', consumer: 'v1', maxWaitMs: 50 }, async (batch) => {
      deliveries.push(...batch);
    });
    await until(async () => (await bus.events.lag('verify')) === 0 && deliveries.length > 0, 20_000);
    await consumer.stop();
    await bus.close();
    const received = numbersReceived(deliveries);
    for (const sender of senders) {
      const got = received.get(sender.terminal.options.phone) ?? new Set<number>();
      expect(
        [...sender.acknowledged].filter((n) => !got.has(n)),
        sender.terminal.options.phone,
      ).toEqual([]);
      sender.terminal.destroy();
    }
  }, 90_000);

  it('routes downlink commands to whichever worker holds each terminal', async () => {
    const bus = new RedisBus({ url: redis.url });
    const client = new CommandClient(bus);
    await client.start();
    const terminals: TerminalConnection[] = [];
    for (let i = 0; i < 6; i++) {
      const t = terminal(`0138000005${String(i).padStart(2, '0')}`);
      await signIn(t, `T0005${String(i).padStart(2, '0')}`, `豫E500${String(i).padStart(2, '0')}`);
      t.onDownlink = (message) => {
        if (message.name === 'locationQuery')
          t.send('locationQueryResponse', { replySerial: message.header.serial, location: location() });
      };
      terminals.push(t);
    }
    const query = encodeBody({ name: 'locationQuery', header: { phone: '0', serial: 0 }, body: {} });
    const results = await Promise.all(
      terminals.map((t) => client.send(t.options.phone, 0x8201, query, 3000)),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => CommandStatus.Answered));
    expect(new Set(results.map((r) => r.gatewayId)).size).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toMatch(/jt808_sessions\{state="authenticated"\} \d+/);
    for (const t of terminals) t.destroy();
    await client.stop();
    await bus.close();
  }, 60_000);

  // Last: it stops the gateway. Its bus Redis dies first, so nothing can be flushed or unsubscribed.
  it('stops on SIGTERM within its deadline when the bus Redis is gone', { timeout: 40_000 }, async () => {
    await redis.crash();
    const exited = new Promise<number | null>((resolve) => primary.once('exit', resolve));
    const started = Date.now();
    primary.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(code).toBe(0);
  });
});
