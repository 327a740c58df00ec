/**
 * The receiver's environment variables: every one with its default, in one table, and the
 * readers every setting goes through, each adding a problem (and falling back to the default)
 * when a value does not parse, so loadConfig can name every bad variable at once.
 */

/** One table of variables and defaults, so the README and the code cannot drift apart. */
export const ENV_DEFAULTS = {
  PORT: '8080',
  HOST: '127.0.0.1',
  DATABASE_PATH: 'data/signatures.sqlite',
  DATABASE_SYNCHRONOUS: 'full',
  // postgres://… : PostgreSQL instead of the SQLite file (several receivers may share it).
  DATABASE_URL: '',
  DATABASE_POOL_SIZE: '10',
  // How long a receiver holds a letter it is sending before another may mark it 'unknown' (ms):
  // far above the SMTP timeouts (connect 20 s, greeting 15 s, 60 s of silence).
  LETTER_LEASE_MS: String(10 * 60 * 1000),
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
  // Bot checks (README "Bots and floods"). Empty secret: one is generated and kept in the database.
  FORM_TOKEN_SECRET: '',
  // A person needs longer than this to read and fill in the form; a script posting at once does not.
  FORM_MIN_MS: '3000',
  FORM_TOKEN_TTL_MS: String(2 * 60 * 60 * 1000),
  // Signatures per campaign per minute, from all addresses together: a flood waits (429), the widget retries.
  CAMPAIGN_RATE_LIMIT_MAX: '300',
  // Proof of work, for campaigns that turn it on: about 256 tries of this many PBKDF2 rounds (~1 s on a phone).
  POW_COST: '2000',
} as const;

/** The environment as the receiver reads it (process.env, or a test's object). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A variable the receiver knows. */
export type EnvName = keyof typeof ENV_DEFAULTS;

/** Reads variables of one environment, collecting problems. */
export interface EnvReader {
  /** The raw value, trimmed; an empty value counts as unset and takes the default. */
  read(name: EnvName): string;
  /** A whole number in min–max; a problem and the default otherwise. */
  integer(name: EnvName, min: number, max: number): number;
  /** true/1/yes/on or false/0/no/off, any case; a problem and false otherwise. */
  boolean(name: EnvName): boolean;
}

/** The readers on `env`; each problem is pushed onto `problems`. */
export function envReader(env: Env, problems: string[]): EnvReader {
  const read = (name: EnvName): string => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? ENV_DEFAULTS[name] : value;
  };
  const integer = (name: EnvName, min: number, max: number): number => {
    const raw = read(name);
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer ${min}–${max}, got '${raw}'`);
      return Number(ENV_DEFAULTS[name]);
    }
    return value;
  };
  const boolean = (name: EnvName): boolean => {
    const raw = read(name).toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got '${read(name)}'`);
    return false;
  };
  return { read, integer, boolean };
}
