import type { Bus, Delivery } from '@jt808/bus';

/**
 * The simulator's clock mapping (its SimClock): `speed` simulated milliseconds pass per real
 * millisecond, and the simulated instant `simOriginMs` is the real instant `realOriginMs`.
 */
export interface SimTime {
  speed: number;
  simOriginMs: number;
  realOriginMs: number;
}

export function toSimulated(time: SimTime, realMs: number): number {
  return time.simOriginMs + (realMs - time.realOriginMs) * time.speed;
}

export function toReal(time: SimTime, simMs: number): number {
  return time.realOriginMs + (simMs - time.simOriginMs) / time.speed;
}

/**
 * The bus as a platform running on simulated time sees it: every event's receive time (the
 * gateway's clock) is mapped to simulated time before the consumer gets it. Publishing and
 * everything else go to `bus` unchanged, so the gateway keeps real time (scoring runs keep ingest
 * on real time too; the one-command start's demo gives ingest this view as well, so that what it
 * stores is on the clock of the GNSS times beside it).
 *
 * The status engine judges by receive times and compares them with the GNSS times in the fixes,
 * which the simulator writes in simulated time; on this view both are on one clock, and the
 * engine can run with its production settings however fast the simulation runs.
 */
export function simulatedTimeView(bus: Bus, time: SimTime): Bus {
  const retime = (delivery: Delivery): Delivery => ({
    ...delivery,
    event: { ...delivery.event, atMs: toSimulated(time, delivery.event.atMs) },
  });
  return {
    sessions: bus.sessions,
    commands: bus.commands,
    durability: () => bus.durability(),
    onAvailability: (listener) => bus.onAvailability(listener),
    close: () => bus.close(),
    events: {
      publish: (event) => bus.events.publish(event),
      consume: (options, handler) => bus.events.consume(options, (batch) => handler(batch.map(retime))),
      deadLetter: (delivery, reason) => bus.events.deadLetter(delivery, reason),
      lag: (group) => bus.events.lag(group),
    },
  };
}
