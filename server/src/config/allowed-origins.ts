/**
 * ALLOWED_ORIGINS: which browser origins may call the API, and the check each request makes.
 */

/**
 * Which browser origins may call the API.
 * - `any`: every origin (ALLOWED_ORIGINS=*).
 * - `origins`: exact origins (`https://example.org`, port included when not the default).
 * - `localDev`: also any port on http://localhost, http://127.0.0.1 and http://[::1].
 * Nothing else: the Host header is not trusted as "our own origin" (DNS rebinding), so a page
 * the receiver serves itself on another origin must be listed (npm start lists its own).
 */
export interface AllowedOrigins {
  any: boolean;
  origins: readonly string[];
  localDev: boolean;
}

/**
 * ALLOWED_ORIGINS: unset → local development only (http://localhost:*, http://127.0.0.1:*,
 * http://[::1]:*), so a local test page works out of the box while no public site can post. `*` → any origin. Otherwise a comma list of exact origins
 * (`https://union.example.org,https://www.example.org`); add `local` to keep the local-dev ones.
 */
export function parseAllowedOrigins(raw: string, problems: string[]): AllowedOrigins {
  if (raw === '') return { any: false, origins: [], localDev: true };
  const origins: string[] = [];
  let any = false;
  let localDev = false;
  for (const entry of raw.split(',').map((part) => part.trim()).filter(Boolean)) {
    if (entry === '*') {
      any = true;
      continue;
    }
    if (entry.toLowerCase() === 'local') {
      localDev = true;
      continue;
    }
    const origin = normaliseOrigin(entry);
    if (origin === undefined) {
      problems.push(
        `ALLOWED_ORIGINS entry '${entry}' is not an origin like https://example.org (scheme and host, no path), '*' or 'local'`,
      );
    } else {
      origins.push(origin);
    }
  }
  return { any, origins, localDev };
}

/** `https://Example.org:443/` → `https://example.org`; undefined when not a bare http(s) origin. */
export function normaliseOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const bare = /^https?:\/\/[^/?#]+\/?$/i.test(value);
  if (!bare || url.username !== '' || url.password !== '') return undefined;
  return url.origin;
}

/** http on a loopback name or address, any port: a developer's page. */
const LOCAL_DEV_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** Whether a browser at `origin` may call the API. */
export function isOriginAllowed(origin: string, allowed: AllowedOrigins): boolean {
  if (allowed.any) return true;
  if (allowed.localDev && LOCAL_DEV_ORIGIN.test(origin)) return true;
  return allowed.origins.includes(origin);
}
