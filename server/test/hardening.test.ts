/**
 * Findings of the receiver's security review: slow bodies, unknown paths, forwarded addresses,
 * disk filling, look-alike addresses, DNS rebinding and oversized error answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LIMITS } from '../src/signature-schema.ts';
import {
  csvRecords,
  getCount,
  getCsv,
  postForm,
  postJson,
  signature,
  sqliteOnly,
  startServer,
  tempDir,
  uniqueEmail,
  type TestServer,
} from './helpers.ts';
import { seedCampaigns } from './support/campaigns.ts';

/** Opens a raw socket, sends `head`, then drips a byte every `dripMs` (never, if 0); resolves with how long the server kept it open. */
function holdOpen(url: string, head: string, dripMs: number, giveUpMs: number): Promise<{ closedAfterMs: number; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let answer = '';
    let drip: NodeJS.Timeout | undefined;
    const finish = (closedAfterMs: number) => {
      clearInterval(drip);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs, answer });
    };
    const giveUp = setTimeout(() => finish(Number.POSITIVE_INFINITY), giveUpMs);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => finish(Date.now() - started));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(head);
      if (dripMs > 0) drip = setInterval(() => socket.write(' '), dripMs);
    });
  });
}

describe('request timeouts and a rate limit on every path (finding 4)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ REQUEST_TIMEOUT_MS: '1000', READ_RATE_LIMIT_MAX: '5' });
  });
  after(async () => server.close());

  const head = 'POST /api/signatures HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';

  test('a body that drips is cut off within the request timeout', async () => {
    const { closedAfterMs } = await holdOpen(server.url, head, 200, 8000);
    assert.ok(closedAfterMs < 3000, `the connection stayed open ${closedAfterMs} ms (REQUEST_TIMEOUT_MS=1000)`);
  });

  test('a body that never arrives is cut off within the request timeout', async () => {
    const { closedAfterMs } = await holdOpen(server.url, head, 0, 8000);
    assert.ok(closedAfterMs < 3000, `the connection stayed open ${closedAfterMs} ms (REQUEST_TIMEOUT_MS=1000)`);
  });

  test('headers that never end are cut off too', async () => {
    const { closedAfterMs } = await holdOpen(server.url, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n', 200, 8000);
    assert.ok(closedAfterMs < 3000, `the connection stayed open ${closedAfterMs} ms`);
  });

  test('requests to unknown paths are rate-limited: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let index = 0; index < 8; index++) {
      const response = await fetch(`${server.url}/no-such-path-${index}`);
      await response.arrayBuffer();
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    assert.deepEqual(statuses, [404, 404, 404, 404, 404, 429, 429, 429]);
    assert.ok(Number(retryAfter) > 0, `Retry-After ${retryAfter}`);
  });
});

describe('TRUST_PROXY with a hop count (finding 5)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ TRUST_PROXY: '1', RATE_LIMIT_MAX: '3' });
  });
  after(async () => server.close());

  test('a client cannot escape the limit with its own X-Forwarded-For values', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 5; index++) {
      // The client wrote the first entries; the proxy (this socket) appended the last one.
      const forwarded = `10.${index}.0.1, 198.51.100.${index}, 203.0.113.7`;
      statuses.push((await postJson(server.url, signature(), { 'x-forwarded-for': forwarded })).status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
    // The address the proxy appended is the key: another client has its own budget.
    assert.equal((await postJson(server.url, signature(), { 'x-forwarded-for': '203.0.113.7, 203.0.113.8' })).status, 201);
  });
});

