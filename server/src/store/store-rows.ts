/**
 * From the rows both stores read (campaigns, letter and digest lists, counts by target) to what the
 * Store interface answers: the same tables on SQLite and PostgreSQL give the same answers.
 */
import { parseCampaignStatus } from '../campaigns/campaign-input.ts';
import { parseDeliverySettings } from '../letters/delivery-settings.ts';
import { LETTER_STATUSES, type LetterStatus } from '../letters/letter-types.ts';
import type { DigestListRow, TargetDigestCounts } from '../letters/sqlite-digest-queue.ts';
import type { LetterListRow, TargetLetterCounts } from '../letters/sqlite-letters.ts';
import type { CampaignSummary, DigestSummary, LetterSummary, StoredCampaign, TargetDigestStatus, TargetLetterStatus } from './store.ts';

/** A row of the campaigns table. */
export interface CampaignRow {
  id: string;
  status: string;
  document_json: string;
  delivery_json: string;
  sending_paused: number;
  created_at: string;
  updated_at: string;
}

/** Milliseconds since the epoch as an ISO date, or null. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A list's `limit` as asked, kept between 1 and 1000. */
export const listLimit = (limit: number): number => Math.min(Math.max(1, Math.floor(limit)), 1000);

/** Zero for every status, so the admin API always shows the same keys. */
export function emptyCounts(): Record<LetterStatus, number> {
  return Object.fromEntries(LETTER_STATUSES.map((status) => [status, 0])) as Record<LetterStatus, number>;
}

/** A stored campaign from its row. */
export function toCampaign(row: CampaignRow): StoredCampaign {
  const delivery = parseDeliverySettings(JSON.parse(row.delivery_json));
  // The admin API checked the settings before they were stored; a failure here is a bug or a hand edit.
  if (!delivery.ok) throw new Error(`campaign ${row.id}: stored delivery settings are invalid: ${JSON.stringify(delivery.errors)}`);
  return {
    id: row.id,
    status: parseCampaignStatus(row.status),
    document: JSON.parse(row.document_json) as Record<string, unknown>,
    delivery: delivery.settings,
    sendingPaused: row.sending_paused === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The campaigns list: each row with its count and its letters by status (`letters` has only campaigns with letters). */
export function campaignSummaries(
  rows: readonly (CampaignRow & { count: number | null })[],
  letterCounts: readonly { campaign: string; status: LetterStatus; n: number }[],
): CampaignSummary[] {
  const letters = new Map<string, Record<LetterStatus, number>>();
  for (const { campaign, status, n } of letterCounts) {
    const counts = letters.get(campaign) ?? emptyCounts();
    counts[status] = n;
    letters.set(campaign, counts);
  }
  return rows.map((row) => {
    const texts = (JSON.parse(row.document_json) as { texts?: Record<string, { title?: string }> }).texts ?? {};
    return {
      id: row.id,
      status: parseCampaignStatus(row.status),
      title: (texts.en ?? Object.values(texts)[0])?.title,
      count: row.count ?? 0,
      sendingPaused: row.sending_paused === 1,
      letters: letters.get(row.id) ?? emptyCounts(),
      updatedAt: row.updated_at,
    };
  });
}

/** A campaign's letters to one target, every status shown. */
export function toTargetLetterStatus({ target, lastResponse, lastAttemptAt, lastSentAt, ...counts }: TargetLetterCounts): TargetLetterStatus {
  return { target, counts: { ...emptyCounts(), ...counts }, lastResponse, lastAttemptAt: iso(lastAttemptAt), lastSentAt: iso(lastSentAt) };
}

/** One letter of the organiser's list. */
export function toLetterSummary(row: LetterListRow): LetterSummary {
  return {
    id: row.id,
    target: { name: row.target_name, email: row.target_email },
    status: row.status,
    attempts: row.attempts,
    lastResponse: row.last_response,
    createdAt: new Date(row.created_at).toISOString(),
    lastAttemptAt: iso(row.last_attempt_at),
    // Only a queued letter has a next attempt; for the others the column is history.
    nextAttemptAt: row.status === 'queued' ? iso(row.next_attempt_at) : null,
    sentAt: iso(row.sent_at),
  };
}

/** A campaign's digests to one target, times as ISO dates. */
export function toTargetDigestStatus(entry: TargetDigestCounts): TargetDigestStatus {
  return { ...entry, lastAttemptAt: iso(entry.lastAttemptAt), lastSentAt: iso(entry.lastSentAt) };
}

/** One digest of the organiser's list. */
export function toDigestSummary(row: DigestListRow): DigestSummary {
  return {
    id: row.id,
    target: { name: row.target_name, email: row.target_email },
    day: row.day,
    signers: row.signers,
    status: row.status,
    attempts: row.attempts,
    lastResponse: row.last_response,
    createdAt: new Date(row.created_at).toISOString(),
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: row.status === 'queued' ? iso(row.next_attempt_at) : null,
    sentAt: iso(row.sent_at),
  };
}
