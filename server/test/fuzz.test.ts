/**
 * Property-based robustness: thousands of random and hostile payloads, over real HTTP. The
 * server never answers 5xx, keeps answering, and whatever it stored re-validates.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { toInsertParams, type SignatureRow } from '../src/store/sqlite-database.ts';
import type { SignaturePayload } from '../src/signature-schema.ts';
import { formToken, getCount, startServer, tempDir, TEST_BOT_ENV, type TestServer } from './helpers.ts';
import { seedCampaigns } from './support/campaigns.ts';

const HOSTILE_STRINGS = [
  "'; DROP TABLE signatures;--",
  "Robert'); DROP TABLE signatures;--",
  '" OR 1=1 --',
  '=HYPERLINK("http://evil.example","x")',
  '+1',
  '-2',
  '@SUM(A1)',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  '\u202Egnp.exe',
  '👩‍👩‍👧 💥',
  'Ерлан Балтабай',
  'إرلان بلطباي',
  'Zoë Ñúñez',
  '\u0000',
  '\uD800',
  '\r\n',
  '',
  ' ',
  'null',
  'x'.repeat(201),
  'x'.repeat(2001),
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'signer', 'id', ''];
const CAMPAIGNS = ['fuzz', 'fuzz-b', 'free-baltabay'];

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const hostileValue = fc.oneof(
  text,
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, true, null, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Strings the schema accepts: hostile-looking but valid, and arbitrary Unicode without controls. */
const validText = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter((value) => /^[^\u0000-\u001f\u007f]{0,200}$/u.test(value) && value.isWellFormed())) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).filter((value) => !/[\u0000-\u001f\u007f]/.test(value)) },
);
const emailArb = fc
  .tuple(fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/), fc.constantFrom('zoë', 'ерлан', "o'brien")), fc.domain())
  .map(([local, domain]) => `${local}@${domain}`);

const signerArb = fc.record(
  {
    firstName: validText,
    lastName: validText,
    name: validText,
    email: emailArb,
    country: fc.constantFrom('KZ', 'FR', 'BR', ''),
    postcode: validText.map((value) => value.slice(0, 32)),
    organisation: validText,
    phone: validText.map((value) => value.slice(0, 50)),
    comment: validText,
  },
  { requiredKeys: ['email'] },
);

/** Payloads that pass validation (mostly); mutations and the hostile generator break them. */
const payloadArb = fc.record(
  {
    id: fc.uuid({ version: 4 }),
    campaign: fc.constantFrom(...CAMPAIGNS),
    createdAt: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
    locale: fc.constantFrom('fr', 'pt-BR', 'kk', 'ar', 'zh-Hant-TW'),
    signer: signerArb,
    consent: fc.oneof(
      fc.record({ updates: fc.constant(true), text: fc.constantFrom('Keep me informed', '=SUM(1)') }),
      fc.record({ updates: fc.constant(false), text: validText }, { requiredKeys: [] }),
    ),
    message: fc.record({ subject: validText, body: validText }, { requiredKeys: [] }),
    source: fc.record(
      {
        url: fc.webUrl(),
        referrer: fc.oneof(fc.webUrl(), fc.constant('')),
        utm: fc.record({ source: validText, medium: validText, campaign: validText, term: validText, content: validText }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['id', 'campaign', 'createdAt', 'signer'] },
);

type Mutation = { path: readonly string[]; key: string; value: unknown; kind: 'set' | 'add' | 'delete' };
const mutationArb = fc.record({
  path: fc.constantFrom([], ['signer'], ['consent'], ['source'], ['source', 'utm'], ['message']),
  key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS, 'id', 'email', 'firstName', 'updates', 'url'), fc.string({ maxLength: 10 })),
  value: hostileValue,
  kind: fc.constantFrom('set' as const, 'add' as const, 'delete' as const),
});

/** Applies mutations with defineProperty, so `__proto__` becomes an own (serialised) key. */
function mutate(payload: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  const copy = structuredClone(payload);
  for (const mutation of mutations) {
    let node: unknown = copy;
    for (const segment of mutation.path) {
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
    if (node === null || typeof node !== 'object') continue;
    if (mutation.kind === 'delete') delete (node as Record<string, unknown>)[mutation.key];
    else Object.defineProperty(node, mutation.key, { value: mutation.value, enumerable: true, configurable: true, writable: true });
  }
  return copy;
}

const FORM_KEYS = ['id', 'campaign', 'created_at', 'locale', 'first_name', 'last_name', 'name', 'email', 'country', 'postcode',
  'organisation', 'phone', 'comment', 'consent_updates', 'consent_text', 'message_subject', 'message_body', 'source_url',
  'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];

const formArb = fc.oneof(
  // Plausible forms with hostile values, sometimes a stray key.
  fc.tuple(fc.uuid({ version: 4 }), fc.emailAddress(), fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FORM_KEYS), fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })), text), { maxLength: 8 }))
    .map(([id, email, extra]) => {
      const params = new URLSearchParams({ id, campaign: 'fuzz-form', created_at: '2026-11-27T18:00:00Z', email });
      for (const [key, value] of extra) params.append(key, value);
      return params.toString();
    }),
  // Arbitrary key/value pairs.
  fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 30 })), { maxLength: 10 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  // Raw text, including broken percent-escapes.
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('%', '%%%', '%E0%A4%A', '__proto__[admin]=1&constructor[prototype][x]=1', 'a=1&a=2&a=3', '&&&==&'),
);