describe('field limits and URL checks (finding 6)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server.close());

  const refused: [string, Record<string, unknown>, string][] = [
    ['a name longer than a person writes', signature({}, { firstName: 'x'.repeat(101) }), 'firstName'],
    ['an organisation of 151 characters', signature({}, { organisation: 'x'.repeat(151) }), 'organisation'],
    ['a comment of 1001 characters', signature({}, { comment: 'x'.repeat(1001) }), 'comment'],
    ['a consent text of 1001 characters', signature({ consent: { updates: true, text: 'x'.repeat(1001) } }), 'consent.text'],
    ['a subject of 201 characters', signature({ message: { subject: 'x'.repeat(201), body: 'b' } }), 'message.subject'],
    ['a letter of 5001 characters', signature({ message: { subject: 's', body: 'x'.repeat(5001) } }), 'message.body'],
    ['a page URL that is free text', signature({ source: { url: '署'.repeat(100) } }), 'source.url'],
    ['a javascript: page URL', signature({ source: { url: 'javascript:alert(1)' } }), 'source.url'],
    ['a referrer that is not a URL', signature({ source: { url: 'https://example.org/', referrer: 'not a url' } }), 'source.referrer'],
    ['a page URL of 2049 characters', signature({ source: { url: `https://example.org/${'p'.repeat(2049 - 20)}` } }), 'source.url'],
  ];
  for (const [name, payload, key] of refused) {
    test(`422: ${name}`, async () => {
      const response = await postJson(server.url, payload);
      assert.equal(response.status, 422, JSON.stringify(response.body).slice(0, 300));
      assert.equal(typeof (response.body.errors as Record<string, string>)[key], 'string', JSON.stringify(response.body).slice(0, 300));
    });
  }

  test('http(s) URLs up to 2048 characters and an empty referrer pass', async () => {
    const url = `https://example.org/${'p'.repeat(2048 - 20)}`;
    assert.equal(url.length, 2048);
    const response = await postJson(server.url, signature({ source: { url, referrer: '' } }));
    assert.equal(response.status, 201, JSON.stringify(response.body).slice(0, 300));
    assert.equal((await postJson(server.url, signature({ source: { url: 'http://127.0.0.1:8080/?lang=fr', referrer: 'https://t.co/' } }))).status, 201);
  });

  test('the demo letter and the largest payload at the new limits pass', async () => {
    const { readFileSync } = await import('node:fs');
    const { REPO_ROOT } = await import('./helpers.ts');
    const demo = JSON.parse(readFileSync(join(REPO_ROOT, 'demo/free-baltabay.json'), 'utf8')) as { letter: Record<string, { subject?: string; body?: string }> };
    for (const [language, letter] of Object.entries(demo.letter)) {
      if (typeof letter !== 'object' || !letter.body) continue;
      const response = await postJson(server.url, signature({ message: { subject: letter.subject, body: letter.body } }));
      assert.equal(response.status, 201, `${language}: ${JSON.stringify(response.body)}`);
    }
    const cjk = (length: number) => '署'.repeat(length);
    const largest = signature({
      locale: 'zh-Hant-TW',
      consent: { updates: true, text: cjk(LIMITS.consentText) },
      message: { subject: cjk(LIMITS.messageSubject), body: cjk(LIMITS.messageBody) },
      source: { url: `https://example.org/${'p'.repeat(LIMITS.url - 20)}`, referrer: `https://example.org/${'r'.repeat(LIMITS.url - 20)}` },
    }, {
      firstName: cjk(LIMITS.personName), lastName: cjk(LIMITS.personName), name: cjk(LIMITS.personName),
      organisation: cjk(LIMITS.organisation), comment: cjk(LIMITS.comment), postcode: cjk(LIMITS.postcode), phone: '+7 700 000 00 00',
    });
    const response = await postJson(server.url, largest);
    assert.equal(response.status, 201, JSON.stringify(response.body).slice(0, 300));
  });
});

