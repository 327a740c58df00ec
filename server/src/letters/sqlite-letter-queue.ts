/**
 * The letter queue on SQLite (better-sqlite3): the LetterQueue the worker uses, the admin's
 * per-target counts, the organiser's "send again", and the insert the signature transaction calls.
 *
 * Claiming happens in ONE immediate transaction: the due letters are read, each checked against
 * its campaign's window and its target's hourly cap, and the sendable ones committed 'sending'
 * before the worker sees them. Letters held back by the window or the cap get their
 * next_attempt_at moved to when they may go, so nextDueAt stays truthful and the worker sleeps
 * instead of polling held letters.
 */
import type Database from 'better-sqlite3';
import { LETTER_STATUSES, parseDeliverySettings, type DeliverySettings, type LetterStatus, type LetterToSend, type Target } from './letter-types.ts';
import type { NewLetter } from './letters-for-signature.ts';
import type { LetterQueue } from './letter-worker.ts';
import { capFreesAt, HOUR_MS, nextSendingTime } from './retry-schedule.ts';
import { createSqliteConfirmations, type ConfirmationCounts, type ConfirmationView } from './sqlite-confirmations.ts';
import { createSqliteReceipts } from './sqlite-receipts.ts';
import { createSqliteDigestQueue, RECENT_SENDS_SQL, type DigestListRow, type TargetDigestCounts } from './sqlite-digest-queue.ts';

/**
 * Migration SQL: the campaigns the receiver holds (SPEC §8) and their letters (§9). Needs the
 * `signatures` table. Erasing a signature erases its letters (ON DELETE CASCADE).
 */
export const LETTERS_SCHEMA = `
  CREATE TABLE campaigns (
    id             TEXT PRIMARY KEY,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    document_json  TEXT NOT NULL,
    delivery_json  TEXT NOT NULL,
    sending_paused INTEGER NOT NULL DEFAULT 0 CHECK (sending_paused IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
  ) STRICT;

  CREATE TABLE letters (
    id               TEXT PRIMARY KEY,
    signature_id     TEXT NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    campaign         TEXT NOT NULL,
    target_name      TEXT NOT NULL,
    target_email     TEXT NOT NULL,
    recipient_email  TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    reply_to         TEXT,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'awaiting-confirmation', 'expired', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    first_attempt_at INTEGER,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_response    TEXT,
    UNIQUE (signature_id, target_email)
  ) STRICT;

  CREATE INDEX letters_due ON letters (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX letters_to_target_recently ON letters (target_email COLLATE NOCASE, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
  CREATE INDEX letters_by_campaign ON letters (campaign, target_email, status);
  CREATE INDEX letters_sending ON letters (lease_until) WHERE status = 'sending';
`;

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

