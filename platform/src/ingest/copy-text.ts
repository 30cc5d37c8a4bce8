const NEEDS_ESCAPE = /[\\\t\n\r]/;

/**
 * One value in PostgreSQL's COPY text format: \N for null, and backslash, tab, newline and carriage
 * return escaped (JSON and GBK-decoded text can contain any of them). Numbers, booleans and dates
 * never need escaping, and most text does not: only text that does pays for the replace.
 */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'string':
      return escaped(value);
    default:
      return value instanceof Date ? value.toISOString() : escaped(JSON.stringify(value));
  }
}

function escaped(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** One row: values tab-separated, ending in a newline. */
export function copyLine(values: readonly unknown[]): string {
  let line = copyValue(values[0]);
  for (let i = 1; i < values.length; i++) line += `\t${copyValue(values[i])}`;
  return `${line}\n`;
}
