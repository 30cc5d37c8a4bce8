/** Something that must be unique within a file: `what` names it in the message (plate and colour). */
export interface UniqueKey {
  what: string;
  value: string;
}

/** Remembers the line of the first row with each unique key, to reject the rows repeating it. */
export class FirstLines {
  /** Line by value, for each kind of key. */
  private readonly lines = new Map<string, Map<string, number>>();

  /** Takes the keys for `line`, or says which earlier line has one of them (and takes none). */
  claim(line: number, keys: readonly UniqueKey[]): string | undefined {
    for (const key of keys) {
      const first = this.lines.get(key.what)?.get(key.value);
      if (first !== undefined) return `duplicate of line ${first} (same ${key.what})`;
    }
    for (const key of keys) {
      const lines = this.lines.get(key.what) ?? new Map<string, number>();
      this.lines.set(key.what, lines.set(key.value, line));
    }
    return undefined;
  }
}
