/**
 * Receiver configuration: every setting comes from the environment, has a safe default, and is
 * parsed here once. `loadConfig` is pure (env in, config out) and throws a ConfigError naming
 * every bad variable, so `main.ts` can refuse to start with a clear message.
 */
import { isIP } from 'node:net';
import { passwordProblem } from './accounts/password-hash.ts';
import { parseMailFrom, type MailFrom } from './letters/compose-letter.ts';
import { checkSmtpUrl, dkimFromEnv, type DkimSettings } from './letters/mail-transport.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type SqliteSynchronous = 'full' | 'normal';

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

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  databaseSynchronous: SqliteSynchronous;
  /** Bearer token for the CSV export; undefined disables the export. */
  exportToken: string | undefined;
  allowedOrigins: AllowedOrigins;
  bodyLimit: number;
  rateLimit: {
    /** POST /api/signatures per IP per window. */
    max: number;
    /** GET count / CSV per IP per window. */
    readMax: number;
    windowMs: number;
  };
  /** Passed to Fastify's trustProxy: false, a hop count, or addresses/CIDRs (never `true`). */
  trustProxy: false | number | string[];
  /** Longest time to receive a request (headers and body); also the idle-socket timeout. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after a response. */
  keepAliveTimeoutMs: number;
  /** Cap on the SQLite file (PRAGMA max_page_count): a full database answers 503, the disk keeps room. */
  databaseMaxBytes: number;
  logLevel: LogLevel;
  /** Serve demo/ at / and dist/ at /dist/ (npm start). */
  serveDemo: boolean;
  /** Bearer token for the admin API (and the export); undefined disables the admin API. */
  adminToken: string | undefined;
  /** Where letters are sent (SMTP_URL, MAIL_FROM, DKIM_*); undefined: letters stay queued. */
  mail: MailConfig | undefined;
  /** PUBLIC_URL: this receiver as signers reach it (no trailing slash), for confirmation links; undefined: no confirm campaigns. */
  publicUrl: string | undefined;
  /**
   * ORGANISER_PASSWORD: the password `npm run organiser -- add|password` and `npm start`'s
   * development organiser take; undefined: they generate one and print it once.
   */
  organiserPassword: string | undefined;
}

