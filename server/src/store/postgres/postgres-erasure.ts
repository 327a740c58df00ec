/**
 * Erasing a signer on PostgreSQL (erasure.ts), with the same outcome row by row as
 * store/sqlite-erasure.ts (its header says what anonymise and delete do to each table): every
 * signature of the address in every campaign, with its letters, digest entries, confirmation
 * and receipt, the signatures of it held in the quarantine, and the audit line (counts only), in
 * ONE transaction.
 *
 * Several receivers: the signer's signatures, letters, digests, confirmation and receipt are
 * locked FOR UPDATE before anything is checked. A worker on another receiver claims with
 * FOR UPDATE SKIP LOCKED, so it passes over them while the erasure runs; one that claimed first
 * has set 'sending', which the erasure sees once the claim commits, and answers 'busy'.
 *
 * What PostgreSQL guarantees about the old copies, and what it does not:
 *
 * - After COMMIT no query can read the old values: an UPDATE or DELETE leaves the old row version
 *   behind as a dead tuple (MVCC), visible to no transaction that starts later.
 * - The dead tuples, and the index entries that point at them (the address is a key of the
 *   unique index), stay in the table's and indexes' files until VACUUM removes them. So after
 *   the commit the erasure runs `VACUUM (INDEX_CLEANUP ON)` on the tables it touched (outside the
 *   transaction: VACUUM cannot run in one). INDEX_CLEANUP ON because VACUUM otherwise skips the
 *   indexes when few tuples died, and index entries hold the address. VACUUM takes no lock that
 *   stops signatures being stored.
 * - VACUUM can remove only tuples that no open transaction may still see: a long transaction
 *   (a backup with pg_dump, a report) keeps them until it ends; autovacuum finishes the job.
 * - PostgreSQL has no secure_delete: VACUUM marks the space free, and does not promise to
 *   overwrite the bytes there; they stay in the file until new rows reuse the space. VACUUM FULL
 *   rewrites the tables into new files, but locks them against every write while it runs, so it
 *   is left to the operator.
 * - The write-ahead log holds the old values until its segments are recycled after checkpoints,
 *   and every copy outside this database holds them for as long as it is kept: WAL archives,
 *   base backups and dumps, and standby servers (which replay the erasure, and their own VACUUM).
 *   The README's erasure section says so to the operator.
 * - Planner statistics (pg_statistic) would copy sample values of the signers' columns; migration
 *   2 turned them off for those columns (schema.ts).
 */
import type pg from 'pg';
import { normaliseEmail } from '../../signer-text.ts';
import { erasedPlaceholder, type ErasureCounts, type ErasureMatchRow, type ErasureResult, type SignerErasure } from '../erasure.ts';
import { pageWithoutQuery } from '../sqlite-erasure.ts';
import { withRetries } from './pool.ts';

/** The statuses of a letter that may still be sent: by the worker, or by the organiser's "send again". */
const UNSENT_LETTER = "('queued', 'awaiting-confirmation', 'failed', 'unknown')";
/** The statuses of a digest that may still be sent. */
const UNSENT_DIGEST = "('queued', 'failed', 'unknown')";
/** What an erasure changes, so what VACUUM cleans afterwards. */
const TOUCHED_TABLES = 'signatures, letters, digest_entries, digests, confirmations, receipts, quarantined_signatures';

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
  source_url: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  letters: number;
}

/**
 * The signatures of an address: $1 the normal form, $2 the prefix of the rows SQLite's migration 2
 * renamed "<normal> duplicate-of-seq-<n>" (found through their partial index, text_pattern_ops:
 * a byte-order prefix match, whatever the database's collation).
 */
const MATCHES = `
  SELECT s.seq, s.id, s.campaign, s.email, s.created_at, s.received_at, s.locale, s.country, s.consent_updates, s.consent_text,
         s.source_url, s.utm_source, s.utm_medium, s.utm_campaign,
         (SELECT count(*) FROM letters l WHERE l.signature_id = s.id)
           + (SELECT count(*) FROM digest_entries e WHERE e.signature_id = s.id) AS letters
  FROM signatures s
  -- Per campaign, so the unique (campaign, email_normalised) index answers (it cannot without the campaign).
  WHERE s.campaign = ANY (SELECT campaign FROM campaign_counts)
    AND (s.email_normalised = $1
         OR (s.email_normalised LIKE '% duplicate-of-seq-%' AND s.email_normalised LIKE $2))
  ORDER BY s.seq`;

