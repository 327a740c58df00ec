import { readFileSync } from 'node:fs';
import { minifyHTMLLiterals } from 'minify-literals';
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
      target: 'es2022',
      emptyOutDir: !esm,
      sourcemap: true,
      minify: true,
      reportCompressedSize: false,
      lib: esm
        ? { entry: 'src/index.ts', formats: ['es'], fileName: () => 'appeal-widget.mjs' }
        : { entry: 'src/embed.ts', formats: ['iife'], name: 'AppealWidgetEmbed', fileName: () => 'appeal-widget.js' },
      rollupOptions: esm ? { external: [/^lit/, /^i18next/, /^valibot/] } : {},
    },
    plugins: esm ? [minifyTemplates()] : [minifyTemplates(), emitJsonAssets()],
  };
});
