import type { Registration } from '@jt808/protocol';

/**
 * The terminal registry as the gateway needs it. The platform owns the real roster; the gateway
 * only asks whether a registering terminal may join and keeps the hash of each auth code.
 */
export interface Roster {
  /** Decides a 0x0100 registration; see RegistrationResult in the codec for the result codes. */
  register(phone: string, registration: Registration): Promise<RegistrationDecision>;
  /** Stores the hash of the auth code just issued to `phone` (the code itself is never kept). */
  saveAuthCodeHash(phone: string, hash: Buffer): Promise<void>;
  authCodeHash(phone: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

export interface RegistrationDecision {
  /** 0x8100 result: 0 success, 1 vehicle already registered, 2 no such vehicle, 3 terminal already registered, 4 no such terminal. */
  result: number;
  /** Success for a terminal the roster did not know, recorded as pending for an installer to confirm. */
  pending: boolean;
}

/** What the roster knows about one terminal before it ever connects (imported by the platform). */
export interface TerminalRecord {
  phone: string;
  terminalId?: string;
  plate?: string;
  plateColor?: number;
  /** A terminal that registered without being known, waiting for an installer's confirmation. */
  pending?: boolean;
}

/** What to do with a terminal the roster does not know. */
export type UnknownTerminalPolicy = 'reject' | 'pending';
