/**
 * Confirmation by email (delivery.confirm) on PostgreSQL, as sqlite-confirmations.ts: the token
 * drawn at claim time (only its SHA-256 stored, in the same UPDATE that makes the row
 * 'sending'), the page's view, and the press of the button that releases the letters once (the
 * row is locked FOR UPDATE, so two presses on two receivers release them once).
 */
import type pg from 'pg';
import type { AttemptResult } from '../../letters/letter-worker.ts';
import { notSending, type MailTable } from '../../letters/sqlite-attempts.ts';
import { hashToken, newToken, type ConfirmationCounts, type ConfirmationState, type ConfirmationToSend, type ConfirmationView, type DueRow, type TokenRow } from '../../letters/sqlite-confirmations.ts';
import { recordOutcome, recoverExpired } from './postgres-attempts.ts';
import { inTransaction } from './pool.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;
const TABLE: MailTable = { table: 'confirmations', key: 'signature_id' };
const NOTE = { interruptedNote: 'interrupted: the receiver stopped while this confirmation email was being handed to SMTP', keepLastAnswer: false };

const BY_HASH = `SELECT k.signature_id, k.subject, k.expires_at, k.confirmed_at, s.locale
  FROM confirmations k JOIN signatures s ON s.id = k.signature_id WHERE k.token_hash = $1`;

const stateOf = (row: TokenRow | undefined, now: number): ConfirmationState =>
  row === undefined ? 'unknown' : row.confirmed_at !== null ? 'confirmed' : row.expires_at <= now ? 'expired' : 'waiting';
const viewOf = (row: TokenRow | undefined, state: ConfirmationState): ConfirmationView => {
  const view: ConfirmationView = { state };
  if (row) view.subject = row.subject;
  if (row?.locale) view.locale = row.locale;
  return view;
};

async function expire(client: Queryable, now: number): Promise<number> {
  const result = await client.query(
    `UPDATE letters SET status = 'expired', last_response = 'not confirmed by the signer within 7 days'
     WHERE status = 'awaiting-confirmation' AND signature_id IN (
       SELECT signature_id FROM confirmations WHERE confirmed_at IS NULL AND expires_at <= $1)`,
    [now],
  );
  return result.rowCount ?? 0;
}

/** The confirmations' side of the PostgreSQL letter queue. */
export function createPgConfirmations(pool: pg.Pool) {
  return {
    expireUnconfirmed: (now: number): Promise<number> => expire(pool, now),
    async claimDue(now: number, limit: number, leaseUntil: number): Promise<ConfirmationToSend[]> {
      return inTransaction(pool, async (client) => {
        await recoverExpired(client, TABLE, NOTE, now);
        const { rows } = await client.query<DueRow>(
          `SELECT k.signature_id, k.campaign, k.subject, k.attempts, k.first_attempt_at, k.expires_at,
                  s.first_name, s.last_name, s.name, s.email, s.locale
           FROM confirmations k JOIN campaigns c ON c.id = k.campaign JOIN signatures s ON s.id = k.signature_id
           WHERE k.status = 'queued' AND k.next_attempt_at <= $1 AND k.expires_at > $1 AND c.sending_paused = 0
           ORDER BY k.next_attempt_at LIMIT $2
           FOR UPDATE OF k SKIP LOCKED`,
          [now, limit],
        );
        const claimed: ConfirmationToSend[] = [];
        for (const row of rows) {
          const token = newToken();
          const result = await client.query(
            `UPDATE confirmations SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $2),
                    last_attempt_at = $2, lease_until = $3, token_hash = $4
             WHERE signature_id = $1 AND status = 'queued'`,
            [row.signature_id, now, leaseUntil, hashToken(token)],
          );
          if (result.rowCount !== 1) continue;
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
    },
    async recordAttempt(id: string, result: AttemptResult): Promise<void> {
      if (!(await recordOutcome(pool, TABLE, id, result))) throw notSending('confirmation', id, result);
    },
    recoverInterrupted: (now: number): Promise<number> => recoverExpired(pool, TABLE, NOTE, now),
    async nextDueAt(now: number): Promise<number | undefined> {
      const { rows } = await pool.query<{ at: number | null }>(
        `SELECT MIN(k.next_attempt_at) AS at FROM confirmations k JOIN campaigns c ON c.id = k.campaign
         WHERE k.status = 'queued' AND k.expires_at > $1 AND c.sending_paused = 0`,
        [now],
      );
      return rows[0]?.at ?? undefined;
    },
    async view(tokenHash: string, now: number): Promise<ConfirmationView> {
      const { rows } = await pool.query<TokenRow>(BY_HASH, [tokenHash]);
      return viewOf(rows[0], stateOf(rows[0], now));
    },
    async confirm(tokenHash: string, now: number): Promise<ConfirmationView> {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<TokenRow>(`${BY_HASH} FOR UPDATE OF k`, [tokenHash]);
        const row = rows[0];
        const state = stateOf(row, now);
        if (state === 'expired') await expire(client, now);
        if (state !== 'waiting' || !row) return viewOf(row, state);
        await client.query('UPDATE confirmations SET confirmed_at = $1 WHERE signature_id = $2 AND confirmed_at IS NULL', [now, row.signature_id]);
        await client.query(`UPDATE letters SET status = 'queued', next_attempt_at = $1 WHERE signature_id = $2 AND status = 'awaiting-confirmation'`, [now, row.signature_id]);
        return viewOf(row, 'confirmed');
      });
    },
    async counts(campaign: string): Promise<ConfirmationCounts> {
      const { rows } = await pool.query<{ status: string; n: number; confirmed: number }>(
        `SELECT status, COUNT(*)::bigint AS n, COUNT(confirmed_at)::bigint AS confirmed FROM confirmations WHERE campaign = $1 GROUP BY status`,
        [campaign],
      );
      const result: ConfirmationCounts = { queued: 0, sending: 0, sent: 0, failed: 0, unknown: 0, confirmed: 0 };
      for (const row of rows) {
        result[row.status as keyof ConfirmationCounts] = row.n;
        result.confirmed += row.confirmed;
      }
      return result;
    },
  };
}
