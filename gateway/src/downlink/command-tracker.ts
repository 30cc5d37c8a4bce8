import { type Bus, type Command, type CommandResult, CommandStatus, type Unsubscribe } from '@jt808/bus';
import { MessageId } from '@jt808/protocol';
import type { Logger } from 'pino';
import type { Inbound } from '../context.js';
import type { Metrics } from '../runtime/metrics.js';
import type { Session } from '../session/session.js';

interface PendingCommand {
  command: Command;
  timer: NodeJS.Timeout;
}

/** Messages whose answer carries no reply serial and is matched by the query it answers. */
const ANSWERED_BY_ID: Record<number, number> = { [MessageId.attributesResponse]: MessageId.queryAttributes };

/**
 * Downlink commands addressed to this gateway process: writes each to its terminal's session,
 * matches the terminal's answer (by reply serial, or by message type for 0x0107), and reports the
 * outcome to the requester: answered, timeout, offline or send failed.
 */
export class CommandTracker {
  private readonly pending = new Map<string, PendingCommand>();
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly gatewayId: string,
    private readonly live: Map<string, Session>,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.bus.commands.listen(this.gatewayId, (command) => this.execute(command));
  }

  execute(command: Command): void {
    const session = this.live.get(command.phone);
    if (session === undefined || session.isClosed) {
      this.finish(command, { status: CommandStatus.Offline });
      return;
    }
    let serial: number;
    try {
      serial = session.sendRaw(command.messageId, command.body);
    } catch (error) {
      this.log.warn({ err: error, command: command.commandId }, 'command could not be encoded or written');
      this.finish(command, { status: CommandStatus.SendFailed });
      return;
    }
    const key = `${command.phone}:${serial}`;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.finish(command, { status: CommandStatus.Timeout });
    }, command.timeoutMs || 30_000);
    timer.unref();
    this.pending.set(key, { command, timer });
  }

  /** A terminal answer arrived; resolves the command it answers, if one is waiting. */
  answered(session: Session, inbound: Inbound): void {
    const { message, body } = inbound;
    const key = this.keyFor(session, inbound);
    const waiting = key === undefined ? undefined : this.pending.get(key);
    if (waiting === undefined || key === undefined) return;
    clearTimeout(waiting.timer);
    this.pending.delete(key);
    this.finish(waiting.command, {
      status: CommandStatus.Answered,
      replyMessageId: message.header.messageId,
      replySerial: message.header.serial,
      replyEdition: message.header.edition,
      replyBody: body,
    });
  }

  private keyFor(session: Session, { message }: Inbound): string | undefined {
    const phone = session.phone;
    const body = message.body as { replySerial?: number };
    if (typeof body.replySerial === 'number') return `${phone}:${body.replySerial}`;
    const queryId = ANSWERED_BY_ID[message.header.messageId];
    if (queryId === undefined) return undefined;
    for (const [key, { command }] of this.pending) {
      if (command.phone === phone && command.messageId === queryId) return key;
    }
    return undefined;
  }

  private finish(command: Command, outcome: Partial<CommandResult> & { status: CommandStatus }): void {
    this.metrics.commands.inc({ status: statusName(outcome.status) });
    const result: CommandResult = {
      commandId: command.commandId,
      phone: command.phone,
      gatewayId: this.gatewayId,
      atMs: Date.now(),
      ...outcome,
    };
    this.bus.commands.sendResult(command.replyTo, result).catch((error: unknown) => {
      this.log.warn({ err: error, command: command.commandId }, 'command result not delivered');
    });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}

function statusName(status: CommandStatus): string {
  return (
    Object.keys(CommandStatus).find((name) => CommandStatus[name as keyof typeof CommandStatus] === status) ??
    'unknown'
  );
}
