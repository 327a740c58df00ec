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

/**
 * The proof-of-work strings (`pow.*`) stay out of the English bundled in the embed: only
 * pow/appeal-pow.js reads them, from the locale files, for a campaign that turned proof of work on.
 */
function dropPowStrings(): Plugin {
  return {
    name: 'appeal-widget:drop-pow-strings',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/locales/en.json')) return null;
      const { pow: _pow, ...strings } = JSON.parse(code) as Record<string, unknown>;
      return { code: JSON.stringify(strings), map: null };
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
 * The widget's private and internal members are named with a leading `_`, and Terser shortens
 * every such property, as Lit's own build does: ~170 B gzipped of the 30 KB budget. Not `_$`:
 * Lit's names shared between its packages (and between copies of Lit on one page), which must
 * stay as Lit wrote them. Each name must be ours alone: the build stops if one is a key of the JSON
 * the widget reads (locale strings, campaign documents, responses), which must keep its name, or
 * if the code names one in a string, which Terser cannot follow.
 */
const MANGLED = /^_(?!\$)/;

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
 * Three i18next parts the widget never reaches, cut off where i18next creates or calls them so
 * Terser drops their code: ~1.4 KB gzipped of the embed. The formatter serves `{{value, number}}`
 * placeholders, which no locale file uses (the widget formats numbers itself with Intl); the
 * backend connector loads languages through a backend module, which the widget has none of (it
 * adds each locale's bundle itself and passes `resources`, so i18next never asks the connector to
 * load: it only listens for its events, which an empty EventEmitter keeps); nesting fills in
 * `$t(other.key)` written inside a text, which no locale file does (~430 B). A translated
 * `{{count, number}}` would show the count unformatted and a `$t(…)` would show as written: the
 * i18n check requires every placeholder to be English's and refuses `$t(`.
 */
const UNUSED_I18NEXT_PARTS: [string, string][] = [
  ['formatter = Formatter;', 'formatter = null;'],
  ['if (options.nest !== false) res = this.interpolator.nest(', 'if (false) res = this.interpolator.nest('],
  ['new Connector(createClassOnDemand(this.modules.backend), s.resourceStore, s, this.options)', 'new EventEmitter()'],
];

/**
 * Methods of i18next's classes that the widget never calls and i18next never calls itself (they
 * serve its plugins, backends and cloned instances, which the widget has none of), dropped from
 * their class, since Terser keeps every method of a class it keeps: ~750 B gzipped of the embed.
 * The widget calls only `createInstance`, `init`, `t`, `dir`, `changeLanguage`,
 * `hasResourceBundle` and `addResourceBundle`.
 */
const UNUSED_I18NEXT_METHODS: Record<string, readonly string[]> = {
  'class I18n extends EventEmitter {': ['reloadResources', 'use', 'getFixedT', 'exists', 'setDefaultNamespace', 'loadNamespaces', 'loadLanguages', 'cloneInstance', 'toJSON'],
  // Called only by the methods above.
  'class Translator extends EventEmitter {': ['exists'],
  'class Logger {': ['deprecate', 'clone'],
  // Its one call is cut off above (UNUSED_I18NEXT_PARTS).
  'class Interpolator {': ['nest'],
};

/** `code` without the methods `names` of the class that starts with `header` (methods at two spaces' indent, as i18next is printed). */
function dropMethods(code: string, header: string, names: readonly string[]): string {
  const start = code.indexOf(header);
  if (start < 0) throw new Error(`i18next changed: "${header}" not found, check UNUSED_I18NEXT_METHODS`);
  let result = code;
  for (const name of names) {
    const classEnd = result.indexOf('\n}\n', start);
    const method = result.indexOf(`\n  ${name}(`, start);
    const length = result.slice(method + 1).search(/\n {2}(static )?[A-Za-z_$][\w$]*\(|\n\}\n/);
    if (method < 0 || method > classEnd || length < 0) throw new Error(`i18next changed: no method ${name} in "${header}", check UNUSED_I18NEXT_METHODS`);
    result = result.slice(0, method) + result.slice(method + 1 + length);
  }
  return result;
}

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
      for (const [header, names] of Object.entries(UNUSED_I18NEXT_METHODS)) dropped = dropMethods(dropped, header, names);
      return { code: dropped, map: null };
    },
  };
}

/**
 * V8's explicit compile hint (Chrome 136+; other engines read a comment): compile every function of
 * the embed eagerly, while the script streams in, on a background thread, rather than each on the
 * main thread at its first call. Most of the embed runs before its form shows (Lit, i18next, the
 * setup and the form), so little is compiled for nothing. Measured on the bench's pages at 1× CPU:
 * the main thread's work before the form falls from ~26 to ~20 ms. It must open the file.
 */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

/** A final Terser pass over the minified embed; source maps are chained so they stay right. */
function squeeze(): Plugin {
  return {
    name: 'appeal-widget:squeeze',
    async generateBundle(_options, bundle) {
      const data = dataKeys();
      // Terser fills it with every property it shortened, as `$_journey` → `a`.
      const nameCache: { props?: { props?: Record<string, string> } } = {};
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
          mangle: { properties: { regex: MANGLED } },
          nameCache,
          ecma: 2020,
          sourceMap: chunk.map ? { content: JSON.stringify(chunk.map), url: `${chunk.fileName}.map` } : false,
        });
        chunk.code = COMPILE_HINT + (result.code ?? chunk.code);
        const shortened = new Set(Object.keys(nameCache.props?.props ?? {}).map((name) => name.slice(1)));
        const shared = [...shortened].filter((name) => data.has(name));
        if (shared.length) throw new Error(`Keys of the JSON the widget reads must not start with _, which the build shortens: ${shared.join(', ')}`);
        // A `_` name written in a string ('_x' in obj, changed.has('_x')) is one Terser cannot follow.
        const left = [...new Set([...chunk.code.matchAll(/(["'`])(_(?!\$)\w+)\1/g)].map((match) => match[2]!))].filter((name) => shortened.has(name));
        if (left.length) throw new Error(`Shortened names left as they were, so code that reaches them by string breaks: ${left.join(', ')}`);
        const mapAsset = bundle[`${chunk.fileName}.map`];
        if (mapAsset?.type === 'asset' && typeof result.map === 'string') {
          // The hint's line maps to nothing: each `;` of the mappings is one more generated line.
          const map = JSON.parse(result.map) as { mappings: string };
          mapAsset.source = JSON.stringify({ ...map, mappings: `;${map.mappings}` });
        }
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
    plugins: esm ? [dropPowStrings(), minifyTemplates()] : [dropPowStrings(), minifyTemplates(), dropI18nextDebugMessages(), squeeze(), emitJsonAssets()],
  };
});
