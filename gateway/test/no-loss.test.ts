import { RedisBus } from '@jt808/bus';
import { decodeBody, type Header } from '@jt808/protocol';
import type { TerminalConnection } from '@jt808/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, location, signIn, startHarness, until } from './harness.js';
import { RedisProcess, redisServerInstalled } from './redis-process.js';

const installed = redisServerInstalled();
if (!installed && process.env.CI) throw new Error('CI needs redis-server on PATH for the no-loss tests');

/**
 * Terminals send numbered locations (the number rides in the mileage item) and count as delivered
 * only what the gateway acknowledged with result 0; anything else they send again, as firmware
 * does. Whatever was acknowledged must reach the platform's consumer, whatever happens to Redis.
 */
class NumberedSender {
  readonly acknowledged = new Set<number>();
  private next = 1;
  private running = true;
  readonly done: Promise<void>;

  constructor(readonly terminal: TerminalConnection) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const number = this.next;
      try {
        const reply = await this.terminal.request('locationReport', {
          ...location(),
          extras: { mileage: number },
        });
        if (reply.name === 'platformGeneralResponse' && reply.body.result === 0) {
          this.acknowledged.add(number);
          this.next++;
        }
      } catch {
        // Timeout or connection lost: try the same number again, like a terminal's retransmission.
        if (!this.terminal.connected) await this.terminal.connect().catch(() => undefined);
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

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
        await signIn(terminal, `T0003${String(i).padStart(2, '0')}`, `豫C300${String(i).padStart(2, '0')}`);
        senders.push(new NumberedSender(terminal));
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
      const received = new Map<string, Set<number>>();
      for (const delivery of harness.committed) {
        const { event } = delivery;
        if (event.messageId !== 0x0200) continue;
        const header = { messageId: 0x0200, edition: '2013', protocolVersion: 0, encryption: 0 } as Header;
        const message = decodeBody(header, event.body!);
        if (message.name !== 'locationReport') continue;
        const numbers = received.get(event.phone) ?? new Set<number>();
        numbers.add(message.body.extras.mileage!);
        received.set(event.phone, numbers);
      }
      for (const sender of senders) {
        const got = received.get(sender.terminal.options.phone) ?? new Set<number>();
        const lost = [...sender.acknowledged].filter((n) => !got.has(n));
        expect(lost, `lost by ${sender.terminal.options.phone}`).toEqual([]);
      }
      expect(acknowledgedSoFar()).toBeGreaterThan(600);
    }, 120_000);
  },
);
