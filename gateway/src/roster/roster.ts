import type { Registration } from '@jt808/protocol';

/**
 * The terminal registry as the gateway needs it: whether a registering terminal may join, and the
 * hash of each auth code. Two implementations: `PostgresRoster` asks the platform's roster (every
 * gateway of a province shares it), `FileRoster` keeps a roster of its own in a file (a gateway
 * run without the platform's database, and tests).
 */
export interface Roster {
  /**
   * Decides a 0x0100 registration (see RegistrationResult in the codec for the result codes) and,
   * on success, keeps `authCodeHash` as the terminal's one valid code, before it resolves: the code
   * is sent to the terminal only once its hash is stored. A refusal leaves everything as it was.
   */
  register(phone: string, registration: Registration, authCodeHash: Buffer): Promise<RegistrationDecision>;
  /** The hash of the auth code last issued to `phone`, undefined when it has none. */
  authCodeHash(phone: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/** Why a registration was refused; the platform shows it on the terminal's page. */
export type RefusalReason =
  | 'terminal-id-missing'
  | 'terminal-id-mismatch'
  | 'plate-of-another-vehicle'
  | 'plate-held-by-another-terminal'
  | 'vehicle-not-in-roster'
  | 'terminal-not-in-roster'
  | 'live-session-elsewhere';

export interface RegistrationDecision {
  /** 0x8100 result: 0 success, 1 vehicle already registered, 2 no such vehicle, 3 terminal already registered, 4 no such terminal. */
  result: number;
  /** Success for a terminal the roster did not know, recorded as pending for an installer to confirm. */
  pending: boolean;
  /** The roster knows this phone: a refusal is reported to the platform as an alert on that terminal. */
  known: boolean;
  /** Set on every refusal. */
  reason?: RefusalReason;
}

/** What the roster knows that bears on one registration. */
export interface RegistrationFacts {
  /** The roster's entry for the registering phone. */
  terminal?: {
    /** Null when the roster was loaded without it: the first registration names it. */
    terminalId: string | null;
    pending: boolean;
    /** The vehicle it is installed in, if any. */
    vehicle: { plate: string; plateColor: number; vin: string | null } | null;
  };
  /** The vehicle the registration's plate (or VIN, with plate colour 0) names in the roster. */
  plateVehicle?: {
    /** Phone of the terminal installed in it, if any. */
    terminalPhone: string | null;
    /** It has an installation job planned and not done yet. */
    plannedInstallation: boolean;
  };
}

/** What one terminal is, as a roster file records it. */
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
