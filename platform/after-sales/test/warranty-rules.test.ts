import { describe, expect, it } from 'vitest';
import { automaticComplaints, type FaultTicket } from '../src/complaint-rules.js';
import { returnClocks } from '../src/rma.js';
import { checkRecord } from '../src/rma-store.js';
import { DEFAULT_AFTER_SALES_SETTINGS, withOverrides } from '../src/settings.js';
import { coveredOn, decide, EXCLUSIONS, warrantyOf } from '../src/warranty.js';
import { at, NATIONAL_DAY_2026 } from './national-day.js';

/**
 * The warranty as the service standard writes it (issue 21, item 6) and repeats that survive a
 * terminal swap (item 5): each rule with its number. The HTTP path is in warranty-cases.test.ts.
 */

const settings = DEFAULT_AFTER_SALES_SETTINGS;
const calendar = NATIONAL_DAY_2026;
/** Shipped by express on 10 January: delivered (warranty start) 13 January, covered to 12 January 2027. */
const unit = { shippedOn: '2026-01-10', shipMode: 'express' as const };

describe('warranty: one source for its end', () => {
  it('takes the roster’s stated end only when neither a ship date nor an installation is known', () => {
    expect(warrantyOf({ ...unit, statedUntil: '2030-01-01' }, settings)).toEqual({
      start: '2026-01-13',
      until: '2027-01-12',
      basis: 'express',
    });
    expect(warrantyOf({ statedUntil: '2027-03-31' }, settings)).toEqual({
      start: '2026-04-01',
      until: '2027-03-31',
      basis: 'roster',
    });
  });

  it('says in or out of warranty on a day, null when nothing tells', () => {
    expect(coveredOn(unit, '2027-01-12', settings)).toBe(true);
    expect(coveredOn(unit, '2027-01-13', settings)).toBe(false);
    expect(coveredOn({}, '2027-01-13', settings)).toBeNull();
    // A swapped-in terminal: its installation starts a warranty of warrantyMonths, not a fixed year.
    expect(
      warrantyOf({ installedOn: '2026-12-07' }, withOverrides([{ name: 'warrantyMonths', value: 24 }])).until,
    ).toBe('2028-12-06');
  });
});

describe('warranty: exclusions and the exchange condition', () => {
  it('makes an in-warranty repair paid for each of the six exclusions, named in the reason', () => {
    expect(EXCLUSIONS).toEqual([
      'misuse',
      'third-party-repair',
      'modification',
      'missing-card',
      'missing-serial',
      'missing-label',
    ]);
    for (const exclusion of EXCLUSIONS) {
      const d = decide(unit, { today: '2026-06-01', quality: true, exclusions: [exclusion] }, settings);
      expect(d).toMatchObject({
        rule: 'paid-repair',
        inWarranty: true,
        exclusions: [exclusion],
        freight: 'none',
      });
    }
    const two = decide(
      unit,
      { today: '2026-06-01', quality: false, exclusions: ['modification', 'misuse'] },
      settings,
    );
    expect(two.reason.zh).toBe('保修期内（至2027-01-12），但使用不当或人为损坏、私自改装，有偿维修');
    expect(two.reason.en).toBe('within warranty (until 2027-01-12) but misuse, modified: paid repair');
    // Even within the month of returns.
    expect(
      decide(unit, { today: '2026-01-20', quality: true, exclusions: ['missing-label'] }, settings).rule,
    ).toBe('paid-repair');
  });

  it('exchanges only a unit not badly damaged and not opened; repairs the others free', () => {
    expect(decide(unit, { today: '2026-06-01', quality: true }, settings)).toMatchObject({
      rule: 'exchange',
      intact: true,
    });
    for (const condition of [{ badlyDamaged: true }, { opened: true }]) {
      const d = decide(unit, { today: '2026-06-01', quality: true, ...condition }, settings);
      expect(d).toMatchObject({ rule: 'free-repair', intact: false, freight: 'one-way' });
      expect(d.reason.zh).toContain('不予退换');
    }
  });

  it('returns within 1 month of delivery only an intact unit', () => {
    // Delivered 13 January: 13 February is the last day of returns.
    expect(decide(unit, { today: '2026-02-13', quality: true }, settings).rule).toBe('return');
    expect(decide(unit, { today: '2026-02-13', quality: true, opened: true }, settings).rule).toBe(
      'free-repair',
    );
    expect(decide(unit, { today: '2026-02-13', quality: true, badlyDamaged: true }, settings).rule).toBe(
      'free-repair',
    );
    expect(decide(unit, { today: '2026-02-14', quality: true }, settings).rule).toBe('exchange');
    // Exchanged twice within six months: a return too, intact units only.
    const twice = { ...unit, exchanges: ['2026-04-01', '2026-07-01'] };
    expect(decide(twice, { today: '2026-08-01', quality: true }, settings).rule).toBe('return');
    expect(decide(twice, { today: '2026-08-01', quality: true, opened: true }, settings).rule).toBe(
      'free-repair',
    );
  });

  it('pays one-way freight for an in-warranty quality fault only', () => {
    expect(decide(unit, { today: '2026-06-01', quality: true }, settings).freight).toBe('one-way');
    expect(decide(unit, { today: '2026-06-01', quality: false }, settings).freight).toBe('none');
    expect(decide(unit, { today: '2027-02-01', quality: true }, settings).freight).toBe('none');
  });
});

