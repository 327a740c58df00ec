/**
 * Organiser passwords, stored only as a slow salted hash: Node's scrypt, no extra dependency.
 *
 * Stored form: `scrypt$<N>$<r>$<p>$<salt>$<hash>` (salt and hash in base64url), so the cost can
 * be raised later and older hashes still verify with the parameters they were made with.
 * N = 2^15, r = 8 takes 128·N·r = 32 MiB and about 50–100 ms per hash on this project's
 * machines: cheap for one login, expensive for a guesser with a copy of the database file.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
/** Generated passwords: 18 random bytes, 24 base64url characters (144 bits). */
const GENERATED_PASSWORD_BYTES = 18;

/** What a stored hash says: its parameters, salt and key. */
export interface ParsedPasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Reads `scrypt$N$r$p$salt$hash`; undefined for anything else. The parameters are bounded, so a
 * hand-edited row cannot make a login allocate gigabytes.
 */
export function parsePasswordHash(stored: string): ParsedPasswordHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,8}$/.test(part) ? Number(part) : Number.NaN)) as [number, number, number];
  const [salt, key] = parts.slice(4) as [string, string];
  const powerOfTwo = Number.isInteger(Math.log2(N));
  if (!powerOfTwo || N < 2 ** 14 || N > 2 ** 20 || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) return undefined;
  if (128 * N * r > 256 * 1024 * 1024 || !B64URL.test(salt) || !B64URL.test(key)) return undefined;
  const parsed = { N, r, p, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
  return parsed.salt.length >= 16 && parsed.key.length >= 16 ? parsed : undefined;
}

/** The password is NFKC-normalised first, so the same characters typed on two keyboards match. */
function derive(password: string, salt: Buffer, keyBytes: number, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    // 128·N·r exactly is Node's default limit, and OpenSSL needs a little more than that for
    // its own bookkeeping: twice the block memory leaves room without opening the door wide.
    maxmem: 2 * 128 * cost.N * cost.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A new hash of `password` with a fresh salt, in the stored form. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, SCRYPT_COST);
  const { N, r, p } = SCRYPT_COST;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * True when `password` matches `stored`. The keys are compared with timingSafeEqual; a stored
 * value that is not a hash we made verifies nothing (and is not an error the caller must catch).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(key, parsed.key);
}

/** A password for a new account or a reset: crypto-random, 24 characters, shown once. */
export function generatePassword(): string {
  return randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
}

/** Why a chosen password (ORGANISER_PASSWORD) is refused, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters, got ${password.length}`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters, got ${password.length}`;
  if (password !== password.trim()) return 'must not start or end with a space (it would be easy to mistype)';
  if (/[\p{Cc}]/u.test(password)) return 'must not contain control characters';
  return undefined;
}
