/**
 * The console's strings (console/locales/<lng>.json, English first), through i18next as the widget
 * does: English is bundled, any other language is its own chunk, loaded when the organiser's
 * browser asks for it. A translator adds a file beside en.json; the build picks it up.
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

/** Loads the strings for the browser's languages and sets `<html lang dir>`; resolves when ready. */
export async function startI18n(requested: readonly string[] = navigator.languages): Promise<void> {
  const locale = chooseLocale(requested);
  await instance.init({
    lng: 'en',
    fallbackLng: 'en',
    resources: { en: { translation: en } },
    // Lit escapes what it renders; escaping here too would show `&amp;`.
    interpolation: { escapeValue: false },
    saveMissing: true,
    missingKeyHandler: (languages, _namespace, key) => console.error(`[console] Missing translation "${key}" (${String(languages)}).`),
  });
  const load = LAZY[`../../locales/${locale}.json`];
  if (load) {
    try {
      instance.addResourceBundle(locale, 'translation', await load());
      await instance.changeLanguage(locale);
    } catch (error) {
      console.warn(`[console] Could not load the ${locale} strings; English instead.`, error);
    }
  }
  document.documentElement.lang = instance.language;
  document.documentElement.dir = instance.dir(instance.language);
}

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
