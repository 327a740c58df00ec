/**
 * The bot checks (README "Bots and floods") through the real receiver: a script posting straight
 * to the endpoint, with no token, a forged one, another campaign's, a replayed one or one used
 * too fast, is quarantined: answered like a new signature, not counted, no letter recorded. The
 * real minimum (FORM_MIN_MS 3 s) holds here; tokens are taken from the receiver's own answers or
 * minted with the test secret and an age, the way a widget that waited would hold them.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { formToken, FORM_TOKEN_SECRET, getCount, postForm, postJson, signature, startServer, tempDir, testPostgresStore, TEST_STORE, type TestServer } from './helpers.ts';
import { addOrganiser, consoleRequest, cookiePair, login, ORGANISER, PASSWORD } from './support/console.ts';
import { mintFormToken } from '../src/bots/form-token.ts';
import { seedCampaigns } from './support/campaigns.ts';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';

const CAMPAIGN = 'free-baltabay';
/** Older than the 3 s minimum: a token a person's widget held while they filled in the form. */
const WAITED = 4_000;

interface Held {
  id: string;
  reason: string;
}

/** The campaign's held signatures, read from the database whichever store the server runs on. */
function held(server: TestServer, campaign = CAMPAIGN): Promise<Held[]> {
  return server.query<Held>('SELECT id, reason FROM quarantined_signatures WHERE campaign = ? ORDER BY received_at', [campaign]);
}

const reasonOf = async (server: TestServer, id: string) => (await held(server)).find((row) => row.id === id)?.reason;

/** The form token of the receiver's campaign document, as the widget gets it. */
async function documentToken(server: TestServer, campaign = CAMPAIGN): Promise<string> {
  const response = await fetch(`${server.url}/api/campaigns/${campaign}`);
  const body = (await response.json()) as { formToken?: string };
  assert.equal(typeof body.formToken, 'string', 'the campaign document carries a form token');
  return body.formToken!;
}

