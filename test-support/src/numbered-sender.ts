import type { Delivery } from '@jt808/bus';
import { decodeBody, type Header, MessageId } from '@jt808/protocol';
import type { TerminalConnection } from '@jt808/simulators';
import { location } from './terminal.js';

/**
 * A terminal that sends numbered locations (the number rides in the mileage item) and counts as
 * delivered only what the gateway acknowledged with result 0; anything else it sends again, and a
 * lost connection is re-made and re-authenticated, as firmware does. Whatever was acknowledged must
 * reach the platform's consumer.
 */
export class NumberedSender {
  readonly acknowledged = new Set<number>();
  private next = 1;
  private running = true;
  readonly done: Promise<void>;

  constructor(
    readonly terminal: TerminalConnection,
    private readonly authCode: string,
  ) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const number = this.next;
      try {
        if (!this.terminal.connected) await this.reconnect();
        const reply = await this.terminal.request('locationReport', {
          ...location(),
          extras: { mileage: number },
        });
        if (reply.name === 'platformGeneralResponse' && reply.body.result === 0) {
          this.acknowledged.add(number);
          this.next++;
        }
      } catch {
        // Timeout or connection lost: the same number goes again, like a terminal's retransmission.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private async reconnect(): Promise<void> {
    await this.terminal.connect();
    const reply = await this.terminal.request('authentication', { authCode: this.authCode });
    if (reply.body && (reply.body as { result?: number }).result !== 0)
      throw new Error('re-authentication refused');
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/** The location numbers each terminal got through to the consumer. */
export function numbersReceived(deliveries: Delivery[]): Map<string, Set<number>> {
  const received = new Map<string, Set<number>>();
  for (const { event } of deliveries) {
    if (event.messageId !== MessageId.locationReport || !event.body) continue;
    const header = {
      messageId: MessageId.locationReport,
      edition: event.edition ?? '2013',
      protocolVersion: 0,
      encryption: 0,
    } as Header;
    const message = decodeBody(header, event.body);
    if (message.name !== 'locationReport' || message.body.extras.mileage === undefined) continue;
    const numbers = received.get(event.phone) ?? new Set<number>();
    numbers.add(message.body.extras.mileage);
    received.set(event.phone, numbers);
  }
  return received;
}
