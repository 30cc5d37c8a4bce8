import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Bus,
  type Command,
  type CommandResult,
  CommandStatus,
  type Delivery,
  EventKind,
  encodeTerminalEvent,
  type TerminalEvent,
} from '../src/index.js';

/** How the contract suite makes and inspects one implementation of the bus. */
export interface BusFixture {
  /** A new bus of its own (on Redis: its own key prefix). */
  open(): Promise<Bus>;
  /** What `deadLetter` set aside on `bus`, oldest first. */
  deadLettered(bus: Bus): Promise<{ raw: Uint8Array; reason: string }[]>;
}

export function event(phone: string, serial: number, messageId = 0x0200): TerminalEvent {
  return {
    kind: EventKind.Message,
    phone,
    gatewayId: 'gw-test',
    sessionId: 's1',
    atMs: 1_700_000_000_000 + serial,
    messageId,
    serial,
    edition: '2013',
    protocolVersion: 0,
    body: new Uint8Array([serial & 0xff, 1, 2, 3]),
  };
}

/** A 0x0704 of a frame's size (the body's content does not matter to the bus). */
function backfillEvent(phone: string, serial: number): TerminalEvent {
  return { ...event(phone, serial, 0x0704), body: new Uint8Array(900).fill(serial & 0xff) };
}

