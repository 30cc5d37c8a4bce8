import type { Role } from './api.js';

/** The console's pages, by the first part of their route. */
export type PageName =
  | 'map'
  | 'dashboard'
  | 'tickets'
  | 'vehicles'
  | 'installer'
  | 'desk'
  | 'patrols'
  | 'inbox'
  | 'print';

/**
 * What each role finds in the navigation, first page first (the landing page). The API enforces
 * the rights; this only keeps pages out of sight that would show a role nothing useful.
 */
export const PAGES_OF: Record<Role, readonly PageName[]> = {
  admin: ['dashboard', 'map', 'tickets', 'vehicles', 'installer', 'desk', 'patrols', 'inbox'],
  operator: ['map', 'dashboard', 'tickets', 'vehicles', 'desk', 'patrols', 'inbox'],
  // The desk page for a service point is its installers' settlements only (DeskPage.svelte).
  service: ['tickets', 'installer', 'vehicles', 'patrols', 'inbox', 'desk'],
  viewer: ['dashboard', 'map', 'vehicles'],
  desk: ['desk', 'tickets', 'vehicles', 'patrols', 'inbox'],
  // The installer's phone page, and only it: the API gives installers nothing else.
  installer: ['installer'],
};

/** Who opens the customer archive (#/desk/customers): the desk's roles, not a service point's settlements-only desk. */
export const ARCHIVE_READERS: readonly Role[] = ['admin', 'operator', 'desk'];

export function landingPage(role: Role): PageName {
  return PAGES_OF[role][0]!;
}

/** Who opens the printable sheets (#/print/...): not in the navigation, opened from a ticket or an archive. */
const PRINTERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

export function mayOpen(role: Role, page: string): page is PageName {
  return (
    (PAGES_OF[role] as readonly string[]).includes(page) || (page === 'print' && PRINTERS.includes(role))
  );
}
