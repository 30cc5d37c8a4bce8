import { type Parameter, TERMINAL_PARAMETERS } from '@jt808/protocol';

/**
 * The two ends of a downlink command as JSON: parameter values typed the way the terminal
 * parameter table says (a form sends "30" for a DWORD, or 12345 for a STRING), and a decoded
 * answer that JSON can carry (bytes as hex) with each parameter named.
 */

/** A parameter value as the codec wants it: a number for integer ids, text for STRING ids. */
export function typedParameter(id: number, value: number | string): Parameter {
  const type = TERMINAL_PARAMETERS.get(id)?.type;
  if (type === 'STRING') return { id, value: String(value) };
  if (type === 'BYTES' || type === undefined) {
    // Raw parameters are given as hex.
    const hex = String(value).replace(/\s+/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new RangeError(`parameter ${id} takes hex bytes`);
    return { id, value: Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16)) };
  }
  const number = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isInteger(number) || number < 0)
    throw new RangeError(`parameter ${id} takes a whole number (${type})`);
  return { id, value: number };
}

/** A decoded body made JSON-friendly: byte arrays become hex, terminal parameters get their names. */
export function readableBody(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(readableBody);
  const entries = Object.entries(value).map(([key, item]) => [key, readableBody(item)] as const);
  const body = Object.fromEntries(entries) as Record<string, unknown>;
  if (Array.isArray(body.parameters)) {
    body.parameters = body.parameters.map((parameter: { id: number; value: unknown }) => {
      const info = TERMINAL_PARAMETERS.get(parameter.id);
      return info
        ? { ...parameter, name: info.name, zh: info.zh, ...(info.unit ? { unit: info.unit } : {}) }
        : parameter;
    });
  }
  return body;
}
