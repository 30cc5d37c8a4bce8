import type { WorkingCalendar } from './calendar.js';
import { clockDue, type ReturnClockName } from './clocks.js';
import type { AfterSalesSettings } from './settings.js';
import type { AfterSalesRule } from './warranty.js';

/**
 * The clocks of a unit sent back (an RMA), as the service standard sets them, derived from the
 * record alone so that they can be recomputed on every change. Pure.
 *
 * - faulty-return: after an advance replacement the faulty unit is due back within 3 days; met by
 *   its arrival.
 * - exchange-ship: an in-warranty quality return (rule exchange or return) is replaced and shipped
 *   within 1 working day of arrival, unless a replacement went out in advance; met by the shipment.
 * - quote: a paid repair's cost and time are told within 1 working day of arrival; met by the first
 *   quote.
 * - repair-ship: a paid repair is done and shipped within 4 days of arrival; met by the shipment
 *   (a refused quote ships the unit back unrepaired, which meets it too).
 */
export interface ReturnRecord {
  arrivedAt: Date | null;
  advanceShippedAt: Date | null;
  shippedBackAt: Date | null;
  firstQuotedAt: Date | null;
}

export interface ReturnClock {
  clock: ReturnClockName;
  dueAt: Date;
  metAt: Date | null;
}

export const RETURN_CLOCKS: readonly ReturnClockName[] = [
  'faulty-return',
  'exchange-ship',
  'quote',
  'repair-ship',
];

/** `rule` is the warranty decision for the unit, or null when it cannot be known (no clock of a rule then). */
export function returnClocks(
  record: ReturnRecord,
  rule: AfterSalesRule | null,
  calendar: WorkingCalendar,
  settings: AfterSalesSettings,
): ReturnClock[] {
  const clock = (name: ReturnClockName, from: Date, metAt: Date | null): ReturnClock => ({
    clock: name,
    // Severity plays no part in these clocks.
    dueAt: clockDue(name, from, 3, calendar, settings),
    metAt,
  });
  const clocks: ReturnClock[] = [];
  if (record.advanceShippedAt) clocks.push(clock('faulty-return', record.advanceShippedAt, record.arrivedAt));
  const arrived = record.arrivedAt;
  if (!arrived) return clocks;
  if ((rule === 'exchange' || rule === 'return') && !record.advanceShippedAt)
    clocks.push(clock('exchange-ship', arrived, record.shippedBackAt));
  if (rule === 'paid-repair') {
    clocks.push(clock('quote', arrived, record.firstQuotedAt));
    clocks.push(clock('repair-ship', arrived, record.shippedBackAt));
  }
  return clocks;
}