describe('bot checks: what a script posting straight to the endpoint gets', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ FORM_MIN_MS: '3000' });
  });
  after(async () => server.close());

  test('a signature with a token its widget held for longer than the minimum is counted', async () => {
    const before = await getCount(server.url);
    const response = await postJson(server.url, signature({ formToken: formToken(CAMPAIGN, WAITED) }));
    assert.equal(response.status, 201);
    assert.equal(response.body.count, before + 1);
  });

  for (const [what, token, reason] of [
    ['no token', undefined, 'no-token'],
    ['an empty token', '', 'no-token'],
    ['a forged token (wrong secret)', mintFormToken('not-the-receiver-secret-0123456789abcdef', CAMPAIGN, Date.now() - WAITED), 'bad-token'],
    ['a token whose issue time was edited', formToken(CAMPAIGN, WAITED).replace(/\.[0-9a-z]+\./, `.${(Date.now() - 60_000).toString(36)}.`), 'bad-token'],
    ['garbage', 'a.b', 'bad-token'],
    ['a token for another campaign', formToken('campaign-a', WAITED), 'other-campaign'],
    ['a token issued three hours ago for a signature written now', formToken(CAMPAIGN, 3 * 60 * 60 * 1000), 'expired'],
  ] as const) {
    test(`${what}: quarantined as ${reason}, answered like a new signature, not counted`, async () => {
      const before = await getCount(server.url);
      const body = signature({ formToken: token, createdAt: new Date().toISOString() });
      const response = await postJson(server.url, body);
      assert.equal(response.status, 201);
      assert.deepEqual(response.body, { ok: true, count: before, letter: 'none' });
      assert.equal(await getCount(server.url), before);
      assert.equal(await reasonOf(server, body.id), reason);
    });
  }

  test('a token used at once, as a script does, is too fast; the same token after the minimum is counted', async () => {
    const token = await documentToken(server);
    const before = await getCount(server.url);
    const fast = signature({ formToken: token });
    assert.equal((await postJson(server.url, fast)).status, 201);
    assert.equal(await reasonOf(server, fast.id), 'too-fast');
    assert.equal(await getCount(server.url), before);
    // A retry of the held id, even once the minimum has passed, stays held: the bot does not get in by posting again.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const retry = await postJson(server.url, fast);
    assert.equal(retry.status, 200);
    assert.equal(await getCount(server.url), before);
    assert.equal((await held(server)).filter((row) => row.id === fast.id).length, 1);
  });

  test('the count endpoint hands out a token too, for widgets whose campaign document is a file', async () => {
    const response = await fetch(`${server.url}/api/campaigns/${CAMPAIGN}/count`);
    const body = (await response.json()) as { count: number; formToken: string };
    assert.match(body.formToken, /^free-baltabay\.[0-9a-z]+\.[\w-]+\.[\w-]+$/);
    const unknown = (await (await fetch(`${server.url}/api/campaigns/nobody-holds-this/count`)).json()) as Record<string, unknown>;
    assert.equal(unknown.formToken, undefined, 'no token for a campaign the receiver does not hold');
  });

  test('one token, one signature: a retry of the same id passes, another id with the token is quarantined as replayed', async () => {
    const token = formToken(CAMPAIGN, WAITED);
    const before = await getCount(server.url);
    const first = signature({ formToken: token });
    assert.equal((await postJson(server.url, first)).status, 201);
    assert.equal((await postJson(server.url, first)).status, 200, 'the widget retrying the same signature');
    assert.equal(await getCount(server.url), before + 1);
    const replay = signature({ formToken: token });
    const answer = await postJson(server.url, replay);
    assert.equal(answer.status, 201);
    assert.equal(answer.body.count, before + 1);
    assert.equal(await reasonOf(server, replay.id), 'replayed-token');
    assert.equal(await getCount(server.url), before + 1);
  });

  test('a signature the widget queued offline arrives hours after its token: counted, since it was written while the token was fresh', async () => {
    const issuedAgo = 5 * 60 * 60 * 1000;
    const before = await getCount(server.url);
    const queued = signature({ formToken: formToken(CAMPAIGN, issuedAgo), createdAt: new Date(Date.now() - issuedAgo + 60_000).toISOString() });
    assert.equal((await postJson(server.url, queued)).status, 201);
    assert.equal(await getCount(server.url), before + 1);
    assert.equal(await reasonOf(server, queued.id), undefined);
  });

  test('the honeypot filled in: quarantined, with what it held kept for the organiser', async () => {
    const before = await getCount(server.url);
    const body = signature({ formToken: formToken(CAMPAIGN, WAITED), honeypot: 'http://spam.example' });
    assert.equal((await postJson(server.url, body)).status, 201);
    assert.equal(await reasonOf(server, body.id), 'honeypot');
    assert.equal(await getCount(server.url), before);
  });

  test('the form format carries form_token and honeypot too', async () => {
    const before = await getCount(server.url);
    const fields = {
      id: crypto.randomUUID(), campaign: CAMPAIGN, created_at: new Date().toISOString(), email: `form-${Date.now()}@example.org`,
      form_token: formToken(CAMPAIGN, WAITED), honeypot: '',
    };
    assert.equal((await postForm(server.url, fields)).status, 201);
    assert.equal(await getCount(server.url), before + 1);
    const bot = { ...fields, id: crypto.randomUUID(), email: `form-bot-${Date.now()}@example.org`, form_token: 'x' };
    assert.equal((await postForm(server.url, bot)).status, 201);
    assert.equal(await reasonOf(server, bot.id), 'bad-token');
    assert.equal(await getCount(server.url), before + 1);
  });

  test('a counted signature is stored without the token and the honeypot', async () => {
    const body = signature({ formToken: formToken(CAMPAIGN, WAITED), honeypot: '' });
    assert.equal((await postJson(server.url, body)).status, 201);
    const [row] = await server.query<{ payload_json: string }>('SELECT payload_json FROM signatures WHERE id = ?', [body.id]);
    const stored = JSON.parse(row!.payload_json) as Record<string, unknown>;
    assert.equal('formToken' in stored, false);
    assert.equal('honeypot' in stored, false);
  });

  test('a held signature does not take the address: the real signer, later, is counted', async () => {
    const email = `victim-${Date.now()}@example.org`;
    const before = await getCount(server.url);
    const bot = signature({ formToken: undefined }, { email });
    await postJson(server.url, bot);
    assert.equal(await reasonOf(server, bot.id), 'no-token');
    const human = signature({ formToken: formToken(CAMPAIGN, WAITED) }, { email });
    assert.equal((await postJson(server.url, human)).status, 201);
    assert.equal(await getCount(server.url), before + 1);
  });
});

