import { derived, get, writable } from 'svelte/store';
import { en, zh } from './messages.js';

/**
 * The console's languages: Chinese first, English on request. The choice is remembered in
 * localStorage. `t` is a store of the translate function, so `$t('nav.map')` in a component
 * re-renders when the language changes.
 */
export type Language = 'zh' | 'en';

export const LANGUAGES: readonly Language[] = ['zh', 'en'];

const STORAGE_KEY = 'jt808.language';

type Catalog = Record<string, string>;
const catalogs: Record<Language, Catalog> = { zh: { ...zh }, en: { ...en } };
/** Bumped when a page adds messages, so translations on screen are redone. */
const catalogVersion = writable(0);

function storedLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'zh';
}

/** The current language (reactive). Set it with setLanguage to remember the choice. */
export const language = writable<Language>(storedLanguage());

export function setLanguage(next: Language): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  language.set(next);
}

/**
 * Lets a page bring its own messages (the map page keeps its catalog next to its code). Keys
 * already present are overwritten.
 */
export function addMessages(entries: Record<Language, Catalog>): void {
  for (const lang of LANGUAGES) Object.assign(catalogs[lang], entries[lang]);
  // Re-run the translations that are on screen.
  catalogVersion.update((n) => n + 1);
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Looks a key up in a language (falling back to Chinese, then the key) and fills {name} slots. */
export function translate(lang: Language, key: string, params?: Record<string, string | number>): string {
  const text = catalogs[lang][key] ?? catalogs.zh[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (slot, name: string) => String(params[name] ?? slot)) : text;
}

/** The translate function of the current language: `$t('key')` in components. */
export const t = derived(
  [language, catalogVersion],
  ([lang]): Translate =>
    (key, params) =>
      translate(lang, key, params),
);

/** Translates outside components (reads the current language once). */
export function tNow(key: string, params?: Record<string, string | number>): string {
  return translate(get(language), key, params);
}

/** Formats a timestamp for the current language (local time). */
export function formatTime(value: string | number | Date | null | undefined, lang: Language): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

/** A share as a percentage with one decimal. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A status engine reason in words (the reason itself when the catalog does not know it). */
export function reasonText(translate: Translate, reason: string): string {
  const text = translate(`reason.${reason}`);
  return text === `reason.${reason}` ? reason : text;
}
