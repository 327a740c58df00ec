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
import { parseCampaignStatus } from '../../campaigns/campaign-input.ts';
import { parseDeliverySettings } from '../../letters/delivery-settings.ts';
import { LETTER_STATUSES, type LetterStatus } from '../../letters/letter-types.ts';
import type { CampaignSummary, Store, StoredCampaign } from '../store.ts';
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

/** The Store parts the PostgreSQL store does not implement yet; empty once it is complete. */
export const MISSING_PARTS: readonly string[] = [];

/** Thrown by a Store method the PostgreSQL store does not have yet. */
export class PostgresPartMissing extends Error {
  constructor(part: string) {
    super(`the PostgreSQL store does not implement ${part} yet`);
    this.name = 'PostgresPartMissing';
  }
}

interface CampaignRow {
  id: string;
  status: string;
  document_json: string;
  delivery_json: string;
  sending_paused: number;
  created_at: string;
  updated_at: string;
}

function toCampaign(row: CampaignRow): StoredCampaign {
  const delivery = parseDeliverySettings(JSON.parse(row.delivery_json));
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

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function emptyCounts(): Record<LetterStatus, number> {
  return Object.fromEntries(LETTER_STATUSES.map((status) => [status, 0])) as Record<LetterStatus, number>;
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
  const quarantine = createPostgresQuarantine(pool);
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
      const letters = new Map<string, Record<LetterStatus, number>>();
      const counts = await pool.query<{ campaign: string; status: LetterStatus; n: number }>(
        'SELECT campaign, status, count(*)::bigint AS n FROM letters GROUP BY campaign, status',
      );
      for (const { campaign, status, n } of counts.rows) {
        const entry = letters.get(campaign) ?? emptyCounts();
        entry[status] = n;
        letters.set(campaign, entry);
      }
      const { rows } = await pool.query<CampaignRow & { count: number | null }>(
        'SELECT c.*, k.count FROM campaigns c LEFT JOIN campaign_counts k ON k.campaign = c.id ORDER BY c.created_at COLLATE "C", c.id COLLATE "C"',
      );
      return rows.map((row): CampaignSummary => {
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
    async letterStatusByTarget(campaign) {
      return (await mail.letters.statusCounts(campaign)).map(({ target, lastResponse, lastAttemptAt, lastSentAt, ...counts }) => ({
        target,
        counts: { ...emptyCounts(), ...counts },
        lastResponse,
        lastAttemptAt: iso(lastAttemptAt),
        lastSentAt: iso(lastSentAt),
      }));
    },
    async listLetters(campaign, { status, limit = 100 } = {}) {
      return (await mail.letters.list(campaign, status, Math.min(Math.max(1, Math.floor(limit)), 1000))).map((row) => ({
        id: row.id,
        target: { name: row.target_name, email: row.target_email },
        status: row.status,
        attempts: row.attempts,
        lastResponse: row.last_response,
        createdAt: new Date(row.created_at).toISOString(),
        lastAttemptAt: iso(row.last_attempt_at),
        nextAttemptAt: row.status === 'queued' ? iso(row.next_attempt_at) : null,
        sentAt: iso(row.sent_at),
      }));
    },
    resendLetter: (letterId) => mail.letters.resendLetter(letterId),
    async digestStatusByTarget(campaign) {
      return (await mail.digests.digestStatusCounts(campaign)).map((entry) => ({
        ...entry,
        lastAttemptAt: iso(entry.lastAttemptAt),
        lastSentAt: iso(entry.lastSentAt),
      }));
    },
    async listDigests(campaign, { limit = 100 } = {}) {
      return (await mail.digests.listDigests(campaign, Math.min(Math.max(1, Math.floor(limit)), 1000))).map((row) => ({
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
      }));
    },
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
    rateLimits: createPostgresRateLimits(pool),

    async close() {
      if (closed) return;
      closed = true;
      await writer.drain();
      await pool.end();
    },
  };
}
