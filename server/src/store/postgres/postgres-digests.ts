/**
 * Daily digests (mode `digest`) on PostgreSQL: closing pending entries into digests, as
 * digest-closing.ts does, and the digests' sending life, as sqlite-digest-queue.ts does.
 *
 * Several receivers: closing a campaign's entries takes a transaction-level advisory lock on
 * that campaign first, so two receivers never both turn the same entries into a digest (the
 * second, once the first commits, finds nothing pending); claiming locks the digests FOR UPDATE
 * SKIP LOCKED and counts the target's hourly cap under the target's lock (postgres-attempts.ts).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DigestToCompose } from '../../letters/compose-digest.ts';
import { digestSchedule } from '../../letters/delivery-settings.ts';
import { cancelledNote, digestParts, parsedSettings, sendsDigestTo, type ClosedDigests, type PendingCampaignRow, type PendingEntryRow } from '../../letters/digest-closing.ts';
import type { DeliverySettings, Target } from '../../letters/letter-types.ts';
import type { AttemptResult } from '../../letters/letter-worker.ts';
import { digestLetter } from '../../letters/letters-for-signature.ts';
import { heldUntil, HOUR_MS, latestDigestTime, localDate, nextDigestTime } from '../../letters/retry-schedule.ts';
import { toSigner, type SignerRow } from '../../letters/signer-rows.ts';
import { claimedFields, notSending, requireNextAttempt, type MailTable } from '../../letters/sqlite-attempts.ts';
import { DIGEST_STATUSES, type DigestListRow, type DigestStatus, type TargetDigestCounts } from '../../letters/sqlite-digest-queue.ts';
import { claimRow, lastAnswer, lockTargets, recentSends, recordOutcome, recoverExpired } from './postgres-attempts.ts';
import { inTransaction } from './pool.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;
const TABLE: MailTable = { table: 'digests', key: 'id' };
const NOTE = { interruptedNote: 'interrupted: the receiver stopped while this digest was being handed to SMTP', keepLastAnswer: true };
const BROKEN_SETTINGS_RETRY_MS = 15 * 60_000;
const CLOSE_PAGE_SIZE = 200;
/** Far beyond any time in ms, for "every entry, whenever made". */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

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

