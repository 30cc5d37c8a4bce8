import { type FileHandle, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Registration } from '@jt808/protocol';
import type { RegistrationDecision, Roster, TerminalRecord, UnknownTerminalPolicy } from './roster.js';
import { decideRegistration } from './roster-rules.js';

/** One line of the roster log: a terminal record, or the hash of the auth code issued to a phone. */
type LogLine = { terminal: TerminalRecord } | { authCode: { phone: string; hash: string } };

/**
 * Roster kept in a JSON-lines log: the interim store until the platform's database owns the roster.
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
    else this.hashes.set(line.authCode.phone, line.authCode.hash);
  }

  private snapshot(): string {
    const lines: LogLine[] = [
      ...[...this.terminals.values()].map((terminal) => ({ terminal })),
      ...[...this.hashes].map(([phone, hash]) => ({ authCode: { phone, hash } })),
    ];
    return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  }

  private remember(record: TerminalRecord): void {
    this.terminals.set(record.phone, record);
    if (record.plate) this.plates.set(plateKey(record.plate, record.plateColor), record.phone);
  }

  /** Adds or replaces terminals the platform knows (roster import). */
  async upsert(records: TerminalRecord[]): Promise<void> {
    for (const record of records) this.remember(record);
    await this.append(records.map((terminal) => ({ terminal })));
  }

  async register(phone: string, registration: Registration): Promise<RegistrationDecision> {
    const known = this.terminals.get(phone);
    const holder = this.plates.get(plateKey(registration.plate, registration.plateColor));
    const decision = decideRegistration(phone, registration, known, holder, this.policy);
    if (decision.result === 0) {
      const terminal = {
        phone,
        terminalId: registration.terminalId,
        plate: registration.plate,
        plateColor: registration.plateColor,
        pending: decision.pending,
      };
      this.remember(terminal);
      await this.append([{ terminal }]);
    }
    return decision;
  }

  async saveAuthCodeHash(phone: string, hash: Buffer): Promise<void> {
    const hex = hash.toString('hex');
    this.hashes.set(phone, hex);
    await this.append([{ authCode: { phone, hash: hex } }]);
  }

  async authCodeHash(phone: string): Promise<Buffer | undefined> {
    const hex = this.hashes.get(phone);
    return hex === undefined ? undefined : Buffer.from(hex, 'hex');
  }

  lookup(phone: string): TerminalRecord | undefined {
    return this.terminals.get(phone);
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
