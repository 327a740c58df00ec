/**
 * Daily digests on SQLite (mode `digest`, SPEC §9.1, §9.3): the sending side. `digests` holds
 * one email each, with the letters' life: queued → sending → sent | failed | unknown, leased,
 * retried, recovered (sqlite-attempts.ts). How signatures wait for a digest and how a digest
 * is closed from them: digest-closing.ts; each claim closes the digests whose hour has come
 * first, in the same transaction.
 */
import type Database from 'better-sqlite3';
import type { DeliverySettings, Target } from './letter-types.ts';
import type { AttemptResult } from './letter-worker.ts';
import type { DigestToCompose } from './compose-digest.ts';
import { cancelledNote, createDigestClosing, parsedSettings, sendsDigestTo, type ClosedDigests } from './digest-closing.ts';
import { heldUntil, HOUR_MS } from './retry-schedule.ts';
import { toSigner, type SignerRow } from './signer-rows.ts';
import { claimedFields, notSending, prepareClaim, prepareLastAnswer, prepareOutcomes, prepareRecentSends, requireNextAttempt } from './sqlite-attempts.ts';

/** Where a digest is in its life ('cancelled': its campaign no longer sends it). */
export type DigestStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'unknown' | 'cancelled';
/** Every digest status, in the order the admin API lists them. */
export const DIGEST_STATUSES: readonly DigestStatus[] = ['queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled'];

/** A campaign's digests to one target: signers waiting, digests by status, the last SMTP answer. */
export interface TargetDigestCounts {
  target: Target;
  pendingSigners: number;
  counts: Record<DigestStatus, number>;
  lastResponse: string | null;
  lastAttemptAt: number | null;
  lastSentAt: number | null;
}

/** One digest for the organiser's list (times in ms). */
export interface DigestListRow {
  id: string;
  target_name: string;
  target_email: string;
  day: string;
  signers: number;
  status: DigestStatus;
  attempts: number;
  last_response: string | null;
  created_at: number;
  last_attempt_at: number | null;
  next_attempt_at: number;
  sent_at: number | null;
}

/** The digests' statements as the letter queue uses them (the worker's side and the organiser's). */
export interface SqliteDigestQueue {
  /** Closes the digests whose hour has come, then claims up to `limit` due ones ('sending'). */
  claimDueDigests(now: number, limit: number, leaseUntil: number): DigestToCompose[];
  /** Records what became of one attempt, like a letter's. */
  recordDigestAttempt(id: string, result: AttemptResult): void;
  /** Digests left 'sending' by a killed process become 'unknown'; returns how many. */
  recoverInterrupted(): number;
  /** When the worker should look again: a queued digest's next attempt or the next digest hour with signers waiting. */
  nextDueAt(now: number): number | undefined;
  /** The organiser's "send now": closes every pending entry of `campaign` into a digest per target. */
  closeNow(campaign: string, now: number): ClosedDigests;
  /** Per target of `campaign`: signers waiting, digests by status, the last SMTP answer. */
  digestStatusCounts(campaign: string): TargetDigestCounts[];
  /** A campaign's digests, newest first. */
  listDigests(campaign: string, limit: number): DigestListRow[];
  /** Organiser's choice for an 'unknown' or 'failed' digest: queued again, due now. */
  resendDigest(id: string, now: number): boolean;
}

interface DueDigestRow {
  id: string;
  campaign: string;
  target_name: string;
  target_email: string;
  day: string;
  time_zone: string;
  subject: string;
  body: string;
  attempts: number;
  created_at: number;
  first_attempt_at: number | null;
  part: number;
  parts: number;
  first_number: number;
  delivery_json: string;
}

/** How far to push a digest whose campaign settings no longer parse (the admin API prevents it). */
const BROKEN_SETTINGS_RETRY_MS = 15 * 60_000;

