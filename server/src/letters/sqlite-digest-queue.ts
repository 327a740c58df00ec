/**
 * Daily digests on SQLite (mode `digest`, SPEC §9.1, §9.3).
 *
 * Two tables. `digest_entries`: one row per signature and target, written in the signature's own
 * transaction (so an acknowledged signature is never missing from a digest, and a retry or a
 * repeated address adds none: the signature itself is not new). `digest_id` is NULL while the
 * entry waits ("pending"); closing a digest sets it, once, in the same transaction that creates
 * the `digests` row, so an entry belongs to exactly one digest. `digests`: one email each, with
 * the letters' life: queued → sending → sent | failed | unknown, leased, retried, recovered.
 *
 * A digest is closed when a digest hour has passed since its oldest pending entry (so a signer
 * after 18:00 waits for tomorrow's), or at once by the organiser (`closeNow`). The letter's text
 * is copied into the digest when it closes: a retry sends what the first attempt sent.
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { DEFAULT_DIGEST_HOUR, DEFAULT_DIGEST_TIME_ZONE, parseDeliverySettings, type DeliverySettings, type DigestSigner, type Target } from './letter-types.ts';
import { digestLetter, type NewDigestEntry } from './letters-for-signature.ts';
import { cleanBody } from './compose-letter.ts';
import { digestHeading, MAX_DIGEST_PART_BYTES, MAX_DIGEST_PART_SIGNERS, signerEntry, type DigestToCompose } from './compose-digest.ts';
import { capFreesAt, HOUR_MS, latestDigestTime, localDate, nextDigestTime, nextSendingTime } from './retry-schedule.ts';

/** Migration SQL for digests; needs `signatures` and `campaigns`. */
export const DIGESTS_SCHEMA = `
  CREATE TABLE digests (
    id               TEXT PRIMARY KEY,
    campaign         TEXT NOT NULL,
    target_name      TEXT NOT NULL,
    target_email     TEXT NOT NULL,
    day              TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    signers          INTEGER NOT NULL,
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

  CREATE TABLE digest_entries (
    signature_id   TEXT NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    campaign       TEXT NOT NULL,
    target_name    TEXT NOT NULL,
    target_email   TEXT NOT NULL,
    edited_subject TEXT,
    edited_body    TEXT,
    created_at     INTEGER NOT NULL,
    digest_id      TEXT REFERENCES digests (id),
    PRIMARY KEY (signature_id, target_email)
  ) STRICT;

  CREATE INDEX digest_entries_pending ON digest_entries (campaign, target_email, created_at) WHERE digest_id IS NULL;
  CREATE INDEX digest_entries_by_digest ON digest_entries (digest_id, created_at);
  CREATE INDEX digests_due ON digests (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX digests_to_target_recently ON digests (target_email COLLATE NOCASE, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
  CREATE INDEX digests_by_campaign ON digests (campaign, target_email, status);
  CREATE INDEX digests_sending ON digests (lease_until) WHERE status = 'sending';
`;

/**
 * Migration SQL (after DIGESTS_SCHEMA): digests in parts and the 'cancelled' status. SQLite cannot
 * change a CHECK, so both tables are rebuilt (entries too, so no foreign key ever points at a
 * dropped table): `part` of `parts` for the day and target, `first_number` the number of its first
 * signer; 'cancelled' for entries whose campaign left mode digest or dropped the target.
 */
