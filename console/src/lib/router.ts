import { readable } from 'svelte/store';

/**
 * A tiny hash router: `#/tickets/42` is the route ['tickets', '42']. Hash routes need nothing from
 * the server, and a reload lands on the same page.
 */
export type Route = readonly string[];

export function parseHash(hash: string): Route {
  return hash
    .replace(/^#\/?/, '')
    .split('?')[0]!
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
}

export const route = readable<Route>(parseHash(location.hash), (set) => {
  const changed = () => set(parseHash(location.hash));
  window.addEventListener('hashchange', changed);
  return () => window.removeEventListener('hashchange', changed);
});

/** The href of a route, for links: href('tickets', id). */
export function href(...parts: (string | number)[]): string {
  return `#/${parts.map((part) => encodeURIComponent(String(part))).join('/')}`;
}

export function navigate(...parts: (string | number)[]): void {
  location.hash = href(...parts);
}
