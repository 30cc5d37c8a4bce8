import { type Delivery, EventKind } from '@jt808/bus';
import { encodeBody, type LocationFields } from '@jt808/protocol';
import { describe, expect, it } from 'vitest';
import { StatusEngine } from '../src/engine.js';
import { DEFAULT_SETTINGS } from '../src/settings.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const S = 1000;
let id = 1;

function location(atMs: number, overrides: Partial<LocationFields> = {}): Delivery {
  const fix: LocationFields = {
    alarm: 0,
    status: 0b11, // ACC on, positioned
    latitude: 34.75,
    longitude: 113.62 + (atMs - T0) / 1e9,
    altitude: 100,
    speed: 40,
    direction: 90,
    time: new Date(atMs - S),
    extras: { satellites: 12, signalStrength: 20 },
    ...overrides,
  };
  return message(
    atMs,
    0x0200,
    encodeBody({ name: 'locationReport', header: { phone: '0', serial: 0 }, body: fix }),
  );
}

function heartbeat(atMs: number): Delivery {
  return message(atMs, 0x0002, new Uint8Array(0));
}

function message(atMs: number, messageId: number, body: Uint8Array): Delivery {
  return {
    id: String(id++),
    raw: new Uint8Array(0),
    event: {
      kind: EventKind.Message,
      phone: '013800000001',
      gatewayId: 'g',
      sessionId: 's',
      atMs,
      messageId,
      serial: 0,
      edition: '2013',
      body,
    },
  };
}

function session(atMs: number, kind: EventKind, sessionId = 's'): Delivery {
  return {
    id: String(id++),
    raw: new Uint8Array(0),
    event: { kind, phone: '013800000001', gatewayId: 'g', sessionId, atMs },
  };
}

/** Feeds a terminal reporting every `intervalS` from T0 for `count` reports, then runs a pass. */
function engineWith(deliveries: Delivery[]): StatusEngine {
  const engine = new StatusEngine(DEFAULT_SETTINGS);
  engine.terminal('13800000001');
  engine.apply(deliveries);
  return engine;
}

const reports = (count: number, intervalS: number, make = (t: number) => location(t)) =>
  Array.from({ length: count }, (_, i) => make(T0 + i * intervalS * S));

