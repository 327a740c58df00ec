/** Numbers, shares and dates in the console's language (Intl), and the names of languages and countries. */
import { countryNamesLocale } from '../../../src/steps/form/country-names-locale.js';
import { locale, t } from './i18n.js';

export const formatNumber = (value: number) => new Intl.NumberFormat(locale()).format(value);

export const formatShare = (share: number) => new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(share);

/** A date-time from the receiver (ISO), in the organiser's zone; "—" for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return t('common.none');
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A day (YYYY-MM-DD, UTC) as the organiser reads it; `short` is day and month, for a chart's axis. */
export function formatDay(day: string, style: 'medium' | 'short' = 'medium'): string {
  const date = new Date(`${day}T00:00:00Z`);
  const options: Intl.DateTimeFormatOptions = style === 'short' ? { day: 'numeric', month: 'short', timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' };
  return Number.isNaN(date.getTime()) ? day : new Intl.DateTimeFormat(locale(), options).format(date);
}

function displayName(type: 'language' | 'region', code: string): string {
  try {
    // Countries as the widget names them: in Russian where the browser has no Kazakh names.
    const language = type === 'region' ? countryNamesLocale(locale()) : locale();
    return new Intl.DisplayNames([language], { type, fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** `fr` → "French"; the tag kept beside it so two variants stay apart. */
export const languageName = (code: string) => (code ? `${displayName('language', code)} (${code})` : t('common.unknown'));

/** `KZ` → "Kazakhstan"; "" (the signer gave none) → "not given". */
export const countryName = (code: string) => (code ? displayName('region', code) : t('overview.noCountry'));

/** Today and 29 days before, as the receiver's default range (UTC days). */
export function defaultRange(now = new Date()): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}
