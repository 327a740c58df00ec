import i18next, { type i18n } from 'i18next';
import type { ReactiveControllerHost } from 'lit';
import { AVAILABLE_LOCALES } from './available-locales.js';
import { chooseLanguage, fallbackChain } from './choose-language.js';
import { BUNDLED_LOCALES, loadLocale } from './locale-loader.js';

/**
 * Owns one i18next instance for one widget, so two widgets on a page can speak two languages.
 * The host renders nothing until `ready` resolves, so nobody sees a flash of the wrong language.
 */
export class LocaleController {
  private readonly i18n: i18n = i18next.createInstance();
  /** The tags of the last `use()`, as JSON: compared whole, they say whether a load is already under way. */
  private requestedTags = '';
  private loading: Promise<void> | undefined;

  /** The locale file in use, e.g. `pt` for a `pt-BR` page without a `pt-BR` file. */
  activeLocale = 'en';
  /** Whether the strings of `language` are in place. */
  ready = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly localeFiles: readonly string[] = AVAILABLE_LOCALES,
  ) {
    void this.i18n.init({
      lng: 'en',
      fallbackLng: 'en',
      resources: { en: { translation: BUNDLED_LOCALES['en'] ?? {} } },
      initAsync: false,
      // Lit escapes every interpolated value; escaping here too would show `&amp;` to the signer.
      interpolation: { escapeValue: false },
      // A message id that no loaded locale has is a bug or an incomplete file: say so (tests fail on it).
      saveMissing: true,
      missingKeyHandler: (languages, _namespace, key) =>
        console.error(`[appeal-widget] Missing translation "${key}" (${String(languages)}).`),
    });
  }

  /** Text direction of the current language (`rtl` for Arabic, Hebrew, Persian…). */
  get dir(): 'ltr' | 'rtl' {
    return this.i18n.dir(this.activeLocale);
  }

  /** Translates `key` in the current language. */
  t(key: string, values?: Record<string, unknown>): string {
    return this.i18n.t(key, values ?? {}) as string;
  }

  /** Switches to the best locale for the tags in `requested`; resolves once its strings are in. */
  use(requested: readonly (string | undefined)[]): Promise<void> {
    const tags = JSON.stringify(requested);
    if (this.loading && tags === this.requestedTags) return this.loading;
    this.requestedTags = tags;
    const language = chooseLanguage(requested, this.localeFiles);
    const chain = fallbackChain(language, this.localeFiles);
    const loading = (this.loading = Promise.all(chain.map((code) => loadLocale(code))).then(async (bundles) => {
      // A language asked for earlier that arrives later must not replace the newer choice.
      if (loading !== this.loading) return;
      chain.forEach((code, index) => {
        const strings = bundles[index];
        if (strings && !this.i18n.hasResourceBundle(code, 'translation')) {
          this.i18n.addResourceBundle(code, 'translation', strings);
        }
      });
      // A file that failed to load leaves English, as loadLocale already warned.
      const usable = chain.find((_code, index) => bundles[index]) ?? 'en';
      await this.i18n.changeLanguage(usable);
      this.activeLocale = usable;
      this.ready = true;
      this.host.requestUpdate();
    }));
    return loading;
  }
}
