/**
 * Negotiates the widget's language: the first requested tag that some locale file can serve,
 * trying the exact tag, then the tag without its region or script, then `en`.
 */

const DEFAULT_LANGUAGE = 'en';

/** Lower-cased BCP 47 tag with `_` read as `-`, or undefined for an empty or malformed tag. */
export function normaliseTag(tag: string | null | undefined): string | undefined {
  const trimmed = tag?.trim().replace(/_/g, '-');
  if (!trimmed) return undefined;
  try {
    return Intl.getCanonicalLocales(trimmed)[0];
  } catch {
    return undefined;
  }
}

/** The available locale that best serves `tag`: exact, then without region/script, else undefined. */
export function matchLocale(tag: string, available: readonly string[]): string | undefined {
  const wanted = normaliseTag(tag);
  if (!wanted) return undefined;
  const byLower = new Map(available.map((code) => [code.toLowerCase(), code]));
  const parts = wanted.toLowerCase().split('-');
  // `zh-Hant-TW` tries `zh-hant-tw`, `zh-hant`, `zh`: the most specific file that exists wins.
  for (let length = parts.length; length > 0; length--) {
    const hit = byLower.get(parts.slice(0, length).join('-'));
    if (hit) return hit;
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
  const chain: string[] = [];
  const parts = locale.split('-');
  for (let length = parts.length; length > 0; length--) {
    const hit = matchLocale(parts.slice(0, length).join('-'), available);
    if (hit && !chain.includes(hit)) chain.push(hit);
  }
  if (!chain.includes(DEFAULT_LANGUAGE)) chain.push(DEFAULT_LANGUAGE);
  return chain;
}

/** The languages the page asks for, most specific first: element and ancestors, `<html>`, browser. */
export function requestedLanguages(element: Element): string[] {
  const fromTree = element.closest('[lang]')?.getAttribute('lang');
  const fromDocument = element.ownerDocument.documentElement.getAttribute('lang');
  return [fromTree, fromDocument, ...navigator.languages, navigator.language].filter(
    (tag): tag is string => !!tag && tag.trim() !== '',
  );
}