describe('status engine', () => {
  it('never seen until the first message, then online', () => {
    const engine = new StatusEngine(DEFAULT_SETTINGS);
    engine.terminal('13800000001');
    expect(engine.pass(T0)).toEqual([]);
    expect(engine.get('13800000001')!.status).toBe('never-seen');
    engine.apply([location(T0)]);
    expect(engine.pass(T0 + S)).toEqual([
      { phone: '13800000001', atMs: T0, from: 'never-seen', to: 'online', reasons: [] },
    ]);
  });

  it('goes offline after three learned intervals of silence, at a time derived from the last message', () => {
    const engine = engineWith(reports(10, 60));
    const last = T0 + 9 * 60 * S;
    engine.pass(last);
    expect(engine.pass(last + 179 * S)).toEqual([]);
    const [transition] = engine.pass(last + 200 * S);
    expect(transition).toMatchObject({ from: 'online', to: 'offline', atMs: last + 180 * S });
  });

  it('does not flap for a parked terminal reporting every five minutes with ACC off', () => {
    const engine = engineWith([
      ...reports(5, 30),
      ...reports(12, 300, (t) => location(t + 200 * S, { status: 0b10, speed: 0 })),
    ]);
    const last = T0 + 200 * S + 11 * 300 * S;
    const changes = [];
    for (let t = T0 + 200 * S; t <= last + 299 * S; t += 10 * S) changes.push(...engine.pass(t));
    expect(changes.map((c) => c.to)).toEqual(['online']);
  });

  it('is offline soon after the connection closes without a new one', () => {
    const engine = engineWith([...reports(3, 30), session(T0 + 61 * S, EventKind.Disconnected)]);
    engine.pass(T0 + 62 * S);
    const [transition] = engine.pass(T0 + 61 * S + DEFAULT_SETTINGS.disconnectGraceSeconds * S);
    expect(transition).toMatchObject({
      to: 'offline',
      atMs: T0 + 61 * S + DEFAULT_SETTINGS.disconnectGraceSeconds * S,
    });
  });

  it('turns faulty when an antenna-open alarm holds for the rule time, and back when it clears', () => {
    const engine = engineWith(reports(30, 30, (t) => location(t, { alarm: 1 << 5 })));
    const faulty = engine.pass(T0 + 29 * 30 * S);
    expect(faulty).toEqual([
      {
        phone: '13800000001',
        atMs: T0 + DEFAULT_SETTINGS.faultAfterSeconds['gnss-antenna-open'] * S,
        from: 'never-seen',
        to: 'faulty',
        reasons: ['gnss-antenna-open'],
      },
    ]);
    engine.apply([location(T0 + 30 * 30 * S)]);
    expect(engine.pass(T0 + 30 * 30 * S + S)).toMatchObject([{ from: 'faulty', to: 'online' }]);
  });

  it('takes fixes whose additional area ends in zero padding like any other: online, no fault', () => {
    const padded = (t: number) => {
      const { event } = location(t);
      return message(t, 0x0200, new Uint8Array([...(event.body ?? []), 0, 0, 0]));
    };
    const engine = engineWith(reports(40, 30, padded));
    expect(engine.pass(T0 + 39 * 30 * S)).toMatchObject([{ to: 'online', reasons: [] }]);
  });

  it.each([
    ['no-fix', (t: number) => location(t, { status: 0b01 })],
    ['frozen-position', (t: number) => location(t, { longitude: 113.62, speed: 60 })],
    ['clock-skew', (t: number) => location(t, { time: new Date(t - 3_600_000) })],
    ['no-signal', (t: number) => location(t, { extras: { satellites: 0, signalStrength: 20 } })],
  ])('detects %s', (reason, make) => {
    const engine = engineWith(reports(40, 30, make));
    const [transition] = engine.pass(T0 + 39 * 30 * S);
    expect(transition?.to).toBe('faulty');
    expect(transition?.reasons).toContain(reason);
  });

  it('detects drift from an impossible jump', () => {
    const engine = engineWith([...reports(3, 30), location(T0 + 90 * S, { latitude: 35.5 })]);
    const [transition] = engine.pass(T0 + 91 * S);
    expect(transition).toMatchObject({ to: 'faulty', reasons: ['drift'] });
  });

  it('detects heartbeat-only: still talking, no location with ACC on', () => {
    const beats = Array.from({ length: 30 }, (_, i) => heartbeat(T0 + 90 * S + i * 60 * S));
    const engine = engineWith([...reports(4, 30), ...beats]);
    const [transition] = engine.pass(T0 + 90 * S + 29 * 60 * S);
    expect(transition).toMatchObject({ to: 'faulty', reasons: ['heartbeat-only'] });
  });

  it('replays the same history into the same transitions', () => {
    const history = [
      ...reports(20, 30, (t) => location(t, { alarm: t > T0 + 200 * S ? 1 << 8 : 0 })),
      session(T0 + 700 * S, EventKind.Disconnected),
    ];
    const run = () => {
      const engine = engineWith(history);
      return [T0 + 400 * S, T0 + 600 * S, T0 + 2000 * S].flatMap((t) => engine.pass(t));
    };
    expect(run()).toEqual(run());
    expect(run().map((t) => t.to)).toEqual(['online', 'faulty', 'offline']);
  });
});

describe('cadence from the terminal parameters', () => {
  it('uses the configured sleep interval for a parked terminal before it has learned one', () => {
    const parameters = message(
      T0,
      0x0104,
      encodeBody({
        name: 'parametersResponse',
        header: { phone: '0', serial: 0 },
        body: {
          replySerial: 0,
          parameters: [
            { id: 0x0027, value: 1200 },
            { id: 0x0029, value: 30 },
          ],
        },
      }),
    );
    // One parked fix, then silence: with a 20-minute sleep interval it is online until 3 × 20 min,
    // capped by the 30-minute ceiling.
    const engine = engineWith([parameters, location(T0 + S, { status: 0b10, speed: 0 })]);
    engine.pass(T0 + 2 * S);
    expect(engine.pass(T0 + 29 * 60 * S)).toEqual([]);
    expect(engine.pass(T0 + 31 * 60 * S)).toMatchObject([{ to: 'offline', atMs: T0 + S + 30 * 60 * S }]);
  });
});

describe('per-center settings', () => {
  it('judges offline with the floor of the terminal own center', () => {
    const engine = new StatusEngine(DEFAULT_SETTINGS);
    engine.setCenterOverrides(new Map([[7, { offlineFloorSeconds: 600 }]]));
    engine.terminal('13800000001', 7);
    engine.apply(reports(10, 30));
    const last = T0 + 9 * 30 * S;
    engine.pass(last);
    // The platform's floor (180 s) would say offline now; the center's 600 s does not yet.
    expect(engine.pass(last + 300 * S)).toEqual([]);
    expect(engine.pass(last + 601 * S)).toMatchObject([{ to: 'offline', atMs: last + 600 * S }]);
  });
});

