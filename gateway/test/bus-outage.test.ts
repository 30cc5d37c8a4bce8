import { RedisBus } from '@jt808/bus';
import type { TerminalConnection } from '@jt808/simulators';
import { type Harness, startHarness } from '@jt808/test-support/gateway-harness';
import { RedisProcess, redisServerInstalled } from '@jt808/test-support/redis';
import { location, signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const installed = redisServerInstalled();
if (!installed && process.env.CI) throw new Error('CI needs redis-server on PATH for the bus outage tests');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MAX_WORKER_IN_FLIGHT = 64;

describe.skipIf(!installed)('while the bus Redis is down', () => {
  let redis: RedisProcess;
  let harness: Harness;
  let steady: TerminalConnection;
  let flooder: TerminalConnection;
  /** Both terminals' heartbeats, as a real terminal sends them (the idle timeout is 3 s here). */
  let heartbeats: NodeJS.Timeout | undefined;

  const metricValue = async (name: string) => {
    const metric = await harness.metrics.registry.getSingleMetric(name)?.get();
    return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };

  beforeAll(async () => {
    redis = await RedisProcess.start();
    harness = await startHarness({
      bus: new RedisBus({ url: redis.url, prefix: 'outage', shards: 2 }),
      // Idle after 3 s without a frame; a small worker bound, to show nothing grows towards it.
      config: { heartbeatSeconds: 1, maxWorkerInFlight: MAX_WORKER_IN_FLIGHT },
    });
    steady = harness.terminal('013800000701');
    steady.options.replyTimeoutMs = 1000;
    await signIn(steady, 'T000701', '豫C70001');
    flooder = harness.terminal('013800000702');
    await signIn(flooder, 'T000702', '豫C70002');
    expect((await steady.request('locationReport', location())).body).toMatchObject({ result: 0 });
    heartbeats = setInterval(() => {
      for (const terminal of [steady, flooder]) if (terminal.connected) terminal.send('heartbeat', {});
    }, 500);
    await redis.crash();
    await until(() => harness.gateway.busState.down);
  });

  afterAll(async () => {
    clearInterval(heartbeats);
    await harness?.close();
    await redis?.destroy();
  });

  it('answers heartbeats and keeps the connection past three heartbeat intervals', async () => {
    expect(await metricValue('jt808_bus_up')).toBe(0);
    for (let i = 0; i < 5; i++) {
      expect((await steady.request('heartbeat', {})).body).toMatchObject({ replyId: 0x0002, result: 0 });
      await sleep(900);
    }
    expect(steady.connected).toBe(true);
    expect(await metricValue('jt808_bus_down_heartbeats_total')).toBeGreaterThanOrEqual(5);
  });

  it('does not acknowledge a location, and counts it', async () => {
    const before = await metricValue('jt808_bus_down_unanswered_total');
    await expect(steady.request('locationReport', location())).rejects.toThrow(
      /no matching platform message/,
    );
    expect(await metricValue('jt808_bus_down_unanswered_total')).toBe(before + 1);
    expect(harness.gateway.intake.inFlight).toBe(0);
  });

  it('holds nothing more for a terminal that floods', async () => {
    const before = await metricValue('jt808_bus_down_unanswered_total');
    for (let i = 0; i < 3000; i++) flooder.send('locationReport', location());
    await until(async () => (await metricValue('jt808_bus_down_unanswered_total')) > before + 100);
    expect(harness.gateway.intake.inFlight).toBe(0);
    // The others are still answered meanwhile.
    expect((await steady.request('heartbeat', {})).body).toMatchObject({ result: 0 });
  });

  it('publishes and acknowledges again once Redis is back', async () => {
    await redis.launch();
    await until(() => !harness.gateway.busState.down, 15_000);
    expect(await metricValue('jt808_bus_up')).toBe(1);
    steady.options.replyTimeoutMs = 5000;
    const reply = await steady.request('locationReport', location(30.1, 120.2));
    expect(reply.body).toMatchObject({ result: 0 });
    // The one before the outage and this one; the one refused during it never reached the bus.
    const steadyLocations = () =>
      harness.committed.filter((d) => d.event.phone === '013800000701' && d.event.messageId === 0x0200);
    await until(() => steadyLocations().length === 2, 15_000);
    expect(steady.connected).toBe(true);
    expect(flooder.connected).toBe(true);
  }, 40_000);
});

describe.skipIf(!installed)('connections the gateway stopped reading for a bus that hangs, then goes', () => {
  let redis: RedisProcess;
  let harness: Harness;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    harness = await startHarness({
      bus: new RedisBus({ url: redis.url, prefix: 'outage-held', shards: 2 }),
      config: { heartbeatSeconds: 1, maxWorkerInFlight: 8 },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await redis?.destroy();
  }, 30_000);

  it('keeps them past the idle timeout, reads them again once the bus is down, acknowledges what it held after', async () => {
    const terminal = harness.terminal('013800000703');
    await signIn(terminal, 'T000703', '豫C70003');
    const probe = new Redis(redis.url);
    const pid = Number(/process_id:(\d+)/.exec(await probe.info('server'))?.[1]);
    probe.disconnect();
    // Stopped, not gone: the connection stays open and publishes hang (a slow bus, not a down one).
    process.kill(pid, 'SIGSTOP');
    const held: Promise<unknown>[] = [];
    terminal.options.replyTimeoutMs = 30_000;
    for (let i = 0; i < 20; i++)
      held.push(terminal.request('locationReport', location()).catch(() => undefined));
    await until(() => harness.gateway.intake.inFlight >= 8);
    // Past three heartbeat intervals of a connection the worker stopped reading.
    await sleep(4000);
    expect(terminal.connected).toBe(true);
    // The bound stops reading at the next chunk: what the chunks in hand held is over it a little.
    const heldBefore = harness.gateway.intake.inFlight;
    expect(harness.gateway.busState.down).toBe(false);
    await redis.crash();
    await until(() => harness.gateway.busState.down);
    terminal.options.replyTimeoutMs = 2000;
    expect((await terminal.request('heartbeat', {})).body).toMatchObject({ result: 0 });
    // Nothing new is held: the frames behind the bound were read and dropped.
    await until(
      async () =>
        (await harness.metrics.registry.getSingleMetric('jt808_bus_down_unanswered_total')?.get())?.values
          .length !== 0,
    );
    expect(harness.gateway.intake.inFlight).toBe(heldBefore);
    await redis.launch();
    await until(() => !harness.gateway.busState.down, 15_000);
    terminal.options.replyTimeoutMs = 5000;
    expect((await terminal.request('locationReport', location())).body).toMatchObject({ result: 0 });
    await until(() => harness.gateway.intake.inFlight === 0, 15_000);
    expect(terminal.connected).toBe(true);
  }, 60_000);
});
