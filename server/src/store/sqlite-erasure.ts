/**
 * Erasing a signer on SQLite (erasure.ts): every signature of an address, in every campaign, with
 * what the letters' tables hold of that person, in ONE immediate transaction that also writes the
 * audit line (counts only, never the address). Then the copies SQLite keeps of what was there
 * before are cleared:
 *
 * - `secure_delete` is on (for the connection, sqlite-database.ts; set again here), so the cells
 *   and pages the erasure frees are overwritten with zeros rather than left as free space.
 * - `VACUUM` rebuilds the file, so nothing freed earlier without secure_delete (a database from
 *   before it was on, a row moved by an update) survives in free space or on the freelist. It
 *   takes about a second per 150 MB on a small server, during which the receiver holds requests.
 * - `wal_checkpoint(TRUNCATE)` writes the new pages into the file and cuts the -wal to zero
 *   bytes: every frame holding an old copy of a page is gone. The -shm holds no row data.
 *
 * What becomes of each row (the README's "Erasure" says it for organisers):
 *
 * - anonymise: the signature keeps its id, campaign, times, language, country, format, the
 *   channel (utm_source, utm_medium, utm_campaign) and the embedding page without its query
 *   (source_url reduced to origin and path), so it is still counted and still shows in the
 *   overview. Its address becomes `erased:<seq>` (erasure.ts), names, postcode, organisation,
 *   phone, comment, the letter's subject and body, referrer, utm_term and utm_content are
 *   removed, the consents are withdrawn (0; the campaign's wording stays), and the stored payload
 *   is rewritten from what is left.
 *   Its letters lose subject, body, Reply-To and a test letter's recipient (the signer); a letter
 *   not yet sent (queued, held for confirmation) or that could be sent again (failed, unknown)
 *   is cancelled: it carries the person's words over their name, and sending it after they asked
 *   to be forgotten would hand them to the target once more. A sent letter stays 'sent' (the
 *   target's counts stay true), emptied. Digest entries waiting for a digest, or in one not yet
 *   sent, are removed (the digest lists one signer fewer, and is cancelled if that was the last);
 *   entries of a sent digest lose the signer's edited words. The confirmation and the receipt
 *   (emails to the signer themself) are deleted.
 * - delete: the signature goes, and with it (ON DELETE CASCADE) its letters, digest entries,
 *   confirmation and receipt; the campaign's count goes down (the counting trigger).
 *
 * A letter, digest, confirmation or receipt of the signer that is 'sending' at that moment
 * answers 'busy' and changes nothing: the worker holds its text in memory and will record an
 * outcome for it; a moment later the erasure goes through.
 */
import type Database from 'better-sqlite3';
import { normaliseEmail } from '../signer-text.ts';
import { erasedPlaceholder, type ErasureAction, type ErasureCounts, type ErasureMatchRow, type ErasureResult, type SignerErasure } from './erasure.ts';

/** The statuses of a letter that may still be sent: by the worker, or by the organiser's "send again". */
const UNSENT_LETTER = "('queued', 'awaiting-confirmation', 'failed', 'unknown')";
/** The statuses of a digest that may still be sent. */
const UNSENT_DIGEST = "('queued', 'failed', 'unknown')";

interface SignatureMatch {
  seq: number;
  id: string;
  campaign: string;
  email: string;
  created_at: string;
  received_at: string;
  locale: string | null;
  country: string | null;
  consent_updates: number | null;
  consent_text: string | null;
  consent_reply_to: number | null;
  consent_reply_to_text: string | null;
  source_url: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  letters: number;
}

/** The embedding page without query or fragment (where tracking ids and prefilled addresses live); null if not a URL. */
export function pageWithoutQuery(url: string | null): string | null {
  if (url === null || url === '') return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? `${parsed.origin}${parsed.pathname}` : null;
  } catch {
    return null;
  }
}

/** An anonymised row's payload: the SPEC §4.1 shape with only what the row keeps. */
function anonymisedPayload(row: SignatureMatch, sourceUrl: string | null): string {
  const utm = Object.fromEntries(
    (['source', 'medium', 'campaign'] as const).flatMap((key) => {
      const value = row[`utm_${key}`];
      return value === null ? [] : [[key, value]];
    }),
  );
  return JSON.stringify({
    id: row.id,
    campaign: row.campaign,
    createdAt: row.created_at,
    ...(row.locale === null ? {} : { locale: row.locale }),
    signer: { email: erasedPlaceholder(row.seq), ...(row.country ? { country: row.country } : {}) },
    ...(row.consent_updates === null ? {} : { consent: { updates: false, ...(row.consent_text === null ? {} : { text: row.consent_text }) } }),
    source: { ...(sourceUrl ? { url: sourceUrl } : {}), ...(Object.keys(utm).length > 0 ? { utm } : {}) },
    erased: 'anonymised',
  });
}

