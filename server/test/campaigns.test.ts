/**
 * Campaigns held by the receiver (SPEC §8), seen from outside: the public campaign document,
 * signatures for unknown and closed campaigns, the admin API, the export's letter columns and
 * the campaign CLI. Every assertion is about what an HTTP client or a shell user observes.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, EXPORT_TOKEN, getCount, getCsv, postForm, postJson, REPO_ROOT, signature, startServer, tempDir, type TestServer } from './helpers.ts';
import { admin, ADMIN_TOKEN, campaignBody, campaignDocument, putCampaign, TARGETS } from './support/admin.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { parseCampaignInput } from '../src/campaigns/campaign-input.ts';

const ORIGIN = 'https://union.example.org';

describe('the public campaign document: GET /api/campaigns/<id>', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ ADMIN_TOKEN, ALLOWED_ORIGINS: ORIGIN }, {}, []);
    await putCampaign(server.url, 'free-baltabay');
  });
  after(async () => server?.close());

  test('answers the document plus status and count, and nothing of the delivery settings', async () => {
    assert.equal((await postJson(server.url, signature())).status, 201);
    const response = await fetch(`${server.url}/api/campaigns/free-baltabay`);
    assert.equal(response.status, 200);
    const text = await response.text();
    const { formToken, ...body } = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(body, { ...campaignDocument('free-baltabay'), status: 'open', count: 1 });
    // And the form token its widget sends back (README "Bots and floods").
    assert.match(String(formToken), /^free-baltabay\./);
    for (const secret of ['delivery', 'targets', 'hourlyCap', 'sendingPaused', ...TARGETS.map((target) => target.email), 'prosecutor.example', 'justice.example']) {
      assert.ok(!text.includes(secret), `the public document must not contain ${secret}: ${text}`);
    }
    // Cached like the count endpoint.
    const count = await fetch(`${server.url}/api/campaigns/free-baltabay/count`);
    await count.arrayBuffer();
    assert.equal(response.headers.get('cache-control'), count.headers.get('cache-control'));
  });

  test('CORS like the count endpoint: allowed origin gets ACAO, another gets none', async () => {
    for (const path of ['/api/campaigns/free-baltabay', '/api/campaigns/free-baltabay/count']) {
      const allowed = await fetch(`${server.url}${path}`, { headers: { origin: ORIGIN } });
      await allowed.arrayBuffer();
      assert.equal(allowed.status, 200);
      assert.equal(allowed.headers.get('access-control-allow-origin'), ORIGIN, path);
      assert.match(allowed.headers.get('vary') ?? '', /origin/i, path);
      const foreign = await fetch(`${server.url}${path}`, { headers: { origin: 'https://evil.example' } });
      await foreign.arrayBuffer();
      assert.equal(foreign.headers.get('access-control-allow-origin'), null, path);
    }
  });

  test('an unknown campaign is 404 unknown-campaign; a malformed id is 400', async () => {
    const unknown = await fetch(`${server.url}/api/campaigns/nobody-holds-this`, { headers: { origin: ORIGIN } });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: string }).error, 'unknown-campaign');
    const malformed = await fetch(`${server.url}/api/campaigns/Not%20An%20Id`);
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: string }).error, 'invalid-campaign');
  });
});

describe('signatures for campaigns the receiver does not take', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ ADMIN_TOKEN }, {}, []);
    await putCampaign(server.url, 'closed-one', campaignBody('closed-one', { mode: 'each', targets: TARGETS }, { status: 'closed' }));
  });
  after(async () => server?.close());

  test('an unknown campaign: 404 unknown-campaign, in both formats, and nothing is stored', async () => {
    const json = await postJson(server.url, signature({ campaign: 'never-created' }));
    assert.equal(json.status, 404);
    assert.equal(json.body.error, 'unknown-campaign');
    const form = await postForm(server.url, {
      id: crypto.randomUUID(), campaign: 'never-created', created_at: '2026-11-27T18:00:00.000Z', email: 'form@example.org', first_name: 'A',
    });
    assert.equal(form.status, 404);
    assert.equal(form.body.error, 'unknown-campaign');
    assert.equal(await getCount(server.url, 'never-created'), 0);
    const csv = await getCsv(server.url, 'never-created');
    assert.equal(csv.status, 200);
    assert.equal(csvRecords(csv.text).length, 0, csv.text);
    // Nor did the signature create the campaign.
    assert.equal((await admin(server.url, 'GET', '/api/admin/campaigns/never-created')).status, 404);
    assert.deepEqual((await admin(server.url, 'GET', '/api/admin/campaigns')).body.campaigns.map((c: { id: string }) => c.id), ['closed-one']);
  });

  test('a closed campaign: 410 closed, nothing stored, no letter; its document says closed; reopened it signs', async () => {
    const payload = signature({ campaign: 'closed-one' });
    const closed = await postJson(server.url, payload);
    assert.equal(closed.status, 410);
    assert.equal(closed.body.error, 'closed');
    assert.equal(await getCount(server.url, 'closed-one'), 0);
    assert.equal(csvRecords((await getCsv(server.url, 'closed-one')).text).length, 0);
    const inspected = await admin(server.url, 'GET', '/api/admin/campaigns/closed-one');
    assert.equal(inspected.body.count, 0);
    assert.deepEqual(inspected.body.letters, []);
    const document = (await (await fetch(`${server.url}/api/campaigns/closed-one`)).json()) as { status: string; count: number };
    assert.equal(document.status, 'closed');
    assert.equal(document.count, 0);

    // Reopening takes effect at once (no stale cache), and the same payload is now new.
    await putCampaign(server.url, 'closed-one', campaignBody('closed-one'));
    const reopened = await postJson(server.url, payload);
    assert.equal(reopened.status, 201);
    assert.equal(reopened.body.count, 1);
    assert.equal(reopened.body.letter, 'queued');
  });
});

describe('the admin API', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ ADMIN_TOKEN, ALLOWED_ORIGINS: ORIGIN }, {}, []);
    await putCampaign(server.url, 'free-baltabay');
  });
  after(async () => server?.close());

  const ROUTES: [string, string, unknown?][] = [
    ['GET', '/api/admin/campaigns'],
    ['GET', '/api/admin/campaigns/free-baltabay'],
    ['GET', '/api/admin/campaigns/free-baltabay/letters'],
    ['PUT', '/api/admin/campaigns/made-by-a-stranger', campaignBody('made-by-a-stranger')],
    ['POST', '/api/admin/campaigns/free-baltabay/pause'],
    ['POST', '/api/admin/campaigns/free-baltabay/resume'],
    ['POST', '/api/admin/letters/00000000-0000-4000-8000-000000000000/resend'],
  ];

  test('401 without a token (with WWW-Authenticate), 403 with a wrong one; never cached; nothing done', async () => {
    for (const [method, path, body] of ROUTES) {
      for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', `Bearer`, `${ADMIN_TOKEN}`]) {
        const answer = await admin(server.url, method, path, { body, token: null, headers: authorization ? { authorization } : {} });
        assert.equal(answer.status, 401, `${method} ${path} with ${authorization}: ${answer.text}`);
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer realm=/, `${method} ${path}`);
        assert.equal(answer.headers.get('cache-control'), 'no-store');
        assert.equal(answer.body.error, 'unauthorized');
      }
      for (const token of ['wrong-token-wrong-token-wrong-token-00', EXPORT_TOKEN, `${ADMIN_TOKEN}x`]) {
        const answer = await admin(server.url, method, path, { body, token });
        assert.equal(answer.status, 403, `${method} ${path}: ${answer.text}`);
        assert.equal(answer.body.error, 'forbidden');
        assert.equal(answer.headers.get('cache-control'), 'no-store');
        assert.equal(answer.headers.get('www-authenticate'), null);
      }
    }
    assert.equal((await admin(server.url, 'GET', '/api/admin/campaigns/made-by-a-stranger')).status, 404, 'the refused PUT created nothing');
    assert.equal((await admin(server.url, 'GET', '/api/admin/campaigns/free-baltabay')).body.sendingPaused, false);
  });

  test('403 admin-disabled when ADMIN_TOKEN is unset, whatever the token', async () => {
    const disabled = await startServer({}, {}, ['free-baltabay']);
    try {
      for (const [method, path, body] of ROUTES) {
        for (const token of [null, ADMIN_TOKEN, EXPORT_TOKEN]) {
          const answer = await admin(disabled.url, method, path, { body, token });
          assert.equal(answer.status, 403, `${method} ${path}`);
          assert.equal(answer.body.error, 'admin-disabled');
          assert.match(answer.body.message, /ADMIN_TOKEN/);
          assert.equal(answer.headers.get('cache-control'), 'no-store');
        }
      }
      // The export token still opens the export alone.
      assert.equal((await getCsv(disabled.url, 'free-baltabay', EXPORT_TOKEN)).status, 200);
    } finally {
      await disabled.close();
    }
  });

  test('no CORS on admin routes, even from an allowed origin; a preflight gets no allowance', async () => {
    for (const [method, path, body] of ROUTES) {
      for (const token of [ADMIN_TOKEN, null]) {
        const answer = await admin(server.url, method, path, { body, token, headers: { origin: ORIGIN } });
        assert.ok([200, 201, 401, 404, 409].includes(answer.status), `${method} ${path}: ${answer.status}`);
        assert.equal(answer.headers.get('access-control-allow-origin'), null, `${method} ${path} ${answer.status}`);
        assert.equal(answer.headers.get('access-control-allow-credentials'), null);
        assert.equal(answer.headers.get('cache-control'), 'no-store', `${method} ${path}`);
      }
      const preflight = await fetch(`${server.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: ORIGIN, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
      });
      await preflight.arrayBuffer();
      assert.ok(preflight.status >= 400, `preflight ${method} ${path} answered ${preflight.status}`);
      for (const header of ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers']) {
        assert.equal(preflight.headers.get(header), null, `preflight ${method} ${path}: ${header}`);
      }
    }
    // Percent-encoding the path reaches the same route: still no CORS (decided by the matched route).
    const encoded = await admin(server.url, 'GET', '/api/%61dmin/campaigns', { headers: { origin: ORIGIN } });
    assert.equal(encoded.status, 200);
    assert.equal(encoded.headers.get('access-control-allow-origin'), null, 'no CORS through /api/%61dmin/');
    // The public API next to it still answers CORS for that origin (the setup is right).
    const count = await fetch(`${server.url}/api/campaigns/free-baltabay/count`, { headers: { origin: ORIGIN } });
    await count.arrayBuffer();
    assert.equal(count.headers.get('access-control-allow-origin'), ORIGIN);
    // Clean up what the authorised loop did.
    await admin(server.url, 'POST', '/api/admin/campaigns/free-baltabay/resume');
  });

  test('PUT creates (201) then replaces (200); list and one show the count and per-target letter statuses', async () => {
    const created = await admin(server.url, 'PUT', '/api/admin/campaigns/new-campaign', { body: campaignBody('new-campaign') });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body, { ok: true, id: 'new-campaign', status: 'open' });
    assert.equal(created.headers.get('cache-control'), 'no-store');

    const signed = await postJson(server.url, signature({ campaign: 'new-campaign' }));
    assert.equal(signed.status, 201);
    assert.equal(signed.body.letter, 'queued');

    const changed = campaignBody('new-campaign', { mode: 'each', targets: TARGETS, hourlyCap: 5 });
    (changed.document as { texts: { en: { title: string } } }).texts.en.title = 'Free him now';
    const replaced = await admin(server.url, 'PUT', '/api/admin/campaigns/new-campaign', { body: changed });
    assert.equal(replaced.status, 200, replaced.text);

    const one = await admin(server.url, 'GET', '/api/admin/campaigns/new-campaign');
    assert.equal(one.status, 200);
    assert.equal(one.headers.get('cache-control'), 'no-store');
    assert.equal(one.body.id, 'new-campaign');
    assert.equal(one.body.status, 'open');
    assert.equal(one.body.document.texts.en.title, 'Free him now');
    assert.deepEqual(one.body.delivery.targets, TARGETS);
    assert.equal(one.body.delivery.hourlyCap, 5);
    assert.equal(one.body.count, 1);
    assert.equal(one.body.sendingPaused, false);
    assert.equal(one.body.letters.length, 2, 'the letters recorded before the replace are kept');
    for (const target of TARGETS) {
      const entry = one.body.letters.find((letter: { target: { email: string } }) => letter.target.email === target.email);
      assert.ok(entry, `letters for ${target.email}`);
      assert.deepEqual(entry.target, target);
      assert.equal(entry.counts.queued, 1);
      assert.equal(entry.counts.sent, 0);
      assert.equal(entry.lastResponse, null);
    }
    // The public document follows the replace at once.
    const publicDocument = (await (await fetch(`${server.url}/api/campaigns/new-campaign`)).json()) as { texts: { en: { title: string } } };
    assert.equal(publicDocument.texts.en.title, 'Free him now');

    const list = await admin(server.url, 'GET', '/api/admin/campaigns');
    assert.equal(list.status, 200);
    const summary = list.body.campaigns.find((campaign: { id: string }) => campaign.id === 'new-campaign');
    assert.equal(summary.count, 1);
    assert.equal(summary.title, 'Free him now');
    assert.equal(summary.status, 'open');
    assert.equal(summary.letters.queued, 2);
    assert.ok(list.body.campaigns.some((campaign: { id: string }) => campaign.id === 'free-baltabay'));
    assert.ok(!list.text.includes(TARGETS[0].email), 'the list does not need the targets');
  });

  test('422 naming the problem for bad bodies, and nothing is half-saved', async () => {
    const before = await admin(server.url, 'GET', '/api/admin/campaigns/free-baltabay');
    assert.equal(before.status, 200);
    const valid = campaignBody('free-baltabay');
    const withDelivery = (delivery: unknown) => ({ ...valid, delivery });
    const target = (email: unknown) => withDelivery({ mode: 'each', targets: [TARGETS[0], { name: 'Someone', email }] });
    const cases: [string, unknown, string[]][] = [
      ['an address that is not one', target('x'), ['delivery.targets[1].email']],
      ['two addresses in one', target('a@b.example, c@d.example'), ['delivery.targets[1].email']],
      ['a header in an address', target('a@b.example\r\nBcc: x@y.example'), ['delivery.targets[1].email']],
      ['a display name in an address', target('"Eve" <a@b.example>'), ['delivery.targets[1].email']],
      ['an address with a U+2028', target('a@b.example\u2028'), ['delivery.targets[1].email']],
      ['a name with a line break', withDelivery({ mode: 'each', targets: [{ name: 'Eve\r\nBcc: x@y.example', email: 'eve@b.example' }] }), ['delivery.targets[0].name']],
      ['the same target twice', withDelivery({ mode: 'each', targets: [TARGETS[0], TARGETS[0]] }), ['delivery.targets[1].email']],
      ['no targets with mode each', withDelivery({ mode: 'each', targets: [] }), ['delivery.targets']],
      ['an unknown mode', withDelivery({ mode: 'bulk', targets: TARGETS }), ['delivery.mode']],
      ['a delivery that is not an object', withDelivery('each'), ['delivery']],
      ['an unknown delivery key', withDelivery({ mode: 'each', targets: TARGETS, tagets: [] }), ['delivery.tagets']],
      ['an unknown target key', withDelivery({ mode: 'each', targets: [{ ...TARGETS[0], cc: 'x@y.example' }] }), ['delivery.targets[0].cc']],
      ['an unknown top-level key', { ...valid, owner: 'me' }, ['owner']],
      ['a document of the wrong shape', { ...valid, document: { texts: 'hello' } }, ['document.texts']],
      ['a document that is a list', { ...valid, document: [] }, ['document']],
      ['no document', { status: 'open', delivery: valid.delivery }, ['document']],
      ['a document with a bad goal', { ...valid, document: { ...campaignDocument('free-baltabay'), goal: -1 } }, ['document.goal']],
      ['a document for another campaign', { ...valid, document: campaignDocument('other') }, ['document.id']],
      ['a document that carries a count', { ...valid, document: { ...campaignDocument('free-baltabay'), count: 5 } }, ['document.count']],
      ['an unknown status', { ...valid, status: 'paused' }, ['status']],
      ['a body that is not an object', [valid], ['body']],
      ['every problem at once', { ...valid, status: 'x', owner: 1, delivery: { mode: 'bulk', targets: [{ name: 'A', email: 'x' }] } }, ['status', 'owner', 'delivery.mode', 'delivery.targets[0].email']],
    ];
    for (const [what, body, keys] of cases) {
      // Each refused body also carries a valid change (the title), which must not be saved either.
      if (body && typeof body === 'object' && !Array.isArray(body) && typeof (body as { document?: unknown }).document === 'object') {
        const document = (body as { document: { texts?: { en?: { title?: string } } } }).document;
        if (document.texts?.en) (body as { document: unknown }).document = { ...document, texts: { ...document.texts, en: { ...document.texts.en, title: 'Half saved?' } } };
      }
      const answer = await admin(server.url, 'PUT', '/api/admin/campaigns/free-baltabay', { body });
      assert.equal(answer.status, 422, `${what}: ${answer.status} ${answer.text}`);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      for (const key of keys) assert.equal(typeof answer.body.errors?.[key], 'string', `${what}: expected errors["${key}"] in ${answer.text}`);
      const after = await admin(server.url, 'GET', '/api/admin/campaigns/free-baltabay');
      assert.deepEqual(after.body, before.body, `${what}: the campaign changed`);
    }
    // A refused PUT does not create a campaign either.
    const refused = await admin(server.url, 'PUT', '/api/admin/campaigns/not-yet', { body: { ...campaignBody('not-yet'), status: 'x' } });
    assert.equal(refused.status, 422);
    assert.equal((await admin(server.url, 'GET', '/api/admin/campaigns/not-yet')).status, 404);
    assert.equal((await fetch(`${server.url}/api/campaigns/not-yet`)).status, 404);
    // Malformed JSON is a 400 that says so, still no-store and nothing saved.
    const malformed = await admin(server.url, 'PUT', '/api/admin/campaigns/not-yet', { body: '{"document":' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.headers.get('cache-control'), 'no-store');
  });

  test('pause, resume and the letter list: 404 for an unknown campaign; resend of an unknown letter: 409', async () => {
    for (const action of ['pause', 'resume']) {
      const unknown = await admin(server.url, 'POST', `/api/admin/campaigns/no-such-campaign/${action}`);
      assert.equal(unknown.status, 404, action);
      assert.equal(unknown.body.error, 'unknown-campaign');
      assert.equal(unknown.headers.get('cache-control'), 'no-store');
    }
    assert.equal((await admin(server.url, 'GET', '/api/admin/campaigns/no-such-campaign')).status, 404);
    assert.equal((await admin(server.url, 'GET', '/api/admin/campaigns/no-such-campaign/letters')).status, 404);

    const paused = await admin(server.url, 'POST', '/api/admin/campaigns/free-baltabay/pause');
    assert.deepEqual(paused.body, { ok: true, id: 'free-baltabay', sendingPaused: true });
    assert.equal((await admin(server.url, 'GET', '/api/admin/campaigns/free-baltabay')).body.sendingPaused, true);
    const resumed = await admin(server.url, 'POST', '/api/admin/campaigns/free-baltabay/resume');
    assert.deepEqual(resumed.body, { ok: true, id: 'free-baltabay', sendingPaused: false });
    assert.equal((await admin(server.url, 'GET', '/api/admin/campaigns/free-baltabay')).body.sendingPaused, false);

    const resend = await admin(server.url, 'POST', '/api/admin/letters/00000000-0000-4000-8000-000000000000/resend');
    assert.equal(resend.status, 409);
    assert.equal(resend.body.error, 'not-resendable');
    const badStatus = await admin(server.url, 'GET', '/api/admin/campaigns/free-baltabay/letters?status=lost');
    assert.equal(badStatus.status, 422);
    assert.equal(typeof badStatus.body.errors.status, 'string');
  });
});

describe('the CSV export', () => {
  test('opens with ADMIN_TOKEN too, and has letter_status and letter_sent_at columns', async () => {
    const server = await startServer({ ADMIN_TOKEN }, {}, []);
    try {
      await putCampaign(server.url, 'free-baltabay');
      const payload = signature();
      assert.equal((await postJson(server.url, payload)).status, 201);
      for (const token of [ADMIN_TOKEN, EXPORT_TOKEN]) {
        const csv = await getCsv(server.url, 'free-baltabay', token);
        assert.equal(csv.status, 200, token);
        assert.equal(csv.headers.get('cache-control'), 'no-store');
        const header = csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]!;
        assert.match(header, /"letter_status","letter_sent_at"/);
        const [record] = csvRecords(csv.text);
        assert.equal(record?.id, payload.id);
        const statuses = (record?.letter_status ?? '').split('; ').sort();
        assert.deepEqual(statuses, TARGETS.map((target) => `${target.name}: queued`).sort());
        assert.equal(record?.letter_sent_at, '');
      }
      assert.equal((await getCsv(server.url, 'free-baltabay', null)).status, 401);
      assert.equal((await getCsv(server.url, 'free-baltabay', 'not-the-admin-token-not-the-admin-token')).status, 403);
    } finally {
      await server.close();
    }
  });
});

describe('the campaign CLI', () => {
  const CLI = join(REPO_ROOT, 'server/src/cli/campaign-cli.ts');
  const run = (args: string[], databasePath: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', DATABASE_PATH: databasePath },
        timeout: 30_000,
        encoding: 'utf8',
      }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('export a campaign to a file and import it into a fresh database', async () => {
    const source = join(dir, 'source.sqlite');
    const target = join(dir, 'fresh.sqlite');
    const parsed = parseCampaignInput('free-baltabay', campaignBody('free-baltabay', { mode: 'each', targets: TARGETS, hourlyCap: 7 }, { status: 'closed' }));
    assert.ok(parsed.ok);
    const store = openSqliteStore(source);
    await store.putCampaign('free-baltabay', parsed.input);
    await store.close();

    const file = join(dir, 'free-baltabay.json');
    const exported = await run(['export', 'free-baltabay', file], source);
    assert.equal(exported.code, 0, exported.stderr);
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(data).sort(), ['delivery', 'document', 'id', 'status']);
    assert.equal(data.id, 'free-baltabay');
    assert.equal(data.status, 'closed');

    const imported = await run(['import', file], target);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /created free-baltabay/);
    const fresh = openSqliteStore(target);
    try {
      const campaign = await fresh.getCampaign('free-baltabay');
      assert.ok(campaign);
      assert.deepEqual(campaign.document, parsed.input.document);
      assert.deepEqual(campaign.delivery, parsed.input.delivery);
      assert.equal(campaign.status, 'closed');
    } finally {
      await fresh.close();
    }
    const listed = await run(['list'], target);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^free-baltabay\tclosed\t0 signatures\tFree Erlan Baltabay$/m);
  });

  test('an invalid file is refused whole: exit 1, every problem named, nothing written', async () => {
    const target = join(dir, 'refused.sqlite');
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify({ id: 'good-one', ...campaignBody('good-one') }));
    writeFileSync(bad, JSON.stringify({
      id: 'bad-one',
      ...campaignBody('bad-one', { mode: 'bulk', targets: [{ name: 'A', email: 'a@b.example, c@d.example' }] }),
      status: 'paused',
      owner: 'me',
    }));
    const result = await run(['import', good, bad], target);
    assert.equal(result.code, 1, result.stderr);
    assert.ok(result.stderr.includes(bad), result.stderr);
    for (const key of ['delivery.mode', 'delivery.targets[0].email', 'status', 'owner']) {
      assert.ok(result.stderr.includes(`${key}:`), `stderr names ${key}:\n${result.stderr}`);
    }
    assert.doesNotMatch(result.stderr, /created|updated/);
    const store = openSqliteStore(target);
    try {
      assert.deepEqual(await store.listCampaigns(), [], 'not even the good file was imported');
    } finally {
      await store.close();
    }
  });
});

test('the public document holds only the document\'s own fields; delivery settings pasted into it are refused', async () => {
  const server = await startServer({ ADMIN_TOKEN }, {}, []);
  try {
    const body = campaignBody('leaky');
    const document = body.document as Record<string, unknown>;
    for (const [key, value] of [['delivery', { targets: [{ name: 'Office', email: 'office@prosecutor.example' }] }], ['targets', []], ['notes', 'internal']] as const) {
      const refused = await admin(server.url, 'PUT', '/api/admin/campaigns/leaky', { body: { ...body, document: { ...document, [key]: value } } });
      assert.equal(refused.status, 422, refused.text);
      assert.ok(refused.body.errors[`document.${key}`], `document.${key} named: ${refused.text}`);
    }
    assert.equal((await putCampaign(server.url, 'leaky', body)).status, 201);
    const served = (await (await fetch(`${server.url}/api/campaigns/leaky`)).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(served).sort(), [...Object.keys(document).filter((key) => key !== 'id'), 'count', 'formToken', 'id', 'status'].sort());
    assert.ok(!JSON.stringify(served).includes('@'), 'no address in the public document');
  } finally {
    await server.close();
  }
});
