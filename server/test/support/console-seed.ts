/**
 * A campaign with a history, for tests of the console's overview (and its browser tests): a few
 * hundred signatures spread over the last 30 days across share channels, languages, countries
 * and embedding pages, and their letters in several statuses, in the receiver's real SQLite file.
 *
 * Why not through POST /api/signatures: the receiver stamps `received_at` itself when a signature
 * arrives (group-commit.ts: `receivedAt: new Date()`), and the overview dates signatures by that
 * stamp, not by the payload's `createdAt` (the signer's clock). So the signatures are inserted
 * through the store's own synchronous insert (sqlite-database.ts `insertSignatures`, which takes
 * `receivedAt`), on a second connection to the same file: the same columns, triggers, counts and
 * letters as the route writes, only the reception time chosen. The letters' outcomes are then
 * written as the letter worker records them (status, attempts, last attempt, last SMTP answer).
 * Works beside a running receiver (WAL: the receiver's connection sees each commit).
 *
 * Deterministic: the same `seed` gives the same signatures, relative to `now`.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { parseCampaignInput } from '../../src/campaigns/campaign-input.ts';
import type { LetterStatus } from '../../src/letters/letter-types.ts';
import { lettersForSignature } from '../../src/letters/letters-for-signature.ts';
import type { SignaturePayload } from '../../src/signature-schema.ts';
import { openDatabase, type SignatureInsert } from '../../src/store/sqlite-database.ts';
import type { Store } from '../../src/store/store.ts';
import { campaignBody, TARGETS } from './admin.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Where signers came from: `utm` as the page URL carried it, `channel` as the overview names it. */
export const CHANNELS = [
  { channel: 'facebook', utm: { source: 'facebook', medium: 'share', campaign: 'seed' } },
  { channel: 'whatsapp', utm: { source: 'whatsapp', medium: 'share', campaign: 'seed' } },
  { channel: 'telegram', utm: { source: 'telegram', medium: 'share', campaign: 'seed' } },
  { channel: 'x', utm: { source: 'x', medium: 'share' } },
  { channel: 'email', utm: { source: 'email', medium: 'share' } },
  // Not shares: a newsletter's own tags, a share link without its channel, no tags at all.
  { channel: '(none)', utm: { source: 'newsletter', medium: 'email' } },
  { channel: '(none)', utm: { medium: 'share' } },
  { channel: '(none)', utm: undefined },
] as const;
export const LANGUAGES = ['en', 'fr', 'kk', 'ru', 'ar'] as const;
/** '' for a signer who gave no country. */
export const COUNTRIES = ['KZ', 'FR', 'DE', 'US', ''] as const;
/** Three big embedding pages and a long tail of 25, so the top 20 cuts some off. */
export const PAGES = [
  'https://union.example/appeal', 'https://news.example/story', 'https://blog.example/post',
  ...Array.from({ length: 25 }, (_, index) => `https://site-${index + 1}.example/`),
] as const;
/** What becomes of the letters, in proportion; 'queued' letters stay as the route recorded them. `{target}`: the letter's target address. */
const OUTCOMES: readonly { status: LetterStatus; weight: number; answer: string | null }[] = [
  { status: 'sent', weight: 50, answer: '250 2.0.0 Ok: queued as 4F2A1B' },
  { status: 'queued', weight: 15, answer: null },
  { status: 'failed', weight: 15, answer: '550 5.1.1 <{target}>: Recipient address rejected' },
  { status: 'unknown', weight: 20, answer: 'connection closed after DATA: outcome unknown' },
];

export interface SeededSignature {
  id: string;
  receivedAt: string;
  channel: string;
  locale: string;
  country: string;
  page: string;
  consenting: boolean;
}

export interface SeededCampaign {
  campaign: string;
  /** In reception order. */
  signatures: SeededSignature[];
  letters: { id: string; status: LetterStatus; targetEmail: string }[];
}

export interface SeedOptions {
  /** Signatures in the last `days` days (today included); default 300. */
  signatures?: number;
  /** Default 30. */
  days?: number;
  /** Signatures received before that (35–50 days ago), for ranges and running totals; default 12. */
  older?: number;
  /** "Now" for the spread; default Date.now(). */
  now?: number;
  seed?: number;
}

/** A small deterministic generator (mulberry32), so a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates (or replaces) `id` in mode each with the two test TARGETS, goal 1000, checked as the admin API checks it. */
export async function putSeedCampaign(store: Pick<Store, 'putCampaign'>, id: string, extra: Record<string, unknown> = {}): Promise<void> {
  const parsed = parseCampaignInput(id, { ...campaignBody(id), ...extra });
  if (!parsed.ok) throw new Error(`seed campaign ${id}: ${JSON.stringify(parsed.errors)}`);
  await store.putCampaign(id, parsed.input);
}

/**
 * Seeds campaign `id` in the SQLite file at `databasePath` (the receiver's DATABASE_PATH) and
 * returns what it wrote. The campaign is created through `store` (the receiver's own) first.
 */
