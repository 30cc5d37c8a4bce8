/**
 * The complaints the platform raises on its own, from one vehicle's repair history (whichever
 * terminal it had at the time, so a swap does not reset it). Pure and
 * deterministic: the same history always raises the same complaints under the same keys, so a
 * review run again raises nothing twice.
 *
 * - repeat fault: a fault comes back with the same cause after a repair or a replacement of it
 *   (charged to whoever did that repair);
 * - multiple faults: two or more different causes on one vehicle within a year (raised once per
 *   year: not again until a year after the last one).
 *
 * Only real faults count: tickets cancelled or closed because the terminal recovered by itself do not.
 */
export interface FaultTicket {
  id: string;
  openedAtMs: number;
  /** The cause code the installer recorded (else their note, else the reason the ticket was opened for). */
  cause: string;
  closeReason: string | null;
  /** Someone repaired or replaced it (the ticket was resolved). */
  resolvedAtMs: number | null;
  servicePointId: number | null;
  installer: string | null;
}

export interface RaisedComplaint {
  source: 'repeat-fault' | 'multiple-faults';
  ruleKey: string;
  ticketId: string;
  description: string;
  servicePointId: number | null;
  installer: string | null;
}

const YEAR_MS = 365 * 86_400_000;

/**
 * The complaints one vehicle's history raises. Their descriptions name tickets, never the SIM: a
 * complaint is listed to everyone in its scope, and its ticket leads to the terminal.
 */
export function automaticComplaints(history: readonly FaultTicket[]): RaisedComplaint[] {
  const faults = history
    .filter((t) => t.closeReason !== 'cancelled' && t.closeReason !== 'self-recovered')
    .sort((a, b) => a.openedAtMs - b.openedAtMs || Number(a.id) - Number(b.id));
  const raised: RaisedComplaint[] = [];
  let lastMultipleMs = Number.NEGATIVE_INFINITY;
  faults.forEach((ticket, index) => {
    const earlier = faults.slice(0, index).filter((e) => ticket.openedAtMs - e.openedAtMs <= YEAR_MS);
    const repaired = earlier
      .filter(
        (e) => e.cause === ticket.cause && e.resolvedAtMs !== null && e.resolvedAtMs <= ticket.openedAtMs,
      )
      .at(-1);
    if (repaired) {
      raised.push({
        source: 'repeat-fault',
        ruleKey: `repeat-fault:${ticket.id}`,
        ticketId: ticket.id,
        description: `工单${ticket.id}：故障“${ticket.cause}”在维修（工单${repaired.id}）后再次出现 / ticket ${ticket.id}: fault "${ticket.cause}" came back after the repair of ticket ${repaired.id}`,
        servicePointId: repaired.servicePointId,
        installer: repaired.installer,
      });
    }
    const causes = new Set([...earlier.map((e) => e.cause), ticket.cause]);
    if (causes.size >= 2 && ticket.openedAtMs - lastMultipleMs > YEAR_MS) {
      lastMultipleMs = ticket.openedAtMs;
      raised.push({
        source: 'multiple-faults',
        ruleKey: `multiple-faults:${ticket.id}`,
        ticketId: ticket.id,
        description: `工单${ticket.id}：该车辆一年内出现${causes.size}种不同故障（${[...causes].join('、')}） / ticket ${ticket.id}: its vehicle had ${causes.size} different faults within a year (${[...causes].join(', ')})`,
        servicePointId: ticket.servicePointId,
        installer: ticket.installer,
      });
    }
  });
  return raised;
}
