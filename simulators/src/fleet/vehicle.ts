import { destination } from '../geo/geodesy.js';
import { CITIES } from '../geo/henan.js';
import type { Route, RoutePosition } from '../geo/route.js';
import { neighboursOf, routeBetween } from '../geo/route-book.js';
import type { Random } from './random.js';

/**
 * What the vehicle is doing. A trip runs: Parked → Departing → (SpeedUp → Cruise → [SlowDown |
 * Braking → Stopped]…) → Arriving → Idling → Parked at the destination.
 */
export const Phase = {
  /** ACC off, engine off. */
  Parked: 0,
  /** ACC on, standing, about to leave. */
  Departing: 1,
  SpeedUp: 2,
  Cruise: 3,
  /** Slowing to a lower cruising speed. */
  SlowDown: 4,
  /** Slowing to a stop on the way (toll gate, jam, rest). */
  Braking: 5,
  /** Standing on the way with ACC on. */
  Stopped: 6,
  /** Slowing to a stop at the end of the route. */
  Arriving: 7,
  /** ACC on, standing at the destination before switching off. */
  Idling: 8,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** Driving style, shared by all vehicles. */
const DRIVING = {
  accelerationMs2: 0.9,
  brakingMs2: 1.4,
  minCruiseKmh: 55,
  maxCruiseKmh: 100,
  /** Minutes of steady cruising before the speed changes or the vehicle stops. */
  cruiseMinutes: [4, 25],
  /** Chance that the end of a cruise is a stop rather than a speed change. */
  stopChance: 0.3,
  stopSeconds: [20, 180],
  departSeconds: [40, 180],
  idleSeconds: [30, 150],
  parkMinutes: [15, 240],
  /** Chance that a vehicle away from home drives home next. */
  homeChance: 0.6,
  /** Share of vehicles on the road when the simulation starts. */
  startDriving: 0.35,
} as const;

const KMH = 1 / 3.6;

/**
 * One vehicle's motion along the precomputed routes, integrated exactly between phase changes
 * (constant acceleration within a phase), so advancing by a minute or by a day costs the number of
 * phases passed, not the number of seconds.
 */
export class Vehicle {
  phase: Phase = Phase.Parked;
  /** Simulated ms the state below refers to. */
  private at: number;
  /** Simulated ms the current phase ends. */
  phaseEndsAt = 0;
  /** City parked in, or the start of the current route. */
  city: number;
  route: Route | undefined;
  private segment = 0;
  /** Metres along the route. */
  private travelled = 0;
  /** m/s. */
  private velocity = 0;
  /** m/s² within the current phase. */
  private acceleration = 0;
  private targetVelocity = 0;
  /** The current cruise ends where braking for the destination must start. */
  private brakeForDestination = false;
  /** Degrees; kept while standing. */
  heading = 0;
  /** Odometer, km. */
  odometerKm: number;
  /** Fixed offset of this vehicle's depot from the city centre, degrees. */
  private readonly depotLat: number;
  private readonly depotLon: number;

  constructor(
    readonly homeCity: number,
    private readonly random: Random,
    startAt: number,
  ) {
    this.at = startAt;
    this.city = homeCity;
    this.odometerKm = Math.round(random.between(5_000, 300_000));
    // Depots spread over ~3 km around the centre; the whole trip shifts with them, headings unchanged.
    const spread = destination(
      { latitude: 0, longitude: 0 },
      random.between(0, 360),
      random.between(0, 3000),
    );
    this.depotLat = spread.latitude;
    this.depotLon = spread.longitude;
    this.heading = random.below(360);
    if (random.next() < DRIVING.startDriving) this.startMidTrip(startAt);
    else this.park(startAt, random.between(0, DRIVING.parkMinutes[1] / 2) * 60_000);
  }

  get accOn(): boolean {
    return this.phase !== Phase.Parked;
  }

  get moving(): boolean {
    return this.velocity > 0;
  }

  /** km/h. */
  get speedKmh(): number {
    return this.velocity / KMH;
  }

  /** When ACC next switches (departure or switching off after arrival); Infinity while driving. */
  get accSwitchAt(): number {
    return this.phase === Phase.Parked || this.phase === Phase.Idling
      ? this.phaseEndsAt
      : Number.POSITIVE_INFINITY;
  }

  /** Moves the vehicle to simulated time `time`, passing through as many phases as needed. */
  advanceTo(time: number): void {
    while (this.phaseEndsAt <= time) {
      this.integrate(this.phaseEndsAt);
      this.nextPhase();
    }
    this.integrate(time);
  }

  /** Where the vehicle is (call after `advanceTo`). */
  position(out: RoutePosition): RoutePosition {
    if (this.route === undefined) {
      const city = CITIES[this.city]!;
      out.latitude = city.latitude;
      out.longitude = city.longitude;
    } else {
      this.segment = this.route.segmentAt(this.travelled, this.segment);
      this.route.positionAt(this.travelled, this.segment, out);
      if (this.moving) this.heading = out.heading;
    }
    out.latitude += this.depotLat;
    out.longitude += this.depotLon;
    out.heading = this.heading;
    return out;
  }

  private integrate(time: number): void {
    const dt = (time - this.at) / 1000;
    if (dt <= 0) return;
    this.at = time;
    if (this.velocity === 0 && this.acceleration === 0) return;
    const v = Math.max(0, this.velocity + this.acceleration * dt);
    const distance = ((this.velocity + v) / 2) * dt;
    this.velocity = v;
    this.travelled += distance;
    this.odometerKm += distance / 1000;
  }

  private nextPhase(): void {
    const now = this.phaseEndsAt;
    switch (this.phase) {
      case Phase.Parked:
        this.phase = Phase.Departing;
        this.phaseEndsAt = now + this.seconds(DRIVING.departSeconds);
        return;
      case Phase.Departing:
        this.beginTrip(this.chooseDestination());
        this.speedUp(now, this.random.between(DRIVING.minCruiseKmh, DRIVING.maxCruiseKmh) * KMH);
        return;
      case Phase.SpeedUp:
      case Phase.SlowDown:
        // Exactly the target: the integration may land a hair off it.
        this.velocity = this.targetVelocity;
        this.cruise(now);
        return;
      case Phase.Cruise:
        this.endCruise(now);
        return;
      case Phase.Braking:
        this.stand(Phase.Stopped, now, DRIVING.stopSeconds);
        return;
      case Phase.Stopped:
        this.speedUp(now, this.random.between(DRIVING.minCruiseKmh, DRIVING.maxCruiseKmh) * KMH);
        return;
      case Phase.Arriving:
        this.travelled = this.route!.length;
        this.stand(Phase.Idling, now, DRIVING.idleSeconds);
        return;
      case Phase.Idling:
        this.city = this.route!.to;
        this.route = undefined;
        this.park(now, this.seconds(DRIVING.parkMinutes) * 60);
        return;
    }
  }

  private park(now: number, durationMs: number): void {
    this.phase = Phase.Parked;
    this.velocity = 0;
    this.acceleration = 0;
    this.phaseEndsAt = now + Math.max(durationMs, 1000);
  }

  private stand(phase: Phase, now: number, seconds: readonly [number, number]): void {
    this.phase = phase;
    this.velocity = 0;
    this.acceleration = 0;
    this.phaseEndsAt = now + this.seconds(seconds);
  }

  private chooseDestination(): number {
    if (this.city !== this.homeCity && this.random.next() < DRIVING.homeChance) return this.homeCity;
    const near = neighboursOf(this.city);
    if (this.random.next() < 0.75) return near[this.random.below(near.length)]!;
    const other = this.random.below(CITIES.length - 1);
    return other >= this.city ? other + 1 : other;
  }

  private beginTrip(to: number): void {
    this.route = routeBetween(this.city, to);
    this.travelled = 0;
    this.segment = 0;
  }

  /** Accelerates to `target`, lowered if needed so that the vehicle can still stop at the end. */
  private speedUp(now: number, target: number): void {
    const a = DRIVING.accelerationMs2;
    const b = DRIVING.brakingMs2;
    const room = this.remaining();
    // Highest speed from which braking still ends on the route: v² = v0² + 2a·s1 and v² = 2b·s2, s1+s2 = room.
    const reachable = Math.sqrt(Math.max(0, (2 * a * b * room + b * this.velocity ** 2) / (a + b)));
    const v = Math.min(target, reachable * 0.95);
    if (v <= this.velocity + 0.1) {
      // Standing a few metres short of the end: roll in rather than start a trip-long crawl.
      if (this.velocity < 1) this.slowTo(Phase.Arriving, now, 0);
      else this.cruise(now);
      return;
    }
    this.phase = Phase.SpeedUp;
    this.targetVelocity = v;
    this.acceleration = a;
    this.phaseEndsAt = now + ((v - this.velocity) / a) * 1000;
  }

  /** Steady speed until a random end, or until the point where braking for the destination starts. */
  private cruise(now: number): void {
    this.phase = Phase.Cruise;
    this.acceleration = 0;
    const brakeAt = this.remaining() - this.velocity ** 2 / (2 * DRIVING.brakingMs2);
    const untilBrakeS = Math.max(0, brakeAt / Math.max(this.velocity, 0.1));
    const planned = this.seconds(DRIVING.cruiseMinutes) * 60;
    this.brakeForDestination = untilBrakeS * 1000 <= planned;
    this.phaseEndsAt = now + (this.brakeForDestination ? untilBrakeS * 1000 : planned);
  }

  private endCruise(now: number): void {
    if (this.brakeForDestination) {
      this.slowTo(Phase.Arriving, now, 0);
      return;
    }
    if (this.random.next() < DRIVING.stopChance) {
      this.slowTo(Phase.Braking, now, 0);
      return;
    }
    const next = this.random.between(DRIVING.minCruiseKmh, DRIVING.maxCruiseKmh) * KMH;
    if (next > this.velocity) this.speedUp(now, next);
    else this.slowTo(Phase.SlowDown, now, next);
  }

  private slowTo(phase: Phase, now: number, target: number): void {
    this.phase = phase;
    this.targetVelocity = target;
    this.acceleration = -DRIVING.brakingMs2;
    this.phaseEndsAt = now + ((this.velocity - target) / DRIVING.brakingMs2) * 1000;
  }

  private startMidTrip(now: number): void {
    const near = neighboursOf(this.city);
    this.beginTrip(near[this.random.below(near.length)]!);
    this.travelled = this.route!.length * this.random.between(0.1, 0.8);
    this.odometerKm += this.travelled / 1000;
    this.velocity = this.random.between(DRIVING.minCruiseKmh, DRIVING.maxCruiseKmh) * KMH;
    this.cruise(now);
  }

  private remaining(): number {
    return this.route === undefined ? 0 : Math.max(0, this.route.length - this.travelled);
  }

  private seconds([low, high]: readonly [number, number]): number {
    return this.random.between(low, high) * 1000;
  }
}
