/**
 * Receipts to the signer (delivery.receipt) on PostgreSQL, as sqlite-receipts.ts: queued in the
 * transaction that settles a signature's last letter (UNIQUE by signature, so once), claimed and
 * recorded like a letter, outside the targets' hourly cap.
 */
import type pg from 'pg';
import type { AttemptResult } from '../../letters/letter-worker.ts';
import { notSending, requireNextAttempt, type MailTable } from '../../letters/sqlite-attempts.ts';
import type { ReceiptToSend } from '../../letters/sqlite-receipts.ts';
import { claimRow, recordOutcome, recoverExpired } from './postgres-attempts.ts';
import { inTransaction } from './pool.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;
const TABLE: MailTable = { table: 'receipts', key: 'signature_id' };
const NOTE = { interruptedNote: 'interrupted: the receiver stopped while this receipt was being handed to SMTP', keepLastAnswer: false };

/** Inside the transaction that just settled or cancelled `letterId`: queues its signature's receipt if due. */
export async function queueReceiptIfSettled(client: Queryable, letterId: string, now: number): Promise<void> {
  await client.query(
    `INSERT INTO receipts (signature_id, campaign, status, created_at, next_attempt_at)
     SELECT l.signature_id, l.campaign, 'queued', $2, $2
     FROM letters l JOIN campaigns c ON c.id = l.campaign
     WHERE l.id = $1
       AND (c.delivery_json::jsonb -> 'receipt') = 'true'::jsonb
       AND NOT EXISTS (SELECT 1 FROM letters o WHERE o.signature_id = l.signature_id AND o.status IN ('queued', 'sending', 'awaiting-confirmation'))
       AND EXISTS (SELECT 1 FROM letters o WHERE o.signature_id = l.signature_id AND o.status = 'sent')
     ON CONFLICT (signature_id) DO NOTHING`,
    [letterId, now],
  );
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

/** The receipts' side of the PostgreSQL letter queue. */
export function createPgReceipts(pool: pg.Pool) {
  return {
    async claimDue(now: number, limit: number, leaseUntil: number): Promise<ReceiptToSend[]> {
      return inTransaction(pool, async (client) => {
        await recoverExpired(client, TABLE, NOTE, now);
        const { rows } = await client.query<DueRow>(
          `SELECT r.signature_id, r.campaign, r.attempts, r.first_attempt_at, s.first_name, s.last_name, s.name, s.email, s.locale
           FROM receipts r JOIN campaigns c ON c.id = r.campaign JOIN signatures s ON s.id = r.signature_id
           WHERE r.status = 'queued' AND r.next_attempt_at <= $1 AND c.sending_paused = 0
           ORDER BY r.next_attempt_at LIMIT $2
           FOR UPDATE OF r SKIP LOCKED`,
          [now, limit],
        );
        const claimed: ReceiptToSend[] = [];
        for (const row of rows) {
          if (!(await claimRow(client, TABLE, row.signature_id, now, leaseUntil))) continue;
          const delivered = await client.query<{ target_name: string; sent_at: number }>(
            `SELECT target_name, sent_at FROM letters WHERE signature_id = $1 AND status = 'sent' AND sent_at IS NOT NULL
             ORDER BY sent_at, target_name`,
            [row.signature_id],
          );
          const name = row.name?.trim() || [row.first_name, row.last_name].map((part) => part?.trim()).filter(Boolean).join(' ');
          const item: ReceiptToSend = {
            id: row.signature_id,
            campaign: row.campaign,
            attempts: row.attempts + 1,
            firstAttemptAt: row.first_attempt_at ?? now,
            recipient: { name, email: row.email.trim() },
            delivered: delivered.rows.map((letter) => ({ name: letter.target_name, sentAt: letter.sent_at })),
          };
          if (row.locale?.trim()) item.locale = row.locale;
          claimed.push(item);
        }
        return claimed;
      });
    },
    async recordAttempt(id: string, result: AttemptResult): Promise<void> {
      requireNextAttempt('receipt', id, result);
      if (!(await recordOutcome(pool, TABLE, id, result))) throw notSending('receipt', id, result);
    },
    recoverInterrupted: (now: number): Promise<number> => recoverExpired(pool, TABLE, NOTE, now),
    async nextDueAt(): Promise<number | undefined> {
      const { rows } = await pool.query<{ at: number | null }>(
        `SELECT MIN(r.next_attempt_at) AS at FROM receipts r JOIN campaigns c ON c.id = r.campaign
         WHERE r.status = 'queued' AND c.sending_paused = 0`,
      );
      return rows[0]?.at ?? undefined;
    },
  };
}
