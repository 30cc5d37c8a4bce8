import { describe, expect, it } from 'vitest';
import { ConnectRamp } from '../src/fleet/connect-ramp.js';
import { type Schedulable, TimerWheel } from '../src/fleet/timer-wheel.js';

class Item implements Schedulable {
  wakeAt = 0;
  wheelSlot = -1;
  wheelGeneration = 0;
  constructor(readonly name: string) {}
}

describe('the timer wheel', () => {
  it('wakes each item once when due, in one loop for all of them', () => {
    const wheel = new TimerWheel<Item>(1000, 16, 0);
    const soon = new Item('soon');
    const later = new Item('later');
    const farAway = new Item('beyond one revolution');
    wheel.schedule(soon, 1500);
    wheel.schedule(later, 7000);
    wheel.schedule(farAway, 40_000);
    const woken: string[] = [];
    const visit = (item: Item) => woken.push(item.name);
    wheel.drain(1400, visit);
    expect(woken).toEqual([]);
    wheel.drain(1500, visit);
    wheel.drain(1600, visit);
    expect(woken).toEqual(['soon']);
    wheel.drain(20_000, visit);
    expect(woken).toEqual(['soon', 'later']);
    wheel.drain(39_999, visit);
    wheel.drain(45_000, visit);
    expect(woken).toEqual(['soon', 'later', 'beyond one revolution']);
  });

  it('keeps only the latest schedule of an item, however often it moves', () => {
    const wheel = new TimerWheel<Item>(1000, 8, 0);
    const item = new Item('moved');
    wheel.schedule(item, 5000);
    wheel.schedule(item, 2000);
    wheel.schedule(item, 5500);
    wheel.schedule(item, 3000);
    const woken: number[] = [];
    wheel.drain(10_000, (i) => woken.push(i.wakeAt));
    expect(woken).toEqual([3000]);
    wheel.schedule(item, 12_000);
    wheel.cancel(item);
    wheel.drain(20_000, (i) => woken.push(i.wakeAt));
    expect(woken).toEqual([3000]);
  });

  it('runs an item rescheduled into the past at the next drain, not in a loop', () => {
    const wheel = new TimerWheel<Item>(1000, 8, 0);
    const item = new Item('eager');
    wheel.schedule(item, 100);
    let visits = 0;
    wheel.drain(200, (i) => {
      visits++;
      wheel.schedule(i, 0);
    });
    expect(visits).toBe(1);
    wheel.drain(200, () => visits++);
    expect(visits).toBe(2);
  });
});

describe('the connection ramp', () => {
  it('lets connections out at the configured rate, in order', () => {
    const ramp = new ConnectRamp<number>(100, 0);
    for (let i = 0; i < 1000; i++) ramp.push(i);
    const out: number[] = [];
    for (let t = 10; t <= 2000; t += 10) ramp.release(t, (i) => out.push(i));
    expect(out.length).toBeGreaterThanOrEqual(199);
    expect(out.length).toBeLessThanOrEqual(201);
    expect(out.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(ramp.waiting).toBe(1000 - out.length);
  });
});
