/**
 * The console's build (SPEC §10): `console/` → `dist/console/`, served by the receiver at /admin/
 * (server/src/routes/console/pages.ts). Separate from the widget's build and its 30 KiB budget:
 * nothing here is in the embed. Run after the widget's builds, whose first one empties dist/.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/console/', import.meta.url)),
    emptyOutDir: true,
    target: 'safari15',
    sourcemap: true,
    reportCompressedSize: false,
    // The policy allows no data: URL (img-src 'self'): every asset stays a file.
    assetsInlineLimit: 0,
    // Every engine the console supports preloads modules itself; the polyfill is code for none.
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        preview: fileURLToPath(new URL('preview.html', import.meta.url)),
      },
    },
  },
});
