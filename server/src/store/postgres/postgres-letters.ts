/**
 * The letters table on PostgreSQL, as sqlite-letters.ts: the worker's claim and record, and what
 * the organiser sees and may send again. The claim is one transaction: expired leases recovered
 * ('unknown'), due letters locked FOR UPDATE SKIP LOCKED (another receiver's claim skips them),
 * their targets' advisory locks taken (postgres-attempts.ts), each letter checked against its
 * campaign's window and its target's hourly cap as counted in the database, and the sendable
 * ones committed 'sending' before the worker sees them.
 */
import type pg from 'pg';
import { parseDeliverySettings } from '../../letters/delivery-settings.ts';
import { LETTER_STATUSES, type DeliverySettings, type LetterStatus, type LetterToSend } from '../../letters/letter-types.ts';
import type { AttemptResult } from '../../letters/letter-worker.ts';
import { heldUntil, HOUR_MS } from '../../letters/retry-schedule.ts';
import { notSending, requireNextAttempt, type MailTable } from '../../letters/sqlite-attempts.ts';
import { staleReason, toLetter, type CandidateRow, type LetterListRow, type TargetLetterCounts } from '../../letters/sqlite-letters.ts';
import { claimRow, lastAnswer, lockTargets, recentSends, recordOutcome, recoverExpired } from './postgres-attempts.ts';
import { queueReceiptIfSettled } from './postgres-receipts.ts';
import { inTransaction } from './pool.ts';

const TABLE: MailTable = { table: 'letters', key: 'id' };
const NOTE = { interruptedNote: 'interrupted: the receiver stopped while this letter was being handed to SMTP', keepLastAnswer: true };
/** How far to push a letter whose campaign settings no longer parse (the admin API prevents it). */
const BROKEN_SETTINGS_RETRY_MS = 15 * 60_000;

function settingsOf(json: string): DeliverySettings | undefined {
  try {
    const parsed = parseDeliverySettings(JSON.parse(json));
    return parsed.ok ? parsed.settings : undefined;
  } catch {
    return undefined;
  }
}