describe('the clocks of a returned unit', () => {
  const none = { advanceShippedAt: null, shippedBackAt: null, firstQuotedAt: null };

  it('a paid repair: cost and time told within 1 working day, done and shipped within 4 days of receipt', () => {
    // Received Friday 27 November 16:00: quote due Monday 30 November 16:00, shipment Tuesday 1 December 16:00.
    const clocks = returnClocks(
      { ...none, arrivedAt: at('2026-11-27T16:00') },
      'paid-repair',
      calendar,
      settings,
    );
    expect(clocks).toEqual([
      { clock: 'quote', dueAt: at('2026-11-30T16:00'), metAt: null },
      { clock: 'repair-ship', dueAt: at('2026-12-01T16:00'), metAt: null },
    ]);
    // Across the National Day week: the quote's working day is 8 October.
    expect(
      returnClocks({ ...none, arrivedAt: at('2026-09-30T10:00') }, 'paid-repair', calendar, settings)[0]!
        .dueAt,
    ).toEqual(at('2026-10-08T10:00'));
    const met = returnClocks(
      {
        arrivedAt: at('2026-11-27T16:00'),
        advanceShippedAt: null,
        firstQuotedAt: at('2026-11-28T09:00'),
        shippedBackAt: at('2026-12-02T09:00'),
      },
      'paid-repair',
      calendar,
      settings,
    );
    expect(met.map((c) => [c.clock, c.metAt])).toEqual([
      ['quote', at('2026-11-28T09:00')],
      ['repair-ship', at('2026-12-02T09:00')],
    ]);
  });

  it('an in-warranty quality return is replaced and shipped within 1 working day', () => {
    for (const rule of ['exchange', 'return'] as const) {
      expect(returnClocks({ ...none, arrivedAt: at('2026-12-04T11:00') }, rule, calendar, settings)).toEqual([
        { clock: 'exchange-ship', dueAt: at('2026-12-07T11:00'), metAt: null },
      ]);
    }
    expect(
      returnClocks({ ...none, arrivedAt: at('2026-12-04T11:00') }, 'free-repair', calendar, settings),
    ).toEqual([]);
    expect(returnClocks({ ...none, arrivedAt: at('2026-12-04T11:00') }, null, calendar, settings)).toEqual(
      [],
    );
  });

  it('after an advance replacement the faulty unit is due back within 3 days, met by its arrival', () => {
    const sent = { ...none, advanceShippedAt: at('2026-12-01T10:00') };
    expect(returnClocks({ ...sent, arrivedAt: null }, 'exchange', calendar, settings)).toEqual([
      { clock: 'faulty-return', dueAt: at('2026-12-04T10:00'), metAt: null },
    ]);
    // Arrived: the faulty-return clock is met; no exchange shipment is owed, one went out in advance.
    expect(
      returnClocks({ ...sent, arrivedAt: at('2026-12-05T09:00') }, 'exchange', calendar, settings),
    ).toEqual([{ clock: 'faulty-return', dueAt: at('2026-12-04T10:00'), metAt: at('2026-12-05T09:00') }]);
  });

  it('clocks follow the settings', () => {
    const slower = withOverrides([
      { name: 'quoteWorkingDays', value: 2 },
      { name: 'repairShipDays', value: 7 },
      { name: 'faultyReturnDays', value: 5 },
    ]);
    const clocks = returnClocks(
      { ...none, arrivedAt: at('2026-12-01T10:00'), advanceShippedAt: at('2026-11-30T10:00') },
      'paid-repair',
      calendar,
      slower,
    );
    expect(clocks.map((c) => [c.clock, c.dueAt])).toEqual([
      ['faulty-return', at('2026-12-05T10:00')],
      ['quote', at('2026-12-03T10:00')],
      ['repair-ship', at('2026-12-08T10:00')],
    ]);
  });

  it('refuses a shipment back before the unit arrived, and dates in the future', () => {
    const record = {
      formNo: null,
      carrier: null,
      waybill: null,
      quality: true,
      exclusions: [],
      badlyDamaged: false,
      opened: false,
      advanceShippedAt: null,
    };
    const now = at('2026-12-07T10:00');
    expect(() => checkRecord({ ...record, arrivedAt: null, shippedBackAt: now }, now)).toThrow(
      /after it arrived/,
    );
    expect(() =>
      checkRecord({ ...record, arrivedAt: now, shippedBackAt: at('2026-12-06T10:00') }, now),
    ).toThrow(/before arrivedAt/);
    expect(() =>
      checkRecord({ ...record, arrivedAt: at('2026-12-09T10:00'), shippedBackAt: null }, now),
    ).toThrow(/future/);
  });
});

describe('repeats keyed on the vehicle', () => {
  it('a cause code that comes back on the terminal swapped in is still a repeat', () => {
    // The history handed to the rules is the vehicle's: ticket 1 on the old SIM replaced the
    // terminal, ticket 2 is on the new SIM.
    const DAY = 86_400_000;
    const ticket = (id: string, day: number, cause: string): FaultTicket => ({
      id,
      openedAtMs: day * DAY,
      cause,
      closeReason: 'verified',
      resolvedAtMs: (day + 1) * DAY,
      servicePointId: 3,
      installer: 'inst-a',
    });
    const raised = automaticComplaints([ticket('1', 0, 'gnss-antenna'), ticket('2', 30, 'gnss-antenna')]);
    expect(raised).toEqual([
      expect.objectContaining({ source: 'repeat-fault', ticketId: '2', servicePointId: 3 }),
    ]);
    expect(
      automaticComplaints([ticket('1', 0, 'gnss-antenna'), ticket('2', 30, 'power')])[0]!.description,
    ).toContain('该车辆一年内出现2种不同故障');
  });
});
