/**
 * Signatures on PostgreSQL: the batched insert, the O(1) count and the export's listing.
 *
 * One batch is ONE transaction (one WAL flush for all its signatures) and three statements
 * whatever its size: the signatures as one INSERT … ON CONFLICT DO NOTHING over a JSON array, in
 * arrival order (so a retry within the batch is a duplicate of the first), then their letters,
 * digest entries and confirmations the same way. The insert and the count are named statements,
 * prepared once per connection: planning the 30-column insert cost PostgreSQL more than running
 * it (receiver bench, token uses left out: 0.57 → 0.27 ms of PostgreSQL CPU per signature). A
 * PL/pgSQL function doing all of it in one round trip was tried and measured no faster (it moved
 * CPU from the receiver into PostgreSQL), so the steps stay here.
 *
 * The two UNIQUE constraints (id; campaign and normalised address) decide, under any concurrency
 * and across receivers: a second receiver inserting the same id waits for the first's commit,
 * then skips it. An id held in the quarantine is skipped too and answered 'duplicate-id' (as on
 * SQLite); the batch first locks its ids (signature-id-lock.ts), so a quarantine of one of them
 * on another receiver cannot interleave.
 *
 * Counts: a statement-level trigger adds a batch's new rows to its connection's counter shard in
 * the same transaction (schema.ts); the count read just after (the `campaign_counts` view) is the
 * committed count plus this batch, and each signature's "count after it" is that count minus the
 * new rows after it in the batch. Batches committing at the same moment do not see each other's
 * rows in their answers, as two requests racing never could.
 */
import type pg from 'pg';
import type { NewDigestEntry, NewLetter } from '../../letters/letters-for-signature.ts';
import { CONFIRM_TTL_MS } from '../../letters/sqlite-confirmations.ts';
import { toInsertParams, type InsertOutcome, type InsertResult, type SignatureFilter, type SignatureInsert, type SignatureRow } from '../sqlite-database.ts';
import { lockSignatureIds } from './signature-id-lock.ts';

const COLUMNS = [
  'id', 'campaign', 'email_normalised', 'created_at', 'received_at', 'locale',
  'first_name', 'last_name', 'name', 'email', 'country', 'postcode', 'organisation', 'phone', 'comment',
  'consent_updates', 'consent_text', 'consent_reply_to', 'consent_reply_to_text', 'message_subject', 'message_body',
  'source_url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'format', 'payload_json',
] as const;

const INSERT_SIGNATURES = `
  INSERT INTO signatures (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.map((c) => `r.${c}`).join(', ')}
  FROM json_populate_recordset(NULL::signatures, $1::json) WITH ORDINALITY AS r
  -- A retry of a held signature stays held, whatever its checks say now (as on SQLite).
  WHERE NOT EXISTS (SELECT 1 FROM quarantined_signatures q WHERE q.id = r.id)
  ORDER BY r.ordinality
  ON CONFLICT DO NOTHING
  RETURNING id`;

const LETTER_COLUMNS = ['id', 'signature_id', 'campaign', 'target_name', 'target_email', 'recipient_email', 'subject', 'body', 'reply_to', 'status', 'created_at', 'next_attempt_at'] as const;
const INSERT_LETTERS = `
  INSERT INTO letters (${LETTER_COLUMNS.join(', ')})
  SELECT ${LETTER_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM json_populate_recordset(NULL::letters, $1::json) AS r
  ON CONFLICT DO NOTHING`;

const ENTRY_COLUMNS = ['signature_id', 'campaign', 'target_name', 'target_email', 'edited_subject', 'edited_body', 'created_at'] as const;
const INSERT_ENTRIES = `
  INSERT INTO digest_entries (${ENTRY_COLUMNS.join(', ')})
  SELECT ${ENTRY_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM json_populate_recordset(NULL::digest_entries, $1::json) AS r
  ON CONFLICT DO NOTHING`;

const CONFIRMATION_COLUMNS = ['signature_id', 'campaign', 'subject', 'status', 'created_at', 'expires_at', 'next_attempt_at'] as const;
const INSERT_CONFIRMATIONS = `
  INSERT INTO confirmations (${CONFIRMATION_COLUMNS.join(', ')})
  SELECT ${CONFIRMATION_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM json_populate_recordset(NULL::confirmations, $1::json) AS r
  ON CONFLICT DO NOTHING`;

