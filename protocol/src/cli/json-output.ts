/**
 * Compact JSON, or indented JSON that keeps small things on one line: arrays of plain values
 * (`"alarmFlags": ["emergency", "gnssAntennaOpen"]` reads as one fact, not four lines) and short
 * objects of plain values (`{"id": "0x0001", "name": "heartbeatInterval", "value": 30}`).
 */
export function formatJson(value: unknown, pretty: boolean): string {
  return pretty ? indented(value, '') : JSON.stringify(value);
}

/** Longest object kept on one line. */
const MAX_INLINE_OBJECT = 72;

function indented(value: unknown, indent: string): string {
  if (isPlain(value)) return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isPlain)) return `[${value.map((item) => JSON.stringify(item) ?? 'null').join(', ')}]`;
    return `[\n${value.map((item) => inner + indented(item, inner)).join(',\n')}\n${indent}]`;
  }
  const fields = Object.entries(value as object).filter(([, field]) => field !== undefined);
  if (fields.length === 0) return '{}';
  if (fields.every(([, field]) => isPlain(field))) {
    const line = `{${fields.map(([key, field]) => `${JSON.stringify(key)}: ${JSON.stringify(field)}`).join(', ')}}`;
    if (line.length <= MAX_INLINE_OBJECT) return line;
  }
  const lines = fields.map(([key, field]) => `${inner}${JSON.stringify(key)}: ${indented(field, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

function isPlain(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}
