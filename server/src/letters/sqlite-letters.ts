/**
 * The letters table on SQLite (better-sqlite3): the insert the signature transaction calls, the
 * worker's claim and record, and what the organiser sees and may send again.
 *
 * Claiming happens in ONE immediate transaction: the due letters are read, each checked against
 * its campaign's window and its target's hourly cap, and the sendable ones committed 'sending'
 * before the worker sees them. Letters held back by the window or the cap get their
 * next_attempt_at moved to when they may go, so nextDueAt stays truthful and the worker sleeps
 * instead of polling held letters.
 */
import type Database from 'better-sqlite3';
import { LETTER_STATUSES, type DeliverySettings, type LetterStatus, type LetterToSend, type Target } from './letter-types.ts';
import { parseDeliverySettings } from './delivery-settings.ts';
import type { NewLetter } from './letters-for-signature.ts';
import type { AttemptResult } from './letter-worker.ts';
import { heldUntil, HOUR_MS } from './retry-schedule.ts';
import { present, signerName } from './signer-rows.ts';
import { claimedFields, notSending, prepareClaim, prepareLastAnswer, prepareOutcomes, prepareRecentSends, requireNextAttempt } from './sqlite-attempts.ts';
import type { SqliteReceipts } from './sqlite-receipts.ts';

/** One letter to insert with its signature: the planned letter plus whose it is. */
export interface NewLetterRow extends Omit<NewLetter, 'replyTo'> {
  signatureId: string;
  campaign: string;
  /** The signer's address, only if the campaign allows it and they ticked the box. */
  replyTo?: string | null;
  /** 'awaiting-confirmation' with `confirm`; default 'queued'. */
  status?: 'queued' | 'awaiting-confirmation';
}

/** Letters of a campaign to one target, by status, with the last SMTP answer. */
export type TargetLetterCounts = { target: Target; lastResponse: string | null; lastAttemptAt: number | null; lastSentAt: number | null } & Record<LetterStatus, number>;

/** One letter for the organiser's list (times in ms since the epoch). */
export interface LetterListRow {
  id: string;
  target_name: string;
  target_email: string;
  status: LetterStatus;
  attempts: number;
  last_response: string | null;
  created_at: number;
  last_attempt_at: number | null;
  next_attempt_at: number;
  sent_at: number | null;
}

/** The letters' statements, as the letter queue uses them. */
export interface SqliteLetters {
  /** Claims up to `limit` due letters ('sending'), within their window and their target's cap; cancels stale ones. */
  claimDue(now: number, limit: number, leaseUntil: number): LetterToSend[];
  /** Records one attempt and, if it settled the signature's last letter, queues its receipt. */
  recordAttempt(id: string, result: AttemptResult): void;
  /** Letters left 'sending' by a killed process become 'unknown'; returns how many. */
  recoverInterrupted(): number;
  /** The next queued letter's time, paused campaigns aside. */
  nextDueAt(): number | undefined;
  /** A campaign's letters, newest first, of one status or all. */
  list(campaign: string, status: LetterStatus | undefined, limit: number): LetterListRow[];
  /** Per target of `campaign`: how many letters are in each status, and the last SMTP answer. */
  statusCounts(campaign: string): TargetLetterCounts[];
  /** Organiser's choice for an 'unknown' letter: back to 'queued', due now. False if not 'unknown'. */
  resendUnknown(letterId: string, now?: number): boolean;
  /** Like resendUnknown, also for a 'failed' letter (after the organiser fixed the cause). */
  resendLetter(letterId: string, now?: number): boolean;
}

/** A letter the claim picked, with its signer and its campaign's settings (both stores' claim reads these columns). */
export interface CandidateRow {
  id: string;
  campaign: string;
  attempts: number;
  created_at: number;
  first_attempt_at: number | null;
  target_name: string;
  target_email: string;
  recipient_email: string;
  subject: string;
  body: string;
  reply_to: string | null;
  delivery_json: string;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  email: string;
  organisation: string | null;
  country: string | null;
  postcode: string | null;
  locale: string | null;
}

/** How far to push a letter whose campaign settings no longer parse (the admin API prevents it). */
const BROKEN_SETTINGS_RETRY_MS = 15 * 60_000;

