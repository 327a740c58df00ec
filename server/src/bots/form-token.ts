/**
 * The form token (README "Bots and floods"): proof that a signature was written in a form this
 * receiver served, and not posted straight at the endpoint. The receiver hands one out with the
 * campaign document and the count; the widget sends it back with the signature. It is
 * `<campaign>.<issued at, ms base 36>.<nonce>.<HMAC-SHA256 of the three, 16 bytes>`, all
 * base64url or the campaign's own slug, so it needs no storage until it is used.
 *
 * Pure functions: minting and checking take the secret and the clock as arguments.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Why a signature is held back for the organiser instead of counted (see README). */
export type QuarantineReason =
  | 'honeypot'
  | 'no-token'
  | 'bad-token'
  | 'other-campaign'
  | 'expired'
  | 'too-fast'
  | 'replayed-token'
  | 'no-pow'
  | 'bad-pow';

/** What the checks of a form token need to know. */
export interface FormTokenRules {
  secret: string;
  /** Shortest time between the token's issue and the signature's arrival (FORM_MIN_MS). */
  minMs: number;
  /** How long a token is good for a signature that arrives at once (FORM_TOKEN_TTL_MS). */
  ttlMs: number;
}

/**
 * A signature queued by the widget (offline, server down) may arrive this long after its token
 * was issued, as long as it was written while the token was fresh: the widget keeps queued
 * signatures 30 days (src/steps/sending/delivery-controller.ts).
 */
export const QUEUED_MAX_MS = 30 * 24 * 60 * 60 * 1000;

/** Longest token this receiver mints (a 64-character campaign id); the schema allows a little more. */
export const FORM_TOKEN_MAX_LENGTH = 160;

const mac = (secret: string, body: string): string =>
  createHmac('sha256', secret).update(body).digest().subarray(0, 16).toString('base64url');

/** A new token for `campaign`, issued at `now`. */
export function mintFormToken(secret: string, campaign: string, now: number): string {
  const body = `${campaign}.${now.toString(36)}.${randomBytes(12).toString('base64url')}`;
  return `${body}.${mac(secret, body)}`;
}

/** A token that passed every check: its nonce identifies it for the replay check. */
export interface CheckedToken {
  ok: true;
  nonce: string;
  issuedAt: number;
}

/**
 * Checks `token` for a signature of `campaign` written at `createdAt` (the widget's clock, ms)
 * and received at `now` (ours). Replay is checked later, against the store, by the nonce.
 */
export function checkFormToken(
  token: string | undefined,
  campaign: string,
  createdAt: number,
  now: number,
  rules: FormTokenRules,
): CheckedToken | { ok: false; reason: QuarantineReason } {
  if (!token) return { ok: false, reason: 'no-token' };
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'bad-token' };
  const [tokenCampaign, issuedRaw, nonce, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(mac(rules.secret, `${tokenCampaign}.${issuedRaw}.${nonce}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-token' };
  const issuedAt = parseInt(issuedRaw, 36);
  if (!Number.isSafeInteger(issuedAt)) return { ok: false, reason: 'bad-token' };
  if (tokenCampaign !== campaign) return { ok: false, reason: 'other-campaign' };
  const age = now - issuedAt;
  if (age < rules.minMs) return { ok: false, reason: 'too-fast' };
  // Late, but written while the token was fresh: a signature the widget queued and sends again.
  // The widget's clock may be off; a bot that lies about createdAt still needed a real token.
  if (age > rules.ttlMs && (createdAt - issuedAt > rules.ttlMs || age > QUEUED_MAX_MS)) return { ok: false, reason: 'expired' };
  return { ok: true, nonce, issuedAt };
}
