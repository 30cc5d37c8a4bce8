/**
 * Splits changes into rounds in which each key appears at most once, each key's changes keeping
 * their order: applying the rounds one after another, each as one set-based statement, has the
 * effect of applying the changes one by one in arrival order, as long as changes to different keys
 * do not depend on each other.
 */
export function rounds<T>(changes: readonly T[], keyOf: (change: T) => string): T[][] {
  const seen = new Map<string, number>();
  const result: T[][] = [];
  for (const change of changes) {
    const key = keyOf(change);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    if (round === result.length) result.push([]);
    result[round]!.push(change);
  }
  return result;
}

/** The changes ordered by phone: concurrent writers lock rows in one order and cannot deadlock. */
export function byPhone<T extends { phone: string }>(changes: T[]): T[] {
  return changes.sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0));
}

/** One array per field, in the order given: the parameters of an `unnest($1::…[], $2::…[], …)`. */
export function columns<T>(rows: readonly T[], fields: readonly (keyof T)[]): unknown[][] {
  return fields.map((field) => rows.map((row) => row[field]));
}
