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
import type { EmailToSigner } from './letter-types.ts';
import { notSending, prepareClaim, prepareOutcomes, requireNextAttempt } from './sqlite-attempts.ts';

/** The receipt email the worker sends to one signer. */
export interface ReceiptToSend extends EmailToSigner {
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
  const claim = prepareClaim(db, { table: 'receipts', key: 'signature_id' });
  const outcomes = prepareOutcomes(db, { table: 'receipts', key: 'signature_id' }, {
    interruptedNote: 'interrupted: the receiver stopped while this receipt was being handed to SMTP',
    keepLastAnswer: false,
  });
  const nextDue = db.prepare<[], { at: number | null }>(
    `SELECT MIN(r.next_attempt_at) AS at FROM receipts r JOIN campaigns c ON c.id = r.campaign
     WHERE r.status = 'queued' AND c.sending_paused = 0`,
  );

  const claimTransaction = db.transaction((now: number, limit: number, leaseUntil: number): ReceiptToSend[] => {
    const claimed: ReceiptToSend[] = [];
    for (const row of due.all({ now, limit })) {
      if (!claim(row.signature_id, now, leaseUntil)) continue;
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
      requireNextAttempt('receipt', id, result);
      if (!outcomes.record(id, result)) throw notSending('receipt', id, result);
    },
    recoverInterrupted: (): number => outcomes.recoverInterrupted(),
    nextDueAt: (): number | undefined => nextDue.get()?.at ?? undefined,
  };
}

/** The receipt statements, as createSqliteReceipts returns them. */
export type SqliteReceipts = ReturnType<typeof createSqliteReceipts>;
