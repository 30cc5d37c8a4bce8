import type { Detection } from './detections.js';
import { type Outage, type ScoringInput, TOLERANCE_S, type TruthInterval } from './input.js';
import type { JudgedFault } from './judge.js';

export interface OutageScore {
  outage: Outage;
  /** Its terminals that no other fault of theirs kept away at the same time (those are scored). */
  scored: number;
  /** Of those, found offline during the outage, and how long after it began (seconds). */
  offline: number;
  delaysS: number[];
  /** The incident the storm guard opened: seconds after the outage began, and after it ended that it cleared. */
  incident: { openedAfterS: number; clearedAfterEndS: number | null } | undefined;
  /** Offline tickets for its terminals during the outage: held by an incident, and any let through (the target is none). */
  held: number;
  notHeld: number;
  /** Tickets for a fault reason opened during the outage (a fault of the terminal, not the outage's doing). */
  faultTickets: number;
  /** How the held tickets ended: closed as self-recovered, released to the service desk, or still held. */
  heldOutcome: { selfRecovered: number; released: number; stillHeld: number };
}

/** The storm guard against each outage: its terminals offline, one incident, no per-vehicle ticket let through. */
export function scoreOutages(
  input: ScoringInput,
  judged: readonly JudgedFault[],
  outageOf: ReadonlyMap<TruthInterval, Outage>,
  firstDetection: (fault: JudgedFault) => Detection | undefined,
): OutageScore[] {
  return input.outages.map((outage) => {
    const scored = judged.filter((j) => outageOf.get(j.truth) === outage && j.standing !== 'hidden');
    const delaysS = scored.flatMap((fault) => {
      const detection = firstDetection(fault);
      return detection ? [(detection.atMs - outage.fromMs) / 1000] : [];
    });
    const incident = input.observations.incidents.find(
      (i) =>
        i.scope === outage.scope &&
        (outage.scope === 'platform' || i.scopeId === String(outage.centerId)) &&
        i.openedAtMs >= outage.fromMs &&
        i.openedAtMs <= outage.toMs,
    );
    const phones = new Set(outage.phones);
    const tickets = input.observations.tickets.filter(
      (t) =>
        phones.has(t.phone) &&
        t.openedAtMs >= outage.fromMs &&
        t.openedAtMs <= outage.toMs + TOLERANCE_S * 1000,
    );
    const offline = tickets.filter((t) => t.reason === 'offline');
    const held = offline.filter((t) => t.incidentId !== null);
    return {
      outage,
      scored: scored.length,
      offline: delaysS.length,
      delaysS,
      incident: incident && {
        openedAfterS: (incident.openedAtMs - outage.fromMs) / 1000,
        clearedAfterEndS: incident.clearedAtMs === null ? null : (incident.clearedAtMs - outage.toMs) / 1000,
      },
      held: held.length,
      notHeld: offline.length - held.length,
      faultTickets: tickets.length - offline.length,
      heldOutcome: {
        selfRecovered: held.filter((t) => t.closeReason === 'self-recovered').length,
        released: held.filter((t) => t.state !== 'held' && t.closeReason !== 'self-recovered').length,
        stillHeld: held.filter((t) => t.state === 'held').length,
      },
    };
  });
}
