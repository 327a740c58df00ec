/**
 * The life every outgoing email shares on PostgreSQL (letters, digests, confirmation emails,
 * receipts), as sqlite-attempts.ts does on SQLite, with what several receivers need:
 *
 * - a claim takes its rows with FOR UPDATE SKIP LOCKED, so two receivers claiming at once never
 *   get the same row (the second skips what the first holds), and commits them 'sending' under a
 *   lease before any byte goes to SMTP;
 * - a receiver killed mid-send leaves its rows 'sending'. Nobody can know whether SMTP took them,
 *   so once their lease has passed any receiver marks them 'unknown' (SPEC §9.3), at its start
 *   and before each claim; a live receiver's rows, still leased, are left alone;
 * - the per-target hourly cap is counted in the database inside the claim, under a
 *   transaction-level advisory lock per target address, so two receivers cannot both see "29 of
 *   30" and both send.
 */
import type pg from 'pg';
import type { AttemptResult } from '../../letters/letter-worker.ts';
import type { LastAnswer, MailTable, RecoveryNote } from '../../letters/sqlite-attempts.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** 'queued' → 'sending' until `leaseUntil`, counting the attempt; false if the row was no longer 'queued'. */
export async function claimRow(client: Queryable, { table, key }: MailTable, id: string, now: number, leaseUntil: number): Promise<boolean> {
  const result = await client.query(
    `UPDATE ${table} SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $2),
            last_attempt_at = $2, lease_until = $3
     WHERE ${key} = $1 AND status = 'queued'`,
    [id, now, leaseUntil],
  );
  return result.rowCount === 1;
}

/** Writes one attempt's outcome on the 'sending' row; false (nothing written) if it was not 'sending'. */
export async function recordOutcome(client: Queryable, { table, key }: MailTable, id: string, result: AttemptResult): Promise<boolean> {
  const written = await client.query(
    `UPDATE ${table} SET status = $2, last_response = $4, lease_until = NULL,
            sent_at = CASE WHEN $2 = 'sent' THEN $3::bigint ELSE sent_at END,
            next_attempt_at = COALESCE($5::bigint, next_attempt_at)
     WHERE ${key} = $1 AND status = 'sending'`,
    [id, result.status, result.at, result.response.slice(0, 1000), result.nextAttemptAt ?? null],
  );
  return written.rowCount === 1;
}

/**
 * Rows left 'sending' whose lease ended before `now` become 'unknown' with the table's note;
 * returns how many. Rows still leased belong to a receiver that may be sending them right now.
 */
export async function recoverExpired(client: Queryable, { table }: MailTable, { interruptedNote, keepLastAnswer }: RecoveryNote, now: number): Promise<number> {
  const result = await client.query(
    `UPDATE ${table} SET status = 'unknown', lease_until = NULL,
            last_response = $1${keepLastAnswer ? ` || COALESCE(' (last answer: ' || last_response || ')', '')` : ''}
     WHERE status = 'sending' AND (lease_until IS NULL OR lease_until < $2)`,
    [interruptedNote, now],
  );
  return result.rowCount ?? 0;
}

/**
 * Takes the advisory locks of these target addresses (case-insensitive), in one order for every
 * receiver so two claims never wait on each other in a circle; held until the transaction ends.
 */
export async function lockTargets(client: Queryable, targets: Iterable<string>): Promise<void> {
  const keys = [...new Set([...targets].map((target) => target.toLowerCase()))].sort();
  for (const key of keys) await client.query(`SELECT pg_advisory_xact_lock(hashtext('appeal-target:' || $1))`, [key]);
}

/** A target's attempt times since `since`, newest first, at most `limit`: letters and digests together (a digest is one send). */
export async function recentSends(client: Queryable, target: string, since: number, limit: number): Promise<number[]> {
  const { rows } = await client.query<{ at: number }>(
    `SELECT at FROM (
       SELECT last_attempt_at AS at FROM letters WHERE lower(target_email) = lower($1) AND last_attempt_at > $2
       UNION ALL
       SELECT last_attempt_at AS at FROM digests WHERE lower(target_email) = lower($1) AND last_attempt_at > $2
     ) sends ORDER BY at DESC LIMIT $3`,
    [target, since, limit],
  );
  return rows.map((row) => row.at);
}

/** The last SMTP answer a campaign's letters or digests to one target got, and when. */
export async function lastAnswer(client: Queryable, table: 'letters' | 'digests', campaign: string, targetEmail: string): Promise<LastAnswer> {
  const { rows } = await client.query<{ last_response: string | null; last_attempt_at: number }>(
    `SELECT last_response, last_attempt_at FROM ${table}
     WHERE campaign = $1 AND target_email = $2 AND last_attempt_at IS NOT NULL
     ORDER BY last_attempt_at DESC LIMIT 1`,
    [campaign, targetEmail],
  );
  return { lastResponse: rows[0]?.last_response ?? null, lastAttemptAt: rows[0]?.last_attempt_at ?? null };
}