describe('a full database (finding 6)', { skip: sqliteOnly('DATABASE_MAX_BYTES caps the SQLite file; PostgreSQL has no per-database size cap') }, () => {
  let server: TestServer;
  before(async () => {
    // The empty schema is 220 KiB (55 pages); a few signatures fit, then it is full.
    server = await startServer({ DATABASE_MAX_BYTES: '274432' });
  });
  after(async () => server.close());

  test('503 with Retry-After and a reason once full; the server keeps answering and the data stays readable', async () => {
    const accepted: string[] = [];
    let full: Awaited<ReturnType<typeof postJson>> | undefined;
    for (let index = 0; index < 300 && !full; index++) {
      const payload = signature({ campaign: 'full', message: { subject: 'Subject', body: 'x'.repeat(4000) } });
      const response = await postJson(server.url, payload);
      if (response.status === 201) accepted.push(payload.id);
      else if (response.status === 503) full = response;
      else assert.fail(`unexpected ${response.status}: ${JSON.stringify(response.body)}`);
    }
    assert.ok(full, `no 503 after ${accepted.length} signatures into DATABASE_MAX_BYTES=274432`);
    assert.ok(Number(full.headers.get('retry-after')) > 0, `Retry-After ${full.headers.get('retry-after')}`);
    assert.equal(full.body.error, 'storage-full');
    assert.match(String(full.body.message), /full/i);
    assert.ok(accepted.length > 3, `${accepted.length} stored before it filled`);

    // A batch (group commit) of concurrent posts: every waiting request gets its own 503.
    const batch = await Promise.all(Array.from({ length: 8 }, () =>
      postJson(server.url, signature({ campaign: 'full', message: { subject: 'Subject', body: 'x'.repeat(4000) } }))));
    assert.deepEqual(batch.map((response) => response.status), Array(8).fill(503));
    assert.ok(batch.every((response) => response.body.error === 'storage-full'));

    assert.equal(await getCount(server.url, 'full'), accepted.length);
    const csv = await getCsv(server.url, 'full');
    assert.equal(csv.status, 200);
    assert.deepEqual(csvRecords(csv.text).map((record) => record.id), accepted);
    // Still answering, with a reason, not a 500 per request.
    const again = await postJson(server.url, signature({ campaign: 'full', message: { subject: 'Subject', body: 'x'.repeat(4000) } }));
    assert.equal(again.status, 503);
  });
});

describe('invisible and look-alike characters (finding 7a)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server.close());

  const refused: [string, Record<string, unknown>, string][] = [
    ['a zero-width space in the email', signature({}, { email: 'zw\u200Bsp@example.org' }), 'email'],
    ['a bidi override in a name', signature({}, { firstName: '\u202Egnp.exe' }), 'firstName'],
    ['a bidi isolate in a name', signature({}, { lastName: '\u2066x\u2069' }), 'lastName'],
    ['a C1 control in the organisation', signature({}, { organisation: 'Union\u0085' }), 'organisation'],
    ['a line separator in the postcode', signature({}, { postcode: '050\u2028000' }), 'postcode'],
    ['a soft hyphen in the phone', signature({}, { phone: '+7\u00AD700' }), 'phone'],
    ['a bidi override in the comment', signature({}, { comment: 'abc \u202E fed' }), 'comment'],
    ['a C1 control in the letter', signature({ message: { subject: 's', body: 'a\u009Bb' } }), 'message.body'],
    ['a BOM in a utm value', signature({ source: { url: 'https://example.org/', utm: { source: '\uFEFFx' } } }), 'source.utm.source'],
  ];
  for (const [name, payload, key] of refused) {
    test(`422 with a clear reason: ${name}`, async () => {
      const response = await postJson(server.url, payload);
      assert.equal(response.status, 422, JSON.stringify(response.body));
      const reason = (response.body.errors as Record<string, string>)[key];
      assert.match(String(reason), /U\+[0-9A-F]{4}/, JSON.stringify(response.body));
    });
  }

  test('multi-line text keeps newlines, tabs and bidi isolates; names keep ZWNJ (Persian)', async () => {
    const response = await postJson(server.url, signature({}, { comment: 'سطر\n\t\u2067ערבית\u2069 \u200Fok', firstName: 'می\u200Cخواهم' }));
    assert.equal(response.status, 201, JSON.stringify(response.body));
  });

  const sameMailbox: [string, string, string][] = [
    ['fullwidth letters', 'abc@example.org', '\uFF41\uFF42\uFF43@example.org'],
    ['NFD', 'zo\u00EB@example.org', 'zoe\u0308@example.org'],
    ['an IDN domain', 'a@b\u00FCcher.example', 'a@xn--bcher-kva.example'],
    ['an IDN domain in capitals', 'a@B\u00DCCHER.example', 'a@b\u00FCcher.example'],
  ];
  for (const [name, first, second] of sameMailbox) {
    test(`one mailbox counts once: ${name}`, async () => {
      const campaign = `mailbox-${randomUUID().slice(0, 8)}`;
      await seedCampaigns(server.app.signatureStore, [campaign]);
      assert.equal((await postJson(server.url, signature({ campaign }, { email: first }))).status, 201);
      assert.equal((await postJson(server.url, signature({ campaign }, { email: second }))).status, 201);
      assert.equal(await getCount(server.url, campaign), 1);
    });
  }
});

