import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Registration } from '@jt808/protocol';
import type { RegistrationDecision, Roster, TerminalRecord, UnknownTerminalPolicy } from './roster.js';
import { decideRegistration } from './roster-rules.js';

interface RosterFile {
  terminals: TerminalRecord[];
  /** phone -> hex SHA-256 of the last auth code issued. */
  authCodeHashes: Record<string, string>;
}

/**
 * Roster kept in one JSON file: the interim store until the platform's database owns the roster.
 * Every change is written (atomically, by rename) before the call resolves, so an auth code is never
 * sent to a terminal whose hash could still be lost. Writes that arrive together share one write.
 * One process owns the file; gateway workers reach it through `IpcRoster`.
 */
export class FileRoster implements Roster {
  private readonly terminals = new Map<string, TerminalRecord>();
  private readonly plates = new Map<string, string>();
  private readonly hashes = new Map<string, string>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    private readonly path: string | undefined,
    private readonly policy: UnknownTerminalPolicy,
  ) {}

  /** Loads `path` (a missing file is an empty roster); without a path the roster lives in memory only. */
  static async open(path: string | undefined, policy: UnknownTerminalPolicy): Promise<FileRoster> {
    const roster = new FileRoster(path, policy);
    if (path) {
      await mkdir(dirname(path), { recursive: true });
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (text !== undefined) roster.load(JSON.parse(text) as RosterFile);
    }
    return roster;
  }

  private load(file: RosterFile): void {
    for (const record of file.terminals ?? []) this.remember(record);
    for (const [phone, hash] of Object.entries(file.authCodeHashes ?? {})) this.hashes.set(phone, hash);
  }

  private remember(record: TerminalRecord): void {
    this.terminals.set(record.phone, record);
    if (record.plate) this.plates.set(plateKey(record.plate, record.plateColor), record.phone);
  }

  /** Adds or replaces terminals the platform knows (roster import). */
  async upsert(records: TerminalRecord[]): Promise<void> {
    for (const record of records) this.remember(record);
    await this.persist();
  }

  async register(phone: string, registration: Registration): Promise<RegistrationDecision> {
    const known = this.terminals.get(phone);
    const holder = this.plates.get(plateKey(registration.plate, registration.plateColor));
    const decision = decideRegistration(phone, registration, known, holder, this.policy);
    if (decision.result === 0) {
      this.remember({
        phone,
        terminalId: registration.terminalId,
        plate: registration.plate,
        plateColor: registration.plateColor,
        pending: decision.pending,
      });
      await this.persist();
    }
    return decision;
  }

  async saveAuthCodeHash(phone: string, hash: Buffer): Promise<void> {
    this.hashes.set(phone, hash.toString('hex'));
    await this.persist();
  }

  async authCodeHash(phone: string): Promise<Buffer | undefined> {
    const hex = this.hashes.get(phone);
    return hex === undefined ? undefined : Buffer.from(hex, 'hex');
  }

  lookup(phone: string): TerminalRecord | undefined {
    return this.terminals.get(phone);
  }

  async close(): Promise<void> {
    await this.writing;
  }

  private persist(): Promise<void> {
    if (!this.path) return Promise.resolve();
    this.dirty = true;
    this.writing = this.writing.then(() => this.flush());
    return this.writing;
  }

  private async flush(): Promise<void> {
    if (!this.dirty || !this.path) return;
    this.dirty = false;
    const file: RosterFile = {
      terminals: [...this.terminals.values()],
      authCodeHashes: Object.fromEntries(this.hashes),
    };
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(file));
    await rename(temporary, this.path);
  }
}

function plateKey(plate: string, color: number | undefined): string {
  return `${color ?? 0}:${plate}`;
}
