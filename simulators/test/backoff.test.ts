import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RECONNECT_CAP_S, reconnectWindow } from '../src/fleet/backoff.js';
import { Fleet } from '../src/index.js';

describe('the reconnect back-off', () => {
  it('waits 5-30 s after a dropped link, and twice as long a window after each failed attempt, up to 5 min', () => {
    expect(reconnectWindow(0)).toEqual([5, 30]);
    expect(reconnectWindow(1)).toEqual([5, 60]);
    expect(reconnectWindow(2)).toEqual([5, 120]);
    expect(reconnectWindow(3)).toEqual([5, 240]);
    expect(reconnectWindow(4)).toEqual([5, RECONNECT_CAP_S]);
    expect(reconnectWindow(1000)).toEqual([5, RECONNECT_CAP_S]);
  });
});

let server: Server | undefined;
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  fleet = server = undefined;
});

describe('terminals facing a platform that hangs up on them', () => {
  it('back off with jitter: their attempts spread out and slow down', async () => {
    // Every connection is accepted and dropped at once: each attempt fails before signing in.
    const attempts: number[] = [];
    server = createServer((socket) => {
      attempts.push(performance.now());
      socket.destroy();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // 1,000 simulated seconds a real second: the 5-300 s windows last 5-300 ms.
    const speed = 1000;
    fleet = new Fleet({ port, count: 20, speed, ramp: 1000, reconnectRamp: 100_000 });
    await fleet.start();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const perTerminal = attempts.length / 20;
    // Without the back-off (5-30 s each time) a terminal would try about 170 times in 3 s here;
    // with it the mean wait grows to ~150 s of simulated time after four failures.
    expect(perTerminal).toBeGreaterThan(5);
    expect(perTerminal).toBeLessThan(40);
    const sorted = attempts.toSorted((a, b) => a - b);
    const firstSecond = sorted.filter((t) => t - sorted[0]! < 1000).length;
    const lastSecond = sorted.filter((t) => t - sorted[0]! >= 2000).length;
    expect(lastSecond).toBeLessThan(firstSecond);
  });
});