/** The prepared insert for the signature transaction; returns how many letters were new. */
export function insertLettersFor(db: Database.Database): (rows: readonly NewLetterRow[]) => number {
  const insert = db.prepare(
    `INSERT INTO letters (id, signature_id, campaign, target_name, target_email, recipient_email, subject, body, reply_to, status, created_at, next_attempt_at)
     VALUES (@id, @signatureId, @campaign, @targetName, @targetEmail, @recipientEmail, @subject, @body, @replyTo, @status, @createdAt, @nextAttemptAt)
     ON CONFLICT DO NOTHING`,
  );
  return (rows) => {
    let inserted = 0;
    for (const row of rows) {
      inserted += insert.run({
        id: row.id,
        signatureId: row.signatureId,
        campaign: row.campaign,
        targetName: row.targetName,
        targetEmail: row.targetEmail,
        recipientEmail: row.recipientEmail,
        subject: row.subject,
        body: row.body,
        replyTo: row.replyTo ?? null,
        status: row.status ?? 'queued',
        createdAt: row.createdAt,
        nextAttemptAt: row.nextAttemptAt,
      }).changes;
    }
    return inserted;
  };
}

/** Why a queued letter to `targetEmail` no longer fits its campaign's settings, or undefined. */
export function staleReason(settings: DeliverySettings, targetEmail: string): string | undefined {
  if (settings.mode !== 'each') return `the campaign's mode is now "${settings.mode}"`;
  const target = targetEmail.toLowerCase();
  if (!settings.targets.some((entry) => entry.email.toLowerCase() === target)) return 'the target was removed from the campaign';
  return undefined;
}