export async function seedConsoleCampaign(
  store: Pick<Store, 'putCampaign' | 'getCampaign'>,
  databasePath: string,
  id: string,
  options: SeedOptions = {},
): Promise<SeededCampaign> {
  const { signatures = 300, days = 30, older = 12, now = Date.now(), seed = 15 } = options;
  await putSeedCampaign(store, id);
  const campaign = await store.getCampaign(id);
  if (!campaign) throw new Error(`seed campaign ${id} was not stored`);
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const todayStart = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00.000Z`);

  // Reception times: `signatures` over the last `days` days (today's before `now`), `older` before.
  const times: number[] = [];
  for (let index = 0; index < signatures; index++) {
    const dayStart = todayStart - Math.floor(next() * days) * DAY_MS;
    const span = dayStart === todayStart ? Math.max(1, now - todayStart) : DAY_MS;
    times.push(dayStart + Math.floor(next() * span));
  }
  for (let index = 0; index < older; index++) times.push(todayStart - (35 + Math.floor(next() * 16)) * DAY_MS + Math.floor(next() * DAY_MS));
  times.sort((a, b) => a - b);

  const seeded: SeededCampaign = { campaign: id, signatures: [], letters: [] };
  const items: SignatureInsert[] = times.map((at, index) => {
    const { channel, utm } = pick(CHANNELS);
    const locale = pick(LANGUAGES);
    const country = pick(COUNTRIES);
    // The big pages take most signatures, the long tail one or two each.
    const page = next() < 0.7 ? PAGES[Math.floor(next() * 3)]! : pick(PAGES);
    const consenting = next() < 2 / 3;
    const payload = {
      id: randomUUID(),
      campaign: id,
      createdAt: new Date(at - 1000).toISOString(),
      locale,
      signer: { firstName: 'Seed', lastName: `Signer ${index + 1}`, email: `seed-${seed}-${index + 1}@example.org`, country },
      consent: { updates: consenting, text: 'Yes, keep me informed about this campaign.' },
      message: { subject: 'Free Erlan Baltabay', body: 'Dear Prosecutor General,\n\nRelease him.' },
      source: { url: page, referrer: '', ...(utm === undefined ? {} : { utm }) },
    } as SignaturePayload;
    const letters = lettersForSignature(payload, campaign, at);
    seeded.signatures.push({ id: payload.id, receivedAt: new Date(at).toISOString(), channel, locale, country, page, consenting });
    return { payload, format: 'json', receivedAt: new Date(at), letters };
  });

  const database = openDatabase(databasePath);
  try {
    const results = database.insertSignatures(items);
    if (results.some((result) => result.outcome !== 'created')) throw new Error('seed: a signature was not new');
    const record = database.db.prepare<[string, number, number | null, string | null, number | null, string]>(
      'UPDATE letters SET status = ?, attempts = ?, last_attempt_at = ?, last_response = ?, sent_at = ? WHERE id = ?',
    );
    const total = OUTCOMES.reduce((sum, outcome) => sum + outcome.weight, 0);
    database.db.transaction(() => {
      for (const item of items) {
        for (const letter of item.letters ?? []) {
          let roll = next() * total;
          const outcome = OUTCOMES.find((entry) => (roll -= entry.weight) < 0) ?? OUTCOMES[0]!;
          if (outcome.status !== 'queued') {
            const attemptAt = letter.createdAt + 60_000;
            record.run(outcome.status, 1, attemptAt, `${outcome.answer!.replace('{target}', letter.targetEmail)} (${letter.id.slice(0, 8)})`, outcome.status === 'sent' ? attemptAt : null, letter.id);
          }
          seeded.letters.push({ id: letter.id, status: outcome.status, targetEmail: letter.targetEmail });
        }
      }
    }).immediate();
  } finally {
    database.close();
  }
  return seeded;
}

export { TARGETS };

/** Key → count, most first, then by key, as the overview orders its breakdowns. */
export function tally(keys: readonly string[], limit = Infinity): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}

/** A day of `ms` as YYYY-MM-DD, UTC; `today()` the start of today, UTC (ms). */
export const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const today = () => Date.parse(`${day(Date.now())}T00:00:00.000Z`);

export interface SignatureRow {
  email: string;
  received_at: string;
  utm_source: string | null;
  utm_medium: string | null;
  locale: string | null;
  country: string | null;
  source_url: string | null;
  consent_updates: number | null;
}

/**
 * What the database holds, counted here independently of the receiver's queries: every row of the
 * campaign read plainly, the rules of the contract applied in JavaScript.
 */
export function overviewFromDatabase(db: Database.Database, campaign: string, from: string, to: string) {
  const rows = db.prepare<[string], SignatureRow>(
    'SELECT email, received_at, utm_source, utm_medium, locale, country, source_url, consent_updates FROM signatures WHERE campaign = ?',
  ).all(campaign);
  const inRange = rows.filter((row) => row.received_at.slice(0, 10) >= from && row.received_at.slice(0, 10) <= to);
  const dates: string[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += DAY_MS) dates.push(day(at));
  const days = dates.map((date) => ({
    date,
    added: rows.filter((row) => row.received_at.slice(0, 10) === date).length,
    total: rows.filter((row) => row.received_at.slice(0, 10) <= date).length,
  }));
  return {
    from,
    to,
    count: (db.prepare('SELECT count FROM campaign_counts WHERE campaign = ?').get(campaign) as { count: number }).count,
    rows: rows.length,
    inRange: inRange.length,
    days,
    channels: tally(inRange.map((row) => (row.utm_medium === 'share' && row.utm_source ? row.utm_source : '(none)'))),
    languages: tally(inRange.map((row) => row.locale ?? '')),
    countries: tally(inRange.map((row) => row.country ?? '')),
    pages: tally(inRange.map((row) => row.source_url ?? ''), 20),
    consenting: rows.filter((row) => row.consent_updates === 1).length,
    last: rows.map((row) => row.received_at).sort().at(-1) ?? null,
  };
}