/** How letters leave (SPEC §9.2). */
export interface MailConfig {
  smtpUrl: string;
  mailFrom: MailFrom;
  dkim: DkimSettings | undefined;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** One table of variables and defaults, so the README and the code cannot drift apart. */
export const ENV_DEFAULTS = {
  PORT: '8080',
  HOST: '127.0.0.1',
  DATABASE_PATH: 'data/signatures.sqlite',
  DATABASE_SYNCHRONOUS: 'full',
  EXPORT_TOKEN: '',
  ALLOWED_ORIGINS: '',
  // Large enough for the largest payload that passes validation, in either format: a 10 000
  // character letter in a 3-byte script is ~90 KB once percent-encoded as a form.
  BODY_LIMIT: '262144',
  RATE_LIMIT_MAX: '30',
  READ_RATE_LIMIT_MAX: '600',
  RATE_LIMIT_WINDOW_MS: '60000',
  TRUST_PROXY: 'false',
  // A slow or stalled body is cut off instead of holding a connection (and memory) forever.
  REQUEST_TIMEOUT_MS: '10000',
  KEEP_ALIVE_TIMEOUT_MS: '5000',
  // 2 GiB: thousands of times a large campaign, and it fails with a 503 long before the disk does.
  DATABASE_MAX_BYTES: String(2 * 1024 ** 3),
  LOG_LEVEL: 'info',
  SERVE_DEMO: 'false',
  ADMIN_TOKEN: '',
  SMTP_URL: '',
  MAIL_FROM: '',
  PUBLIC_URL: '',
  ORGANISER_PASSWORD: '',
} as const;

export const MIN_EXPORT_TOKEN_LENGTH = 16;
export const MIN_ADMIN_TOKEN_LENGTH = 32;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  /** The raw value, trimmed; an empty value counts as unset and takes the default. */
  const read = (name: keyof typeof ENV_DEFAULTS): string => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? ENV_DEFAULTS[name] : value;
  };
  const integer = (name: keyof typeof ENV_DEFAULTS, min: number, max: number): number => {
    const raw = read(name);
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer ${min}–${max}, got '${raw}'`);
      return Number(ENV_DEFAULTS[name]);
    }
    return value;
  };
  const boolean = (name: keyof typeof ENV_DEFAULTS): boolean => {
    const raw = read(name).toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got '${read(name)}'`);
    return false;
  };

  const port = integer('PORT', 0, 65535);

  const host = read('HOST');
  if (/\s/.test(host)) problems.push(`HOST must be a host name or IP address, got '${host}'`);

  const databasePath = read('DATABASE_PATH');

  const synchronousRaw = read('DATABASE_SYNCHRONOUS').toLowerCase();
  let databaseSynchronous: SqliteSynchronous = 'full';
  if (synchronousRaw === 'full' || synchronousRaw === 'normal') databaseSynchronous = synchronousRaw;
  else problems.push(`DATABASE_SYNCHRONOUS must be 'full' or 'normal', got '${read('DATABASE_SYNCHRONOUS')}'`);

  let exportToken: string | undefined = read('EXPORT_TOKEN') || undefined;
  if (exportToken !== undefined && exportToken.length < MIN_EXPORT_TOKEN_LENGTH) {
    problems.push(
      `EXPORT_TOKEN must be at least ${MIN_EXPORT_TOKEN_LENGTH} characters (try: openssl rand -hex 32), got ${exportToken.length}`,
    );
    exportToken = undefined;
  }
  if (exportToken !== undefined && /\s/.test(exportToken)) {
    problems.push('EXPORT_TOKEN must not contain whitespace');
    exportToken = undefined;
  }

  const allowedOrigins = parseAllowedOrigins(read('ALLOWED_ORIGINS'), problems);

  const bodyLimit = integer('BODY_LIMIT', 1024, 100 * 1024 * 1024);
  const rateLimitMax = integer('RATE_LIMIT_MAX', 1, Number.MAX_SAFE_INTEGER);
  const readRateLimitMax = integer('READ_RATE_LIMIT_MAX', 1, Number.MAX_SAFE_INTEGER);
  const rateLimitWindowMs = integer('RATE_LIMIT_WINDOW_MS', 1000, 24 * 60 * 60 * 1000);

  const trustProxy = parseTrustProxy(read('TRUST_PROXY'), problems);
  const requestTimeoutMs = integer('REQUEST_TIMEOUT_MS', 500, 10 * 60 * 1000);
  const keepAliveTimeoutMs = integer('KEEP_ALIVE_TIMEOUT_MS', 1, 10 * 60 * 1000);
  const databaseMaxBytes = integer('DATABASE_MAX_BYTES', 64 * 1024, Number.MAX_SAFE_INTEGER);

  const logLevelRaw = read('LOG_LEVEL').toLowerCase();
  let logLevel: LogLevel = 'info';
  if ((LOG_LEVELS as readonly string[]).includes(logLevelRaw)) logLevel = logLevelRaw as LogLevel;
  else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${read('LOG_LEVEL')}'`);

  const serveDemo = boolean('SERVE_DEMO');

  const adminToken = read('ADMIN_TOKEN') || undefined;
  if (adminToken !== undefined && (adminToken.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(adminToken))) {
    problems.push(
      `ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without spaces (try: openssl rand -hex 32), got ${adminToken.length}`,
    );
  }

  const mail = parseMail(env, read('SMTP_URL'), read('MAIL_FROM'), problems);

  const publicUrl = parsePublicUrl(read('PUBLIC_URL'), problems);

  // Read as given, not trimmed: a password's spaces are its own (passwordProblem refuses them at the ends).
  let organiserPassword = env.ORGANISER_PASSWORD || undefined;
  const weak = organiserPassword === undefined ? undefined : passwordProblem(organiserPassword);
  if (weak !== undefined) {
    problems.push(`ORGANISER_PASSWORD ${weak}; leave it unset to have a password generated`);
    organiserPassword = undefined;
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    databasePath,
    databaseSynchronous,
    exportToken,
    allowedOrigins,
    bodyLimit,
    rateLimit: { max: rateLimitMax, readMax: readRateLimitMax, windowMs: rateLimitWindowMs },
    trustProxy,
    requestTimeoutMs,
    keepAliveTimeoutMs,
    databaseMaxBytes,
    logLevel,
    serveDemo,
    adminToken,
    mail,
    publicUrl,
    organiserPassword,
  };
}

