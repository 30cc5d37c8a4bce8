import { describe, expect, it } from 'vitest';
import { copyLine, copyValue } from '../src/ingest/copy-text.js';

describe('COPY text format', () => {
  it('writes null, numbers, booleans and dates as PostgreSQL reads them', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue(-12.5)).toBe('-12.5');
    expect(copyValue(4294967295)).toBe('4294967295');
    expect(copyValue(true)).toBe('true');
    expect(copyValue(new Date('2026-11-23T07:30:45Z'))).toBe('2026-11-23T07:30:45.000Z');
  });

  it('escapes backslash, tab, newline and carriage return in text and JSON', () => {
    expect(copyValue('豫A12345')).toBe('豫A12345');
    expect(copyValue('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyValue({ note: 'x\ty' })).toBe('{"note":"x\\\\ty"}');
  });

  it('joins a row with tabs and ends it with a newline', () => {
    expect(copyLine(['1', null, 2])).toBe('1\t\\N\t2\n');
  });
});
