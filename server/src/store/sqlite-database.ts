/**
 * SQLite storage for signatures (better-sqlite3, synchronous, one connection per process).
 *
 * Durability: WAL journal. With `synchronous = FULL` (the default, DATABASE_SYNCHRONOUS) every
 * commit is fsynced before we answer 201, so an acknowledged signature survives a process kill
 * AND an OS crash or power cut. `NORMAL` also survives a process kill (the WAL write reached the
 * OS before COMMIT returned) but may lose the last commits on power loss; it is offered for slow
 * disks (SD cards) where an fsync per signature is too slow. Measured here: ~6 000 fsynced
 * commits/s, far above what the HTTP layer can feed.
 *
 * Idempotency and de-duplication are the database's job, not a read-then-write: `id` is UNIQUE,
 * `(campaign, email_normalised)` is UNIQUE, and the insert is `ON CONFLICT DO NOTHING` inside an
 * IMMEDIATE transaction, so concurrent retries (even from several processes) store one row.
 *
 * Counts live in `campaign_counts`, kept by triggers, so the count endpoint is O(1) however many
 * signatures a campaign has, and stays right if an organiser deletes a row (erasure request).
 *
 * A new signature's letters (SPEC §9.3) are inserted in the same transaction as the signature:
 * an acknowledged signature is never without its letters, and a retry adds none.
 *
 * This module is synchronous, as better-sqlite3 is; sqlite-store.ts wraps it in the receiver's
 * promise-based Store. The tables, step by step: sqlite-migrations.ts.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SqliteSynchronous } from '../config/load-config.ts';
import { insertLettersFor, type NewLetterRow } from '../letters/sqlite-letters.ts';
import type { NewDigestEntry, NewLetter } from '../letters/letters-for-signature.ts';
import { insertDigestEntriesFor } from '../letters/digest-closing.ts';
import { insertConfirmationFor } from '../letters/sqlite-confirmations.ts';
import type { SignaturePayload } from '../signature-schema.ts';
import { normaliseEmail } from '../signer-text.ts';
import { migrate } from './sqlite-migrations.ts';

/** How the signature arrived: a JSON body, or a plain HTML form post. */
export type SubmissionFormat = 'json' | 'form';

/** One stored signature, column for column (also the CSV columns, minus `seq`/`payload_json`). */
export interface SignatureRow {
  seq: number;
  id: string;
  campaign: string;
  created_at: string;
  received_at: string;
  locale: string | null;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  email: string;
  country: string | null;
  postcode: string | null;
  organisation: string | null;
  phone: string | null;
  comment: string | null;
  consent_updates: number | null;
  consent_text: string | null;
  /** The signer's answer to "may the target reply to me" (replyTo: signer-if-agreed), and its wording. */
  consent_reply_to: number | null;
  consent_reply_to_text: string | null;
  message_subject: string | null;
  message_body: string | null;
  source_url: string | null;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  format: SubmissionFormat;
  /** The payload exactly as validated (the form format converted to the JSON shape). */
  payload_json: string;
  /** Its letters and digest entries, "<target>: <status>" joined by "; " (null without either). */
  letter_status: string | null;
  /** When its last letter was sent, in ms since the epoch. */
  letter_sent_at: number | null;
}

/** Which signatures a listing keeps (the console's export); every one when empty. */
export interface SignatureFilter {
  /** Only signers who agreed to hear from the organiser (consent_updates = 1). */
  consentingOnly?: boolean;
  /** Received at or after this ISO time. */
  receivedFrom?: string;
  /** Received before this ISO time. */
  receivedBefore?: string;
}

/** What an insert came to: new, a retry of a stored id, or an address that already signed. */
export type InsertOutcome = 'created' | 'duplicate-id' | 'duplicate-email';

/** One insert's outcome and the campaign's count after it. */
export interface InsertResult {
  outcome: InsertOutcome;
  /** The campaign's count after this call. */
  count: number;
}