export const DIGEST_PARTS_SCHEMA = `
  CREATE TABLE digests_v7 (
    id               TEXT PRIMARY KEY,
    campaign         TEXT NOT NULL,
    target_name      TEXT NOT NULL,
    target_email     TEXT NOT NULL,
    day              TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    signers          INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    first_attempt_at INTEGER,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    lease_until      INTEGER,
    sent_at          INTEGER,
    last_response    TEXT,
    part             INTEGER NOT NULL DEFAULT 1,
    parts            INTEGER NOT NULL DEFAULT 1,
    first_number     INTEGER NOT NULL DEFAULT 1
  ) STRICT;
  INSERT INTO digests_v7 (id, campaign, target_name, target_email, day, time_zone, subject, body, signers, status, attempts,
                          created_at, first_attempt_at, next_attempt_at, last_attempt_at, lease_until, sent_at, last_response)
    SELECT id, campaign, target_name, target_email, day, time_zone, subject, body, signers, status, attempts,
           created_at, first_attempt_at, next_attempt_at, last_attempt_at, lease_until, sent_at, last_response FROM digests;

  CREATE TABLE digest_entries_v7 (
    signature_id   TEXT NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    campaign       TEXT NOT NULL,
    target_name    TEXT NOT NULL,
    target_email   TEXT NOT NULL,
    edited_subject TEXT,
    edited_body    TEXT,
    created_at     INTEGER NOT NULL,
    digest_id      TEXT REFERENCES digests_v7 (id),
    PRIMARY KEY (signature_id, target_email)
  ) STRICT;
  INSERT INTO digest_entries_v7 SELECT signature_id, campaign, target_name, target_email, edited_subject, edited_body, created_at, digest_id FROM digest_entries;

  DROP TABLE digest_entries;
  DROP TABLE digests;
  ALTER TABLE digests_v7 RENAME TO digests;
  ALTER TABLE digest_entries_v7 RENAME TO digest_entries;

  CREATE INDEX digest_entries_pending ON digest_entries (campaign, target_email, created_at) WHERE digest_id IS NULL;
  CREATE INDEX digest_entries_by_digest ON digest_entries (digest_id, created_at);
  CREATE INDEX digests_due ON digests (next_attempt_at) WHERE status = 'queued';
  CREATE INDEX digests_to_target_recently ON digests (target_email COLLATE NOCASE, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
  CREATE INDEX digests_by_campaign ON digests (campaign, target_email, status);
  CREATE INDEX digests_sending ON digests (lease_until) WHERE status = 'sending';
`;

/**
 * A target's attempts of the last hour, letters and digests together (a digest is one send):
 * every letter or digest last attempted in the window counts, whatever its status now. A
 * temporary refusal (451 to every RCPT from a throttling server) is an attempt too: counting
 * only what was delivered let a refusing server get hundreds of tries a minute. Named
 * parameters `@target`, `@since`, `@limit`.
 */
export const RECENT_SENDS_SQL = `
  SELECT at FROM (
    SELECT last_attempt_at AS at FROM letters
     WHERE target_email = @target COLLATE NOCASE AND last_attempt_at > @since
    UNION ALL
    SELECT last_attempt_at AS at FROM digests
     WHERE target_email = @target COLLATE NOCASE AND last_attempt_at > @since
  ) ORDER BY at DESC LIMIT @limit`;

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

/** What one attempt came to, as the worker records it. */
export type DigestAttemptResult = { status: 'sent' | 'queued' | 'failed' | 'unknown'; at: number; response: string; nextAttemptAt?: number };

export interface SqliteDigestQueue {
  /** Closes the digests whose hour has come, then claims up to `limit` due ones ('sending'). */
  claimDueDigests(now: number, limit: number, leaseUntil: number): DigestToCompose[];
  recordDigestAttempt(id: string, result: DigestAttemptResult): void;
  /** Digests left 'sending' by a killed process become 'unknown'; returns how many. */
  recoverInterrupted(): number;
  /** When the worker should look again: a queued digest's next attempt or the next digest hour with signers waiting. */
  nextDueAt(now: number): number | undefined;
  /** The organiser's "send now": closes every pending entry of `campaign` into a digest per target. */
  closeNow(campaign: string, now: number): { target: Target; signers: number }[];
  digestStatusCounts(campaign: string): TargetDigestCounts[];
  listDigests(campaign: string, limit: number): DigestListRow[];
  /** Organiser's choice for an 'unknown' or 'failed' digest: queued again, due now. */
  resendDigest(id: string, now: number): boolean;
}

/** The prepared insert for the signature transaction; returns how many entries were new. */
export function insertDigestEntriesFor(db: Database.Database): (signatureId: string, campaign: string, entries: readonly NewDigestEntry[]) => number {
  const insert = db.prepare(
    `INSERT INTO digest_entries (signature_id, campaign, target_name, target_email, edited_subject, edited_body, created_at)
     VALUES (@signatureId, @campaign, @targetName, @targetEmail, @editedSubject, @editedBody, @createdAt)
     ON CONFLICT DO NOTHING`,
  );
  return (signatureId, campaign, entries) => {
    let inserted = 0;
    for (const entry of entries) inserted += insert.run({ signatureId, campaign, ...entry }).changes;
    return inserted;
  };
}