/** A payload object with the token its widget would send (the bot checks are bots.test.ts's), unless it names one. */
function withToken(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'formToken' in body) return body;
  const { campaign } = body as { campaign?: unknown };
  return typeof campaign === 'string' && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(campaign) ? { ...body, formToken: formToken(campaign) } : body;
}

describe('fuzz', { timeout: 120_000 }, () => {
  let server: TestServer;
  const statuses = new Map<number, number>();
  const tally = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

  before(async () => {
    server = await startServer();
  });
  after(async () => server.close());

  async function send(contentType: string, body: string): Promise<number> {
    const response = await fetch(`${server.url}/api/signatures`, { method: 'POST', headers: { 'content-type': contentType }, body });
    await response.arrayBuffer();
    tally(response.status);
    return response.status;
  }

  test('random JSON values are refused with 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (value) => {
        const status = await send('application/json', JSON.stringify(value));
        assert.ok(status === 400 || status === 422, `status ${status} for ${JSON.stringify(value)}`);
      }),
      { numRuns: 500 },
    );
  });

  test('raw bodies with a JSON content type never give a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('1e999', '[1e309]', '{"a":' + '['.repeat(5000), '{"id":"\\ud800"}')), async (body) => {
        const status = await send('application/json', body);
        assert.ok(status < 500 && status >= 400, `status ${status} for ${JSON.stringify(body)}`);
      }),
      { numRuns: 400 },
    );
  });

  test('plausible payloads with hostile strings and mutations never give a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(payloadArb, fc.oneof(fc.constant([]), fc.array(mutationArb, { minLength: 1, maxLength: 3 })), async (payload, mutations) => {
        const body = withToken(mutations.length === 0 ? payload : mutate(payload, mutations));
        const status = await send('application/json', JSON.stringify(body));
        assert.ok([200, 201, 400, 422].includes(status), `status ${status} for ${JSON.stringify(body).slice(0, 500)}`);
      }),
      { numRuns: 1800 },
    );
  });

  test('random form bodies never give a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(formArb, async (body) => {
        const status = await send('application/x-www-form-urlencoded', body);
        assert.ok([200, 201, 400, 422].includes(status), `status ${status} for ${JSON.stringify(body)}`);
      }),
      { numRuns: 800 },
    );
  });

  test('a SQL-looking valid name is stored literally', async () => {
    const status = await send('application/json', JSON.stringify({
      id: '8c5e1d38-3c8c-4a5b-9d7e-0a1b2c3d4e5f', campaign: 'fuzz', createdAt: '2026-11-27T18:00:00Z',
      signer: { firstName: "'; DROP TABLE signatures;--", email: 'bobby-tables@example.org' }, formToken: formToken('fuzz'),
    }));
    assert.equal(status, 201);
    const [row] = await server.query<{ first_name: string }>('SELECT first_name FROM signatures WHERE id = ?', ['8c5e1d38-3c8c-4a5b-9d7e-0a1b2c3d4e5f']);
    assert.equal(row?.first_name, "'; DROP TABLE signatures;--");
  });

  test('afterwards the server still answers, and every stored row re-validates', async (t) => {
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.equal(typeof (await getCount(server.url, 'fuzz')), 'number');
    const created = statuses.get(201) ?? 0;
    assert.ok(created > 100, `only ${created} payloads were accepted: the generators are too hostile to test storage (${JSON.stringify([...statuses])})`);
    assert.ok(![...statuses.keys()].some((status) => status >= 500));

    const rows = await server.query<SignatureRow & { email_normalised: string }>('SELECT * FROM signatures ORDER BY seq');
    const counts = await server.query<{ campaign: string; count: number }>('SELECT campaign, count FROM campaign_counts');
    // A repeated address answers 201 too (SPEC §7) but is stored once: at most one row per 201.
    assert.ok(rows.length <= created && rows.length > 100, `${rows.length} rows for ${created} answers 201`);
    for (const { campaign, count } of counts) {
      assert.equal(count, rows.filter((row) => row.campaign === campaign).length, `count of ${campaign}`);
    }

    // Re-validate through the same route, into an empty database.
    const dir = tempDir();
    const checker = buildApp(loadConfig({ LOG_LEVEL: 'silent', DATABASE_PATH: join(dir, 'check.sqlite'), RATE_LIMIT_MAX: '1000000', CAMPAIGN_RATE_LIMIT_MAX: '1000000', ...TEST_BOT_ENV }));
    await seedCampaigns(checker.signatureStore);
    try {
      for (const row of rows) {
        const payload = JSON.parse(row.payload_json) as SignaturePayload;
        // With the token its widget would send: the stored payload is kept without it.
        const sent = JSON.stringify({ ...payload, formToken: formToken(payload.campaign) });
        const response = await checker.inject({ method: 'POST', url: '/api/signatures', headers: { 'content-type': 'application/json' }, payload: sent });
        assert.equal(response.statusCode, 201, `${row.payload_json} → ${response.body}`);
        assert.equal(await checker.signatureStore.countQuarantined(payload.campaign), 0, `${row.payload_json} was held back`);
        // Every column is exactly what the payload carried.
        const expected = toInsertParams(payload, row.format, new Date(row.received_at));
        for (const [column, value] of Object.entries(expected)) {
          assert.deepEqual((row as unknown as Record<string, unknown>)[column], value, `${column} of ${row.id}`);
        }
      }
    } finally {
      await checker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
