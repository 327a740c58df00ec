/**
 * Login attempts per client address and per account, in fixed windows, in memory.
 *
 * In memory on purpose for now: one receiver process, and a restart forgets the counts (which
 * gives a guesser a fresh 10 tries per restart at most). Issue 17 moves limits into the database.
 *
 * An attempt takes its slot before the password is checked, so a burst of parallel guesses is
 * counted at once rather than after each slow hash; a successful login gives its slots back, so
 * organisers logging in from several devices do not lock themselves out. The account key is the
 * normalised address as typed, whether or not an account has it, so a 429 tells nothing about
 * which addresses exist. IPv6 clients are counted per /64, the block one host usually holds.
 */
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

/** Keys kept per kind before expired ones are swept (and, past it, the oldest dropped). */
const MAX_KEYS = 50_000;

export type LoginAttempt =
  | { ok: true; /** Gives the attempt's slots back (after a successful login). */ release(): void }
  | { ok: false; limitedBy: 'address' | 'account'; retryAfterSeconds: number };

interface Window {
  count: number;
  resetAt: number;
}

class FixedWindows {
  private readonly windows = new Map<string, Window>();
  private readonly limit: WindowLimit;
  constructor(limit: WindowLimit) {
    this.limit = limit;
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string, now: number): number {
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now || window.count < this.limit.max) return 0;
    return Math.max(1, Math.ceil((window.resetAt - now) / 1000));
  }

  take(key: string, now: number): void {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (window) this.windows.delete(key);
      if (this.windows.size >= MAX_KEYS) this.sweep(now);
      window = { count: 0, resetAt: now + this.limit.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
  }

  give(key: string): void {
    const window = this.windows.get(key);
    if (window && window.count > 0) window.count -= 1;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full: drop the oldest windows (Map keeps insertion order) rather than grow without bound.
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}

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

export function createLoginLimiter(limits: LoginLimits = LOGIN_LIMITS) {
  const byAddress = new FixedWindows(limits.perAddress);
  const byAccount = new FixedWindows(limits.perAccount);
  return {
    /** Takes a slot for one login attempt, or says which limit refuses it and for how long. */
    attempt(ip: string, account: string, now: number): LoginAttempt {
      const address = addressKey(ip);
      const addressWait = byAddress.blockedFor(address, now);
      if (addressWait > 0) return { ok: false, limitedBy: 'address', retryAfterSeconds: addressWait };
      const accountWait = byAccount.blockedFor(account, now);
      if (accountWait > 0) return { ok: false, limitedBy: 'account', retryAfterSeconds: accountWait };
      byAddress.take(address, now);
      byAccount.take(account, now);
      return {
        ok: true,
        release() {
          byAddress.give(address);
          byAccount.give(account);
        },
      };
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
