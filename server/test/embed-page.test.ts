/**
 * The embed page (SPEC §10, issue 15): GET /embed/<campaign>?lang=… holds only the widget's
 * script tag, under the strict CSP with frame-ancestors from ALLOWED_ORIGINS; nothing from the
 * URL becomes markup; it is the only answer of the receiver that another site may frame. A real
 * receiver serving a stand-in /dist/ (the browser test, test/e2e/embed-page.test.ts, uses the
 * real build).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBED_PAGE_BASE_CSP, embedLanguage, embedPage, frameAncestors } from '../src/routes/embed.ts';
import { postJson, signature, startServer, type TestServer } from './helpers.ts';
import { ADMIN_TOKEN, campaignDocument, putCampaign } from './support/admin.ts';

const CAMPAIGN = 'embed-campaign';
const HOSTILE_TITLE = '</title><script>alert("title")</script>';

/** A folder standing in for the build: the page only needs /dist/ to be served. */
function standInDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'appeal-embed-dist-'));
  mkdirSync(join(dir, 'locales'));
  writeFileSync(join(dir, 'appeal-widget.js'), '/* stand-in */');
  writeFileSync(join(dir, 'locales', 'fr.json'), '{}');
  return dir;
}

/** The opening tags of `html` by name, with their attributes (enough for the page's few tags). */
function tags(html: string, name: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${name}(\\s[^>]*)?>`, 'gi'))].map((match) =>
    Object.fromEntries([...(match[1] ?? '').matchAll(/([a-z-]+)="([^"]*)"/g)].map((attribute) => [attribute[1]!, attribute[2]!])));
}

const get = async (server: TestServer, path: string, init: RequestInit = {}) => {
  const response = await fetch(`${server.url}${path}`, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
};

describe('GET /embed/:campaign', () => {
  let server: TestServer;
  let dist: string;
  before(async () => {
    dist = standInDist();
    server = await startServer({ ADMIN_TOKEN }, { staticRoots: { dist } }, []);
    const document = campaignDocument(CAMPAIGN, HOSTILE_TITLE);
    await putCampaign(server.url, CAMPAIGN, { document, status: 'open', delivery: { mode: 'off', targets: [] } });
  });
  after(async () => {
    await server?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('a page with only the widget, served with the strict policy and the allowed origins as frame-ancestors', async () => {
    const answer = await get(server, `/embed/${CAMPAIGN}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(answer.headers.get('content-security-policy'),
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; " +
      "frame-ancestors 'self' http://localhost:* http://127.0.0.1:*");
    assert.equal(answer.headers.get('x-frame-options'), null, 'frame-ancestors decides, not a DENY');
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(answer.headers.get('cache-control'), 'no-cache');
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
    const scripts = tags(answer.text, 'script');
    assert.deepEqual(scripts, [{
      src: '/dist/appeal-widget.js',
      'data-endpoint': '/api/signatures',
      'data-campaign': CAMPAIGN,
      'data-campaign-url': `/api/campaigns/${CAMPAIGN}`,
      'data-count-url': `/api/campaigns/${CAMPAIGN}/count`,
    }]);
    assert.match(answer.text, /<script [^>]*><\/script>/, 'no inline script');
    assert.doesNotMatch(answer.text, /<style|style=|<link|<img|<iframe|\son[a-z]+=/i);
    assert.deepEqual(tags(answer.text, 'html'), [{}], 'no language named: the widget speaks the reader\'s');
    // The script's own URL answers (the page's 'self' is the receiver).
    assert.equal((await get(server, '/dist/appeal-widget.js')).status, 200);
  });

  test('?lang: the widget and the page in that language; the title escaped', async () => {
    const answer = await get(server, `/embed/${CAMPAIGN}?lang=pt-BR`);
    assert.equal(answer.status, 200);
    assert.equal(tags(answer.text, 'script')[0]!['data-lang'], 'pt-BR');
    assert.deepEqual(tags(answer.text, 'html'), [{ lang: 'pt-BR' }]);
    assert.ok(answer.text.includes('<title>&lt;/title&gt;&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;</title>'), answer.text);
    const fr = await get(server, `/embed/${CAMPAIGN}?lang=fr`);
    assert.match(fr.text, /<title>Libérez Erlan Baltabay<\/title>/);
  });

  test('a hostile lang is left out, never written into the page', async () => {
    const hostile = [
      '"><script>alert(1)</script>', 'fr" onload="alert(1)', "fr'><img src=x onerror=alert(1)>", 'javascript:alert(1)',
      'fr<', 'f', 'fr-' + 'x'.repeat(40), 'fr\u2028', '',
    ];
    for (const lang of hostile) {
      const answer = await get(server, `/embed/${CAMPAIGN}?lang=${encodeURIComponent(lang)}`);
      assert.equal(answer.status, 200, lang);
      assert.equal(tags(answer.text, 'script').length, 1, lang);
      assert.equal(tags(answer.text, 'script')[0]!['data-lang'], undefined, lang);
      assert.deepEqual(tags(answer.text, 'html'), [{}], lang);
      assert.doesNotMatch(answer.text, /alert\(1\)|onload|onerror|javascript:|<img/, lang);
    }
    const twice = await get(server, `/embed/${CAMPAIGN}?lang=fr&lang=de`);
    assert.equal(tags(twice.text, 'script')[0]!['data-lang'], undefined);
  });

  test('a hostile or unknown id: 400 or 404 in JSON, no page', async () => {
    for (const id of ['%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'Embed-Campaign', '..%2Fadmin', 'a'.repeat(65), '-x']) {
      const answer = await get(server, `/embed/${id}`);
      assert.equal(answer.status, 400, id);
      assert.equal(JSON.parse(answer.text).error, 'invalid-campaign');
      assert.match(answer.headers.get('content-type') ?? '', /application\/json/);
      assert.doesNotMatch(answer.text, /<script/);
    }
    const unknown = await get(server, '/embed/no-such-campaign?lang=fr');
    assert.equal(unknown.status, 404);
    assert.equal(JSON.parse(unknown.text).error, 'unknown-campaign');
  });

  test('HEAD answers like GET, without a body', async () => {
    const answer = await get(server, `/embed/${CAMPAIGN}`, { method: 'HEAD' });
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-security-policy') ?? '', /frame-ancestors/);
    assert.equal(answer.text, '');
  });

  test('every other answer of the receiver refuses to be framed', async () => {
    for (const path of [`/api/campaigns/${CAMPAIGN}`, `/api/campaigns/${CAMPAIGN}/count`, '/api/console/me', '/no-such-page', '/dist/appeal-widget.js', '/dist/locales/fr.json']) {
      const answer = await get(server, path);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY', path);
    }
    const confirm = await get(server, `/confirm/${'A'.repeat(43)}`);
    assert.equal(confirm.headers.get('x-frame-options'), 'DENY');
    assert.match(confirm.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });
});

