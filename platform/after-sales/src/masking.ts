import type { Role } from '@jt808/api-contract';

/**
 * Personal data (SIM numbers, identity numbers, names and contact numbers) and the one policy for
 * showing it (docs/security.md, "Scope and personal data"). Pure.
 *
 * - Lists, timelines, histories and exports: masked for every role (`maskRow`).
 * - One vehicle's or ticket's detail (with its track and the installer's checklist): the terminal's
 *   SIM in full for the roles of FULL_VIEW, who command the terminal and talk about it; masked for
 *   service-point staff and viewers; everything else masked (`maskDetail`).
 * - The customer archive opened with `full=true`: everything in full, for FULL_VIEW only, and every
 *   such view is recorded (personal_data_views).
 */
export type PersonalField = 'sim' | 'idNumber' | 'phone' | 'name';

/** Roles that may open personal data in full on a detail view (service points and installers never). */
const FULL_VIEW: readonly Role[] = ['admin', 'operator', 'desk'];

export function mayViewInFull(role: Role): boolean {
  return FULL_VIEW.includes(role);
}

/** Keeps `head` leading and `tail` trailing characters, stars in between (at least a third is hidden). */
function keep(text: string, head: number, tail: number): string {
  const chars = [...text];
  if (chars.length === 0) return text;
  const shown = Math.min(head + tail, chars.length - Math.ceil(chars.length / 3));
  const h = Math.min(head, shown);
  const t = shown - h;
  return (
    chars.slice(0, h).join('') + '*'.repeat(chars.length - shown) + (t > 0 ? chars.slice(-t).join('') : '')
  );
}

export function mask(field: PersonalField, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  switch (field) {
    case 'sim':
    case 'phone':
      return keep(value, 3, 4); // 139****5678
    case 'idNumber':
      return keep(value, 4, 4); // 4101**********1234
    case 'name':
      return keep(value, 1, 0); // 张**
  }
}

/** A row with its personal fields masked; `fields` maps a column to what it holds. */
export function maskRow<T extends object>(row: T, fields: Partial<Record<keyof T, PersonalField>>): T {
  const out = { ...row } as Record<string, unknown>;
  for (const [column, field] of Object.entries(fields) as [string, PersonalField][]) {
    const value = out[column];
    if (typeof value === 'string' || value === null) out[column] = mask(field, value);
  }
  return out as T;
}

/** One record's detail as `role` sees it: SIMs in full for the roles of FULL_VIEW, the rest masked. */
export function maskDetail<T extends object>(
  role: Role,
  row: T,
  fields: Partial<Record<keyof T, PersonalField>>,
): T {
  const masked = Object.entries(fields).filter(([, field]) => field !== 'sim' || !mayViewInFull(role));
  return maskRow(row, Object.fromEntries(masked) as Partial<Record<keyof T, PersonalField>>);
}
