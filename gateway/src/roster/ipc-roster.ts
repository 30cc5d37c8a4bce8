import type { Registration } from '@jt808/protocol';
import type { RegistrationDecision, Roster } from './roster.js';

/**
 * Roster for a cluster worker: forwards every call to the primary process, which owns the one
 * FileRoster (several processes writing one file would lose each other's changes).
 */
type Call =
  | { op: 'register'; phone: string; registration: Registration; hash: string }
  | { op: 'authCodeHash'; phone: string };

interface Request {
  rosterRequest: number;
  call: Call;
}
interface Reply {
  rosterReply: number;
  value?: unknown;
  error?: string;
}

export class IpcRoster implements Roster {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly onMessage = (message: unknown) => {
    const reply = message as Partial<Reply>;
    if (typeof reply?.rosterReply !== 'number') return;
    const waiter = this.waiting.get(reply.rosterReply);
    if (!waiter) return;
    this.waiting.delete(reply.rosterReply);
    if (reply.error !== undefined) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.value);
  };

  constructor() {
    process.on('message', this.onMessage);
  }

  private call<T>(call: Call): Promise<T> {
    const rosterRequest = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(rosterRequest, { resolve: resolve as (value: unknown) => void, reject });
      process.send?.({ rosterRequest, call } satisfies Request);
    });
  }

  register(phone: string, registration: Registration, authCodeHash: Buffer): Promise<RegistrationDecision> {
    return this.call({ op: 'register', phone, registration, hash: authCodeHash.toString('hex') });
  }

  async authCodeHash(phone: string): Promise<Buffer | undefined> {
    const hex = await this.call<string | undefined>({ op: 'authCodeHash', phone });
    return hex === undefined ? undefined : Buffer.from(hex, 'hex');
  }

  async close(): Promise<void> {
    process.off('message', this.onMessage);
  }
}

/** Primary side: answers a worker's roster requests from the roster it owns. */
export async function answerRosterRequest(
  roster: Roster,
  message: unknown,
  reply: (message: Reply) => void,
): Promise<void> {
  const request = message as Partial<Request>;
  if (typeof request?.rosterRequest !== 'number' || !request.call) return;
  const { call } = request;
  try {
    let value: unknown;
    if (call.op === 'register')
      value = await roster.register(call.phone, call.registration, Buffer.from(call.hash, 'hex'));
    else value = (await roster.authCodeHash(call.phone))?.toString('hex');
    reply({ rosterReply: request.rosterRequest, value });
  } catch (error) {
    reply({ rosterReply: request.rosterRequest, error: String(error) });
  }
}
