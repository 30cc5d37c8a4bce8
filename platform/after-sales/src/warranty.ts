import { EXCLUSIONS, type Exclusion } from '@jt808/api-contract';
import { addDays, addMonths, daysBetween, isDay } from './calendar.js';
import type { AfterSalesSettings } from './settings.js';

/**
 * Warranty, exchange and return rules of the service standard: when a unit's warranty starts and
 * ends, and which rule applies to a fault — return, exchange, free repair or paid repair — with the
 * reason in Chinese and English, what the customer's unit lost it (exclusions, its condition at
 * receipt), and who pays the freight. The one source of a unit's warranty: tickets, the warranty
 * answer, the archive and a swapped-in terminal all ask this module. Pure; dates are local
 * (Asia/Shanghai) YYYY-MM-DD.
 */
export interface Unit {
  shippedOn?: string | null;
  shipMode?: 'express' | 'freight' | null;
  installedOn?: string | null;
  /** The last day of warranty as the roster states it; used only when neither date above is known. */
  statedUntil?: string | null;
  /** Dates this vehicle's unit was exchanged before. */
  exchanges?: string[];
}

export type WarrantyBasis = 'express' | 'freight' | 'installation' | 'roster';
export type AfterSalesRule = 'return' | 'exchange' | 'free-repair' | 'paid-repair';

/** What voids the warranty of a repair, as the standard lists it: the contract's list, which requests name. */
export { EXCLUSIONS, type Exclusion };

const EXCLUSION_NAMES: Record<Exclusion, { zh: string; en: string }> = {
  misuse: { zh: '使用不当或人为损坏', en: 'misuse' },
  'third-party-repair': { zh: '非授权维修', en: 'repaired by a third party' },
  modification: { zh: '私自改装', en: 'modified' },
  'missing-card': { zh: '无保修卡', en: 'warranty card missing' },
  'missing-serial': { zh: '序列号缺失或涂改', en: 'serial number missing or altered' },
  'missing-label': { zh: '标签缺失或涂改', en: 'label missing or altered' },
};

export interface Warranty {
  /** Shipping plus the transit days of its mode, or the installation when nothing was shipped. */
  start: string;
  /** The last day covered. */
  until: string;
  basis: WarrantyBasis;
}

/** The unit as the service point found it at receipt. */
export interface Receipt {
  /** Rules that void the warranty of the repair. */
  exclusions?: readonly Exclusion[];
  badlyDamaged?: boolean;
  /** The housing was opened (seal broken). */
  opened?: boolean;
}

export interface Decision {
  rule: AfterSalesRule;
  inWarranty: boolean;
  warranty: Warranty;
  /** The exclusions that made an in-warranty repair paid (empty when none applied). */
  exclusions: Exclusion[];
  /** Not badly damaged and not opened: the condition of a return or an exchange. */
  intact: boolean;
  /** One-way freight (the unit's way back to the customer) is ours for an in-warranty quality fault. */
  freight: 'one-way' | 'none';
  reason: { zh: string; en: string };
}

export class WarrantyError extends Error {
  override readonly name = 'WarrantyError';
}

export function warrantyOf(unit: Unit, settings: AfterSalesSettings): Warranty {
  if (unit.shippedOn) {
    if (!unit.shipMode) throw new WarrantyError('a shipment needs its mode (express or freight)');
    checkDay(unit.shippedOn, 'ship date');
    const transit = unit.shipMode === 'express' ? settings.expressTransitDays : settings.freightTransitDays;
    return covering(addDays(unit.shippedOn, transit), unit.shipMode, settings);
  }
  if (unit.installedOn) {
    checkDay(unit.installedOn, 'installation date');
    return covering(unit.installedOn, 'installation', settings);
  }
  if (unit.statedUntil) {
    // Only an end is on record: the warranty is taken to have run its usual length up to it.
    checkDay(unit.statedUntil, 'last day of warranty');
    const start = addMonths(addDays(unit.statedUntil, 1), -settings.warrantyMonths);
    return { start, until: unit.statedUntil, basis: 'roster' };
  }
  throw new WarrantyError('neither a ship date nor an installation date: the warranty start is unknown');
}

function covering(start: string, basis: WarrantyBasis, settings: AfterSalesSettings): Warranty {
  return { start, until: addDays(addMonths(start, settings.warrantyMonths), -1), basis };
}

/** The unit's warranty, or null when its dates cannot tell it (what lists and new tickets show). */
export function knownWarranty(unit: Unit, settings: AfterSalesSettings): Warranty | null {
  try {
    return warrantyOf(unit, settings);
  } catch (error) {
    if (error instanceof WarrantyError) return null;
    throw error;
  }
}

