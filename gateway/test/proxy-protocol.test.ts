import { randomBytes } from 'node:crypto';
import { EventKind } from '@jt808/bus';
import { encodeMessage, readFrame } from '@jt808/protocol';
import type { TerminalConnection } from '@jt808/simulators';
import { type Harness, metricValue, startHarness } from '@jt808/test-support/gateway-harness';
import { closed, rawSocket, registrationFor, signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyV1, proxyV2 } from './proxy-headers.js';

let harness: Harness;
afterEach(async () => harness?.close());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A terminal behind a balancer: its connection starts with `header`, written on its own. */
async function behind(header: Buffer, phone: string): Promise<TerminalConnection> {
  const terminal = harness.terminal(phone);
  await terminal.connect();
  terminal.write(header);
  return terminal;
}

/** The address the gateway put in the terminal's AUTHENTICATED event. */
async function addressSeen(phone: string): Promise<string> {
  const authenticated = () =>
    harness.committed.find((d) => d.event.phone === phone && d.event.kind === EventKind.Authenticated);
  await until(() => authenticated() !== undefined);
  return authenticated()!.event.remoteAddress!;
}

const failures = (reason: string) =>
  metricValue(harness.metrics, 'jt808_proxy_header_failures_total', { reason });

describe('PROXY protocol (--proxy-protocol)', () => {
  it('takes the terminal address of a v1 header and uses it in the session events', async () => {
    harness = await startHarness({ config: { proxyProtocol: true } });
    const terminal = await behind(proxyV1('TCP4', '203.0.113.7', 40001), '013800000201');
    await signIn(terminal, 'T000201');
    expect(await addressSeen('013800000201')).toBe('203.0.113.7:40001');
  });

  it('decodes the frame that arrives in the same segment as a v2 header, byte for byte', async () => {
    harness = await startHarness({ config: { proxyProtocol: true } });
    const phone = '013800000202';
    const terminal = harness.terminal(phone);
    await terminal.connect();
    const serial = terminal.nextSerial();
    const registration = encodeMessage({
      name: 'registration',
      header: { phone, serial, edition: '2013' },
      body: registrationFor('2013', 'T000202'),
    });
    const answer = terminal.waitFor((m) => m.name === 'registrationResponse');
    terminal.write(
      Buffer.concat([proxyV2({ family: 'inet6', address: '2001:db8::202', port: 40002 }), registration]),
    );
    const reply = (await answer).body as { replySerial: number; result: number; authCode: string };
    expect(reply).toMatchObject({ replySerial: serial, result: 0 });
    await until(() => harness.committed.some((d) => d.event.kind === EventKind.Registered));
    const registered = harness.committed.find((d) => d.event.kind === EventKind.Registered)!;
    const { data, bodyStart, bodyEnd } = readFrame(registration.subarray(1, -1)); // between the flags
    expect(Buffer.from(registered.event.body!)).toEqual(Buffer.from(data.subarray(bodyStart, bodyEnd)));
    const auth = { authCode: reply.authCode, imei: '860000000000001', softwareVersion: 'v1' };
    expect((await terminal.request('authentication', auth)).body).toMatchObject({ result: 0 });
    expect(await addressSeen(phone)).toBe('2001:db8::202:40002');
  });

  it('waits for a header split across segments, and reads the frames behind it', async () => {
    harness = await startHarness({ config: { proxyProtocol: true } });
    const header = proxyV2({ family: 'inet', address: '198.51.100.3', port: 40003, tlvs: 20 });
    const terminal = harness.terminal('013800000203');
    await terminal.connect();
    for (const [from, to] of [
      [0, 5],
      [5, 14],
      [14, 30],
      [30, header.length],
    ] as const) {
      terminal.write(header.subarray(from, to));
      await pause(30);
    }
    await signIn(terminal, 'T000203');
    expect(await addressSeen('013800000203')).toBe('198.51.100.3:40003');
  });

  it('keeps the connection address for a v2 LOCAL header (the balancer itself)', async () => {
    harness = await startHarness({ config: { proxyProtocol: true } });
    const local = proxyV2({ command: 'local', family: 'inet', address: '203.0.113.9', port: 1 });
    const terminal = await behind(local, '013800000204');
    await signIn(terminal, 'T000204');
    expect(await addressSeen('013800000204')).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('closes and counts connections that start with a frame, garbage or a malformed header', async () => {
    harness = await startHarness({ config: { proxyProtocol: true } });
    const peers: Array<[Buffer, string]> = [
      [
        encodeMessage({ name: 'heartbeat', header: { phone: '013800000205', serial: 1 }, body: {} }),
        'missing',
      ],
      [Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.1 65536 6808\r\n'), 'malformed'],
      [Buffer.from(`PROXY TCP4 ${'9'.repeat(120)}`), 'malformed'],
      ...Array.from({ length: 20 }, (): [Buffer, string] => {
        const garbage = randomBytes(64);
        garbage[0] = 0x7e;
        return [garbage, 'missing'];
      }),
    ];
    await Promise.all(
      peers.map(async ([bytes]) => {
        const socket = await rawSocket(harness.port);
        const gone = closed(socket);
        socket.write(bytes);
        await gone;
      }),
    );
    expect(await failures('missing')).toBe(21);
    expect(await failures('malformed')).toBe(2);
    // None of it reached a session: the frame was not decoded, nothing went on the bus.
    expect(await metricValue(harness.metrics, 'jt808_frames_total', { message: 'heartbeat' })).toBe(0);
    expect(harness.gateway.connectionCount).toBe(0);
  });

  it('closes a connection whose header does not complete in time', async () => {
    harness = await startHarness({ config: { proxyProtocol: true, proxyHeaderSeconds: 1 } });
    const silent = await rawSocket(harness.port);
    const slow = await rawSocket(harness.port);
    const gone = [closed(silent), closed(slow)];
    slow.write('PROXY TCP4 ');
    const drip = setInterval(() => slow.write('1'), 100); // a byte at a time does not move the deadline
    const [silentMs, slowMs] = await Promise.all(gone);
    clearInterval(drip);
    expect(silentMs).toBeGreaterThanOrEqual(900);
    expect(slowMs).toBeGreaterThanOrEqual(900);
    expect(await failures('timeout')).toBe(2);
  });

  it('stops without waiting for a connection that still owes its header', async () => {
    harness = await startHarness({ config: { proxyProtocol: true, proxyHeaderSeconds: 3600 } });
    const socket = await rawSocket(harness.port);
    socket.write('PROXY TCP4 ');
    const gone = closed(socket);
    const started = Date.now();
    await harness.gateway.close();
    await gone;
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

const refusals = (limit: string) => metricValue(harness.metrics, 'jt808_address_refusals_total', { limit });

describe('per-address limits', () => {
  it('closes the connection past an address cap at once, and leaves other addresses alone', async () => {
    harness = await startHarness({ config: { maxConnectionsPerAddress: 3 } });
    const kept = await Promise.all([1, 2, 3].map(() => rawSocket(harness.port, '127.0.0.1')));
    await until(() => harness.gateway.connectionCount === 3);
    const extra = await rawSocket(harness.port, '127.0.0.1');
    await closed(extra); // without a byte sent
    expect(await refusals('connections')).toBe(1);
    const other = await rawSocket(harness.port, '127.0.0.2');
    await until(() => harness.gateway.connectionCount === 4);
    // A place freed is a place again.
    kept[0]!.destroy();
    await until(() => harness.gateway.connectionCount === 3);
    const again = harness.terminal('013800000206', '2013', '127.0.0.1');
    await signIn(again, 'T000206');
    expect(await refusals('connections')).toBe(1);
    for (const socket of [...kept, other]) socket.destroy();
  });

  it('counts the address of the PROXY header, not the balancer', async () => {
    harness = await startHarness({ config: { proxyProtocol: true, maxConnectionsPerAddress: 2 } });
    const header = (address: string, port: number) => proxyV2({ family: 'inet', address, port });
    const open = async (address: string, port: number) => {
      const socket = await rawSocket(harness.port);
      socket.write(header(address, port));
      return socket;
    };
    const kept = [await open('203.0.113.5', 1), await open('203.0.113.5', 2), await open('203.0.113.6', 3)];
    await until(() => harness.gateway.connectionCount === 3);
    const extra = await open('203.0.113.5', 4);
    await closed(extra);
    expect(await refusals('connections')).toBe(1);
    expect(harness.gateway.connectionCount).toBe(3);
    for (const socket of kept) socket.destroy();
  });

  it('leaves registrations past the per-minute rate unanswered, per address', async () => {
    harness = await startHarness({ config: { registrationsPerAddressPerMinute: 3 } });
    const terminal = harness.terminal('013800000207', '2013', '127.0.0.1');
    await terminal.connect();
    const registration = registrationFor('2013', 'T000207');
    let authCode = '';
    for (let i = 0; i < 3; i++) {
      const reply = await terminal.request('registration', registration);
      expect(reply.body).toMatchObject({ result: 0 });
      authCode = (reply.body as { authCode: string }).authCode;
    }
    const serial = terminal.send('registration', registration);
    await expect(
      terminal.waitFor((m) => m.name === 'registrationResponse' && m.body.replySerial === serial, 1000),
    ).rejects.toThrow();
    expect(await refusals('registrations')).toBe(1);
    // Still connected, and its last code still authenticates it.
    const auth = await terminal.request('authentication', {
      authCode,
      imei: '860000000000001',
      softwareVersion: 'v1',
    });
    expect(auth.body).toMatchObject({ result: 0 });
    // Another address has its own allowance.
    await signIn(harness.terminal('013800000208', '2013', '127.0.0.2'), 'T000208', '豫A00208');
    expect(await refusals('registrations')).toBe(1);
  });

  it.each([
    ['directly from one address', false],
    ['through a balancer, all claiming one address', true],
  ])('lets a depot of 500 terminals sign in %s with the default limits', async (_, proxyProtocol) => {
    harness = await startHarness({ config: { proxyProtocol } });
    const terminals = await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        const phone = `0139${String(i).padStart(8, '0')}`;
        const terminal = proxyProtocol
          ? await behind(proxyV1('TCP4', '198.51.100.77', 20_000 + i), phone)
          : harness.terminal(phone, '2013', '127.0.0.1');
        await signIn(terminal, `D${String(i).padStart(6, '0')}`, `豫D${String(i).padStart(5, '0')}`);
        return terminal;
      }),
    );
    expect(terminals).toHaveLength(500);
    expect(harness.gateway.live.size).toBe(500);
    expect(await refusals('connections')).toBe(0);
    expect(await refusals('registrations')).toBe(0);
    if (proxyProtocol) expect(await addressSeen('013900000499')).toBe('198.51.100.77:20499');
  });
});
