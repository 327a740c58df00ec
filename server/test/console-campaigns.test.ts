/**
 * The console's campaign data (SPEC §10, issue 15; shapes in routes/console/console-api.ts): the
 * campaigns list, a campaign's detail and edit, its overview, pause / resume and re-sending the
 * letters of unknown outcome. A real receiver on 127.0.0.1 with its real SQLite file, seeded with
 * a few hundred signatures over 30 days (support/console-seed.ts); every number the overview
 * gives is compared with what direct SQL on the same file counts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { CampaignDetail, CampaignList, Overview } from '../src/routes/console/console-api.ts';
import { MAX_RANGE_DAYS } from '../src/routes/console/date-range.ts';
import { OVERVIEW_SQL } from '../src/store/sqlite-overview.ts';
import { postJson, signature, startServer, type TestServer } from './helpers.ts';
import { campaignBody, TARGETS } from './support/admin.ts';
import { addOrganiser, cookiePair, login, ORGANISER, PASSWORD } from './support/console.ts';
import { DAY_MS, day, overviewFromDatabase, PAGES, putSeedCampaign, seedConsoleCampaign, today, type SeededCampaign } from './support/console-seed.ts';

const EVIL = 'http://evil.example';
const SEEDED = 'seeded';
const QUIET = 'quiet';

interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A console request: the session cookie, JSON, and the receiver's own Origin on changes unless `headers` says otherwise. */
async function send<T = any>(server: TestServer, method: string, path: string, cookie: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(cookie === undefined ? {} : { cookie }),
      ...(method === 'GET' ? {} : { origin: server.url }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as T };
}


/** The letters of `campaign` per target address and status, and each target's last answer, by direct SQL. */
function expectedLetters(db: Database.Database, campaign: string) {
  const counts = db.prepare<[string], { target_email: string; status: string; n: number }>(
    'SELECT target_email, status, count(*) AS n FROM letters WHERE campaign = ? GROUP BY 1, 2',
  ).all(campaign);
  const of = (email: string | undefined, ...statuses: string[]) =>
    counts.filter((row) => (email === undefined || row.target_email === email) && statuses.includes(row.status)).reduce((sum, row) => sum + row.n, 0);
  const letters = (email?: string) => ({
    sent: of(email, 'sent'), waiting: of(email, 'queued', 'sending'), failed: of(email, 'failed'), unknown: of(email, 'unknown'),
    awaitingConfirmation: of(email, 'awaiting-confirmation'),
  });
  const last = (email: string) => db.prepare<[string, string], { last_response: string; last_attempt_at: number }>(
    'SELECT last_response, last_attempt_at FROM letters WHERE campaign = ? AND target_email = ? AND last_attempt_at IS NOT NULL ORDER BY last_attempt_at DESC LIMIT 1',
  ).get(campaign, email);
  return { letters, last };
}

