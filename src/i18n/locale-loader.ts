import en from '../../locales/en.json';

/** Strings of one locale file: nested objects of message ids. */
export type LocaleStrings = { readonly [id: string]: string | LocaleStrings };

/** English ships inside the bundle so the widget never waits for it. */
export const BUNDLED_LOCALES: Readonly<Record<string, LocaleStrings>> = { en };

declare const __APPEAL_LOCALES_DIR__: string | undefined;

// In a build, locale files sit in `locales/` beside the bundle; from sources, at the repo root.
let localesBaseUrl = new URL(
  typeof __APPEAL_LOCALES_DIR__ !== 'undefined' ? __APPEAL_LOCALES_DIR__ : '../../locales/',
  import.meta.url,
).href;

/** Points locale fetches at a folder, e.g. the one beside the embedding `<script>`. */
export function setLocalesBaseUrl(url: string): void {
  localesBaseUrl = url;
}

// One request per locale per page, shared by every widget on it.
const cache = new Map<string, Promise<LocaleStrings | undefined>>();

/** The strings of `locale`, fetched once per page; undefined (with one warning) if unavailable. */
export function loadLocale(locale: string): Promise<LocaleStrings | undefined> {
  const bundled = BUNDLED_LOCALES[locale];
  if (bundled) return Promise.resolve(bundled);
  let pending = cache.get(locale);
  if (!pending) {
    pending = fetchLocale(new URL(`${locale}.json`, localesBaseUrl).href);
    cache.set(locale, pending);
  }
  return pending;
}

async function fetchLocale(url: string): Promise<LocaleStrings | undefined> {
  try {
    const response = await fetch(url, { credentials: 'omit' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const strings: unknown = await response.json();
    if (!strings || typeof strings !== 'object' || Array.isArray(strings)) {
      throw new Error('the file is not a JSON object of messages');
    }
    return strings as LocaleStrings;
  } catch (error) {
    console.warn(`[appeal-widget] Could not load ${url} (${String(error)}); falling back to English.`);
    return undefined;
  }
}
