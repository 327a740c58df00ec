/**
 * Login attempts per client address and per account, in fixed windows, counted in the receiver's
 * database (OrganiserStore.takeLoginSlots), so the limits hold across a restart and across several
 * receivers sharing one PostgreSQL database.
 *
 * An attempt takes its slot before the password is checked, so a burst of parallel guesses is
 * counted at once rather than after each slow hash; a successful login gives its slots back, so
 * organisers logging in from several devices do not lock themselves out. The account key is the
 * normalised address as typed, whether or not an account has it, so a 429 tells nothing about
 * which addresses exist. IPv6 clients are counted per /64, the block one host usually holds.
 *
 * The stores keep only a SHA-256 of each key (`loginKeyHash`): the account key is whatever was
 * typed in the address field, sometimes a password, and the database must not keep it.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

export interface WindowLimit {
  max: number;
  windowMs: number;
}

export interface LoginLimits {
  perAddress: WindowLimit;
  perAccount: WindowLimit;
}

export const LOGIN_LIMITS: LoginLimits = {
  perAddress: { max: 10, windowMs: 15 * 60 * 1000 },
  perAccount: { max: 5, windowMs: 15 * 60 * 1000 },
};

export type LoginLimitKind = 'address' | 'account';

/** One window an attempt counts in: its kind, the key's hash, and its limit. */
export interface LoginWindow extends WindowLimit {
  kind: LoginLimitKind;
  keyHash: string;
}

/** The slot an attempt took in one window: given back by `giveLoginSlots` only while that window lasts. */
export interface LoginSlot {
  kind: LoginLimitKind;
  keyHash: string;
  /** When the window the slot was taken in ends (ms since the epoch). */
  resetAt: number;
}

/** What the store answers: a slot in every window, or the first full one (in the order asked) and when it ends. */
export type LoginSlotsTaken =
  | { ok: true; slots: LoginSlot[] }
  | { ok: false; kind: LoginLimitKind; resetAt: number };

/** Where login attempts are counted (both stores implement it, as part of OrganiserStore). */
export interface LoginAttemptCounter {
  /**
   * Atomically, also against other receivers: when none of `windows` is full at `now`, takes one
   * slot in each (a window that ended starts again at `now`); otherwise takes none.
   */
  takeLoginSlots(windows: readonly LoginWindow[], now: number): Promise<LoginSlotsTaken>;
  /** Gives slots back (never below zero; a slot of a window that has since ended is not given). */
  giveLoginSlots(slots: readonly LoginSlot[]): Promise<void>;
}

export type LoginAttempt =
  | { ok: true; /** Gives the attempt's slots back (after a successful login). */ release(): Promise<void> }
  | { ok: false; limitedBy: LoginLimitKind; retryAfterSeconds: number };

/** The counting key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The hash a store keeps for a key of `kind` (hex SHA-256; the kind is part of it so the two never meet). */
export function loginKeyHash(kind: LoginLimitKind, key: string): string {
  return createHash('sha256').update(`${kind}\n${key}`).digest('hex');
}

/** Seconds a refused attempt should wait: at least 1. */
export function retryAfterSeconds(resetAt: number, now: number): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}

/** The console's login limiter on `counter` (the store's organisers part). */
export function createLoginLimiter(counter: LoginAttemptCounter, limits: LoginLimits = LOGIN_LIMITS) {
  return {
    /** Takes a slot for one login attempt, or says which limit refuses it and for how long. */
    async attempt(ip: string, account: string, now: number): Promise<LoginAttempt> {
      // The address first: when both are full, the answer names the address (as it always did).
      const windows: LoginWindow[] = [
        { kind: 'address', keyHash: loginKeyHash('address', addressKey(ip)), ...limits.perAddress },
        { kind: 'account', keyHash: loginKeyHash('account', account), ...limits.perAccount },
      ];
      const taken = await counter.takeLoginSlots(windows, now);
      if (!taken.ok) return { ok: false, limitedBy: taken.kind, retryAfterSeconds: retryAfterSeconds(taken.resetAt, now) };
      return { ok: true, release: () => counter.giveLoginSlots(taken.slots) };
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
