/**
 * Quarantine on PostgreSQL (README "Bots and floods"), with the same behaviour as
 * store/sqlite-quarantine.ts (its header says why held signatures live apart from `signatures`):
 * signatures held back by the bot checks, the form tokens already used, the receiver's secrets.
 *
 * Several receivers: "an id is either counted or held, never both" spans two tables, which no
 * constraint can say. So every transaction that puts an id into either table first takes a
 * transaction-level advisory lock on that id (signature-id-lock.ts, also taken by the
 * signature batches): a quarantine and a counted insert of the same id on two receivers run one after the
 * other, and the second sees the first's row. Different ids never wait for each other (short of
 * a hash collision, which only costs a wait).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { QuarantineReason } from '../../bots/form-token.ts';
import type { NewDigestEntry, NewLetter } from '../../letters/letters-for-signature.ts';
import type { SignaturePayload } from '../../signature-schema.ts';
import { normaliseEmail } from '../../signer-text.ts';
import type { InsertResult, SubmissionFormat } from '../sqlite-database.ts';
import { toQuarantined, type QuarantinedRow, type QuarantinedSignature, type QuarantineOutcome } from '../sqlite-quarantine.ts';
import { withRetries } from './pool.ts';
import { insertSignatureBatch } from './postgres-signatures.ts';
import type { RequestWrites } from './request-writes.ts';
import { lockSignatureIds } from './signature-id-lock.ts';

const ROW = 'id, campaign, reason, received_at, format, payload_json';

const SWEEP_EVERY_MS = 60_000;

/** The quarantine's queries on `pool` (migrated, step 3); token uses recorded by `writes`. */
export function createPostgresQuarantine(pool: pg.Pool, writes: RequestWrites) {
  let lastSweep = 0;
  // Tokens past every use are forgotten now and then, in the background, so the table stays small.
  const sweepTokens = (forgetBefore: number): void => {
    const now = Date.now();
    if (now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    pool.query('DELETE FROM form_token_uses WHERE used_at < $1', [forgetBefore]).catch(() => undefined);
  };

  return {
    /** Holds `payload` back; an id already stored (counted or held) stays as it is. */
    quarantine: (payload: SignaturePayload, format: SubmissionFormat, reason: QuarantineReason, receivedAt: Date): Promise<QuarantineOutcome> =>
      withRetries(pool, async (client) => {
        await lockSignatureIds(client, [payload.id]);
        const counted = await client.query('SELECT 1 FROM signatures WHERE id = $1', [payload.id]);
        if (counted.rows.length > 0) return 'duplicate-id';
        const added = await client.query(
          `INSERT INTO quarantined_signatures (id, campaign, email_normalised, reason, received_at, format, payload_json)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          [payload.id, payload.campaign, normaliseEmail(payload.signer.email), reason, receivedAt.toISOString(), format, JSON.stringify(payload)],
        );
        return added.rowCount === 1 ? 'quarantined' : 'duplicate-id';
      }),

    async get(id: string): Promise<QuarantinedSignature | undefined> {
      const { rows } = await pool.query<QuarantinedRow>(`SELECT ${ROW} FROM quarantined_signatures WHERE id = $1`, [id]);
      return rows[0] && toQuarantined(rows[0]);
    },
    async list(campaign: string, limit: number): Promise<QuarantinedSignature[]> {
      // Byte order, as SQLite compares these ISO times and ids.
      const { rows } = await pool.query<QuarantinedRow>(
        `SELECT ${ROW} FROM quarantined_signatures WHERE campaign = $1
         ORDER BY received_at COLLATE "C" DESC, id COLLATE "C" LIMIT $2`,
        [campaign, limit],
      );
      return rows.map(toQuarantined);
    },
    async count(campaign: string): Promise<number> {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM quarantined_signatures WHERE campaign = $1', [campaign]);
      return Number(rows[0]?.n ?? 0);
    },
    async remove(id: string): Promise<boolean> {
      return (await pool.query('DELETE FROM quarantined_signatures WHERE id = $1', [id])).rowCount === 1;
    },

    /**
     * The organiser's release, in one transaction: the held row goes, and the signature is stored
     * as if it had just arrived (at its first arrival time), with `letters`. Undefined when nothing
     * is held under `id` (released or deleted meanwhile, perhaps on another receiver).
     */
    release: (id: string, letters?: readonly NewLetter[], digestEntries?: readonly NewDigestEntry[]): Promise<InsertResult | undefined> =>
      withRetries(pool, async (client) => {
        await lockSignatureIds(client, [id]);
        const { rows } = await client.query<QuarantinedRow>(`DELETE FROM quarantined_signatures WHERE id = $1 RETURNING ${ROW}`, [id]);
        const row = rows[0];
        if (!row) return undefined;
        // The checks' fields stay with the quarantine: the counted row holds what the signer wrote.
        const { formToken: _token, honeypot: _honeypot, pow: _pow, ...payload } = JSON.parse(row.payload_json) as SignaturePayload;
        const [result] = await insertSignatureBatch(client, [{ payload, format: row.format, receivedAt: new Date(row.received_at), letters, digestEntries }]);
        return result;
      }),

    /** Records that `signatureId` used the token `nonce`; returns the id that used it first. */
    recordTokenUse: (nonce: string, signatureId: string, now: number, forgetBefore: number): Promise<string> => {
      sweepTokens(forgetBefore);
      return writes.use(nonce, signatureId, now);
    },

    /** The secret called `name`, generated and stored at its first use by any receiver. */
    async secret(name: string): Promise<string> {
      const read = async () => (await pool.query<{ value: string }>('SELECT value FROM receiver_secrets WHERE name = $1', [name])).rows[0]?.value;
      const stored = await read();
      if (stored !== undefined) return stored;
      // Receivers starting together: one INSERT wins, the others wait for it and keep its value.
      await pool.query('INSERT INTO receiver_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, randomBytes(32).toString('base64url')]);
      return (await read())!;
    },
  };
}
