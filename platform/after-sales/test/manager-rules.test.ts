import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../src/calendar.js';
import { expectedBy, installProgress } from '../src/install-progress.js';
import { type ProblemCount, recurringProblems, recurringThresholds } from '../src/recurring.js';
import { parsePeriod, previousPeriods, weekOf } from '../src/report-periods.js';
import { checkSetting, DEFAULT_AFTER_SALES_SETTINGS } from '../src/settings.js';

const DEFAULTS = recurringThresholds(DEFAULT_AFTER_SALES_SETTINGS);

/** The pure rules behind the manager's reports (docs/after-sales.md), each held to its number. */
describe('report periods', () => {
  it('names ISO weeks across year ends (Monday start, week 1 holds 4 January)', () => {
    expect(weekOf('2027-01-01')).toBe('2026-W53'); // a Friday: its Thursday is 31 December 2026
    expect(weekOf('2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(weekOf('2025-12-29')).toBe('2026-W01'); // the Monday of 2026's first week
    expect(weekOf('2024-12-30')).toBe('2025-W01');
    expect(parsePeriod('2026-W01')).toEqual({
      kind: 'week',
      name: '2026-W01',
      from: '2025-12-29',
      to: '2026-01-04',
    });
    expect(() => parsePeriod('2025-W53')).toThrow(/weeks 1 to 52/);
  });

  it('counts back periods of the same kind, oldest first', () => {
    expect(previousPeriods(parsePeriod('2026-W01'), 2).map((p) => p.name)).toEqual(['2025-W51', '2025-W52']);
    expect(previousPeriods(parsePeriod('2026-03'), 3).map((p) => p.name)).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(previousPeriods(parsePeriod('2026-Q1'), 3).map((p) => p.name)).toEqual([
      '2025-Q2',
      '2025-Q3',
      '2025-Q4',
    ]);
    expect(previousPeriods(parsePeriod('2026'), 1)[0]).toEqual({
      kind: 'year',
      name: '2025',
      from: '2025-01-01',
      to: '2025-12-31',
    });
    expect(parsePeriod('2024-Q1').to).toBe('2024-03-31');
    expect(parsePeriod('2024-02').to).toBe('2024-02-29');
  });
});

describe('recurring problems', () => {
  const count = (bucket: number, repairs: number, center = 1, cause = 'c'): ProblemCount => ({
    center,
    maker: 'M',
    model: 'X',
    cause,
    bucket,
    repairs,
  });

  it('rises at 3 repairs or more and over 1.5 × the mean of the 3 periods before', () => {
    const judge = (before: number[], now: number) =>
      recurringProblems([...before.map((n, i) => count(i, n)), count(3, now)], [], DEFAULTS).filter(
        (w) => w.center === 1,
      );
    expect(judge([0, 0, 0], 2)).toEqual([]); // below the minimum
    expect(judge([0, 0, 0], 3)).toHaveLength(1); // new, at the minimum
    expect(judge([2, 2, 2], 3)).toEqual([]); // 3 is not over 1.5 × 2
    expect(judge([2, 2, 1], 3)).toHaveLength(1); // mean 5/3: 3 > 2.5
    expect(judge([1, 1, 1], 4)[0]).toMatchObject({ rule: 'rising', repairs: 4, baseline: 1 });
  });

  it('adds the centers up for the province, and lists a vehicle repaired twice for one cause', () => {
    const warnings = recurringProblems(
      [count(3, 2, 1), count(3, 2, 2)],
      [
        { center: 2, plate: '豫C1', maker: 'M', model: 'X', cause: 'c', repairs: 2 },
        { center: 2, plate: '豫C2', maker: 'M', model: 'X', cause: 'c', repairs: 1 },
      ],
      DEFAULTS,
    );
    expect(warnings).toEqual([
      {
        center: 2,
        rule: 'same-vehicle',
        maker: 'M',
        model: 'X',
        cause: 'c',
        repairs: 2,
        baseline: null,
        plate: '豫C1',
      },
      {
        center: 'province',
        rule: 'rising',
        maker: 'M',
        model: 'X',
        cause: 'c',
        repairs: 4,
        baseline: 0,
        plate: null,
      },
    ]);
  });
});

describe('install progress', () => {
  const plan = { center: 1, target: 30, startsOn: '2026-09-01', dueOn: '2026-09-30' };
  const calendar = new WorkingCalendar([{ day: '2026-09-25', kind: 'holiday' }]);

  it('expects the target pro rata over the plan’s calendar days, rounded down', () => {
    expect(expectedBy(plan, '2026-08-31')).toBe(0);
    expect(expectedBy(plan, '2026-09-01')).toBe(1);
    expect(expectedBy(plan, '2026-09-15')).toBe(15);
    expect(expectedBy({ ...plan, target: 10 }, '2026-09-02')).toBe(0); // 10 × 2/30 = 0.67
    expect(expectedBy(plan, '2026-12-01')).toBe(30);
  });

  it('says how many a working day it takes from today on, holidays left out', () => {
    const [row] = installProgress(
      '2026-09-21',
      [plan],
      [{ center: 1, installed: 12, checkedIn: 11, accepted: 10 }],
      calendar,
    );
    // 21 September (Monday) to 30 September: 8 working days less the holiday on the 25th = 7.
    expect(row).toMatchObject({
      expected: 21,
      behind: 11,
      remaining: 20,
      workingDaysLeft: 7,
      neededPerDay: 3,
      overdue: false,
    });
    const [late] = installProgress(
      '2026-10-01',
      [plan],
      [{ center: 1, installed: 0, checkedIn: 0, accepted: 29 }],
      calendar,
    );
    expect(late).toMatchObject({ remaining: 1, workingDaysLeft: 0, neededPerDay: null, overdue: true });
    const [done] = installProgress(
      '2026-10-01',
      [plan],
      [{ center: 1, installed: 0, checkedIn: 0, accepted: 31 }],
      calendar,
    );
    expect(done).toMatchObject({ remaining: 0, behind: 0, neededPerDay: 0, overdue: false });
  });
});

describe('recurring thresholds (settings)', () => {
  const count = (bucket: number, repairs: number): ProblemCount => ({
    center: 1,
    maker: 'M',
    model: 'X',
    cause: 'c',
    bucket,
    repairs,
  });

  it('judges by the settings: defaults 3 repairs, 50 %, 3 periods before, 2 on one vehicle', () => {
    expect(DEFAULTS).toEqual({
      recurringMinRepairs: 3,
      recurringMarginPercent: 50,
      recurringBaselinePeriods: 3,
      recurringSameVehicle: 2,
    });
    // Two periods before and a 100 % margin: 4 after a mean of 2 is not over double, 5 is.
    const strict = { ...DEFAULTS, recurringBaselinePeriods: 2, recurringMarginPercent: 100 };
    const judge = (now: number) =>
      recurringProblems([count(0, 2), count(1, 2), count(2, now)], [], strict).filter((w) => w.center === 1);
    expect(judge(4)).toEqual([]);
    expect(judge(5)[0]).toMatchObject({ repairs: 5, baseline: 2 });
    // A minimum of 6 silences a new cause at 5; three on one vehicle needed, two are not.
    expect(
      recurringProblems([count(0, 0), count(3, 5)], [], { ...DEFAULTS, recurringMinRepairs: 6 }),
    ).toEqual([]);
    const repeat = { center: 1, plate: '豫A1', maker: 'M', model: 'X', cause: 'c', repairs: 2 };
    expect(recurringProblems([], [repeat], { ...DEFAULTS, recurringSameVehicle: 3 })).toEqual([]);
  });

  it('refuses thresholds that mean nothing', () => {
    expect(() => checkSetting('recurringBaselinePeriods', 0)).toThrow(/from 1 to 12/);
    expect(() => checkSetting('recurringBaselinePeriods', 13)).toThrow(/from 1 to 12/);
    expect(() => checkSetting('recurringSameVehicle', 1)).toThrow(/from 2/);
    expect(() => checkSetting('recurringMinRepairs', 0)).toThrow(/from 1/);
    expect(() => checkSetting('recurringMarginPercent', 12.5)).toThrow(/whole number/);
    expect(() => checkSetting('recurringMarginPercent', -1)).toThrow(/whole number/);
    expect(checkSetting('recurringMarginPercent', 0)).toBe('recurringMarginPercent');
  });
});
