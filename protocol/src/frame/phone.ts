/**
 * The platform's key for a terminal: its phone (SIM) number without leading zeros. 2013 headers
 * carry it in 12 BCD digits and 2019 headers in 20, so 013800138000 and 00000000013800138000 are
 * the same terminal.
 */
export function normalizePhone(bcdDigits: string): string {
  const trimmed = bcdDigits.replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}
