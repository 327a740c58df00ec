import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { LIMITS } from '../src/signature-schema.ts';
import {
  csvRecords,
  getCount,
  getCsv,
  postForm,
  postJson,
  signature,
  startServer,
  uniqueEmail,
  type TestServer,
} from './helpers.ts';

describe('POST /api/signatures', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server.close());

  test('201 with the campaign count', async () => {
    const before = await getCount(server.url);
    const response = await postJson(server.url, signature());
    assert.equal(response.status, 201);
    assert.deepEqual(response.body, { ok: true, count: before + 1, letter: 'none' });
    assert.equal(await getCount(server.url), before + 1);
  });

  test('the same id three times is stored and counted once; repeats answer 200 with the same shape', async () => {
    const payload = signature({ campaign: 'retry-campaign' });
    const first = await postJson(server.url, payload);
    const second = await postJson(server.url, payload);
    const third = await postJson(server.url, payload);
    assert.deepEqual([first.status, second.status, third.status], [201, 200, 200]);
    for (const response of [first, second, third]) assert.deepEqual(response.body, { ok: true, count: 1, letter: 'none' });
    assert.equal(await getCount(server.url, 'retry-campaign'), 1);
    assert.equal(csvRecords((await getCsv(server.url, 'retry-campaign')).text).length, 1);
  });

  test('two different emails count two', async () => {
    const a = await postJson(server.url, signature({ campaign: 'two-emails' }));
    const b = await postJson(server.url, signature({ campaign: 'two-emails' }));
    assert.deepEqual([a.status, b.status], [201, 201]);
    assert.equal(b.body.count, 2);
    assert.equal(await getCount(server.url, 'two-emails'), 2);
  });

  test('the same email (other case, spaces) with a new id looks exactly like a new signature, counted once', async () => {
    const email = uniqueEmail();
    const first = await postJson(server.url, signature({ campaign: 'dedupe' }, { email }));
    assert.equal(first.status, 201);
    const again = await postJson(server.url, signature({ campaign: 'dedupe' }, { email: `  ${email.toUpperCase()} ` }));
    // Never reveal that an address has signed (SPEC §7): same status, body and headers as a new one.
    const fresh = await postJson(server.url, signature({ campaign: 'dedupe-fresh' }));
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, { ok: true, count: 1, letter: 'none' });
    assert.deepEqual(Object.keys(again.body), Object.keys(fresh.body));
    const headerNames = (headers: Headers) => [...headers.keys()].filter((name) => name !== 'date').sort();
    assert.deepEqual(headerNames(again.headers), headerNames(fresh.headers));
    for (const name of headerNames(fresh.headers).filter((name) => !name.startsWith('x-ratelimit') && name !== 'content-length')) {
      assert.equal(again.headers.get(name), fresh.headers.get(name), name);
    }
    assert.equal(await getCount(server.url, 'dedupe'), 1);
    assert.equal(csvRecords((await getCsv(server.url, 'dedupe')).text).length, 1, 'stored once');
    // The same email may sign another campaign.
    const other = await postJson(server.url, signature({ campaign: 'dedupe-other' }, { email }));
    assert.equal(other.status, 201);
  });

  test('20 concurrent posts of the same id: one row, every answer 200/201', async () => {
    const payload = signature({ campaign: 'concurrent' });
    const responses = await Promise.all(Array.from({ length: 20 }, () => postJson(server.url, payload)));
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 201).length, 1, `statuses: ${statuses.join(',')}`);
    assert.ok(statuses.every((status) => status === 200 || status === 201));
    for (const response of responses) assert.deepEqual(response.body, { ok: true, count: 1, letter: 'none' });
    assert.equal(await getCount(server.url, 'concurrent'), 1);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['id', signature({ id: 'not-a-uuid' }), 'id'],
    ['campaign slug', signature({ campaign: 'Free Baltabay!' }), 'campaign'],
    ['empty campaign', signature({ campaign: '' }), 'campaign'],
    ['createdAt shape', signature({ createdAt: 'yesterday' }), 'createdAt'],
    ['createdAt calendar', signature({ createdAt: '2026-02-30T10:00:00Z' }), 'createdAt'],
    ['locale', signature({ locale: 'fr_FR!' }), 'locale'],
    ['email format', signature({}, { email: 'not-an-email' }), 'email'],
    ['email missing', { ...signature(), signer: { firstName: 'A' } }, 'email'],
    ['email too long', signature({}, { email: `${'a'.repeat(250)}@example.org` }), 'email'],
    ['firstName too long', signature({}, { firstName: 'x'.repeat(LIMITS.personName + 1) }), 'firstName'],
    ['lastName type', signature({}, { lastName: 42 }), 'lastName'],
    ['firstName control character', signature({}, { firstName: 'A\u0000B' }), 'firstName'],
    ['country lower case', signature({}, { country: 'kz' }), 'country'],
    ['country three letters', signature({}, { country: 'KAZ' }), 'country'],
    // Firefox names NT (the old Saudi–Iraqi neutral zone) "Saudi Arabia": a widget once sent it.
    ['country code retired', signature({}, { country: 'NT' }), 'country'],
    ['country grouping, not a country', signature({}, { country: 'EU' }), 'country'],
    ['comment too long', signature({}, { comment: 'x'.repeat(LIMITS.comment + 1) }), 'comment'],
    ['unknown signer field', signature({}, { nickname: 'x' }), 'nickname'],
    ['unknown top-level field', { ...signature(), admin: true }, 'admin'],
    ['consent.updates type', signature({ consent: { updates: 'yes', text: 'x' } }), 'consent.updates'],
    ['consent text missing with updates', signature({ consent: { updates: true } }), 'consent.text'],
    ['message body too long', signature({ message: { subject: 's', body: 'x'.repeat(LIMITS.messageBody + 1) } }), 'message.body'],
    ['utm too long', signature({ source: { url: 'https://x.org', utm: { source: 'x'.repeat(201) } } }), 'source.utm.source'],
    ['signer not an object', signature({ signer: 'me' }), 'signer'],
    ['lone surrogate', signature({}, { firstName: 'A\uD800' }), 'firstName'],
  ];
  for (const [name, payload, key] of invalid) {
    test(`422 naming the key: ${name}`, async () => {
      const response = await postJson(server.url, payload);
      assert.equal(response.status, 422, JSON.stringify(response.body));
      const errors = response.body.errors as Record<string, string>;
      assert.equal(typeof errors[key], 'string', `expected errors.${key} in ${JSON.stringify(errors)}`);
    });
  }

  test('422 lists several bad fields at once', async () => {
    const response = await postJson(server.url, signature({ id: 'x', campaign: 'BAD' }, { email: 'nope', country: 'xx' }));
    assert.equal(response.status, 422);
    assert.deepEqual(Object.keys(response.body.errors as object).sort(), ['campaign', 'country', 'id']);
  });

  test('a JSON value that is not an object is 422 on body', async () => {
    for (const body of ['[]', '"x"', '42', 'null']) {
      const response = await postJson(server.url, body);
      assert.equal(response.status, 422, body);
      assert.ok((response.body.errors as Record<string, string>).body);
    }
  });

  test('malformed JSON is 400 with a reason', async () => {
    const response = await postJson(server.url, '{"id": "abc",');
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'malformed-json');
    assert.match(String(response.body.message), /JSON/);
  });

  test('a __proto__ key is refused, even escaped', async () => {
    for (const body of ['{"__proto__": {"admin": true}}', '{"signer": {"\\u005f_proto__": {"x": 1}}}']) {
      const response = await postJson(server.url, body);
      assert.equal(response.status, 400, body);
      assert.match(String(response.body.message), /__proto__/);
    }
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });

  test('text/plain is 415 with a reason', async () => {
    const response = await fetch(`${server.url}/api/signatures`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(signature()),
    });
    assert.equal(response.status, 415);
    const body = (await response.json()) as Record<string, string>;
    assert.equal(body.error, 'unsupported-media-type');
    assert.match(body.message!, /application\/json/);
  });

  test('a 10 MB body is 413 and the server keeps serving', async () => {
    const huge = JSON.stringify(signature({}, { comment: 'x'.repeat(10 * 1024 * 1024) }));
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${server.url}/api/signatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(huge) },
      }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      // The server answers before reading the body and closes: a reset while writing is expected.
      request.on('error', (error: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)));
      request.end(huge);
    });
    assert.equal(status, 413);
    // Without Content-Length (chunked) the limit also holds.
    const chunked = await fetch(`${server.url}/api/signatures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([huge]).stream(),
      duplex: 'half',
    } as RequestInit).then((response) => response.status, () => 413);
    assert.equal(chunked, 413);
    const next = await postJson(server.url, signature());
    assert.equal(next.status, 201);
  });

  test('the form format is accepted and stored like JSON', async () => {
    const id = randomUUID();
    const email = uniqueEmail();
    const form = {
      id, campaign: 'form-campaign', created_at: '2026-11-27T18:00:00.000Z', locale: 'kk',
      first_name: 'Ерлан', last_name: 'Балтабай', email, country: 'KZ', postcode: '050000',
      organisation: 'Union', phone: '+7 700 000 00 00', comment: 'Солидарность',
      consent_updates: 'yes', consent_text: 'Keep me informed',
      message_subject: 'Subject', message_body: 'Line 1\nLine 2',
      source_url: 'https://example.org/a', referrer: 'https://ref.example', utm_source: 'wa', utm_medium: 'share', utm_campaign: 'c',
    };
    const created = await postForm(server.url, form);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body, { ok: true, count: 1, letter: 'none' });
    const retry = await postForm(server.url, form);
    assert.equal(retry.status, 200);
    const duplicate = await postForm(server.url, { ...form, id: randomUUID(), email: email.toUpperCase() });
    assert.equal(duplicate.status, 201, 'a repeated address is not revealed');
    assert.deepEqual(duplicate.body, { ok: true, count: 1, letter: 'none' });

    const jsonTwin = await postJson(server.url, {
      id: randomUUID(), campaign: 'form-campaign', createdAt: form.created_at, locale: 'kk',
      signer: { firstName: 'Ерлан', lastName: 'Балтабай', email: uniqueEmail(), country: 'KZ', postcode: '050000', organisation: 'Union', phone: '+7 700 000 00 00', comment: 'Солидарность' },
      consent: { updates: true, text: 'Keep me informed' },
      message: { subject: 'Subject', body: 'Line 1\nLine 2' },
      source: { url: 'https://example.org/a', referrer: 'https://ref.example', utm: { source: 'wa', medium: 'share', campaign: 'c' } },
    });
    assert.equal(jsonTwin.status, 201);

    const [fromForm, fromJson] = csvRecords((await getCsv(server.url, 'form-campaign')).text);
    assert.ok(fromForm && fromJson);
    assert.equal(fromForm.format, 'form');
    assert.equal(fromJson.format, 'json');
    for (const column of Object.keys(fromForm)) {
      if (['id', 'email', 'received_at', 'format'].includes(column)) continue;
      assert.equal(fromForm[column], fromJson[column], column);
    }
    assert.equal(fromForm.first_name, 'Ерлан');
    assert.equal(fromForm.consent_updates, 'yes');
    assert.equal(fromForm.phone, "'+7 700 000 00 00");
  });

  test('form errors use the payload keys; unknown and repeated form keys are refused', async () => {
    const base = { id: randomUUID(), campaign: 'form-errors', created_at: '2026-11-27T18:00:00Z', email: uniqueEmail() };
    const badEmail = await postForm(server.url, { ...base, email: 'nope', first_name: 'x'.repeat(201), country: 'kz' });
    assert.equal(badEmail.status, 422);
    assert.deepEqual(Object.keys(badEmail.body.errors as object).sort(), ['country', 'firstName']);
    const unknown = await postForm(server.url, { ...base, admin: '1', __proto__: 'x', constructor: 'y' } as Record<string, string>);
    assert.equal(unknown.status, 422);
    assert.ok((unknown.body.errors as Record<string, string>).admin);
    const repeated = await postForm(server.url, `${new URLSearchParams(base)}&email=other@example.org`);
    assert.equal(repeated.status, 422);
    assert.ok((repeated.body.errors as Record<string, string>).email);
    const consent = await postForm(server.url, { ...base, consent_updates: 'maybe' });
    assert.equal(consent.status, 422);
    assert.ok((consent.body.errors as Record<string, string>)['consent.updates']);
    const noConsentAnswer = await postForm(server.url, { ...base, consent_updates: '' });
    assert.equal(noConsentAnswer.status, 201);
  });

  test('the largest valid form payload (3-byte script) fits the default body limit', async () => {
    const cjk = (length: number) => '署'.repeat(length);
    const form = {
      id: randomUUID(), campaign: 'big-form', created_at: '2026-11-27T18:00:00.000Z', locale: 'zh-Hant-TW',
      first_name: cjk(LIMITS.personName), last_name: cjk(LIMITS.personName), name: cjk(LIMITS.personName),
      email: `${'a'.repeat(60)}@${'b'.repeat(60)}.example.org`,
      country: 'TW', postcode: cjk(LIMITS.postcode), organisation: cjk(LIMITS.organisation), phone: cjk(LIMITS.phone),
      comment: cjk(LIMITS.comment), consent_updates: 'yes', consent_text: cjk(LIMITS.consentText),
      message_subject: cjk(LIMITS.messageSubject), message_body: cjk(LIMITS.messageBody),
      source_url: `https://example.org/${'p'.repeat(LIMITS.url - 20)}`, referrer: `https://example.org/${'r'.repeat(LIMITS.url - 20)}`,
      utm_source: cjk(LIMITS.utm), utm_medium: cjk(LIMITS.utm), utm_campaign: cjk(LIMITS.utm),
    };
    const body = new URLSearchParams(form).toString();
    assert.ok(body.length > 64 * 1024, `body is ${body.length} bytes`);
    assert.ok(body.length < Number(server.config.bodyLimit), `body is ${body.length} bytes`);
    const response = await postForm(server.url, body);
    assert.equal(response.status, 201, JSON.stringify(response.body).slice(0, 300));
  });

  test('a SQL-looking name is stored literally', async () => {
    const evil = "Robert'); DROP TABLE signatures;--";
    const response = await postJson(server.url, signature({ campaign: 'bobby' }, { firstName: evil, lastName: '" OR 1=1 --' }));
    assert.equal(response.status, 201);
    const [row] = csvRecords((await getCsv(server.url, 'bobby')).text);
    // Stored literally; the export quotes the `-` segment after `;` (a `;` importer's cell start).
    assert.equal(row?.first_name, "Robert'); DROP TABLE signatures;'--");
    assert.equal(row?.last_name, '" OR 1=1 --');
    assert.equal(await getCount(server.url), await getCount(server.url)); // table still there
  });
});

describe('GET /api/campaigns/:campaign/count', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server.close());

  test('0 for an unknown campaign, N after N signatures, no-cache', async () => {
    const response = await fetch(`${server.url}/api/campaigns/never-signed/count`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { count: 0 });
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    for (let index = 0; index < 3; index++) await postJson(server.url, signature({ campaign: 'three' }));
    assert.equal(await getCount(server.url, 'three'), 3);
  });

  test('an invalid campaign identifier is 400 with a reason', async () => {
    const response = await fetch(`${server.url}/api/campaigns/NOT%20A%20SLUG/count`);
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as Record<string, string>).error, 'invalid-campaign');
  });
});

describe('rate limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_MAX: '3', READ_RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  after(async () => server.close());

  test('over the limit: 429 with Retry-After and a reason; reads have their own budget', async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof postJson>> | undefined;
    for (let index = 0; index < 5; index++) {
      const response = await postJson(server.url, signature());
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
    assert.ok(limited);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(limited.body.error, 'rate-limited');
    assert.match(String(limited.body.message), /try again/);
    // The count endpoint is not blocked by the POST budget.
    assert.equal(await getCount(server.url), 3);
  });
});