describe('bot checks: the organiser reviews the quarantine in the console', () => {
  let server: TestServer;
  let cookie: string;
  before(async () => {
    server = await startServer({ FORM_MIN_MS: '3000' });
    await addOrganiser(server);
    cookie = cookiePair((await login(server.url, ORGANISER, PASSWORD)).setCookies);
  });
  after(async () => server.close());

  /** A change as the console page sends it: JSON, the session cookie, the receiver's own origin. */
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test('list with reasons; release counts it; delete removes it; both need confirm: true', async () => {
    const before = await getCount(server.url);
    const human = signature({ formToken: formToken(CAMPAIGN, 500) }, { firstName: 'Fast', lastName: 'Typist' });
    const bot = signature({ formToken: undefined, honeypot: 'buy now' });
    await postJson(server.url, human);
    await postJson(server.url, bot);
    const list = await consoleRequest(server.url, 'GET', `/api/console/campaigns/${CAMPAIGN}/quarantine`, cookie);
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 2);
    const items = list.body.signatures as { id: string; reason: string; name: string; honeypot: string }[];
    assert.deepEqual(new Map(items.map((item) => [item.id, item.reason])), new Map([[human.id, 'too-fast'], [bot.id, 'honeypot']]));
    assert.equal(items.find((item) => item.id === human.id)!.name, 'Fast Typist');
    assert.equal(items.find((item) => item.id === bot.id)!.honeypot, 'buy now');

    const base = `/api/console/campaigns/${CAMPAIGN}/quarantine`;
    assert.equal((await post(`${base}/${human.id}/release`, {})).status, 400, 'no confirm, nothing done');
    const released = await post(`${base}/${human.id}/release`, { confirm: true });
    assert.equal(released.status, 200);
    assert.deepEqual(released.body, { action: 'release', outcome: 'counted', count: before + 1 });
    assert.equal(await getCount(server.url), before + 1);
    assert.equal((await post(`${base}/${human.id}/release`, { confirm: true })).status, 404, 'released once');

    const deleted = await post(`${base}/${bot.id}/delete`, { confirm: true });
    assert.deepEqual(deleted.body, { action: 'delete', count: before + 1 });
    const after = await consoleRequest(server.url, 'GET', base, cookie);
    assert.equal(after.body.total, 0);
    // Another campaign's path does not reach this campaign's held signatures.
    const other = signature({ formToken: undefined });
    await postJson(server.url, other);
    assert.equal((await post(`/api/console/campaigns/campaign-a/quarantine/${other.id}/delete`, { confirm: true })).status, 404);
    assert.equal((await consoleRequest(server.url, 'GET', base, cookie)).body.total, 1);
  });
});

describe('bot checks: the token secret', () => {
  test('generated at first start and kept in the database: a token survives a restart', async () => {
    const dir = tempDir();
    const env = { FORM_TOKEN_SECRET: '', FORM_MIN_MS: '0', DATABASE_PATH: join(dir, 'signatures.sqlite') };
    // On PostgreSQL both runs on one database (each startServer would otherwise get a fresh one).
    const shared = TEST_STORE === 'postgres' ? await testPostgresStore() : undefined;
    const options = shared ? { store: shared.store } : {};
    const first = await startServer(env, options);
    const token = await documentToken(first);
    await first.app.close();
    const second = await startServer(env, options, []);
    try {
      await seedCampaigns(second.app.signatureStore, [CAMPAIGN]);
      const body = signature({ formToken: token });
      assert.equal((await postJson(second.url, body)).status, 201);
      assert.equal(await getCount(second.url), 1, 'the token of the first run is valid in the second');
      assert.equal(await second.app.signatureStore.getQuarantined(body.id), undefined);
      assert.notEqual(token.split('.')[3], mintFormToken(FORM_TOKEN_SECRET, CAMPAIGN, 0).split('.')[3]);
    } finally {
      await second.close();
      await shared?.close();
    }
  });
});

