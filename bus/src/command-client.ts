import { randomUUID } from 'node:crypto';
import type { Bus, Unsubscribe } from './bus.js';
import { type CommandResult, CommandStatus } from './schema.js';

/**
 * The requesting side of downlink commands: finds the gateway that holds the terminal, sends the
 * command there and resolves with its result. Never hangs: a gateway that does not answer in time
 * yields a TIMEOUT result from here.
 */
export class CommandClient {
  private readonly waiting = new Map<string, (result: CommandResult) => void>();
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly bus: Bus,
    /** Unique per requesting process: results come back addressed to it. */
    readonly requesterId: string = `requester-${randomUUID()}`,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.bus.commands.listenResults(this.requesterId, (result) => {
      this.waiting.get(result.commandId)?.(result);
    });
  }

  async send(phone: string, messageId: number, body: Uint8Array, timeoutMs = 30_000): Promise<CommandResult> {
    const commandId = randomUUID();
    const gatewayId = await this.bus.sessions.locate(phone);
    if (gatewayId === undefined) return { commandId, phone, status: CommandStatus.Offline, atMs: Date.now() };
    // The gateway times out first; this margin covers a gateway that died holding the command.
    const localTimeoutMs = timeoutMs + 2000;
    const result = new Promise<CommandResult>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(commandId);
        resolve({ commandId, phone, status: CommandStatus.Timeout, gatewayId, atMs: Date.now() });
      }, localTimeoutMs);
      this.waiting.set(commandId, (answer) => {
        clearTimeout(timer);
        this.waiting.delete(commandId);
        resolve(answer);
      });
    });
    await this.bus.commands.send(gatewayId, {
      commandId,
      phone,
      messageId,
      body,
      timeoutMs,
      replyTo: this.requesterId,
      sentAtMs: Date.now(),
    });
    return result;
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
  }
}
