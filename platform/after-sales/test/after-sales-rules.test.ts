import { describe, expect, it } from 'vitest';
import { addMonths, CalendarError, localDay, WorkingCalendar } from '../src/calendar.js';
import { complaintDue, intakeClocks } from '../src/clocks.js';
import { automaticComplaints, type FaultTicket } from '../src/complaint-rules.js';
import { csvCell, toCsv, yuan } from '../src/csv.js';
import { mask, maskRow, mayViewInFull } from '../src/masking.js';
import { checkSetting, DEFAULT_AFTER_SALES_SETTINGS, withOverrides } from '../src/settings.js';
import { settle, settlementsTable, share } from '../src/settlement.js';
import { DEFAULT_ONSITE_HOURS } from '../src/tickets/onsite-hours.js';
import { deadlines } from '../src/tickets/workflow.js';
import { decide, WarrantyError, warrantyOf } from '../src/warranty.js';
import { at, NATIONAL_DAY_2026 } from './national-day.js';

/** The on-site deadline of a local ticket with the default hours. */
const onsite = (opened: Date, severity: 1 | 2 | 3) =>
  deadlines(opened.getTime(), severity, DEFAULT_ONSITE_HOURS.local).onsiteDue;

const settings = DEFAULT_AFTER_SALES_SETTINGS;
const calendar = NATIONAL_DAY_2026;

describe('working-day calendar (Asia/Shanghai)', () => {
  it('knows weekends, holidays and make-up working days', () => {
    expect(calendar.isWorkingDay('2026-11-27')).toBe(true); // Friday
    expect(calendar.isWorkingDay('2026-11-28')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false); // a Thursday holiday
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // a make-up Saturday
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false); // the Sunday after it
    expect(calendar.workingDaysIn('2026-10-01', '2026-10-12')).toEqual([
      '2026-10-08',
      '2026-10-09',
      '2026-10-10',
      '2026-10-12',
    ]);
  });

  it('adds working days across a weekend at the same local time', () => {
    expect(calendar.addWorkingDays(at('2026-11-27T15:00'), 3)).toEqual(at('2026-12-02T15:00'));
    expect(calendar.addWorkingDays(at('2026-11-27T15:00'), 0)).toEqual(at('2026-11-27T15:00'));
  });

  it('starts counting at the next working day when reported on a day off', () => {
    expect(calendar.addWorkingDays(at('2026-11-28T10:00'), 3)).toEqual(at('2026-12-03T00:00'));
  });

  it('skips a holiday week and counts its make-up Saturday', () => {
    const eve = at('2026-09-30T09:00');
    expect(calendar.addWorkingDays(eve, 1)).toEqual(at('2026-10-08T09:00'));
    expect(calendar.addWorkingDays(eve, 3)).toEqual(at('2026-10-10T09:00'));
    expect(calendar.addWorkingDays(eve, 4)).toEqual(at('2026-10-12T09:00'));
  });

  it('uses local dates, not UTC ones (00:30 in Beijing is the previous day in UTC)', () => {
    expect(localDay(at('2026-11-30T00:30'))).toBe('2026-11-30');
    // Monday 00:30 local is Sunday in UTC: still a working Monday.
    expect(calendar.addWorkingDays(at('2026-11-30T00:30'), 1)).toEqual(at('2026-12-01T00:30'));
  });

  it('adds working hours, counting only time on working days', () => {
    expect(calendar.addWorkingHours(at('2026-11-27T20:00'), 8)).toEqual(at('2026-11-30T04:00'));
    expect(calendar.addWorkingHours(at('2026-11-27T16:00'), 8)).toEqual(at('2026-11-28T00:00'));
    expect(calendar.addWorkingHours(at('2026-10-02T10:00'), 1)).toEqual(at('2026-10-08T01:00'));
    expect(calendar.addWorkingHours(at('2026-09-30T12:00'), 36)).toEqual(at('2026-10-09T00:00'));
  });

  it('refuses nonsense', () => {
    expect(() => calendar.addWorkingDays(at('2026-11-27T15:00'), -1)).toThrow(CalendarError);
    expect(() => calendar.addWorkingDays(at('2026-11-27T15:00'), 1.5)).toThrow(CalendarError);
    expect(() => new WorkingCalendar([{ day: '2026-02-30', kind: 'holiday' }])).toThrow(CalendarError);
    expect(() => calendar.isWorkingDay('tomorrow')).toThrow(CalendarError);
    const allOff = new WorkingCalendar(
      Array.from({ length: 90 }, (_, i) => ({
        day: localDay(at('2027-01-01T12:00').getTime() + i * 86_400_000),
        kind: 'holiday' as const,
      })),
    );
    expect(() => allOff.addWorkingDays(at('2027-01-01T12:00'), 1)).toThrow(/no working day/);
  });

  it('adds months, clamped to the month end', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', -6)).toBe('2026-05-15');
  });
});

