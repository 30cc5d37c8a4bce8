import { encodeMessage } from '@jt808/protocol';
import { type Harness, metricValue, startHarness } from '@jt808/test-support/gateway-harness';
import { signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';

let harness: Harness;
afterEach(async () => harness?.close());

const heartbeatFrame = (phone: string, serial: number) =>
  encodeMessage({ name: 'heartbeat', header: { phone, serial }, body: {} });

describe('the worker intake limit', () => {
  it('stops reading while the worker holds its bound of unanswered frames, then reads on and loses nothing', async () => {
    let releaseCommits = () => {};
    let holding = false;
    const held = new Promise<void>((resolve) => {
      releaseCommits = resolve;
    });
    harness = await startHarness({
      config: { maxWorkerInFlight: 20 },
      beforeCommit: async () => {
        if (holding) await held;
      },
    });
    const phones = ['013800000301', '013800000302', '013800000303', '013800000304'];
    const terminals = phones.map((phone) => harness.terminal(phone));
    for (const [i, terminal] of terminals.entries())
      await signIn(terminal, `T00030${i + 1}`, `豫A3030${i + 1}`);
    holding = true; // the bus takes nothing more: every publish stays unanswered

    const acks: Promise<unknown>[] = [];
    for (let burst = 0; burst < 3; burst++) {
      for (const [i, terminal] of terminals.entries()) {
        const frames: Buffer[] = [];
        for (let n = 0; n < 10; n++) {
          const serial = terminal.nextSerial();
          frames.push(heartbeatFrame(phones[i]!, serial));
          acks.push(
            terminal.waitFor(
              (m) => m.name === 'platformGeneralResponse' && m.body.replySerial === serial,
              15_000,
            ),
          );
        }
        terminal.write(Buffer.concat(frames));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Each terminal's first burst arrives before the bound is reached; what follows stays in TCP.
    await until(() => harness.gateway.intake.stoppedCount === terminals.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.gateway.intake.inFlight).toBeGreaterThanOrEqual(20);
    expect(harness.gateway.intake.inFlight).toBeLessThan(120);
    expect(await metricValue(harness.metrics, 'jt808_intake_stopped_total')).toBeGreaterThan(0);

    releaseCommits();
    await Promise.all(acks);
    const heartbeats = harness.committed.filter((d) => d.event.messageId === 0x0002);
    expect(heartbeats).toHaveLength(120);
    expect(harness.gateway.intake.inFlight).toBe(0);
    expect(harness.gateway.intake.stoppedCount).toBe(0);
  });
});
