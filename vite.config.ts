import { readFileSync } from 'node:fs';
import { minifyHTMLLiterals } from 'minify-literals';
import { minify } from 'terser';
import { defineConfig, type Plugin } from 'vite';
import { localeCodes } from './scripts/locales.mjs';

/** Copies each `locales/<code>.json` and `assets/*.json`, minified, beside the bundle in `dist/`. */
function emitJsonAssets(): Plugin {
  return {
    name: 'appeal-widget:emit-json-assets',
    generateBundle() {
      const files = [...localeCodes().map((code) => `locales/${code}.json`), 'assets/share-icons.json'];
      for (const file of files) {
        const data: unknown = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
        this.emitFile({ type: 'asset', fileName: file, source: JSON.stringify(data) });
      }
    },
  };
}

/** Squeezes the whitespace out of Lit's `html` and `css` templates: about 2 KB gzipped of pure indentation. */
function minifyTemplates(): Plugin {
  return {
    name: 'appeal-widget:minify-templates',
    enforce: 'post',
    async transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id)) return null;
      const result = await minifyHTMLLiterals(code, { fileName: id, sourceMap: true });
      return result ? { code: result.code, map: result.map } : null;
    },
  };
}

/**
 * Long names of the widget's private members, which Terser may shorten as Lit's own build does:
 * together with three compress passes this saves ~500 bytes gzipped of the 30 KB budget. Each name
 * must be ours alone: the build stops if Lit or i18next use it, or if it is a key of the JSON the
 * widget reads (locale strings, campaign documents, responses), which must keep its name.
 */
const PRIVATE_NAMES = [
  'renderLanguageMenu', 'renderCounter', 'renderForm', 'renderConsent', 'renderErrorSummary', 'renderThanks',
  'handleOutcome', 'focusAfterRender', 'shareUrlFor', 'onMastodonInstance', 'visibleError',
  'consentText', 'useLanguage', 'documentLoad', 'campaignDocument',
  'reportedProblems', 'onRetried', 'submitForm', 'onLanguage', 'focusField', 'setError', 'onConsent',
  'textLanguage', 'askingMastodon', 'mastodonError', 'chosenLanguage', 'alreadySigned', 'showSummary',
  'consentAnswer', 'announcement', 'onOutcome', 'retryAll', 'optionalText', 'choosePrompt', 'hintId',
  'specs', 'countries', 'urlFor', 'onShare', 'timers', 'buildPayload', 'onInput', 'onBlur',
  'attempt', 'countryPreset', 'campaignId', 'documentError', 'ui', 'visited', 'checkField', 'courier', 'settings',
  'lingo', 'tally', 'unsent', 'loadAll', 'emitError', 'sendTo', 'sendsTo', 'problems', 'onSubmit', 'retryAfterSeconds',
  'documentHref', 'errorMessage', 'queueStore', 'stage', 'requestedTags', 'localeFiles', 'shownTexts', 'shownLetter', 'labelOf', 'activeLocale',
  'letterOnItsWay', 'letterSentence', 'renderMailto',
];

/** Every key of the JSON the widget reads or writes: strings and campaign documents are looked up by these names. */
function dataKeys(): Set<string> {
  const keys = new Set(['count', 'errors', 'error', 'payload', 'destination', 'queuedAt', 'icons']);
  const walk = (value: unknown) => {
    if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        keys.add(key);
        walk(inner);
      }
    }
  };
  for (const file of ['locales/en.json', 'demo/free-baltabay.json']) walk(JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')));
  return keys;
}

/**
 * Two i18next parts the widget never reaches, cut off where i18next creates them so Terser drops
 * their classes: ~1 KB gzipped of the embed. The formatter serves `{{value, number}}` placeholders,
 * which no locale file uses (the widget formats numbers itself with Intl); the backend connector
 * loads languages through a backend module, which the widget has none of (it adds each locale's
 * bundle itself and passes `resources`, so i18next never asks the connector to load: it only
 * listens for its events, which an empty EventEmitter keeps). A translated `{{count, number}}` would
 * show the count unformatted, and the i18n check already requires every placeholder to be English's.
 */
const UNUSED_I18NEXT_PARTS: [string, string][] = [
  ['formatter = Formatter;', 'formatter = null;'],
  ['new Connector(createClassOnDemand(this.modules.backend), s.resourceStore, s, this.options)', 'new EventEmitter()'],
];

/**
 * Empties the messages of i18next's `logger.warn()` and `logger.log()` calls: i18next prints those
 * only with `debug: true`, which the widget never sets, so they are dead text: ~490 B gzipped of
 * the embed. Its `logger.error()` messages, which it always prints, are kept. Lines keep their
 * number (map: null), so the source map is off by a few columns on those lines only.
 */