describe('the desk clocks', () => {
  it('first answer in 10 min for levels A and B (severity 1 and 2), 30 min for C', () => {
    const received = at('2026-11-27T17:50');
    const firstAnswer = (severity: 1 | 2 | 3) =>
      intakeClocks(
        received,
        { severity, category: 'software', needsVisit: false },
        onsite(received, severity),
        calendar,
        settings,
      )[0];
    expect(firstAnswer(1)).toEqual({ clock: 'first-answer', dueAt: at('2026-11-27T18:00') });
    expect(firstAnswer(2)).toEqual({ clock: 'first-answer', dueAt: at('2026-11-27T18:00') });
    expect(firstAnswer(3)).toEqual({ clock: 'first-answer', dueAt: at('2026-11-27T18:20') });
  });

  it('the visit clock is the on-site deadline, 12 h local; spare parts in 4 h for a severity-1 hardware fault', () => {
    const received = at('2026-11-27T17:50');
    const clocks = intakeClocks(
      received,
      { severity: 1, category: 'hardware', needsVisit: true },
      onsite(received, 1),
      calendar,
      settings,
    );
    expect(clocks).toEqual([
      { clock: 'first-answer', dueAt: at('2026-11-27T18:00') },
      { clock: 'visit', dueAt: at('2026-11-28T05:50') },
      { clock: 'spare-parts', dueAt: at('2026-11-27T21:50') },
    ]);
    const lesser = intakeClocks(
      received,
      { severity: 2, category: 'hardware', needsVisit: true },
      onsite(received, 2),
      calendar,
      settings,
    );
    expect(lesser.map((c) => c.clock)).toEqual(['first-answer', 'visit']);
  });

  it('clocks follow the settings', () => {
    const faster = withOverrides([{ name: 'firstAnswerMinutes', value: 15 }]);
    const received = at('2026-09-30T09:00');
    const clocks = intakeClocks(
      received,
      { severity: 3, category: 'hardware', needsVisit: true },
      onsite(received, 3),
      calendar,
      faster,
    );
    expect(clocks).toEqual([
      { clock: 'first-answer', dueAt: at('2026-09-30T09:15') },
      { clock: 'visit', dueAt: at('2026-09-30T21:00') },
    ]);
    expect(() => checkSetting('visitWorkingDays', 1.5)).toThrow(/whole number/);
    expect(() => checkSetting('delayDeductionRate', 2)).toThrow(/share/);
    expect(() => checkSetting('nope', 1)).toThrow(/no setting/);
  });

  it('a complaint is due in 24 h, a complex one in 3 working days', () => {
    expect(complaintDue(at('2026-11-27T15:00'), false, calendar, settings)).toEqual(at('2026-11-28T15:00'));
    expect(complaintDue(at('2026-11-27T15:00'), true, calendar, settings)).toEqual(at('2026-12-02T15:00'));
  });
});

