/** Hours kept, counting back from the newest one seen: late fixes of older hours just go to the database. */
const HOURS_KEPT = 2;
const HOUR_MS = 3_600_000;

/**
 * Which terminals a worker has already recorded as heard from in each recent hour. Without it every
 * batch would ask the database again for each terminal in it (once per fix, at the fleet's rate);
 * with it a terminal costs one row insert per hour and worker. Pairs are remembered only after the
 * batch that wrote them committed, and a pair the memory lacks (another worker's, a restart, an old
 * hour) is simply inserted again and ignored by the database.
 */
export class HeardFrom {
  private readonly byHour = new Map<number, Set<string>>();

  has(hour: number, phone: string): boolean {
    return this.byHour.get(hour)?.has(phone) ?? false;
  }

  remember(hours: Date[], phones: string[]): void {
    for (let i = 0; i < hours.length; i++) {
      const hour = hours[i]!.getTime();
      let phonesOfHour = this.byHour.get(hour);
      if (!phonesOfHour) {
        phonesOfHour = new Set();
        this.byHour.set(hour, phonesOfHour);
        this.forgetBefore(hour - (HOURS_KEPT - 1) * HOUR_MS);
      }
      phonesOfHour.add(phones[i]!);
    }
  }

  private forgetBefore(hour: number): void {
    for (const known of this.byHour.keys()) if (known < hour) this.byHour.delete(known);
  }
}