/** The letters' side of the PostgreSQL letter queue. */
export function createPgLetters(pool: pg.Pool) {
  return {
    async claimDue(now: number, limit: number, leaseUntil: number): Promise<LetterToSend[]> {
      return inTransaction(pool, async (client) => {
        await recoverExpired(client, TABLE, NOTE, now);
        // Read more than we need: some due letters may be held by a window or a cap.
        const { rows } = await client.query<CandidateRow>(
          `SELECT l.id, l.campaign, l.attempts, l.created_at, l.first_attempt_at, l.target_name, l.target_email,
                  l.recipient_email, l.subject, l.body, l.reply_to, c.delivery_json,
                  s.first_name, s.last_name, s.name, s.email, s.organisation, s.country, s.postcode, s.locale
           FROM letters l JOIN campaigns c ON c.id = l.campaign JOIN signatures s ON s.id = l.signature_id
           WHERE l.status = 'queued' AND l.next_attempt_at <= $1 AND c.sending_paused = 0
           ORDER BY l.next_attempt_at, l.created_at
           LIMIT $2
           FOR UPDATE OF l SKIP LOCKED`,
          [now, Math.max(limit * 5, 50)],
        );
        if (rows.length === 0) return [];
        // The cap is counted below from the database: no other receiver may claim for these targets meanwhile.
        await lockTargets(client, rows.map((row) => row.target_email));
        const settingsByCampaign = new Map<string, DeliverySettings | undefined>();
        const sendsByTarget = new Map<string, { limit: number; sends: number[] }>();
        const claimed: LetterToSend[] = [];
        for (const row of rows) {
          if (claimed.length >= limit) break;
          if (!settingsByCampaign.has(row.campaign)) settingsByCampaign.set(row.campaign, settingsOf(row.delivery_json));
          const settings = settingsByCampaign.get(row.campaign);
          if (!settings) {
            await client.query(`UPDATE letters SET next_attempt_at = $1 WHERE id = $2 AND status = 'queued'`, [now + BROKEN_SETTINGS_RETRY_MS, row.id]);
            continue;
          }
          const stale = staleReason(settings, row.target_email);
          if (stale) {
            const cancelled = await client.query(`UPDATE letters SET status = 'cancelled', last_response = $1 WHERE id = $2 AND status = 'queued'`, [`cancelled: ${stale}`, row.id]);
            if (cancelled.rowCount === 1) await queueReceiptIfSettled(client, row.id, now);
            continue;
          }
          const key = row.target_email.toLowerCase();
          let entry = sendsByTarget.get(key);
          if (!entry || entry.limit < settings.hourlyCap) {
            entry = { limit: settings.hourlyCap, sends: await recentSends(client, row.target_email, now - HOUR_MS, settings.hourlyCap) };
            sendsByTarget.set(key, entry);
          }
          const sends = entry.sends;
          const until = heldUntil(now, settings, () => sends);
          if (until !== undefined) {
            await client.query(`UPDATE letters SET next_attempt_at = $1 WHERE id = $2 AND status = 'queued'`, [until, row.id]);
            continue;
          }
          if (!(await claimRow(client, TABLE, row.id, now, leaseUntil))) continue;
          sends.unshift(now);
          claimed.push(toLetter(row, now));
        }
        return claimed;
      });
    },
    async recordAttempt(id: string, result: AttemptResult): Promise<void> {
      requireNextAttempt('letter', id, result);
      const recorded = await inTransaction(pool, async (client) => {
        const written = await recordOutcome(client, TABLE, id, result);
        if (written && result.status !== 'queued') await queueReceiptIfSettled(client, id, result.at);
        return written;
      });
      if (!recorded) throw notSending('letter', id, result);
    },
    recoverInterrupted: (now: number): Promise<number> => recoverExpired(pool, TABLE, NOTE, now),
    async nextDueAt(): Promise<number | undefined> {
      const { rows } = await pool.query<{ at: number }>(
        `SELECT l.next_attempt_at AS at FROM letters l JOIN campaigns c ON c.id = l.campaign
         WHERE l.status = 'queued' AND c.sending_paused = 0 ORDER BY l.next_attempt_at LIMIT 1`,
      );
      return rows[0]?.at;
    },
    async list(campaign: string, status: LetterStatus | undefined, limit: number): Promise<LetterListRow[]> {
      const { rows } = await pool.query<LetterListRow>(
        `SELECT id, target_name, target_email, status, attempts, last_response, created_at, last_attempt_at, next_attempt_at, sent_at
         FROM letters WHERE campaign = $1 AND ($2::text IS NULL OR status = $2)
         ORDER BY created_at DESC, id LIMIT $3`,
        [campaign, status ?? null, limit],
      );
      return rows;
    },
    async statusCounts(campaign: string): Promise<TargetLetterCounts[]> {
      const { rows } = await pool.query<{ target_name: string; target_email: string; status: LetterStatus; n: number; last_sent: number | null }>(
        `SELECT target_name, target_email, status, COUNT(*)::bigint AS n, MAX(sent_at) AS last_sent
         FROM letters WHERE campaign = $1 GROUP BY target_email, target_name, status ORDER BY target_email`,
        [campaign],
      );
      const byTarget = new Map<string, TargetLetterCounts>();
      for (const row of rows) {
        let entry = byTarget.get(row.target_email);
        if (!entry) {
          entry = {
            target: { name: row.target_name, email: row.target_email },
            ...(Object.fromEntries(LETTER_STATUSES.map((status) => [status, 0])) as Record<LetterStatus, number>),
            lastResponse: null,
            lastAttemptAt: null,
            lastSentAt: null,
          };
          byTarget.set(row.target_email, entry);
        }
        entry[row.status] += row.n;
        if (row.last_sent !== null) entry.lastSentAt = Math.max(entry.lastSentAt ?? 0, row.last_sent);
      }
      for (const entry of byTarget.values()) Object.assign(entry, await lastAnswer(pool, 'letters', campaign, entry.target.email));
      return [...byTarget.values()];
    },
    async resendLetter(letterId: string, now = Date.now()): Promise<boolean> {
      const result = await pool.query(
        `UPDATE letters SET status = 'queued', next_attempt_at = $1, first_attempt_at = NULL, lease_until = NULL
         WHERE id = $2 AND status IN ('unknown', 'failed')`,
        [now, letterId],
      );
      return result.rowCount === 1;
    },
  };
}
