/**
 * The letter queue on PostgreSQL: the LetterQueue the worker uses, over the four outgoing-mail
 * tables (postgres-letters.ts, postgres-digests.ts, postgres-confirmations.ts, postgres-receipts.ts), shared safely by
 * several receivers (see postgres-attempts.ts).
 */
import type pg from 'pg';
import type { LetterQueue } from '../../letters/letter-worker.ts';
import { createPgConfirmations } from './postgres-confirmations.ts';
import { createPgDigests } from './postgres-digests.ts';
import { createPgLetters } from './postgres-letters.ts';
import { createPgReceipts } from './postgres-receipts.ts';

/** The four parts, each with what the Store's admin methods ask of it. */
export function createPgLetterQueue(pool: pg.Pool) {
  const letters = createPgLetters(pool);
  const digests = createPgDigests(pool);
  const confirmations = createPgConfirmations(pool);
  const receipts = createPgReceipts(pool);

  const queue: Required<LetterQueue> = {
    claimDueLetters: (now, limit, leaseUntil) => letters.claimDue(now, limit, leaseUntil),
    recordAttempt: (id, result) => letters.recordAttempt(id, result),
    // At a receiver's start and before each claim: only rows whose lease has run out, never a
    // live receiver's (SQLite, with one process, recovers every 'sending' row at start).
    async recoverInterrupted(now) {
      const counts = await Promise.all([letters, digests, confirmations, receipts].map((part) => part.recoverInterrupted(now)));
      return counts.reduce((sum, n) => sum + n, 0);
    },
    async nextDueAt(now = Date.now()) {
      const times = (await Promise.all([letters.nextDueAt(), digests.nextDueAt(now), confirmations.nextDueAt(now), receipts.nextDueAt()]))
        .filter((at): at is number => at !== undefined);
      return times.length === 0 ? undefined : Math.min(...times);
    },
    expireUnconfirmed: (now) => confirmations.expireUnconfirmed(now),
    claimDueConfirmations: (now, limit, leaseUntil) => confirmations.claimDue(now, limit, leaseUntil),
    recordConfirmationAttempt: (id, result) => confirmations.recordAttempt(id, result),
    claimDueReceipts: (now, limit, leaseUntil) => receipts.claimDue(now, limit, leaseUntil),
    recordReceiptAttempt: (id, result) => receipts.recordAttempt(id, result),
    claimDueDigests: (now, limit, leaseUntil) => digests.claimDueDigests(now, limit, leaseUntil),
    recordDigestAttempt: (id, result) => digests.recordDigestAttempt(id, result),
  };
  return { queue, letters, digests, confirmations, receipts };
}
