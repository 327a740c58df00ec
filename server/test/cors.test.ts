import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { postForm, postJson, signature, startServer, tempDir, uniqueEmail, type TestServer } from './helpers.ts';

const ALLOWED = 'https://union.example.org';
const FOREIGN = 'https://evil.example.com';

function preflight(url: string, origin: string, headers = 'content-type') {
  return fetch(`${url}/api/signatures`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });
}

describe('CORS with ALLOWED_ORIGINS configured', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ ALLOWED_ORIGINS: `${ALLOWED}, https://www.example.org` });
  });
  after(async () => server.close());

  test('preflight from an allowed origin is allowed for POST with Content-Type', async () => {
    const response = await preflight(server.url, ALLOWED);
    assert.ok(response.status === 204 || response.status === 200);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /content-type/i);
  });

  test('preflight from a disallowed origin gets no allow headers, and a 403 that says why', async () => {
    const response = await preflight(server.url, FOREIGN);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.equal(response.status, 403);
    const body = (await response.json()) as { error: string; message: string };
    assert.equal(body.error, 'origin-not-allowed');
    assert.match(body.message, /ALLOWED_ORIGINS/);
  });

  test('a JSON post from an allowed origin carries ACAO; errors too, with Retry-After exposed', async () => {
    const created = await postJson(server.url, signature(), { origin: ALLOWED });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('access-control-allow-origin'), ALLOWED);
    const invalid = await postJson(server.url, signature({ id: 'x' }), { origin: ALLOWED });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(invalid.headers.get('access-control-expose-headers') ?? '', /retry-after/i);
  });

  test('a simple (form) post from a disallowed origin is refused and not stored', async () => {
    const email = uniqueEmail();
    const fields = { id: randomUUID(), campaign: 'cors-form', created_at: '2026-11-27T18:00:00Z', email };
    const refused = await postForm(server.url, fields, { origin: FOREIGN });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'origin-not-allowed');
    const accepted = await postForm(server.url, fields, { origin: ALLOWED });
    assert.equal(accepted.status, 201);
    assert.equal(accepted.body.count, 1);
    const noOrigin = await postForm(server.url, { ...fields, id: randomUUID(), email: uniqueEmail() });
    assert.equal(noOrigin.status, 201, 'non-browser clients (no Origin) pass');
  });

  test('the localhost dev origins are not allowed once ALLOWED_ORIGINS is set', async () => {
    const response = await preflight(server.url, 'http://localhost:5173');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});

describe('CORS defaults and *', () => {
  test('default: local dev origins and same origin only', async () => {
    const server = await startServer();
    try {
      const local = await preflight(server.url, 'http://localhost:5173');
      assert.equal(local.headers.get('access-control-allow-origin'), 'http://localhost:5173');
      const loopback = await preflight(server.url, 'http://127.0.0.1:8000');
      assert.equal(loopback.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8000');
      const foreign = await preflight(server.url, FOREIGN);
      assert.equal(foreign.headers.get('access-control-allow-origin'), null);
      const sameOrigin = await postJson(server.url, signature(), { origin: server.url });
      assert.equal(sameOrigin.status, 201);
      const foreignPost = await postJson(server.url, signature(), { origin: FOREIGN });
      assert.equal(foreignPost.status, 403);
    } finally {
      await server.close();
    }
  });

  test('ALLOWED_ORIGINS=* allows any origin', async () => {
    const server = await startServer({ ALLOWED_ORIGINS: '*' });
    try {
      const response = await preflight(server.url, FOREIGN);
      assert.ok(response.headers.get('access-control-allow-origin'));
      assert.equal((await postJson(server.url, signature(), { origin: FOREIGN })).status, 201);
    } finally {
      await server.close();
    }
  });
});

describe('static demo and dist', () => {
  let server: TestServer;
  let root = '';
  before(async () => {
    root = tempDir();
    mkdirSync(join(root, 'demo'));
    mkdirSync(join(root, 'dist', 'locales'), { recursive: true });
    writeFileSync(join(root, 'demo', 'index.html'), '<!doctype html><title>demo</title><script src="/dist/appeal-widget.js"></script>');
    writeFileSync(join(root, 'demo', 'demo-campaign.json'), '{"id":"free-baltabay"}');
    writeFileSync(join(root, 'dist', 'appeal-widget.js'), 'console.log("widget")');
    writeFileSync(join(root, 'dist', 'locales', 'fr.json'), '{}');
    server = await startServer({}, { staticRoots: { demo: join(root, 'demo'), dist: join(root, 'dist') } });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('demo at /, with security headers', async () => {
    const response = await fetch(`${server.url}/`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /demo/);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.ok(response.headers.get('referrer-policy'));
    const campaign = await fetch(`${server.url}/demo-campaign.json`);
    assert.deepEqual(await campaign.json(), { id: 'free-baltabay' });
  });

  test('dist at /dist/, loadable (and its locales fetchable) from other sites', async () => {
    const script = await fetch(`${server.url}/dist/appeal-widget.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    const locale = await fetch(`${server.url}/dist/locales/fr.json`, { headers: { origin: FOREIGN } });
    assert.equal(locale.status, 200);
    assert.equal(locale.headers.get('access-control-allow-origin'), '*');
  });

  test('the API still answers next to the static files', async () => {
    assert.equal((await postJson(server.url, signature())).status, 201);
    const missing = await fetch(`${server.url}/no-such-page.html`);
    assert.equal(missing.status, 404);
  });
});