describe('bot checks: proof of work (delivery.proofOfWork)', () => {
  const POW = 'pow-campaign';
  let server: TestServer;
  before(async () => {
    server = await startServer({ FORM_MIN_MS: '3000', POW_COST: '50' }, {}, []);
    await server.app.signatureStore.putCampaign(POW, {
      document: { id: POW, texts: { en: { title: 'Under attack' } } },
      status: 'open',
      delivery: { mode: 'off', targets: [], confirm: false, replyTo: 'none', test: false, hourlyCap: 30, proofOfWork: true },
    });
    await seedCampaigns(server.app.signatureStore, ['campaign-a']);
  });
  after(async () => server.close());

  /** Solves `challenge` as the ALTCHA widget does and returns its payload. */
  async function solve(challenge: Challenge): Promise<string> {
    const solution = await solveChallenge({ challenge, deriveKey });
    assert.ok(solution, 'solved');
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  }

  async function challengeOf(campaign: string): Promise<Challenge> {
    const body = (await (await fetch(`${server.url}/api/campaigns/${campaign}`)).json()) as { pow?: Challenge };
    assert.ok(body.pow, `${campaign} has a challenge`);
    return body.pow;
  }

  test('the document and the count carry a challenge only for a campaign that asks for one', async () => {
    await challengeOf(POW);
    const count = (await (await fetch(`${server.url}/api/campaigns/${POW}/count`)).json()) as Record<string, unknown>;
    assert.equal(typeof count.pow, 'object');
    const other = (await (await fetch(`${server.url}/api/campaigns/campaign-a`)).json()) as Record<string, unknown>;
    assert.equal(other.pow, undefined);
  });

  test('solved: counted; missing, forged, another campaign\'s or reused: quarantined', async () => {
    const token = () => formToken(POW, WAITED);
    const pow = await solve(await challengeOf(POW));
    const good = signature({ campaign: POW, formToken: token(), pow });
    assert.equal((await postJson(server.url, good)).status, 201);
    assert.equal(await getCount(server.url, POW), 1);

    const missing = signature({ campaign: POW, formToken: token() });
    await postJson(server.url, missing);
    const reused = signature({ campaign: POW, formToken: token(), pow });
    await postJson(server.url, reused);
    const challenge = await challengeOf(POW);
    const forged = signature({ campaign: POW, formToken: token(), pow: Buffer.from(JSON.stringify({ challenge, solution: { counter: 1, derivedKey: '00ff' } })).toString('base64') });
    await postJson(server.url, forged);
    // A challenge with its cost lowered by the client no longer matches its signature.
    const cheap = { ...challenge, parameters: { ...challenge.parameters, cost: 1 } };
    const tampered = signature({ campaign: POW, formToken: token(), pow: await solve(cheap) });
    await postJson(server.url, tampered);
    const garbage = signature({ campaign: POW, formToken: token(), pow: 'bm90IGpzb24=' });
    await postJson(server.url, garbage);

    const reasons = new Map((await held(server, POW)).map((row) => [row.id, row.reason]));
    assert.deepEqual(
      [missing, reused, forged, tampered, garbage].map((body) => reasons.get(body.id)),
      ['no-pow', 'replayed-token', 'bad-pow', 'bad-pow', 'bad-pow'],
    );
    assert.equal(await getCount(server.url, POW), 1);
  });
});

describe('bot checks: erasing a person reaches their held-back signatures', () => {
  test('find lists them, erase removes them (anonymise or delete alike: they were never counted)', async () => {
    const server = await startServer({}, {}, ['campaign-a', 'campaign-b']);
    try {
      const email = 'Held.Person@Example.org';
      await postJson(server.url, signature({ campaign: 'campaign-a', formToken: undefined }, { email }));
      await postJson(server.url, signature({ campaign: 'campaign-b' }, { email: 'held.person@example.org' }));
      const { erasure } = server.app.signatureStore;
      const found = await erasure.find('held.person@example.org');
      assert.deepEqual(found.map((match) => match.campaign).sort(), ['campaign-a', 'campaign-b']);
      const result = await erasure.erase(email, 'anonymise', { actor: 'organiser@union.example', now: Date.now() });
      assert.equal(result.outcome, 'done');
      assert.equal(result.outcome === 'done' && result.counts.signatures, 2);
      assert.equal(await server.app.signatureStore.countQuarantined('campaign-a'), 0);
      const [left] = await server.query<{ n: number | string }>("SELECT count(*) AS n FROM quarantined_signatures WHERE lower(payload_json) LIKE '%held.person%'");
      assert.equal(Number(left!.n), 0);
    } finally {
      await server.close();
    }
  });
});
