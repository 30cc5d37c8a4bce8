import { bcdByteValue } from '../codec/bcd.js';
import { Jt808Error } from '../errors.js';

/** Terminals report BCD[6] YYMMDDhhmmss in Beijing time (GMT+8). */
const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * Reads BCD[6] at `offset` as an exact instant. All-zero time (sent by some firmware before the
 * first fix) and impossible calendar values (month 13, 31 February) decode to null rather than
 * failing the whole frame:
 * the fix is still worth keeping and is flagged by the platform's quality rules.
 */
export function readBcdTime(buf: Uint8Array, offset: number): Date | null {
  const yy = bcdAt(buf, offset);
  const month = bcdAt(buf, offset + 1);
  const day = bcdAt(buf, offset + 2);
  const hour = bcdAt(buf, offset + 3);
  const minute = bcdAt(buf, offset + 4);
  const second = bcdAt(buf, offset + 5);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2000 + yy, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return new Date(utcMs(yy, month, day, hour, minute, second) - BEIJING_OFFSET_MS);
}

/** Days from 1970-01-01 to 2000-01-01. */
const DAYS_TO_2000 = 10_957;
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/**
 * Date.UTC for year 2000 + yy, done in plain arithmetic: Date.UTC is a runtime call costing ~25 ns,
 * a noticeable share of a location decode. In 2000-2099 every fourth year is a leap year (2000
 * included), so no century rule applies.
 */
function utcMs(yy: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const leapDaysInEarlierYears = (yy + 3) >> 2;
  const leapDayThisYear = month > 2 && yy % 4 === 0 ? 1 : 0;
  const dayOfYear = DAYS_BEFORE_MONTH[month - 1]! + leapDayThisYear + day - 1;
  const days = DAYS_TO_2000 + yy * 365 + leapDaysInEarlierYears + dayOfYear;
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000;
}

function bcdAt(buf: Uint8Array, offset: number): number {
  const value = bcdByteValue(buf[offset]!);
  if (value < 0) {
    throw new Jt808Error(
      'bad-bcd',
      `time byte 0x${buf[offset]!.toString(16)} is not packed BCD`,
      buf.subarray(offset, offset + 1),
    );
  }
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

/** Writes `time` (or zeros for null) as BCD[6] Beijing time. Years outside 2000..2099 are an error. */
export function writeBcdTime(time: Date | null, out: Uint8Array, offset: number): void {
  if (time === null) {
    out.fill(0, offset, offset + 6);
    return;
  }
  const t = time.getTime();
  if (!Number.isFinite(t)) throw new Jt808Error('bad-value', 'time is an invalid Date');
  const beijing = new Date(t + BEIJING_OFFSET_MS);
  const year = beijing.getUTCFullYear();
  if (year < 2000 || year > 2099) throw new Jt808Error('bad-value', `year ${year} cannot be sent as BCD YY`);
  const parts = [
    year - 2000,
    beijing.getUTCMonth() + 1,
    beijing.getUTCDate(),
    beijing.getUTCHours(),
    beijing.getUTCMinutes(),
    beijing.getUTCSeconds(),
  ];
  for (let i = 0; i < 6; i++) {
    const v = parts[i]!;
    out[offset + i] = (((v / 10) | 0) << 4) | (v % 10);
  }
}