function dropI18nextDebugMessages(): Plugin {
  return {
    name: 'appeal-widget:drop-i18next-debug-messages',
    transform(code, id) {
      if (!id.endsWith('/i18next/dist/esm/i18next.js')) return null;
      let dropped = code.replace(/(logger\.(?:warn|log)\()(?:'[^'\\\n]*'|`[^`\\]*`)/g, "$1''");
      if (dropped === code) throw new Error('i18next has no logger.warn/log messages left to drop: check dropI18nextDebugMessages');
      for (const [part, replacement] of UNUSED_I18NEXT_PARTS) {
        if (!dropped.includes(part)) throw new Error(`i18next changed: "${part}" not found, check UNUSED_I18NEXT_PARTS`);
        dropped = dropped.replace(part, replacement);
      }
      return { code: dropped, map: null };
    },
  };
}

/** A final Terser pass over the minified embed; source maps are chained so they stay right. */
function squeeze(): Plugin {
  return {
    name: 'appeal-widget:squeeze',
    async generateBundle(_options, bundle) {
      const libraries = ['lit-html/lit-html.js', '@lit/reactive-element/reactive-element.js', 'i18next/dist/esm/i18next.js']
        .map((file) => readFileSync(new URL(`./node_modules/${file}`, import.meta.url), 'utf8'))
        .join();
      const data = dataKeys();
      const shared = PRIVATE_NAMES.filter((name) => libraries.includes(name) || data.has(name));
      if (shared.length) throw new Error(`PRIVATE_NAMES must not list names that libraries or JSON data use: ${shared.join(', ')}`);
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const result = await minify(chunk.code, {
          compress: {
            passes: 3,
            // Measured on the embed, gzipped: -45 B. Assumes reading a property has no side effect:
            // true of this code, Lit and i18next (what it drops are i18next's unused `instance.x` exports).
            pure_getters: true,
            // -21 B: drops unused trailing parameters; nothing here reads a function's `length`
            // (i18next does only for backends and language detectors, which the widget has none of).
            keep_fargs: false,
            // -18 B (`String(x)` → `""+x` and the like) and -11 B (function expressions that use no
            // `this` become arrows): assumes built-ins are not replaced and no such function is `new`ed.
            unsafe: true,
            unsafe_arrows: true,
            // -3 B: `Array.prototype.x` → `[].x`.
            unsafe_proto: true,
          },
          mangle: { properties: { regex: new RegExp(`^(${PRIVATE_NAMES.join('|')})$`) } },
          ecma: 2020,
          sourceMap: chunk.map ? { content: JSON.stringify(chunk.map), url: `${chunk.fileName}.map` } : false,
        });
        chunk.code = result.code ?? chunk.code;
        // Terser keeps DOM property names as they are: a name left in the output is a useless entry.
        const kept = PRIVATE_NAMES.filter((name) => new RegExp(`\\.${name}\\b`).test(chunk.code));
        if (kept.length) throw new Error(`PRIVATE_NAMES lists names Terser does not shorten: ${kept.join(', ')}`);
        const mapAsset = bundle[`${chunk.fileName}.map`];
        if (mapAsset?.type === 'asset' && typeof result.map === 'string') mapAsset.source = result.map;
      }
    },
  };
}

// `vite build` makes the classic script for the one-tag embed; `vite build --mode esm` the ES module.
export default defineConfig(({ mode }) => {
  const esm = mode === 'esm';
  return {
    define: {
      __APPEAL_LOCALES__: JSON.stringify(localeCodes()),
      __APPEAL_ASSETS_DIR__: JSON.stringify('./'),
      // Lit drops its development warnings in production builds.
      'process.env.NODE_ENV': JSON.stringify('production'),
      // A classic script has no import.meta: its own URL is document.currentScript's while it first runs.
      ...(esm ? {} : { 'import.meta.url': '(document.currentScript && document.currentScript.src || document.baseURI)' }),
    },
    publicDir: false,
    build: {
      // Safari 15 (iOS 15, iOS 16.0–16.3) cannot parse the class static blocks that es2022 keeps.
      target: 'safari15',
      emptyOutDir: !esm,
      sourcemap: true,
      minify: true,
      reportCompressedSize: false,
      lib: esm
        ? { entry: 'src/index.ts', formats: ['es'], fileName: () => 'appeal-widget.mjs' }
        : { entry: 'src/embed.ts', formats: ['iife'], name: 'AppealWidgetEmbed', fileName: () => 'appeal-widget.js' },
      rollupOptions: esm ? { external: [/^lit/, /^i18next/, /^valibot/] } : {},
    },
    plugins: esm ? [minifyTemplates()] : [minifyTemplates(), dropI18nextDebugMessages(), squeeze(), emitJsonAssets()],
  };
});
