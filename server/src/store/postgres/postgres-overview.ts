/**
 * The console's overview queries (overview-queries.ts) on PostgreSQL, with the same answers as
 * store/sqlite-overview.ts.
 *
 * - A campaign's overview and its letters per target are each read in one REPEATABLE READ, READ
 *   ONLY transaction: one snapshot, so the days, the breakdowns and the count agree while other
 *   receivers write.
 * - Ties in the breakdowns, and the campaigns' order, are broken in byte order (COLLATE "C"), the
 *   order SQLite's BINARY collation gives, whatever collation the database was created with.
 * - The indexes read: `signatures_by_received` (campaign, received_at) for the range, the days and
 *   the count before it; `signatures_consenting` (partial); `letters_by_campaign` for the counts
 *   per target and `letters_last_answer` for each target's last answer (one row per target).
 *   Unlike SQLite's, the first is not covering (a btree entry is capped near 2.7 kB and a page
 *   address alone may take 2 kB), so the breakdowns read the range's rows.
 */
import type pg from 'pg';
import type { LetterStatus } from '../../letters/letter-types.ts';
import type { CampaignStats, KeyCount, OverviewQueries, SignatureOverview, TargetLetterTally } from '../overview-queries.ts';
import { NO_CHANNEL } from '../overview-queries.ts';
import { inTransaction } from './pool.ts';

const IN_RANGE = 'campaign = $1 AND received_at >= $2 AND received_at < $3';

/** A breakdown: signatures in the range by `key` (NULL and '' one key, ''), most first; $4 = how many (NULL: all). */
const breakdown = (key: string) =>
  `SELECT (${key}) COLLATE "C" AS key, count(*) AS count FROM signatures WHERE ${IN_RANGE} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $4`;

/** The statements, named as SQLite's are. */
export const POSTGRES_OVERVIEW_SQL = {
  // The goal only when the document holds a number there (SQLite: json_extract, then the same check in JS).
  stats: `SELECT c.id AS campaign,
       CASE WHEN jsonb_typeof(c.document_json::jsonb -> 'goal') = 'number' THEN c.document_json::jsonb ->> 'goal' END AS goal,
       (SELECT count(*) FROM signatures s WHERE s.campaign = c.id AND s.consent_updates = 1) AS consenting,
       (SELECT max(s.received_at) FROM signatures s WHERE s.campaign = c.id) AS last
     FROM campaigns c ORDER BY c.created_at COLLATE "C", c.id COLLATE "C"`,
  count: 'SELECT count FROM campaign_counts WHERE campaign = $1',
  before: 'SELECT count(*) AS n FROM signatures WHERE campaign = $1 AND received_at < $2',
  days: `SELECT substr(received_at, 1, 10) AS date, count(*) AS added FROM signatures WHERE ${IN_RANGE} GROUP BY 1 ORDER BY 1`,
  // Only a share names its channel: a utm_source from a newsletter's link is not a share.
  channels: breakdown(`CASE WHEN utm_medium = 'share' AND COALESCE(utm_source, '') <> '' THEN utm_source ELSE '${NO_CHANNEL}' END`),
  languages: breakdown(`COALESCE(locale, '')`),
  countries: breakdown(`COALESCE(country, '')`),
  pages: breakdown(`COALESCE(source_url, '')`),
  // In SQLite's order (its GROUP BY walks letters_by_campaign): by address, then status, in bytes.
  letterCounts: `SELECT target_email, status, count(*) AS n FROM letters WHERE campaign = $1
     GROUP BY target_email, status ORDER BY target_email COLLATE "C", status COLLATE "C"`,
  // Per target address of the campaign: a name its letters were recorded with, and the last answer.
  targets: `SELECT t.email,
       (SELECT l.target_name FROM letters l WHERE l.campaign = $1 AND l.target_email = t.email LIMIT 1) AS name,
       last.last_response, last.last_attempt_at
     FROM unnest($2::text[]) AS t (email)
     LEFT JOIN LATERAL (
       SELECT l.last_response, l.last_attempt_at FROM letters l
       WHERE l.campaign = $1 AND l.target_email = t.email AND l.last_attempt_at IS NOT NULL
       ORDER BY l.last_attempt_at DESC LIMIT 1
     ) last ON true`,
  // The admin API's resend, for all of a campaign's unknown letters at once.
  resendUnknown: `UPDATE letters SET status = 'queued', next_attempt_at = $1, first_attempt_at = NULL, lease_until = NULL
     WHERE campaign = $2 AND status = 'unknown'`,
} as const;