describe('warranty, exchange and return rules', () => {
  it('starts at shipping + 3 days by express, + 5 by freight, else at installation; one year', () => {
    expect(warrantyOf({ shippedOn: '2026-01-10', shipMode: 'express' }, settings)).toEqual({
      start: '2026-01-13',
      until: '2027-01-12',
      basis: 'express',
    });
    expect(
      warrantyOf({ shippedOn: '2026-01-10', shipMode: 'freight', installedOn: '2026-02-01' }, settings),
    ).toEqual({ start: '2026-01-15', until: '2027-01-14', basis: 'freight' });
    expect(warrantyOf({ installedOn: '2026-02-01' }, settings)).toEqual({
      start: '2026-02-01',
      until: '2027-01-31',
      basis: 'installation',
    });
    expect(() => warrantyOf({}, settings)).toThrow(WarrantyError);
    expect(() => warrantyOf({ shippedOn: '2026-01-10' }, settings)).toThrow(/mode/);
  });

  const unit = { shippedOn: '2026-01-10', shipMode: 'express' as const };

  it('returns a quality fault within a month of delivery', () => {
    const d = decide(unit, { today: '2026-02-13', quality: true }, settings);
    expect(d.rule).toBe('return');
    expect(d.reason.zh).toContain('退货');
    expect(d.reason.en).toContain('within 1 month(s) of delivery (2026-01-13)');
    expect(decide(unit, { today: '2026-02-14', quality: true }, settings).rule).toBe('exchange');
  });

  it('returns a unit exchanged twice within six months', () => {
    const d = decide(
      { ...unit, exchanges: ['2026-04-01', '2026-07-01'] },
      { today: '2026-08-01', quality: true },
      settings,
    );
    expect(d).toMatchObject({ rule: 'return', inWarranty: true });
    expect(d.reason.en).toBe('exchanged 2 times within 6 months: return');
    const older = decide(
      { ...unit, exchanges: ['2026-01-20', '2026-07-01'] },
      { today: '2026-08-01', quality: true },
      settings,
    );
    expect(older.rule).toBe('exchange');
  });

  it('exchanges for a quality fault in warranty, repairs free in warranty, charges out of it', () => {
    expect(decide(unit, { today: '2026-06-01', quality: true }, settings).rule).toBe('exchange');
    const free = decide(unit, { today: '2027-01-12', quality: false }, settings);
    expect(free).toMatchObject({ rule: 'free-repair', inWarranty: true });
    expect(free.reason.zh).toBe('保修期内（至2027-01-12），免费维修');
    const paid = decide(unit, { today: '2027-01-13', quality: true }, settings);
    expect(paid).toMatchObject({ rule: 'paid-repair', inWarranty: false, freight: 'none' });
    expect(paid.reason.en).toBe('out of warranty (ended 2027-01-12): paid repair');
    expect(() => decide(unit, { today: '2026-01-01', quality: true }, settings)).toThrow(/before the unit/);
  });
});

describe('installer settlement (integer fen)', () => {
  it('rounds a share half up in integers', () => {
    expect(share(1_234_567, 0.05)).toBe(61_728); // 61 728.35
    expect(share(10, 0.05)).toBe(1); // 0.5 rounds up
    expect(share(9, 0.05)).toBe(0); // 0.45 rounds down
  });

  it('deducts 5% a day of delay and 5% an upheld complaint, itemised, to the fen', () => {
    const s = settle({
      installer: 'inst-7',
      from: '2026-11-01',
      to: '2026-11-30',
      feeFen: 12_345,
      minPerDay: 20,
      workingDays: 21,
      delayRate: 0.05,
      complaintRate: 0.05,
      installations: [
        { id: '1', plannedOn: '2026-11-03', acceptedOn: '2026-11-03', ownerSigned: true },
        { id: '2', plannedOn: '2026-11-03', acceptedOn: '2026-11-05', ownerSigned: true },
        { id: '3', plannedOn: '2026-11-04', acceptedOn: '2026-11-05', ownerSigned: true },
        { id: '4', plannedOn: null, acceptedOn: '2026-11-10', ownerSigned: true },
        { id: '5', plannedOn: '2026-11-10', acceptedOn: '2026-11-10', ownerSigned: false },
      ],
      upheldComplaints: [{ id: 'c9', answeredOn: '2026-11-20' }],
    });
    expect(s.accepted).toBe(4);
    expect(s.notCounted).toEqual([{ id: '5', why: 'no owner sign-off' }]);
    expect(s.grossFen).toBe(49_380);
    // Late on 4 Nov (installation 2) and 5 Nov (installations 2 and 3): two days, each 5%.
    expect(s.deductions).toEqual([
      { kind: 'delay', day: '2026-11-04', installations: ['2'], rate: 0.05, amountFen: 2_469 },
      { kind: 'delay', day: '2026-11-05', installations: ['2', '3'], rate: 0.05, amountFen: 2_469 },
      { kind: 'complaint', complaintId: 'c9', day: '2026-11-20', rate: 0.05, amountFen: 2_469 },
    ]);
    expect(s.deductionsFen).toBe(7_407);
    expect(s.netFen).toBe(41_973);
    expect(s).toMatchObject({ contracted: 420, perWorkingDay: 0.19, capped: false });
    const table = settlementsTable([s]);
    const csv = toCsv(table.header, table.rows);
    expect(csv.startsWith('\uFEFFinstaller,line,date')).toBe(true);
    expect(csv).toContain('inst-7,accepted,2026-11-01..2026-11-30,,4,,49380,493.80,fee 123.45\r\n');
    expect(csv).toContain('inst-7,delay,2026-11-05,2 3,2,0.05,-2469,-24.69,\r\n');
    expect(csv).toContain('inst-7,net,,,,,41973,419.73,\r\n');
  });

  it('never goes below zero', () => {
    const s = settle({
      installer: 'late',
      from: '2026-11-01',
      to: '2026-11-30',
      feeFen: 10_000,
      minPerDay: 20,
      workingDays: 21,
      delayRate: 0.05,
      complaintRate: 0.05,
      installations: [{ id: '1', plannedOn: '2026-11-01', acceptedOn: '2026-11-30', ownerSigned: true }],
      upheldComplaints: [],
    });
    expect(s.deductions).toHaveLength(29);
    expect(s).toMatchObject({ grossFen: 10_000, deductionsFen: 10_000, netFen: 0, capped: true });
    expect(() =>
      settle({ ...s, feeFen: 1.5, delayRate: 0, complaintRate: 0, installations: [], upheldComplaints: [] }),
    ).toThrow(/whole number of fen/);
  });

  it('writes CSV cells safely and yuan exactly', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(-5)).toBe('-5');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(-123_456)).toBe('-1234.56');
  });
});

