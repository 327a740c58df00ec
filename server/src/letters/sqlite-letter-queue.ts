/**
 * The letter queue on SQLite: the LetterQueue the worker uses and what the admin API and the
 * confirmation page ask of the letters, over the four outgoing-mail tables on one handle:
 * letters (sqlite-letters.ts), digests (sqlite-digest-queue.ts), confirmation emails
 * (sqlite-confirmations.ts) and receipts (sqlite-receipts.ts).
 */
import type Database from 'better-sqlite3';
import type { LetterStatus } from './letter-types.ts';
import type { LetterQueue } from './letter-worker.ts';
import type { ClosedDigests } from './digest-closing.ts';
import { createSqliteLetters, type LetterListRow, type TargetLetterCounts } from './sqlite-letters.ts';
import { createSqliteConfirmations, type ConfirmationCounts, type ConfirmationView } from './sqlite-confirmations.ts';
import { createSqliteReceipts } from './sqlite-receipts.ts';
import { createSqliteDigestQueue, type DigestListRow, type TargetDigestCounts } from './sqlite-digest-queue.ts';

/** The LetterQueue with everything the admin API and the confirmation page ask of the letters. */
export interface SqliteLetterQueue extends Required<LetterQueue> {
  /** Mode confirm: what the page may say about a token (by its hash); changes nothing. */
  confirmationView(tokenHash: string, now: number): ConfirmationView;
  /** Mode confirm: the signer pressed the button: their letters become 'queued', once. */
  confirmSignature(tokenHash: string, now: number): ConfirmationView;
  /** Mode confirm: a campaign's confirmation emails by status, and how many confirmed. */
  confirmationCounts(campaign: string): ConfirmationCounts;
  /** The organiser's "send the digest now": one queued digest per target with signers waiting. */
  closeDigestNow(campaign: string, now?: number): ClosedDigests;
  /** Per target of `campaign`: signers waiting for a digest, digests by status, the last SMTP answer. */
  digestStatusCounts(campaign: string): TargetDigestCounts[];
  /** A campaign's digests, newest first. */
  listDigests(campaign: string, limit: number): DigestListRow[];
  /** Like resendLetter, for a digest whose outcome was unknown or that failed. */
  resendDigest(digestId: string, now?: number): boolean;
  /** A campaign's letters, newest first, of one status or all. */
  listLetters(campaign: string, status: LetterStatus | undefined, limit: number): LetterListRow[];
  /** Per target of `campaign`: how many letters are in each status, and the last SMTP answer. */
  letterStatusCounts(campaign: string): TargetLetterCounts[];
  /** Organiser's choice for an 'unknown' letter: back to 'queued', due now. False if not 'unknown'. */
  resendUnknown(letterId: string, now?: number): boolean;
  /** Like resendUnknown, also for a 'failed' letter (after the organiser fixed the cause). */
  resendLetter(letterId: string, now?: number): boolean;
}

/** The SQLite LetterQueue on an open handle (WAL, foreign keys on, schema applied). */
export function createSqliteLetterQueue(db: Database.Database): SqliteLetterQueue {
  // One receipts instance: the letters queue a receipt in the transaction that settles a signature.
  const receipts = createSqliteReceipts(db);
  const letters = createSqliteLetters(db, receipts);
  const digests = createSqliteDigestQueue(db);
  const confirmations = createSqliteConfirmations(db);

  return {
    async claimDueLetters(now, limit, leaseUntil) {
      return letters.claimDue(now, limit, leaseUntil);
    },
    async recordAttempt(id, result) {
      letters.recordAttempt(id, result);
    },
    async recoverInterrupted() {
      return letters.recoverInterrupted() + digests.recoverInterrupted() + confirmations.recoverInterrupted() + receipts.recoverInterrupted();
    },
    async nextDueAt(now = Date.now()) {
      const times = [letters.nextDueAt(), digests.nextDueAt(now), confirmations.nextDueAt(now), receipts.nextDueAt()].filter((at): at is number => at !== undefined);
      return times.length === 0 ? undefined : Math.min(...times);
    },
    async expireUnconfirmed(now) {
      return confirmations.expireUnconfirmed(now);
    },
    async claimDueConfirmations(now, limit, leaseUntil) {
      return confirmations.claimDue(now, limit, leaseUntil);
    },
    async recordConfirmationAttempt(id, result) {
      confirmations.recordAttempt(id, result);
    },
    async claimDueReceipts(now, limit, leaseUntil) {
      return receipts.claimDue(now, limit, leaseUntil);
    },
    async recordReceiptAttempt(id, result) {
      receipts.recordAttempt(id, result);
    },
    confirmationView: (tokenHash, now) => confirmations.view(tokenHash, now),
    confirmSignature: (tokenHash, now) => confirmations.confirm(tokenHash, now),
    confirmationCounts: (campaign) => confirmations.counts(campaign),
    async claimDueDigests(now, limit, leaseUntil) {
      return digests.claimDueDigests(now, limit, leaseUntil);
    },
    async recordDigestAttempt(id, result) {
      digests.recordDigestAttempt(id, result);
    },
    closeDigestNow: (campaign, now = Date.now()) => digests.closeNow(campaign, now),
    digestStatusCounts: (campaign) => digests.digestStatusCounts(campaign),
    listDigests: (campaign, limit) => digests.listDigests(campaign, limit),
    resendDigest: (digestId, now = Date.now()) => digests.resendDigest(digestId, now),
    listLetters: (campaign, status, limit) => letters.list(campaign, status, limit),
    letterStatusCounts: (campaign) => letters.statusCounts(campaign),
    resendUnknown: (letterId, now) => letters.resendUnknown(letterId, now),
    resendLetter: (letterId, now) => letters.resendLetter(letterId, now),
  };
}
