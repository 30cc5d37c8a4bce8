import { hashUnit, Salt } from '../fleet/random.js';
import { type FaultKind, faultBit } from './faults.js';
import { type FaultSpec, type Scenario, ScenarioError } from './scenario.js';

/** A scenario line resolved against a fleet: times in simulated ms from the start, selection ready. */
export interface PlannedFault {
  /** Position in the scenario (keeps share draws of different lines independent). */
  line: number;
  spec: FaultSpec;
  kind: FaultKind;
  bit: number;
  startMs: number;
  /** Infinity when open-ended. */
  endMs: number;
  /** Explicit terminal indexes, when the line lists them. */
  indexes: ReadonlySet<number> | undefined;
}

/** A moment when the fault picture changes. Storms are the reconnect-storm pulses. */
export interface FaultEvent {
  atMs: number;
  type: 'start' | 'end' | 'storm';
  fault: PlannedFault;
}

export interface FleetRange {
  seed: number;
  phoneBase: string;
  /** Index of the fleet's first terminal, and how many terminals the fleet has (all processes together). */
  first: number;
  count: number;
}

/**
 * Which terminal has which fault when. Selection is a pure function of (seed, scenario line,
 * terminal index), so every worker process decides for its own terminals without talking to the
 * others, and a rerun with the same seed hits the same terminals.
 */
export class FaultPlan {
  readonly faults: readonly PlannedFault[];
  private readonly events: FaultEvent[];
  private nextEvent = 0;

  constructor(
    scenario: Scenario | undefined,
    private readonly range: FleetRange,
  ) {
    this.faults = (scenario?.faults ?? []).map((spec, line) => this.plan(spec, line));
    this.events = this.faults.flatMap((fault) => eventsOf(fault)).sort((a, b) => a.atMs - b.atMs);
  }

  /** Events due at or before `elapsedMs` (simulated ms since the start) not yet handed out, in order. */
  due(elapsedMs: number): FaultEvent[] {
    const due: FaultEvent[] = [];
    while (this.nextEvent < this.events.length && this.events[this.nextEvent]!.atMs <= elapsedMs) {
      due.push(this.events[this.nextEvent++]!);
    }
    return due;
  }

  selects(fault: PlannedFault, index: number): boolean {
    if (fault.indexes !== undefined) return fault.indexes.has(index);
    return hashUnit(this.range.seed, Salt.faultSelection + fault.line, index) < fault.spec.share!;
  }

  /** Fault bits of terminal `index` at `elapsedMs`. */
  maskAt(index: number, elapsedMs: number): number {
    let mask = 0;
    for (const fault of this.faults) {
      if (fault.startMs <= elapsedMs && elapsedMs < fault.endMs && this.selects(fault, index))
        mask |= fault.bit;
    }
    return mask;
  }

  /** The first line of `kind` hitting `index` at `elapsedMs` (for its parameters). */
  activeSpec(kind: FaultKind, index: number, elapsedMs: number): FaultSpec | undefined {
    return this.faults.find(
      (fault) =>
        fault.kind === kind &&
        fault.startMs <= elapsedMs &&
        elapsedMs < fault.endMs &&
        this.selects(fault, index),
    )?.spec;
  }

  /** Indexes in `[first, end)` that `fault` hits. */
  *targets(fault: PlannedFault, first: number, end: number): Generator<number> {
    if (fault.indexes !== undefined) {
      for (const index of fault.indexes) if (index >= first && index < end) yield index;
      return;
    }
    for (let index = first; index < end; index++) if (this.selects(fault, index)) yield index;
  }

  private plan(spec: FaultSpec, line: number): PlannedFault {
    const startMs = spec.at * 1000;
    return {
      line,
      spec,
      kind: spec.fault,
      bit: faultBit(spec.fault),
      startMs,
      endMs: spec.duration === undefined ? Number.POSITIVE_INFINITY : startMs + spec.duration * 1000,
      indexes:
        spec.terminals &&
        new Set(spec.terminals.map((t, i) => this.indexOf(t, `faults[${line}].terminals[${i}]`))),
    };
  }

  private indexOf(terminal: number | string, where: string): number {
    const { first, count, phoneBase } = this.range;
    const index = typeof terminal === 'number' ? terminal : Number(BigInt(terminal) - BigInt(phoneBase));
    if (!(index >= first && index < first + count)) {
      throw new ScenarioError(
        `scenario ${where}: terminal ${JSON.stringify(terminal)} is not in this fleet (indexes ${first}..${first + count - 1})`,
      );
    }
    return index;
  }
}

function eventsOf(fault: PlannedFault): FaultEvent[] {
  const events: FaultEvent[] = [{ atMs: fault.startMs, type: 'start', fault }];
  if (fault.endMs !== Number.POSITIVE_INFINITY) events.push({ atMs: fault.endMs, type: 'end', fault });
  if (fault.kind === 'reconnect-storm') {
    const everyMs = (fault.spec.every ?? 60) * 1000;
    // Open-ended storms get pulses for a day of simulated time; a longer run sees no more of them.
    const stop = Math.min(fault.endMs, fault.startMs + 86_400_000);
    for (let at = fault.startMs; at < stop; at += everyMs) events.push({ atMs: at, type: 'storm', fault });
  }
  return events;
}
