import type { Ticket } from './api.js';

/**
 * Where an open ticket stands against its deadlines (the status engine's rule, ticket-keeper.ts):
 * the response deadline runs while it is new or classified, the on-site deadline until someone is
 * on site.
 */
export type SlaState = 'breached' | 'due-soon' | 'on-track' | 'no-deadline';

/** Less than this left on the running deadline counts as due soon. */
export const DUE_SOON_MS = 60 * 60_000;

const RESPONSE_RUNS = new Set(['new', 'classified']);
const ONSITE_RUNS = new Set(['new', 'classified', 'dispatched', 'appointed']);

export interface Deadline {
  kind: 'response' | 'on-site';
  due: Date;
}

/**
 * The deadline that runs now (the earlier one when both do), or undefined. A desk question (a
 * `service` ticket) is responded to by the desk's answer, as the ticket keeper counts it: once
 * answered, its settle-by (on-site) deadline runs.
 */
export function runningDeadline(
  ticket: Pick<Ticket, 'state' | 'responseDue' | 'onsiteDue'> & Partial<Pick<Ticket, 'kind' | 'answeredAt'>>,
): Deadline | undefined {
  const answered = ticket.kind === 'service' && Boolean(ticket.answeredAt);
  if (RESPONSE_RUNS.has(ticket.state) && !answered)
    return { kind: 'response', due: new Date(ticket.responseDue) };
  if (ONSITE_RUNS.has(ticket.state)) return { kind: 'on-site', due: new Date(ticket.onsiteDue) };
  return undefined;
}

export function slaState(
  ticket: Pick<Ticket, 'state' | 'responseDue' | 'onsiteDue' | 'breaches' | 'closedAt'> &
    Partial<Pick<Ticket, 'kind' | 'answeredAt'>>,
  nowMs: number,
): SlaState {
  if (ticket.closedAt) return 'no-deadline';
  const deadline = runningDeadline(ticket);
  if (!deadline) return ticket.breaches.length > 0 ? 'breached' : 'no-deadline';
  const left = deadline.due.getTime() - nowMs;
  if (left < 0 || ticket.breaches.length > 0) return 'breached';
  return left < DUE_SOON_MS ? 'due-soon' : 'on-track';
}

/** A countdown like "1:05:09" (or "-0:12:00" once overdue). */
export function countdown(dueMs: number, nowMs: number): string {
  const left = dueMs - nowMs;
  const seconds = Math.floor(Math.abs(left) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${left < 0 ? '-' : ''}${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