/** One signature to insert, with the letters it makes (recorded only if the signature is new). */
export interface SignatureInsert {
  payload: SignaturePayload;
  format: SubmissionFormat;
  receivedAt: Date;
  letters?: readonly NewLetter[] | undefined;
  /** Mode `digest`: its places in the next digest to each target. */
  digestEntries?: readonly NewDigestEntry[] | undefined;
}

/** The synchronous signatures database on one connection. */
export interface SignatureStore {
  insertSignature(payload: SignaturePayload, format: SubmissionFormat, receivedAt?: Date, letters?: readonly NewLetter[], digestEntries?: readonly NewDigestEntry[]): InsertResult;
  /**
   * Several inserts in ONE transaction (one commit, one fsync), each with its own outcome, in
   * order. Used by the group-commit writer; throws if the transaction fails as a whole.
   */
  insertSignatures(items: readonly SignatureInsert[]): InsertResult[];
  /**
   * Moves a quarantined signature into `signatures` with `letters`, as if it had just arrived
   * (counted, or a repeat of an address already counted), in one transaction; undefined when no
   * signature with that id is held.
   */
  releaseQuarantined(id: string, letters?: readonly NewLetter[], digestEntries?: readonly NewDigestEntry[]): InsertResult | undefined;
  countSignatures(campaign: string): number;
  /** A page of a campaign's signatures in insertion order, after `afterSeq`, those `filter` keeps. */
  listSignatures(campaign: string, options?: { afterSeq?: number; limit?: number } & SignatureFilter): SignatureRow[];
  close(): void;
  readonly path: string;
  /** The open handle, for the campaign and letter statements that share this connection. */
  readonly db: Database.Database;
}

/** SQLite result codes that mean "no room": the database hit max_page_count, or the disk is full or failing. */
const STORAGE_FULL_CODES = /^SQLITE_(FULL|IOERR)/;

/** True for an error that means the database or the disk has no room (answer 503, not 500). */
export function isStorageFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_FULL_CODES.test(code);
}

const COLUMNS = [
  'id', 'campaign', 'email_normalised', 'created_at', 'received_at', 'locale',
  'first_name', 'last_name', 'name', 'email', 'country', 'postcode', 'organisation', 'phone', 'comment',
  'consent_updates', 'consent_text', 'consent_reply_to', 'consent_reply_to_text', 'message_subject', 'message_body',
  'source_url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'format', 'payload_json',
] as const;

type InsertParams = Record<(typeof COLUMNS)[number], string | number | null>;

/** A validated payload as the columns of its `signatures` row. */
export function toInsertParams(payload: SignaturePayload, format: SubmissionFormat, receivedAt: Date): InsertParams {
  const { signer, consent, message, source } = payload;
  const utm = source?.utm;
  return {
    id: payload.id,
    campaign: payload.campaign,
    email_normalised: normaliseEmail(signer.email),
    created_at: payload.createdAt,
    received_at: receivedAt.toISOString(),
    locale: payload.locale ?? null,
    first_name: signer.firstName ?? null,
    last_name: signer.lastName ?? null,
    name: signer.name ?? null,
    email: signer.email,
    country: signer.country ?? null,
    postcode: signer.postcode ?? null,
    organisation: signer.organisation ?? null,
    phone: signer.phone ?? null,
    comment: signer.comment ?? null,
    consent_updates: consent?.updates === undefined ? null : consent.updates ? 1 : 0,
    consent_text: consent?.text ?? null,
    consent_reply_to: consent?.replyTo === undefined ? null : consent.replyTo ? 1 : 0,
    consent_reply_to_text: consent?.replyToText ?? null,
    message_subject: message?.subject ?? null,
    message_body: message?.body ?? null,
    source_url: source?.url ?? null,
    referrer: source?.referrer ?? null,
    utm_source: utm?.source ?? null,
    utm_medium: utm?.medium ?? null,
    utm_campaign: utm?.campaign ?? null,
    utm_term: utm?.term ?? null,
    utm_content: utm?.content ?? null,
    format,
    payload_json: JSON.stringify(payload),
  };
}

