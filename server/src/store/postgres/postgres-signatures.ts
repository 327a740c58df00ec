/**
 * Signatures on PostgreSQL: the batched insert, the O(1) count and the export's listing.
 *
 * One batch is ONE statement, a call of the function insert_signature_batch (migration step 4,
 * schema.ts): one round trip and one transaction (one WAL flush) for all its signatures, whatever
 * their number. Measured on the receiver bench, the five round trips it replaced (BEGIN, the id
 * locks, the insert, the count, COMMIT) cost more than the rows, and planning the 30-column
 * insert again for each batch cost PostgreSQL more than running it. Inside, the signatures go in
 * as one INSERT … ON CONFLICT DO NOTHING over a JSON array, in arrival order (so a retry within
 * the batch is a duplicate of the first), then the letters, digest entries and confirmations of
 * the new ones. The two UNIQUE constraints (id; campaign and normalised address) decide, under
 * any concurrency and across receivers: a second receiver inserting the same id waits for the
 * first's commit, then skips it. An id held in the quarantine is skipped too and answered
 * 'duplicate-id' (as on SQLite); the batch first locks its ids (signature-id-lock.ts), so a
 * quarantine of one of them on another receiver cannot interleave.
 *
 * Counts: a statement-level trigger adds a batch's new rows to its connection's counter shard in
 * the same transaction (schema.ts); the count read just after is the committed count plus this
 * batch, and each signature's "count after it" is that count minus the new rows after it in the
 * batch. Batches committing at the same moment do not see each other's rows in their answers, as
 * two requests racing never could.
 */
import type pg from 'pg';
import type { NewDigestEntry, NewLetter } from '../../letters/letters-for-signature.ts';
import { CONFIRM_TTL_MS } from '../../letters/sqlite-confirmations.ts';
import { toInsertParams, type InsertOutcome, type InsertResult, type SignatureFilter, type SignatureInsert, type SignatureRow } from '../sqlite-database.ts';

const COLUMNS = [
  'id', 'campaign', 'email_normalised', 'created_at', 'received_at', 'locale',
  'first_name', 'last_name', 'name', 'email', 'country', 'postcode', 'organisation', 'phone', 'comment',
  'consent_updates', 'consent_text', 'consent_reply_to', 'consent_reply_to_text', 'message_subject', 'message_body',
  'source_url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'format', 'payload_json',
] as const;

/** The batch, one round trip: migration step 4's function (schema.ts) does the rest. */
const INSERT_BATCH = 'SELECT batch_item, batch_outcome, count_after FROM insert_signature_batch($1::json, $2::json, $3::json, $4::json)';

/** Inserts `items` in order (inside the caller's transaction, or as a statement of its own); one outcome per item. */
export async function insertSignatureBatch(client: pg.ClientBase, items: readonly SignatureInsert[]): Promise<InsertResult[]> {
  const rows = items.map((item) => toInsertParams(item.payload, item.format, item.receivedAt));
  // Every item's letters, entries and confirmation, each marked with its item (from 1); the
  // function keeps those of the items that turn out new.
  const letters: Record<string, unknown>[] = [];
  const entries: Record<string, unknown>[] = [];
  const confirmations: Record<string, unknown>[] = [];
  items.forEach((item, index) => {
    const at = { item: index + 1, signature_id: item.payload.id, campaign: item.payload.campaign };
    for (const letter of item.letters ?? []) letters.push({ ...letterRow(letter), ...at });
    // Held letters: one confirmation email, only for a new signature (as on SQLite).
    const held = item.letters?.find((letter) => letter.status === 'awaiting-confirmation');
    if (held) {
      confirmations.push({
        ...at, subject: held.subject, status: 'queued',
        created_at: held.createdAt, expires_at: held.createdAt + CONFIRM_TTL_MS, next_attempt_at: held.createdAt,
      });
    }
    for (const entry of item.digestEntries ?? []) entries.push({ ...entryRow(entry), ...at });
  });
  // Named: prepared once per connection. Planning the 30-column insert cost more than running it.
  const { rows: answers } = await client.query<{ batch_item: number; batch_outcome: InsertOutcome; count_after: number }>({
    name: 'insert-signature-batch',
    text: INSERT_BATCH,
    values: [JSON.stringify(rows), JSON.stringify(letters), JSON.stringify(entries), JSON.stringify(confirmations)],
  });
  const results: InsertResult[] = new Array(rows.length);
  for (const answer of answers) results[answer.batch_item - 1] = { outcome: answer.batch_outcome, count: answer.count_after };
  return results;
}