describe('sessions', () => {
  it('ignores the close of a session that is not the terminal current one', () => {
    const engine = engineWith([session(T0, EventKind.Authenticated, 'old'), ...reports(4, 30)]);
    // The terminal signs in again on another connection (or gateway); the old one closes later.
    engine.apply([session(T0 + 100 * S, EventKind.Authenticated, 'new')]);
    engine.apply([session(T0 + 101 * S, EventKind.Disconnected, 'old')]);
    expect(engine.get('13800000001')).toMatchObject({ online: true, sessionId: 'new', disconnectedAtMs: 0 });
    expect(engine.pass(T0 + 110 * S)).toMatchObject([{ to: 'online' }]);
    engine.apply([session(T0 + 120 * S, EventKind.Disconnected, 'new')]);
    expect(engine.get('13800000001')).toMatchObject({ online: false, disconnectedAtMs: T0 + 120 * S });
  });
});

describe('rules corrected after scoring against the simulator (docs/status-scoring.md)', () => {
  it('does not call a terminal back from an outage heartbeat-only before its first location', () => {
    const engine = engineWith([...reports(4, 30), session(T0 + 100 * S, EventKind.Disconnected)]);
    const back = T0 + 100 * S + 40 * 60 * S;
    expect(engine.pass(back - S)).toMatchObject([{ to: 'offline' }]);
    engine.apply([session(back, EventKind.Authenticated)]);
    // A sign-in is not a report (ingest/reports.ts): back with its first heartbeat.
    expect(engine.pass(back + S)).toEqual([]);
    const beats = Array.from({ length: 20 }, (_, i) => heartbeat(back + (i + 1) * 60 * S));
    engine.apply(beats.slice(0, 1));
    expect(engine.pass(back + 61 * S)).toMatchObject([
      { from: 'offline', to: 'online', atMs: back + 60 * S },
    ]);
    // Signed in but only heartbeats since: heartbeat-only, counted from the sign-in.
    engine.apply(beats.slice(1));
    expect(engine.pass(back + 20 * 60 * S)).toMatchObject([
      { to: 'faulty', reasons: ['heartbeat-only'], atMs: back + 90 * S + 900 * S },
    ]);
  });

  it('dates a frozen position from the first fix that reported it, and a stop at the same place does not end it', () => {
    const frozenAt = T0 + 90 * S;
    const frozen = (i: number, speed: number) =>
      location(frozenAt + i * 30 * S, { longitude: 113.6201, speed });
    const engine = engineWith([
      ...reports(3, 30),
      ...Array.from({ length: 10 }, (_, i) => frozen(i, 60)),
      ...Array.from({ length: 4 }, (_, i) => frozen(10 + i, 0)),
      ...Array.from({ length: 10 }, (_, i) => frozen(14 + i, 60)),
    ]);
    expect(engine.pass(frozenAt + 23 * 30 * S)).toMatchObject([
      { to: 'faulty', reasons: ['frozen-position'], atMs: frozenAt + 600 * S },
    ]);
  });
});

describe('a terminal that signs in again and again but reports nothing', () => {
  it('is offline at the silence rule time, stays offline through its sign-ins, and is back at its next location', () => {
    // Reporting every 30 s with ACC on, then nothing for 10 minutes: the gateway closes the idle
    // link after 3 minutes and the terminal connects and signs in again at once, each time.
    const engine = engineWith(reports(10, 30));
    const last = T0 + 9 * 30 * S;
    const silence = 600 * S;
    const sessions: Delivery[] = [];
    for (let at = last + 180 * S, n = 1; at < last + silence; at += 185 * S, n++) {
      sessions.push(session(at, EventKind.Disconnected, n === 1 ? 's' : `s${n}`));
      sessions.push(session(at + 5 * S, EventKind.Authenticated, `s${n + 1}`));
    }
    const changes = [];
    for (let t = last; t < last + silence; t += 5 * S) {
      engine.apply(sessions.filter((d) => d.event.atMs > t - 5 * S && d.event.atMs <= t));
      changes.push(...engine.pass(t));
    }
    // Three intervals of 30 s are under the 180 s floor: offline 180 s after the last report.
    expect(changes).toMatchObject([
      { from: 'never-seen', to: 'online' },
      { from: 'online', to: 'offline', atMs: last + 180 * S },
    ]);
    expect(engine.get('13800000001')).toMatchObject({ online: true, status: 'offline' });
    engine.apply([location(last + silence)]);
    expect(engine.pass(last + silence + S)).toMatchObject([
      { from: 'offline', to: 'online', atMs: last + silence },
    ]);
  });

  it('is not kept online by answers to the platform commands either', () => {
    const engine = engineWith(reports(10, 30));
    const last = T0 + 9 * 30 * S;
    const answer = (atMs: number, messageId: number) => message(atMs, messageId, new Uint8Array(5));
    engine.pass(last);
    engine.apply([
      session(last + 100 * S, EventKind.Authenticated, 's2'),
      answer(last + 101 * S, 0x0001),
      answer(last + 102 * S, 0x0107),
    ]);
    expect(engine.pass(last + 181 * S)).toMatchObject([{ to: 'offline', atMs: last + 180 * S }]);
  });
});
