/**
 * Receipts to the signer (delivery.receipt, mode `each`) on SQLite: once every letter of a
 * signature has reached a final state and at least one was sent, one email to the signer's own
 * address names the targets it reached and when.
 *
 * Once per signature: the receipt row (UNIQUE by signature) is written in the same transaction as
 * the letter attempt (or cancellation) that leaves the signature with no letter still waiting, so
 * a retried id, a repeated address or a later "send again" never makes a second one. The email is
 * then sent like a letter (retried on a 4xx, `failed` on a 5xx, `unknown` after a cut), and, since
 * it goes to the signer and not to a target, it does not count against the target's hourly cap.
 */
import type Database from 'better-sqlite3';
import type { AttemptResult } from './letter-worker.ts';

/** Migration SQL (needs `signatures`, `letters`, `campaigns`); erasing a signature erases its receipt. */
export const RECEIPTS_SCHEMA = `
  CREATE TABLE receipts (
    signature_id     TEXT PRIMARY KEY REFERENCES signatures (id) ON DELETE CASCADE,
    campaign         TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    first_attempt_at INTEGER,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_response    TEXT
  ) STRICT;

  CREATE INDEX receipts_due ON receipts (next_attempt_at) WHERE status = 'queued';
`;

/** The receipt email the worker sends to one signer. */
export interface ReceiptToSend {
  /** The signature's id (also the Message-ID's local part). */
  id: string;
  campaign: string;
  attempts: number;
  firstAttemptAt: number | null;
  /** The signer's own address and name. */
  recipient: { name: string; email: string };
  locale?: string;
  /** The targets the letters reached, with when (ms), in sending order. */
  delivered: { name: string; sentAt: number }[];
}

interface DueRow {
  signature_id: string;
  campaign: string;
  attempts: number;
  first_attempt_at: number | null;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  email: string;
  locale: string | null;
}

/** The receipt statements on an open handle. */
export function createSqliteReceipts(db: Database.Database) {
  // The deciding moment: this letter's signature has no letter left to go, and one went.
  const queueFor = db.prepare<{ letterId: string; now: number }>(
    `INSERT INTO receipts (signature_id, campaign, status, created_at, next_attempt_at)
     SELECT l.signature_id, l.campaign, 'queued', @now, @now
     FROM letters l JOIN campaigns c ON c.id = l.campaign
     WHERE l.id = @letterId
       AND json_extract(c.delivery_json, '$.receipt') = 1
       AND NOT EXISTS (SELECT 1 FROM letters o WHERE o.signature_id = l.signature_id AND o.status IN ('queued', 'sending', 'awaiting-confirmation'))
       AND EXISTS (SELECT 1 FROM letters o WHERE o.signature_id = l.signature_id AND o.status = 'sent')
     ON CONFLICT (signature_id) DO NOTHING`,
  );
  const due = db.prepare<{ now: number; limit: number }, DueRow>(
    `SELECT r.signature_id, r.campaign, r.attempts, r.first_attempt_at,
            s.first_name, s.last_name, s.name, s.email, s.locale
     FROM receipts r
     JOIN campaigns c ON c.id = r.campaign
     JOIN signatures s ON s.id = r.signature_id
     WHERE r.status = 'queued' AND r.next_attempt_at <= @now AND c.sending_paused = 0
     ORDER BY r.next_attempt_at LIMIT @limit`,
  );
  const delivered = db.prepare<[string], { target_name: string; sent_at: number }>(
    `SELECT target_name, sent_at FROM letters WHERE signature_id = ? AND status = 'sent' AND sent_at IS NOT NULL
     ORDER BY sent_at, target_name`,
  );
  const claim = db.prepare<{ id: string; now: number; leaseUntil: number }>(
    `UPDATE receipts SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @now),
            last_attempt_at = @now, lease_until = @leaseUntil
     WHERE signature_id = @id AND status = 'queued'`,
  );
  const record = db.prepare<{ id: string; status: string; at: number; response: string; next: number | null }>(
    `UPDATE receipts SET status = @status, last_response = @response, lease_until = NULL,
            sent_at = CASE WHEN @status = 'sent' THEN @at ELSE sent_at END,
            next_attempt_at = COALESCE(@next, next_attempt_at)
     WHERE signature_id = @id AND status = 'sending'`,
  );
  const recover = db.prepare(
    `UPDATE receipts SET status = 'unknown', lease_until = NULL,
            last_response = 'interrupted: the receiver stopped while this receipt was being handed to SMTP'
     WHERE status = 'sending'`,
  );
  const nextDue = db.prepare<[], { at: number | null }>(
    `SELECT MIN(r.next_attempt_at) AS at FROM receipts r JOIN campaigns c ON c.id = r.campaign
     WHERE r.status = 'queued' AND c.sending_paused = 0`,
  );

  const claimTransaction = db.transaction((now: number, limit: number, leaseUntil: number): ReceiptToSend[] => {
    const claimed: ReceiptToSend[] = [];
    for (const row of due.all({ now, limit })) {
      if (claim.run({ id: row.signature_id, now, leaseUntil }).changes !== 1) continue;
      const name = row.name?.trim() || [row.first_name, row.last_name].map((part) => part?.trim()).filter(Boolean).join(' ');
      const item: ReceiptToSend = {
        id: row.signature_id,
        campaign: row.campaign,
        attempts: row.attempts + 1,
        firstAttemptAt: row.first_attempt_at ?? now,
        recipient: { name, email: row.email.trim() },
        delivered: delivered.all(row.signature_id).map((letter) => ({ name: letter.target_name, sentAt: letter.sent_at })),
      };
      if (row.locale?.trim()) item.locale = row.locale;
      claimed.push(item);
    }
    return claimed;
  });

  return {
    /**
     * Call inside the transaction that just settled or cancelled `letterId`: queues the
     * signature's receipt if the campaign wants one and this was the last letter to settle.
     */
    queueIfSettled: (letterId: string, now: number): void => {
      queueFor.run({ letterId, now });
    },
    claimDue: (now: number, limit: number, leaseUntil: number) => claimTransaction.immediate(now, limit, leaseUntil),
    /** Records one attempt, like a letter's. */
    recordAttempt(id: string, result: AttemptResult): void {
      if (result.status === 'queued' && result.nextAttemptAt === undefined) throw new Error(`receipt ${id}: a queued result needs nextAttemptAt`);
      const changes = record.run({ id, status: result.status, at: result.at, response: result.response.slice(0, 1000), next: result.nextAttemptAt ?? null }).changes;
      if (changes !== 1) throw new Error(`receipt ${id} is not 'sending'; attempt result '${result.status}' not recorded`);
    },
    recoverInterrupted: (): number => recover.run().changes,
    nextDueAt: (): number | undefined => nextDue.get()?.at ?? undefined,
  };
}

/** The receipt statements, as createSqliteReceipts returns them. */
export type SqliteReceipts = ReturnType<typeof createSqliteReceipts>;
