import { normalizePhone } from '@jt808/protocol';

/**
 * Parsers for the cells of a roster file. Each takes the trimmed, non-empty text of a cell and
 * returns its value, or throws CellError saying what is wrong with it (the caller adds the column
 * name and the text). Identifiers go through NFKC first: spreadsheets typed with a Chinese input
 * method often hold full-width letters and digits (Ａ１２３), which are the same identifier.
 */

export class CellError extends Error {
  override readonly name = 'CellError';
}

export type CellParser<T> = (text: string) => T;

/** Free text (names, addresses, notes): kept as written. */
export const text: CellParser<string> = (value) => value;

/** A code that other files refer to (center, enterprise, service point), or a terminal id. */
export const code: CellParser<string> = (value) => {
  const normal = value.normalize('NFKC').trim();
  if (/[\r\n]/.test(normal)) throw new CellError('a code on more than one line');
  return normal;
};

const WHOLE_NUMBER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function numberIn(min: number, max: number, form: RegExp, notIt: string): CellParser<number> {
  return (value) => {
    const digits = value.normalize('NFKC');
    if (!form.test(digits)) throw new CellError(notIt);
    const number = Number(digits);
    if (number < min || number > max) throw new CellError(`out of range ${min}..${max}`);
    return number;
  };
}

export function integer(min: number, max: number): CellParser<number> {
  return numberIn(min, max, WHOLE_NUMBER, 'not a whole number');
}

export const latitude = numberIn(-90, 90, DECIMAL_NUMBER, 'not a number');
export const longitude = numberIn(-180, 180, DECIMAL_NUMBER, 'not a number');

/** JT/T 415 plate colours, as JT/T 808 carries them in registration and the schema stores them. */
const PLATE_COLORS: ReadonlyArray<{ code: number; names: readonly string[] }> = [
  { code: 1, names: ['蓝', '蓝色', 'blue'] },
  { code: 2, names: ['黄', '黄色', 'yellow'] },
  { code: 3, names: ['黑', '黑色', 'black'] },
  { code: 4, names: ['白', '白色', 'white'] },
  { code: 9, names: ['其他', '其它', 'other'] },
  // The plate field holds the VIN: vehicles without a plate yet.
  { code: 0, names: [] },
];
/** The plate colours accepted, for messages and the template. */
export const PLATE_COLOR_CHOICES = '1 蓝 blue, 2 黄 yellow, 3 黑 black, 4 白 white, 9 其他 other, 0 VIN';

const PLATE_COLOR_BY_TEXT = new Map<string, number>(
  PLATE_COLORS.flatMap(({ code, names }) => [[String(code), code], ...names.map((n) => [n, code] as const)]),
);

export const plateColor: CellParser<number> = (value) => {
  const color = PLATE_COLOR_BY_TEXT.get(value.normalize('NFKC').toLowerCase());
  if (color === undefined) {
    throw new CellError(`not a plate colour (${PLATE_COLOR_CHOICES})`);
  }
  return color;
};

/**
 * A plate as registered: 豫A12345. People write it with spaces, a middle dot (豫A·12345, as on the
 * plate itself) or a hyphen, and in lower case; none of that makes another vehicle.
 */
export const plate: CellParser<string> = (value) => {
  const compact = value
    .normalize('NFKC')
    .replace(/[\s·•・-]/g, '')
    .toUpperCase();
  if (!/^[\p{Script=Han}A-Z0-9]+$/u.test(compact)) {
    throw new CellError('not a plate (Chinese characters, letters and digits)');
  }
  return compact;
};

/** ISO 3779 vehicle identification number: 17 letters and digits, never I, O or Q. */
export const vin: CellParser<string> = (value) => {
  const compact = value.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(compact)) {
    throw new CellError('not a VIN (17 letters and digits, without I, O and Q)');
  }
  return compact;
};

/**
 * A terminal's phone (SIM) number as the platform keys it: digits without leading zeros, so the
 * 12-digit BCD form of JT/T 808-2013 and the 20-digit form of 2019 name the same terminal.
 */
export const phone: CellParser<string> = (value) => {
  const digits = value.normalize('NFKC').replace(/[\s-]/g, '');
  if (/^\d+(\.\d+)?e\+?\d+$/i.test(digits)) {
    throw new CellError('the spreadsheet turned it into a rounded number; format the column as text');
  }
  if (!/^\d+$/.test(digits)) throw new CellError('not a phone number (digits only)');
  const phone = normalizePhone(digits);
  if (phone === '0') throw new CellError('no terminal has phone number 0');
  if (phone.length > 20) throw new CellError('longer than the 20 digits of a JT/T 808-2019 header');
  return phone;
};

export const edition: CellParser<'2011' | '2013' | '2019'> = (value) => {
  const year = /^(?:JT\/?T\s*808\s*[-—–]\s*)?(2011|2013|2019)$/i.exec(value.normalize('NFKC').trim())?.[1];
  if (year === undefined) throw new CellError('not a JT/T 808 edition (2011, 2013 or 2019)');
  return year as '2011' | '2013' | '2019';
};