describe('frame-ancestors follows ALLOWED_ORIGINS', () => {
  for (const [allowed, expected] of [
    ['https://union.example,https://www.union.example:8443', "'self' https://union.example https://www.union.example:8443"],
    ['*', '*'],
    ['https://union.example,local', "'self' https://union.example http://localhost:* http://127.0.0.1:*"],
  ] as const) {
    test(`ALLOWED_ORIGINS=${allowed}`, async () => {
      const dist = standInDist();
      const server = await startServer({ ALLOWED_ORIGINS: allowed }, { staticRoots: { dist } }, [CAMPAIGN]);
      try {
        const answer = await get(server, `/embed/${CAMPAIGN}`);
        assert.equal(answer.headers.get('content-security-policy'), `${EMBED_PAGE_BASE_CSP}; frame-ancestors ${expected}`);
      } finally {
        await server.close();
        rmSync(dist, { recursive: true, force: true });
      }
    });
  }

  test('no origin allowed: only the receiver itself', () => {
    assert.equal(frameAncestors({ any: false, origins: [], localDev: false }), "'self'");
  });
});

test('without the built widget the page says why: 503', async () => {
  const server = await startServer({}, {}, [CAMPAIGN]);
  try {
    const answer = await get(server, `/embed/${CAMPAIGN}`);
    assert.equal(answer.status, 503);
    assert.equal(JSON.parse(answer.text).error, 'embed-unavailable');
    assert.match(JSON.parse(answer.text).message, /npm run build/);
  } finally {
    await server.close();
  }
});

test('the widget on the embed page may post from PUBLIC_URL\'s origin, though ALLOWED_ORIGINS lists only the sites', async () => {
  const server = await startServer({ ALLOWED_ORIGINS: 'https://union.example', PUBLIC_URL: 'https://receiver.example' }, {}, [CAMPAIGN]);
  try {
    assert.equal((await postJson(server.url, signature({ campaign: CAMPAIGN }), { origin: 'https://receiver.example' })).status, 201);
    assert.equal((await postJson(server.url, signature({ campaign: CAMPAIGN }), { origin: 'https://union.example' })).status, 201);
    assert.equal((await postJson(server.url, signature({ campaign: CAMPAIGN }), { origin: 'https://receiver.example.evil.example' })).status, 403);
    assert.equal((await postJson(server.url, signature({ campaign: CAMPAIGN }), { origin: 'http://receiver.example' })).status, 403);
  } finally {
    await server.close();
  }
});

test('embedLanguage and embedPage (pure)', () => {
  for (const good of ['fr', 'pt-BR', 'zh-Hant-TW', 'kk', 'ast']) assert.equal(embedLanguage(good), good);
  for (const bad of [undefined, 42, ['fr'], '', 'f', 'fr_FR', 'fr-', '12', 'x'.repeat(36), 'fr-abcdefghi']) assert.equal(embedLanguage(bad), undefined, String(bad));
  const page = embedPage('c', 'fr', '"&<>\'');
  assert.ok(page.includes('<title>&quot;&amp;&lt;&gt;&#39;</title>'));
  assert.ok(page.startsWith('<!doctype html>\n<html lang="fr">'));
});
