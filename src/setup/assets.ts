/**
 * Files the widget fetches from its assets folder: `locales/*.json` and `assets/*.json`. The folder
 * is the widget's `assets-url` (SPEC §2.3), else the one set for the page, else the script's own.
 */
import { httpUrl } from './read-config.js';
import { readJson } from './read-json.js';

declare const __APPEAL_ASSETS_DIR__: string | undefined;

// A build serves them beside the bundle (`dist/`); from sources, they sit at the repository root.
let pageFolder = new URL(typeof __APPEAL_ASSETS_DIR__ !== 'undefined' ? __APPEAL_ASSETS_DIR__ : '../../', import.meta.url).href;

/** Points the asset fetches of every widget on the page without its own `assets-url` at the folder `url`. */
export function setAssetsBaseUrl(url: string): void {
  pageFolder = new URL(url, document.baseURI).href;
}

/** The folder a widget's `assets-url` names, ending in `/`; the page's folder when it names none, or no http(s) URL. */
export function assetsFolder(url?: string): string {
  const folder = httpUrl(url);
  // `https://cdn.example/appeal` means the folder, not a file in `https://cdn.example/`.
  if (folder && !folder.pathname.endsWith('/')) folder.pathname += '/';
  return folder?.href ?? pageFolder;
}

// One request per file per page, shared by every widget on it.
const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();

/** The JSON object at `path` in `folder`, fetched once; undefined with one warning on failure. */
export function fetchAsset(path: string, folder = pageFolder): Promise<Record<string, unknown> | undefined> {
  const url = new URL(path, folder).href;
  let pending = cache.get(url);
  if (!pending) {
    pending = readJson(url)
      .then((data) => {
        if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a JSON object');
        return data as Record<string, unknown>;
      })
      .catch((error: unknown) => {
        console.warn(`[appeal-widget] Could not load ${url} (${String(error)}).`);
        return undefined;
      });
    cache.set(url, pending);
  }
  return pending;
}
