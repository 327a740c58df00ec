/**
 * Organiser accounts as the console, the CLI and `npm start` see them (SPEC §10): what the store
 * keeps (`OrganiserStore`, part of the receiver's Store) and how an address is written.
 * Times are milliseconds since the epoch.
 */
import type { LoginAttemptCounter } from './login-limiter.ts';

/** An account as the login needs it. */
export interface OrganiserAccount {
  id: number;
  email: string;
  /** `scrypt$N$r$p$salt$hash` (password-hash.ts); never the password. */
  passwordHash: string;
  createdAt: number;
  lastLoginAt: number | null;
}

/** An account in `npm run organiser -- list`. */
export interface OrganiserSummary {
  email: string;
  createdAt: number;
  lastLoginAt: number | null;
  /** Sessions not yet past their absolute expiry (the idle one is checked at use). */
  sessions: number;
}

/** A session row, found by the SHA-256 of its token, with its account's address. */
export interface OrganiserSession {
  organiserId: number;
  email: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** One line of the console's audit log. Never a password, never a signer's address. */
export interface ConsoleLogEntry {
  at: number;
  /** Who acted: an organiser's address, or `cli` / `npm start` for the command line. */
  actor: string;
  /** What happened, e.g. `login`, `logout`, `organiser-added`. */
  action: string;
  campaign?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

/** Accounts, sessions and the audit log; and the login limits' counts (login-limiter.ts), kept beside them. */
export interface OrganiserStore extends LoginAttemptCounter {
  /** Creates an account; `exists` (nothing changed) when the address has one. */
  add(email: string, passwordHash: string, now: number): Promise<'created' | 'exists'>;
  find(email: string): Promise<OrganiserAccount | undefined>;
  list(now: number): Promise<OrganiserSummary[]>;
  /** Removes an account and ends its sessions; false when there was none. */
  remove(email: string): Promise<boolean>;
  /** Replaces the password hash and ends every session of the account; false when there is none. */
  setPassword(email: string, passwordHash: string, now: number): Promise<boolean>;
  /** Records a new session (and the account's last login). */
  createSession(session: { tokenHash: string; organiserId: number; now: number; expiresAt: number }): Promise<void>;
  findSession(tokenHash: string): Promise<OrganiserSession | undefined>;
  touchSession(tokenHash: string, now: number): Promise<void>;
  /** Ends one session; false when it was not there. */
  endSession(tokenHash: string): Promise<boolean>;
  /** Deletes sessions past their absolute expiry or idle since `idleSince`; how many. */
  endStaleSessions(now: number, idleSince: number): Promise<number>;
  log(entry: ConsoleLogEntry): Promise<void>;
}

const MAX_EMAIL_LENGTH = 254;

/**
 * An organiser's address as accounts are keyed: trimmed and lower-cased (`toLowerCase`, so
 * `É` → `é` too). Validated loosely on purpose (one @, no spaces or controls, a dotted domain):
 * it names a person who logs in, no mail is sent to it here.
 */
export function normaliseOrganiserEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Why `email` (already normalised) cannot name an account, or undefined. */
export function organiserEmailProblem(email: string): string | undefined {
  if (email.length === 0) return 'the email address is empty';
  if (email.length > MAX_EMAIL_LENGTH) return `the email address is longer than ${MAX_EMAIL_LENGTH} characters`;
  if (/[\s\p{Cc}\p{Cf}<>()[\]\\,;:"]/u.test(email)) return `"${email}" contains a space, a control character or one of <>()[]\\,;:"`;
  const at = email.indexOf('@');
  if (at < 1 || at !== email.lastIndexOf('@') || at > 64) return `"${email}" is not an email address (one @, with a name of 1–64 characters before it)`;
  const labels = email.slice(at + 1).split('.');
  if (labels.length < 2 || labels.some((label) => label.length === 0 || label.length > 63 || /^-|-$/.test(label))) {
    return `"${email}" has no valid domain after the @ (such as union.example)`;
  }
  return undefined;
}
