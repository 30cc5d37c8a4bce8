import { type FileHandle, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { normalizePhone, type Registration } from '@jt808/protocol';
import type {
  RegistrationDecision,
  RegistrationFacts,
  Roster,
  TerminalRecord,
  UnknownTerminalPolicy,
} from './roster.js';
import { decideRegistration } from './roster-rules.js';

/** One line of the roster log: a terminal record, or the hash of the auth code issued to a phone. */
type LogLine = { terminal: TerminalRecord } | { authCode: { phone: string; hash: string } };

/**
 * Roster kept in a JSON-lines log, for a gateway run without the platform's database (and tests);
 * with a database the gateways share the platform's roster instead (PostgresRoster).
 * Each change is one appended line, fsynced before the call resolves (so an auth code is never sent
 * to a terminal whose hash could still be lost); changes that arrive together share one write and
 * one fsync. The log is compacted when it is opened. Appending keeps a registration's cost flat
 * however large the roster grows (rewriting a whole file per registration would not).
 * One process owns the file; gateway workers reach it through `IpcRoster`.
 */
export class FileRoster implements Roster {
  private readonly terminals = new Map<string, TerminalRecord>();
  private readonly plates = new Map<string, string>();
  private readonly hashes = new Map<string, string>();
  private handle: FileHandle | undefined;
  private queued: string[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(private readonly policy: UnknownTerminalPolicy) {}

  /** Loads `path` (a missing file is an empty roster); without a path the roster lives in memory only. */
  static async open(path: string | undefined, policy: UnknownTerminalPolicy): Promise<FileRoster> {
    const roster = new FileRoster(policy);
    if (!path) return roster;
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    for (const line of text.split('\n')) {
      if (line.trim() !== '') roster.apply(JSON.parse(line) as LogLine);
    }
    const compacted = `${path}.${process.pid}.tmp`;
    await writeFile(compacted, roster.snapshot());
    await rename(compacted, path);
    roster.handle = await open(path, 'a');
    return roster;
  }

  private apply(line: LogLine): void {
    if ('terminal' in line) this.remember(line.terminal);
    else this.hashes.set(normalizePhone(line.authCode.phone), line.authCode.hash);
  }

  private snapshot(): string {
    const lines: LogLine[] = [
      ...[...this.terminals.values()].map((terminal) => ({ terminal })),
      ...[...this.hashes].map(([phone, hash]) => ({ authCode: { phone, hash } })),
    ];
    return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  }

  /**
   * Keyed by the phone without leading zeros, as the platform keys terminals: a 2013 header carries
   * it in 12 digits and a 2019 header in 20, and a file may hold either.
   */
  private remember(record: TerminalRecord): void {
    const phone = normalizePhone(record.phone);
    this.terminals.set(phone, { ...record, phone });
    if (record.plate) this.plates.set(plateKey(record.plate, record.plateColor), phone);
  }

  async register(
    wirePhone: string,
    registration: Registration,
    authCodeHash: Buffer,
  ): Promise<RegistrationDecision> {
    const phone = normalizePhone(wirePhone);
    const decision = decideRegistration(phone, registration, this.factsFor(phone, registration), this.policy);
    if (decision.result !== 0) return decision;
    const known = this.terminals.get(phone);
    const plate = registration.plate.trim();
    const terminal: TerminalRecord = {
      phone,
      terminalId: known?.terminalId ?? registration.terminalId.trim(),
      plate: known?.plate ?? (plate === '' ? undefined : plate),
      plateColor: known?.plate ? known.plateColor : registration.plateColor,
      pending: decision.pending,
    };
    const hash = authCodeHash.toString('hex');
    this.remember(terminal);
    this.hashes.set(phone, hash);
    await this.append([{ terminal }, { authCode: { phone, hash } }]);
    return decision;
  }

  private factsFor(phone: string, registration: Registration): RegistrationFacts {
    const known = this.terminals.get(phone);
    const holder = this.plates.get(plateKey(registration.plate.trim(), registration.plateColor));
    return {
      terminal: known && {
        terminalId: known.terminalId || null,
        pending: known.pending ?? false,
        vehicle: known.plate ? { plate: known.plate, plateColor: known.plateColor ?? 0, vin: null } : null,
      },
      plateVehicle: holder === undefined ? undefined : { terminalPhone: holder, plannedInstallation: false },
    };
  }

  async authCodeHash(phone: string): Promise<Buffer | undefined> {
    const hex = this.hashes.get(normalizePhone(phone));
    return hex === undefined ? undefined : Buffer.from(hex, 'hex');
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Resolves once the lines are on disk; lines queued during a write go out together in the next. */
  private async append(lines: LogLine[]): Promise<void> {
    if (!this.handle) return;
    for (const line of lines) this.queued.push(`${JSON.stringify(line)}\n`);
    while (this.flushing) await this.flushing;
    if (this.queued.length === 0) return; // an earlier flush took our lines
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async flush(): Promise<void> {
    const text = this.queued.join('');
    this.queued = [];
    await this.handle!.appendFile(text);
    await this.handle!.datasync();
  }
}

function plateKey(plate: string, color: number | undefined): string {
  return `${color ?? 0}:${plate}`;
}