/** Runs `work` in one read-only snapshot. */
const inSnapshot = <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
  inTransaction(pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return work(client);
  });

/** The overview queries on `pool` (migrated). */
export function createPostgresOverview(pool: pg.Pool): OverviewQueries {
  return {
    async campaignStats() {
      const { rows } = await pool.query<{ campaign: string; goal: string | null; consenting: number; last: string | null }>(POSTGRES_OVERVIEW_SQL.stats);
      return rows.map((row): CampaignStats => {
        const goal = row.goal === null ? NaN : Number(row.goal);
        return { campaign: row.campaign, goal: Number.isSafeInteger(goal) ? goal : null, consenting: row.consenting, lastSignatureAt: row.last };
      });
    },

    async signatureOverview(campaign, range, topPages): Promise<SignatureOverview> {
      return inSnapshot(pool, async (client) => {
        const params = [campaign, range.from, range.until];
        const keyed = async (sql: string, limit: number | null) => (await client.query<KeyCount>(sql, [...params, limit])).rows;
        // One after another: a client runs one query at a time anyway.
        const count = (await client.query<{ count: number }>(POSTGRES_OVERVIEW_SQL.count, [campaign])).rows[0]?.count ?? 0;
        const before = (await client.query<{ n: number }>(POSTGRES_OVERVIEW_SQL.before, [campaign, range.from])).rows[0]?.n ?? 0;
        const days = (await client.query<{ date: string; added: number }>(POSTGRES_OVERVIEW_SQL.days, params)).rows;
        return {
          count,
          before,
          days,
          channels: await keyed(POSTGRES_OVERVIEW_SQL.channels, null),
          languages: await keyed(POSTGRES_OVERVIEW_SQL.languages, null),
          countries: await keyed(POSTGRES_OVERVIEW_SQL.countries, null),
          pages: await keyed(POSTGRES_OVERVIEW_SQL.pages, topPages),
        };
      });
    },

    async targetLetters(campaign) {
      return inSnapshot(pool, async (client) => {
        const counts = (await client.query<{ target_email: string; status: LetterStatus; n: number }>(POSTGRES_OVERVIEW_SQL.letterCounts, [campaign])).rows;
        const byEmail = new Map<string, TargetLetterTally>();
        for (const { target_email: email } of counts) {
          if (!byEmail.has(email)) byEmail.set(email, { email, name: email, counts: {}, lastResponse: null, lastAttemptAt: null });
        }
        if (byEmail.size === 0) return [];
        const targets = await client.query<{ email: string; name: string | null; last_response: string | null; last_attempt_at: number | null }>(
          POSTGRES_OVERVIEW_SQL.targets,
          [campaign, [...byEmail.keys()]],
        );
        for (const row of targets.rows) {
          const tally = byEmail.get(row.email)!;
          tally.name = row.name ?? row.email;
          tally.lastResponse = row.last_response;
          tally.lastAttemptAt = row.last_attempt_at;
        }
        for (const { target_email: email, status, n } of counts) byEmail.get(email)!.counts[status] = n;
        return [...byEmail.values()];
      });
    },

    async resendUnknownLetters(campaign, now) {
      return (await pool.query(POSTGRES_OVERVIEW_SQL.resendUnknown, [now, campaign])).rowCount ?? 0;
    },
  };
}