function letterRow(letter: NewLetter): Record<string, unknown> {
  return {
    id: letter.id,
    target_name: letter.targetName,
    target_email: letter.targetEmail,
    recipient_email: letter.recipientEmail,
    subject: letter.subject,
    body: letter.body,
    reply_to: letter.replyTo ?? null,
    status: letter.status ?? 'queued',
    created_at: letter.createdAt,
    next_attempt_at: letter.nextAttemptAt,
  };
}

function entryRow(entry: NewDigestEntry): Record<string, unknown> {
  return {
    target_name: entry.targetName,
    target_email: entry.targetEmail,
    edited_subject: entry.editedSubject ?? null,
    edited_body: entry.editedBody ?? null,
    created_at: entry.createdAt,
  };
}

/** A campaign's count, from its counter row. */
export async function countSignatures(pool: pg.Pool, campaign: string): Promise<number> {
  const { rows } = await pool.query<{ count: number }>('SELECT count FROM campaign_counts WHERE campaign = $1', [campaign]);
  return rows[0]?.count ?? 0;
}

const LIST_SIGNATURES = `
  SELECT s.seq, ${COLUMNS.filter((c) => c !== 'email_normalised').map((c) => `s.${c}`).join(', ')},
    (SELECT string_agg(l.target_name || ': ' || l.status, '; ' ORDER BY l.target_email) FROM letters l WHERE l.signature_id = s.id) AS letter_status,
    (SELECT string_agg(e.target_name || ': ' || CASE WHEN d.id IS NULL THEN 'waiting for the next digest'
             ELSE 'in digest of ' || d.day || ': ' || d.status END, '; ' ORDER BY e.target_email)
       FROM digest_entries e LEFT JOIN digests d ON d.id = e.digest_id WHERE e.signature_id = s.id) AS digest_status,
    NULLIF(GREATEST(COALESCE((SELECT max(l.sent_at) FROM letters l WHERE l.signature_id = s.id), 0),
               COALESCE((SELECT max(d.sent_at) FROM digest_entries e JOIN digests d ON d.id = e.digest_id WHERE e.signature_id = s.id), 0)), 0) AS letter_sent_at
  FROM signatures s WHERE s.campaign = $1 AND s.seq > $2
    AND ($3::boolean IS FALSE OR s.consent_updates = 1)
    AND ($4::text IS NULL OR s.received_at >= $4) AND ($5::text IS NULL OR s.received_at < $5)
  ORDER BY s.seq LIMIT $6`;

/** A page of a campaign's signatures in insertion order (as SignatureStore.listSignatures). */
export async function listSignatures(
  pool: pg.Pool,
  campaign: string,
  { afterSeq = 0, limit = 500, consentingOnly = false, receivedFrom, receivedBefore }: { afterSeq?: number; limit?: number } & SignatureFilter = {},
): Promise<SignatureRow[]> {
  const { rows } = await pool.query<SignatureRow & { digest_status: string | null }>(LIST_SIGNATURES, [
    campaign, afterSeq, consentingOnly, receivedFrom ?? null, receivedBefore ?? null, limit,
  ]);
  return rows.map(({ digest_status, ...row }) => ({
    ...row,
    letter_status: [row.letter_status, digest_status].filter((part) => part !== null && part !== '').join('; ') || null,
  }));
}
