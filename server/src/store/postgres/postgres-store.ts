/**
 * The PostgreSQL store (DATABASE_URL): the receiver's Store on a pool of connections, for
 * several receivers sharing one database. Migrated on open (migrations.ts).
 *
 * Parts: signatures (batched, idempotent, de-duplicated by the database, O(1) counts), the
 * export's listing, campaigns, the letter queue (letters, digests, confirmation emails, receipts;
 * postgres-letter-queue.ts), organiser accounts, sessions, audit log and login limits
 * (postgres-organisers.ts), the HTTP rate limits' shared counters (postgres-rate-limits.ts), the
 * console's overview (postgres-overview.ts), erasure (postgres-erasure.ts) and the bot checks'
 * quarantine, used form tokens and secrets (postgres-quarantine.ts). openStore refuses
 * DATABASE_URL while MISSING_PARTS is not empty, so no receiver runs on a store that lacks a part.
 */
import type pg from 'pg';
import type { LetterStatus } from '../../letters/letter-types.ts';
import type { Store } from '../store.ts';
import { campaignSummaries, listLimit, toCampaign, toDigestSummary, toLetterSummary, toTargetDigestStatus, toTargetLetterStatus, type CampaignRow } from '../store-rows.ts';
import { createBatchWriter } from './batch-writer.ts';
import { createPgLetterQueue } from './postgres-letter-queue.ts';
import { migratePostgres } from './migrations.ts';
import { createPool, type PoolOptions } from './pool.ts';
import { countSignatures, listSignatures } from './postgres-signatures.ts';
import { createPostgresErasure } from './postgres-erasure.ts';
import { createPostgresOrganisers } from './postgres-organisers.ts';
import { createPostgresOverview } from './postgres-overview.ts';
import { createPostgresQuarantine } from './postgres-quarantine.ts';
import { createPostgresRateLimits } from './postgres-rate-limits.ts';
import { createRequestWrites } from './request-writes.ts';

/** The Store parts the PostgreSQL store does not implement yet; empty once it is complete. */
export const MISSING_PARTS: readonly string[] = [];

/** Thrown by a Store method the PostgreSQL store does not have yet. */
export class PostgresPartMissing extends Error {
  constructor(part: string) {
    super(`the PostgreSQL store does not implement ${part} yet`);
    this.name = 'PostgresPartMissing';
  }
}

/** How openPostgresStore connects. */
export interface PostgresStoreOptions extends PoolOptions {
  /** Signature batches committed at once per receiver; default 1 (batch-writer.ts says why). */
  maxInFlight?: number;
}

/** A PostgreSQL Store with its pool, for tests that look at the database directly. */
export interface PostgresStore extends Store {
  readonly pool: pg.Pool;
}

