/**
 * The waiting side of daily digests (mode `digest`): each signature's entries, and how they are
 * closed into digests.
 *
 * `digest_entries`: one row per signature and target, written in the signature's own
 * transaction (so an acknowledged signature is never missing from a digest, and a retry or a
 * repeated address adds none: the signature itself is not new). `digest_id` is NULL while the
 * entry waits ("pending"); closing a digest sets it, once, in the same transaction that creates
 * the `digests` row, so an entry belongs to exactly one digest.
 *
 * A digest is closed when a digest hour has passed since its oldest pending entry (so a signer
 * after 18:00 waits for tomorrow's), or at once by the organiser (`closeNow`). The letter's text
 * is copied into the digest when it closes: a retry sends what the first attempt sent. Entries
 * that will never be sent (the campaign left mode digest, or dropped the target) are closed
 * into a 'cancelled' digest instead, so they are kept and shown.
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { DeliverySettings, Target } from './letter-types.ts';
import { digestSchedule, parseDeliverySettings } from './delivery-settings.ts';
import { digestLetter, type NewDigestEntry } from './letters-for-signature.ts';
import { cleanBody } from './compose-letter.ts';
import { digestHeading, MAX_DIGEST_PART_BYTES, MAX_DIGEST_PART_SIGNERS, signerEntry } from './compose-digest.ts';
import { latestDigestTime, localDate, nextDigestTime } from './retry-schedule.ts';
import { toSigner, type SignerRow } from './signer-rows.ts';

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

/** Whether `settings` still sends digests to `email`: mode digest and the target still listed. */
export function sendsDigestTo(settings: DeliverySettings, email: string): boolean {
  const wanted = email.toLowerCase();
  return settings.mode === 'digest' && settings.targets.some((target) => target.email.toLowerCase() === wanted);
}

/** The `last_response` of a digest cancelled because `settings` no longer send it. */
export function cancelledNote(settings: DeliverySettings): string {
  const why = settings.mode === 'digest' ? 'the target was removed from the campaign' : `the campaign is no longer in mode digest (now ${settings.mode})`;
  return `cancelled: ${why}; not sent`;
}

