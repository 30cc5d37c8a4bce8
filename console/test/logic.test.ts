import { describe, expect, it } from 'vitest';
import type { CenterHour, Ticket } from '../src/lib/api.js';
import { en as enMessages, zh as zhMessages } from '../src/lib/messages.js';
import { onlineRateSeries } from '../src/lib/series.js';
import { countdown, runningDeadline, slaState } from '../src/lib/sla.js';
import { answerLines, type Wording } from '../src/pages/vehicles/command-answer.js';
import { commandMessages } from '../src/pages/vehicles/command-messages.js';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const ticket = (
  state: Ticket['state'],
  responseInMin: number,
  onsiteInMin: number,
  breaches: string[] = [],
) => ({
  state,
  responseDue: new Date(NOW + responseInMin * 60_000).toISOString(),
  onsiteDue: new Date(NOW + onsiteInMin * 60_000).toISOString(),
  breaches,
  closedAt: state === 'closed' ? new Date(NOW).toISOString() : null,
});

describe('ticket deadlines as the console shows them', () => {
  it('runs the response deadline until dispatch, then the on-site deadline until arrival', () => {
    expect(runningDeadline(ticket('new', 90, 600))?.kind).toBe('response');
    expect(runningDeadline(ticket('classified', 90, 600))?.kind).toBe('response');
    expect(runningDeadline(ticket('appointed', -90, 600))?.kind).toBe('on-site');
    expect(runningDeadline(ticket('on-site', -90, -600))).toBeUndefined();
  });

  it("runs a desk question's settle-by deadline once the desk answered it (no false response breach)", () => {
    const question = { ...ticket('classified', -30, 600), kind: 'service' as const };
    expect(slaState({ ...question, answeredAt: null }, NOW)).toBe('breached');
    expect(runningDeadline({ ...question, answeredAt: new Date(NOW).toISOString() })?.kind).toBe('on-site');
    expect(slaState({ ...question, answeredAt: new Date(NOW).toISOString() }, NOW)).toBe('on-track');
    // A fault answered by the desk still waits for its dispatch, like a platform ticket.
    expect(
      runningDeadline({ ...question, kind: 'repair', answeredAt: new Date(NOW).toISOString() })?.kind,
    ).toBe('response');
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

describe("a terminal's answer to a command in words", () => {
  const catalog = (messages: Record<string, string>) => (key: string) => messages[key] ?? key;
  const time = (value: string | null) => value ?? '—';
  const zh: Wording = { t: catalog({ ...zhMessages, ...commandMessages.zh }), language: 'zh', time };
  const en: Wording = { t: catalog({ ...enMessages, ...commandMessages.en }), language: 'en', time };

  it('shows a location as position, speed and heading, and names an alarm word only when set', () => {
    const location = {
      alarm: 0,
      latitude: 34.7,
      longitude: 113.65,
      altitude: 90,
      speed: 40.5,
      direction: 270,
      time: '2026-12-01T08:00:00.000Z',
      extras: { satellites: 9 },
    };
    const lines = answerLines({ name: 'locationQueryResponse', body: { location } }, zh);
    expect(lines.slice(0, 3)).toEqual([
      { label: '位置', value: '34.700000, 113.650000' },
      { label: '速度', value: '40.5 km/h' },
      { label: '方向', value: '270°' },
    ]);
    expect(lines.map((line) => line.label)).toContain('卫星数');
    expect(lines.map((line) => line.label)).not.toContain('报警位');
  });

  it('names parameters in the language shown, with their units, and acknowledgements by result', () => {
    const parameters = [
      { id: 1, value: 30, name: 'heartbeatInterval', zh: '终端心跳发送间隔', unit: 's' },
      { id: 0xf001, value: '0a0b' },
    ];
    expect(answerLines({ name: 'parametersResponse', body: { parameters } }, en)).toEqual([
      { label: '0x0001 heartbeatInterval', value: '30 s' },
      { label: '0xf001', value: '0a0b' },
    ]);
    const ack = { name: 'terminalGeneralResponse', body: { replySerial: 1, replyId: 0x8300, result: 3 } };
    expect(answerLines(ack, zh)).toEqual([{ label: '结果', value: '不支持' }]);
  });
});

describe('online-rate series for the chart', () => {
  const row = (center: number, hour: string, online: number, vehicles: number) =>
    ({ centerId: center, hour, vehiclesOnline: online, vehicles }) as CenterHour;

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
