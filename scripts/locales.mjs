// The locale files a build or test run serves: every `locales/<code>.json`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder holding one JSON file per language. */
export const LOCALES_DIR = fileURLToPath(new URL('../locales/', import.meta.url));

/** Locale codes with a file in `locales/`, sorted. */
export function localeCodes() {
  return readdirSync(LOCALES_DIR)
    .filter((file) => /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\.json$/.test(file))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
