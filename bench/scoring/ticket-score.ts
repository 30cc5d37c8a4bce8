import type { Detection } from './detections.js';
import { type ScoringInput, TOLERANCE_S } from './input.js';
import type { JudgedFault } from './judge.js';
import type { ObservedTicket } from './observations.js';

export interface TicketScore {
  /** Detected faults still visible `repairFaultyMinutes` (offline: `repairOfflineHours`) after their detection. */
  expected: number;
  opened: number;
  missing: JudgedFault[];
  /** Detected faults that ended (or left the rule's reach) before their ticket was due... */
  notDue: number;
  /** ...and tickets opened for them all the same. */
  openedEarly: ObservedTicket[];
  /** Tickets no fault of their terminal explains (outages' offline tickets are scored with the outages). */
  unexpected: ObservedTicket[];
}

/**
 * Repair tickets against the faults: one should be opened while the fault lasts when it outlasts
 * its detection plus its ticket time, and none when it ends sooner. A terminal has one open
 * repair ticket whatever its faults, named after the first reason at opening, so any ticket of the
 * terminal in that window counts. A ticket is explained by a fault of its terminal that accepts
 * one of its reasons and was present when it opened.
 */
export function scoreTickets(
  input: ScoringInput,
  single: readonly JudgedFault[],
  all: readonly JudgedFault[],
  firstDetection: (fault: JudgedFault) => Detection | undefined,
): TicketScore {
  const toleranceMs = TOLERANCE_S * 1000;
  const tickets = input.observations.tickets;
  const score: TicketScore = {
    expected: 0,
    opened: 0,
    missing: [],
    notDue: 0,
    openedEarly: [],
    unexpected: [],
  };
  const during = (fault: JudgedFault, ticket: ObservedTicket) =>
    ticket.phone === fault.truth.phone &&
    ticket.openedAtMs >= fault.truth.fromMs &&
    ticket.openedAtMs <= fault.truth.toMs + toleranceMs;
  const forFault = (fault: JudgedFault, ticket: ObservedTicket) =>
    during(fault, ticket) && ticket.reasons.some((r) => fault.accepts.includes(r));
  for (const fault of single) {
    if (fault.standing !== 'expected') continue;
    const detection = firstDetection(fault);
    if (!detection) continue;
    const dueMs = detection.atMs + ticketAfterMs(input, fault.label);
    if (dueMs <= fault.visibleUntilMs - toleranceMs) {
      score.expected++;
      // The terminal's one open ticket covers this fault, whichever reason opened it.
      if (tickets.some((t) => during(fault, t))) score.opened++;
      else score.missing.push(fault);
    } else if (dueMs >= fault.visibleUntilMs + toleranceMs) {
      score.notDue++;
      // Only a ticket for this fault counts here: the terminal may have one for another fault.
      const early = tickets.find((t) => forFault(fault, t));
      if (early) score.openedEarly.push(early);
    }
  }
  const outages = input.outages.map((o) => ({ ...o, phones: new Set(o.phones) }));
  for (const ticket of tickets) {
    const outageTicket =
      ticket.reason === 'offline' &&
      outages.some(
        (o) =>
          o.phones.has(ticket.phone) &&
          ticket.openedAtMs >= o.fromMs &&
          ticket.openedAtMs <= o.toMs + toleranceMs,
      );
    if (!outageTicket && !all.some((fault) => forFault(fault, ticket))) score.unexpected.push(ticket);
  }
  return score;
}

function ticketAfterMs(input: ScoringInput, label: string): number {
  return label === 'offline'
    ? input.tickets.repairOfflineHours * 3_600_000
    : input.tickets.repairFaultyMinutes * 60_000;
}