function parsedDocument(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const PENDING_CAMPAIGNS = `SELECT e.campaign, c.delivery_json, c.document_json, MIN(e.created_at) AS first
  FROM digest_entries e JOIN campaigns c ON c.id = e.campaign
  WHERE e.digest_id IS NULL AND c.sending_paused = 0 GROUP BY e.campaign, c.delivery_json, c.document_json
  ORDER BY e.campaign`; // one lock order for every receiver

async function lockCampaign(client: Queryable, campaign: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('appeal-digest-close:' || $1))`, [campaign]);
}

async function pendingTargets(client: Queryable, campaign: string, before: number) {
  const { rows } = await client.query<{ target_name: string; target_email: string; n: number }>(
    `SELECT MAX(target_name) AS target_name, target_email, COUNT(*)::bigint AS n FROM digest_entries
     WHERE campaign = $1 AND digest_id IS NULL AND created_at < $2 GROUP BY target_email ORDER BY target_email`,
    [campaign, before],
  );
  return rows;
}

interface DigestInsert {
  id: string;
  campaign: string;
  target: Target;
  day: string;
  timeZone: string;
  letter: { subject: string; body: string };
  signers: number;
  status: 'queued' | 'cancelled';
  now: number;
  part: number;
  parts: number;
  firstNumber: number;
  response: string | null;
}

async function insertDigest(client: Queryable, digest: DigestInsert): Promise<void> {
  await client.query(
    `INSERT INTO digests (id, campaign, target_name, target_email, day, time_zone, subject, body, signers, status, created_at, next_attempt_at,
                          part, parts, first_number, last_response)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15)`,
    [digest.id, digest.campaign, digest.target.name, digest.target.email, digest.day, digest.timeZone, digest.letter.subject, digest.letter.body,
      digest.signers, digest.status, digest.now, digest.part, digest.parts, digest.firstNumber, digest.response],
  );
}

/** Entries that will never be sent go into one 'cancelled' digest per target (kept, shown, never sent). Caller holds the campaign's lock. */
async function cancelUnwanted(client: Queryable, campaign: string, settings: DeliverySettings, now: number): Promise<void> {
  const { timeZone } = digestSchedule(settings);
  const day = localDate(now, timeZone);
  for (const row of await pendingTargets(client, campaign, NO_LIMIT)) {
    if (sendsDigestTo(settings, row.target_email)) continue;
    const id = randomUUID();
    await insertDigest(client, {
      id, campaign, target: { name: row.target_name, email: row.target_email }, day, timeZone, letter: { subject: '', body: '' },
      signers: row.n, status: 'cancelled', now, part: 1, parts: 1, firstNumber: 1, response: cancelledNote(settings),
    });
    await client.query('UPDATE digest_entries SET digest_id = $1 WHERE campaign = $2 AND target_email = $3 AND digest_id IS NULL', [id, campaign, row.target_email]);
  }
}

/** Closes `campaign`'s entries made before `before` into queued digests, in parts (as digest-closing.ts). Caller holds the campaign's lock. */
async function closeCampaign(client: Queryable, campaign: string, before: number, now: number, json: { delivery_json: string; document_json: string }): Promise<ClosedDigests> {
  const settings = parsedSettings(json.delivery_json);
  if (!settings) return [];
  await cancelUnwanted(client, campaign, settings, now);
  if (settings.mode !== 'digest') return [];
  const { timeZone } = digestSchedule(settings);
  const letter = digestLetter(parsedDocument(json.document_json), settings) ?? { subject: '', body: '' };
  const day = localDate(Math.min(before, now), timeZone);
  const closed: ClosedDigests = [];
  for (const row of await pendingTargets(client, campaign, before)) {
    const split = digestParts(letter, day, timeZone);
    let after = { created: Number.MIN_SAFE_INTEGER, seq: Number.MIN_SAFE_INTEGER };
    for (;;) {
      const { rows: page } = await client.query<PendingEntryRow>(
        `SELECT e.signature_id, e.created_at, s.seq, s.first_name, s.last_name, s.name, s.organisation, s.country, e.edited_subject, e.edited_body
         FROM digest_entries e JOIN signatures s ON s.id = e.signature_id
         WHERE e.campaign = $1 AND e.target_email = $2 AND e.digest_id IS NULL AND e.created_at < $3
           AND (e.created_at, s.seq) > ($4::bigint, $5::bigint)
         ORDER BY e.created_at, s.seq LIMIT $6`,
        [campaign, row.target_email, before, after.created, after.seq, CLOSE_PAGE_SIZE],
      );
      page.forEach(split.add);
      if (page.length < CLOSE_PAGE_SIZE) break;
      const last = page[page.length - 1]!;
      after = { created: last.created_at, seq: last.seq };
    }
    const parts = split.parts();
    const target = { name: row.target_name, email: row.target_email };
    let firstNumber = 1;
    for (const [index, ids] of parts.entries()) {
      const id = randomUUID();
      await insertDigest(client, {
        id, campaign, target, day, timeZone, letter, signers: ids.length, status: 'queued', now, part: index + 1, parts: parts.length, firstNumber, response: null,
      });
      await client.query(
        'UPDATE digest_entries SET digest_id = $1 WHERE signature_id = ANY($2::text[]) AND target_email = $3 AND digest_id IS NULL',
        [id, ids, row.target_email],
      );
      firstNumber += ids.length;
    }
    const signers = parts.reduce((sum, ids) => sum + ids.length, 0);
    if (signers > 0) closed.push({ target, signers });
  }
  return closed;
}

/** Closes every digest whose hour has passed since its oldest pending entry; cancels what will never be sent. */
async function closeDue(client: Queryable, now: number): Promise<void> {
  const { rows } = await client.query<PendingCampaignRow>(PENDING_CAMPAIGNS);
  for (const row of rows) {
    const settings = parsedSettings(row.delivery_json);
    if (!settings) continue;
    await lockCampaign(client, row.campaign);
    if (settings.mode !== 'digest') {
      await cancelUnwanted(client, row.campaign, settings, now);
      continue;
    }
    const { hour, timeZone } = digestSchedule(settings);
    const cutoff = latestDigestTime(now, hour, timeZone);
    if (row.first < cutoff) await closeCampaign(client, row.campaign, cutoff, now, row);
    else await cancelUnwanted(client, row.campaign, settings, now);
  }
}

/** The digests' side of the PostgreSQL letter queue. */
export function createPgDigests(pool: pg.Pool) {
  return {
    async claimDueDigests(now: number, limit: number, leaseUntil: number): Promise<DigestToCompose[]> {
      return inTransaction(pool, async (client) => {
        await recoverExpired(client, TABLE, NOTE, now);
        await closeDue(client, now);
        const { rows } = await client.query<DueDigestRow>(
          `SELECT d.id, d.campaign, d.target_name, d.target_email, d.day, d.time_zone, d.subject, d.body, d.attempts,
                  d.created_at, d.first_attempt_at, d.part, d.parts, d.first_number, c.delivery_json
           FROM digests d JOIN campaigns c ON c.id = d.campaign
           WHERE d.status = 'queued' AND d.next_attempt_at <= $1 AND c.sending_paused = 0
           ORDER BY d.next_attempt_at, d.created_at LIMIT $2
           FOR UPDATE OF d SKIP LOCKED`,
          [now, Math.max(limit * 5, 50)],
        );
        if (rows.length === 0) return [];
        await lockTargets(client, rows.map((row) => row.target_email));
        const claimed: DigestToCompose[] = [];
        const settingsByCampaign = new Map<string, DeliverySettings | undefined>();
        for (const row of rows) {
          if (claimed.length >= limit) break;
          if (!settingsByCampaign.has(row.campaign)) settingsByCampaign.set(row.campaign, parsedSettings(row.delivery_json));
          const settings = settingsByCampaign.get(row.campaign);
          if (!settings) {
            await client.query(`UPDATE digests SET next_attempt_at = $1 WHERE id = $2 AND status = 'queued'`, [now + BROKEN_SETTINGS_RETRY_MS, row.id]);
            continue;
          }
          if (!sendsDigestTo(settings, row.target_email)) {
            await client.query(`UPDATE digests SET status = 'cancelled', lease_until = NULL, last_response = $1 WHERE id = $2 AND status = 'queued'`, [cancelledNote(settings), row.id]);
            continue;
          }
          // Read per digest: claims are written 'sending' as we go, so each read is current.
          const sends = await recentSends(client, row.target_email, now - HOUR_MS, settings.hourlyCap);
          const until = heldUntil(now, settings, () => sends);
          if (until !== undefined) {
            await client.query(`UPDATE digests SET next_attempt_at = $1 WHERE id = $2 AND status = 'queued'`, [until, row.id]);
            continue;
          }
          if (!(await claimRow(client, TABLE, row.id, now, leaseUntil))) continue;
          const signers = await client.query<SignerRow>(
            `SELECT s.first_name, s.last_name, s.name, s.organisation, s.country, e.edited_subject, e.edited_body
             FROM digest_entries e JOIN signatures s ON s.id = e.signature_id
             WHERE e.digest_id = $1 ORDER BY e.created_at, s.seq`,
            [row.id],
          );
          claimed.push({
            ...claimedFields(row, now),
            recipient: { name: row.target_name, email: row.target_email },
            day: row.day,
            timeZone: row.time_zone,
            letter: { subject: row.subject, body: row.body },
            signers: signers.rows.map(toSigner),
            ...(row.parts > 1 ? { part: { part: row.part, parts: row.parts, firstNumber: row.first_number } } : {}),
          });
        }
        return claimed;
      });
    },
    async recordDigestAttempt(id: string, result: AttemptResult): Promise<void> {
      requireNextAttempt('digest', id, result);
      if (!(await recordOutcome(pool, TABLE, id, result))) throw notSending('digest', id, result);
    },
    recoverInterrupted: (now: number): Promise<number> => recoverExpired(pool, TABLE, NOTE, now),
    async nextDueAt(now: number): Promise<number | undefined> {
      const queued = await pool.query<{ at: number | null }>(
        `SELECT MIN(d.next_attempt_at) AS at FROM digests d JOIN campaigns c ON c.id = d.campaign
         WHERE d.status = 'queued' AND c.sending_paused = 0`,
      );
      let earliest = queued.rows[0]?.at ?? undefined;
      const { rows } = await pool.query<PendingCampaignRow>(PENDING_CAMPAIGNS);
      for (const row of rows) {
        const settings = parsedSettings(row.delivery_json);
        if (!settings) continue;
        if (settings.mode !== 'digest') return now;
        const { hour, timeZone } = digestSchedule(settings);
        const at = row.first < latestDigestTime(now, hour, timeZone) ? now : nextDigestTime(row.first, hour, timeZone);
        earliest = earliest === undefined ? at : Math.min(earliest, at);
      }
      return earliest;
    },
    async closeNow(campaign: string, now: number): Promise<ClosedDigests> {
      return inTransaction(pool, async (client) => {
        await lockCampaign(client, campaign);
        const { rows } = await client.query<{ delivery_json: string; document_json: string }>('SELECT delivery_json, document_json FROM campaigns WHERE id = $1', [campaign]);
        return rows[0] ? closeCampaign(client, campaign, NO_LIMIT, now, rows[0]) : [];
      });
    },
    async digestStatusCounts(campaign: string): Promise<TargetDigestCounts[]> {
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
      for (const row of await pendingTargets(pool, campaign, NO_LIMIT)) entryFor(row.target_name, row.target_email).pendingSigners = row.n;
      const { rows } = await pool.query<{ target_name: string; target_email: string; status: DigestStatus; n: number; last_sent: number | null }>(
        `SELECT MAX(target_name) AS target_name, target_email, status, COUNT(*)::bigint AS n, MAX(sent_at) AS last_sent
         FROM digests WHERE campaign = $1 GROUP BY target_email, status ORDER BY target_email`,
        [campaign],
      );
      for (const row of rows) {
        const entry = entryFor(row.target_name, row.target_email);
        entry.counts[row.status] += row.n;
        if (row.last_sent !== null) entry.lastSentAt = Math.max(entry.lastSentAt ?? 0, row.last_sent);
      }
      for (const entry of byTarget.values()) Object.assign(entry, await lastAnswer(pool, 'digests', campaign, entry.target.email));
      return [...byTarget.values()];
    },
    async listDigests(campaign: string, limit: number): Promise<DigestListRow[]> {
      const { rows } = await pool.query<DigestListRow>(
        `SELECT id, target_name, target_email, day, signers, status, attempts, last_response, created_at, last_attempt_at, next_attempt_at, sent_at
         FROM digests WHERE campaign = $1 ORDER BY created_at DESC, target_email LIMIT $2`,
        [campaign, limit],
      );
      return rows;
    },
    async resendDigest(id: string, now: number): Promise<boolean> {
      const result = await pool.query(
        `UPDATE digests SET status = 'queued', next_attempt_at = $1, first_attempt_at = NULL, lease_until = NULL
         WHERE id = $2 AND status IN ('unknown', 'failed')`,
        [now, id],
      );
      return result.rowCount === 1;
    },
  };
}
