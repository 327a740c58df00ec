/**
 * The embedded default store: SQLite through better-sqlite3 (sqlite-database.ts), with group
 * commit in front of the inserts, the campaigns table and the letter queue on the same
 * connection, behind the promise-based Store interface.
 */
import { createSqliteOrganisers } from '../accounts/sqlite-organisers.ts';
import type { LetterStatus } from '../letters/letter-types.ts';
import { createSqliteLetterQueue } from '../letters/sqlite-letter-queue.ts';
import { createGroupCommitWriter } from './group-commit.ts';
import { openDatabase, type OpenOptions } from './sqlite-database.ts';
import { createSqliteOverview } from './sqlite-overview.ts';
import { createSqliteErasure } from './sqlite-erasure.ts';
import { createSqliteQuarantine } from './sqlite-quarantine.ts';
import type { Store } from './store.ts';
import { campaignSummaries, listLimit, toCampaign, toDigestSummary, toLetterSummary, toTargetDigestStatus, toTargetLetterStatus, type CampaignRow } from './store-rows.ts';

/** Opens (creating and migrating as needed) the SQLite store at `path`. */
export function openSqliteStore(path: string, options: OpenOptions = {}): Store {
  const database = openDatabase(path, options);
  const { db } = database;
  const writer = createGroupCommitWriter(database);
  const queue = createSqliteLetterQueue(db);
  const quarantine = createSqliteQuarantine(db);

  const getCampaign = db.prepare<[string], CampaignRow>('SELECT * FROM campaigns WHERE id = ?');
  const allCampaigns = db.prepare<[], CampaignRow & { count: number | null }>(
    `SELECT c.*, k.count FROM campaigns c LEFT JOIN campaign_counts k ON k.campaign = c.id ORDER BY c.created_at, c.id`,
  );
  const letterCounts = db.prepare<[], { campaign: string; status: LetterStatus; n: number }>(
    'SELECT campaign, status, count(*) AS n FROM letters GROUP BY campaign, status',
  );
  const upsertCampaign = db.prepare<{ id: string; status: string; document: string; delivery: string; now: string }>(
    `INSERT INTO campaigns (id, status, document_json, delivery_json, created_at, updated_at)
     VALUES (@id, @status, @document, @delivery, @now, @now)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, document_json = excluded.document_json,
       delivery_json = excluded.delivery_json, updated_at = excluded.updated_at`,
  );
  const setPaused = db.prepare<[number, string, string]>('UPDATE campaigns SET sending_paused = ?, updated_at = ? WHERE id = ?');
  const putCampaign = db.transaction((id: string, params: Parameters<typeof upsertCampaign.run>[0]) => {
    const existed = getCampaign.get(id) !== undefined;
    upsertCampaign.run(params);
    return existed ? ('updated' as const) : ('created' as const);
  });

  return {
    path: database.path,
    letters: queue,
    organisers: createSqliteOrganisers(db),
    overview: createSqliteOverview(db),
    erasure: createSqliteErasure(db),
    insertSignature: (payload, format, letters, digestEntries) => writer.insert(payload, format, letters, digestEntries),
    countSignatures: async (campaign) => database.countSignatures(campaign),
    listSignatures: async (campaign, page) => database.listSignatures(campaign, page),

    async getCampaign(id) {
      const row = getCampaign.get(id);
      return row && toCampaign(row);
    },
    async listCampaigns() {
      return campaignSummaries(allCampaigns.all(), letterCounts.all());
    },
    async putCampaign(id, input, now = new Date()) {
      return putCampaign.immediate(id, {
        id,
        status: input.status,
        document: JSON.stringify(input.document),
        delivery: JSON.stringify(input.delivery),
        now: now.toISOString(),
      });
    },
    async setSendingPaused(id, paused) {
      return setPaused.run(paused ? 1 : 0, new Date().toISOString(), id).changes === 1;
    },
    letterStatusByTarget: async (campaign) => queue.letterStatusCounts(campaign).map(toTargetLetterStatus),
    listLetters: async (campaign, { status, limit = 100 } = {}) => queue.listLetters(campaign, status, listLimit(limit)).map(toLetterSummary),
    resendLetter: async (letterId) => queue.resendLetter(letterId),
    digestStatusByTarget: async (campaign) => queue.digestStatusCounts(campaign).map(toTargetDigestStatus),
    listDigests: async (campaign, { limit = 100 } = {}) => queue.listDigests(campaign, listLimit(limit)).map(toDigestSummary),
    sendDigestNow: async (campaign, now) => queue.closeDigestNow(campaign, now),
    resendDigest: async (digestId) => queue.resendDigest(digestId),
    async quarantineSignature(payload, format, reason) {
      // Pending group-commit inserts first, so a held retry of a signature just accepted sees it.
      writer.flush();
      const outcome = quarantine.quarantine(payload, format, reason, new Date());
      return { outcome, count: database.countSignatures(payload.campaign) };
    },
    listQuarantined: async (campaign, { limit = 100 } = {}) => quarantine.list(campaign, Math.min(Math.max(1, Math.floor(limit)), 1000)),
    countQuarantined: async (campaign) => quarantine.count(campaign),
    getQuarantined: async (id) => quarantine.get(id),
    async releaseQuarantined(id, letters, digestEntries) {
      writer.flush();
      return database.releaseQuarantined(id, letters, digestEntries);
    },
    deleteQuarantined: async (id) => quarantine.remove(id),
    recordFormTokenUse: async (nonce, signatureId, now, forgetBefore) => quarantine.recordTokenUse(nonce, signatureId, now, forgetBefore),
    receiverSecret: async (name) => quarantine.secret(name),
    confirmationView: async (tokenHash, now) => queue.confirmationView(tokenHash, now),
    confirmSignature: async (tokenHash, now) => queue.confirmSignature(tokenHash, now),
    confirmationCounts: async (campaign) => queue.confirmationCounts(campaign),
    async close() {
      writer.flush();
      database.close();
    },
  };
}
