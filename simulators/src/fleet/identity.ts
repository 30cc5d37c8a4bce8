import type { Edition } from '@jt808/protocol';
import { CITIES, homeCityOf } from '../geo/henan.js';
import { hashUnit, Salt } from './random.js';

/** Who terminal number `index` is. Everything here follows from the index and the fleet settings. */
export interface TerminalIdentity {
  index: number;
  /** The SIM number as configured: 12 digits, the phone base plus the index. */
  phone: string;
  /** The phone as the gateway reads it from the header (2019 widens it to 20 digits). */
  wirePhone: string;
  edition: Edition;
  /** 7 capital letters and digits. */
  terminalId: string;
  /** 豫 + the home city's letter + five characters. */
  plate: string;
  /** Index into CITIES. */
  homeCity: number;
}

export interface IdentitySettings {
  /** Up to 12 digits; terminal i gets base + i. */
  phoneBase: string;
  /** Share of terminals speaking the 2019 edition (the rest speak 2013). */
  share2019: number;
  seed: number;
}

export const PHONE_DIGITS = 12;
/** Plate characters after the city letter: digits and capitals without I and O (GA 36). */
const PLATE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Two plate characters from the alphabet, then three digits: this many distinct plates per letter. */
export const MAX_TERMINAL_INDEX = PLATE_ALPHABET.length ** 2 * 1000 - 1;

export function phoneOf(index: number, phoneBase: string): string {
  const phone = (BigInt(phoneBase) + BigInt(index)).toString().padStart(PHONE_DIGITS, '0');
  if (phone.length > PHONE_DIGITS) {
    throw new RangeError(`phone base ${phoneBase} + ${index} has more than ${PHONE_DIGITS} digits`);
  }
  return phone;
}

/** The header's phone field: 6 BCD bytes before 2019, 10 in 2019 (left-padded with zeros). */
export function wirePhoneOf(phone: string, edition: Edition): string {
  return edition === '2019' ? phone.padStart(20, '0') : phone;
}

function editionOf(index: number, settings: Pick<IdentitySettings, 'share2019' | 'seed'>): Edition {
  return hashUnit(settings.seed, Salt.edition, index) < settings.share2019 ? '2019' : '2013';
}

export function terminalIdOf(index: number): string {
  return `FS${index.toString(36).toUpperCase().padStart(5, '0')}`;
}

/** Unique per index (up to MAX_TERMINAL_INDEX) whatever the city letter, so no two terminals share a plate. */
export function plateOf(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_TERMINAL_INDEX) {
    throw new RangeError(`terminal index ${index} is outside 0..${MAX_TERMINAL_INDEX}`);
  }
  const thousands = Math.floor(index / 1000);
  const base = PLATE_ALPHABET.length;
  const letters = PLATE_ALPHABET[Math.floor(thousands / base)]! + PLATE_ALPHABET[thousands % base]!;
  const city = CITIES[homeCityOf(index)]!;
  return `豫${city.plateLetter}${letters}${String(index % 1000).padStart(3, '0')}`;
}

export function identityOf(index: number, settings: IdentitySettings): TerminalIdentity {
  const phone = phoneOf(index, settings.phoneBase);
  const edition = editionOf(index, settings);
  return {
    index,
    phone,
    wirePhone: wirePhoneOf(phone, edition),
    edition,
    terminalId: terminalIdOf(index),
    plate: plateOf(index),
    homeCity: homeCityOf(index),
  };
}