describe('the console campaigns API', () => {
  let server: TestServer;
  let db: Database.Database;
  let cookie: string;
  let seeded: SeededCampaign;

  before(async () => {
    server = await startServer({}, {}, []);
    await addOrganiser(server);
    const answer = await login(server.url, ORGANISER, PASSWORD);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    cookie = cookiePair(answer.setCookies);
    seeded = await seedConsoleCampaign(server.app.signatureStore, server.config.databasePath, SEEDED);
    // A campaign nobody signed yet, without a goal or letters.
    await server.app.signatureStore.putCampaign(QUIET, {
      document: { id: QUIET, texts: { fr: { title: 'Campagne tranquille' } } },
      status: 'open',
      delivery: { mode: 'off', targets: [], confirm: false, replyTo: 'none', test: false, hourlyCap: 30 },
    });
    db = new Database(server.config.databasePath, { readonly: true, fileMustExist: true });
  });
  after(async () => {
    db?.close();
    await server?.close();
  });

  test('the seed is what the brief asks: a few hundred signatures over 30 days, channels, languages, countries, letters in several statuses', () => {
    const inLast30 = seeded.signatures.filter((entry) => Date.parse(entry.receivedAt) >= today() - 29 * DAY_MS);
    assert.equal(inLast30.length, 300);
    assert.ok(new Set(inLast30.map((entry) => entry.receivedAt.slice(0, 10))).size >= 25, 'spread over the days');
    assert.ok(new Set(seeded.signatures.map((entry) => entry.channel)).size >= 6);
    assert.ok(new Set(seeded.signatures.map((entry) => entry.locale)).size >= 5);
    assert.ok(new Set(seeded.signatures.map((entry) => entry.country)).size >= 5);
    assert.ok(new Set(seeded.signatures.map((entry) => entry.page)).size > 20, 'more pages than the top 20');
    assert.deepEqual(new Set(seeded.letters.map((letter) => letter.status)), new Set(['sent', 'queued', 'failed', 'unknown']));
    const stored = db.prepare('SELECT count(*) AS n FROM signatures WHERE campaign = ?').get(SEEDED) as { n: number };
    assert.equal(stored.n, seeded.signatures.length);
  });

  describe('without a session, or from another origin', () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/console/campaigns'],
      ['GET', `/api/console/campaigns/${SEEDED}`],
      ['PUT', `/api/console/campaigns/${SEEDED}`, campaignBody(SEEDED)],
      ['GET', `/api/console/campaigns/${SEEDED}/overview`],
      ['GET', `/api/console/campaigns/${SEEDED}/overview?from=2026-01-01&to=2026-01-31`],
      ['POST', `/api/console/campaigns/${SEEDED}/pause`],
      ['POST', `/api/console/campaigns/${SEEDED}/resume`],
      ['POST', `/api/console/campaigns/${SEEDED}/letters/resend-unknown`],
    ];

    test('every route answers 401 without a session cookie, and with a forged one', async () => {
      for (const [method, path, body] of routes) {
        const none = await send(server, method, path, undefined, body);
        assert.equal(none.status, 401, `${method} ${path}`);
        assert.equal(none.body.error, 'not-logged-in', `${method} ${path}`);
        assert.equal(none.headers.get('cache-control'), 'no-store');
        const forged = await send(server, method, path, `appeal_session=${'A'.repeat(43)}`, body);
        assert.equal(forged.status, 401, `${method} ${path} forged`);
        assert.equal(forged.body.error, 'session-invalid');
      }
    });

    test('every change answers 403 from another origin, or with no origin at all, and changes nothing', async () => {
      const lettersBefore = db.prepare("SELECT status, count(*) AS n FROM letters WHERE campaign = ? GROUP BY 1 ORDER BY 1").all(SEEDED);
      const campaignBefore = db.prepare('SELECT * FROM campaigns WHERE id = ?').get(SEEDED);
      const closing = { ...campaignBody(SEEDED), status: 'closed' };
      for (const [method, path] of routes.filter(([method]) => method !== 'GET')) {
        const body = method === 'PUT' ? closing : undefined;
        const cross = await send(server, method, path, cookie, body, { origin: EVIL });
        assert.equal(cross.status, 403, `${method} ${path}`);
        assert.equal(cross.body.error, 'cross-origin');
        const bare = await fetch(`${server.url}${path}`, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
        assert.equal(bare.status, 403, `${method} ${path} without Origin`);
        await bare.arrayBuffer();
      }
      assert.deepEqual(db.prepare('SELECT * FROM campaigns WHERE id = ?').get(SEEDED), campaignBefore);
      assert.deepEqual(db.prepare("SELECT status, count(*) AS n FROM letters WHERE campaign = ? GROUP BY 1 ORDER BY 1").all(SEEDED), lettersBefore);
      // Reading from another origin is not a change: the session decides (and no CORS lets the page read it).
      const read = await send(server, 'GET', '/api/console/campaigns', cookie, undefined, { origin: EVIL });
      assert.equal(read.status, 200);
      assert.equal(read.headers.get('access-control-allow-origin'), null);
    });
  });

  test('the campaigns list: each row as the contract says, its numbers those of the database', async () => {
    const answer = await send<CampaignList>(server, 'GET', '/api/console/campaigns', cookie);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const ids = answer.body.campaigns.map((row) => row.id);
    assert.deepEqual(ids, [SEEDED, QUIET]);

    const row = answer.body.campaigns[0]!;
    const expected = overviewFromDatabase(db, SEEDED, day(today()), day(today()));
    const letters = expectedLetters(db, SEEDED).letters();
    assert.deepEqual(Object.keys(row).sort(), ['consentingShare', 'count', 'goal', 'goalReached', 'id', 'lastSignatureAt', 'letters', 'paused', 'status', 'title'].sort());
    assert.deepEqual(row, {
      id: SEEDED,
      title: 'Free Erlan Baltabay',
      status: 'open',
      paused: false,
      count: expected.count,
      goal: 1000,
      goalReached: false,
      consentingShare: expected.consenting / expected.count,
      lastSignatureAt: expected.last,
      letters,
    });
    assert.equal(expected.count, expected.rows, 'the trigger-kept count is the rows');
    assert.equal(row.count, seeded.signatures.length);
    assert.equal(row.letters.sent + row.letters.waiting + row.letters.failed + row.letters.unknown, seeded.letters.length);
    assert.ok(row.letters.unknown > 0 && row.letters.failed > 0 && row.letters.waiting > 0 && row.letters.sent > 0);

    // No signatures, no goal, no English title: the first language's title, zeros and nulls.
    assert.deepEqual(answer.body.campaigns[1], {
      id: QUIET, title: 'Campagne tranquille', status: 'open', paused: false, count: 0, goal: null, goalReached: false,
      consentingShare: 0, lastSignatureAt: null, letters: { sent: 0, waiting: 0, failed: 0, unknown: 0, awaitingConfirmation: 0 },
    });
  });

  test('a campaign\'s detail: the stored campaign in the shape PUT takes, its count, paused, the origins and this receiver\'s URL', async () => {
    const answer = await send<CampaignDetail>(server, 'GET', `/api/console/campaigns/${SEEDED}`, cookie);
    assert.equal(answer.status, 200);
    const stored = await server.app.signatureStore.getCampaign(SEEDED);
    assert.deepEqual(answer.body, {
      id: SEEDED,
      campaign: { document: stored!.document, status: 'open', delivery: stored!.delivery },
      count: seeded.signatures.length,
      paused: false,
      allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'],
      publicUrl: server.url,
    });
    // Sent back unchanged, it is accepted and changes nothing but the time of the change.
    const again = await send<CampaignDetail>(server, 'PUT', `/api/console/campaigns/${SEEDED}`, cookie, answer.body.campaign);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body, answer.body);

    const unknown = await send(server, 'GET', '/api/console/campaigns/no-such-campaign', cookie);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'unknown-campaign');
  });

  describe('the overview', () => {
    const check = (answer: Overview, from: string, to: string) => {
      const expected = overviewFromDatabase(db, SEEDED, from, to);
      assert.equal(answer.id, SEEDED);
      assert.equal(answer.from, from);
      assert.equal(answer.to, to);
      assert.equal(answer.goal, 1000);
      assert.equal(answer.count, expected.count);
      assert.equal(answer.inRange, expected.inRange);
      assert.deepEqual(answer.days, expected.days);
      assert.deepEqual(answer.channels, expected.channels);
      assert.deepEqual(answer.languages, expected.languages);
      assert.deepEqual(answer.countries, expected.countries);
      assert.deepEqual(answer.pages, expected.pages);
      assert.equal(answer.paused, false);
      return expected;
    };

    test('by default the last 30 days, today included; every number equals the database\'s', async () => {
      const answer = await send<Overview>(server, 'GET', `/api/console/campaigns/${SEEDED}/overview`, cookie);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(Object.keys(answer.body).sort(), ['channels', 'count', 'countries', 'days', 'from', 'goal', 'id', 'inRange', 'languages', 'pages', 'paused', 'targets', 'to'].sort());
      const from = day(today() - 29 * DAY_MS);
      const expected = check(answer.body, from, day(today()));
      assert.equal(answer.body.days.length, 30);
      assert.equal(answer.body.inRange, 300, 'the older signatures are outside');
      assert.equal(answer.body.days.at(-1)!.total, answer.body.count, 'the last day ends at the all-time count');
      assert.equal(answer.body.days[0]!.total - answer.body.days[0]!.added, seeded.signatures.length - 300, 'the first day starts from the count before the range');
      assert.equal(expected.inRange, 300);

      // Share channels only from utm_medium=share with a source: newsletter and bare shares are "(none)".
      const keys = answer.body.channels.map((row) => row.key);
      assert.ok(keys.includes('(none)') && keys.includes('facebook') && !keys.includes('newsletter'));
      assert.ok(answer.body.countries.some((row) => row.key === ''), 'no country given is ""');
      assert.equal(answer.body.pages.length, 20);
      assert.ok(PAGES.slice(0, 3).every((page) => answer.body.pages.slice(0, 3).some((row) => row.key === page)), 'the big pages first');
      for (const rows of [answer.body.channels, answer.body.languages, answer.body.countries]) {
        assert.equal(rows.reduce((sum, row) => sum + row.count, 0), answer.body.inRange);
      }
    });

    test('the letters per target by status, with the last SMTP answer, as the database has them', async () => {
      const answer = await send<Overview>(server, 'GET', `/api/console/campaigns/${SEEDED}/overview`, cookie);
      const expected = expectedLetters(db, SEEDED);
      assert.deepEqual(answer.body.targets, TARGETS.map((target) => {
        const last = expected.last(target.email)!;
        return { name: target.name, email: target.email, counts: expected.letters(target.email), lastAnswer: last.last_response, lastAttemptAt: new Date(last.last_attempt_at).toISOString() };
      }));
      assert.match(answer.body.targets[0]!.lastAnswer!, /^(250|550) |^connection closed/);
    });

    test('a range: only its days and signatures, the totals still counting from the start', async () => {
      const from = day(today() - 9 * DAY_MS);
      const to = day(today() - 5 * DAY_MS);
      const answer = await send<Overview>(server, 'GET', `/api/console/campaigns/${SEEDED}/overview?from=${from}&to=${to}`, cookie);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      check(answer.body, from, to);
      assert.equal(answer.body.days.length, 5);
      const received = seeded.signatures.filter((entry) => entry.receivedAt.slice(0, 10) >= from && entry.receivedAt.slice(0, 10) <= to);
      assert.equal(answer.body.inRange, received.length);
      assert.equal(answer.body.days.at(-1)!.total, seeded.signatures.filter((entry) => entry.receivedAt.slice(0, 10) <= to).length);

      // One day; a range reaching the older signatures; the longest range; only `from`; a range before any signature.
      for (const [query, first, last] of [
        [`from=${to}&to=${to}`, to, to],
        [`from=${day(today() - 60 * DAY_MS)}&to=${day(today())}`, day(today() - 60 * DAY_MS), day(today())],
        [`from=${day(today() - (MAX_RANGE_DAYS - 1) * DAY_MS)}&to=${day(today())}`, day(today() - (MAX_RANGE_DAYS - 1) * DAY_MS), day(today())],
        [`from=${from}`, from, day(today())],
        ['from=2001-01-01&to=2001-01-31', '2001-01-01', '2001-01-31'],
      ] as const) {
        const ranged = await send<Overview>(server, 'GET', `/api/console/campaigns/${SEEDED}/overview?${query}`, cookie);
        assert.equal(ranged.status, 200, `${query}: ${JSON.stringify(ranged.body)}`);
        check(ranged.body, first, last);
      }
      const wide = await send<Overview>(server, 'GET', `/api/console/campaigns/${SEEDED}/overview?from=${day(today() - 60 * DAY_MS)}`, cookie);
      assert.equal(wide.body.inRange, seeded.signatures.length);
      const only = await send<Overview>(server, 'GET', `/api/console/campaigns/${SEEDED}/overview?to=${to}`, cookie);
      assert.equal(only.body.from, day(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS), 'only `to`: the 30 days up to it');
    });

    test('a bad range is refused with 400 and its reason', async () => {
      const tooLong = `from=${day(today() - MAX_RANGE_DAYS * DAY_MS)}&to=${day(today())}`;
      for (const [query, reason] of [
        ['from=2026-02-30', /"from" must be a day as YYYY-MM-DD/],
        ['to=yesterday', /"to" must be a day as YYYY-MM-DD.*"yesterday"/],
        ['from=2026-1-5', /"from" must be a day/],
        ['from=2026-01-05T00:00:00Z', /"from" must be a day/],
        ['from=2026-01-05&from=2026-01-06', /given more than once/],
        ['from=2026-03-02&to=2026-03-01', /"from" \(2026-03-02\) is after "to" \(2026-03-01\)/],
        [tooLong, new RegExp(`${MAX_RANGE_DAYS + 1} days; at most ${MAX_RANGE_DAYS}`)],
      ] as const) {
        const answer = await send(server, 'GET', `/api/console/campaigns/${SEEDED}/overview?${query}`, cookie);
        assert.equal(answer.status, 400, query);
        assert.equal(answer.body.error, 'invalid-range', query);
        assert.match(answer.body.message, reason, query);
      }
      const unknown = await send(server, 'GET', '/api/console/campaigns/no-such-campaign/overview', cookie);
      assert.equal(unknown.status, 404);
    });

    test('each query reads an index, never the signatures\' rows (so 100 000 signatures stay fast)', () => {
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ campaign: 'x', from: 'a', until: 'b', limit: 20, email: 'e' }) as { detail: string }[])
        .map((row) => row.detail).join(' | ');
      for (const name of ['before', 'days', 'channels', 'languages', 'countries', 'pages'] as const) {
        assert.match(plan(OVERVIEW_SQL[name]), /SEARCH signatures USING COVERING INDEX signatures_by_received \(campaign=\? AND received_at[<>]/, name);
      }
      assert.match(plan(OVERVIEW_SQL.stats.replace(/@\w+/g, '?')), /COVERING INDEX signatures_consenting.*COVERING INDEX signatures_by_received/);
      assert.match(plan(OVERVIEW_SQL.letterCounts), /COVERING INDEX letters_by_campaign \(campaign=\?\)/);
      assert.match(plan(OVERVIEW_SQL.lastAnswer), /INDEX letters_last_answer \(campaign=\? AND target_email=\?/);
      assert.doesNotMatch(plan(OVERVIEW_SQL.lastAnswer), /TEMP B-TREE/);
    });
  });

  describe('editing', () => {
    const EDITED = 'edited';
    before(async () => putSeedCampaign(server.app.signatureStore, EDITED));

    /** The public document, without its form token (a fresh one on every read). */
    const publicDocument = async () => {
      const { formToken: _token, ...document } = (await (await fetch(`${server.url}/api/campaigns/${EDITED}`)).json()) as Record<string, unknown>;
      return document;
    };

    test('an edit the public document could not carry is refused at its field, and nothing is saved', async () => {
      const detailBefore = (await send<CampaignDetail>(server, 'GET', `/api/console/campaigns/${EDITED}`, cookie)).body;
      const rowBefore = db.prepare('SELECT * FROM campaigns WHERE id = ?').get(EDITED);
      const publicBefore = await publicDocument();
      const good = detailBefore.campaign as { document: Record<string, any>; status: string; delivery: Record<string, any> };
      const withTitle = (title: string) => ({ ...good.document, texts: { ...good.document.texts, en: { ...good.document.texts.en, title } } });

      for (const [body, field, reason] of [
        // A good new title beside a bad goal: neither is saved.
        [{ ...good, document: { ...withTitle('A new title'), goal: -5 } }, 'document.goal', /whole number above 0/],
        [{ ...good, document: { ...good.document, texts: { en: { title: 42 } } } }, 'document.texts.en.title', /expected text/],
        [{ ...good, status: 'paused' }, 'status', /"open" or "closed"/],
        [{ ...good, delivery: { ...good.delivery, targets: [{ name: 'Nobody', email: 'not an address' }] } }, 'delivery.targets[0].email', /./],
        [{ ...good, delivery: { ...good.delivery, confirm: true } }, 'delivery.confirm', /PUBLIC_URL/],
        [{ ...good, document: { ...good.document, delivery: good.delivery } }, 'document.delivery', /never in it: the document is public/],
        [{ ...good, sendingPaused: true }, 'sendingPaused', /not a known field/],
      ] as const) {
        const answer = await send(server, 'PUT', `/api/console/campaigns/${EDITED}`, cookie, body);
        assert.equal(answer.status, 422, `${field}: ${JSON.stringify(answer.body)}`);
        assert.ok(field in answer.body.errors, `${field} in ${JSON.stringify(answer.body.errors)}`);
        assert.match(answer.body.errors[field], reason, field);
      }
      const notJson = await send(server, 'PUT', `/api/console/campaigns/${EDITED}`, cookie, undefined, { 'content-type': 'application/json' });
      assert.equal(notJson.status, 400);

      assert.deepEqual(db.prepare('SELECT * FROM campaigns WHERE id = ?').get(EDITED), rowBefore, 'the stored campaign is untouched');
      assert.deepEqual((await send(server, 'GET', `/api/console/campaigns/${EDITED}`, cookie)).body, detailBefore);
      assert.deepEqual(await publicDocument(), publicBefore);
      assert.equal(db.prepare("SELECT count(*) AS n FROM console_log WHERE action = 'campaign-edited' AND campaign = ?").pluck().get(EDITED), 0);

      // The console edits; it does not create.
      const unknown = await send(server, 'PUT', '/api/console/campaigns/not-there', cookie, campaignBody('not-there'));
      assert.equal(unknown.status, 404);
      assert.equal(await server.app.signatureStore.getCampaign('not-there'), undefined);
    });

    test('an edit is saved whole and the public document shows it at once', async () => {
      const detail = (await send<CampaignDetail>(server, 'GET', `/api/console/campaigns/${EDITED}`, cookie)).body;
      assert.equal((await publicDocument()).goal, 1000, 'the cache holds the old document');
      const good = detail.campaign as { document: Record<string, any>; status: string; delivery: Record<string, any> };
      const document = { ...good.document, goal: 5000, texts: { ...good.document.texts, en: { ...good.document.texts.en, title: '<script>alert(1)</script> New title' } } };
      const answer = await send<CampaignDetail>(server, 'PUT', `/api/console/campaigns/${EDITED}`, cookie, { ...good, document });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal((answer.body.campaign.document as any).goal, 5000);
      const served = await publicDocument();
      assert.equal(served.goal, 5000);
      assert.equal((served.texts as any).en.title, '<script>alert(1)</script> New title', 'stored and served as text, as given');
      const logged = db.prepare("SELECT actor, detail_json FROM console_log WHERE action = 'campaign-edited' AND campaign = ?").all(EDITED);
      assert.deepEqual(logged, [{ actor: ORGANISER, detail_json: JSON.stringify({ status: 'open' }) }]);
    });

    test('closing a campaign: the public document says closed and a signature gets 410, nothing stored', async () => {
      const signed = await postJson(server.url, signature({ campaign: EDITED }));
      assert.equal(signed.status, 201, JSON.stringify(signed.body));
      const countBefore = db.prepare('SELECT count(*) FROM signatures WHERE campaign = ?').pluck().get(EDITED);

      const detail = (await send<CampaignDetail>(server, 'GET', `/api/console/campaigns/${EDITED}`, cookie)).body;
      const good = detail.campaign as { document: Record<string, any>; status: string; delivery: Record<string, any> };
      const document = { ...good.document, texts: { ...good.document.texts, en: { ...good.document.texts.en, closed: 'This campaign has ended. Thank you.' } } };
      const answer = await send<CampaignDetail>(server, 'PUT', `/api/console/campaigns/${EDITED}`, cookie, { ...good, document, status: 'closed' });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.campaign.status, 'closed');

      const served = await publicDocument();
      assert.equal(served.status, 'closed');
      assert.equal((served.texts as any).en.closed, 'This campaign has ended. Thank you.');
      const refused = await postJson(server.url, signature({ campaign: EDITED }));
      assert.equal(refused.status, 410);
      assert.equal(refused.body.error, 'closed');
      assert.equal(db.prepare('SELECT count(*) FROM signatures WHERE campaign = ?').pluck().get(EDITED), countBefore);
      const listed = (await send<CampaignList>(server, 'GET', '/api/console/campaigns', cookie)).body.campaigns.find((row) => row.id === EDITED);
      assert.equal(listed?.status, 'closed');

      // And open again.
      const reopened = await send(server, 'PUT', `/api/console/campaigns/${EDITED}`, cookie, { ...good, document, status: 'open' });
      assert.equal(reopened.status, 200);
      assert.equal((await postJson(server.url, signature({ campaign: EDITED }))).status, 201);
    });
  });

  test('pause and resume: the answer, the stored flag, the detail, the list and the overview; 404 for no campaign', async () => {
    const flag = () => db.prepare('SELECT sending_paused FROM campaigns WHERE id = ?').pluck().get(SEEDED);
    const paused = await send(server, 'POST', `/api/console/campaigns/${SEEDED}/pause`, cookie);
    assert.equal(paused.status, 200);
    assert.deepEqual(paused.body, { paused: true });
    assert.equal(flag(), 1);
    assert.equal((await send<CampaignDetail>(server, 'GET', `/api/console/campaigns/${SEEDED}`, cookie)).body.paused, true);
    assert.equal((await send<CampaignList>(server, 'GET', '/api/console/campaigns', cookie)).body.campaigns[0]!.paused, true);
    assert.equal((await send<Overview>(server, 'GET', `/api/console/campaigns/${SEEDED}/overview`, cookie)).body.paused, true);
    assert.equal((await send(server, 'POST', `/api/console/campaigns/${SEEDED}/pause`, cookie)).status, 200, 'pausing twice is fine');

    const resumed = await send(server, 'POST', `/api/console/campaigns/${SEEDED}/resume`, cookie);
    assert.deepEqual(resumed.body, { paused: false });
    assert.equal(flag(), 0);
    assert.equal((await send<Overview>(server, 'GET', `/api/console/campaigns/${SEEDED}/overview`, cookie)).body.paused, false);

    assert.equal((await send(server, 'POST', '/api/console/campaigns/no-such-campaign/pause', cookie)).status, 404);
    const logged = db.prepare("SELECT action FROM console_log WHERE campaign = ? AND action LIKE 'sending-%' ORDER BY seq").pluck().all(SEEDED);
    assert.deepEqual(logged, ['sending-paused', 'sending-paused', 'sending-resumed']);
  });

  test('re-sending the letters of unknown outcome: all of them queued again, due now, nothing else touched', async () => {
    const RESEND = 'resend';
    const mine = await seedConsoleCampaign(server.app.signatureStore, server.config.databasePath, RESEND, { signatures: 60, older: 0, seed: 7 });
    const byStatus = () => Object.fromEntries(
      (db.prepare('SELECT status, count(*) AS n FROM letters WHERE campaign = ? GROUP BY 1').all(RESEND) as { status: string; n: number }[]).map((row) => [row.status, row.n]),
    );
    const before = byStatus();
    const unknownIds = mine.letters.filter((letter) => letter.status === 'unknown').map((letter) => letter.id);
    assert.ok(unknownIds.length > 0);
    assert.equal(before.unknown, unknownIds.length);
    const otherCampaign = db.prepare("SELECT count(*) FROM letters WHERE campaign = ? AND status = 'unknown'").pluck().get(SEEDED);

    const startedAt = Date.now();
    const answer = await send(server, 'POST', `/api/console/campaigns/${RESEND}/letters/resend-unknown`, cookie);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { requeued: unknownIds.length });
    const { unknown: _none, ...others } = before;
    assert.deepEqual(byStatus(), { ...others, queued: (before.queued ?? 0) + unknownIds.length });
    const requeued = db.prepare(`SELECT status, next_attempt_at, first_attempt_at, lease_until, last_response FROM letters WHERE id IN (${unknownIds.map(() => '?').join(',')})`).all(...unknownIds) as
      { status: string; next_attempt_at: number; first_attempt_at: number | null; lease_until: number | null; last_response: string }[];
    for (const letter of requeued) {
      assert.equal(letter.status, 'queued');
      assert.ok(letter.next_attempt_at >= startedAt && letter.next_attempt_at <= Date.now(), 'due now');
      assert.equal(letter.first_attempt_at, null, 'its retry window starts afresh');
      assert.equal(letter.lease_until, null);
      assert.match(letter.last_response, /outcome unknown/, 'the last answer is kept for the organiser');
    }
    assert.equal(db.prepare("SELECT count(*) FROM letters WHERE campaign = ? AND status = 'unknown'").pluck().get(SEEDED), otherCampaign, 'other campaigns untouched');
    const overview = (await send<Overview>(server, 'GET', `/api/console/campaigns/${RESEND}/overview`, cookie)).body;
    assert.equal(overview.targets.reduce((sum, target) => sum + target.counts.unknown, 0), 0);

    const again = await send(server, 'POST', `/api/console/campaigns/${RESEND}/letters/resend-unknown`, cookie);
    assert.deepEqual(again.body, { requeued: 0 });
    assert.equal((await send(server, 'POST', '/api/console/campaigns/no-such-campaign/letters/resend-unknown', cookie)).status, 404);
    const logged = db.prepare("SELECT detail_json FROM console_log WHERE campaign = ? AND action = 'letters-resent' ORDER BY seq").pluck().all(RESEND);
    assert.deepEqual(logged, [JSON.stringify({ requeued: unknownIds.length }), JSON.stringify({ requeued: 0 })]);
  });
});
