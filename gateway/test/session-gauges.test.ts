import { RedisBus } from '@jt808/bus';
import { type Harness, metricValue, startHarness } from '@jt808/test-support/gateway-harness';
import { registrationFor } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const gauges = async (h: Harness) => ({
  connections: await metricValue(h.metrics, 'jt808_connections'),
  connected: await metricValue(h.metrics, 'jt808_sessions', { state: 'connected' }),
  registered: await metricValue(h.metrics, 'jt808_sessions', { state: 'registered' }),
  authenticated: await metricValue(h.metrics, 'jt808_sessions', { state: 'authenticated' }),
});

describe('the session gauges', () => {
  it('stay true when terminals hang up while their authentication is being handled', async () => {
    // A real Redis: authentication waits on it (the session directory), and a hang-up that
    // arrives meanwhile used to be uncounted from the new state while the gauges still held the
    // old one, so `authenticated` drifted below zero and `connected` above it after a storm.
    harness = await startHarness({
      bus: new RedisBus({
        url: 'redis://127.0.0.1:6379/12',
        prefix: `gauges:${process.pid}:${Date.now()}`,
        shards: 2,
      }),
    });
    const h = harness;
    for (let round = 0; round < 3; round++) {
      const terminals = Array.from({ length: 20 }, (_, i) =>
        h.terminal(`01390070${String(round).padStart(2, '0')}${String(i).padStart(2, '0')}`),
      );
      await Promise.all(
        terminals.map(async (terminal, i) => {
          await terminal.connect();
          const reply = await terminal.request(
            'registration',
            registrationFor(
              '2013',
              `G${round}${String(i).padStart(5, '0')}`,
              `豫G${round}${String(i).padStart(4, '0')}`,
            ),
          );
          if (reply.name !== 'registrationResponse') throw new Error('no registration answer');
          // The authentication goes out and the connection is dropped at once, without waiting.
          terminal.send('authentication', {
            authCode: reply.body.authCode!,
            imei: '860000000000001',
            softwareVersion: 'v1',
          });
          terminal.destroy();
        }),
      );
    }
    await until(async () => (await gauges(h)).connections === 0);
    // Handlers still in flight finish after the close; give them their round trips.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await gauges(h)).toEqual({ connections: 0, connected: 0, registered: 0, authenticated: 0 });
  });
});