/** The SQLite digest queue on an open handle (schema applied). */
export function createSqliteDigestQueue(db: Database.Database): SqliteDigestQueue {
  const closing = createDigestClosing(db);
  const due = db.prepare<[number, number], DueDigestRow>(
    `SELECT d.id, d.campaign, d.target_name, d.target_email, d.day, d.time_zone, d.subject, d.body, d.attempts,
            d.created_at, d.first_attempt_at, d.part, d.parts, d.first_number, c.delivery_json
     FROM digests d JOIN campaigns c ON c.id = d.campaign
     WHERE d.status = 'queued' AND d.next_attempt_at <= ? AND c.sending_paused = 0
     ORDER BY d.next_attempt_at, d.created_at LIMIT ?`,
  );
  const recentSends = prepareRecentSends(db);
  const defer = db.prepare<[number, string]>(`UPDATE digests SET next_attempt_at = ? WHERE id = ? AND status = 'queued'`);
  const cancelDigest = db.prepare<[string, string]>(
    `UPDATE digests SET status = 'cancelled', lease_until = NULL, last_response = ? WHERE id = ? AND status = 'queued'`,
  );
  const claim = prepareClaim(db, { table: 'digests', key: 'id' });
  const signersOf = db.prepare<[string], SignerRow>(
    `SELECT s.first_name, s.last_name, s.name, s.organisation, s.country, e.edited_subject, e.edited_body
     FROM digest_entries e JOIN signatures s ON s.id = e.signature_id
     WHERE e.digest_id = ? ORDER BY e.created_at, s.seq`,
  );
  const outcomes = prepareOutcomes(db, { table: 'digests', key: 'id' }, {
    interruptedNote: 'interrupted: the receiver stopped while this digest was being handed to SMTP',
    keepLastAnswer: true,
  });
  const nextQueued = db.prepare<[], { at: number | null }>(
    `SELECT MIN(d.next_attempt_at) AS at FROM digests d JOIN campaigns c ON c.id = d.campaign
     WHERE d.status = 'queued' AND c.sending_paused = 0`,
  );
  const counts = db.prepare<[string], { target_name: string; target_email: string; status: DigestStatus; n: number; last_sent: number | null }>(
    `SELECT MAX(target_name) AS target_name, target_email, status, COUNT(*) AS n, MAX(sent_at) AS last_sent
     FROM digests WHERE campaign = ? GROUP BY target_email, status ORDER BY target_email`,
  );
  const pendingCounts = db.prepare<[string], { target_name: string; target_email: string; n: number }>(
    `SELECT MAX(target_name) AS target_name, target_email, COUNT(*) AS n FROM digest_entries
     WHERE campaign = ? AND digest_id IS NULL GROUP BY target_email ORDER BY target_email`,
  );
  const lastAnswer = prepareLastAnswer(db, 'digests');
  const list = db.prepare<[string, number], DigestListRow>(
    `SELECT id, target_name, target_email, day, signers, status, attempts, last_response, created_at, last_attempt_at, next_attempt_at, sent_at
     FROM digests WHERE campaign = ? ORDER BY created_at DESC, target_email LIMIT ?`,
  );
  const resend = db.prepare<[number, string]>(
    `UPDATE digests SET status = 'queued', next_attempt_at = ?, first_attempt_at = NULL, lease_until = NULL
     WHERE id = ? AND status IN ('unknown', 'failed')`,
  );

  const claimTransaction = db.transaction((now: number, limit: number, leaseUntil: number): DigestToCompose[] => {
    closing.closeDue(now);
    const claimed: DigestToCompose[] = [];
    const settingsByCampaign = new Map<string, DeliverySettings | undefined>();
    for (const row of due.all(now, Math.max(limit * 5, 50))) {
      if (claimed.length >= limit) break;
      if (!settingsByCampaign.has(row.campaign)) settingsByCampaign.set(row.campaign, parsedSettings(row.delivery_json));
      const settings = settingsByCampaign.get(row.campaign);
      if (!settings) {
        defer.run(now + BROKEN_SETTINGS_RETRY_MS, row.id);
        continue;
      }
      if (!sendsDigestTo(settings, row.target_email)) {
        cancelDigest.run(cancelledNote(settings), row.id);
        continue;
      }
      // Read per digest: claims are committed 'sending' as we go, so each read is current.
      const until = heldUntil(now, settings, () => recentSends(row.target_email, now - HOUR_MS, settings.hourlyCap));
      if (until !== undefined) {
        defer.run(until, row.id);
        continue;
      }
      if (!claim(row.id, now, leaseUntil)) continue;
      claimed.push({
        ...claimedFields(row, now),
        recipient: { name: row.target_name, email: row.target_email },
        day: row.day,
        timeZone: row.time_zone,
        letter: { subject: row.subject, body: row.body },
        // One part's signers at most (MAX_DIGEST_PART_SIGNERS): the day was split when it closed.
        signers: signersOf.all(row.id).map(toSigner),
        ...(row.parts > 1 ? { part: { part: row.part, parts: row.parts, firstNumber: row.first_number } } : {}),
      });
    }
    return claimed;
  });

  return {
    claimDueDigests: (now, limit, leaseUntil) => claimTransaction.immediate(now, limit, leaseUntil),
    recordDigestAttempt(id, result) {
      requireNextAttempt('digest', id, result);
      if (!outcomes.record(id, result)) throw notSending('digest', id, result);
    },
    recoverInterrupted: () => outcomes.recoverInterrupted(),
    nextDueAt: (now) => closing.nextCloseAt(now, nextQueued.get()?.at ?? undefined),
    closeNow: (campaign, now) => closing.closeNow(campaign, now),
    digestStatusCounts(campaign) {
      const byTarget = new Map<string, TargetDigestCounts>();
      const entryFor = (name: string, email: string): TargetDigestCounts => {
        let entry = byTarget.get(email);
        if (!entry) {
          entry = {
            target: { name, email },
            pendingSigners: 0,
            counts: Object.fromEntries(DIGEST_STATUSES.map((status) => [status, 0])) as Record<DigestStatus, number>,
            lastResponse: null,
            lastAttemptAt: null,
            lastSentAt: null,
          };
          byTarget.set(email, entry);
        }
        return entry;
      };
      for (const row of pendingCounts.all(campaign)) entryFor(row.target_name, row.target_email).pendingSigners = row.n;
      for (const row of counts.all(campaign)) {
        const entry = entryFor(row.target_name, row.target_email);
        entry.counts[row.status] += row.n;
        if (row.last_sent !== null) entry.lastSentAt = Math.max(entry.lastSentAt ?? 0, row.last_sent);
      }
      for (const entry of byTarget.values()) Object.assign(entry, lastAnswer(campaign, entry.target.email));
      return [...byTarget.values()];
    },
    listDigests: (campaign, limit) => list.all(campaign, limit),
    resendDigest: (id, now) => resend.run(now, id).changes === 1,
  };
}