/** The digest's hour and zone for a campaign's settings, defaults applied. */
export function digestSchedule(settings: DeliverySettings): { hour: number; timeZone: string } {
  return { hour: settings.digestHour ?? DEFAULT_DIGEST_HOUR, timeZone: settings.timeZone ?? settings.window?.timeZone ?? DEFAULT_DIGEST_TIME_ZONE };
}

interface PendingCampaignRow {
  campaign: string;
  delivery_json: string;
  document_json: string;
  first: number;
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

interface SignerRow {
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  organisation: string | null;
  country: string | null;
  edited_subject: string | null;
  edited_body: string | null;
}

interface PendingEntryRow extends SignerRow {
  signature_id: string;
  created_at: number;
  seq: number;
}

/** Pending entries read per page when a digest closes: never the whole day's signers at once. */
const CLOSE_PAGE_SIZE = 200;
/** Room for the heading and separators beside the letter, counted into each part's bytes. */
const PART_OVERHEAD_BYTES = 512;

/** Whether `settings` still sends digests to `email`: mode digest and the target still listed. */
function sendsDigestTo(settings: DeliverySettings, email: string): boolean {
  const wanted = email.toLowerCase();
  return settings.mode === 'digest' && settings.targets.some((target) => target.email.toLowerCase() === wanted);
}

const BROKEN_SETTINGS_RETRY_MS = 15 * 60_000;

function parsedSettings(json: string): DeliverySettings | undefined {
  try {
    const parsed = parseDeliverySettings(JSON.parse(json));
    return parsed.ok ? parsed.settings : undefined;
  } catch {
    return undefined;
  }
}

function parsedDocument(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const present = (value: string | null): string | undefined => (value === null || value.trim() === '' ? undefined : value);

/** A signer row as the digest lists it: name, organisation, country, their words; no address. */
function toSigner(row: SignerRow): DigestSigner {
  const name = present(row.name) ?? [row.first_name, row.last_name].map((part) => part?.trim()).filter(Boolean).join(' ');
  const signer: DigestSigner = { name };
  const organisation = present(row.organisation);
  const country = present(row.country);
  if (organisation) signer.organisation = organisation;
  if (country) signer.country = country;
  const subject = present(row.edited_subject);
  const body = present(row.edited_body);
  if (subject || body) signer.edited = { ...(subject ? { subject } : {}), ...(body ? { body } : {}) };
  return signer;
}

/** The SQLite digest queue on an open handle (schema applied). */
export function createSqliteDigestQueue(db: Database.Database): SqliteDigestQueue {
  const pendingCampaigns = db.prepare<[], PendingCampaignRow>(
    `SELECT e.campaign, c.delivery_json, c.document_json, MIN(e.created_at) AS first
     FROM digest_entries e JOIN campaigns c ON c.id = e.campaign
     WHERE e.digest_id IS NULL AND c.sending_paused = 0 GROUP BY e.campaign`,
  );
  const campaignRow = db.prepare<[string], { delivery_json: string; document_json: string }>('SELECT delivery_json, document_json FROM campaigns WHERE id = ?');
  const pendingTargets = db.prepare<[string, number], { target_name: string; target_email: string; n: number }>(
    `SELECT MAX(target_name) AS target_name, target_email, COUNT(*) AS n FROM digest_entries
     WHERE campaign = ? AND digest_id IS NULL AND created_at < ? GROUP BY target_email ORDER BY target_email`,
  );
  const insertDigest = db.prepare(
    `INSERT INTO digests (id, campaign, target_name, target_email, day, time_zone, subject, body, signers, status, created_at, next_attempt_at,
                          part, parts, first_number, last_response)
     VALUES (@id, @campaign, @targetName, @targetEmail, @day, @timeZone, @subject, @body, @signers, @status, @now, @now,
             @part, @parts, @firstNumber, @response)`,
  );
  const pendingPage = db.prepare<{ campaign: string; target: string; before: number; afterCreated: number; afterSeq: number; limit: number }, PendingEntryRow>(
    `SELECT e.signature_id, e.created_at, s.seq, s.first_name, s.last_name, s.name, s.organisation, s.country, e.edited_subject, e.edited_body
     FROM digest_entries e JOIN signatures s ON s.id = e.signature_id
     WHERE e.campaign = @campaign AND e.target_email = @target AND e.digest_id IS NULL AND e.created_at < @before
       AND (e.created_at, s.seq) > (@afterCreated, @afterSeq)
     ORDER BY e.created_at, s.seq LIMIT @limit`,
  );
  const attachOne = db.prepare<[string, string, string]>(
    'UPDATE digest_entries SET digest_id = ? WHERE signature_id = ? AND target_email = ? AND digest_id IS NULL',
  );
  const cancelDigest = db.prepare<[string, string]>(
    `UPDATE digests SET status = 'cancelled', lease_until = NULL, last_response = ? WHERE id = ? AND status = 'queued'`,
  );
  const attach = db.prepare<[string, string, string, number]>(
    'UPDATE digest_entries SET digest_id = ? WHERE campaign = ? AND target_email = ? AND digest_id IS NULL AND created_at < ?',
  );
  const due = db.prepare<[number, number], DueDigestRow>(
    `SELECT d.id, d.campaign, d.target_name, d.target_email, d.day, d.time_zone, d.subject, d.body, d.attempts,
            d.created_at, d.first_attempt_at, d.part, d.parts, d.first_number, c.delivery_json
     FROM digests d JOIN campaigns c ON c.id = d.campaign
     WHERE d.status = 'queued' AND d.next_attempt_at <= ? AND c.sending_paused = 0
     ORDER BY d.next_attempt_at, d.created_at LIMIT ?`,
  );
  const recentSends = db.prepare<{ target: string; since: number; limit: number }, { at: number }>(RECENT_SENDS_SQL);
  const defer = db.prepare<[number, string]>(`UPDATE digests SET next_attempt_at = ? WHERE id = ? AND status = 'queued'`);
  const claim = db.prepare<{ id: string; now: number; leaseUntil: number }>(
    `UPDATE digests SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @now),
            last_attempt_at = @now, lease_until = @leaseUntil
     WHERE id = @id AND status = 'queued'`,
  );
  const signersOf = db.prepare<[string], SignerRow>(
    `SELECT s.first_name, s.last_name, s.name, s.organisation, s.country, e.edited_subject, e.edited_body
     FROM digest_entries e JOIN signatures s ON s.id = e.signature_id
     WHERE e.digest_id = ? ORDER BY e.created_at, s.seq`,
  );
  const record = db.prepare<{ id: string; status: string; at: number; response: string; next: number | null }>(
    `UPDATE digests SET status = @status, last_response = @response, lease_until = NULL,
            sent_at = CASE WHEN @status = 'sent' THEN @at ELSE sent_at END,
            next_attempt_at = COALESCE(@next, next_attempt_at)
     WHERE id = @id AND status = 'sending'`,
  );
  const recover = db.prepare(
    `UPDATE digests SET status = 'unknown', lease_until = NULL,
            last_response = 'interrupted: the receiver stopped while this digest was being handed to SMTP' || COALESCE(' (last answer: ' || last_response || ')', '')
     WHERE status = 'sending'`,
  );
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
  const lastAnswer = db.prepare<[string, string], { last_response: string | null; last_attempt_at: number }>(
    `SELECT last_response, last_attempt_at FROM digests
     WHERE campaign = ? AND target_email = ? AND last_attempt_at IS NOT NULL ORDER BY last_attempt_at DESC LIMIT 1`,
  );
  const list = db.prepare<[string, number], DigestListRow>(
    `SELECT id, target_name, target_email, day, signers, status, attempts, last_response, created_at, last_attempt_at, next_attempt_at, sent_at
     FROM digests WHERE campaign = ? ORDER BY created_at DESC, target_email LIMIT ?`,
  );
  const resend = db.prepare<[number, string]>(
    `UPDATE digests SET status = 'queued', next_attempt_at = ?, first_attempt_at = NULL, lease_until = NULL
     WHERE id = ? AND status IN ('unknown', 'failed')`,
  );

  const baseRow = (campaign: string, target: Target, day: string, timeZone: string, letter: { subject: string; body: string }, now: number) => ({
    campaign, targetName: target.name, targetEmail: target.email, day, timeZone, subject: letter.subject, body: letter.body, now,
  });

  /**
   * Entries of `campaign` that will never be sent (the campaign left mode digest, or no longer
   * lists the target) go into one 'cancelled' digest per target: kept, shown, never sent.
   */
  function cancelUnwanted(campaign: string, settings: DeliverySettings, now: number): void {
    const { timeZone } = digestSchedule(settings);
    const day = localDate(now, timeZone);
    for (const row of pendingTargets.all(campaign, Number.MAX_SAFE_INTEGER)) {
      if (sendsDigestTo(settings, row.target_email)) continue;
      const id = randomUUID();
      const why = settings.mode === 'digest' ? 'the target was removed from the campaign' : `the campaign is no longer in mode digest (now ${settings.mode})`;
      insertDigest.run({
        ...baseRow(campaign, { name: row.target_name, email: row.target_email }, day, timeZone, { subject: '', body: '' }, now),
        id, signers: row.n, status: 'cancelled', part: 1, parts: 1, firstNumber: 1, response: `cancelled: ${why}; not sent`,
      });
      attach.run(id, campaign, row.target_email, Number.MAX_SAFE_INTEGER);
    }
  }

  /**
   * Closes `campaign`'s entries made before `before` into queued digests, per target in parts of
   * at most MAX_DIGEST_PART_SIGNERS signers and MAX_DIGEST_PART_BYTES of text. Entries are read a
   * page at a time; only their ids are kept until the parts are written.
   */
  function closeCampaign(campaign: string, before: number, now: number, json: { delivery_json: string; document_json: string }): { target: Target; signers: number }[] {
    const settings = parsedSettings(json.delivery_json);
    if (!settings) return [];
    cancelUnwanted(campaign, settings, now);
    if (settings.mode !== 'digest') return [];
    const { timeZone } = digestSchedule(settings);
    // The admin API refuses a digest campaign without a letter; a hand-edited one still gets its list.
    const letter = digestLetter(parsedDocument(json.document_json), settings) ?? { subject: '', body: '' };
    const day = localDate(Math.min(before, now), timeZone);
    const overhead = Buffer.byteLength(cleanBody(letter.body)) + Buffer.byteLength(digestHeading(0, day, timeZone)) + PART_OVERHEAD_BYTES;
    const closed: { target: Target; signers: number }[] = [];
    for (const row of pendingTargets.all(campaign, before)) {
      const parts: string[][] = [];
      let current: string[] = [];
      let bytes = overhead;
      let number = 0;
      let after = { afterCreated: Number.MIN_SAFE_INTEGER, afterSeq: Number.MIN_SAFE_INTEGER };
      for (;;) {
        const page = pendingPage.all({ campaign, target: row.target_email, before, ...after, limit: CLOSE_PAGE_SIZE });
        for (const entry of page) {
          const entryBytes = Buffer.byteLength(signerEntry(toSigner(entry), number)) + 2;
          if (current.length > 0 && (current.length >= MAX_DIGEST_PART_SIGNERS || bytes + entryBytes > MAX_DIGEST_PART_BYTES)) {
            parts.push(current);
            current = [];
            bytes = overhead;
          }
          current.push(entry.signature_id);
          bytes += entryBytes;
          number += 1;
        }
        if (page.length < CLOSE_PAGE_SIZE) break;
        const last = page[page.length - 1]!;
        after = { afterCreated: last.created_at, afterSeq: last.seq };
      }
      if (current.length > 0) parts.push(current);
      const target = { name: row.target_name, email: row.target_email };
      let firstNumber = 1;
      parts.forEach((ids, index) => {
        const id = randomUUID();
        insertDigest.run({
          ...baseRow(campaign, target, day, timeZone, letter, now),
          id, signers: ids.length, status: 'queued', part: index + 1, parts: parts.length, firstNumber, response: null,
        });
        for (const signatureId of ids) attachOne.run(id, signatureId, row.target_email);
        firstNumber += ids.length;
      });
      if (number > 0) closed.push({ target, signers: number });
    }
    return closed;
  }

  /** Closes every digest whose hour has passed since its oldest pending entry; cancels what will never be sent. */
  function closeDue(now: number): void {
    for (const row of pendingCampaigns.all()) {
      const settings = parsedSettings(row.delivery_json);
      if (!settings) continue;
      if (settings.mode !== 'digest') {
        cancelUnwanted(row.campaign, settings, now);
        continue;
      }
      const { hour, timeZone } = digestSchedule(settings);
      const cutoff = latestDigestTime(now, hour, timeZone);
      if (row.first < cutoff) closeCampaign(row.campaign, cutoff, now, row);
      else cancelUnwanted(row.campaign, settings, now);
    }
  }

  const claimTransaction = db.transaction((now: number, limit: number, leaseUntil: number): DigestToCompose[] => {
    closeDue(now);
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
        const why = settings.mode === 'digest' ? 'the target was removed from the campaign' : `the campaign is no longer in mode digest (now ${settings.mode})`;
        cancelDigest.run(`cancelled: ${why}; not sent`, row.id);
        continue;
      }
      const opensAt = nextSendingTime(now, settings.window);
      if (opensAt > now) {
        defer.run(opensAt, row.id);
        continue;
      }
      // Read per digest: claims are committed 'sending' as we go, so each read is current.
      const sends = recentSends.all({ target: row.target_email, since: now - HOUR_MS, limit: settings.hourlyCap }).map((send) => send.at);
      if (sends.length >= settings.hourlyCap) {
        defer.run(capFreesAt(sends, settings.hourlyCap, now), row.id);
        continue;
      }
      if (claim.run({ id: row.id, now, leaseUntil }).changes !== 1) continue;
      claimed.push({
        id: row.id,
        campaign: row.campaign,
        attempts: row.attempts + 1,
        createdAt: row.created_at,
        firstAttemptAt: row.first_attempt_at ?? now,
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

  const closeNowTransaction = db.transaction((campaign: string, now: number) => {
    const row = campaignRow.get(campaign);
    return row ? closeCampaign(campaign, Number.MAX_SAFE_INTEGER, now, row) : [];
  });

  return {
    claimDueDigests: (now, limit, leaseUntil) => claimTransaction.immediate(now, limit, leaseUntil),
    recordDigestAttempt(id, result) {
      if (result.status === 'queued' && result.nextAttemptAt === undefined) throw new Error(`digest ${id}: a queued result needs nextAttemptAt`);
      const changes = record.run({ id, status: result.status, at: result.at, response: result.response.slice(0, 1000), next: result.nextAttemptAt ?? null }).changes;
      if (changes !== 1) throw new Error(`digest ${id} is not 'sending'; attempt result '${result.status}' not recorded`);
    },
    recoverInterrupted: () => recover.run().changes,
    nextDueAt(now) {
      let earliest = nextQueued.get()?.at ?? undefined;
      for (const row of pendingCampaigns.all()) {
        const settings = parsedSettings(row.delivery_json);
        if (!settings) continue;
        // Entries of a campaign no longer in mode digest: the next round cancels them.
        if (settings.mode !== 'digest') return now;
        const { hour, timeZone } = digestSchedule(settings);
        // Already due (the hour passed since the oldest entry): now; else the next hour after it.
        const at = row.first < latestDigestTime(now, hour, timeZone) ? now : nextDigestTime(row.first, hour, timeZone);
        earliest = earliest === undefined ? at : Math.min(earliest, at);
      }
      return earliest ?? undefined;
    },
    closeNow: (campaign, now) => closeNowTransaction.immediate(campaign, now),
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
      for (const entry of byTarget.values()) {
        const last = lastAnswer.get(campaign, entry.target.email);
        entry.lastResponse = last?.last_response ?? null;
        entry.lastAttemptAt = last?.last_attempt_at ?? null;
      }
      return [...byTarget.values()];
    },
    listDigests: (campaign, limit) => list.all(campaign, limit),
    resendDigest: (id, now) => resend.run(now, id).changes === 1,
  };
}