/** `value` with LIKE's wildcards escaped, for a prefix pattern. */
const likePrefix = (value: string): string => `${value.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** An anonymised row's payload: the SPEC §4.1 shape with only what the row keeps (as SQLite's). */
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

const findRows = async (db: pg.Pool | pg.PoolClient, email: string, lock: boolean): Promise<SignatureMatch[]> => {
  const normal = normaliseEmail(email);
  const { rows } = await db.query<SignatureMatch>(`${MATCHES}${lock ? ' FOR UPDATE OF s' : ''}`, [normal, likePrefix(`${normal} duplicate-of-seq-`)]);
  return rows;
};

/** Signatures of the address held back by the bot checks (postgres-quarantine.ts), oldest first. */
const heldRows = async (db: pg.Pool | pg.PoolClient, email: string, lock: boolean) =>
  (await db.query<{ id: string; campaign: string; received_at: string }>(
    `SELECT id, campaign, received_at FROM quarantined_signatures WHERE email_normalised = $1
     ORDER BY received_at COLLATE "C"${lock ? ' FOR UPDATE' : ''}`,
    [normaliseEmail(email)],
  )).rows;

/** The erasure on `pool` (migrated). */
export function createPostgresErasure(pool: pg.Pool): SignerErasure {
  const n = async (client: pg.PoolClient, sql: string, params: unknown[]): Promise<number> =>
    (await client.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;

  const eraseInTransaction = (email: string, action: 'anonymise' | 'delete', actor: string, now: number) =>
    // Again after a deadlock: a confirmation press locks its confirmation, then the letters; this, the other way round.
    withRetries(pool, async (client): Promise<ErasureResult> => {
      const rows = await findRows(client, email, true);
      const held = await heldRows(client, email, true);
      if (rows.length === 0 && held.length === 0) return { outcome: 'not-found' };
      const ids = rows.map((row) => row.id);
      // Everything a worker could claim for these signers, locked (see the header), then checked.
      const sending = await n(client, `SELECT count(*) AS n FROM (
          SELECT status FROM letters WHERE signature_id = ANY ($1) FOR UPDATE) l WHERE status = 'sending'`, [ids])
        + await n(client, `SELECT count(*) AS n FROM (
          SELECT status FROM confirmations WHERE signature_id = ANY ($1) FOR UPDATE) c WHERE status = 'sending'`, [ids])
        + await n(client, `SELECT count(*) AS n FROM (
          SELECT status FROM receipts WHERE signature_id = ANY ($1) FOR UPDATE) r WHERE status = 'sending'`, [ids])
        + await n(client, `SELECT count(*) AS n FROM (
          SELECT d.status FROM digests d WHERE d.id IN (SELECT digest_id FROM digest_entries WHERE signature_id = ANY ($1))
          ORDER BY d.id FOR UPDATE) d WHERE status = 'sending'`, [ids]);
      if (sending > 0) return { outcome: 'busy' };

      // Held signatures were never counted, so whichever the action, they go.
      if (held.length > 0) await client.query('DELETE FROM quarantined_signatures WHERE id = ANY ($1)', [held.map((row) => row.id)]);
      const normal = normaliseEmail(email);
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
        counts.letters += await n(client, 'SELECT count(*) AS n FROM letters WHERE signature_id = $1', [row.id]);
        counts.digestEntries += await n(client, 'SELECT count(*) AS n FROM digest_entries WHERE signature_id = $1', [row.id]);
        // Digest entries not yet sent: out of their digest, which lists one signer fewer (cancelled at none).
        await client.query(
          `UPDATE digests SET signers = signers - 1
           WHERE status IN ${UNSENT_DIGEST} AND id IN (SELECT digest_id FROM digest_entries WHERE signature_id = $1)`,
          [row.id],
        );
        await client.query(
          `UPDATE digests SET status = 'cancelled', lease_until = NULL, last_response = 'cancelled: its signers were erased; not sent'
           WHERE status IN ${UNSENT_DIGEST} AND signers <= 0 AND id IN (SELECT digest_id FROM digest_entries WHERE signature_id = $1)`,
          [row.id],
        );
        await client.query(
          `DELETE FROM digest_entries WHERE signature_id = $1
             AND (digest_id IS NULL OR digest_id IN (SELECT id FROM digests WHERE status IN ${UNSENT_DIGEST} OR status = 'cancelled' AND signers <= 0))`,
          [row.id],
        );
        if (action === 'delete') {
          counts.lettersCancelled += await n(client, `SELECT count(*) AS n FROM letters WHERE signature_id = $1 AND status IN ${UNSENT_LETTER}`, [row.id]);
          counts.confirmations += await n(client, 'SELECT count(*) AS n FROM confirmations WHERE signature_id = $1', [row.id]);
          counts.receipts += await n(client, 'SELECT count(*) AS n FROM receipts WHERE signature_id = $1', [row.id]);
          // Letters, digest entries, confirmation and receipt go with it (ON DELETE CASCADE); the count by the trigger.
          await client.query('DELETE FROM signatures WHERE seq = $1', [row.seq]);
          continue;
        }
        await client.query('UPDATE digest_entries SET edited_subject = NULL, edited_body = NULL WHERE signature_id = $1', [row.id]);
        // Letters emptied first (a test letter's answer may name its recipient, the signer), then
        // the unsent ones cancelled with a note that names no one.
        await client.query(
          `UPDATE letters SET subject = '', body = '', reply_to = NULL, lease_until = NULL,
             last_response = CASE WHEN recipient_email <> target_email
                                    OR strpos(lower(last_response), $2) > 0 OR strpos(lower(last_response), $3) > 0
                                  THEN NULL ELSE last_response END,
             recipient_email = CASE WHEN recipient_email = target_email THEN recipient_email ELSE '' END
           WHERE signature_id = $1`,
          [row.id, row.email.trim().toLowerCase(), normal],
        );
        counts.lettersCancelled += (await client.query(
          `UPDATE letters SET status = 'cancelled', last_response = 'cancelled: the signer''s data was erased (the letter was ' || status || ')'
           WHERE signature_id = $1 AND status IN ${UNSENT_LETTER}`,
          [row.id],
        )).rowCount ?? 0;
        counts.confirmations += (await client.query('DELETE FROM confirmations WHERE signature_id = $1', [row.id])).rowCount ?? 0;
        counts.receipts += (await client.query('DELETE FROM receipts WHERE signature_id = $1', [row.id])).rowCount ?? 0;
        const sourceUrl = pageWithoutQuery(row.source_url);
        const placeholder = erasedPlaceholder(row.seq);
        await client.query(
          `UPDATE signatures SET
             email = $2, email_normalised = $2,
             first_name = NULL, last_name = NULL, name = NULL, postcode = NULL, organisation = NULL, phone = NULL, comment = NULL,
             consent_updates = CASE WHEN consent_updates IS NULL THEN NULL ELSE 0 END,
             consent_reply_to = CASE WHEN consent_reply_to IS NULL THEN NULL ELSE 0 END,
             message_subject = NULL, message_body = NULL, referrer = NULL, utm_term = NULL, utm_content = NULL,
             source_url = $3, payload_json = $4
           WHERE seq = $1`,
          [row.seq, placeholder, sourceUrl, anonymisedPayload(row, sourceUrl)],
        );
      }
      await client.query(
        'INSERT INTO console_log (at, actor, action, campaign, detail_json) VALUES ($1, $2, $3, NULL, $4)',
        [now, actor, action === 'delete' ? 'signer-deleted' : 'signer-anonymised', JSON.stringify(counts)],
      );
      return { outcome: 'done', counts };
    });

  /** VACUUM after the commit (see the header); says what could not be done, never the address. */
  const vacuum = async (): Promise<string | undefined> => {
    const client = await pool.connect();
    const notices: string[] = [];
    const onNotice = (notice: { message?: string }) => notices.push(notice.message ?? '');
    const onError = (): void => undefined;
    client.on('notice', onNotice);
    client.on('error', onError);
    let broken = false;
    try {
      // The pool's 30 s statement timeout is for requests; VACUUM of a large table's indexes may take longer.
      await client.query("SET statement_timeout = '15min'");
      await client.query(`VACUUM (INDEX_CLEANUP ON) ${TOUCHED_TABLES}`);
      await client.query('RESET statement_timeout');
    } catch (error) {
      broken = true;
      return `The erasure is saved, but VACUUM failed (${(error as { code?: string }).code ?? 'error'}), so the old row versions stay in the database files until autovacuum removes them.`;
    } finally {
      client.off('notice', onNotice);
      client.off('error', onError);
      client.release(broken);
    }
    // A role that does not own the tables gets a warning per table ("permission denied … skipping"), not an error.
    const skipped = notices.filter((message) => /skipping|permission denied/i.test(message));
    return skipped.length === 0
      ? undefined
      : 'The erasure is saved, but this receiver\'s database role may not VACUUM the tables, so the old row versions stay in the database files until autovacuum removes them.';
  };

  return {
    async find(email): Promise<ErasureMatchRow[]> {
      const held = (await heldRows(pool, email, false)).map((row) => ({ campaign: row.campaign, signedAt: row.received_at, letters: 0 }));
      return [...(await findRows(pool, email, false)).map((row) => ({ campaign: row.campaign, signedAt: row.received_at, letters: row.letters })), ...held];
    },
    async erase(email, action, { actor, now }) {
      const result = await eraseInTransaction(email, action, actor, now);
      if (result.outcome !== 'done') return result;
      const warning = await vacuum();
      return warning === undefined ? result : { ...result, warning };
    },
  };
}
