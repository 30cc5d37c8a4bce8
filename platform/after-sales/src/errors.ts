import { CalendarError } from './calendar.js';
import { SettingError } from './settings.js';
import { SettlementError } from './settlement.js';
import { WarrantyError } from './warranty.js';

/** Something the after-sales side refuses, and how the API answers it (400, 404 or 409). */
export class AfterSalesError extends Error {
  override readonly name = 'AfterSalesError';
  constructor(
    message: string,
    readonly kind: 'invalid' | 'not-found' | 'conflict' = 'invalid',
  ) {
    super(message);
  }
}

const STATUS = { invalid: 400, 'not-found': 404, conflict: 409 } as const;

/** The HTTP status for an error of the after-sales rules, or undefined for anything else (a 500). */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof AfterSalesError) return STATUS[error.kind];
  if (
    error instanceof CalendarError ||
    error instanceof SettingError ||
    error instanceof SettlementError ||
    error instanceof WarrantyError
  ) {
    return 400;
  }
  return undefined;
}
