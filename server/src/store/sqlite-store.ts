/**
 * The embedded default store: SQLite through better-sqlite3 (sqlite-database.ts), with group
 * commit in front of the inserts, the campaigns table and the letter queue on the same
 * connection, behind the promise-based Store interface.
 */
import { createSqliteOrganisers } from '../accounts/sqlite-organisers.ts';
import { parseDeliverySettings } from '../letters/delivery-settings.ts';
import { LETTER_STATUSES, type LetterStatus } from '../letters/letter-types.ts';
import { createSqliteLetterQueue } from '../letters/sqlite-letter-queue.ts';
import { parseCampaignStatus } from '../campaigns/campaign-input.ts';
import { createGroupCommitWriter } from './group-commit.ts';
import { openDatabase, type OpenOptions } from './sqlite-database.ts';
import { createSqliteOverview } from './sqlite-overview.ts';
import { createSqliteErasure } from './sqlite-erasure.ts';
import { createSqliteQuarantine } from './sqlite-quarantine.ts';
import type { CampaignSummary, Store, StoredCampaign } from './store.ts';

interface CampaignRow {
  id: string;
  status: string;
  document_json: string;
  delivery_json: string;
  sending_paused: number;
  created_at: string;
  updated_at: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Zero for every status, so the admin API always shows the same keys. */
function emptyCounts(): Record<LetterStatus, number> {
  return Object.fromEntries(LETTER_STATUSES.map((status) => [status, 0])) as Record<LetterStatus, number>;
}

function toCampaign(row: CampaignRow): StoredCampaign {
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
      const letters = new Map<string, Record<LetterStatus, number>>();
      for (const { campaign, status, n } of letterCounts.all()) {
        const counts = letters.get(campaign) ?? emptyCounts();
        counts[status] = n;
        letters.set(campaign, counts);
      }
      return allCampaigns.all().map((row): CampaignSummary => {
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
    async letterStatusByTarget(campaign) {
      return queue.letterStatusCounts(campaign).map(({ target, lastResponse, lastAttemptAt, lastSentAt, ...counts }) => ({
        target,
        counts: { ...emptyCounts(), ...counts },
        lastResponse,
        lastAttemptAt: iso(lastAttemptAt),
        lastSentAt: iso(lastSentAt),
      }));
    },
    async listLetters(campaign, { status, limit = 100 } = {}) {
      return queue.listLetters(campaign, status, Math.min(Math.max(1, Math.floor(limit)), 1000)).map((row) => ({
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
      }));
    },
    resendLetter: async (letterId) => queue.resendLetter(letterId),
    async digestStatusByTarget(campaign) {
      return queue.digestStatusCounts(campaign).map((entry) => ({
        ...entry,
        lastAttemptAt: iso(entry.lastAttemptAt),
        lastSentAt: iso(entry.lastSentAt),
      }));
    },
    async listDigests(campaign, { limit = 100 } = {}) {
      return queue.listDigests(campaign, Math.min(Math.max(1, Math.floor(limit)), 1000)).map((row) => ({
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
