import { randomBytes } from 'node:crypto';
import { encodeMessage } from '@jt808/protocol';
import { type Harness, metricValue, startHarness } from '@jt808/test-support/gateway-harness';
import { closed, rawSocket, signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';

let harness: Harness;
afterEach(async () => harness?.close());

const heartbeatFrame = (phone: string, serial: number) =>
  encodeMessage({ name: 'heartbeat', header: { phone, serial }, body: {} });

describe('hostile and broken peers', () => {
  it('drops a peer that sends nothing but garbage, and keeps serving others', async () => {
    harness = await startHarness();
    const good = harness.terminal('013800000100');
    await signIn(good, 'T000100');
    const bad = await rawSocket(harness.port);
    const gone = closed(bad);
    for (let i = 0; i < 40; i++)
      bad.write(Buffer.concat([Buffer.from([0x7e]), randomBytes(30), Buffer.from([0x7e])]));
    await gone;
    expect(await metricValue(harness.metrics, 'jt808_connections_closed_total', { reason: 'garbage' })).toBe(
      1,
    );
    expect(
      await metricValue(harness.metrics, 'jt808_bad_frames_total', { reason: 'bad-checksum' }),
    ).toBeGreaterThan(0);
    expect((await good.request('heartbeat', {})).body).toMatchObject({ result: 0 });
  });

  it('reports an oversize frame and goes on with the next good one on the same connection', async () => {
    harness = await startHarness();
    const terminal = harness.terminal('013800000101');
    await signIn(terminal, 'T000101');
    terminal.write(Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(10_000, 0x31), Buffer.from([0x7e])]));
    expect((await terminal.request('heartbeat', {})).body).toMatchObject({ result: 0 });
    expect(await metricValue(harness.metrics, 'jt808_bad_frames_total', { reason: 'oversize' })).toBe(1);
  });

  it('never buffers an endless frame: oversize is cut off at the frame limit', async () => {
    harness = await startHarness();
    const socket = await rawSocket(harness.port);
    socket.write(Buffer.from([0x7e]));
    for (let i = 0; i < 100; i++) socket.write(Buffer.alloc(10_000, 0x31));
    await until(
      async () => (await metricValue(harness.metrics, 'jt808_bad_frames_total', { reason: 'oversize' })) >= 1,
    );
    socket.destroy();
  });

  it('throttles a flood from one connection without losing any of it', async () => {
    harness = await startHarness({ config: { maxFramesPerSecond: 200, frameBurst: 20 } });
    const terminal = harness.terminal('013800000102');
    await signIn(terminal, 'T000102');
    const serials: number[] = [];
    const frames: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      const serial = terminal.nextSerial();
      serials.push(serial);
      frames.push(heartbeatFrame('013800000102', serial));
    }
    const acks = serials.map((serial) =>
      terminal.waitFor((m) => m.name === 'platformGeneralResponse' && m.body.replySerial === serial, 15_000),
    );
    terminal.write(Buffer.concat(frames));
    const replies = await Promise.all(acks);
    expect(replies.every((m) => (m.body as { result: number }).result === 0)).toBe(true);
    expect(await metricValue(harness.metrics, 'jt808_flood_throttled_total')).toBeGreaterThan(0);
    const heartbeats = harness.committed.filter((d) => d.event.messageId === 0x0002);
    expect(heartbeats).toHaveLength(300);
  });

  it('closes a peer stuck inside a partial frame (slow or half-open)', async () => {
    harness = await startHarness({ config: { stalledFrameSeconds: 1 } });
    const socket = await rawSocket(harness.port);
    const gone = closed(socket);
    socket.write(Buffer.from('7e000200000138000001', 'hex'));
    expect(await gone).toBeGreaterThanOrEqual(900);
    expect(
      await metricValue(harness.metrics, 'jt808_connections_closed_total', { reason: 'stalled-frame' }),
    ).toBe(1);
  });

  it('closes an authenticated terminal silent for three heartbeat intervals', async () => {
    harness = await startHarness({ config: { heartbeatSeconds: 1 } });
    const terminal = harness.terminal('013800000103');
    await signIn(terminal, 'T000103');
    const gone = new Promise<void>((resolve) => {
      terminal.onClose = resolve;
    });
    await gone;
    expect(await metricValue(harness.metrics, 'jt808_connections_closed_total', { reason: 'idle' })).toBe(1);
    expect(harness.gateway.live.has('013800000103')).toBe(false);
  });

  it('closes a connection that never authenticates', async () => {
    harness = await startHarness({ config: { authTimeoutSeconds: 1 } });
    const socket = await rawSocket(harness.port);
    const gone = closed(socket);
    const beat = setInterval(() => socket.write(heartbeatFrame('013800000104', 1)), 200);
    await gone;
    clearInterval(beat);
    expect(
      await metricValue(harness.metrics, 'jt808_connections_closed_total', { reason: 'auth-timeout' }),
    ).toBe(1);
  });

  it('refuses connections past the cap and says so in a metric', async () => {
    harness = await startHarness({ config: { maxConnections: 2 } });
    const kept = [await rawSocket(harness.port), await rawSocket(harness.port)];
    await until(() => harness.gateway.connectionCount === 2);
    const extra = await rawSocket(harness.port);
    await closed(extra);
    expect(await metricValue(harness.metrics, 'jt808_connections_refused_total')).toBe(1);
    for (const socket of kept) socket.destroy();
  });

  it('survives peers that reset mid-frame and mid-reply', async () => {
    harness = await startHarness();
    for (let i = 0; i < 20; i++) {
      const socket = await rawSocket(harness.port);
      socket.write(heartbeatFrame('013800000105', i).subarray(0, 5 + (i % 10)));
      socket.resetAndDestroy();
    }
    const terminal = harness.terminal('013800000106');
    await signIn(terminal, 'T000106');
    expect((await terminal.request('heartbeat', {})).body).toMatchObject({ result: 0 });
    await until(() => harness.gateway.connectionCount === 1);
  });
});
