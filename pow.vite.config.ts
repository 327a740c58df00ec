/**
 * `pow/` beside the embed (README "Bots and floods"): the proof-of-work step, loaded by the widget
 * only for a campaign that turned it on, with ALTCHA's strict-CSP build, its PBKDF2 worker and its
 * stylesheet. Built after the embed into the same `dist/`, which it does not empty.
 */
import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

/** ALTCHA's worker and stylesheet, copied as they are. */
function altchaFiles(): Plugin {
  return {
    name: 'appeal-widget:altcha-files',
    generateBundle() {
      const root = new URL('node_modules/altcha/', import.meta.url).pathname;
      this.emitFile({ type: 'asset', fileName: 'pbkdf2.js', source: readFileSync(`${root}dist/workers/pbkdf2.js`) });
      // Drawn inside the widget's shadow root, where `:root` matches nothing: its variables are set on `<appeal-pow>`.
      const css = readFileSync(`${root}dist/external/altcha.css`, 'utf8');
      if (!css.startsWith(':root{')) throw new Error('altcha.css changed: it no longer opens with its :root variables');
      this.emitFile({ type: 'asset', fileName: 'altcha.css', source: css.replace(/:root\{/g, ':root,appeal-pow{') });
    },
  };
}

export default defineConfig({
  publicDir: false,
  build: {
    target: 'safari15',
    outDir: 'dist/pow',
    emptyOutDir: true,
    sourcemap: false,
    minify: true,
    reportCompressedSize: false,
    lib: { entry: 'src/pow/appeal-pow.ts', formats: ['iife'], name: 'AppealPow', fileName: () => 'appeal-pow.js' },
  },
  plugins: [altchaFiles()],
});
