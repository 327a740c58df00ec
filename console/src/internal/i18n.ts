/**
 * The console's strings (console/locales/<lng>.json, English first), through i18next as the widget
 * does: English is bundled, any other language is its own chunk, loaded when the organiser's
 * browser asks for it or the organiser picks it in the banner (remembered in localStorage). A
 * translator adds a file beside en.json; the build picks it up.
 */
import i18next, { type i18n } from 'i18next';
import en from '../../locales/en.json';

type Strings = { [key: string]: string | Strings };

/** The other locale files, each loaded on demand. */
const LAZY = import.meta.glob<Strings>(['../../locales/*.json', '!../../locales/en.json'], { import: 'default' });
const AVAILABLE = ['en', ...Object.keys(LAZY).map((path) => path.replace(/^.*\/|\.json$/g, ''))];

const instance: i18n = i18next.createInstance();

/** The best locale file for the browser's languages: `pt-BR` → `pt-BR`, else `pt`, else English. */
export function chooseLocale(requested: readonly string[], available: readonly string[] = AVAILABLE): string {
  const lower = new Map(available.map((code) => [code.toLowerCase(), code]));
  for (const tag of requested) {
    const parts = tag.toLowerCase().split('-');
    for (let length = parts.length; length > 0; length -= 1) {
      const found = lower.get(parts.slice(0, length).join('-'));
      if (found) return found;
    }
  }
  return 'en';
}

/** Where the organiser's choice of language is kept, on this browser. */
const STORAGE_KEY = 'appeal-console:language';
const listeners = new Set<() => void>();

/** The console's languages, as locale codes: English and every file beside it. */
export const consoleLanguages = (): readonly string[] => AVAILABLE;

/** The language the organiser chose in the console, if any and if it still has a file. */
function storedLanguage(): string | undefined {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored && AVAILABLE.includes(stored) ? stored : undefined;
  } catch {
    return undefined; // storage refused (a privacy setting): the browser's languages decide
  }
}

/** Loads the strings for the organiser's choice, else the browser's languages; sets `<html lang dir>`; resolves when ready. */
export async function startI18n(requested: readonly string[] = navigator.languages): Promise<void> {
  await instance.init({
    lng: 'en',
    fallbackLng: 'en',
    resources: { en: { translation: en } },
    // Lit escapes what it renders; escaping here too would show `&amp;`. Each number a text holds
    // is written as the console writes numbers (Persian digits in Persian, 1 234 in French).
    interpolation: { escapeValue: false, alwaysFormat: true, format: (value) => (typeof value === 'number' ? new Intl.NumberFormat(locale()).format(value) : value) },
    saveMissing: true,
    missingKeyHandler: (languages, _namespace, key) => console.error(`[console] Missing translation "${key}" (${String(languages)}).`),
  });
  await use(storedLanguage() ?? chooseLocale(requested));
}

/** Switches the console to `code`, remembers it on this browser, and has every element render again. */
export async function chooseLanguage(code: string): Promise<void> {
  await use(code);
  try {
    localStorage.setItem(STORAGE_KEY, instance.language);
  } catch {
    // Not remembered; the console still changes language for this visit.
  }
  for (const listener of listeners) listener();
}

/** Calls `listener` after each change of language; returns how to stop. */
export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function use(locale: string): Promise<void> {
  const load = LAZY[`../../locales/${locale}.json`];
  if (load && !instance.hasResourceBundle(locale, 'translation')) {
    try {
      instance.addResourceBundle(locale, 'translation', await load());
    } catch (error) {
      console.warn(`[console] Could not load the ${locale} strings; English instead.`, error);
    }
  }
  await instance.changeLanguage(instance.hasResourceBundle(locale, 'translation') ? locale : 'en');
  document.documentElement.lang = instance.language;
  document.documentElement.dir = instance.dir(instance.language);
}

/** The language the console speaks now (a locale code). */
export const consoleLanguage = (): string => instance.language || 'en';

/** The message `key` in the console's language. */
export function t(key: string, values?: Record<string, unknown>): string {
  return instance.t(key, values ?? {}) as string;
}

/**
 * The locale numbers and dates are written in: the browser's own when it is a variant of the
 * console's language (en-GB writes 2 November, not November 2), else the console's language.
 */
export function locale(): string {
  const language = instance.language || 'en';
  const base = language.split('-')[0]!.toLowerCase();
  return navigator.languages.find((tag) => tag.toLowerCase().split('-')[0] === base && tag.length > language.length) ?? language;
}
