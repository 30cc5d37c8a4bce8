import { readable } from 'svelte/store';

/** The time now, ticking every second while someone shows it (deadline countdowns). */
export const now = readable(Date.now(), (set) => {
  const timer = setInterval(() => set(Date.now()), 1000);
  return () => clearInterval(timer);
});