describe('automatic complaints', () => {
  const DAY = 86_400_000;
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const ticket = (id: string, day: number, cause: string, extra: Partial<FaultTicket> = {}): FaultTicket => ({
    id,
    openedAtMs: t0 + day * DAY,
    cause,
    closeReason: 'verified',
    resolvedAtMs: t0 + (day + 1) * DAY,
    servicePointId: 7,
    installer: `inst-${id}`,
    ...extra,
  });

  it('raises a repeat fault when the same cause comes back after a repair, charged to that repair', () => {
    const raised = automaticComplaints([ticket('1', 0, 'antenna-open'), ticket('2', 40, 'antenna-open')]);
    expect(raised).toEqual([
      expect.objectContaining({
        source: 'repeat-fault',
        ruleKey: 'repeat-fault:2',
        ticketId: '2',
        servicePointId: 7,
        installer: 'inst-1',
      }),
    ]);
  });

  it('raises multiple faults for two different causes within a year, once a year', () => {
    const raised = automaticComplaints([
      ticket('1', 0, 'antenna-open'),
      ticket('2', 100, 'power-cut'),
      ticket('3', 200, 'camera'),
      ticket('4', 500, 'no-fix'),
    ]);
    expect(raised.map((r) => r.ruleKey)).toEqual(['multiple-faults:2', 'multiple-faults:4']);
    expect(raised[0]!.description).toContain('一年内出现2种不同故障');
  });

  it('ignores cancelled tickets, self-recoveries, faults never repaired and faults more than a year apart', () => {
    expect(
      automaticComplaints([
        ticket('1', 0, 'offline', { closeReason: 'self-recovered', resolvedAtMs: null }),
        ticket('2', 10, 'camera', { closeReason: 'cancelled' }),
        ticket('3', 20, 'gnss', { resolvedAtMs: null, closeReason: null }),
        ticket('4', 30, 'gnss'),
      ]),
    ).toEqual([]);
    expect(automaticComplaints([ticket('1', 0, 'gnss'), ticket('2', 400, 'camera')])).toEqual([]);
  });
});

describe('personal data masking', () => {
  it('masks SIM numbers, identity numbers, phones and names', () => {
    expect(mask('sim', '13912345678')).toBe('139****5678');
    expect(mask('idNumber', '410101199001011234')).toBe('4101**********1234');
    expect(mask('name', '张三丰')).toBe('张**');
    expect(mask('phone', '1234')).toBe('12**'); // short: at least a third is hidden
    expect(mask('sim', null)).toBeNull();
    expect(maskRow({ plate: '豫A12345', owner_phone: '13800001111' }, { owner_phone: 'phone' })).toEqual({
      plate: '豫A12345',
      owner_phone: '138****1111',
    });
  });

  it('only the desk, operators and administrators may open it in full', () => {
    expect(mayViewInFull('desk')).toBe(true);
    expect(mayViewInFull('operator')).toBe(true);
    expect(mayViewInFull('admin')).toBe(true);
    expect(mayViewInFull('service')).toBe(false);
    expect(mayViewInFull('viewer')).toBe(false);
  });
});