/** The letters' statements on an open handle; `receipts` is queued from the same transactions. */
export function createSqliteLetters(db: Database.Database, receipts: SqliteReceipts): SqliteLetters {
  const candidates = db.prepare<[number, number], CandidateRow>(
    `SELECT l.id, l.campaign, l.attempts, l.created_at, l.first_attempt_at, l.target_name, l.target_email,
            l.recipient_email, l.subject, l.body, l.reply_to, c.delivery_json,
            s.first_name, s.last_name, s.name, s.email, s.organisation, s.country, s.postcode, s.locale
     FROM letters l
     JOIN campaigns c ON c.id = l.campaign
     JOIN signatures s ON s.id = l.signature_id
     WHERE l.status = 'queued' AND l.next_attempt_at <= ? AND c.sending_paused = 0
     ORDER BY l.next_attempt_at, l.created_at
     LIMIT ?`,
  );
  // Letters and digests to the target (a digest is one send); 'sending' and 'unknown' count too.
  const recentSends = prepareRecentSends(db);
  const defer = db.prepare<[number, string]>(`UPDATE letters SET next_attempt_at = ? WHERE id = ? AND status = 'queued'`);
  const cancel = db.prepare<[string, string]>(`UPDATE letters SET status = 'cancelled', last_response = ? WHERE id = ? AND status = 'queued'`);
  const claim = prepareClaim(db, { table: 'letters', key: 'id' });
  const outcomes = prepareOutcomes(db, { table: 'letters', key: 'id' }, {
    interruptedNote: 'interrupted: the receiver stopped while this letter was being handed to SMTP',
    keepLastAnswer: true,
  });
  const nextDue = db.prepare<[], { at: number }>(
    `SELECT l.next_attempt_at AS at FROM letters l JOIN campaigns c ON c.id = l.campaign
     WHERE l.status = 'queued' AND c.sending_paused = 0 ORDER BY l.next_attempt_at LIMIT 1`,
  );
  const counts = db.prepare<[string], { target_name: string; target_email: string; status: LetterStatus; n: number; last_sent: number | null }>(
    `SELECT target_name, target_email, status, COUNT(*) AS n, MAX(sent_at) AS last_sent
     FROM letters WHERE campaign = ? GROUP BY target_email, target_name, status ORDER BY target_email`,
  );
  const lastAnswer = prepareLastAnswer(db, 'letters');
  const letterList = db.prepare<{ campaign: string; status: string | null; limit: number }, LetterListRow>(
    `SELECT id, target_name, target_email, status, attempts, last_response, created_at, last_attempt_at, next_attempt_at, sent_at
     FROM letters WHERE campaign = @campaign AND (@status IS NULL OR status = @status)
     ORDER BY created_at DESC, id LIMIT @limit`,
  );
  const resend = db.prepare<[number, string, string, string]>(
    `UPDATE letters SET status = 'queued', next_attempt_at = ?, first_attempt_at = NULL, lease_until = NULL
     WHERE id = ? AND status IN (?, ?)`,
  );

  const claimTransaction = db.transaction((now: number, limit: number, leaseUntil: number): LetterToSend[] => {
    const settingsByCampaign = new Map<string, DeliverySettings | undefined>();
    // Each target's sends of the last hour, newest first, read once per claim and kept up to date
    // as letters are claimed: read per letter, a burst to one target cost O(letters × cap).
    const sendsByTarget = new Map<string, { limit: number; sends: number[] }>();
    const sendsTo = (target: string, cap: number): number[] => {
      const key = target.toLowerCase();
      let entry = sendsByTarget.get(key);
      if (!entry || entry.limit < cap) {
        entry = { limit: cap, sends: recentSends(target, now - HOUR_MS, cap) };
        sendsByTarget.set(key, entry);
      }
      return entry.sends;
    };
    const claimed: LetterToSend[] = [];
    // Read more than we need: some due letters may be held by a window or a cap.
    for (const row of candidates.all(now, Math.max(limit * 5, 50))) {
      if (claimed.length >= limit) break;
      if (!settingsByCampaign.has(row.campaign)) {
        const parsed = parseDeliverySettings(safeJson(row.delivery_json));
        settingsByCampaign.set(row.campaign, parsed.ok ? parsed.settings : undefined);
      }
      const settings = settingsByCampaign.get(row.campaign);
      if (!settings) {
        defer.run(now + BROKEN_SETTINGS_RETRY_MS, row.id);
        continue;
      }
      // The organiser changed the campaign since this letter was recorded: a target removed (a typo,
      // a target who agreed) or single letters turned off. What they no longer want is not sent.
      const stale = staleReason(settings, row.target_email);
      if (stale) {
        if (cancel.run(`cancelled: ${stale}`, row.id).changes === 1) receipts.queueIfSettled(row.id, now);
        continue;
      }
      const sends = (): number[] => sendsTo(row.target_email, settings.hourlyCap);
      const until = heldUntil(now, settings, sends);
      if (until !== undefined) {
        defer.run(until, row.id);
        continue;
      }
      if (!claim(row.id, now, leaseUntil)) continue;
      sends().unshift(now);
      claimed.push(toLetter(row, now));
    }
    return claimed;
  });

  // The letter's attempt and, when it settles the signature's last letter, its receipt: one transaction.
  const recordTransaction = db.transaction((id: string, result: AttemptResult): boolean => {
    const recorded = outcomes.record(id, result);
    if (recorded && result.status !== 'queued') receipts.queueIfSettled(id, result.at);
    return recorded;
  });

  const resendIn = (statuses: [LetterStatus, LetterStatus]) => (letterId: string, now = Date.now()) =>
    resend.run(now, letterId, ...statuses).changes === 1;

  return {
    claimDue: (now, limit, leaseUntil) => claimTransaction.immediate(now, limit, leaseUntil),
    recordAttempt(id, result) {
      requireNextAttempt('letter', id, result);
      if (!recordTransaction.immediate(id, result)) throw notSending('letter', id, result);
    },
    recoverInterrupted: () => outcomes.recoverInterrupted(),
    nextDueAt: () => nextDue.get()?.at,
    list: (campaign, status, limit) => letterList.all({ campaign, status: status ?? null, limit }),
    statusCounts(campaign) {
      const byTarget = new Map<string, TargetLetterCounts>();
      for (const row of counts.all(campaign)) {
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
      for (const entry of byTarget.values()) Object.assign(entry, lastAnswer(campaign, entry.target.email));
      return [...byTarget.values()];
    },
    resendUnknown: resendIn(['unknown', 'unknown']),
    resendLetter: resendIn(['unknown', 'failed']),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A claimed candidate as the worker gets it; blank optional columns are left out. */
export function toLetter(row: CandidateRow, now: number): LetterToSend {
  const signer: LetterToSend['signer'] = { name: signerName(row), email: row.email };
  const organisation = present(row.organisation);
  const country = present(row.country);
  const postcode = present(row.postcode);
  if (organisation) signer.organisation = organisation;
  if (country) signer.country = country;
  if (postcode) signer.postcode = postcode;
  const letter: LetterToSend = {
    ...claimedFields(row, now),
    recipient: { name: row.target_name, email: row.recipient_email },
    subject: row.subject,
    body: row.body,
    signer,
  };
  const locale = present(row.locale);
  if (locale) letter.locale = locale;
  const replyTo = present(row.reply_to);
  if (replyTo) letter.replyTo = replyTo;
  return letter;
}