describe('origin guard and DNS rebinding (finding 7f)', () => {
  let server: TestServer;
  let root: string;
  before(async () => {
    root = tempDir();
    mkdirSync(join(root, 'demo'));
    writeFileSync(join(root, 'demo', 'index.html'), '<!doctype html><title>demo</title>');
    server = await startServer({ ALLOWED_ORIGINS: 'https://union.example.org' }, { staticRoots: { demo: join(root, 'demo') } });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A request whose Host header names the attacker's domain, as after DNS rebinding. */
  function rebound(method: string, path: string, host: string, body?: string, headers: Record<string, string> = {}, target = server) {
    const { port } = new URL(target.url);
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host, ...headers } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  test('a post whose Origin only matches its own Host header is refused', async () => {
    // The API alone (no demo, so no Host check): only the origin guard stands in the way.
    const api = await startServer({ ALLOWED_ORIGINS: 'https://union.example.org' });
    try {
      const { port } = new URL(api.url);
      const host = `rebind.example:${port}`;
      const response = await rebound('POST', '/api/signatures', host, JSON.stringify(signature()), {
        origin: `http://${host}`, 'content-type': 'application/json',
      }, api);
      assert.equal(response.status, 403, response.body);
    } finally {
      await api.close();
    }
  });

  test('serving the demo on loopback: a foreign Host name is refused (421)', async () => {
    const { port } = new URL(server.url);
    assert.equal((await rebound('GET', '/', `rebind.example:${port}`)).status, 421);
    assert.equal((await rebound('GET', '/api/campaigns/x/signatures.csv', `rebind.example:${port}`)).status, 421);
    assert.equal((await rebound('GET', '/', `localhost:${port}`)).status, 200);
    assert.equal((await rebound('GET', '/', `127.0.0.1:${port}`)).status, 200);
  });
});

describe('npm start environment (finding 7f)', () => {
  test('a random export token per start, and explicit own origins', async () => {
    const { startEnvironment } = await import('../../scripts/start-env.mjs');
    const first = startEnvironment({ PORT: '8123' });
    const second = startEnvironment({ PORT: '8123' });
    assert.match(first.exportToken, /^[0-9a-f]{48}$/);
    assert.notEqual(first.exportToken, second.exportToken);
    assert.equal(first.env['EXPORT_TOKEN'], first.exportToken);
    assert.notEqual(first.exportToken, 'dev-export-token');
    const origins = String(first.env['ALLOWED_ORIGINS']).split(',');
    assert.ok(origins.includes('http://127.0.0.1:8123') && origins.includes('http://localhost:8123'), origins.join(','));
    const configured = startEnvironment({ PORT: '8123', EXPORT_TOKEN: 'my-own-token-0123456789', ALLOWED_ORIGINS: 'https://x.example' });
    assert.equal(configured.exportToken, 'my-own-token-0123456789');
    assert.equal(configured.env['ALLOWED_ORIGINS'], 'https://x.example');
  });
});

describe('422 answers are bounded (finding 7g)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server.close());

  function check(errors: Record<string, string>, unknown: number) {
    const keys = Object.keys(errors);
    assert.ok(keys.length <= 21, `${keys.length} errors echoed`);
    assert.ok(keys.every((key) => key.length <= 65), `a key of ${Math.max(...keys.map((key) => key.length))} characters`);
    assert.match(String(errors['…']), new RegExp(`and ${unknown - 20} more`));
  }

  test('JSON with 500 unknown long keys: at most 20 errors, short keys, and how many more', async () => {
    const payload: Record<string, unknown> = signature();
    for (let index = 0; index < 500; index++) payload[`${'k'.repeat(300)}${index}`] = 1;
    const response = await postJson(server.url, payload);
    assert.equal(response.status, 422);
    check(response.body.errors as Record<string, string>, 500);
    assert.ok(JSON.stringify(response.body).length < 4000, `${JSON.stringify(response.body).length} bytes answered`);
  });

  test('a form with 500 unknown long keys: the same', async () => {
    const params = new URLSearchParams({ id: randomUUID(), campaign: 'x', created_at: '2026-11-27T18:00:00Z', email: uniqueEmail() });
    for (let index = 0; index < 500; index++) params.append(`${'k'.repeat(300)}${index}`, '1');
    const response = await postForm(server.url, params);
    assert.equal(response.status, 422);
    check(response.body.errors as Record<string, string>, 500);
  });
});
