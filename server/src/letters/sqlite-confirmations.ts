/**
 * Confirmation by email (delivery.confirm, SPEC §9.3) on SQLite: one confirmation email per
 * signature whose letters are held, its token (only the SHA-256 of it is stored), and the
 * signer's press of the button that releases the letters.
 *
 * The plain token exists only in the worker's memory while the email is composed: it is drawn
 * when the email is claimed for sending. A retry after a surely failed attempt (4xx, refused
 * connection) draws a new one, which is safe because the old one never reached anybody. An
 * attempt whose outcome is unknown keeps its token, so the signer can still use that email.
 *
 * Deadline: the letters and the link share one, 7 days after signing (CONFIRM_TTL_MS). Letters
 * not confirmed by then become 'expired', by the worker's round or by a late press of the button.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AttemptResult } from './letter-worker.ts';
import type { EmailToSigner } from './letter-types.ts';
import { notSending, prepareOutcomes } from './sqlite-attempts.ts';

/** How long a signer has to confirm: 7 days. */
export const CONFIRM_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The confirmation email the worker sends to one signer. */
export interface ConfirmationToSend extends EmailToSigner {
  /** The subject of the held letter, shown so the signer knows which letter this is. */
  subject: string;
  /** The plain token for the link; never stored. */
  token: string;
  expiresAt: number;
}

/** What the confirmation page may say about a token. */
export type ConfirmationState = 'waiting' | 'confirmed' | 'expired' | 'unknown';

/** The page's view of a token: its state and, when known, the letter's subject and the signer's language. */
export interface ConfirmationView {
  state: ConfirmationState;
  subject?: string;
  locale?: string;
}

/** A new, random token: 256 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token: hex SHA-256. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The shape newToken() produces, checked before any lookup. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The prepared insert for the signature transaction. */
export function insertConfirmationFor(db: Database.Database): (row: { signatureId: string; campaign: string; subject: string; createdAt: number }) => void {
  const insert = db.prepare(
    `INSERT INTO confirmations (signature_id, campaign, subject, status, created_at, expires_at, next_attempt_at)
     VALUES (@signatureId, @campaign, @subject, 'queued', @createdAt, @expiresAt, @createdAt)
     ON CONFLICT DO NOTHING`,
  );
  return (row) => {
    insert.run({ ...row, expiresAt: row.createdAt + CONFIRM_TTL_MS });
  };
}

/** A confirmation email due, with its signer (both stores' claim reads these columns). */
export interface DueRow {
  signature_id: string;
  campaign: string;
  subject: string;
  attempts: number;
  first_attempt_at: number | null;
  expires_at: number;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  email: string;
  locale: string | null;
}

/** A confirmation found by its token's hash. */
export interface TokenRow {
  signature_id: string;
  subject: string;
  expires_at: number;
  confirmed_at: number | null;
  locale: string | null;
}

/** Counts of a campaign's confirmation emails by status, and how many signers confirmed. */
export type ConfirmationCounts = Record<'queued' | 'sending' | 'sent' | 'failed' | 'unknown' | 'confirmed', number>;

