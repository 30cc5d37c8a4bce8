import { openTicket, platformMove, type TicketState } from '@jt808/after-sales';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { StatusEngine, Transition } from '../engine.js';
import { FAULT_REASONS } from '../reasons.js';
import type { TerminalHealth } from '../terminal-health.js';
import { reviewInstallations } from './install-tickets.js';

export interface TicketSettings {
  /** Offline this long opens a repair ticket. */
  repairOfflineHours: number;
  /** A fault that persists this long opens a repair ticket. */
  repairFaultyMinutes: number;
  /** A resolved ticket is verified once its terminal has been online and healthy this long. */
  verifyMinutes: number;
  /** An installation this many days past its planned date whose vehicle has not checked in opens an install ticket. */
  installOverdueDays: number;
  /** A terminal registered this many hours ago that never authenticated, or never sent a fix, opens an install ticket. */
  installCheckInHours: number;
  /** How often installations are reviewed (they change by the day, not by the second). */
  installReviewSeconds: number;
  storm: {
    /** Terminals going offline within this window count together. */
    windowMinutes: number;
    /** At least this many... */
    minTerminals: number;
    /** ...and at least this share of a center's (or the platform's) terminals seen so far make an incident. */
    share: number;
    /** The incident clears when at most this share of its terminals is still offline. */
    clearShare: number;
  };
}

export const DEFAULT_TICKET_SETTINGS: TicketSettings = {
  repairOfflineHours: 24,
  repairFaultyMinutes: 30,
  verifyMinutes: 30,
  installOverdueDays: 7,
  installCheckInHours: 24,
  installReviewSeconds: 60,
  storm: { windowMinutes: 10, minTerminals: 20, share: 0.3, clearShare: 0.1 },
};

interface OpenTicket {
  id: string;
  state: TicketState;
  resolvedAtMs: number;
  /** statusSince of the episode last counted on it (an episode adds one occurrence). */
  episodeMs: number;
  /** Reported to the service desk: a person saw the fault, so the terminal checking in does not clear it. */
  fromDesk: boolean;
}

interface Incident {
  id: number;
  scope: 'center' | 'platform';
  scopeId: string;
  phones: Set<string>;
}

/**
 * Turns the status engine's verdicts into repair tickets and runs the platform's side of their
 * workflow: opens a ticket when offline or a fault lasts past its threshold (repeats add
 * occurrences), closes it as self-recovered when the terminal recovers before dispatch, verifies a
 * resolved ticket only after the terminal checked in and stayed healthy, and holds per-vehicle
 * tickets during an outage (storm guard): when many terminals of a center, or of the platform, go
 * silent together, one incident is opened instead, and when it clears only the terminals still
 * silent get tickets.
 */