/** Opens the store on `url`, migrating the database first; rejects if it cannot connect or migrate. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const pool = createPool(url, options);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const writer = createBatchWriter(pool, { maxInFlight: options.maxInFlight });
  const where = new URL(url);
  const mail = createPgLetterQueue(pool);
  // Rate-limit counts and token uses: one statement per event-loop turn for both.
  const writes = createRequestWrites(pool);
  const quarantine = createPostgresQuarantine(pool, writes);
  let closed = false;

  return {
    pool,
    // Never the password: the start-up line shows where the data lives, not how to get in.
    path: `postgres://${where.host}${where.pathname}`,
    insertSignature: (payload, format, letters, digestEntries) => writer.insert(payload, format, letters, digestEntries),
    countSignatures: (campaign) => countSignatures(pool, campaign),
    listSignatures: (campaign, page) => listSignatures(pool, campaign, page),

    async getCampaign(id) {
      const { rows } = await pool.query<CampaignRow>('SELECT * FROM campaigns WHERE id = $1', [id]);
      return rows[0] && toCampaign(rows[0]);
    },
    async listCampaigns() {
      const counts = await pool.query<{ campaign: string; status: LetterStatus; n: number }>(
        'SELECT campaign, status, count(*)::bigint AS n FROM letters GROUP BY campaign, status',
      );
      const { rows } = await pool.query<CampaignRow & { count: number | null }>(
        'SELECT c.*, k.count FROM campaigns c LEFT JOIN campaign_counts k ON k.campaign = c.id ORDER BY c.created_at COLLATE "C", c.id COLLATE "C"',
      );
      return campaignSummaries(rows, counts.rows);
    },
    async putCampaign(id, input, now = new Date()) {
      // xmax = 0 on the returned row: it was inserted, not updated (one statement, no race).
      const { rows } = await pool.query<{ inserted: boolean }>(
        `INSERT INTO campaigns (id, status, document_json, delivery_json, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, document_json = excluded.document_json,
           delivery_json = excluded.delivery_json, updated_at = excluded.updated_at
         RETURNING (xmax = 0) AS inserted`,
        [id, input.status, JSON.stringify(input.document), JSON.stringify(input.delivery), now.toISOString()],
      );
      return rows[0]?.inserted ? 'created' : 'updated';
    },
    async setSendingPaused(id, paused) {
      const result = await pool.query('UPDATE campaigns SET sending_paused = $1, updated_at = $2 WHERE id = $3', [paused ? 1 : 0, new Date().toISOString(), id]);
      return result.rowCount === 1;
    },

    letters: mail.queue,
    letterStatusByTarget: async (campaign) => (await mail.letters.statusCounts(campaign)).map(toTargetLetterStatus),
    listLetters: async (campaign, { status, limit = 100 } = {}) => (await mail.letters.list(campaign, status, listLimit(limit))).map(toLetterSummary),
    resendLetter: (letterId) => mail.letters.resendLetter(letterId),
    digestStatusByTarget: async (campaign) => (await mail.digests.digestStatusCounts(campaign)).map(toTargetDigestStatus),
    listDigests: async (campaign, { limit = 100 } = {}) => (await mail.digests.listDigests(campaign, listLimit(limit))).map(toDigestSummary),
    sendDigestNow: (campaign, now = Date.now()) => mail.digests.closeNow(campaign, now),
    resendDigest: (digestId) => mail.digests.resendDigest(digestId, Date.now()),
    confirmationView: (tokenHash, now) => mail.confirmations.view(tokenHash, now),
    confirmSignature: (tokenHash, now) => mail.confirmations.confirm(tokenHash, now),
    confirmationCounts: (campaign) => mail.confirmations.counts(campaign),

    async quarantineSignature(payload, format, reason) {
      // This receiver's signatures still in the batch first, so a held retry of one just accepted sees it.
      await writer.settled();
      const outcome = await quarantine.quarantine(payload, format, reason, new Date());
      return { outcome, count: await countSignatures(pool, payload.campaign) };
    },
    listQuarantined: (campaign, { limit = 100 } = {}) => quarantine.list(campaign, Math.min(Math.max(1, Math.floor(limit)), 1000)),
    countQuarantined: (campaign) => quarantine.count(campaign),
    getQuarantined: (id) => quarantine.get(id),
    async releaseQuarantined(id, letters, digestEntries) {
      await writer.settled();
      return quarantine.release(id, letters, digestEntries);
    },
    deleteQuarantined: (id) => quarantine.remove(id),
    recordFormTokenUse: (nonce, signatureId, now, forgetBefore) => quarantine.recordTokenUse(nonce, signatureId, now, forgetBefore),
    receiverSecret: (name) => quarantine.secret(name),

    organisers: createPostgresOrganisers(pool),
    erasure: createPostgresErasure(pool),
    overview: createPostgresOverview(pool),
    rateLimits: createPostgresRateLimits(pool, writes),

    async close() {
      if (closed) return;
      closed = true;
      await writer.drain();
      await pool.end();
    },
  };
}
