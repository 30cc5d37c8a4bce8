import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Edition } from '@jt808/protocol';

/** What a terminal keeps across restarts, as firmware keeps its auth code in flash. */
export interface Credentials {
  authCode: string;
  edition: Edition;
  terminalId: string;
  plate: string;
}

/** Where a fleet keeps its terminals' credentials, keyed by phone (the configured 12 digits). */
export interface CredentialStore {
  get(phone: string): Credentials | undefined;
  set(phone: string, credentials: Credentials): void;
  delete(phone: string): void;
  /** Makes the changes durable (a file store writes the file); called periodically and on stop. */
  flush?(): Promise<void>;
}

export class MemoryCredentials implements CredentialStore {
  readonly entries: Map<string, Credentials>;

  constructor(entries: Iterable<[string, Credentials]> = []) {
    this.entries = new Map(entries);
  }

  get(phone: string): Credentials | undefined {
    return this.entries.get(phone);
  }

  set(phone: string, credentials: Credentials): void {
    this.entries.set(phone, credentials);
  }

  delete(phone: string): void {
    this.entries.delete(phone);
  }
}

/** A state file that cannot be used; the message names the file and the entry. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/**
 * The state file: one JSON object, phone → { authCode, edition, terminalId, plate }. It is written
 * whole to a temporary file and renamed over the old one, so a crash never leaves half a file.
 */
export class StateFile extends MemoryCredentials {
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    entries: Iterable<[string, Credentials]>,
  ) {
    super(entries);
  }

  /** Opens `path`; a missing file is an empty store. */
  static async open(path: string): Promise<StateFile> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new StateFile(path, []);
      throw new StateFileError(`state file ${path}: ${(error as Error).message}`);
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new StateFileError(`state file ${path}: not valid JSON (${(error as Error).message})`);
    }
    return new StateFile(path, parseStateDocument(document, `state file ${path}`));
  }

  override set(phone: string, credentials: Credentials): void {
    super.set(phone, credentials);
    this.dirty = true;
  }

  override delete(phone: string): void {
    super.delete(phone);
    this.dirty = true;
  }

  flush(): Promise<void> {
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const text = JSON.stringify(Object.fromEntries(this.entries));
    this.writing = this.writing.then(async () => {
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, this.path);
    });
    return this.writing;
  }
}

function parseStateDocument(document: unknown, source: string): [string, Credentials][] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new StateFileError(`${source}: must be a JSON object of phone → credentials`);
  }
  return Object.entries(document).map(([phone, value]) => {
    const where = `${source}: "${phone}"`;
    if (!/^\d{1,20}$/.test(phone)) throw new StateFileError(`${where}: the key must be a phone number`);
    const entry = value as Partial<Credentials> | null;
    if (typeof entry !== 'object' || entry === null) throw new StateFileError(`${where}: must be an object`);
    for (const field of ['authCode', 'terminalId', 'plate'] as const) {
      if (typeof entry[field] !== 'string') throw new StateFileError(`${where}.${field}: must be a string`);
    }
    if (entry.edition !== '2013' && entry.edition !== '2019') {
      throw new StateFileError(`${where}.edition: must be "2013" or "2019"`);
    }
    return [phone, entry as Credentials];
  });
}
