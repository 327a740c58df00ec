/**
 * Negotiates the widget's language: the first requested tag that some locale file can serve,
 * trying the exact tag, then the tag without its region or script, then `en`.
 */

const DEFAULT_LANGUAGE = 'en';

/** The available locale that best serves `tag`: exact, then without region/script, else undefined. */
export function matchLocale(tag: string, available: readonly string[]): string | undefined {
  // `zh-Hant-TW` tries `zh-hant-tw`, `zh-hant`, `zh`: the most specific file that exists wins.
  // A tag longer than the 35 characters RFC 5646 §4.4.1 asks to support is ignored: matching a 100 KB
  // lang attribute part by part, as below, froze the page for seconds.
  const parts = tag.length < 36 ? tag.trim().replace(/_/g, '-').toLowerCase().split('-') : [];
  while (parts.length) {
    const wanted = parts.join('-');
    const hit = available.find((code) => code.toLowerCase() === wanted);
    if (hit) return hit;
    parts.pop();
  }
  return undefined;
}

/** The first of `requested` that an available locale serves, else `en`. */
export function chooseLanguage(
  requested: readonly (string | null | undefined)[],
  available: readonly string[],
): string {
  for (const tag of requested) {
    const hit = tag ? matchLocale(tag, available) : undefined;
    if (hit) return hit;
  }
  return DEFAULT_LANGUAGE;
}

/** The chain i18next falls back through for `locale`: `pt-BR` → `pt` → `en`, only files that exist. */
export function fallbackChain(locale: string, available: readonly string[]): string[] {
  return [...new Set([locale, locale.split('-')[0]!, DEFAULT_LANGUAGE])].filter(
    (code) => code === DEFAULT_LANGUAGE || available.includes(code),
  );
}

/** The languages the page asks for, most specific first: element and ancestors, `<html>`, browser. */
export function requestedLanguages(element: Element): string[] {
  const fromTree = element.closest('[lang]')?.getAttribute('lang');
  const fromDocument = element.ownerDocument.documentElement.getAttribute('lang');
  return [fromTree, fromDocument, ...navigator.languages].filter((tag): tag is string => !!tag?.trim());
}