/** A campaign's stored delivery settings; undefined when they no longer parse (the admin API prevents it). */
export function parsedSettings(json: string): DeliverySettings | undefined {
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

/** A campaign with digest entries waiting, as both stores' closing reads it. */
export interface PendingCampaignRow {
  campaign: string;
  delivery_json: string;
  document_json: string;
  first: number;
}

/** One waiting entry with its signer, in the order digests number them. */
export interface PendingEntryRow extends SignerRow {
  signature_id: string;
  created_at: number;
  seq: number;
}

/** Pending entries read per page when a digest closes: never the whole day's signers at once. */
const CLOSE_PAGE_SIZE = 200;
/** Room for the heading and separators beside the letter, counted into each part's bytes. */
const PART_OVERHEAD_BYTES = 512;

/**
 * Splits one target's waiting signers into digest parts as they are read, in order, a page at a
 * time: a part ends before the signer who would take it past MAX_DIGEST_PART_SIGNERS signers or
 * MAX_DIGEST_PART_BYTES of text (the letter, the heading and each signer's line). Only ids are
 * kept. Both stores close digests through it, so a digest is cut the same way on either.
 */
export function digestParts(letter: { body: string }, day: string, timeZone: string): {
  add(entry: SignerRow & { signature_id: string }): void;
  parts(): string[][];
} {
  const overhead = Buffer.byteLength(cleanBody(letter.body)) + Buffer.byteLength(digestHeading(0, day, timeZone)) + PART_OVERHEAD_BYTES;
  const parts: string[][] = [];
  let current: string[] = [];
  let bytes = overhead;
  let number = 0;
  return {
    add(entry) {
      const entryBytes = Buffer.byteLength(signerEntry(toSigner(entry), number)) + 2;
      if (current.length > 0 && (current.length >= MAX_DIGEST_PART_SIGNERS || bytes + entryBytes > MAX_DIGEST_PART_BYTES)) {
        parts.push(current);
        current = [];
        bytes = overhead;
      }
      current.push(entry.signature_id);
      bytes += entryBytes;
      number += 1;
    },
    parts: () => (current.length > 0 ? [...parts, current] : parts),
  };
}

/** What closing gave one target: how many signers went into its digests. */
export type ClosedDigests = { target: Target; signers: number }[];

/** Closing pending entries into digests, on an open handle (schema applied). */
export interface DigestClosing {
  /** Closes every digest whose hour has passed since its oldest pending entry; cancels what will never be sent. Call inside the claim's transaction. */
  closeDue(now: number): void;
  /** The organiser's "send now": closes every pending entry of `campaign` into a digest per target, in its own transaction. */
  closeNow(campaign: string, now: number): ClosedDigests;
  /**
   * The earlier of `earliest` and the next time pending entries are due to close; `now` as soon
   * as a campaign no longer in mode digest has entries waiting (the next round cancels them).
   */
  nextCloseAt(now: number, earliest: number | undefined): number | undefined;
}

/** The closing statements on an open handle. */
export function createDigestClosing(db: Database.Database): DigestClosing {
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
  const attach = db.prepare<[string, string, string, number]>(
    'UPDATE digest_entries SET digest_id = ? WHERE campaign = ? AND target_email = ? AND digest_id IS NULL AND created_at < ?',
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
      insertDigest.run({
        ...baseRow(campaign, { name: row.target_name, email: row.target_email }, day, timeZone, { subject: '', body: '' }, now),
        id, signers: row.n, status: 'cancelled', part: 1, parts: 1, firstNumber: 1, response: cancelledNote(settings),
      });
      attach.run(id, campaign, row.target_email, Number.MAX_SAFE_INTEGER);
    }
  }

  /**
   * Closes `campaign`'s entries made before `before` into queued digests, per target in parts of
   * at most MAX_DIGEST_PART_SIGNERS signers and MAX_DIGEST_PART_BYTES of text. Entries are read a
   * page at a time; only their ids are kept until the parts are written.
   */
  function closeCampaign(campaign: string, before: number, now: number, json: { delivery_json: string; document_json: string }): ClosedDigests {
    const settings = parsedSettings(json.delivery_json);
    if (!settings) return [];
    cancelUnwanted(campaign, settings, now);
    if (settings.mode !== 'digest') return [];
    const { timeZone } = digestSchedule(settings);
    // The admin API refuses a digest campaign without a letter; a hand-edited one still gets its list.
    const letter = digestLetter(parsedDocument(json.document_json), settings) ?? { subject: '', body: '' };
    const day = localDate(Math.min(before, now), timeZone);
    const closed: ClosedDigests = [];
    for (const row of pendingTargets.all(campaign, before)) {
      const split = digestParts(letter, day, timeZone);
      let after = { afterCreated: Number.MIN_SAFE_INTEGER, afterSeq: Number.MIN_SAFE_INTEGER };
      for (;;) {
        const page = pendingPage.all({ campaign, target: row.target_email, before, ...after, limit: CLOSE_PAGE_SIZE });
        page.forEach(split.add);
        if (page.length < CLOSE_PAGE_SIZE) break;
        const last = page[page.length - 1]!;
        after = { afterCreated: last.created_at, afterSeq: last.seq };
      }
      const parts = split.parts();
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
      const signers = parts.reduce((sum, ids) => sum + ids.length, 0);
      if (signers > 0) closed.push({ target, signers });
    }
    return closed;
  }

  const closeNowTransaction = db.transaction((campaign: string, now: number) => {
    const row = campaignRow.get(campaign);
    return row ? closeCampaign(campaign, Number.MAX_SAFE_INTEGER, now, row) : [];
  });

  return {
    closeDue(now) {
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
    },
    closeNow: (campaign, now) => closeNowTransaction.immediate(campaign, now),
    nextCloseAt(now, earliest) {
      for (const row of pendingCampaigns.all()) {
        const settings = parsedSettings(row.delivery_json);
        if (!settings) continue;
        if (settings.mode !== 'digest') return now;
        const { hour, timeZone } = digestSchedule(settings);
        // Already due (the hour passed since the oldest entry): now; else the next hour after it.
        const at = row.first < latestDigestTime(now, hour, timeZone) ? now : nextDigestTime(row.first, hour, timeZone);
        earliest = earliest === undefined ? at : Math.min(earliest, at);
      }
      return earliest;
    },
  };
}