export class TicketKeeper {
  private readonly open = new Map<string, OpenTicket>();
  private readonly incidents: Incident[] = [];
  /** Recent offline transitions, for the storm guard. */
  private recentOffline: { phone: string; center: string; atMs: number }[] = [];
  private lastInstallReview = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly engine: StatusEngine,
    private readonly settings: TicketSettings,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
    await this.adoptOpenTickets();
    const incidents = await this.pool.query<{
      id: string;
      scope: 'center' | 'platform';
      scope_id: string;
      detail: { phones?: string[] } | null;
    }>('SELECT id, scope, scope_id, detail FROM incidents WHERE cleared_at IS NULL');
    for (const row of incidents.rows) {
      this.incidents.push({
        id: Number(row.id),
        scope: row.scope,
        scopeId: row.scope_id,
        phones: new Set(row.detail?.phones ?? []),
      });
    }
  }

  /**
   * Takes on the open repair tickets it does not hold yet: its own after a restart, and those the
   * service desk opened from a call (so they too are verified by the platform once repaired).
   */
  private async adoptOpenTickets(): Promise<void> {
    const { rows } = await this.pool.query<{
      id: string;
      phone: string;
      state: TicketState;
      resolved_at: Date | null;
      source: string;
    }>(
      `SELECT id, phone, state, resolved_at, source FROM tickets WHERE kind = 'repair' AND closed_at IS NULL AND phone IS NOT NULL`,
    );
    for (const row of rows) {
      if (this.open.get(row.phone)?.id === row.id) continue;
      this.open.set(row.phone, {
        id: row.id,
        state: row.state,
        resolvedAtMs: row.resolved_at?.getTime() ?? 0,
        episodeMs: this.engine.get(row.phone)?.statusSinceMs ?? 0,
        fromDesk: row.source === 'desk',
      });
    }
  }

  get openIncidents(): number {
    return this.incidents.length;
  }

  /** One review after a status pass. */
  async review(nowMs: number, transitions: Transition[]): Promise<void> {
    await this.guardStorms(nowMs, transitions);
    for (const health of this.engine.list()) await this.reviewTerminal(health, nowMs);
    if (nowMs - this.lastInstallReview >= this.settings.installReviewSeconds * 1000) {
      this.lastInstallReview = nowMs;
      await reviewInstallations(this.pool, nowMs, this.settings);
      await this.adoptOpenTickets();
    }
    await this.markBreaches(nowMs);
  }

  private async reviewTerminal(health: TerminalHealth, nowMs: number): Promise<void> {
    const ticket = this.open.get(health.phone);
    const wanted = this.ticketReason(health, nowMs);
    if (wanted !== undefined) {
      if (ticket && ticket.episodeMs === health.statusSinceMs) return;
      const incident = this.incidents.find((i) => i.phones.has(health.phone));
      const { id, created } = await openTicket(this.pool, {
        kind: 'repair',
        phone: health.phone,
        reason: wanted,
        atMs: nowMs,
        incidentId: incident?.id,
      });
      if (created)
        this.open.set(health.phone, {
          id,
          state: incident ? 'held' : 'new',
          resolvedAtMs: 0,
          episodeMs: health.statusSinceMs,
          fromDesk: false,
        });
      else if (ticket) ticket.episodeMs = health.statusSinceMs;
      return;
    }
    if (!ticket || health.status !== 'online') return;
    // People move tickets too (classify, dispatch, resolve): act on the state as stored.
    await this.refresh(ticket);
    if (ticket.state === 'held' || ticket.state === 'new' || ticket.state === 'classified') {
      if (ticket.fromDesk) return; // reported by a person: checking in does not make it go away
      const recovered = await platformMove(
        this.pool,
        ticket.id,
        'self-recovered',
        'terminal recovered before dispatch',
        new Date(nowMs),
      );
      if (recovered) {
        this.open.delete(health.phone);
      }
    } else if (ticket.state === 'resolved') {
      await this.verifyIfHealthy(health, ticket, nowMs);
    } else if (ticket.state === 'closed') {
      this.open.delete(health.phone);
    }
  }

  private async refresh(ticket: OpenTicket): Promise<void> {
    const { rows } = await this.pool.query<{ state: TicketState; resolved_at: Date | null }>(
      'SELECT state, resolved_at FROM tickets WHERE id = $1',
      [ticket.id],
    );
    if (!rows[0]) return;
    ticket.state = rows[0].state;
    ticket.resolvedAtMs = rows[0].resolved_at?.getTime() ?? 0;
  }

  /** The reason a repair ticket is due, if one is. */
  private ticketReason(health: TerminalHealth, nowMs: number): string | undefined {
    const lasted = nowMs - health.statusSinceMs;
    if (health.status === 'offline' && lasted >= this.settings.repairOfflineHours * 3_600_000)
      return 'offline';
    if (health.status === 'faulty' && lasted >= this.settings.repairFaultyMinutes * 60_000) {
      return FAULT_REASONS.find((_, i) => (health.reasons & (1 << i)) !== 0);
    }
    return undefined;
  }

  private async verifyIfHealthy(health: TerminalHealth, ticket: OpenTicket, nowMs: number): Promise<void> {
    const healthySince = Math.max(ticket.resolvedAtMs, health.statusSinceMs);
    if (nowMs - healthySince < this.settings.verifyMinutes * 60_000) return;
    await platformMove(
      this.pool,
      ticket.id,
      'verified',
      `online and healthy for ${this.settings.verifyMinutes} min after the repair`,
      new Date(nowMs),
    );
    await platformMove(this.pool, ticket.id, 'close-verified', 'verified by the platform', new Date(nowMs));
    this.open.delete(health.phone);
  }

  /** Opens an incident when a center or the platform loses many terminals at once; clears it when they are back. */
  private async guardStorms(nowMs: number, transitions: Transition[]): Promise<void> {
    const { windowMinutes, minTerminals, share, clearShare } = this.settings.storm;
    for (const t of transitions) {
      if (t.to !== 'offline') continue;
      const center = String(this.engine.get(t.phone)?.centerId ?? '?');
      this.recentOffline.push({ phone: t.phone, center, atMs: t.atMs });
    }
    this.recentOffline = this.recentOffline.filter((r) => nowMs - r.atMs <= windowMinutes * 60_000);
    const seen = new Map<string, number>();
    let seenTotal = 0;
    for (const health of this.engine.list()) {
      if (health.lastSeenMs === 0) continue;
      seenTotal++;
      const center = String(health.centerId ?? '?');
      seen.set(center, (seen.get(center) ?? 0) + 1);
    }
    const platformWide = this.recentOffline;
    if (platformWide.length >= minTerminals && platformWide.length >= share * seenTotal) {
      await this.openIncident(
        'platform',
        '*',
        platformWide.map((r) => r.phone),
        nowMs,
      );
    }
    const byCenter = new Map<string, string[]>();
    for (const r of this.recentOffline) byCenter.set(r.center, [...(byCenter.get(r.center) ?? []), r.phone]);
    for (const [center, phones] of byCenter) {
      if (phones.length >= minTerminals && phones.length >= share * (seen.get(center) ?? 0)) {
        await this.openIncident('center', center, phones, nowMs);
      }
    }
    for (const incident of [...this.incidents]) {
      const stillOffline = [...incident.phones].filter((p) => this.engine.get(p)?.status === 'offline');
      if (stillOffline.length <= clearShare * incident.phones.size)
        await this.clearIncident(incident, stillOffline, nowMs);
    }
  }

  private async openIncident(
    scope: 'center' | 'platform',
    scopeId: string,
    phones: string[],
    nowMs: number,
  ): Promise<void> {
    const existing = this.incidents.find((i) => i.scope === scope && i.scopeId === scopeId);
    if (existing) {
      for (const phone of phones) existing.phones.add(phone);
      return;
    }
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO incidents (scope, scope_id, opened_at, terminals, detail) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [scope, scopeId, new Date(nowMs), phones.length, JSON.stringify({ phones })],
    );
    this.incidents.push({ id: Number(rows[0]!.id), scope, scopeId, phones: new Set(phones) });
    this.log.warn(
      { scope, scopeId, terminals: phones.length },
      'outage: incident opened, per-vehicle tickets held',
    );
  }

  /** Releases the held tickets of terminals still silent; the rest of them close as recovered. */
  private async clearIncident(incident: Incident, stillOffline: string[], nowMs: number): Promise<void> {
    await this.pool.query('UPDATE incidents SET cleared_at = $2, detail = detail || $3 WHERE id = $1', [
      incident.id,
      new Date(nowMs),
      JSON.stringify({ stillOffline }),
    ]);
    this.incidents.splice(this.incidents.indexOf(incident), 1);
    const still = new Set(stillOffline);
    const { rows } = await this.pool.query<{ id: string; phone: string }>(
      `SELECT id, phone FROM tickets WHERE incident_id = $1 AND state = 'held'`,
      [incident.id],
    );
    for (const row of rows) {
      if (still.has(row.phone)) {
        await platformMove(
          this.pool,
          row.id,
          'release',
          `incident ${incident.id} cleared; terminal still silent`,
          new Date(nowMs),
        );
        const ticket = this.open.get(row.phone);
        if (ticket) ticket.state = 'new';
      } else {
        await platformMove(
          this.pool,
          row.id,
          'self-recovered',
          `incident ${incident.id} cleared`,
          new Date(nowMs),
        );
        this.open.delete(row.phone);
      }
    }
    this.log.info(
      { incident: incident.id, stillOffline: stillOffline.length },
      'outage over: incident cleared',
    );
  }

  /**
   * Flags deadlines passed: response (not dispatched in time; a desk question: not answered in
   * time) and on site (not on site in time). The desk's first answer is a clock of its own
   * (service_clocks), never a response breach.
   */
  private async markBreaches(nowMs: number): Promise<void> {
    const now = new Date(nowMs);
    await this.pool.query(
      `UPDATE tickets SET breaches = array_append(breaches, 'response')
        WHERE closed_at IS NULL AND state IN ('new', 'classified') AND response_due < $1 AND NOT 'response' = ANY (breaches)
          -- A desk question (service ticket) is responded to by the desk's answer, not a dispatch.
          AND NOT (kind = 'service' AND EXISTS (SELECT 1 FROM service_clocks c WHERE c.ticket_id = tickets.id
                   AND c.clock = 'first-answer' AND c.met_at <= tickets.response_due))`,
      [now],
    );
    await this.pool.query(
      `UPDATE tickets SET breaches = array_append(breaches, 'on-site')
        WHERE closed_at IS NULL AND state IN ('new', 'classified', 'dispatched', 'appointed') AND onsite_due < $1
          AND NOT 'on-site' = ANY (breaches)`,
      [now],
    );
  }
}
