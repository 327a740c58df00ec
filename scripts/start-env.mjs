/**
 * The environment `npm start` gives the receiver: pure (env in, env out), so it is tested
 * without starting anything (server/test/hardening.test.ts).
 *
 * - EXPORT_TOKEN and ADMIN_TOKEN: the ones set, else random ones per start (printed with ready
 *   curl lines). A fixed development token could be read by any page through DNS rebinding.
 * - ORGANISER_PASSWORD: the one set, else a random one per start: the password of the development
 *   organiser (organiser@demo.invalid) that the receiver creates for the console.
 * - APPEAL_DEV_MODE: the receiver seeds the demo campaign and, without SMTP_URL, captures the
 *   letters on a local mail server shown at /dev/mail/ (server/src/dev/dev-mode.ts).
 * - ALLOWED_ORIGINS: the one set, else the demo's own origins on PORT (127.0.0.1, localhost,
 *   [::1], and HOST when it is a specific address) plus `local` for other local test pages. The
 *   receiver no longer trusts the Host header as "its own origin", so they are listed explicitly.
 */
import { randomBytes } from 'node:crypto';

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]', '127.0.0.1', 'localhost', '::1', '[::1]']);

/** A fresh admin token: 32 random bytes, hex (the receiver wants 32 characters or more). */
export function randomAdminToken() {
  return randomBytes(32).toString('hex');
}

/** A fresh password for the development organiser: 18 random bytes, base64url (24 characters). */
export function randomOrganiserPassword() {
  return randomBytes(18).toString('base64url');
}

/** A fresh export token: 24 random bytes, hex. */
export function randomExportToken() {
  return randomBytes(24).toString('hex');
}

/** The origins a browser shows for the demo page served on `host`:`port`. */
export function ownOrigins(host, port) {
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
  if (!WILDCARD_HOSTS.has(host)) origins.push(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  return origins;
}

/** The receiver's environment for `npm start`, its tokens and organiser password, and notes on where they came from. */
export function startEnvironment(env) {
  const host = (env.HOST ?? '').trim();
  const port = (env.PORT ?? '').trim() || '8080';
  const given = env.EXPORT_TOKEN?.trim();
  const exportToken = given || randomExportToken();
  const tokenNote = given ? '' : ' (a new random token for this run: set EXPORT_TOKEN to keep one)';
  const adminToken = env.ADMIN_TOKEN?.trim() || randomAdminToken();
  // Not trimmed: the receiver refuses a password with spaces at its ends rather than change it.
  const organiserPassword = env.ORGANISER_PASSWORD || randomOrganiserPassword();
  const organiserNote = env.ORGANISER_PASSWORD ? ' (ORGANISER_PASSWORD)' : ' (a new random password for this run: set ORGANISER_PASSWORD to keep one)';
  const allowedOrigins = env.ALLOWED_ORIGINS?.trim() || ['local', ...ownOrigins(host, port)].join(',');
  return {
    env: {
      ...env,
      PORT: port,
      SERVE_DEMO: 'true',
      APPEAL_DEV_MODE: 'true',
      EXPORT_TOKEN: exportToken,
      ADMIN_TOKEN: adminToken,
      ORGANISER_PASSWORD: organiserPassword,
      ALLOWED_ORIGINS: allowedOrigins,
    },
    exportToken,
    adminToken,
    tokenNote,
    organiserPassword,
    organiserNote,
  };
}
