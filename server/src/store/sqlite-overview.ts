/**
 * The console's overview queries (overview-queries.ts) on the receiver's SQLite connection.
 *
 * Every query reads an index alone, never the rows (a signature's row holds its letter, a few KiB;
 * reading 90 000 of them for a year's breakdowns took a second, the index 0.2 s):
 * - `signatures_by_received` (campaign, received_at, then the breakdowns' columns): the days, the
 *   count before the range and the four breakdowns, each a range scan of the index;
 * - `signatures_consenting`, partial: the consenting signers of the campaigns list;
 * - `letters_by_campaign` (campaign, target_email, status, from migration 4): the letters per
 *   target; `letters_last_answer` finds the last answer to each target (one row per target read,
 *   and one more for the name its letters were recorded with).
 * The three new ones come with migration 10 (OVERVIEW_INDEXES).
 */
import type Database from 'better-sqlite3';
import type { LetterStatus } from '../letters/letter-types.ts';
import type { CampaignStats, KeyCount, OverviewQueries, ReceivedRange, SignatureOverview, TargetLetterTally } from './overview-queries.ts';
import { NO_CHANNEL } from './overview-queries.ts';

/** Migration SQL (step 10): the indexes the overview and the campaigns list read. */
export const OVERVIEW_INDEXES = `
  CREATE INDEX signatures_by_received ON signatures (campaign, received_at, utm_medium, utm_source, locale, country, source_url);
  CREATE INDEX signatures_consenting ON signatures (campaign) WHERE consent_updates = 1;
  CREATE INDEX letters_last_answer ON letters (campaign, target_email, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
`;

const IN_RANGE = 'campaign = @campaign AND received_at >= @from AND received_at < @until';

/** A breakdown's query: signatures in the range by `key` (NULL and '' one key, ''), most first. */
const breakdown = (key: string) =>
  `SELECT ${key} AS key, count(*) AS count FROM signatures WHERE ${IN_RANGE} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT @limit`;

/** The reading statements, named (a test checks that each one's plan reads an index alone). */
export const OVERVIEW_SQL = {
  stats: `SELECT c.id AS campaign, json_extract(c.document_json, '$.goal') AS goal,
       (SELECT count(*) FROM signatures s WHERE s.campaign = c.id AND s.consent_updates = 1) AS consenting,
       (SELECT max(s.received_at) FROM signatures s WHERE s.campaign = c.id) AS last
     FROM campaigns c ORDER BY c.created_at, c.id`,
  before: 'SELECT count(*) AS n FROM signatures WHERE campaign = @campaign AND received_at < @from',
  days: `SELECT substr(received_at, 1, 10) AS date, count(*) AS added FROM signatures WHERE ${IN_RANGE} GROUP BY date ORDER BY date`,
  // Only a share names its channel: a utm_source from a newsletter's link is not a share.
  channels: breakdown(`CASE WHEN utm_medium = 'share' AND COALESCE(utm_source, '') <> '' THEN utm_source ELSE '${NO_CHANNEL}' END`),
  languages: breakdown(`COALESCE(locale, '')`),
  countries: breakdown(`COALESCE(country, '')`),
  pages: breakdown(`COALESCE(source_url, '')`),
  letterCounts: 'SELECT target_email, status, count(*) AS n FROM letters WHERE campaign = @campaign GROUP BY target_email, status',
  targetName: 'SELECT target_name FROM letters WHERE campaign = @campaign AND target_email = @email LIMIT 1',
  lastAnswer: `SELECT last_response, last_attempt_at FROM letters
     WHERE campaign = @campaign AND target_email = @email AND last_attempt_at IS NOT NULL ORDER BY last_attempt_at DESC LIMIT 1`,
} as const;

type RangeParams = { campaign: string; from: string; until: string };
type Breakdown = Database.Statement<RangeParams & { limit: number }, KeyCount>;

/** The overview queries on an open, migrated handle. */
export function createSqliteOverview(db: Database.Database): OverviewQueries {
  const stats = db.prepare<[], { campaign: string; goal: unknown; consenting: number; last: string | null }>(OVERVIEW_SQL.stats);
  const count = db.prepare<[string], { count: number }>('SELECT count FROM campaign_counts WHERE campaign = ?');
  const before = db.prepare<{ campaign: string; from: string }, { n: number }>(OVERVIEW_SQL.before);
  const days = db.prepare<RangeParams, { date: string; added: number }>(OVERVIEW_SQL.days);
  const channels: Breakdown = db.prepare(OVERVIEW_SQL.channels);
  const languages: Breakdown = db.prepare(OVERVIEW_SQL.languages);
  const countries: Breakdown = db.prepare(OVERVIEW_SQL.countries);
  const pages: Breakdown = db.prepare(OVERVIEW_SQL.pages);
  const letterCounts = db.prepare<{ campaign: string }, { target_email: string; status: LetterStatus; n: number }>(OVERVIEW_SQL.letterCounts);
  const targetName = db.prepare<{ campaign: string; email: string }, { target_name: string }>(OVERVIEW_SQL.targetName);
  const lastAnswer = db.prepare<{ campaign: string; email: string }, { last_response: string | null; last_attempt_at: number }>(OVERVIEW_SQL.lastAnswer);
  // The admin API's resend (sqlite-letters.ts), for all of a campaign's unknown letters at once.
  const resendUnknown = db.prepare<[number, string]>(
    `UPDATE letters SET status = 'queued', next_attempt_at = ?, first_attempt_at = NULL, lease_until = NULL
     WHERE campaign = ? AND status = 'unknown'`,
  );

  // One read transaction: a snapshot, so the days, the breakdowns and the count agree even while
  // another process writes (this connection's own writes cannot interleave: the calls are synchronous).
  const overview = db.transaction((campaign: string, range: ReceivedRange, topPages: number): SignatureOverview => {
    const params = { campaign, from: range.from, until: range.until };
    const all = { ...params, limit: -1 };
    return {
      count: count.get(campaign)?.count ?? 0,
      before: before.get({ campaign, from: range.from })?.n ?? 0,
      days: days.all(params),
      channels: channels.all(all),
      languages: languages.all(all),
      countries: countries.all(all),
      pages: pages.all({ ...params, limit: topPages }),
    };
  });

  const targets = db.transaction((campaign: string): TargetLetterTally[] => {
    const byEmail = new Map<string, TargetLetterTally>();
    for (const { target_email: email, status, n } of letterCounts.all({ campaign })) {
      let tally = byEmail.get(email);
      if (!tally) {
        const last = lastAnswer.get({ campaign, email });
        tally = {
          email,
          name: targetName.get({ campaign, email })?.target_name ?? email,
          counts: {},
          lastResponse: last?.last_response ?? null,
          lastAttemptAt: last?.last_attempt_at ?? null,
        };
        byEmail.set(email, tally);
      }
      tally.counts[status] = n;
    }
    return [...byEmail.values()];
  });

  return {
    async campaignStats() {
      return stats.all().map((row): CampaignStats => ({
        campaign: row.campaign,
        goal: typeof row.goal === 'number' && Number.isSafeInteger(row.goal) ? row.goal : null,
        consenting: row.consenting,
        lastSignatureAt: row.last,
      }));
    },
    async signatureOverview(campaign, range, topPages) {
      return overview.deferred(campaign, range, topPages);
    },
    async targetLetters(campaign) {
      return targets.deferred(campaign);
    },
    async resendUnknownLetters(campaign, now) {
      return resendUnknown.run(now, campaign).changes;
    },
  };
}
