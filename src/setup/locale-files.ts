import en from '../../locales/en.json';
import { fetchAsset } from './assets.js';

/** Strings of one locale file: nested objects of message ids. */
export type LocaleStrings = { readonly [id: string]: string | LocaleStrings };

/** English ships inside the bundle so the widget never waits for it. */
export const BUNDLED_LOCALES: Readonly<Record<string, LocaleStrings>> = { en };

/**
 * The strings of `locale` from `locales/` in the assets `folder`, fetched once per page; undefined
 * (with one warning) if unavailable, so English stands in.
 */
export function loadLocale(locale: string, folder?: string): Promise<LocaleStrings | undefined> {
  const bundled = BUNDLED_LOCALES[locale];
  return bundled ? Promise.resolve(bundled) : (fetchAsset(`locales/${locale}.json`, folder) as Promise<LocaleStrings | undefined>);
}