/**
 * PUBLIC_URL: the receiver's address as a signer's browser reaches it (`https://letters.union.example`
 * or, behind a proxy, `https://union.example/appeal`); confirmation emails link to
 * `<PUBLIC_URL>/confirm/<token>`. http(s), no query, fragment or login; trailing slashes dropped.
 */
export function parsePublicUrl(raw: string, problems: string[]): string | undefined {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`PUBLIC_URL must be an http(s) URL such as https://letters.union.example, got '${raw}'`);
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '' || /[?#]/.test(raw)) {
    problems.push(`PUBLIC_URL must be an http(s) URL without query, fragment or login, such as https://letters.union.example, got '${raw}'`);
    return undefined;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * ALLOWED_ORIGINS: unset → local development only (http://localhost:*, http://127.0.0.1:*,
 * http://[::1]:*), so a local test page works out of the box while no public site can post. `*` → any origin. Otherwise a comma list of exact origins
 * (`https://union.example.org,https://www.example.org`); add `local` to keep the local-dev ones.
 */
function parseAllowedOrigins(raw: string, problems: string[]): AllowedOrigins {
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

const LOCAL_DEV_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

export function isOriginAllowed(origin: string, allowed: AllowedOrigins): boolean {
  if (allowed.any) return true;
  if (allowed.localDev && LOCAL_DEV_ORIGIN.test(origin)) return true;
  return allowed.origins.includes(origin);
}

/**
 * TRUST_PROXY: false, a hop count, or the proxies' addresses/CIDRs. `true` is refused: it takes
 * the FIRST X-Forwarded-For entry, which the client writes itself, so every request could pick a
 * fresh rate-limit key.
 */
function parseTrustProxy(raw: string, problems: string[]): false | number | string[] {
  const lower = raw.toLowerCase();
  if (lower === 'false' || lower === '0' || lower === 'no') return false;
  if (lower === 'true' || lower === 'yes') {
    problems.push(
      'TRUST_PROXY=true trusts every X-Forwarded-For entry, so a client could choose its own address (and escape the rate limit): ' +
        'set the hop count of your proxies (1 for one reverse proxy) or their addresses/CIDRs (e.g. 127.0.0.1)',
    );
    return false;
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((part) => part.trim()).filter(Boolean);
  const bad = entries.filter((entry) => {
    const [address, bits, ...rest] = entry.split('/');
    if (rest.length > 0 || address === undefined || isIP(address) === 0) return true;
    return bits !== undefined && !/^\d{1,3}$/.test(bits);
  });
  if (entries.length === 0 || bad.length > 0) {
    problems.push(
      `TRUST_PROXY must be false, a hop count, or a comma list of proxy IP addresses/CIDRs, got '${raw}'`,
    );
    return false;
  }
  return entries;
}

/** SMTP_URL, MAIL_FROM and DKIM_*: all or nothing, so a half-configured server says so at start. */
function parseMail(env: Env, smtpUrl: string, mailFromRaw: string, problems: string[]): MailConfig | undefined {
  const { dkim, problems: dkimProblems } = dkimFromEnv(env);
  problems.push(...dkimProblems);
  if (smtpUrl === '') {
    if (mailFromRaw !== '' || dkim) problems.push('MAIL_FROM and DKIM_* need SMTP_URL (where letters are sent), which is not set');
    return undefined;
  }
  const smtpProblems = checkSmtpUrl(smtpUrl);
  problems.push(...smtpProblems);
  if (mailFromRaw === '') {
    problems.push('MAIL_FROM is required with SMTP_URL: the address letters come from, e.g. "Free Erlan Baltabay" <letters@union.example>');
    return undefined;
  }
  const mailFrom = parseMailFrom(mailFromRaw);
  if (!mailFrom.ok) {
    problems.push(mailFrom.error);
    return undefined;
  }
  if (dkim && !mailFrom.address.toLowerCase().endsWith(`@${dkim.domainName.toLowerCase()}`)) {
    problems.push(`DKIM_DOMAIN (${dkim.domainName}) must be MAIL_FROM's domain (${mailFrom.address}), or DMARC fails`);
  }
  if (smtpProblems.length > 0) return undefined;
  return { smtpUrl, mailFrom: { address: mailFrom.address, name: mailFrom.name }, dkim };
}