// Year, month, day as spreadsheets write them: 2024-03-05, 2024/3/5, 2024.03.05, 20240305,
// 2024年3月5日; then, for timestamps, an optional time of day.
const DATE = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))/;
const TIME =
  /^(?:[T\s]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?|分)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DATE_EXAMPLE = '2024-03-05, 2024/3/5 or 2024年3月5日';

/** Roster files are written in China: a time without a zone is Beijing time (no daylight saving). */
const LOCAL_OFFSET = '+08:00';

/** A calendar date, as YYYY-MM-DD. */
export const date: CellParser<string> = (value) => {
  const normal = value.normalize('NFKC').trim();
  const match = DATE.exec(normal);
  if (match === null || match[0] !== normal) throw new CellError(`not a date (${DATE_EXAMPLE})`);
  return calendarDate(match);
};

/** A moment, as ISO 8601 with its offset (Beijing time unless the cell names a zone). */
export const timestamp: CellParser<string> = (value) => {
  const normal = value.normalize('NFKC').trim();
  const day = DATE.exec(normal);
  const time = day === null ? null : TIME.exec(normal.slice(day[0].length));
  if (day === null || time === null) throw new CellError(`not a date and time (${DATE_EXAMPLE}, then 08:30)`);
  const [hour, minute, second] = [time[1], time[2], time[3]].map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59) throw new CellError('not a time of day');
  const zone = time[4] === undefined ? LOCAL_OFFSET : time[4].toUpperCase();
  return `${calendarDate(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${zone}`;
};

function calendarDate(match: RegExpExecArray): string {
  const year = Number(match[1]);
  const month = Number(match[2] ?? match[4]);
  const day = Number(match[3] ?? match[5]);
  // Date.UTC rolls 2024-02-30 over into March; a date that does not come back as given is no date.
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new CellError('no such day');
  }
  return `${match[1]}-${pad(month)}-${pad(day)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * A person's phone number (a vehicle owner's, an installer's), kept as dialled: the desk finds an
 * owner by the number a caller gives, so spaces, hyphens and brackets of the written form go, and
 * leading zeros (an area code) stay, unlike a terminal's SIM (`phone`).
 */
export const contactPhone: CellParser<string> = (value) => {
  const digits = value.normalize('NFKC').replace(/[\s()-]/g, '');
  if (/^\d+(\.\d+)?e\+?\d+$/i.test(digits)) {
    throw new CellError('the spreadsheet turned it into a rounded number; format the column as text');
  }
  if (!/^\+?\d{5,20}$/.test(digits)) throw new CellError('not a phone number (5 to 20 digits, + allowed)');
  return digits;
};

/**
 * An identity document's number: the 18 characters of a resident identity card (last one a digit or
 * X), the 15 digits of an old one, or a passport's or other document's letters and digits. Checked
 * for form only: an owner may hold a document whose checksum rules we do not know.
 */
export const idNumber: CellParser<string> = (value) => {
  const compact = value.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (!/^[0-9A-Z]{6,32}$/.test(compact))
    throw new CellError('not an identity number (6 to 32 letters and digits)');
  return compact;
};

/** How a terminal was shipped, as the warranty rules tell them apart (after-sales/warranty.ts). */
export const SHIP_MODES = ['express', 'freight'] as const;
export type ShipMode = (typeof SHIP_MODES)[number];
const SHIP_MODE_BY_TEXT = new Map<string, ShipMode>([
  ['express', 'express'],
  ['快递', 'express'],
  ['freight', 'freight'],
  ['物流', 'freight'],
  ['货运', 'freight'],
  ['托运', 'freight'],
]);
export const SHIP_MODE_CHOICES = '快递 express, 物流/货运/托运 freight';

export const shipMode: CellParser<ShipMode> = (value) => {
  const mode = SHIP_MODE_BY_TEXT.get(value.normalize('NFKC').trim().toLowerCase());
  if (mode === undefined) throw new CellError(`not a ship mode (${SHIP_MODE_CHOICES})`);
  return mode;
};

const YES = new Set(['是', '在职', '有效', '启用', 'yes', 'y', 'true', '1']);
const NO = new Set(['否', '离职', '无效', '停用', 'no', 'n', 'false', '0']);

/** Yes or no, as spreadsheets write it: 是/否, 在职/离职, 启用/停用, yes/no, 1/0. */
export const yesNo: CellParser<boolean> = (value) => {
  const word = value.normalize('NFKC').trim().toLowerCase();
  if (YES.has(word)) return true;
  if (NO.has(word)) return false;
  throw new CellError('not yes or no (是/否, 在职/离职, 启用/停用, yes/no, 1/0)');
};

/** An amount in yuan with at most two decimals (1,234.50, ¥80), as integer fen: money is never a float. */
export const yuan: CellParser<number> = (value) => {
  const normal = value.normalize('NFKC').replace(/[\s,¥元]/g, '');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(normal);
  if (match === null) throw new CellError('not an amount in yuan (e.g. 120 or 120.50, at most two decimals)');
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
};