/** The object with its byte fields as plain arrays: a decoder may hand back a Buffer for a Uint8Array. */
function bytesAsArrays<T extends object | undefined>(value: T): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, field instanceof Uint8Array ? [...field] : field]),
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the `Bus` interface promises, as one set of cases run against every implementation (as
 * aedes-persistence's abstract suite runs against each persistence). What only one implementation
 * promises (Redis's backfill lane, claiming a dead consumer's entries; the in-process bus's
 * waiting for the commit) stays in bus.test.ts.
 *
 * The in-process bus resolves `publish` only once every consumer group has committed the event,
 * so the cases start the consumers before they wait for a publish.
 *
 * Where the two differ by design, and so outside the contract (each side is in bus.test.ts or the
 * bus's own comments): a group started after events were published gets them from Redis (the
 * stream keeps them) but not in process (only events waiting for the first group are kept); a
 * consumer stopped with events uncommitted leaves them to its successor on Redis, while the
 * in-process bus fails their publishers (the gateway then refuses the terminal, which sends them
 * again); Redis hands over whole stream entries, so one turn's publishes can exceed batchSize; and
 * in process every session holder counts as alive, heartbeat or not.
 */
export function busContract(name: string, fixture: BusFixture): void {
  describe(`${name}: the Bus contract`, () => {
    const opened: Bus[] = [];
    const stops: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const stop of stops.splice(0)) await stop();
      for (const bus of opened.splice(0)) await bus.close();
    });
    async function open(): Promise<Bus> {
      const bus = await fixture.open();
      opened.push(bus);
      return bus;
    }
    function collect(bus: Bus, group: string, sink: Delivery[], options: { batchSize?: number } = {}) {
      const consumer = bus.events.consume(
        { group, consumer: `${group}-1`, batchSize: options.batchSize ?? 50, maxWaitMs: 20 },
        async (batch) => {
          sink.push(...batch);
        },
      );
      stops.push(() => consumer.stop());
      return consumer;
    }

    it('delivers every published event once, in order per terminal, with its raw bytes, and acknowledges it', async () => {
      const bus = await open();
      const seen: Delivery[] = [];
      collect(bus, 'ingest', seen);
      const phones = ['013800000001', '013800000002', '013800000003'];
      const events = phones.flatMap((phone) => [1, 2, 3, 4, 5].map((serial) => event(phone, serial)));
      await Promise.all(events.map((e) => bus.events.publish(e)));
      await until(() => seen.length === 15);
      for (const phone of phones) {
        expect(seen.filter((d) => d.event.phone === phone).map((d) => d.event.serial)).toEqual([
          1, 2, 3, 4, 5,
        ]);
      }
      for (const delivery of seen) {
        expect(bytesAsArrays(delivery.event)).toEqual(
          bytesAsArrays(
            events.find((e) => e.phone === delivery.event.phone && e.serial === delivery.event.serial),
          ),
        );
        expect([...delivery.raw]).toEqual([...encodeTerminalEvent(delivery.event)]);
      }
      expect(new Set(seen.map((d) => d.id)).size).toBe(15);
      await until(async () => (await bus.events.lag('ingest')) === 0);
      await pause(100);
      expect(seen).toHaveLength(15);
    });

    it('hands events published before the first consumer started to it', async () => {
      const bus = await open();
      const publishing = Promise.all(
        [1, 2, 3].map((serial) => bus.events.publish(event('013800000004', serial))),
      );
      await pause(50);
      const seen: Delivery[] = [];
      collect(bus, 'ingest', seen);
      await publishing;
      await until(() => seen.length === 3);
      expect(seen.map((d) => d.event.serial)).toEqual([1, 2, 3]);
    });

    it('offers a failed batch again, with the same delivery ids, in the same order', async () => {
      const bus = await open();
      const offered: Delivery[][] = [];
      const consumer = bus.events.consume(
        { group: 'ingest', consumer: 'c1', batchSize: 50, maxWaitMs: 20 },
        async (batch) => {
          offered.push(batch);
          if (offered.length === 1) throw new Error('database down');
        },
      );
      stops.push(() => consumer.stop());
      await Promise.all([1, 2, 3].map((serial) => bus.events.publish(event('013800000005', serial))));
      await until(() => offered.length >= 2);
      const [failed, again] = offered;
      expect(again!.map((d) => d.id)).toEqual(failed!.map((d) => d.id));
      expect(again!.map((d) => d.event.serial)).toEqual([1, 2, 3]);
      await until(async () => (await bus.events.lag('ingest')) === 0);
    });

    it('counts what a group holds uncommitted in its lag, and nothing once it committed', async () => {
      const bus = await open();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const held: Delivery[] = [];
      const consumer = bus.events.consume(
        { group: 'ingest', consumer: 'c1', batchSize: 50, maxWaitMs: 20 },
        async (batch) => {
          held.push(...batch);
          await gate;
        },
      );
      stops.push(() => consumer.stop());
      const publishing = Promise.all(
        [1, 2, 3].map((serial) => bus.events.publish(event('013800000006', serial))),
      );
      await until(() => held.length === 3);
      expect(await bus.events.lag('ingest')).toBe(3);
      release();
      await publishing;
      await until(async () => (await bus.events.lag('ingest')) === 0);
    });

    it('gives every consumer group every event', async () => {
      const bus = await open();
      const ingest: Delivery[] = [];
      const status: Delivery[] = [];
      collect(bus, 'ingest', ingest);
      collect(bus, 'status', status);
      await Promise.all([1, 2, 3, 4].map((serial) => bus.events.publish(event('013800000007', serial))));
      await until(() => ingest.length === 4 && status.length === 4);
      expect(ingest.map((d) => d.event.serial)).toEqual([1, 2, 3, 4]);
      expect(status.map((d) => d.event.serial)).toEqual([1, 2, 3, 4]);
      await until(async () => (await bus.events.lag('ingest')) + (await bus.events.lag('status')) === 0);
    });

    it('hands over batches no larger than batchSize when each publish waits for the one before', async () => {
      const bus = await open();
      const sizes: number[] = [];
      const seen: Delivery[] = [];
      const consumer = bus.events.consume(
        { group: 'ingest', consumer: 'c1', batchSize: 10, maxWaitMs: 20 },
        async (batch) => {
          sizes.push(batch.length);
          seen.push(...batch);
        },
      );
      stops.push(() => consumer.stop());
      for (let serial = 0; serial < 45; serial++) await bus.events.publish(event('013800000008', serial));
      await until(() => seen.length === 45);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
      expect(seen.map((d) => d.event.serial)).toEqual(Array.from({ length: 45 }, (_, i) => i));
    });

    it('delivers 0x0704 backfill and live reports alike, none lost, each in its order', async () => {
      const bus = await open();
      const seen: Delivery[] = [];
      collect(bus, 'ingest', seen);
      await Promise.all([
        ...Array.from({ length: 100 }, (_, i) => bus.events.publish(backfillEvent('013800000009', i))),
        ...Array.from({ length: 20 }, (_, i) => bus.events.publish(event('013800000010', i))),
      ]);
      await until(() => seen.length === 120);
      const serialsOf = (messageId: number) =>
        seen.filter((d) => d.event.messageId === messageId).map((d) => d.event.serial);
      expect(serialsOf(0x0704)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(serialsOf(0x0200)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(seen.find((d) => d.event.messageId === 0x0704)!.event.body).toHaveLength(900);
      await until(async () => (await bus.events.lag('ingest')) === 0);
    });

    it('sets a dead-lettered delivery aside with its raw bytes and reason, and does not offer it again', async () => {
      const bus = await open();
      let offered = 0;
      const consumer = bus.events.consume(
        { group: 'ingest', consumer: 'c1', maxWaitMs: 20 },
        async (batch) => {
          offered += batch.length;
          for (const delivery of batch) await bus.events.deadLetter(delivery, 'cannot store');
        },
      );
      stops.push(() => consumer.stop());
      const dead = event('013800000011', 5);
      await bus.events.publish(dead);
      await until(async () => (await fixture.deadLettered(bus)).length === 1);
      const [letter] = await fixture.deadLettered(bus);
      expect([...letter!.raw]).toEqual([...encodeTerminalEvent(dead)]);
      expect(letter!.reason).toBe('cannot store');
      await until(async () => (await bus.events.lag('ingest')) === 0);
      await pause(100);
      expect(offered).toBe(1);
    });

    it('lets stop() finish the batch in hand before it resolves', async () => {
      const bus = await open();
      let started = false;
      let finished = false;
      const consumer = bus.events.consume({ group: 'ingest', consumer: 'c1', maxWaitMs: 20 }, async () => {
        started = true;
        await pause(200);
        finished = true;
      });
      void bus.events.publish(event('013800000012', 1));
      await until(() => started);
      await consumer.stop();
      expect(finished).toBe(true);
    });

    it('keeps the session directory entry of the newest holder', async () => {
      const bus = await open();
      await bus.sessions.claim('013800000001', 'gw-a');
      await bus.sessions.claim('013800000001', 'gw-b');
      await bus.sessions.release('013800000001', 'gw-a');
      expect(await bus.sessions.locate('013800000001')).toBe('gw-b');
      await bus.sessions.release('013800000001', 'gw-b');
      expect(await bus.sessions.locate('013800000001')).toBeUndefined();
    });

    it('names the live holder of a session whose gateway keeps its heartbeat, and no one for an unknown terminal', async () => {
      const bus = await open();
      await bus.sessions.claim('013800000002', 'gw-a');
      await bus.sessions.heartbeat('gw-a', 5000);
      expect(await bus.sessions.liveHolder('013800000002')).toBe('gw-a');
      expect(await bus.sessions.liveHolder('013800000099')).toBeUndefined();
    });

    it('routes a command to its gateway and the result back to the requester, field for field', async () => {
      const bus = await open();
      const commands: Command[] = [];
      const results: CommandResult[] = [];
      const answer: CommandResult = {
        commandId: 'c1',
        phone: '013800000001',
        status: CommandStatus.Answered,
        replyMessageId: 0x0001,
        replySerial: 7,
        replyEdition: '2013',
        replyBody: new Uint8Array([0, 7, 0x82, 0x01, 0]),
        gatewayId: 'gw-a',
        atMs: 1_700_000_000_500,
      };
      const stopListening = await bus.commands.listen('gw-a', (command) => {
        commands.push(command);
        void bus.commands.sendResult(command.replyTo, answer);
      });
      const stopResults = await bus.commands.listenResults('platform-1', (result) => results.push(result));
      const command: Command = {
        commandId: 'c1',
        phone: '013800000001',
        messageId: 0x8201,
        body: new Uint8Array([1, 2, 3]),
        timeoutMs: 1000,
        replyTo: 'platform-1',
        sentAtMs: 1_700_000_000_000,
      };
      await bus.commands.send('gw-a', command);
      await until(() => results.length === 1);
      expect(commands.map(bytesAsArrays)).toEqual([bytesAsArrays(command)]);
      expect(results.map(bytesAsArrays)).toEqual([bytesAsArrays(answer)]);
      await stopListening();
      await stopResults();
    });

    it('delivers no command to a gateway that stopped listening, nor to another gateway', async () => {
      const bus = await open();
      const a: Command[] = [];
      const b: Command[] = [];
      const stopA = await bus.commands.listen('gw-a', (command) => a.push(command));
      const stopB = await bus.commands.listen('gw-b', (command) => b.push(command));
      const command = (commandId: string): Command => ({
        commandId,
        phone: '013800000003',
        messageId: 0x8201,
        body: new Uint8Array(0),
        timeoutMs: 1000,
        replyTo: 'platform-1',
        sentAtMs: 0,
      });
      await bus.commands.send('gw-a', command('first'));
      await until(() => a.length === 1);
      await stopA();
      await bus.commands.send('gw-a', command('second'));
      await bus.commands.send('gw-nobody', command('third'));
      await pause(200);
      expect(a.map((c) => c.commandId)).toEqual(['first']);
      expect(b).toEqual([]);
      await stopB();
    });

    it('says what it can promise about acknowledged events surviving a crash', async () => {
      const bus = await open();
      const durability = await bus.durability();
      expect(typeof durability.durable).toBe('boolean');
      expect(durability.summary.length).toBeGreaterThan(0);
    });
  });
}