/** Whether `day` is covered; null when the unit's warranty cannot be known. */
export function coveredOn(unit: Unit, day: string, settings: AfterSalesSettings): boolean | null {
  const warranty = knownWarranty(unit, settings);
  return warranty && daysBetween(day, warranty.until) >= 0;
}

/**
 * Which rule applies to a fault found on `today`, first match wins:
 * 1. an exclusion (misuse, third-party repair or modification, missing card, serial or label)
 *    makes any repair paid;
 * 2. return: a quality fault within a month of delivery, or on a unit already exchanged twice
 *    within six months — of an intact unit (not badly damaged, not opened);
 * 3. exchange: a quality fault within warranty, of an intact unit;
 * 4. free repair: within warranty;
 * 5. paid repair (quoted within a working day, done and shipped within 4 days of receipt: rma.ts).
 * Delivery is taken as the warranty start (arrival after shipping, or the installation).
 */
export function decide(
  unit: Unit,
  fault: { today: string; quality: boolean } & Receipt,
  settings: AfterSalesSettings,
): Decision {
  checkDay(fault.today, 'date of the fault');
  const warranty = warrantyOf(unit, settings);
  if (daysBetween(warranty.start, fault.today) < 0) {
    throw new WarrantyError(
      `the fault (${fault.today}) is before the unit was delivered (${warranty.start})`,
    );
  }
  const inWarranty = daysBetween(fault.today, warranty.until) >= 0;
  const exclusions = EXCLUSIONS.filter((e) => fault.exclusions?.includes(e));
  const intact = !fault.badlyDamaged && !fault.opened;
  const covered = inWarranty && exclusions.length === 0;
  const base = {
    inWarranty,
    warranty,
    exclusions: inWarranty ? exclusions : [],
    intact,
    freight: covered && fault.quality ? ('one-way' as const) : ('none' as const),
  };
  const returnUntil = addMonths(warranty.start, settings.returnWithinMonths);
  const windowStart = addMonths(fault.today, -settings.exchangeWindowMonths);
  const recentExchanges = (unit.exchanges ?? []).filter(
    (day) => daysBetween(windowStart, day) >= 0 && daysBetween(day, fault.today) >= 0,
  ).length;
  const exchangeable = covered && fault.quality && intact;

  if (exchangeable && daysBetween(fault.today, returnUntil) >= 0) {
    return {
      ...base,
      rule: 'return',
      reason: {
        zh: `交付（${warranty.start}）后${settings.returnWithinMonths}个月内出现质量故障，设备完好，可退货`,
        en: `quality fault within ${settings.returnWithinMonths} month(s) of delivery (${warranty.start}), unit intact: return`,
      },
    };
  }
  if (exchangeable && recentExchanges >= settings.exchangesForReturn) {
    return {
      ...base,
      rule: 'return',
      reason: {
        zh: `${settings.exchangeWindowMonths}个月内已换货${recentExchanges}次，可退货`,
        en: `exchanged ${recentExchanges} times within ${settings.exchangeWindowMonths} months: return`,
      },
    };
  }
  if (exchangeable) {
    return {
      ...base,
      rule: 'exchange',
      reason: {
        zh: `保修期内（至${warranty.until}）质量故障，可换货`,
        en: `quality fault within warranty (until ${warranty.until}): exchange`,
      },
    };
  }
  if (covered) {
    const damaged = fault.quality && !intact;
    return {
      ...base,
      rule: 'free-repair',
      reason: {
        zh: `保修期内（至${warranty.until}），免费维修${damaged ? '（设备严重损坏或已拆开，不予退换）' : ''}`,
        en: `within warranty (until ${warranty.until}): free repair${damaged ? ' (badly damaged or opened: no return or exchange)' : ''}`,
      },
    };
  }
  if (inWarranty) {
    return {
      ...base,
      rule: 'paid-repair',
      reason: {
        zh: `保修期内（至${warranty.until}），但${exclusions.map((e) => EXCLUSION_NAMES[e].zh).join('、')}，有偿维修`,
        en: `within warranty (until ${warranty.until}) but ${exclusions.map((e) => EXCLUSION_NAMES[e].en).join(', ')}: paid repair`,
      },
    };
  }
  return {
    ...base,
    rule: 'paid-repair',
    reason: {
      zh: `已过保修期（${warranty.until}），有偿维修`,
      en: `out of warranty (ended ${warranty.until}): paid repair`,
    },
  };
}

function checkDay(day: string, what: string): void {
  if (!isDay(day)) throw new WarrantyError(`${what} is not a date (YYYY-MM-DD): ${day}`);
}
