import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventKind } from '@jt808/bus';
import {
  decodeFrame,
  type Edition,
  encodeBody,
  encodeMessage,
  encodeRaw,
  MessageId,
  readFrame,
} from '@jt808/protocol';
import { type Harness, startHarness } from '@jt808/test-support/gateway-harness';
import { location, registrationFor, signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';
import { hashAuthCode } from '../src/session/auth-code.js';

let harness: Harness;
afterEach(async () => harness?.close());

describe.each<Edition>(['2013', '2019'])('registration and authentication (%s)', (edition) => {
  const phone = edition === '2019' ? '13800138000' : '013800138000';
  const wirePhone = edition === '2019' ? '00000000013800138000' : '013800138000';

  it('registers, authenticates and answers byte for byte', async () => {
    harness = await startHarness();
    const terminal = harness.terminal(phone, edition);
    await terminal.connect();
    const registered = await terminal.request('registration', registrationFor(edition, 'T000001'));
    expect(registered.name).toBe('registrationResponse');
    if (registered.name !== 'registrationResponse') return;
    expect(registered.body).toMatchObject({ replySerial: 0, result: 0 });
    const authCode = registered.body.authCode!;
    expect(authCode).toMatch(/^[0-9a-f]{32}$/);
    // The platform's first frame on this session: serial 0, the terminal's edition and phone.
    expect(registered.header).toMatchObject({ serial: 0, edition, phone: wirePhone, messageId: 0x8100 });

    const ack = await terminal.request('authentication', {
      authCode,
      imei: '860000000000001',
      softwareVersion: 'v1',
    });
    const expected = encodeMessage({
      name: 'platformGeneralResponse',
      header: { phone: wirePhone, serial: 1, edition, protocolVersion: 1 },
      body: { replySerial: 1, replyId: 0x0102, result: 0 },
    });
    const actual = encodeMessage({
      name: 'platformGeneralResponse',
      header: ack.header,
      body: ack.body as never,
    });
    expect(actual.toString('hex')).toBe(expected.toString('hex'));

    await until(() => harness.committed.some((d) => d.event.kind === EventKind.Authenticated));
    const authenticated = harness.committed.find((d) => d.event.kind === EventKind.Authenticated)!;
    expect(authenticated.event.phone).toBe(wirePhone);
    expect(await harness.bus.sessions.locate(wirePhone)).toBe(harness.gateway.gatewayId);
  });
});

describe('data before and after authentication', () => {
  it('refuses data from an unauthenticated connection and does not ingest it', async () => {
    harness = await startHarness();
    const terminal = harness.terminal('013800000001');
    await terminal.connect();
    const reply = await terminal.request('locationReport', location());
    expect(reply.body).toMatchObject({ replyId: 0x0200, result: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(harness.committed.filter((d) => d.event.kind === EventKind.Message)).toEqual([]);
  });

  it('puts an authenticated location on the bus with its exact body, then acknowledges', async () => {
    harness = await startHarness();
    const terminal = harness.terminal('013800000002');
    await signIn(terminal, 'T000002');
    const frame = encodeMessage({
      name: 'locationReport',
      header: { phone: '013800000002', serial: 2, edition: '2013' },
      body: location(),
    });
    const sentBody = (() => {
      const parts = readFrame(frame.subarray(1, -1));
      return parts.data.slice(parts.bodyStart, parts.bodyEnd);
    })();
    terminal.nextSerial(); // serial 2 is used by the raw frame below
    const ack = terminal.waitFor((m) => m.name === 'platformGeneralResponse' && m.body.replySerial === 2);
    terminal.write(frame);
    expect((await ack).body).toMatchObject({ replyId: 0x0200, result: 0 });
    const stored = harness.committed.filter(
      (d) => d.event.kind === EventKind.Message && d.event.messageId === 0x0200,
    );
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.event.body!).equals(Buffer.from(sentBody))).toBe(true);
  });

  it('acknowledges only after the consumer committed the event', async () => {
    let release!: () => void;
    let holding = false;
    harness = await startHarness({
      beforeCommit: async (batch) => {
        if (!batch.some((d) => d.event.messageId === MessageId.locationReport)) return;
        holding = true;
        await new Promise<void>((r) => {
          release = r;
        });
      },
    });
    const terminal = harness.terminal('013800000003');
    await signIn(terminal, 'T000003');
    let acknowledged = false;
    const ack = terminal.request('locationReport', location()).then((m) => {
      acknowledged = true;
      return m;
    });
    await until(() => holding);
    await new Promise((r) => setTimeout(r, 100));
    expect(acknowledged).toBe(false);
    release();
    expect((await ack).body).toMatchObject({ result: 0 });
  });

  it('answers heartbeats, batches and unknown message ids, keeping all of them', async () => {
    harness = await startHarness();
    const terminal = harness.terminal('013800000004');
    await signIn(terminal, 'T000004');
    expect((await terminal.request('heartbeat', {})).body).toMatchObject({ replyId: 0x0002, result: 0 });
    const batch = await terminal.request('locationBatch', {
      type: 1,
      items: [location(), location(35, 114)],
    });
    expect(batch.body).toMatchObject({ replyId: 0x0704, result: 0 });
    const ids = harness.committed
      .filter((d) => d.event.kind === EventKind.Message)
      .map((d) => d.event.messageId);
    expect(ids).toEqual([0x0002, 0x0704]);
  });
});

describe('sloppy terminals', () => {
  it('stores and answers a location whose additional area does not parse, keeping the rest raw', async () => {
    harness = await startHarness();
    const terminal = harness.terminal('013800000031');
    await signIn(terminal, 'T000031', '豫A00031');
    const header = { phone: '013800000031', edition: '2013' as const };
    const body = encodeBody({ name: 'locationReport', header: { ...header, serial: 0 }, body: location() });
    const sloppy = [
      Buffer.concat([body, Buffer.alloc(6)]), // zero padding
      Buffer.concat([body, Buffer.from([0x30, 0x05, 0x1f])]), // an item longer than what is left
      Buffer.concat([body, Buffer.from([0x31])]), // an item header cut short
    ];
    for (const [i, bytes] of sloppy.entries()) {
      const serial = 50 + i;
      const answer = terminal.waitFor(
        (m) => m.name === 'platformGeneralResponse' && m.body.replySerial === serial,
      );
      terminal.write(encodeRaw(0x0200, { ...header, serial }, bytes));
      expect((await answer).body).toMatchObject({ replyId: 0x0200, result: 0 });
    }
    await until(() => harness.committed.filter((d) => d.event.messageId === 0x0200).length === 3);
    const stored = harness.committed.filter((d) => d.event.messageId === 0x0200).map((d) => d.event.body);
    expect(stored.map((b) => Buffer.from(b!))).toEqual(sloppy);
  });
});

describe('authentication failures', () => {
  it('closes the connection after three wrong auth codes', async () => {
    harness = await startHarness();
    const terminal = harness.terminal('013800000005');
    await signIn(terminal, 'T000005');
    const second = harness.terminal('013800000005');
    await second.connect();
    const closed = new Promise<void>((resolve) => {
      second.onClose = resolve;
    });
    for (let i = 0; i < 2; i++) {
      expect((await second.request('authentication', { authCode: 'wrong' })).body).toMatchObject({
        result: 1,
      });
    }
    await second.request('authentication', { authCode: 'wrong' }).catch(() => undefined);
    await closed;
  });

  it('rejects unknown terminals when the roster policy says so', async () => {
    harness = await startHarness({ policy: 'reject' });
    const terminal = harness.terminal('013800000006');
    await terminal.connect();
    const reply = await terminal.request('registration', registrationFor('2013', 'T000006'));
    expect(reply.body).toMatchObject({ result: 4 });
    expect(reply.body).not.toHaveProperty('authCode');
  });

  it('refuses a plate already held by another terminal', async () => {
    harness = await startHarness();
    await signIn(harness.terminal('013800000007'), 'T000007', '豫B00001');
    const other = harness.terminal('013800000008');
    await other.connect();
    const reply = await other.request('registration', registrationFor('2013', 'T000008', '豫B00001'));
    expect(reply.body).toMatchObject({ result: 1 });
  });
});

describe('a handler that fails', () => {
  it('still answers, with failure, so the terminal tries again', async () => {
    // A roster whose storage is down: every call fails.
    const down = () => Promise.reject(new Error('roster storage unavailable'));
    harness = await startHarness({
      roster: { register: down, authCodeHash: down, close: async () => {} },
    });
    const terminal = harness.terminal('013800000011');
    await terminal.connect();
    const reply = await terminal.request('registration', registrationFor('2013', 'T000011'));
    expect(reply.name).toBe('platformGeneralResponse');
    expect(reply.body).toMatchObject({ replyId: 0x0100, result: 1 });
  });
});

describe('the roster file', () => {
  it('keeps registrations and auth codes across a restart of the gateway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jt808-roster-'));
    const file = join(dir, 'roster.jsonl');
    harness = await startHarness({ rosterFile: file });
    const terminal = harness.terminal('013800000012');
    const authCode = await signIn(terminal, 'T000012', '豫A00012');
    await harness.close();
    harness = await startHarness({ rosterFile: file });
    const again = harness.terminal('013800000012');
    await again.connect();
    expect((await again.request('authentication', { authCode })).body).toMatchObject({ result: 0 });
    const other = harness.terminal('013800000013');
    await other.connect();
    const refused = await other.request('registration', registrationFor('2013', 'T000013', '豫A00012'));
    expect(refused.body).toMatchObject({ result: 1 });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('phones in either spelling', () => {
  it('are one terminal to the roster file, whichever edition wrote or reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jt808-roster-'));
    const file = join(dir, 'roster.jsonl');
    // The platform's spelling in the file; a 2013 terminal (12 digits) and a 2019 one (20) read it.
    const code = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    writeFileSync(
      file,
      `${JSON.stringify({ authCode: { phone: '13800000041', hash: hashAuthCode(code).toString('hex') } })}\n`,
    );
    harness = await startHarness({ rosterFile: file });
    for (const edition of ['2013', '2019'] as const) {
      const terminal = harness.terminal('13800000041', edition);
      await terminal.connect();
      expect((await terminal.request('authentication', { authCode: code })).body).toMatchObject({
        result: 0,
      });
      terminal.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuse a registration in the other edition while the terminal is live', async () => {
    harness = await startHarness();
    const live = harness.terminal('013800000042', '2013');
    await signIn(live, 'T000042', '豫A00042');
    const other = harness.terminal('00000000013800000042', '2019');
    await other.connect();
    const reply = await other.request('registration', registrationFor('2019', 'T000042', '豫A00042'));
    expect(reply.body).toMatchObject({ result: 3 });
  });
});

