import { FAULT_KINDS } from '@jt808/simulators';
import { DEFAULT_SETTINGS, DEFAULT_TICKET_SETTINGS, type FaultReason, type Status } from '@jt808/status';
import { describe, expect, it } from 'vitest';
import { EXPECTATIONS } from '../scoring/expectations.js';
import type { ScoringInput, TruthInterval } from '../scoring/input.js';
import type { ObservedTicket, ObservedTransition } from '../scoring/observations.js';
import { score } from '../scoring/score.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const S = 1000;

const truth = (phone: string, fault: string, from: number, to: number): TruthInterval => ({
  phone,
  fault,
  fromMs: T0 + from * S,
  toMs: T0 + to * S,
  cutShort: false,
});

const transition = (
  phone: string,
  at: number,
  from: Status,
  to: Status,
  reasons: FaultReason[] = [],
): ObservedTransition => ({
  phone,
  atMs: T0 + at * S,
  from,
  to,
  reasons,
  recordedAtRealMs: T0 + at * S + 50,
});

const ticket = (phone: string, reason: string, at: number, held = false): ObservedTicket => ({
  phone,
  reason,
  reasons: [reason],
  openedAtMs: T0 + at * S,
  state: 'closed',
  incidentId: held ? 1 : null,
  closeReason: 'self-recovered',
});

/** A small run written by hand: every way a fault can stand, and every way the engine can answer. */
function input(): ScoringInput {
  return {
    time: { speed: 1, simOriginMs: T0, realOriginMs: T0 },
    endMs: T0 + 3600 * S,
    settings: DEFAULT_SETTINGS,
    tickets: { ...DEFAULT_TICKET_SETTINGS, repairFaultyMinutes: 10, repairOfflineHours: 0.2 },
    cadence: { drivingS: 30, parkedS: 300 },
    outages: [{ scope: 'platform', phones: ['o1', 'o2'], fromMs: T0 + 2400 * S, toMs: T0 + 3400 * S }],
    truth: [
      truth('a', 'power-cut', 60, 2000), // detected in time, ticket opened
      truth('b', 'power-cut', 60, 200), // shorter than the rule
      truth('c', 'power-cut', 60, 1000), // hidden: the terminal is offline meanwhile
      truth('c', 'offline', 100, 900), // detected; back before its ticket was due
      truth('d', 'no-fix', 60, 2000), // parked throughout: outside the rule
      truth('e', 'clock-skew', 60, 2000), // missed
      truth('g', 'undervoltage', 60, 2000), // detected late; its ticket is missing
      truth('o1', 'offline', 2400, 3400),
      truth('o2', 'offline', 2400, 3400),
      truth('x', 'garbage', 0, 3600),
    ],
    observations: {
      transitions: [
        transition('a', 362, 'online', 'faulty', ['power-cut']),
        transition('c', 220, 'online', 'offline'),
        transition('f', 500, 'online', 'faulty', ['drift']), // no fault explains it
        transition('g', 760, 'online', 'faulty', ['power-undervoltage']),
        transition('o1', 2520, 'online', 'offline'),
        transition('o2', 2521, 'online', 'offline'),
        transition('o1', 3900, 'offline', 'online'),
      ],
      tickets: [
        ticket('a', 'power-cut', 962),
        ticket('o1', 'offline', 3240, true),
        ticket('o2', 'offline', 3241, true),
      ],
      incidents: [
        {
          id: 1,
          scope: 'platform',
          scopeId: '*',
          openedAtMs: T0 + 2525 * S,
          clearedAtMs: T0 + 3420 * S,
          phones: ['o1', 'o2'],
        },
      ],
      fixes: new Map([
        [
          'd',
          [60, 600, 900, 1200, 1500, 1800].map((at) => ({ atMs: T0 + at * S, accOn: false, speedKmh: 0 })),
        ],
      ]),
    },
  };
}

describe('scoring against the ground truth (pure)', () => {
  const report = score(input());
  const label = (name: string) => report.labels.find((l) => l.label === name)!;

  it('counts recall over the faults the rule could see, and says why the others are not expected', () => {
    expect(label('power-cut')).toMatchObject({
      standings: { expected: 1, 'shorter than the rule': 1, hidden: 1 },
      detected: 1,
      delaysS: [302],
      late: [],
    });
    expect(label('no-fix').standings['outside the rule']).toBe(1);
    expect(label('clock-skew')).toMatchObject({ detected: 0, missed: [{ truth: { phone: 'e' } }] });
    expect(label('power-undervoltage').late).toMatchObject([{ delayS: 700 }]);
    expect(label('offline')).toMatchObject({ standings: { expected: 1 }, detected: 1, delaysS: [120] });
  });

  it('counts a detection no fault explains against precision', () => {
    expect(label('drift')).toMatchObject({ detections: 1, falseDetections: [{ phone: 'f' }] });
    expect(label('power-cut')).toMatchObject({ detections: 1, falseDetections: [] });
  });

  it('expects a ticket only from a fault that outlasts its ticket time', () => {
    expect(report.tickets).toMatchObject({ expected: 2, opened: 1, notDue: 1, unexpected: [] });
    expect(report.tickets.missing.map((f) => f.truth.phone)).toEqual(['g']);
  });

  it('scores an outage by its incident and the tickets it held', () => {
    expect(report.outages).toMatchObject([
      { scored: 2, offline: 2, delaysS: [120, 121], incident: { openedAfterS: 125, clearedAfterEndS: 20 } },
    ]);
    expect(report.outages[0]).toMatchObject({ held: 2, notHeld: 0, faultTickets: 0 });
    expect(report.outages[0]!.heldOutcome).toEqual({ selfRecovered: 2, released: 0, stillHeld: 0 });
  });

  it('lists the faults it does not score', () => {
    expect(report.notScored).toMatchObject([{ fault: 'garbage', intervals: 1 }]);
  });
});

describe('the fault-to-reason table', () => {
  it('covers every fault the simulator can inject, with a reason or why not', () => {
    expect(Object.keys(EXPECTATIONS).sort()).toEqual([...FAULT_KINDS].sort());
    const notScored = Object.entries(EXPECTATIONS).filter(([, e]) => e.verdict === 'not scored');
    expect(notScored.map(([fault]) => fault).sort()).toEqual(['garbage', 'reconnect-storm']);
  });
});
