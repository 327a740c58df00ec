/** Files the widget fetches from beside its script: `locales/*.json` and `assets/*.json`. */

import { readJson } from './read-json.js';

declare const __APPEAL_ASSETS_DIR__: string | undefined;

// A build serves them beside the bundle (`dist/`); from sources, they sit at the repository root.
let assetsBaseUrl = new URL(
  typeof __APPEAL_ASSETS_DIR__ !== 'undefined' ? __APPEAL_ASSETS_DIR__ : '../',
  import.meta.url,
).href;

/** Points asset fetches at a folder, e.g. the one holding the embedding `<script>`. */
export function setAssetsBaseUrl(url: string): void {
  assetsBaseUrl = url;
}

// One request per file per page, shared by every widget on it.
const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();

/** The JSON object at `path` (relative to the assets folder), fetched once; undefined with one warning on failure. */
export function fetchAsset(path: string): Promise<Record<string, unknown> | undefined> {
  let pending = cache.get(path);
  if (!pending) {
    const url = new URL(path, assetsBaseUrl).href;
    pending = readJson(url)
      .then((data) => {
        if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a JSON object');
        return data as Record<string, unknown>;
      })
      .catch((error: unknown) => {
        console.warn(`[appeal-widget] Could not load ${url} (${String(error)}).`);
        return undefined;
      });
    cache.set(path, pending);
  }
  return pending;
}