/** The erasure statements on an open, migrated handle. */
export function createSqliteErasure(db: Database.Database): SignerErasure {
  const campaigns = db.prepare<[], { campaign: string }>('SELECT campaign FROM campaign_counts ORDER BY campaign');
  // Per campaign, so the (campaign, email_normalised) index answers. Migration 2 gave rows that
  // collided under the stricter normal form "<normal> duplicate-of-seq-<n>": those are the same
  // address too, found by the range [prefix, prefix with its last character raised).
  const matches = db.prepare<{ campaign: string; normal: string; prefix: string; prefixEnd: string }, SignatureMatch>(
    `SELECT s.seq, s.id, s.campaign, s.email, s.created_at, s.received_at, s.locale, s.country, s.consent_updates, s.consent_text,
            s.consent_reply_to, s.consent_reply_to_text, s.source_url, s.utm_source, s.utm_medium, s.utm_campaign,
            (SELECT count(*) FROM letters l WHERE l.signature_id = s.id)
              + (SELECT count(*) FROM digest_entries e WHERE e.signature_id = s.id) AS letters
     FROM signatures s
     WHERE s.campaign = @campaign
       AND (s.email_normalised = @normal OR (s.email_normalised >= @prefix AND s.email_normalised < @prefixEnd))
     ORDER BY s.seq`,
  );
  const sending = db.prepare<{ id: string }, { n: number }>(
    `SELECT (SELECT count(*) FROM letters WHERE signature_id = @id AND status = 'sending')
          + (SELECT count(*) FROM confirmations WHERE signature_id = @id AND status = 'sending')
          + (SELECT count(*) FROM receipts WHERE signature_id = @id AND status = 'sending')
          + (SELECT count(*) FROM digest_entries e JOIN digests d ON d.id = e.digest_id
              WHERE e.signature_id = @id AND d.status = 'sending') AS n`,
  );

  // Digest entries not yet sent: out of their digest, which lists one signer fewer (cancelled at none).
  const digestShrinks = db.prepare<[string]>(
    `UPDATE digests SET signers = signers - 1
     WHERE status IN ${UNSENT_DIGEST} AND id IN (SELECT digest_id FROM digest_entries WHERE signature_id = ?)`,
  );
  const emptyDigestsCancelled = db.prepare<[string]>(
    `UPDATE digests SET status = 'cancelled', lease_until = NULL, last_response = 'cancelled: its signers were erased; not sent'
     WHERE status IN ${UNSENT_DIGEST} AND signers <= 0 AND id IN (SELECT digest_id FROM digest_entries WHERE signature_id = ?)`,
  );
  const unsentEntriesRemoved = db.prepare<[string]>(
    `DELETE FROM digest_entries WHERE signature_id = ?
       AND (digest_id IS NULL OR digest_id IN (SELECT id FROM digests WHERE status IN ${UNSENT_DIGEST} OR status = 'cancelled' AND signers <= 0))`,
  );
  const sentEntriesBlanked = db.prepare<[string]>('UPDATE digest_entries SET edited_subject = NULL, edited_body = NULL WHERE signature_id = ?');

  // Letters: emptied first (a test letter's answer may name its recipient, the signer), then the
  // unsent ones cancelled with a note that names no one.
  const lettersBlanked = db.prepare<{ id: string; raw: string; normal: string }>(
    `UPDATE letters SET subject = '', body = '', reply_to = NULL, lease_until = NULL,
       last_response = CASE WHEN recipient_email <> target_email
                              OR instr(lower(last_response), @raw) > 0 OR instr(lower(last_response), @normal) > 0
                            THEN NULL ELSE last_response END,
       recipient_email = CASE WHEN recipient_email = target_email THEN recipient_email ELSE '' END
     WHERE signature_id = @id`,
  );
  const lettersCancelled = db.prepare<[string]>(
    `UPDATE letters SET status = 'cancelled', last_response = 'cancelled: the signer''s data was erased (the letter was ' || status || ')'
     WHERE signature_id = ? AND status IN ${UNSENT_LETTER}`,
  );
  const unsentLetters = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM letters WHERE signature_id = ? AND status IN ${UNSENT_LETTER}`);
  const letterCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM letters WHERE signature_id = ?');
  const entryCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM digest_entries WHERE signature_id = ?');
  const confirmationRemoved = db.prepare<[string]>('DELETE FROM confirmations WHERE signature_id = ?');
  const receiptRemoved = db.prepare<[string]>('DELETE FROM receipts WHERE signature_id = ?');
  const confirmationCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM confirmations WHERE signature_id = ?');
  const receiptCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM receipts WHERE signature_id = ?');

  const anonymiseRow = db.prepare<{ seq: number; placeholder: string; sourceUrl: string | null; payload: string }>(
    `UPDATE signatures SET
       email = @placeholder, email_normalised = @placeholder,
       first_name = NULL, last_name = NULL, name = NULL, postcode = NULL, organisation = NULL, phone = NULL, comment = NULL,
       consent_updates = CASE WHEN consent_updates IS NULL THEN NULL ELSE 0 END,
       consent_reply_to = CASE WHEN consent_reply_to IS NULL THEN NULL ELSE 0 END,
       message_subject = NULL, message_body = NULL, referrer = NULL, utm_term = NULL, utm_content = NULL,
       source_url = @sourceUrl, payload_json = @payload
     WHERE seq = @seq`,
  );
  const deleteRow = db.prepare<[number]>('DELETE FROM signatures WHERE seq = ?');
  const hasStat4 = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'");
  const audit = db.prepare<[number, string, string, string]>(
    'INSERT INTO console_log (at, actor, action, campaign, detail_json) VALUES (?, ?, ?, NULL, ?)',
  );

  // Held back by the bot checks (sqlite-quarantine.ts): never counted, so whichever the action, they go.
  const heldRows = db.prepare<[string], { id: string; campaign: string; received_at: string }>(
    'SELECT id, campaign, received_at FROM quarantined_signatures WHERE email_normalised = ? ORDER BY received_at',
  );
  const heldRemoved = db.prepare<[string]>('DELETE FROM quarantined_signatures WHERE email_normalised = ?');

  const findRows = (email: string): SignatureMatch[] => {
    const normal = normaliseEmail(email);
    const prefix = `${normal} duplicate-of-seq-`;
    const prefixEnd = `${normal} duplicate-of-seq.`;
    return campaigns.all().flatMap(({ campaign }) => matches.all({ campaign, normal, prefix, prefixEnd })).sort((a, b) => a.seq - b.seq);
  };

  const eraseTransaction = db.transaction((email: string, action: ErasureAction, actor: string, now: number): ErasureResult => {
    const rows = findRows(email);
    const normal = normaliseEmail(email);
    const held = heldRows.all(normal);
    if (rows.length === 0 && held.length === 0) return { outcome: 'not-found' };
    if (rows.some((row) => (sending.get({ id: row.id })?.n ?? 0) > 0)) return { outcome: 'busy' };
    heldRemoved.run(normal);
    const counts: ErasureCounts = {
      signatures: rows.length + held.length,
      campaigns: new Set([...rows, ...held].map((row) => row.campaign)).size,
      lettersCancelled: 0,
      letters: 0,
      digestEntries: 0,
      confirmations: 0,
      receipts: 0,
    };
    for (const row of rows) {
      counts.letters += letterCount.get(row.id)!.n;
      counts.digestEntries += entryCount.get(row.id)!.n;
      digestShrinks.run(row.id);
      emptyDigestsCancelled.run(row.id);
      unsentEntriesRemoved.run(row.id);
      if (action === 'delete') {
        counts.lettersCancelled += unsentLetters.get(row.id)!.n;
        counts.confirmations += confirmationCount.get(row.id)!.n;
        counts.receipts += receiptCount.get(row.id)!.n;
        deleteRow.run(row.seq); // letters, digest entries, confirmation and receipt by ON DELETE CASCADE
        continue;
      }
      sentEntriesBlanked.run(row.id);
      lettersBlanked.run({ id: row.id, raw: row.email.trim().toLowerCase(), normal });
      counts.lettersCancelled += lettersCancelled.run(row.id).changes;
      counts.confirmations += confirmationRemoved.run(row.id).changes;
      counts.receipts += receiptRemoved.run(row.id).changes;
      const sourceUrl = pageWithoutQuery(row.source_url);
      anonymiseRow.run({ seq: row.seq, placeholder: erasedPlaceholder(row.seq), sourceUrl, payload: anonymisedPayload(row, sourceUrl) });
    }
    // ANALYZE's samples (only if someone ran it) are copies of index keys, addresses included.
    if (hasStat4.get()!.n > 0) db.prepare("DELETE FROM sqlite_stat4 WHERE tbl = 'signatures'").run();
    audit.run(now, actor, action === 'delete' ? 'signer-deleted' : 'signer-anonymised', JSON.stringify(counts));
    return { outcome: 'done', counts };
  });

  /** Clears old copies out of the file and the WAL; says what could not be done, never the address. */
  const clearOldCopies = (): string | undefined => {
    const problems: string[] = [];
    try {
      db.exec('VACUUM');
    } catch (error) {
      problems.push(`the database file could not be rebuilt (${(error as { code?: string }).code ?? 'error'}: is the disk full?), so freed space may still hold old copies`);
    }
    const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    if (checkpoint === undefined || checkpoint.busy !== 0) {
      problems.push('another process is reading the database, so its write-ahead log (-wal) could not be emptied; it is when that process closes it, or at the next erasure');
    }
    return problems.length === 0 ? undefined : `The erasure is saved, but ${problems.join('; and ')}.`;
  };

  return {
    async find(email): Promise<ErasureMatchRow[]> {
      const held = heldRows.all(normaliseEmail(email)).map((row) => ({ campaign: row.campaign, signedAt: row.received_at, letters: 0 }));
      return [...findRows(email).map((row) => ({ campaign: row.campaign, signedAt: row.received_at, letters: row.letters })), ...held];
    },
    async erase(email, action, { actor, now }) {
      db.pragma('secure_delete = ON');
      const result = eraseTransaction.immediate(email, action, actor, now);
      if (result.outcome !== 'done') return result;
      const warning = clearOldCopies();
      return warning === undefined ? result : { ...result, warning };
    },
  };
}
