import i18next, { type i18n } from 'i18next';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { assetsFolder } from './assets.js';
import { AVAILABLE_LOCALES } from './available-locales.js';
import { chooseLanguage, fallbackChain, requestedLanguages } from './choose-language.js';
import { BUNDLED_LOCALES, loadLocale } from './locale-files.js';

/** The element whose language this controller keeps. */
export type LanguageHost = ReactiveControllerHost & HTMLElement & { lang: string; assetsUrl?: string };

/**
 * Owns one i18next instance for one widget, so two widgets on a page can speak two languages. It
 * follows the host's `lang` (then its ancestors', the page's and the browser's) and the language
 * the signer picks; the host renders nothing until `ready`, so nobody sees a flash of the wrong language.
 */
export class LanguageController implements ReactiveController {
  private readonly _i18n: i18n = i18next.createInstance();
  /** The tags of the last load, as JSON: compared whole, they say whether a load is already under way. */
  private _requested = '';
  private _loading: Promise<void> | undefined;
  private _lang: string | undefined;

  /** The locale file in use, e.g. `pt` for a `pt-BR` page without a `pt-BR` file. */
  locale = 'en';
  /** Whether the strings of `locale` are in place. */
  ready = false;
  /** A language the signer picked in the widget's menu, which wins over the page's. */
  chosen: string | undefined;

  constructor(
    private readonly _host: LanguageHost,
    private readonly _files: readonly string[] = AVAILABLE_LOCALES,
  ) {
    _host.addController(this);
    void this._i18n.init({
      lng: 'en',
      fallbackLng: 'en',
      resources: { en: { translation: BUNDLED_LOCALES['en'] ?? {} } },
      initAsync: false,
      // Lit escapes every interpolated value; escaping here too would show `&amp;` to the signer.
      // Every number a text holds ({{count}} seconds, {{max}} characters) is written in the digits
      // of the language being shown: Persian ۴, Bengali ৪.
      interpolation: {
        escapeValue: false,
        alwaysFormat: true,
        format: (value, _format, language) => (typeof value == 'number' ? new Intl.NumberFormat(language).format(value) : value),
      },
      // A message id that no loaded locale has is a bug or an incomplete file: say so (tests fail on it).
      saveMissing: true,
      missingKeyHandler: (languages, _namespace, key) =>
        console.error(`[appeal-widget] Missing translation "${key}" (${String(languages)}).`),
    });
  }

  hostUpdate(): void {
    // The `lang` attribute may change at any time; the page's languages are read with it.
    if (!this._loading || this._host.lang !== this._lang) void this._load();
  }

  /** Resolves once the strings of the language asked for last are in. */
  get loaded(): Promise<void> {
    return this._loading ?? Promise.resolve();
  }

  /** Text direction of the current language (`rtl` for Arabic, Hebrew, Persian…). */
  get dir(): 'ltr' | 'rtl' {
    return this._i18n.dir(this.locale);
  }

  /** Translates `key` in the current language. */
  t(key: string, values?: Record<string, unknown>): string {
    return this._i18n.t(key, values ?? {}) as string;
  }

  /** Switches to the language the signer picked; its strings follow. */
  choose(language: string): void {
    this.chosen = language;
    this._host.requestUpdate();
    void this._load();
  }

  private _load(): Promise<void> {
    const host = this._host;
    this._lang = host.lang;
    const requested = [this.chosen, host.lang, ...requestedLanguages(host)];
    const tags = JSON.stringify(requested);
    if (this._loading && tags === this._requested) return this._loading;
    this._requested = tags;
    const chain = fallbackChain(chooseLanguage(requested, this._files), this._files);
    const folder = assetsFolder(host.assetsUrl);
    const loading = (this._loading = Promise.all(chain.map((code) => loadLocale(code, folder))).then(async (bundles) => {
      // A language asked for earlier that arrives later must not replace the newer choice.
      if (loading !== this._loading) return;
      chain.forEach((code, index) => {
        const strings = bundles[index];
        if (strings && !this._i18n.hasResourceBundle(code, 'translation')) {
          this._i18n.addResourceBundle(code, 'translation', strings);
        }
      });
      // A file that failed to load leaves English, as loadLocale already warned.
      const usable = chain.find((_code, index) => bundles[index]) ?? 'en';
      // English is i18next's language from the start: asking again would only redo its work.
      if (usable !== this._i18n.language) await this._i18n.changeLanguage(usable);
      this.locale = usable;
      this.ready = true;
      host.requestUpdate();
    }));
    return loading;
  }
}