describe('session replacement', () => {
  it('closes the older connection when the terminal authenticates again', async () => {
    harness = await startHarness();
    const first = harness.terminal('013800000009');
    const authCode = await signIn(first, 'T000009');
    const firstClosed = new Promise<void>((resolve) => {
      first.onClose = resolve;
    });
    const second = harness.terminal('013800000009');
    await second.connect();
    expect((await second.request('authentication', { authCode })).body).toMatchObject({ result: 0 });
    await firstClosed;
    expect((await second.request('heartbeat', {})).body).toMatchObject({ result: 0 });
    expect(harness.gateway.live.get('013800000009')).toBeDefined();
  });
});

describe('sub-packaged uploads', () => {
  it('reassembles a multimedia upload, keeps it, and answers 0x8800', async () => {
    harness = await startHarness();
    const terminal = harness.terminal('013800000010');
    await signIn(terminal, 'T000010');
    const { encodeSubPackages } = await import('@jt808/protocol');
    const media = new Uint8Array(2500).map((_, i) => i & 0xff);
    const frames = encodeSubPackages(
      {
        name: 'multimediaUpload',
        header: { phone: '013800000010', serial: 100, edition: '2013' },
        body: {
          mediaId: 7,
          mediaType: 0,
          format: 0,
          eventCode: 1,
          channel: 1,
          location: location(),
          data: media,
        },
      },
      1000,
    );
    expect(frames).toHaveLength(3);
    const answer = terminal.waitFor((m) => m.name === 'multimediaUploadResponse');
    for (const frame of frames.reverse()) terminal.write(frame);
    expect((await answer).body).toEqual({ mediaId: 7, retransmitIds: [] });
    const stored = harness.committed.find((d) => d.event.messageId === 0x0801)!;
    const decoded = decodeFrame(
      encodeMessage({ name: 'heartbeat', header: { phone: '0', serial: 0 }, body: {} }).subarray(1, -1),
    );
    expect(decoded.name).toBe('heartbeat');
    expect(stored.event.body!.length).toBe(2500 + 8 + 28);
  });
});