/** The confirmation statements on an open handle. */
export function createSqliteConfirmations(db: Database.Database) {
  const expire = db.prepare<{ now: number }>(
    `UPDATE letters SET status = 'expired', last_response = 'not confirmed by the signer within 7 days'
     WHERE status = 'awaiting-confirmation' AND signature_id IN (
       SELECT signature_id FROM confirmations WHERE confirmed_at IS NULL AND expires_at <= @now)`,
  );
  const due = db.prepare<{ now: number; limit: number }, DueRow>(
    `SELECT k.signature_id, k.campaign, k.subject, k.attempts, k.first_attempt_at, k.expires_at,
            s.first_name, s.last_name, s.name, s.email, s.locale
     FROM confirmations k
     JOIN campaigns c ON c.id = k.campaign
     JOIN signatures s ON s.id = k.signature_id
     WHERE k.status = 'queued' AND k.next_attempt_at <= @now AND k.expires_at > @now AND c.sending_paused = 0
     ORDER BY k.next_attempt_at LIMIT @limit`,
  );
  // sqlite-attempts.ts's claim plus the hash of the token drawn for this attempt, in one UPDATE:
  // no confirmation is ever 'sending' without the token its email will carry.
  const claim = db.prepare<{ id: string; now: number; leaseUntil: number; hash: string }>(
    `UPDATE confirmations SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @now),
            last_attempt_at = @now, lease_until = @leaseUntil, token_hash = @hash
     WHERE signature_id = @id AND status = 'queued'`,
  );
  const outcomes = prepareOutcomes(db, { table: 'confirmations', key: 'signature_id' }, {
    interruptedNote: 'interrupted: the receiver stopped while this confirmation email was being handed to SMTP',
    keepLastAnswer: false,
  });
  const nextDue = db.prepare<{ now: number }, { at: number | null }>(
    `SELECT MIN(k.next_attempt_at) AS at FROM confirmations k JOIN campaigns c ON c.id = k.campaign
     WHERE k.status = 'queued' AND k.expires_at > @now AND c.sending_paused = 0`,
  );
  const byHash = db.prepare<[string], TokenRow>(
    `SELECT k.signature_id, k.subject, k.expires_at, k.confirmed_at, s.locale
     FROM confirmations k JOIN signatures s ON s.id = k.signature_id WHERE k.token_hash = ?`,
  );
  const markConfirmed = db.prepare<[number, string]>('UPDATE confirmations SET confirmed_at = ? WHERE signature_id = ? AND confirmed_at IS NULL');
  const release = db.prepare<[number, string]>(
    `UPDATE letters SET status = 'queued', next_attempt_at = ? WHERE signature_id = ? AND status = 'awaiting-confirmation'`,
  );
  const counts = db.prepare<[string], { status: string; n: number; confirmed: number }>(
    `SELECT status, COUNT(*) AS n, SUM(confirmed_at IS NOT NULL) AS confirmed FROM confirmations WHERE campaign = ? GROUP BY status`,
  );

  const stateOf = (row: TokenRow | undefined, now: number): ConfirmationState =>
    row === undefined ? 'unknown' : row.confirmed_at !== null ? 'confirmed' : row.expires_at <= now ? 'expired' : 'waiting';
  const viewOf = (row: TokenRow | undefined, state: ConfirmationState): ConfirmationView => {
    const view: ConfirmationView = { state };
    if (row) view.subject = row.subject;
    if (row?.locale) view.locale = row.locale;
    return view;
  };

  const claimTransaction = db.transaction((now: number, limit: number, leaseUntil: number): ConfirmationToSend[] => {
    const claimed: ConfirmationToSend[] = [];
    for (const row of due.all({ now, limit })) {
      const token = newToken();
      if (claim.run({ id: row.signature_id, now, leaseUntil, hash: hashToken(token) }).changes !== 1) continue;
      const name = row.name?.trim() || [row.first_name, row.last_name].map((part) => part?.trim()).filter(Boolean).join(' ');
      const item: ConfirmationToSend = {
        id: row.signature_id,
        campaign: row.campaign,
        attempts: row.attempts + 1,
        firstAttemptAt: row.first_attempt_at ?? now,
        recipient: { name, email: row.email.trim() },
        subject: row.subject,
        token,
        expiresAt: row.expires_at,
      };
      if (row.locale) item.locale = row.locale;
      claimed.push(item);
    }
    return claimed;
  });

  const confirmTransaction = db.transaction((tokenHash: string, now: number): ConfirmationView => {
    const row = byHash.get(tokenHash);
    const state = stateOf(row, now);
    if (state === 'expired') expire.run({ now });
    if (state !== 'waiting' || !row) return viewOf(row, state);
    markConfirmed.run(now, row.signature_id);
    release.run(now, row.signature_id);
    return viewOf(row, 'confirmed');
  });

  return {
    /** Letters whose signer did not confirm in time become 'expired'; returns how many. */
    expireUnconfirmed: (now: number): number => expire.run({ now }).changes,
    /** Claims due confirmation emails, drawing a fresh token for each. */
    claimDue: (now: number, limit: number, leaseUntil: number) => claimTransaction.immediate(now, limit, leaseUntil),
    /** Records one attempt, like a letter's. */
    recordAttempt(id: string, result: AttemptResult): void {
      if (!outcomes.record(id, result)) throw notSending('confirmation', id, result);
    },
    recoverInterrupted: (): number => outcomes.recoverInterrupted(),
    nextDueAt: (now: number): number | undefined => nextDue.get({ now })?.at ?? undefined,
    /** What the page shows for a token; changes nothing (a GET, a HEAD, a mail scanner). */
    view: (tokenHash: string, now: number): ConfirmationView => {
      const row = byHash.get(tokenHash);
      return viewOf(row, stateOf(row, now));
    },
    /** The signer pressed the button: releases the signature's letters once; a second press changes nothing. */
    confirm: (tokenHash: string, now: number): ConfirmationView => confirmTransaction.immediate(tokenHash, now),
    /** A campaign's confirmation emails by status, and how many signers confirmed. */
    counts(campaign: string): ConfirmationCounts {
      const result: ConfirmationCounts = { queued: 0, sending: 0, sent: 0, failed: 0, unknown: 0, confirmed: 0 };
      for (const row of counts.all(campaign)) {
        result[row.status as keyof ConfirmationCounts] = row.n;
        result.confirmed += row.confirmed;
      }
      return result;
    },
  };
}

/** The confirmation statements, as createSqliteConfirmations returns them. */
export type SqliteConfirmations = ReturnType<typeof createSqliteConfirmations>;
