import type { CenterReport, FaultCount } from '@jt808/api-contract';
import { describe, expect, it } from 'vitest';
import { describeBars, scaleEnd } from '../src/lib/bars.js';
import { fenOf } from '../src/pages/desk/desk-api.js';
import { faultBars, hourBars, missedBars, rateBars } from '../src/pages/desk/report-charts.js';

/** The pure parts of the desk's charts and contract form. */
const fault = (center: FaultCount['center'], maker: string, cause: string, repairs: number): FaultCount => ({
  center,
  maker,
  model: 'X',
  cause,
  causeZh: null,
  causeEn: null,
  repairs,
});

const row = (overrides: Partial<CenterReport>): CenterReport => ({
  center: 'province',
  tickets: 0,
  breached: 0,
  slaCompliance: null,
  clocksDue: 0,
  clocksMet: 0,
  meanHoursToRespond: null,
  meanHoursToRepair: null,
  meanHoursToVerify: null,
  complaints: 0,
  upheldComplaints: 0,
  complaintsAnsweredLate: 0,
  callbacksDue: 0,
  callbacksDone: 0,
  callbackRate: null,
  satisfactionRate: null,
  installationsAccepted: 0,
  installationsContracted: 0,
  lateArrivals: 0,
  latePatrolReports: 0,
  quoteBreaches: 0,
  rmaBreaches: 0,
  ...overrides,
});

describe('the monthly report as bars', () => {
  it('counts faults of one center by maker/model or cause, most first, the tail as one bar', () => {
    const faults = [fault(1, 'A', 'power', 2), fault(1, 'A', 'antenna', 3), fault(2, 'B', 'power', 9)];
    expect(faultBars(faults, 1, 'model', '其他')).toEqual([{ label: 'A X', value: 5 }]);
    expect(faultBars(faults, 1, 'cause', '其他')).toEqual([
      { label: 'antenna', value: 3 },
      { label: 'power', value: 2 },
    ]);
    const many = Array.from({ length: 12 }, (_, i) =>
      fault(1, 'M', `cause-${String(i).padStart(2, '0')}`, 20 - i),
    );
    const bars = faultBars(many, 1, 'cause', '其他');
    expect(bars).toHaveLength(10);
    expect(bars.at(-1)).toEqual({ label: '其他', value: 11 + 10 + 9 }); // the 10th, 11th and 12th
  });

  it('draws every kind of missed clock, zeros included', () => {
    const labels = { lateArrivals: 'a', latePatrolReports: 'p', quoteBreaches: 'q', rmaBreaches: 'r' };
    expect(missedBars(row({ lateArrivals: 2, rmaBreaches: 1 }), labels)).toEqual([
      { label: 'a', value: 2 },
      { label: 'p', value: 0 },
      { label: 'q', value: 0 },
      { label: 'r', value: 1 },
    ]);
  });

  it('leaves missing means and rates out instead of drawing zeros, and keeps the targets', () => {
    const labels = { respond: 'r', repair: 'p', verify: 'v' };
    expect(hourBars(row({ meanHoursToRepair: 6 }), labels)).toEqual([{ label: 'p', value: 6 }]);
    const rates = rateBars(
      row({ slaCompliance: 0.5, satisfactionRate: 0.9 }),
      { callbackRate: 1, satisfactionRate: 0.98 },
      { sla: 's', callbackRate: 'c', satisfactionRate: 'f' },
    );
    expect(rates).toEqual([
      { label: 's', value: 0.5 },
      { label: 'f', value: 0.9, target: 0.98 },
    ]);
  });

  it('describes a chart in words and scales it to its largest value or target', () => {
    const bars = [
      { label: 'a', value: 2, target: 44 },
      { label: 'b', value: 5 },
    ];
    expect(describeBars('产能', bars, String)).toBe('产能: a 2 / 44, b 5');
    expect(describeBars('空', [], String)).toBe('空');
    expect(scaleEnd(bars)).toBe(44);
    expect(scaleEnd([{ label: 'z', value: 0 }])).toBe(1);
  });
});

describe('contract fees typed in yuan', () => {
  it('are integer fen exactly, or refused', () => {
    expect(fenOf('360.5')).toBe(36_050);
    expect(fenOf(' 0.07 ')).toBe(7);
    expect(fenOf('1200')).toBe(120_000);
    expect(fenOf('1.005')).toBeUndefined();
    expect(fenOf('-3')).toBeUndefined();
    expect(fenOf('')).toBeUndefined();
  });
});