/** Inserts `items` in order inside the caller's transaction; one outcome per item. */
export async function insertSignatureBatch(client: pg.PoolClient, items: readonly SignatureInsert[]): Promise<InsertResult[]> {
  const rows = items.map((item) => toInsertParams(item.payload, item.format, item.receivedAt));
  // Against a quarantine of one of these ids on another receiver (postgres-quarantine.ts).
  await lockSignatureIds(client, rows.map((row) => row.id as string));
  const inserted = await client.query<{ id: string }>({ name: 'insert-signatures', text: INSERT_SIGNATURES, values: [JSON.stringify(rows)] });
  const newIds = new Set(inserted.rows.map((row) => row.id));

  // Which item made each new row: the first with that id (later ones are its retries).
  const created = rows.map(() => false);
  const claimed = new Set<string>();
  rows.forEach((row, index) => {
    const id = row.id as string;
    if (newIds.has(id) && !claimed.has(id)) {
      created[index] = true;
      claimed.add(id);
    }
  });

  const letters: Record<string, unknown>[] = [];
  const entries: Record<string, unknown>[] = [];
  const confirmations: Record<string, unknown>[] = [];
  items.forEach((item, index) => {
    if (!created[index]) return;
    const signatureId = item.payload.id;
    const campaign = item.payload.campaign;
    for (const letter of item.letters ?? []) letters.push(letterRow(letter, signatureId, campaign));
    // Held letters: one confirmation email, only for a new signature (as on SQLite).
    const held = item.letters?.find((letter) => letter.status === 'awaiting-confirmation');
    if (held) {
      confirmations.push({
        signature_id: signatureId, campaign, subject: held.subject, status: 'queued',
        created_at: held.createdAt, expires_at: held.createdAt + CONFIRM_TTL_MS, next_attempt_at: held.createdAt,
      });
    }
    for (const entry of item.digestEntries ?? []) entries.push(entryRow(entry, signatureId, campaign));
  });
  if (letters.length > 0) await client.query(INSERT_LETTERS, [JSON.stringify(letters)]);
  if (entries.length > 0) await client.query(INSERT_ENTRIES, [JSON.stringify(entries)]);
  if (confirmations.length > 0) await client.query(INSERT_CONFIRMATIONS, [JSON.stringify(confirmations)]);

  // Not new: a stored id, counted or held (a retry), or, failing that, an address that already signed.
  const notNew = rows.filter((_row, index) => !created[index]).map((row) => row.id as string);
  const existing = new Set<string>();
  if (notNew.length > 0) {
    const found = await client.query<{ id: string }>(
      'SELECT id FROM signatures WHERE id = ANY($1::text[]) UNION ALL SELECT id FROM quarantined_signatures WHERE id = ANY($1::text[])',
      [notNew],
    );
    for (const row of found.rows) existing.add(row.id);
  }
  const outcomes: InsertOutcome[] = rows.map((row, index) =>
    created[index] ? 'created' : existing.has(row.id as string) ? 'duplicate-id' : 'duplicate-email');

  // A repeated address gets the same durable write as a new signature, so its answer takes as
  // long and does not tell that the person signed (SPEC §7).
  const repeats = new Map<string, number>();
  outcomes.forEach((outcome, index) => {
    if (outcome === 'duplicate-email') repeats.set(rows[index]!.campaign as string, (repeats.get(rows[index]!.campaign as string) ?? 0) + 1);
  });
  if (repeats.size > 0) {
    await client.query(
      `INSERT INTO campaign_count_shards (campaign, shard, repeats)
       SELECT campaign, pg_backend_pid() % 32, n FROM unnest($1::text[], $2::bigint[]) AS t(campaign, n) ORDER BY campaign
       ON CONFLICT (campaign, shard) DO UPDATE SET repeats = campaign_count_shards.repeats + excluded.repeats`,
      [[...repeats.keys()], [...repeats.values()]],
    );
  }

  const campaigns = [...new Set(rows.map((row) => row.campaign as string))];
  const counted = await client.query<{ campaign: string; count: number }>(
    { name: 'batch-counts', text: 'SELECT campaign, count FROM campaign_counts WHERE campaign = ANY($1::text[])', values: [campaigns] },
  );
  const countOf = new Map(counted.rows.map((row) => [row.campaign, row.count]));
  // Walk backwards: each item's count is the final one minus the new rows after it.
  const results: InsertResult[] = new Array(rows.length);
  const laterNew = new Map<string, number>();
  for (let index = rows.length - 1; index >= 0; index--) {
    const campaign = rows[index]!.campaign as string;
    const later = laterNew.get(campaign) ?? 0;
    results[index] = { outcome: outcomes[index]!, count: (countOf.get(campaign) ?? 0) - later };
    if (created[index]) laterNew.set(campaign, later + 1);
  }
  return results;
}

function letterRow(letter: NewLetter, signatureId: string, campaign: string): Record<string, unknown> {
  return {
    id: letter.id,
    signature_id: signatureId,
    campaign,
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

function entryRow(entry: NewDigestEntry, signatureId: string, campaign: string): Record<string, unknown> {
  return {
    signature_id: signatureId,
    campaign,
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
