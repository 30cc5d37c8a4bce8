import { describe, expect, it } from 'vitest';
import type { CenterHour, Ticket } from '../src/lib/api.js';
import { onlineRateSeries } from '../src/lib/series.js';
import { countdown, runningDeadline, slaState } from '../src/lib/sla.js';
import { actionsFor } from '../src/lib/workflow.js';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const ticket = (
  state: Ticket['state'],
  responseInMin: number,
  onsiteInMin: number,
  breaches: string[] = [],
) => ({
  state,
  response_due: new Date(NOW + responseInMin * 60_000).toISOString(),
  onsite_due: new Date(NOW + onsiteInMin * 60_000).toISOString(),
  breaches,
  closed_at: state === 'closed' ? new Date(NOW).toISOString() : null,
});

describe('ticket deadlines as the console shows them', () => {
  it('runs the response deadline until dispatch, then the on-site deadline until arrival', () => {
    expect(runningDeadline(ticket('new', 90, 600))?.kind).toBe('response');
    expect(runningDeadline(ticket('classified', 90, 600))?.kind).toBe('response');
    expect(runningDeadline(ticket('appointed', -90, 600))?.kind).toBe('on-site');
    expect(runningDeadline(ticket('on-site', -90, -600))).toBeUndefined();
  });

  it('tells overdue, due within the hour, on track and no deadline apart', () => {
    expect(slaState(ticket('new', 90, 600), NOW)).toBe('on-track');
    expect(slaState(ticket('new', 30, 600), NOW)).toBe('due-soon');
    expect(slaState(ticket('new', -1, 600), NOW)).toBe('breached');
    expect(slaState(ticket('dispatched', -1, 600, ['response']), NOW)).toBe('breached');
    expect(slaState(ticket('resolved', -100, -100), NOW)).toBe('no-deadline');
    expect(slaState(ticket('on-site', -100, -100, ['on-site']), NOW)).toBe('breached');
    expect(slaState(ticket('closed', -100, -100, ['on-site']), NOW)).toBe('no-deadline');
  });

  it('counts down in h:mm:ss and goes negative once overdue', () => {
    expect(countdown(NOW + 3_909_000, NOW)).toBe('1:05:09');
    expect(countdown(NOW - 720_000, NOW)).toBe('-0:12:00');
  });
});

describe('workflow actions offered by role and state', () => {
  it('offers the operator classification and the service staff the site work, never the other way round', () => {
    expect(actionsFor('operator', 'new')).toEqual(['classify', 'cancel']);
    expect(actionsFor('service', 'new')).toEqual([]);
    expect(actionsFor('service', 'appointed')).toEqual(['appoint', 'arrive']);
    expect(actionsFor('operator', 'appointed')).toEqual(['appoint', 'cancel']);
    expect(actionsFor('service', 'on-site')).toEqual(['resolve']);
    expect(actionsFor('viewer', 'new')).toEqual([]);
    expect(actionsFor('admin', 'closed')).toEqual(['callback']);
  });
});

describe('online-rate series for the chart', () => {
  const row = (center: number, hour: string, online: number, vehicles: number) =>
    ({ center_id: center, hour, vehicles_online: online, vehicles }) as CenterHour;

  it('sums centers per hour, weighting big centers more, in time order', () => {
    const rows = [
      row(1, '2026-12-01T09:00:00Z', 5, 10),
      row(2, '2026-12-01T08:00:00Z', 30, 30),
      row(1, '2026-12-01T08:00:00Z', 0, 10),
      row(2, '2026-12-01T09:00:00Z', 15, 30),
    ];
    expect(onlineRateSeries(rows)).toEqual([
      { at: Date.parse('2026-12-01T08:00:00Z'), rate: 0.75 },
      { at: Date.parse('2026-12-01T09:00:00Z'), rate: 0.5 },
    ]);
    expect(onlineRateSeries(rows, 1).map((p) => p.rate)).toEqual([0, 0.5]);
    expect(onlineRateSeries([row(1, '2026-12-01T08:00:00Z', 0, 0)])[0]!.rate).toBe(0);
  });
});
