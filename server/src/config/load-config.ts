/**
 * Receiver configuration: every setting comes from the environment, has a safe default, and is
 * parsed here once. `loadConfig` is pure (env in, config out) and throws a ConfigError naming
 * every bad variable, so `main.ts` can refuse to start with a clear message. The variables and
 * their defaults: env.ts; the settings with rules of their own: allowed-origins.ts,
 * network.ts (TRUST_PROXY, PUBLIC_URL) and mail.ts (SMTP_URL, MAIL_FROM, DKIM_*).
 */
import { parseAllowedOrigins, type AllowedOrigins } from './allowed-origins.ts';
import { envReader, type Env } from './env.ts';
import { parseMail, type MailConfig } from './mail.ts';
import { parsePublicUrl, parseTrustProxy } from './network.ts';
import { parseDatabaseUrl } from './database-url.ts';
import { passwordProblem } from '../accounts/password-hash.ts';

/** Pino's levels, as LOG_LEVEL names them. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** DATABASE_SYNCHRONOUS: SQLite's `synchronous` pragma (see store/sqlite-database.ts). */
export type SqliteSynchronous = 'full' | 'normal';

/** The receiver's settings, parsed and checked. */
export interface Config {
  port: number;
  host: string;
  databasePath: string;
  databaseSynchronous: SqliteSynchronous;
  /** DATABASE_URL: PostgreSQL (postgres://…) instead of the SQLite file at databasePath; undefined: SQLite. */
  databaseUrl: string | undefined;
  /** DATABASE_POOL_SIZE: connections to PostgreSQL per receiver. */
  databasePoolSize: number;
  /** LETTER_LEASE_MS: how long a claimed letter is held by its receiver before another may mark it 'unknown'. */
  letterLeaseMs: number;
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
  /** The bot checks' settings (README "Bots and floods"). */
  bots: {
    /** FORM_TOKEN_SECRET; undefined: a secret generated once and kept in the database. */
    tokenSecret: string | undefined;
    /** FORM_MIN_MS: shortest time from a form token's issue to its signature. */
    minMs: number;
    /** FORM_TOKEN_TTL_MS: how long a form token is good for. */
    tokenTtlMs: number;
    /** CAMPAIGN_RATE_LIMIT_MAX: signatures per campaign per minute, all addresses together. */
    campaignPerMinute: number;
    /** POW_COST: PBKDF2 iterations per try of a proof-of-work challenge (about 256 tries solve one). */
    powCost: number;
  };
}

/** Every problem of a refused configuration, one line each. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Shortest EXPORT_TOKEN accepted. */
export const MIN_EXPORT_TOKEN_LENGTH = 16;
/** Shortest ADMIN_TOKEN accepted. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The receiver's configuration from `env`; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const { read, integer, boolean } = envReader(env, problems);

  const port = integer('PORT', 0, 65535);

  const host = read('HOST');
  if (/\s/.test(host)) problems.push(`HOST must be a host name or IP address, got '${host}'`);

  const databasePath = read('DATABASE_PATH');

  const synchronousRaw = read('DATABASE_SYNCHRONOUS').toLowerCase();
  let databaseSynchronous: SqliteSynchronous = 'full';
  if (synchronousRaw === 'full' || synchronousRaw === 'normal') databaseSynchronous = synchronousRaw;
  else problems.push(`DATABASE_SYNCHRONOUS must be 'full' or 'normal', got '${read('DATABASE_SYNCHRONOUS')}'`);

  const databaseUrl = parseDatabaseUrl(read('DATABASE_URL'), problems);
  const databasePoolSize = integer('DATABASE_POOL_SIZE', 2, 1000);
  const letterLeaseMs = integer('LETTER_LEASE_MS', 1000, 24 * 60 * 60 * 1000);

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

  const tokenSecret = read('FORM_TOKEN_SECRET') || undefined;
  if (tokenSecret !== undefined && tokenSecret.length < 32) {
    problems.push(`FORM_TOKEN_SECRET must be at least 32 characters (try: openssl rand -hex 32), or left unset to have one generated, got ${tokenSecret.length}`);
  }
  const bots = {
    tokenSecret,
    minMs: integer('FORM_MIN_MS', 0, 10 * 60 * 1000),
    tokenTtlMs: integer('FORM_TOKEN_TTL_MS', 60 * 1000, 7 * 24 * 60 * 60 * 1000),
    campaignPerMinute: integer('CAMPAIGN_RATE_LIMIT_MAX', 1, Number.MAX_SAFE_INTEGER),
    powCost: integer('POW_COST', 1, 1_000_000),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    databasePath,
    databaseSynchronous,
    databaseUrl,
    databasePoolSize,
    letterLeaseMs,
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
    bots,
  };
}
