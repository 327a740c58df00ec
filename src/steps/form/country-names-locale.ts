/**
 * Which locale's country names to show. A browser may know a language and still lack its country
 * names: Chromium resolves `kk` to `kk`, then names every country in English. There the names come
 * from Russian, which readers of Kazakh and the other languages of the former Soviet Union below
 * also read, else from English. (Written small: it ships in the embed.)
 */

/** Languages whose readers also read Russian. */
const READ_RUSSIAN = /^(kk|ky|uz|tg|tk|be)\b/;

// Made when first asked, after the form's first paint: a page's first DisplayNames costs tens of ms (after-paint.ts).
let english: Intl.DisplayNames | undefined;
const languageOf = (tag: string) => tag.split('-')[0]!.toLowerCase();

/** Whether the browser names countries in `tag` itself: Intl keeps its language and names a sample unlike English. */
export function hasCountryNames(tag: string): boolean {
  const names = new Intl.DisplayNames(tag, { type: 'region' });
  english ??= new Intl.DisplayNames('en', { type: 'region' });
  return languageOf(names.resolvedOptions().locale) == languageOf(tag) && ['DE', 'JP', 'EG'].some((code) => names.of(code) != english!.of(code));
}

/** The locale to name countries in for `tag` (a locale file's code): itself, else Russian where its readers read it, else `en`. */
export const countryNamesLocale = (tag: string): string =>
  hasCountryNames(tag) ? tag : READ_RUSSIAN.test(tag) && hasCountryNames('ru') ? 'ru' : 'en';