/** How openDatabase sets up the connection. */
export interface OpenOptions {
  synchronous?: SqliteSynchronous;
  /** Largest database file, in bytes (PRAGMA max_page_count); unlimited when omitted. */
  maxBytes?: number;
}

/** Opens (creating folders and file as needed) and migrates the database at `path`. */
export function openDatabase(path: string, options: OpenOptions = {}): SignatureStore {
  const absolute = resolve(path);
  mkdirSync(dirname(absolute), { recursive: true });
  const db = new Database(absolute);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch ${absolute} to WAL mode (got ${String(mode)})`);
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // What a delete or an update frees is overwritten with zeros, not left in the file as free
    // space: an erased signer (store/sqlite-erasure.ts) leaves no copy behind, and neither does a
    // cancelled letter or an ended session. Costs little: rows are mostly inserted, and what an
    // update frees lies in a page that is written anyway.
    db.pragma('secure_delete = ON');
    migrate(db);
    if (options.maxBytes !== undefined) capSize(db, options.maxBytes);
  } catch (error) {
    db.close();
    throw error;
  }

  const insert = db.prepare<InsertParams>(
    `INSERT INTO signatures (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})
     ON CONFLICT DO NOTHING`,
  );
  const findById = db.prepare<[string], { campaign: string }>('SELECT campaign FROM signatures WHERE id = ?');
  const count = db.prepare<[string], { count: number }>('SELECT count FROM campaign_counts WHERE campaign = ?');
  // Each signature's letters summed up for the export: "<target>: <status>" per target, and the
  // last time one was sent (the UNIQUE (signature_id, target_email) index keeps the subqueries cheap).
  type ListParams = { campaign: string; afterSeq: number; limit: number; consenting: number; from: string | null; before: string | null };
  const list = db.prepare<ListParams, SignatureRow & { digest_status: string | null }>(
    `SELECT s.seq, ${COLUMNS.filter((c) => c !== 'email_normalised').map((c) => `s.${c}`).join(', ')},
       (SELECT group_concat(l.target_name || ': ' || l.status, '; ') FROM letters l WHERE l.signature_id = s.id) AS letter_status,
       (SELECT group_concat(e.target_name || ': ' || CASE WHEN d.id IS NULL THEN 'waiting for the next digest'
                ELSE 'in digest of ' || d.day || ': ' || d.status END, '; ')
          FROM digest_entries e LEFT JOIN digests d ON d.id = e.digest_id WHERE e.signature_id = s.id) AS digest_status,
       NULLIF(max(COALESCE((SELECT max(l.sent_at) FROM letters l WHERE l.signature_id = s.id), 0),
                  COALESCE((SELECT max(d.sent_at) FROM digest_entries e JOIN digests d ON d.id = e.digest_id WHERE e.signature_id = s.id), 0)), 0) AS letter_sent_at
     FROM signatures s WHERE s.campaign = @campaign AND s.seq > @afterSeq
       AND (@consenting = 0 OR s.consent_updates = 1)
       AND (@from IS NULL OR s.received_at >= @from) AND (@before IS NULL OR s.received_at < @before)
     ORDER BY s.seq LIMIT @limit`,
  );

  const countSignatures = (campaign: string): number => count.get(campaign)?.count ?? 0;
  const countRepeat = db.prepare<[string]>('UPDATE campaign_counts SET repeats = repeats + 1 WHERE campaign = ?');

  const insertLetters = insertLettersFor(db);
  const insertDigestEntries = insertDigestEntriesFor(db);
  const insertConfirmation = insertConfirmationFor(db);

  type InsertItem = { params: InsertParams; letters: readonly NewLetter[] | undefined; digestEntries: readonly NewDigestEntry[] | undefined };
  // A retry of a held signature stays held, whatever its checks say now: a bot that was too fast
  // must not get in by posting the same id again a few seconds later.
  const quarantined = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM quarantined_signatures WHERE id = ?');
  const unquarantine = db.prepare<[string]>('DELETE FROM quarantined_signatures WHERE id = ?');
  const heldRow = db.prepare<[string], { format: SubmissionFormat; received_at: string; payload_json: string }>(
    'SELECT format, received_at, payload_json FROM quarantined_signatures WHERE id = ?',
  );
  const insertOne = ({ params, letters, digestEntries }: InsertItem): InsertResult => {
    const campaign = params.campaign as string;
    if (quarantined.get(params.id as string)) return { outcome: 'duplicate-id', count: countSignatures(campaign) };
    if (insert.run(params).changes === 1) {
      if (letters?.length) {
        insertLetters(letters.map((letter): NewLetterRow => ({ ...letter, signatureId: params.id as string, campaign })));
        // Held letters: one confirmation email for the signature, only when the signature is new,
        // so a repeated address or a retried id never sends a second one.
        const held = letters.find((letter) => letter.status === 'awaiting-confirmation');
        if (held) insertConfirmation({ signatureId: params.id as string, campaign, subject: held.subject, createdAt: held.createdAt });
      }
      if (digestEntries?.length) insertDigestEntries(params.id as string, campaign, digestEntries);
      return { outcome: 'created', count: countSignatures(campaign) };
    }
    // Nothing inserted: one of the two UNIQUE constraints held. Same id = a retry.
    const outcome: InsertOutcome = findById.get(params.id as string) ? 'duplicate-id' : 'duplicate-email';
    // A transaction that writes nothing commits without an fsync, so a repeated address would
    // answer measurably faster than a new signature and reveal that it had signed (SPEC §7).
    // Counting the repeat gives it the same durable commit.
    if (outcome === 'duplicate-email') countRepeat.run(campaign);
    return { outcome, count: countSignatures(campaign) };
  };
  const insertTransaction = db.transaction(insertOne);
  const insertManyTransaction = db.transaction((rows: InsertItem[]) => rows.map(insertOne));
  const releaseTransaction = db.transaction((id: string, letters?: readonly NewLetter[], digestEntries?: readonly NewDigestEntry[]) => {
    const row = heldRow.get(id);
    if (!row) return undefined;
    unquarantine.run(id);
    // The checks' fields stay with the quarantine: the counted row holds what the signer wrote.
    const { formToken: _token, honeypot: _honeypot, pow: _pow, ...payload } = JSON.parse(row.payload_json) as SignaturePayload;
    return insertOne({ params: toInsertParams(payload, row.format, new Date(row.received_at)), letters, digestEntries });
  });

  return {
    path: absolute,
    db,
    insertSignature(payload, format, receivedAt = new Date(), letters, digestEntries) {
      return insertTransaction.immediate({ params: toInsertParams(payload, format, receivedAt), letters, digestEntries });
    },
    insertSignatures(items) {
      return insertManyTransaction.immediate(
        items.map((item) => ({ params: toInsertParams(item.payload, item.format, item.receivedAt), letters: item.letters, digestEntries: item.digestEntries })),
      );
    },
    releaseQuarantined(id, letters, digestEntries) {
      return releaseTransaction.immediate(id, letters, digestEntries);
    },
    countSignatures,
    listSignatures(campaign, { afterSeq = 0, limit = 500, consentingOnly = false, receivedFrom, receivedBefore } = {}) {
      const params: ListParams = {
        campaign, afterSeq, limit, consenting: consentingOnly ? 1 : 0, from: receivedFrom ?? null, before: receivedBefore ?? null,
      };
      // One status column for the export: single letters and digest entries side by side.
      return list.all(params).map(({ digest_status, ...row }) => ({
        ...row,
        letter_status: [row.letter_status, digest_status].filter((part) => part !== null && part !== '').join('; ') || null,
      }));
    },
    close() {
      if (db.open) db.close();
    },
  };
}

/**
 * Caps the file at `maxBytes` so that a flood of signatures fills the database (SQLITE_FULL,
 * answered 503) rather than the disk. SQLite never shrinks max_page_count below the current size.
 */
function capSize(db: Database.Database, maxBytes: number): void {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`max_page_count = ${Math.max(1, Math.floor(maxBytes / pageSize))}`);
}
