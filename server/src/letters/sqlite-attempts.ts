/**
 * The life every outgoing email shares on SQLite, whichever table holds it (letters, digests,
 * confirmation emails, receipts): claimed 'queued' → 'sending' under a lease, one attempt's
 * outcome written on the 'sending' row, and rows a killed process left 'sending' turned
 * 'unknown' at the next start (they may have been handed over). One SQL text per statement, so
 * a fix reaches all four tables; they differ only in their key column and in the note a
 * recovered row gets.
 *
 * Also here: a target's attempts of the last hour, letters and digests together, which both
 * queues read for the hourly cap.
 */
import type Database from 'better-sqlite3';
import type { AttemptResult } from './letter-worker.ts';

/** One of the four tables, and its key column. */
export interface MailTable {
  table: 'letters' | 'digests' | 'confirmations' | 'receipts';
  /** The row's own uuid, or the signature's where the table holds one email per signature. */
  key: 'id' | 'signature_id';
}

/** How a table's recovered rows are told apart. */
export interface RecoveryNote {
  /** `last_response` of a recovered row: what the organiser reads about it. */
  interruptedNote: string;
  /** Append the answer the row had before (`(last answer: …)`) to the note. */
  keepLastAnswer: boolean;
}

/** What happens to a claimed row: its attempt's outcome, or 'unknown' after a crash. */
export interface OutcomeStatements {
  /** Writes one attempt's outcome on the 'sending' row; false (nothing written) if it was not 'sending'. */
  record(id: string, result: AttemptResult): boolean;
  /** Every 'sending' row becomes 'unknown' with the table's note; returns how many. */
  recoverInterrupted(): number;
}

/**
 * Prepares the claim of one row: 'queued' → 'sending' until `leaseUntil`, counting the attempt;
 * false if the row was no longer 'queued'. (Confirmations claim with their own statement: it
 * also stores the hash of the token drawn for that attempt.)
 */
export function prepareClaim(db: Database.Database, { table, key }: MailTable): (id: string, now: number, leaseUntil: number) => boolean {
  const claim = db.prepare<{ id: string; now: number; leaseUntil: number }>(
    `UPDATE ${table} SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @now),
            last_attempt_at = @now, lease_until = @leaseUntil
     WHERE ${key} = @id AND status = 'queued'`,
  );
  return (id, now, leaseUntil) => claim.run({ id, now, leaseUntil }).changes === 1;
}

/** The columns of a letter or digest row that its claim changes. */
export interface ClaimedRow {
  id: string;
  campaign: string;
  attempts: number;
  created_at: number;
  first_attempt_at: number | null;
}

/**
 * What a claimed letter or digest tells the worker of its row, as the claim at `now` left it:
 * the attempt it starts counted, and `now` as its first attempt if it had none.
 */
export function claimedFields(row: ClaimedRow, now: number): { id: string; campaign: string; attempts: number; createdAt: number; firstAttemptAt: number } {
  return { id: row.id, campaign: row.campaign, attempts: row.attempts + 1, createdAt: row.created_at, firstAttemptAt: row.first_attempt_at ?? now };
}

/** Prepares record and recover for `table`. */
export function prepareOutcomes(db: Database.Database, { table, key }: MailTable, { interruptedNote, keepLastAnswer }: RecoveryNote): OutcomeStatements {
  // next_attempt_at keeps its value unless the result brings one (a retry's 'queued' does).
  const record = db.prepare<{ id: string; status: string; at: number; response: string; next: number | null }>(
    `UPDATE ${table} SET status = @status, last_response = @response, lease_until = NULL,
            sent_at = CASE WHEN @status = 'sent' THEN @at ELSE sent_at END,
            next_attempt_at = COALESCE(@next, next_attempt_at)
     WHERE ${key} = @id AND status = 'sending'`,
  );
  const recover = db.prepare<{ note: string }>(
    `UPDATE ${table} SET status = 'unknown', lease_until = NULL,
            last_response = @note${keepLastAnswer ? ` || COALESCE(' (last answer: ' || last_response || ')', '')` : ''}
     WHERE status = 'sending'`,
  );
  return {
    record: (id, result) =>
      record.run({ id, status: result.status, at: result.at, response: result.response.slice(0, 1000), next: result.nextAttemptAt ?? null }).changes === 1,
    recoverInterrupted: () => recover.run({ note: interruptedNote }).changes,
  };
}

/** Refuses a 'queued' result without its next attempt's time: the row would keep a time already past. */
export function requireNextAttempt(noun: string, id: string, result: AttemptResult): void {
  if (result.status === 'queued' && result.nextAttemptAt === undefined) throw new Error(`${noun} ${id}: a queued result needs nextAttemptAt`);
}

/** The error for a result that found its row no longer 'sending' (recovered meanwhile, or recorded twice). */
export function notSending(noun: string, id: string, result: AttemptResult): Error {
  return new Error(`${noun} ${id} is not 'sending'; attempt result '${result.status}' not recorded`);
}

/**
 * A target's attempts of the last hour, letters and digests together (a digest is one send):
 * every letter or digest last attempted in the window counts, whatever its status now. A
 * temporary refusal (451 to every RCPT from a throttling server) is an attempt too: counting
 * only what was delivered let a refusing server get hundreds of tries a minute.
 */
const RECENT_SENDS_SQL = `
  SELECT at FROM (
    SELECT last_attempt_at AS at FROM letters
     WHERE target_email = @target COLLATE NOCASE AND last_attempt_at > @since
    UNION ALL
    SELECT last_attempt_at AS at FROM digests
     WHERE target_email = @target COLLATE NOCASE AND last_attempt_at > @since
  ) ORDER BY at DESC LIMIT @limit`;

/** Prepares the read of a target's attempt times since `since`, newest first, at most `limit`. */
export function prepareRecentSends(db: Database.Database): (target: string, since: number, limit: number) => number[] {
  const recentSends = db.prepare<{ target: string; since: number; limit: number }, { at: number }>(RECENT_SENDS_SQL);
  return (target, since, limit) => recentSends.all({ target, since, limit }).map((send) => send.at);
}

/** The last SMTP answer a campaign's letters or digests to one target got, and when. */
export interface LastAnswer {
  lastResponse: string | null;
  lastAttemptAt: number | null;
}

/** Prepares the read of the last answer to a target, for the admin's per-target counts. */
export function prepareLastAnswer(db: Database.Database, table: 'letters' | 'digests'): (campaign: string, targetEmail: string) => LastAnswer {
  const lastAnswer = db.prepare<[string, string], { last_response: string | null; last_attempt_at: number }>(
    `SELECT last_response, last_attempt_at FROM ${table}
     WHERE campaign = ? AND target_email = ? AND last_attempt_at IS NOT NULL
     ORDER BY last_attempt_at DESC LIMIT 1`,
  );
  return (campaign, targetEmail) => {
    const last = lastAnswer.get(campaign, targetEmail);
    return { lastResponse: last?.last_response ?? null, lastAttemptAt: last?.last_attempt_at ?? null };
  };
}
