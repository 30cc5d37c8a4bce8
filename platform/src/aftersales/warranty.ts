import { addDays, addMonths, daysBetween, isDay } from './calendar.js';
import type { AfterSalesSettings } from './settings.js';

/**
 * Warranty, exchange and return rules of the service standard: when a unit's warranty starts and
 * ends, and which rule applies to a fault — return, exchange, free repair or paid (quoted) repair —
 * with the reason in Chinese and English. Pure; dates are local (Asia/Shanghai) YYYY-MM-DD.
 */
export interface Unit {
  shippedOn?: string | null;
  shipMode?: 'express' | 'freight' | null;
  installedOn?: string | null;
  /** Dates this vehicle's unit was exchanged before. */
  exchanges?: string[];
}

export type WarrantyBasis = 'express' | 'freight' | 'installation';
export type AfterSalesRule = 'return' | 'exchange' | 'free-repair' | 'paid-repair';

export interface Warranty {
  /** Shipping plus the transit days of its mode, or the installation when nothing was shipped. */
  start: string;
  /** The last day covered. */
  until: string;
  basis: WarrantyBasis;
}

export interface Decision {
  rule: AfterSalesRule;
  inWarranty: boolean;
  warranty: Warranty;
  /** A paid repair is quoted by this date (when the unit's receipt is known). */
  quoteDue?: string;
  reason: { zh: string; en: string };
}

export class WarrantyError extends Error {
  override readonly name = 'WarrantyError';
}

export function warrantyOf(unit: Unit, settings: AfterSalesSettings): Warranty {
  let start: string;
  let basis: WarrantyBasis;
  if (unit.shippedOn) {
    if (!unit.shipMode) throw new WarrantyError('a shipment needs its mode (express or freight)');
    checkDay(unit.shippedOn, 'ship date');
    basis = unit.shipMode;
    start = addDays(
      unit.shippedOn,
      basis === 'express' ? settings.expressTransitDays : settings.freightTransitDays,
    );
  } else if (unit.installedOn) {
    checkDay(unit.installedOn, 'installation date');
    basis = 'installation';
    start = unit.installedOn;
  } else {
    throw new WarrantyError('neither a ship date nor an installation date: the warranty start is unknown');
  }
  return { start, until: addDays(addMonths(start, settings.warrantyMonths), -1), basis };
}

/**
 * Which rule applies to a fault found on `today`, first match wins: return (a quality fault within
 * a month of delivery, or a unit already exchanged twice within six months), exchange (a quality
 * fault within warranty), free repair (within warranty), paid repair (quoted within 4 days of
 * receiving the unit). Delivery is taken as the warranty start (arrival after shipping, or the
 * installation).
 */
export function decide(
  unit: Unit,
  fault: { today: string; quality: boolean; receivedOn?: string | null },
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
  const base = { inWarranty, warranty };
  const returnUntil = addMonths(warranty.start, settings.returnWithinMonths);
  const windowStart = addMonths(fault.today, -settings.exchangeWindowMonths);
  const recentExchanges = (unit.exchanges ?? []).filter(
    (day) => daysBetween(windowStart, day) >= 0 && daysBetween(day, fault.today) >= 0,
  ).length;

  if (fault.quality && daysBetween(fault.today, returnUntil) >= 0) {
    return {
      ...base,
      rule: 'return',
      reason: {
        zh: `交付（${warranty.start}）后${settings.returnWithinMonths}个月内出现质量故障，可退货`,
        en: `quality fault within ${settings.returnWithinMonths} month(s) of delivery (${warranty.start}): return`,
      },
    };
  }
  if (fault.quality && recentExchanges >= settings.exchangesForReturn) {
    return {
      ...base,
      rule: 'return',
      reason: {
        zh: `${settings.exchangeWindowMonths}个月内已换货${recentExchanges}次，可退货`,
        en: `exchanged ${recentExchanges} times within ${settings.exchangeWindowMonths} months: return`,
      },
    };
  }
  if (fault.quality && inWarranty) {
    return {
      ...base,
      rule: 'exchange',
      reason: {
        zh: `保修期内（至${warranty.until}）质量故障，可换货`,
        en: `quality fault within warranty (until ${warranty.until}): exchange`,
      },
    };
  }
  if (inWarranty) {
    return {
      ...base,
      rule: 'free-repair',
      reason: {
        zh: `保修期内（至${warranty.until}），免费维修`,
        en: `within warranty (until ${warranty.until}): free repair`,
      },
    };
  }
  if (fault.receivedOn) checkDay(fault.receivedOn, 'date the unit was received');
  const quoteDue = fault.receivedOn ? addDays(fault.receivedOn, settings.quoteDays) : undefined;
  const quoteZh = quoteDue ? `，收到设备后${settings.quoteDays}天内（${quoteDue}前）报价` : '';
  const quoteEn = quoteDue ? `, quoted within ${settings.quoteDays} days of receipt (by ${quoteDue})` : '';
  return {
    ...base,
    rule: 'paid-repair',
    ...(quoteDue ? { quoteDue } : {}),
    reason: {
      zh: `已过保修期（${warranty.until}），有偿维修${quoteZh}`,
      en: `out of warranty (ended ${warranty.until}): paid repair${quoteEn}`,
    },
  };
}

function checkDay(day: string, what: string): void {
  if (!isDay(day)) throw new WarrantyError(`${what} is not a date (YYYY-MM-DD): ${day}`);
}