export interface SqliteLetterQueue extends Required<LetterQueue> {
  /** Mode confirm: what the page may say about a token (by its hash); changes nothing. */
  confirmationView(tokenHash: string, now: number): ConfirmationView;
  /** Mode confirm: the signer pressed the button: their letters become 'queued', once. */
  confirmSignature(tokenHash: string, now: number): ConfirmationView;
  /** Mode confirm: a campaign's confirmation emails by status, and how many confirmed. */
  confirmationCounts(campaign: string): ConfirmationCounts;
  /** The organiser's "send the digest now": one queued digest per target with signers waiting. */
  closeDigestNow(campaign: string, now?: number): { target: Target; signers: number }[];
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

interface CandidateRow {
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
function staleReason(settings: DeliverySettings, targetEmail: string): string | undefined {
  if (settings.mode !== 'each') return `the campaign's mode is now "${settings.mode}"`;
  const target = targetEmail.toLowerCase();
  if (!settings.targets.some((entry) => entry.email.toLowerCase() === target)) return 'the target was removed from the campaign';
  return undefined;
}

/** The SQLite LetterQueue on an open handle (WAL, foreign keys on, schema applied). */
export function createSqliteLetterQueue(db: Database.Database): SqliteLetterQueue {
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
  const recentSends = db.prepare<{ target: string; since: number; limit: number }, { at: number }>(RECENT_SENDS_SQL);
  const digests = createSqliteDigestQueue(db);
  const confirmations = createSqliteConfirmations(db);
  const receipts = createSqliteReceipts(db);
  const defer = db.prepare<[number, string]>(`UPDATE letters SET next_attempt_at = ? WHERE id = ? AND status = 'queued'`);
  const cancel = db.prepare<[string, string]>(`UPDATE letters SET status = 'cancelled', last_response = ? WHERE id = ? AND status = 'queued'`);
  const claim = db.prepare<{ id: string; now: number; leaseUntil: number }>(
    `UPDATE letters SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @now),
            last_attempt_at = @now, lease_until = @leaseUntil
     WHERE id = @id AND status = 'queued'`,
  );
  const record = db.prepare<{ id: string; status: string; at: number; response: string; next: number | null }>(
    `UPDATE letters SET status = @status, last_response = @response, lease_until = NULL,
            sent_at = CASE WHEN @status = 'sent' THEN @at ELSE sent_at END,
            next_attempt_at = COALESCE(@next, next_attempt_at)
     WHERE id = @id AND status = 'sending'`,
  );
  const recover = db.prepare(
    `UPDATE letters SET status = 'unknown', lease_until = NULL,
            last_response = 'interrupted: the receiver stopped while this letter was being handed to SMTP' || COALESCE(' (last answer: ' || last_response || ')', '')
     WHERE status = 'sending'`,
  );
  const nextDue = db.prepare<[], { at: number }>(
    `SELECT l.next_attempt_at AS at FROM letters l JOIN campaigns c ON c.id = l.campaign
     WHERE l.status = 'queued' AND c.sending_paused = 0 ORDER BY l.next_attempt_at LIMIT 1`,
  );
  const counts = db.prepare<[string], { target_name: string; target_email: string; status: LetterStatus; n: number; last_sent: number | null }>(
    `SELECT target_name, target_email, status, COUNT(*) AS n, MAX(sent_at) AS last_sent
     FROM letters WHERE campaign = ? GROUP BY target_email, target_name, status ORDER BY target_email`,
  );
  const lastAnswer = db.prepare<[string, string], { last_response: string | null; last_attempt_at: number }>(
    `SELECT last_response, last_attempt_at FROM letters
     WHERE campaign = ? AND target_email = ? AND last_attempt_at IS NOT NULL
     ORDER BY last_attempt_at DESC LIMIT 1`,
  );
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
        entry = { limit: cap, sends: recentSends.all({ target, since: now - HOUR_MS, limit: cap }).map((send) => send.at) };
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
      const opensAt = nextSendingTime(now, settings.window);
      if (opensAt > now) {
        defer.run(opensAt, row.id);
        continue;
      }
      const sends = sendsTo(row.target_email, settings.hourlyCap);
      if (sends.length >= settings.hourlyCap) {
        defer.run(capFreesAt(sends, settings.hourlyCap, now), row.id);
        continue;
      }
      if (claim.run({ id: row.id, now, leaseUntil }).changes !== 1) continue;
      sends.unshift(now);
      claimed.push(toLetter(row, now));
    }
    return claimed;
  });

  // The letter's attempt and, when it settles the signature's last letter, its receipt: one transaction.
  const recordTransaction = db.transaction((id: string, result: { status: string; at: number; response: string; nextAttemptAt?: number }): number => {
    const changes = record.run({ id, status: result.status, at: result.at, response: result.response.slice(0, 1000), next: result.nextAttemptAt ?? null }).changes;
    if (changes === 1 && result.status !== 'queued') receipts.queueIfSettled(id, result.at);
    return changes;
  });

  const resendIn = (statuses: [LetterStatus, LetterStatus]) => (letterId: string, now = Date.now()) =>
    resend.run(now, letterId, ...statuses).changes === 1;

  return {
    async claimDueLetters(now, limit, leaseUntil) {
      return claimTransaction.immediate(now, limit, leaseUntil);
    },
    async recordAttempt(id, result) {
      if (result.status === 'queued' && result.nextAttemptAt === undefined) throw new Error(`letter ${id}: a queued result needs nextAttemptAt`);
      const changes = recordTransaction.immediate(id, result);
      if (changes !== 1) throw new Error(`letter ${id} is not 'sending'; attempt result '${result.status}' not recorded`);
    },
    async recoverInterrupted() {
      return recover.run().changes + digests.recoverInterrupted() + confirmations.recoverInterrupted() + receipts.recoverInterrupted();
    },
    async nextDueAt(now = Date.now()) {
      const times = [nextDue.get()?.at, digests.nextDueAt(now), confirmations.nextDueAt(now), receipts.nextDueAt()].filter((at): at is number => at !== undefined);
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
    listLetters(campaign, status, limit) {
      return letterList.all({ campaign, status: status ?? null, limit });
    },
    letterStatusCounts(campaign) {
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
      for (const entry of byTarget.values()) {
        const last = lastAnswer.get(campaign, entry.target.email);
        entry.lastResponse = last?.last_response ?? null;
        entry.lastAttemptAt = last?.last_attempt_at ?? null;
      }
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

const present = (value: string | null): string | undefined => (value === null || value.trim() === '' ? undefined : value);

function toLetter(row: CandidateRow, now: number): LetterToSend {
  const name = present(row.name) ?? [row.first_name, row.last_name].map((part) => part?.trim()).filter(Boolean).join(' ');
  const signer: LetterToSend['signer'] = { name, email: row.email };
  const organisation = present(row.organisation);
  const country = present(row.country);
  const postcode = present(row.postcode);
  if (organisation) signer.organisation = organisation;
  if (country) signer.country = country;
  if (postcode) signer.postcode = postcode;
  const letter: LetterToSend = {
    id: row.id,
    campaign: row.campaign,
    attempts: row.attempts + 1,
    createdAt: row.created_at,
    firstAttemptAt: row.first_attempt_at ?? now,
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
