import { RedisBus } from '@jt808/bus';
import { type Harness, startHarness } from '@jt808/test-support/gateway-harness';
import { NumberedSender, numbersReceived } from '@jt808/test-support/numbered-sender';
import { RedisProcess, redisServerInstalled } from '@jt808/test-support/redis';
import { signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const installed = redisServerInstalled();
if (!installed && process.env.CI) throw new Error('CI needs redis-server on PATH for the no-loss tests');

describe.skipIf(!installed)(
  'no acknowledged event is lost when the bus Redis dies (AOF, appendfsync always)',
  () => {
    let redis: RedisProcess;
    let harness: Harness;

    beforeAll(async () => {
      redis = await RedisProcess.start();
      harness = await startHarness({ bus: new RedisBus({ url: redis.url, prefix: 'noloss', shards: 4 }) });
    });

    afterAll(async () => {
      await harness?.close();
      await redis?.destroy();
    });

    it('keeps every acknowledged location through a kill -9 and a restart of Redis', async () => {
      const senders: NumberedSender[] = [];
      for (let i = 0; i < 10; i++) {
        const terminal = harness.terminal(`0138000003${String(i).padStart(2, '0')}`);
        terminal.options.replyTimeoutMs = 3000;
        const authCode = await signIn(
          terminal,
          `T0003${String(i).padStart(2, '0')}`,
          `豫C300${String(i).padStart(2, '0')}`,
        );
        senders.push(new NumberedSender(terminal, authCode));
      }
      const acknowledgedSoFar = () => senders.reduce((n, s) => n + s.acknowledged.size, 0);
      await until(() => acknowledgedSoFar() > 200);
      await redis.crash();
      await new Promise((r) => setTimeout(r, 500));
      await redis.launch();
      const afterCrash = acknowledgedSoFar();
      await until(() => acknowledgedSoFar() > afterCrash + 200, 20_000);
      await redis.shutdown();
      await new Promise((r) => setTimeout(r, 300));
      await redis.launch();
      const afterRestart = acknowledgedSoFar();
      await until(() => acknowledgedSoFar() > afterRestart + 200, 20_000);
      await Promise.all(senders.map((s) => s.stop()));

      await until(async () => (await harness.bus.events.lag('ingest')) === 0, 20_000);
      const received = numbersReceived(harness.committed);
      for (const sender of senders) {
        const got = received.get(sender.terminal.options.phone) ?? new Set<number>();
        const lost = [...sender.acknowledged].filter((n) => !got.has(n));
        expect(lost, `lost by ${sender.terminal.options.phone}`).toEqual([]);
      }
      expect(acknowledgedSoFar()).toBeGreaterThan(600);
    }, 120_000);
  },
);
