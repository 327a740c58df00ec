import { countryNamesLocale } from './country-names-locale.js';

/**
 * Codes CLDR names as regions that are not ISO 3166-1 alpha-2 countries: groupings (EU, UN),
 * exceptionally reserved (AC, UK, …) and withdrawn codes (SU, YU, …).
 * Deriving the list from Intl.DisplayNames and this short exclusion list saves ~550 bytes
 * gzipped over shipping all 249 codes; a test checks the result against the full ISO list.
 */
const NOT_COUNTRIES = 'ACANBUCPCQCSDDDGDYEAEUEZFXHVICNHQORHSUTATPUKUNVDXAXBXKYDYUZRZZ';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const EXCLUDED = NOT_COUNTRIES.match(/../g)!;

/** One option of the country select. */
export interface CountryOption {
  code: string;
  name: string;
}

const cache = new Map<string, CountryOption[]>();

/**
 * Every ISO 3166-1 alpha-2 country named in `locale` (or, where the browser lacks those names, in
 * the language its readers also read: see country-names-locale.ts), sorted by that locale's collation.
 */
export function countryOptions(locale: string): CountryOption[] {
  let options = cache.get(locale);
  if (!options) {
    const names = new Intl.DisplayNames([countryNamesLocale(locale), 'en'], { type: 'region', fallback: 'none' });
    options = [];
    for (const first of LETTERS) {
      for (const second of LETTERS) {
        const code = first + second;
        // Firefox also names retired codes after their successors (NT "Saudi Arabia", CT "Kiribati"):
        // a code is a country only if the engine's own Intl.Locale keeps it as the region.
        const name = EXCLUDED.includes(code) || new Intl.Locale(`und-${code}`).region != code ? undefined : names.of(code);
        if (name) options.push({ code, name });
      }
    }
    options.sort((a, b) => a.name.localeCompare(b.name, locale));
    cache.set(locale, options);
  }
  return options;
}

/** The country a locale tag names (`fr-FR` → `FR`, `pt-BR` → `BR`), if it is one. */
export function countryOfLocale(tag: string | undefined): string | undefined {
  try {
    const region = new Intl.Locale(tag ?? '').region;
    return region && /^[A-Z]{2}$/.test(region) && !EXCLUDED.includes(region) ? region : undefined;
  } catch {
    return undefined;
  }
}
