import { CliInputError } from './input-error.js';

/**
 * Turns what a field engineer pastes into frames. The text is cut into alphanumeric tokens; a token
 * that is an even number of hex digits (after an optional `0x`) is bytes, anything else ("INFO",
 * "rx", a bracket) ends a hex run. So `7E 02 00`, `7e:02:00`, `0x7e,0x02,0x00` and `7e0200` all read
 * the same, and a log prefix such as `2026-11-23 10:00:01 INFO rx` is left behind.
 *
 * Of the runs on a line, one holding a 0x7e flag wins over one without; otherwise the longest wins.
 * Within that run, frames are the stretches between flags:
 * - two or more flags: every non-empty stretch between two flags is a frame (back-to-back frames
 *   `7e...7e7e...7e` give several); bytes before the first or after the last flag are log noise
 *   that happened to be hex (a timestamp, a byte count) and are dropped;
 * - one flag: a paste that lost its other flag; the longer side is the frame;
 * - no flag: the run is one frame pasted without its flags.
 */
export function framesInText(text: string): Uint8Array[] {
  const run = bestRun(hexRuns(text));
  if (run === undefined) {
    throw new CliInputError('no-hex', 'no hex bytes found (hex digits in pairs, e.g. 7e0002...7e)');
  }
  const frames = splitAtFlags(Buffer.from(run, 'hex'));
  if (frames.length === 0) throw new CliInputError('no-hex', 'only 0x7e flags, no frame between them');
  return frames;
}

/**
 * Strict hex for JSON fields that hold bytes: digits in pairs, optionally with `0x` in front and
 * spaces or colons between bytes.
 */
export function hexToBytes(hex: string, what: string): Uint8Array {
  const digits = hex.replace(/0x/gi, '').replace(/[\s:]/g, '');
  if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) {
    throw new CliInputError('bad-input', `${what} must be hex digits in pairs, got "${hex}"`);
  }
  return Buffer.from(digits, 'hex');
}

const FLAG = 0x7e;
const EVEN_HEX = /^(?:[0-9a-f]{2})+$/i;

/** Maximal stretches of byte tokens, as lowercase hex. */
function hexRuns(text: string): string[] {
  const runs: string[] = [];
  let current = '';
  for (const [token] of text.matchAll(/[0-9a-z]+/gi)) {
    const digits = /^0x/i.test(token) ? token.slice(2) : token;
    if (EVEN_HEX.test(digits)) {
      current += digits.toLowerCase();
    } else if (current !== '') {
      runs.push(current);
      current = '';
    }
  }
  if (current !== '') runs.push(current);
  return runs;
}

function bestRun(runs: string[]): string | undefined {
  let best: string | undefined;
  let bestHasFlag = false;
  for (const run of runs) {
    const hasFlag = hasFlagByte(run);
    if (
      best === undefined ||
      (hasFlag && !bestHasFlag) ||
      (hasFlag === bestHasFlag && run.length > best.length)
    ) {
      best = run;
      bestHasFlag = hasFlag;
    }
  }
  return best;
}

/** "7e" on a byte boundary: "17e0" holds the digits but not the byte. */
function hasFlagByte(run: string): boolean {
  for (let i = run.indexOf('7e'); i !== -1; i = run.indexOf('7e', i + 1)) {
    if (i % 2 === 0) return true;
  }
  return false;
}

function splitAtFlags(bytes: Buffer): Uint8Array[] {
  const flags: number[] = [];
  for (let i = bytes.indexOf(FLAG); i !== -1; i = bytes.indexOf(FLAG, i + 1)) flags.push(i);
  if (flags.length === 0) return [bytes];
  if (flags.length === 1) {
    const before = bytes.subarray(0, flags[0]);
    const after = bytes.subarray(flags[0]! + 1);
    const frame = after.length >= before.length ? after : before;
    return frame.length > 0 ? [frame] : [];
  }
  const frames: Uint8Array[] = [];
  for (let k = 1; k < flags.length; k++) {
    const start = flags[k - 1]! + 1;
    const end = flags[k]!;
    if (end > start) frames.push(bytes.subarray(start, end));
  }
  return frames;
}

/** Hex digits in the smallest frame: a 2013 header (12 bytes) and the check code. */
const MIN_FRAME_DIGITS = 26;

/**
 * The lines that `decode HEX...` arguments stand for. Each argument is one line, except that an
 * unquoted spaced dump (`jt808 decode 7E 00 02 ...`) reaches us as one argument per byte: no frame
 * is that short, so when any argument is, the arguments are the pieces of one line.
 */
export function hexArgumentLines(args: string[]): string[] {
  const digits = (arg: string) => arg.replace(/0x/gi, '').replace(/[^0-9a-f]/gi, '').length;
  return args.some((arg) => digits(arg) < MIN_FRAME_DIGITS) ? [args.join(' ')] : args;
}
