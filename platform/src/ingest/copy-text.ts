/**
 * One value in PostgreSQL's COPY text format: \N for null, and backslash, tab, newline and carriage
 * return escaped (JSON and GBK-decoded text can contain any of them).
 */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

export function copyLine(values: unknown[]): string {
  return `${values.map(copyValue).join('\t')}\n`;
}
